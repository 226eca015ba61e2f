"""What the survey charts share: their palette, the wave and segment drop-downs, labels.

A chart's data holds each filter value as its position in the drop-down (:class:`Filter`),
a small number rather than the text, and the chart filters on it in the page, so the
filters keep working in an exported HTML file with no kernel.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import label, t
from .analysis import questions, segment_factor, wave_factor

#: detractors, passives, promoters
NPS_COLOURS = ("#d62728", "#bab0ac", "#54a24b")
#: the ends and the middle of the diverging likert palette
NEGATIVE, NEUTRAL, POSITIVE = "#d62728", "#dcdcdc", "#2e7d32"
#: one series: the trend line and its band, the multi-select bars
LINE = "#4c78a8"
#: the names of the drop-downs' Vega-Lite params
WAVE_PARAM, SEGMENT_PARAM = "wave_filter", "segment_filter"
#: in precomputed rows (trend, crosstab test lines), the filter value meaning "everybody"
EVERYONE = -1


@dataclass(frozen=True)
class Filter:
    """A drop-down over one field of the chart's data; ``null`` (the first entry) is "all".

    The data holds the position of the value in ``values`` (a small number rather than the
    text, to keep the spec small); the drop-down shows the text.
    """

    field: str
    param: str
    title: str
    values: list[str]

    def bind(self) -> alt.Parameter:
        return alt.param(
            name=self.param,
            value=None,
            bind=alt.binding_select(
                options=[None, *range(len(self.values))],
                labels=[t("surveys.chart.all"), *self.values],
                name=t("surveys.chart.filter", name=self.title),
            ),
        )

    @property
    def test(self) -> str:
        """Keep the rows of the selected value (all rows when nothing is selected)."""
        return f"({self.param} === null || datum.{self.field} === {self.param})"

    @property
    def pick(self) -> str:
        """Keep the precomputed row of the selection: ``EVERYONE`` when nothing is selected."""
        return f"datum.{self.field} === ({self.param} === null ? {EVERYONE} : {self.param})"


def display_text(value: object) -> str:
    """A wave or segment as shown: as text, the missing value as "(no answer)"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("surveys.chart.no_answer")
    return str(value)


def as_text(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    table = table.copy()
    for column in columns:
        if column in table.columns:
            table[column] = [display_text(v) for v in table[column]]
    return table


def title_of(codebook: pd.DataFrame | None, column: str) -> str:
    """A column's name for people: its question text, else its field label."""
    found = questions(codebook).get(column)
    return found.label if found else label(column)


def wave_column(frame: pd.DataFrame, wave_col: str | None) -> str | None:
    return wave_col if wave_col and wave_col in frame.columns else None


def levels_of(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    wave_col: str | None,
    segment: str | None,
) -> dict[str, list[str]]:
    """The waves and segments that occur, as text, in order."""
    found = {}
    if wave_col:
        codes, levels = wave_factor(frame, wave_col)
        found["wave"] = [display_text(levels[i]) for i in np.unique(codes)]
    if segment:
        codes, levels = segment_factor(frame, codebook, segment)
        found["segment"] = [display_text(levels[i]) for i in np.unique(codes)]
    return found


def filters_for(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    wave_col: str | None,
    segment: str | None,
) -> list[Filter]:
    levels = levels_of(frame, codebook, wave_col, segment)
    found = []
    if wave_col:
        found.append(Filter("wave", WAVE_PARAM, label("wave"), levels["wave"]))
    if segment:
        title = title_of(codebook, segment)
        found.append(Filter("segment", SEGMENT_PARAM, title, levels["segment"]))
    return found


def coded(table: pd.DataFrame, filters: list[Filter]) -> pd.DataFrame:
    """The filter fields as positions in their drop-down (``None``: :data:`EVERYONE`)."""
    table = table.reset_index(drop=True)
    for f in filters:
        where = {v: i for i, v in enumerate(f.values)}
        table[f.field] = pd.Series(
            [EVERYONE if v is None or v != v else where[v] for v in table[f.field]],
            dtype=np.int64,
        )
    return table


def filtered(chart: alt.Chart, filters: list[Filter]) -> alt.Chart:
    if not filters:
        return chart
    return chart.transform_filter(" && ".join(f.test for f in filters))


def with_params(chart: alt.LayerChart, filters: list[Filter]) -> alt.LayerChart:
    return chart.add_params(*[f.bind() for f in filters]) if filters else chart


def vega_text(key: str, **exprs: str) -> str:
    """A catalog text as a Vega expression, its ``{placeholders}`` replaced by expressions."""
    marks = {name: f"\0{name}\0" for name in exprs}
    parts = t(key, **marks).split("\0")
    pieces = [exprs[p] if i % 2 else json.dumps(p, ensure_ascii=False) for i, p in enumerate(parts)]
    return " + ".join(p for p in pieces if p != '""') or '""'


def _mix(a: str, b: str, f: float) -> str:
    one = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    two = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(one, two, strict=True))


def diverging_colour(position: float) -> str:
    """The colour of a point at ``position`` on its scale: 0 most negative, 0.5 neutral, 1."""
    if position < 0.5:
        return _mix(NEGATIVE, NEUTRAL, position / 0.5)
    return _mix(NEUTRAL, POSITIVE, (position - 0.5) / 0.5)


def spec_title(text: str, subtitle: str | list[str] | None = None) -> alt.Title:
    return alt.Title(text, subtitle=subtitle) if subtitle else alt.Title(text)
