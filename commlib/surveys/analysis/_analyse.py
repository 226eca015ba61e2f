"""Everything at once: :func:`analyse` counts every question once and builds every table.

Each question is counted by wave × segment; the tables by wave and the segment crosstabs
are sums of those counts, so they agree exactly with the functions run one by one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..text import COLUMNS as KEYWORD_COLUMNS
from ._change import CHANGE_COLUMNS, with_change
from ._codebook import SCORED, Item, questions
from ._counts import (
    LIKERT_COLUMNS,
    MEAN_COLUMNS,
    Moments,
    concat_tables,
    csat_from_points,
    csat_table,
    likert_table,
    means_table,
    multi_counts,
    nps_labels,
    nps_table,
    options_table,
    point_counts,
    single_counts,
)
from ._crosstab import Crosstab
from ._drivers import driver_table
from ._encode import Columns, on_scale, point_codes, scale_of
from ._groups import Groups
from ._measures import keywords, response_rate


@dataclass
class SurveyAnalysis:
    """What :func:`analyse` found. Tables are by wave (when there is a wave column).

    Each table stacks its questions with a ``code`` column first, otherwise it has the
    columns of the function of the same name. ``changes`` stacks :func:`wave_change` for NPS
    questions (``nps``) and likert/rating items (``csat`` and ``mean``), with ``measure,
    code`` in front. ``keywords`` stacks :func:`keywords` of every open-text question
    (``code, keyword, count, responses, share``; ``attrs["answers"]``: ``code -> answers with
    text``), so it reads as one table like the others. With a segment, ``by_segment`` holds
    the same tables by wave and segment (``nps, csat, means, likert, choices, multi``) and
    ``crosstabs`` the segment against every single, likert, rating, NPS and multi question.
    """

    responses: int
    waves: list
    nps: pd.DataFrame
    csat: pd.DataFrame
    means: pd.DataFrame
    likert: pd.DataFrame
    choices: pd.DataFrame
    multi: pd.DataFrame
    changes: pd.DataFrame
    drivers: pd.DataFrame | None = None
    keywords: pd.DataFrame = field(default_factory=lambda: _stack({}))
    response_rate: pd.DataFrame | None = None
    by_segment: dict[str, pd.DataFrame] = field(default_factory=dict)
    crosstabs: dict[str, Crosstab] = field(default_factory=dict)
    segment: str | None = None


def _stack(parts: dict[str, pd.DataFrame], columns: Sequence[str] = ("code",)) -> pd.DataFrame:
    """Tables of several questions, one after another, with a ``code`` column first
    (``columns``: those of an empty result)."""
    tables = [p.assign(code=k) for k, p in parts.items() if len(p)]
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    table = pd.concat(tables, ignore_index=True)
    return table[["code", *[c for c in table.columns if c != "code"]]]


@dataclass
class _Found:
    """One grouping's tables while :func:`analyse` runs."""

    groups: Groups
    tables: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)

    def add(self, kind: str, code: str, table: pd.DataFrame) -> None:
        self.tables.setdefault(kind, {})[code] = table

    def stacked(self, kind: str) -> pd.DataFrame:
        return _stack(self.tables.get(kind, {}))

    def joined(self, kind: str, columns: list[str]) -> pd.DataFrame:
        """Tables that already have a ``code`` column, one after another."""
        return concat_tables(
            list(self.tables.get(kind, {}).values()), [*self.groups.names, *columns]
        )


def analyse(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    *,
    overall: str | None = None,
    segment: str | None = None,
    wave_col: str | None = "wave",
    surveys: pd.DataFrame | Mapping[int, int] | None = None,
    top: int = 2,
    keyword_top: int = 20,
    keyword_sample: int | None = 10_000,
) -> SurveyAnalysis:
    """The full analysis of a survey (all its waves): see :class:`SurveyAnalysis`.

    ``overall`` names the overall-satisfaction question for :func:`drivers`; ``segment`` a
    column to split by (a single-choice question, ``source``...); ``surveys`` the store's
    survey frame for :func:`response_rate`; ``top`` the CSAT box. Open-text keywords read at
    most ``keyword_sample`` answers per question (a seeded random sample beyond that, since
    jieba cuts ~250,000 characters a second; ``None`` reads them all).

    Every question is counted once, by wave × segment; the tables by wave and the crosstabs
    are sums of those counts, so they agree exactly with the functions run one by one.
    """
    book = questions(codebook)
    wave_col = wave_col if wave_col and wave_col in frame.columns else None
    fine = Groups.of(frame, wave_col, segment, codebook)
    memo = Columns(frame)
    found = [_Found(fine.coarsen("wave"))]
    if segment is not None:
        found.append(_Found(fine))
    crosstabs: dict[str, Crosstab] = {}
    for code, question in book.items():
        if code not in frame.columns:
            continue
        if question.type in SCORED:
            _analyse_scored(question, fine, memo, found, crosstabs, top)
        elif question.type == "single":
            counts, labels = single_counts(frame, question, fine)
            n = counts.sum(axis=1)
            for f in found:
                g = f.groups
                table = options_table(g, fine.sum_to(counts, g), labels, fine.sum_to(n, g), "n")
                f.add("choices", code, table)
            _cross(fine, crosstabs, code, counts, labels)
        elif question.type == "multi":
            counts, labels, answered = multi_counts(frame, question, fine)
            for f in found:
                g = f.groups
                table = options_table(
                    g, fine.sum_to(counts, g), labels, fine.sum_to(answered, g), "answered"
                )
                f.add("multi", code, table)
            _cross(fine, crosstabs, code, counts, labels, mentions=True)
    crosstabs.pop(segment or "", None)

    by_wave = found[0]
    result = SurveyAnalysis(
        responses=len(frame),
        waves=_present(fine, "wave"),
        nps=by_wave.stacked("nps"),
        csat=by_wave.stacked("csat"),
        means=by_wave.joined("means", MEAN_COLUMNS),
        likert=by_wave.joined("likert", LIKERT_COLUMNS),
        choices=by_wave.stacked("choices"),
        multi=by_wave.stacked("multi"),
        changes=_changes(by_wave),
        segment=segment,
        crosstabs=crosstabs,
    )
    if overall is not None:
        result.drivers = driver_table(frame, codebook, overall, None, True, memo)
    found_words = {
        c: keywords(frame, codebook, c, top=keyword_top, sample=keyword_sample)
        for c, q in book.items()
        if q.type == "text" and c in frame.columns
    }
    result.keywords = _stack(found_words, ["code", *KEYWORD_COLUMNS])
    result.keywords.attrs["answers"] = {c: k.attrs["answers"] for c, k in found_words.items()}
    if surveys is not None and "survey_id" in frame.columns:
        result.response_rate = response_rate(frame, surveys)
    if segment is not None:
        by = found[1]
        result.by_segment = {
            "nps": by.stacked("nps"),
            "csat": by.stacked("csat"),
            "means": by.joined("means", MEAN_COLUMNS),
            "likert": by.joined("likert", LIKERT_COLUMNS),
            "choices": by.stacked("choices"),
            "multi": by.stacked("multi"),
        }
    return result


def _present(groups: Groups, name: str) -> list:
    """The levels of one key that have responses (e.g. the waves), in order."""
    if name not in groups.names or groups.codes is None:
        return []
    at = groups.names.index(name)
    sizes = groups.sizes
    per_group = np.bincount(groups.codes, minlength=groups.size).reshape(sizes)
    other = tuple(i for i in range(len(sizes)) if i != at)
    used = per_group.sum(axis=other) > 0 if other else per_group > 0
    return [level for level, ok in zip(groups.dims[at][1], used, strict=True) if ok]


def _analyse_scored(
    question: Item,
    fine: Groups,
    memo: Columns,
    found: list[_Found],
    crosstabs: dict[str, Crosstab],
    top: int,
) -> None:
    """NPS, CSAT, mean, distribution and crosstab of one scored question, for :func:`analyse`."""
    code = question.code
    values = memo.values(question)
    if question.type == "nps":
        counts = fine.count(point_codes(values, 0, 11), 11)
        for f in found:
            f.add("nps", code, nps_table(f.groups, fine.sum_to(counts, f.groups)))
        three = np.stack(
            [counts[:, :7].sum(axis=1), counts[:, 7:9].sum(axis=1), counts[:, 9:].sum(axis=1)],
            axis=1,
        )
        _cross(fine, crosstabs, code, three, nps_labels())
        return
    points = point_counts(question, fine, memo)
    if points is not None:
        moments = Moments.of_points(points)
        for f in found:
            coarse = points.to(fine, f.groups)
            f.add("csat", code, csat_from_points(f.groups, coarse, top))
            if question.type == "likert":
                f.add("likert", code, likert_table(f.groups, coarse, question))
        _cross(fine, crosstabs, code, points.counts, points.labels)
    else:
        scored = on_scale(values, question)
        moments = Moments.of_rows(scored, fine)
        if question.type == "rating":
            low, high = scale_of(question, values)
            valid = np.isfinite(scored)
            with np.errstate(invalid="ignore"):
                hit = valid & (scored >= high - top + 1)
            n, x = fine.tally(valid), fine.tally(hit)
            for f in found:
                g = f.groups
                table = csat_table(g, fine.sum_to(n, g), fine.sum_to(x, g), (low, high))
                f.add("csat", code, table)
    for f in found:
        f.add("means", code, means_table(f.groups, moments.to(fine, f.groups), question))


def _cross(
    fine: Groups,
    crosstabs: dict[str, Crosstab],
    code: str,
    counts: np.ndarray,
    labels: list,
    mentions: bool = False,
) -> None:
    """The segment × question crosstab, from counts by wave × segment."""
    if "segment" not in fine.names:
        return
    segments = fine.coarsen("segment")
    table = fine.sum_to(counts, segments)
    levels = list(segments.dims[0][1])
    if levels and isinstance(levels[-1], float) and math.isnan(levels[-1]):
        table, levels = table[:-1], levels[:-1]
    crosstabs[code] = Crosstab.from_counts(table, levels, labels, mentions)


def _changes(found: _Found) -> pd.DataFrame:
    """Wave-over-wave changes of every NPS, CSAT and mean table by wave."""
    parts = []
    if "wave" in found.groups.names:
        measures = (("nps", "nps", "nps"), ("csat", "csat", "share"), ("mean", "means", "mean"))
        for measure, kind, column in measures:
            tables = found.tables.get(kind, {})
            if tables:
                table = pd.concat(
                    [t.assign(code=code) for code, t in tables.items()], ignore_index=True
                )
                changed = with_change(table.assign(value=table[column]), measure)
                parts.append(changed.assign(measure=measure))
    return concat_tables(parts, ["measure", "code", "wave", *CHANGE_COLUMNS])
