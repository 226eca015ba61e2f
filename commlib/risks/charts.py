"""Risk charts: altair builders that take DataFrames and return a chart, never display it.

    >>> risks, history = store.frame("risks", p), store.history(p, kind="risks")
    >>> risk_matrix_chart(risks, lang="zh")                          # the 5x5 heatmap
    >>> exposure_chart(exposure(risks, history, today=today))         # the burndown
    >>> score_history_chart(score_history(risks, history, until=today))

Each builder copies only what the chart shows (ids, titles, scores, levels, statuses; never
notes, owners' remarks or costs), and labels everything in ``lang`` (default: the current
language) through the catalog. Interaction runs in the page (Vega-Lite params), so charts
keep working in an HTML report opened without a kernel.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import tzinfo

import altair as alt
import pandas as pd

from .. import _charts, frames
from ..i18n import enum_label, label, language, t
from .scoring import (
    DEFAULT_MATRIX,
    LEVELS,
    LIVE,
    PROBABILITY_BANDS,
    SCALE,
    RiskMatrix,
    level_label,
    matrix_cells,
    scale_label,
)

#: one colour per level, low to critical (green, yellow, orange, red)
LEVEL_COLOURS: dict[str, str] = {
    "low": _charts.LIGHT_GREEN,
    "medium": _charts.YELLOW,
    "high": _charts.ORANGE,
    "critical": _charts.RED,
}
EXPOSURE_COLOUR = _charts.BLUE
#: ids per line and lines of ids in a heatmap cell (then "+n"); titles listed in its
#: tooltip, and characters kept of each
_IDS_PER_LINE, _ID_LINES, _TITLES, _TITLE_CHARS = 4, 2, 8, 40


def _levels() -> tuple[list[str], list[str]]:
    """Level names in the current language, and their colours."""
    return [level_label(v) for v in LEVELS], [LEVEL_COLOURS[v] for v in LEVELS]


def _probability_text(p: int) -> str:
    return f"{p} {scale_label(p)} ({PROBABILITY_BANDS[p]})"


def _impact_text(i: int) -> str:
    return f"{i} {scale_label(i)}"


# --- the 5x5 matrix ---------------------------------------------------------------------


def risk_matrix_chart(
    risks: pd.DataFrame,
    *,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    statuses: Iterable[str] | None = LIVE,
    lang: str | None = None,
) -> alt.LayerChart:
    """The probability x impact heatmap: each cell coloured by its level on ``matrix``.

    A cell shows how many risks it holds and their ids (``#3 #7``); its tooltip lists
    their titles. ``risks`` is a store frame; only risks whose status is in ``statuses``
    are placed (default: open and mitigating; ``None``: all). Probability runs bottom to
    top, impact left to right.
    """
    with language(lang):
        rows = _matrix_rows(matrix_cells(risks, matrix, statuses=statuses))
        domain, colours = _levels()
        x = alt.X(
            "impact_text:O",
            sort=[_impact_text(i) for i in SCALE],
            title=label("impact"),
            axis=alt.Axis(labelAngle=0),
        )
        y = alt.Y(
            "probability_text:O",
            sort=[_probability_text(p) for p in reversed(SCALE)],
            title=label("probability"),
            # read level, above the labels: a rotated title turns Chinese sideways
            axis=alt.Axis(titleAngle=0, titleAlign="right", titleBaseline="bottom", titleY=-6),
        )
        tooltip = [
            alt.Tooltip("level:N", title=t("risks.word.level")),
            alt.Tooltip("probability_text:N", title=label("probability")),
            alt.Tooltip("impact_text:N", title=label("impact")),
            alt.Tooltip("score:Q", title=t("risks.word.score")),
            alt.Tooltip("count:Q", title=t("risks.word.count")),
            alt.Tooltip("titles:N", title=label("risks")),
        ]
        base = alt.Chart(rows)
        cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
            x=x,
            y=y,
            color=alt.Color(
                "level:N",
                title=t("risks.word.level"),
                scale=alt.Scale(domain=domain, range=colours),
                sort=domain,
            ),
            opacity=alt.condition("datum.count > 0", alt.value(1.0), alt.value(0.45)),
            tooltip=tooltip,
        )
        counts = (
            base.transform_filter("datum.count > 0")
            .mark_text(fontSize=18, fontWeight="bold", baseline="bottom", dy=-2)
            .encode(x=x, y=y, text="count:Q", tooltip=tooltip)
        )
        ids = (
            base.transform_filter("datum.count > 0")
            .mark_text(fontSize=11, baseline="top", dy=2, lineHeight=13)
            .encode(x=x, y=y, text="ids:N", tooltip=tooltip)
        )
        chart = alt.layer(cells, counts, ids).properties(
            title=alt.Title(
                t("risks.chart.matrix.title"),
                subtitle=t("risks.chart.matrix.subtitle")
                if statuses is not None
                else t("risks.chart.matrix.subtitle_all"),
            ),
            width=alt.Step(110),
            height=alt.Step(80),
        )
    return chart


def _matrix_rows(cells: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for cell in cells.itertuples(index=False):
        ids = [f"#{i}" for i in cell.ids]
        shown = ids[: _IDS_PER_LINE * _ID_LINES]
        lines = [
            " ".join(shown[k : k + _IDS_PER_LINE]) for k in range(0, len(shown), _IDS_PER_LINE)
        ]
        if len(ids) > len(shown):
            lines.append(f"+{len(ids) - len(shown)}")
        listed = [
            f"#{i} {_charts.trim(title, _TITLE_CHARS)}"
            for i, title in zip(cell.ids, cell.titles, strict=True)
        ]
        more = len(listed) - _TITLES
        titles = "; ".join(listed[:_TITLES]) + (f" (+{more})" if more > 0 else "")
        rows.append(
            {
                "probability_text": _probability_text(cell.probability),
                "impact_text": _impact_text(cell.impact),
                "score": int(cell.score),
                "level": level_label(cell.level),
                "count": int(cell.count),
                "ids": lines,
                "titles": titles,
            }
        )
    return pd.DataFrame(rows)


# --- exposure over time -----------------------------------------------------------------


def exposure_chart(weekly: pd.DataFrame, *, lang: str | None = None) -> alt.LayerChart:
    """Risk exposure week by week (the burndown): an area under a line with a dot a week.

    ``weekly`` is :func:`~commlib.risks.review.exposure`. The tooltip gives the week, the
    day it was measured, the exposure and how many live risks made it up.
    """
    with language(lang):
        rows = _exposure_rows(weekly)
        week = t("risks.chart.week")
        x = alt.X(
            "week:T",
            title=week,
            scale=alt.Scale(type="utc"),
            axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30),
        )
        y = alt.Y("exposure:Q", title=t("risks.chart.exposure"), scale=alt.Scale(zero=True))
        tooltip = [
            alt.Tooltip("week:T", title=week, format="%Y-%m-%d", formatType="utc"),
            alt.Tooltip("as_of:N", title=t("risks.chart.as_of")),
            alt.Tooltip("exposure:Q", title=t("risks.chart.exposure")),
            alt.Tooltip("risks:Q", title=t("risks.chart.live_risks")),
        ]
        base = alt.Chart(rows).encode(x=x, y=y)
        area = base.mark_area(color=EXPOSURE_COLOUR, opacity=0.2)
        line = base.mark_line(color=EXPOSURE_COLOUR, strokeWidth=2)
        dots = base.mark_circle(color=EXPOSURE_COLOUR, size=36).encode(tooltip=tooltip)
        chart = alt.layer(area, line, dots).properties(
            title=alt.Title(
                t("risks.chart.exposure.title"), subtitle=t("risks.chart.exposure.subtitle")
            ),
            width=560,
            height=260,
        )
    return chart


def _exposure_rows(weekly: pd.DataFrame) -> pd.DataFrame:
    if weekly.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("week", "as_of")}
            | {c: pd.Series(dtype="int64") for c in ("exposure", "risks")}
        )
    weeks = pd.to_datetime(weekly["week"]).dt.strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "week": weeks.to_numpy(),
            "as_of": [str(d) for d in weekly["as_of"]],
            "exposure": weekly["exposure"].astype(int).to_numpy(),
            "risks": weekly["risks"].astype(int).to_numpy(),
        }
    )


# --- score history ----------------------------------------------------------------------


def score_history_chart(
    history: pd.DataFrame,
    *,
    risk_ids: Iterable[int] | None = None,
    selected: int | None = None,
    matrix: RiskMatrix = DEFAULT_MATRIX,
    tz: str | tzinfo | None = None,
    lang: str | None = None,
) -> alt.LayerChart:
    """Each risk's score over time as a step line, with a picker to show one risk or all.

    ``history`` is :func:`~commlib.risks.review.score_history` (give it ``until=today`` so
    lines reach today). ``risk_ids`` keeps a few risks (default: all); ``selected`` is the
    one the picker starts on (default: all of them). The picker is a Vega-Lite param, so it
    works in an exported page without a kernel. Days are in ``tz`` (default: this
    machine's zone); several changes on one day show as the last of them. Behind the
    lines, the score bands of ``matrix``'s levels (when its levels follow the score, as
    the default's do).
    """
    zone = frames.zone(tz)
    with language(lang):
        rows = _history_rows(history, risk_ids, zone)
        ids = list(dict.fromkeys(rows["risk_id"]))
        names = dict(zip(rows["risk_id"], rows["risk"], strict=True))
        everyone = t("risks.chart.history.all")
        start = selected if selected in names else 0
        pick = alt.param(
            name="risk_pick",
            value=start,
            bind=alt.binding_select(
                options=[0, *ids],
                labels=[everyone, *[names[i] for i in ids]],
                name=t("risks.chart.history.pick") + " ",
            ),
        )
        day = t("risks.chart.date")
        x = alt.X(
            "day:T",
            title=day,
            scale=alt.Scale(type="utc"),
            axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30),
        )
        y = alt.Y(
            "score:Q",
            title=t("risks.word.score"),
            scale=alt.Scale(domain=[0, 25], nice=False),
            axis=alt.Axis(values=[0, 5, 10, 15, 20, 25]),
        )
        tooltip = [
            alt.Tooltip("risk:N", title=label("risks")),
            alt.Tooltip("day:T", title=day, format="%Y-%m-%d", formatType="utc"),
            alt.Tooltip("probability:Q", title=label("probability")),
            alt.Tooltip("impact:Q", title=label("impact")),
            alt.Tooltip("score:Q", title=t("risks.word.score")),
            alt.Tooltip("level:N", title=t("risks.word.level")),
            alt.Tooltip("status:N", title=label("status")),
        ]
        colour = alt.Color(
            "risk:N",
            title=label("risks"),
            sort=[names[i] for i in ids],
            legend=alt.Legend(labelLimit=260, symbolType="stroke"),
        )
        lines = (
            alt.Chart(rows)
            .transform_filter("risk_pick == 0 || datum.risk_id == risk_pick")
            .mark_line(interpolate="step-after", strokeWidth=2)
            .encode(x=x, y=y, color=colour, detail="risk_id:N")
        )
        dots = (
            alt.Chart(rows)
            .transform_filter("risk_pick == 0 || datum.risk_id == risk_pick")
            .mark_point(filled=True, size=40)
            .encode(x=x, y=y, color=colour, tooltip=tooltip)
        )
        layers = [lines, dots]
        bands = _score_bands(matrix)
        if not bands.empty:
            layers.insert(
                0,
                alt.Chart(bands)
                .mark_rect(opacity=0.15)
                .encode(
                    y=alt.Y(
                        "low:Q",
                        title=t("risks.word.score"),
                        scale=alt.Scale(domain=[0, 25], nice=False),
                    ),
                    y2="high:Q",
                    fill=alt.Fill("colour:N", scale=None, legend=None),
                    tooltip=[alt.Tooltip("level:N", title=t("risks.word.level"))],
                ),
            )
        chart = (
            alt.layer(*layers)
            .add_params(pick)
            .properties(
                title=alt.Title(
                    t("risks.chart.history.title"), subtitle=t("risks.chart.history.subtitle")
                ),
                width=560,
                height=280,
            )
        )
    return chart


def _history_rows(
    history: pd.DataFrame, risk_ids: Iterable[int] | None, zone: tzinfo
) -> pd.DataFrame:
    columns = ["risk_id", "risk", "day", "probability", "impact", "score", "level", "status"]
    df = history
    if risk_ids is not None and not df.empty:
        df = df[df["risk_id"].isin([int(i) for i in risk_ids])]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    at = pd.to_datetime(df["at"], utc=True).dt.tz_convert(zone)
    rows = pd.DataFrame(
        {
            "risk_id": df["risk_id"].astype(int).to_numpy(),
            "risk": [
                f"#{i} {_charts.trim(title, _TITLE_CHARS)}"
                for i, title in zip(df["risk_id"], df["title"], strict=True)
            ],
            "day": at.dt.strftime("%Y-%m-%d").to_numpy(),
            "probability": df["probability"].astype(int).to_numpy(),
            "impact": df["impact"].astype(int).to_numpy(),
            "score": df["score"].astype(int).to_numpy(),
            "level": [level_label(v) for v in df["level"]],
            "status": [enum_label("risk_status", s) for s in df["status"]],
            "at": at.to_numpy(),
        }
    )
    rows = rows.sort_values(["risk_id", "at"], kind="stable")
    rows = rows.drop_duplicates(["risk_id", "day"], keep="last")
    return rows[columns].reset_index(drop=True)


def _score_bands(matrix: RiskMatrix) -> pd.DataFrame:
    """Score bands of the levels (``level``, ``low``, ``high``, ``colour``), when each level
    is one unbroken range of scores apart from the others; else empty."""
    cells = matrix.cells()
    spans = [(name, cells.loc[cells["level"] == name, "score"]) for name in LEVELS]
    spans = [(name, int(s.min()), int(s.max())) for name, s in spans if not s.empty]
    for (_, _, top), (_, bottom, _) in itertools.pairwise(spans):
        if top >= bottom:
            return pd.DataFrame(columns=["level", "low", "high", "colour"])
    rows = []
    for k, (name, _, top) in enumerate(spans):
        low = 0.0 if k == 0 else rows[-1]["high"]
        high = 25.0 if k == len(spans) - 1 else (top + spans[k + 1][1]) / 2
        rows.append(
            {"level": level_label(name), "low": low, "high": high, "colour": LEVEL_COLOURS[name]}
        )
    return pd.DataFrame(rows)
