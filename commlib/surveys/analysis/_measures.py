"""The measures of one question at a time: NPS, CSAT, means, distributions, keywords.

    >>> nps(frame, codebook, segment="Q9", wave_col="wave")   # with its 95% interval
    >>> csat(frame, codebook, "Q1", top=2)                   # top-2-box share, Wilson interval
    >>> likert(frame, codebook)                              # every likert item's distribution

Each takes the wide frame and its codebook and returns a table with [``wave``]
[``segment``] columns first when grouped (see :class:`Groups`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ...errors import NotFound
from ...i18n import t
from ..text import keyword_counts
from ._codebook import SCORED, column_of, item_of, question_codes, questions
from ._counts import (
    LIKERT_COLUMNS,
    MEAN_COLUMNS,
    Points,
    concat_tables,
    csat_from_points,
    csat_table,
    likert_table,
    means_table,
    moments_of,
    multi_counts,
    nps_table,
    options_table,
    single_counts,
)
from ._encode import Columns, divide, is_whole, point_codes, points_of, scale_of, scores
from ._groups import Groups


def _first(frame: pd.DataFrame, codebook: pd.DataFrame | None, kind: str) -> str:
    found = question_codes(frame, codebook, None, (kind,))
    if not found:
        raise NotFound(t("surveys.analysis.error.no_question", type=kind))
    return found[0]


def nps(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Net Promoter Score of one 0–10 question (default: the first NPS question).

    Promoters answer 9–10, passives 7–8, detractors 0–6; NPS = %promoters − %detractors, in
    points (−100..100). The 95% interval is the Wald interval NPS ± 1.96·SE with the
    multinomial variance of a difference of two proportions of the same sample,
    ``var = (p_P + p_D − (p_P − p_D)²) / n`` (SE in points is ``100·√var``), clipped to
    −100..100. It is the standard one, but too narrow at small n or extreme scores (all
    promoters gives a zero-width interval).

    Columns: [``wave``] [``segment``] ``n, detractors, passives, promoters, share_detractors,
    share_passives, share_promoters, nps, se, ci_low, ci_high``. Without ``segment`` and
    ``wave_col``, one row for everyone (NaN scores when nobody answered).
    """
    code = code or _first(frame, codebook, "nps")
    question = item_of(frame, codebook, code, ("nps", "rating", "numeric"))
    groups = Groups.of(frame, wave_col, segment, codebook)
    values = scores(frame[code], question)
    return nps_table(groups, groups.count(point_codes(values, 0, 11), 11))


def csat(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    top: int = 2,
    scale: tuple[int, int] | None = None,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """CSAT: the share of answers in the ``top`` points of the scale, with a Wilson interval.

    On a 1–5 scale with ``top=2`` that is the share of 4s and 5s (top-2-box); on any scale it
    is the share of answers ``>= high - top + 1``. ``scale`` is ``(low, high)``; by default
    1..number of options for a likert question, 0..10 for NPS, the options of a rating
    question when they are its bounds (``["1", "5"]``), else guessed from the answers (0 or 1
    up to 5, 7 or 10). Answers off the scale are left out.

    Columns: [``wave``] [``segment``] ``n, top_box, share, ci_low, ci_high``;
    ``attrs["scale"]`` is the scale used.
    """
    question = item_of(frame, codebook, code, SCORED)
    values = scores(frame[code], question)
    low, high = scale or scale_of(question, values)
    groups = Groups.of(frame, wave_col, segment, codebook)
    if is_whole(values):
        k = high - low + 1
        points = Points(low, [""] * k, groups.count(point_codes(values, low, k), k))
        return csat_from_points(groups, points, top)
    with np.errstate(invalid="ignore"):
        valid = (values >= low) & (values <= high)
        hit = valid & (values >= high - top + 1)
    return csat_table(groups, groups.tally(valid), groups.tally(hit), (low, high))


def means(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Mean score of each item with its 95% t interval (default: every likert/rating item).

    Columns: [``wave``] [``segment``] ``code, item, n, mean, sd, se, ci_low, ci_high``
    (``sd`` with n − 1; NaN below two answers).
    """
    groups = Groups.of(frame, wave_col, segment, codebook)
    book = questions(codebook)
    columns = Columns(frame)
    parts = []
    for code in question_codes(frame, codebook, codes, ("likert", "rating")):
        question = item_of(frame, codebook, code, SCORED, book)
        parts.append(means_table(groups, moments_of(question, groups, columns), question))
    return concat_tables(parts, [*groups.names, *MEAN_COLUMNS])


def likert(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """The full distribution of likert items (default: every likert question).

    One row per item and option, options in scale order (most negative first), every option
    even when nobody chose it: [``wave``] [``segment``] ``code, item, value, option, count,
    share, n, mean`` — ``value`` is the point (1..k), ``share`` = count / n, ``n`` answers to
    the item, ``mean`` its mean score. Ready for diverging bars: the neutral point is
    (k + 1) / 2. Rating questions in whole points are accepted too (labelled by number).
    """
    groups = Groups.of(frame, wave_col, segment, codebook)
    book = questions(codebook)
    parts = []
    for code in question_codes(frame, codebook, codes, ("likert",)):
        question = item_of(frame, codebook, code, ("likert", "rating"), book)
        values = scores(frame[code], question)
        low, labels = points_of(question, values)
        counts = groups.count(point_codes(values, low, len(labels)), len(labels))
        parts.append(likert_table(groups, Points(low, labels, counts), question))
    return concat_tables(parts, [*groups.names, *LIKERT_COLUMNS])


def choices(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Counts and shares of a single-choice question, options in order.

    Answers that are not among the options (free "other" text) come after them.
    Columns: [``wave``] [``segment``] ``option, count, share, n`` (n = answers).
    """
    question = item_of(frame, codebook, code, ("single",))
    groups = Groups.of(frame, wave_col, segment, codebook)
    counts, labels = single_counts(frame, question, groups)
    return options_table(groups, counts, labels, counts.sum(axis=1), "n")


def multi_select(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    segment: str | None = None,
    wave_col: str | None = None,
) -> pd.DataFrame:
    """Counts of each option of a multi-select question, and the share of respondents.

    ``share`` = respondents who picked the option / respondents who answered the question
    (an empty list counts as answered with nothing picked; a skipped question does not).
    Shares add up to more than 1. An option picked twice in one answer counts once.
    Columns: [``wave``] [``segment``] ``option, count, share, answered``.
    """
    question = item_of(frame, codebook, code, ("multi", "rank"))
    groups = Groups.of(frame, wave_col, segment, codebook)
    counts, labels, answered = multi_counts(frame, question, groups)
    return options_table(groups, counts, labels, answered, "answered")


# --- text and response rate --------------------------------------------------------------


def keywords(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    top: int | None = 20,
    min_length: int = 2,
    stopwords: Iterable[str] | None = None,
    extra_stopwords: Iterable[str] = (),
    sample: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Keywords of an open-text question (see :func:`commlib.surveys.text.keyword_counts`).

    Columns ``keyword, count, responses, share`` (share of the answers with text that use
    the word). With ``sample``, at most that many answers are read: a simple random sample
    without replacement, drawn with ``seed`` (reproducible; ``attrs["sampled"]`` says
    whether it happened). Answers are counted first, so each distinct answer is read once.
    """
    item_of(frame, codebook, code, ("text", "single"))
    counts = frame[code].value_counts(dropna=True, sort=False)
    sampled = sample is not None and int(counts.sum()) > sample
    weights = counts.to_numpy(dtype=np.int64)
    if sampled:
        rng = np.random.default_rng(seed)
        weights = rng.multivariate_hypergeometric(weights, sample)
    result = keyword_counts(
        dict(zip(counts.index, weights.tolist(), strict=True)),
        top=top,
        min_length=min_length,
        stopwords=None if stopwords is None else frozenset(stopwords),
        extra_stopwords=extra_stopwords,
    )
    result.attrs["sampled"] = sampled
    return result


def response_rate(frame: pd.DataFrame, surveys: pd.DataFrame | Mapping[int, int]) -> pd.DataFrame:
    """Responses / invitations per survey (wave), where the number invited is known.

    ``surveys`` is the store's survey frame (``id``, ``invited``, and ``name``/``wave`` when
    present) or a mapping ``survey_id -> invited``. Columns: ``survey_id, [survey, wave,]
    invited, responses, rate`` (NaN when ``invited`` is missing or 0).
    """
    counts = column_of(frame, "survey_id").value_counts()
    if isinstance(surveys, Mapping):
        table = pd.DataFrame({"survey_id": list(surveys), "invited": list(surveys.values())})
    else:
        table = surveys.rename(columns={"id": "survey_id", "name": "survey"})
        keep = [c for c in ("survey_id", "survey", "wave", "invited") if c in table.columns]
        table = table[keep].copy()
    table["invited"] = pd.to_numeric(table["invited"], errors="coerce").astype(np.float64)
    table["responses"] = table["survey_id"].map(counts).fillna(0).astype(np.int64)
    table["rate"] = divide(table["responses"], table["invited"].fillna(0))
    return table.reset_index(drop=True)
