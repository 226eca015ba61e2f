"""Survey charts: altair builders that take the response frame and return a chart, never show it.

Every builder aggregates in pandas first, with :mod:`commlib.surveys.analysis`, down to counts
per filter value and category (e.g. answers per wave × segment × item × option), and ships
only those counts. The wave and segment filters are Vega-Lite params bound to drop-downs; the
chart filters the counts and aggregates them again in the page. So filters keep working in an
exported HTML file with no kernel, and a chart's size does not grow with the number of
responses (a million answers make the same few kilobytes as a hundred).

    >>> likert_chart(frame, codebook, segment="Q9")          # diverging bars, by item
    >>> nps_chart(frame, codebook, segment="Q9")              # detractors/passives/promoters
    >>> trend_chart(frame, codebook, "Q1", measure="csat")    # per wave, with a 95% band
    >>> crosstab_chart(frame, codebook, "Q9", "Q4")           # heatmap, test in the subtitle
    >>> multi_chart(frame, codebook, "Q6")                    # share of respondents per option

Titles, axes, legends and tooltips are in ``lang`` (default: the current language), from the
catalog; option texts, item texts and wave names are shown as they are in the data.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd

from ..i18n import label, language, t
from ._chart_base import (
    EVERYONE,
    LINE,
    NEGATIVE,
    NEUTRAL,
    NPS_COLOURS,
    POSITIVE,
    SEGMENT_PARAM,
    WAVE_PARAM,
    Filter,
    as_text,
    coded,
    display_text,
    diverging_colour,
    filtered,
    filters_for,
    levels_of,
    spec_title,
    title_of,
    vega_text,
    wave_column,
    with_params,
)
from .analysis import (
    NPS_GROUPS,
    Z95,
    Crosstab,
    Groups,
    crosstab_counts,
    default_measure,
    item_of,
    likert,
    multi_select,
    nps,
    nps_labels,
    questions,
    wave_change,
)

__all__ = [
    "EVERYONE",
    "LINE",
    "NEGATIVE",
    "NEUTRAL",
    "NPS_COLOURS",
    "POSITIVE",
    "SEGMENT_PARAM",
    "WAVE_PARAM",
    "crosstab_chart",
    "diverging_colour",
    "likert_chart",
    "multi_chart",
    "nps_chart",
    "trend_chart",
]


# --- likert: diverging bars -------------------------------------------------------------


def likert_chart(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    codes: str | Iterable[str] | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = "wave",
    lang: str | None = None,
) -> alt.LayerChart:
    """Likert items as diverging bars centred on the neutral point.

    One bar per item (default: every likert question), one segment per option: negative
    options extend left of the centre line, positive ones right, and the neutral option
    (odd scales) is split across it. Shares are of the item's answers in the selected wave
    and segment (drop-downs); the tooltip has the counts, n and the mean score.
    """
    with language(lang):
        wave_col = wave_column(frame, wave_col)
        table = likert(frame, codebook, codes, segment=segment, wave_col=wave_col)
        keys = [k for k in ("wave", "segment") if k in table.columns]
        table = as_text(table, keys)
        items = _item_labels(table)
        table["item"] = table["code"].map(items)
        scale = table.groupby("code", sort=False)["value"].agg(["min", "max"])
        low, high = table["code"].map(scale["min"]), table["code"].map(scale["max"])
        table["mid"] = (low + high) / 2
        position = ((table["value"] - low) / (high - low).where(high > low)).fillna(0.5)
        domain = list(
            dict.fromkeys(table.assign(f=position).sort_values("f", kind="stable")["option"])
        )
        first = dict(zip(table["option"][::-1], position[::-1], strict=True))
        colours = [diverging_colour(first[o]) for o in domain]
        filters = filters_for(frame, codebook, wave_col, segment)
        data = coded(table.loc[table["count"] > 0, [*keys, "code", "value", "count"]], filters)
        texts = table.drop_duplicates(["code", "value"])[["code", "value", "item", "option", "mid"]]
        texts = texts.assign(key=texts["code"] + "|" + texts["value"].astype(str))

        share = t("surveys.chart.share_of_answers")
        base = (
            filtered(alt.Chart(data), filters)
            .transform_aggregate(count="sum(count)", groupby=["code", "value"])
            .transform_calculate(key="datum.code + '|' + datum.value")
            .transform_lookup(
                lookup="key",
                from_=alt.LookupData(
                    data=texts[["key", "item", "option", "mid"]].reset_index(drop=True),
                    key="key",
                    fields=["item", "option", "mid"],
                ),
            )
            .transform_joinaggregate(total="sum(count)", groupby=["code"])
            .transform_calculate(
                share="datum.count / datum.total",
                left="datum.value < datum.mid ? datum.count / datum.total"
                " : datum.value == datum.mid ? datum.count / datum.total / 2 : 0",
                points="datum.count * datum.value",
            )
            .transform_joinaggregate(offset="sum(left)", points="sum(points)", groupby=["code"])
            .transform_window(
                cumulative="sum(share)",
                sort=[alt.SortField("value")],
                groupby=["code"],
                frame=[None, 0],
            )
            .transform_calculate(
                start="datum.cumulative - datum.share - datum.offset",
                end="datum.cumulative - datum.offset",
                mean="datum.points / datum.total",
            )
        )
        bars = base.mark_bar().encode(
            x=alt.X(
                "start:Q",
                title=share,
                scale=alt.Scale(domain=[-1, 1], nice=False),
                axis=alt.Axis(labelExpr="format(abs(datum.value), '.0%')", tickCount=8),
            ),
            x2="end:Q",
            y=alt.Y(
                "item:N",
                sort=list(dict.fromkeys(items.values())),
                title=t("surveys.chart.item"),
                axis=alt.Axis(labelLimit=240),
            ),
            color=alt.Color(
                "option:N",
                title=t("surveys.chart.answer"),
                scale=alt.Scale(domain=domain, range=colours),
                sort=domain,
                legend=alt.Legend(orient="bottom", columns=min(len(domain), 5) or 1),
            ),
            tooltip=[
                alt.Tooltip("item:N", title=t("surveys.chart.item")),
                alt.Tooltip("option:N", title=t("surveys.chart.answer")),
                alt.Tooltip("count:Q", title=t("surveys.chart.answers")),
                alt.Tooltip("share:Q", title=share, format=".1%"),
                alt.Tooltip("total:Q", title=t("surveys.chart.n")),
                alt.Tooltip("mean:Q", title=t("surveys.chart.mean"), format=".2f"),
            ],
        )
        centre = (
            alt.Chart(pd.DataFrame({"x": [0]}))
            .mark_rule(color="#333", strokeWidth=1)
            .encode(x=alt.X("x:Q", scale=alt.Scale(domain=[-1, 1], nice=False)))
        )
        chart = alt.layer(bars, centre).properties(
            title=spec_title(t("surveys.chart.likert.title"), t("surveys.chart.likert.subtitle")),
            width=520,
            height=alt.Step(26),
        )
        chart = with_params(chart, filters)
    return chart


def _item_labels(table: pd.DataFrame) -> dict[str, str]:
    """``code -> label`` in order: the item text, with the code when two items share it."""
    texts = dict(zip(table["code"], table["item"], strict=True))
    counts = pd.Series(list(texts.values())).value_counts()
    return {c: (f"{c} {x}" if counts[x] > 1 else x) for c, x in texts.items()}


# --- NPS breakdown ----------------------------------------------------------------------


def nps_chart(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str | None = None,
    *,
    segment: str | None = None,
    wave_col: str | None = "wave",
    lang: str | None = None,
) -> alt.LayerChart:
    """Detractors, passives and promoters as stacked shares, the NPS written beside each bar.

    One bar per segment (and one for everybody) with a wave drop-down; without a segment, one
    bar per wave; without either, one bar. The tooltip has the counts, n and the NPS with
    its 95% interval, recomputed in the page for the selection (see
    :func:`commlib.surveys.analysis.nps`).
    """
    with language(lang):
        wave_col = wave_column(frame, wave_col)
        code = code or next(
            (c for c, q in questions(codebook).items() if q.type == "nps" and c in frame), None
        )
        question = item_of(frame, codebook, code) if code else None
        table = nps(frame, codebook, code, segment=segment, wave_col=wave_col)
        everyone = t("surveys.chart.all")
        if segment:
            if wave_col:
                totals = table.groupby("wave", sort=False)[list(NPS_GROUPS)].sum().reset_index()
            else:
                totals = table[list(NPS_GROUPS)].sum().to_frame().T
            by_group = table.rename(columns={"segment": "group"})
            table = pd.concat([totals.assign(group=everyone), by_group], ignore_index=True)
            group_title = title_of(codebook, segment)
        elif wave_col:
            table = table.assign(group=table["wave"])
            group_title = label("wave")
        else:
            table = table.assign(group=everyone)
            group_title = t("surveys.chart.group")
        keys = ["wave"] if segment and wave_col else []
        table = as_text(table, [*keys, "group"])
        names = nps_labels()
        long = table.melt(
            id_vars=[*keys, "group"],
            value_vars=list(NPS_GROUPS),
            var_name="kind",
            value_name="count",
        )
        long["rank"] = long["kind"].map({g: i for i, g in enumerate(NPS_GROUPS)})
        long["category"] = long["rank"].map(dict(enumerate(names)))
        filters = filters_for(frame, codebook, wave_col, None) if keys else []
        data = long.loc[long["count"] > 0, [*keys, "group", "category", "rank", "count"]]
        data = coded(data, filters)
        groups = list(dict.fromkeys(table["group"]))

        share = t("surveys.chart.share_of_answers")
        score = t("surveys.chart.nps.score")
        base = (
            filtered(alt.Chart(data), filters)
            .transform_aggregate(count="sum(count)", groupby=["group", "category", "rank"])
            .transform_joinaggregate(total="sum(count)", groupby=["group"])
            .transform_calculate(
                share="datum.count / datum.total",
                p="datum.rank == 2 ? datum.count / datum.total : 0",
                d="datum.rank == 0 ? datum.count / datum.total : 0",
            )
            .transform_joinaggregate(p="sum(p)", d="sum(d)", groupby=["group"])
            .transform_calculate(
                nps="100 * (datum.p - datum.d)",
                se="100 * sqrt(max(0, datum.p + datum.d - pow(datum.p - datum.d, 2))"
                " / datum.total)",
            )
            .transform_calculate(
                low=f"max(-100, datum.nps - {Z95!r} * datum.se)",
                high=f"min(100, datum.nps + {Z95!r} * datum.se)",
            )
        )
        y = alt.Y("group:N", sort=groups, title=group_title, axis=alt.Axis(labelLimit=200))
        bars = base.mark_bar().encode(
            x=alt.X(
                "share:Q",
                stack="zero",
                title=share,
                scale=alt.Scale(domain=[0, 1], nice=False),
                axis=alt.Axis(format="%"),
            ),
            y=y,
            color=alt.Color(
                "category:N",
                title=t("surveys.chart.nps.group"),
                scale=alt.Scale(domain=names, range=list(NPS_COLOURS)),
                sort=names,
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("category:N", title=t("surveys.chart.nps.group")),
                alt.Tooltip("count:Q", title=t("surveys.chart.answers")),
                alt.Tooltip("share:Q", title=share, format=".1%"),
                alt.Tooltip("total:Q", title=t("surveys.chart.n")),
                alt.Tooltip("nps:Q", title=score, format="+.1f"),
                alt.Tooltip("low:Q", title=t("surveys.chart.ci_low"), format="+.1f"),
                alt.Tooltip("high:Q", title=t("surveys.chart.ci_high"), format="+.1f"),
            ],
        )
        labels = (
            base.transform_aggregate(
                nps="max(nps)",
                total="max(total)",
                low="max(low)",
                high="max(high)",
                groupby=["group"],
            )
            .transform_calculate(
                text=vega_text(
                    "surveys.chart.nps.value",
                    value="format(datum.nps, '+.0f')",
                    n="datum.total",
                )
            )
            .mark_text(align="left", dx=6, fontWeight="bold")
            .encode(
                x=alt.datum(1),
                y=y,
                text="text:N",
                tooltip=[
                    alt.Tooltip("group:N", title=group_title),
                    alt.Tooltip("nps:Q", title=score, format="+.1f"),
                    alt.Tooltip("low:Q", title=t("surveys.chart.ci_low"), format="+.1f"),
                    alt.Tooltip("high:Q", title=t("surveys.chart.ci_high"), format="+.1f"),
                    alt.Tooltip("total:Q", title=t("surveys.chart.n")),
                ],
            )
        )
        subtitle = [question.label] if question and question.text else []
        subtitle.append(t("surveys.chart.nps.subtitle"))
        chart = alt.layer(bars, labels).properties(
            title=spec_title(t("surveys.chart.nps.title"), subtitle),
            width=440,
            height=alt.Step(30),
        )
        chart = with_params(chart, filters)
    return chart


# --- trend across waves -----------------------------------------------------------------


def trend_chart(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    measure: str | None = None,
    segment: str | None = None,
    wave_col: str = "wave",
    top: int = 2,
    scale: tuple[int, int] | None = None,
    lang: str | None = None,
) -> alt.LayerChart:
    """A measure across waves with its 95% interval as a band (see ``wave_change``).

    ``measure``: ``nps`` (default for an NPS question), ``csat`` (top-``top`` box) or
    ``mean`` (default otherwise). With ``segment``, a drop-down picks everybody or one
    segment; the chart carries the values of each choice, computed in pandas, so the
    intervals are exact. The tooltip has n, the change against the previous wave and its
    p-value.
    """
    with language(lang):
        question = item_of(frame, codebook, code)
        measure = measure or default_measure(question)
        options = {"measure": measure, "wave_col": wave_col, "top": top, "scale": scale}
        table = wave_change(frame, codebook, code, **options).assign(segment=None)
        if segment:
            per = as_text(
                wave_change(frame, codebook, code, segment=segment, **options), ["segment"]
            )
            table = pd.concat([table, per], ignore_index=True)
        table = as_text(table, ["wave"])
        wave_names = levels_of(frame, codebook, wave_col, None)["wave"]
        filters = []
        if segment:
            values = levels_of(frame, codebook, None, segment)["segment"]
            filters = [Filter("segment", SEGMENT_PARAM, title_of(codebook, segment), values)]
        columns = ["segment", "wave", "n", "value", "ci_low", "ci_high", "change", "p_value"]
        data = coded(table[columns], filters)

        name = {
            "nps": t("surveys.chart.trend.nps"),
            "csat": t("surveys.chart.trend.csat", top=top),
            "mean": t("surveys.chart.trend.mean"),
        }[measure]
        fmt = {"nps": "+.1f", "csat": ".1%", "mean": ".2f"}[measure]
        axis_fmt = {"nps": "+d", "csat": ".0%", "mean": ".1f"}[measure]
        base = alt.Chart(data)
        if filters:
            base = base.transform_filter(filters[0].pick)
        x = alt.X("wave:N", sort=wave_names, title=label("wave"), axis=alt.Axis(labelAngle=0))
        tooltip = [
            alt.Tooltip("wave:N", title=label("wave")),
            alt.Tooltip("value:Q", title=name, format=fmt),
            alt.Tooltip("ci_low:Q", title=t("surveys.chart.ci_low"), format=fmt),
            alt.Tooltip("ci_high:Q", title=t("surveys.chart.ci_high"), format=fmt),
            alt.Tooltip("n:Q", title=t("surveys.chart.n")),
            alt.Tooltip("change:Q", title=t("surveys.chart.trend.change"), format=fmt),
            alt.Tooltip("p_value:Q", title=t("surveys.chart.trend.p_value"), format=".3f"),
        ]
        band = base.mark_area(opacity=0.2, color=LINE).encode(
            x=x,
            y=alt.Y(
                "ci_low:Q", title=name, scale=alt.Scale(zero=False), axis=alt.Axis(format=axis_fmt)
            ),
            y2="ci_high:Q",
        )
        whiskers = base.mark_rule(color=LINE, opacity=0.5).encode(x=x, y="ci_low:Q", y2="ci_high:Q")
        line = base.mark_line(color=LINE, point=alt.OverlayMarkDef(filled=True, size=60)).encode(
            x=x, y="value:Q", tooltip=tooltip
        )
        chart = alt.layer(band, whiskers, line).properties(
            title=spec_title(
                t("surveys.chart.trend.title", measure=name),
                [question.label, t("surveys.chart.trend.subtitle")],
            ),
            width=max(320, 90 * len(wave_names)),
            height=260,
        )
        chart = with_params(chart, filters)
    return chart


# --- crosstab heatmap -------------------------------------------------------------------


def crosstab_chart(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    row: str,
    col: str,
    *,
    shares: bool = True,
    segment: str | None = None,
    wave_col: str | None = "wave",
    lang: str | None = None,
) -> alt.LayerChart:
    """A crosstab as a heatmap: row shares (``shares``) or counts, the test in the subtitle.

    The subtitle has the chi-square test and Cramér's V over all the data (see
    :class:`commlib.surveys.analysis.Crosstab`, with its small-expected-counts warning);
    with a wave or segment selected in the drop-downs, the line under the chart gives the
    test for that selection (computed in pandas for every choice).
    """
    with language(lang):
        wave_col = wave_column(frame, wave_col)
        wave_key = wave_col if wave_col not in (row, col) else None
        segment = segment if segment not in (row, col) else None
        groups = Groups.of(frame, wave_key, segment, codebook)
        counts, rows, cols, mentions = crosstab_counts(frame, codebook, row, col, groups, wave_col)
        rows, cols = [display_text(r) for r in rows], [display_text(c) for c in cols]
        keys = list(groups.keys.columns)
        filters = filters_for(frame, codebook, wave_key, segment)
        data = coded(_cells(groups.keys, counts, rows, cols), filters)
        overall = Crosstab.from_counts(counts.sum(axis=0), rows, cols, mentions)
        tests = None
        if keys:
            tests = coded(_selection_tests(groups.keys, counts, rows, cols, mentions), filters)

        row_title, col_title = title_of(codebook, row), title_of(codebook, col)
        share = t("surveys.chart.crosstab.row_share")
        count = t("surveys.chart.answers")
        base = (
            filtered(alt.Chart(data), filters)
            .transform_aggregate(count="sum(count)", groupby=["row", "col"])
            .transform_joinaggregate(row_total="sum(count)", groupby=["row"])
            .transform_joinaggregate(most="max(count)")
            .transform_calculate(share="datum.count / datum.row_total")
        )
        x = alt.X(
            "col:N",
            sort=cols,
            scale=alt.Scale(domain=cols),
            title=col_title,
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=120),
        )
        y = alt.Y("row:N", sort=rows, scale=alt.Scale(domain=rows), title=row_title)
        field, fmt, title = ("share", ".0%", share) if shares else ("count", "d", count)
        height = 28 * max(len(rows), 1)
        rect = base.mark_rect().encode(
            x=x,
            y=y,
            color=alt.Color(
                f"{field}:Q",
                title=title,
                scale=alt.Scale(scheme="blues", zero=True),
                legend=alt.Legend(format=fmt, gradientLength=max(60, height - 24)),
            ),
            tooltip=[
                alt.Tooltip("row:N", title=row_title),
                alt.Tooltip("col:N", title=col_title),
                alt.Tooltip("count:Q", title=count),
                alt.Tooltip("share:Q", title=share, format=".1%"),
                alt.Tooltip("row_total:Q", title=t("surveys.chart.n")),
            ],
        )
        dark = "datum.share > 0.5" if shares else "datum.count > datum.most / 2"
        text = base.mark_text(fontSize=11).encode(
            x=x,
            y=y,
            text=alt.Text(f"{field}:Q", format=fmt),
            color=alt.condition(dark, alt.value("white"), alt.value("#222")),
        )
        layers = [rect, text]
        if tests is not None:
            caption = (
                alt.Chart(tests)
                .transform_filter(" && ".join(f.pick for f in filters))
                .mark_text(
                    align="left", baseline="top", fontStyle="italic", color="#444", lineBreak="\n"
                )
                .encode(x=alt.value(0), y=alt.value(height + 10), text="text:N")
            )
            layers.append(caption)
        subtitle = [overall.summary(warning=False)]
        if tests is not None:
            subtitle = [t("surveys.chart.crosstab.all_data", result=subtitle[0])]
        if overall.warning:
            subtitle.append(overall.warning)
        chart = alt.layer(*layers).properties(
            title=spec_title(
                t("surveys.chart.crosstab.title", row=row_title, col=col_title), subtitle
            ),
            width=max(240, 72 * len(cols)),
            height=height,
        )
        chart = with_params(chart, filters)
    return chart


def _cells(
    keys: pd.DataFrame, counts: np.ndarray, rows: list[str], cols: list[str]
) -> pd.DataFrame:
    """Non-zero counts per group, row and column, keys as text."""
    g, r, c = np.nonzero(counts)
    data = as_text(keys.iloc[g].reset_index(drop=True), keys.columns)
    data["row"] = np.asarray(rows, dtype=object)[r] if len(rows) else []
    data["col"] = np.asarray(cols, dtype=object)[c] if len(cols) else []
    data["count"] = counts[g, r, c].astype(np.int64)
    return data


def _selection_tests(
    keys: pd.DataFrame, counts: np.ndarray, rows: list[str], cols: list[str], mentions: bool
) -> pd.DataFrame:
    """The test line for every choice of the drop-downs (``None`` = all) but "all of each"."""
    text_keys = as_text(keys, keys.columns)
    choices = [[None, *dict.fromkeys(text_keys[k])] for k in keys.columns]
    found = []
    for combo in itertools.product(*choices):
        if all(v is None for v in combo):
            continue
        mask = np.ones(len(keys), dtype=bool)
        for column, value in zip(keys.columns, combo, strict=True):
            if value is not None:
                mask &= (text_keys[column] == value).to_numpy()
        result = Crosstab.from_counts(counts[mask].sum(axis=0), rows, cols, mentions)
        text = t("surveys.chart.crosstab.selection", result=result.summary(warning=False))
        if result.warning:
            text = f"{text}\n{result.warning}"
        found.append({**dict(zip(keys.columns, combo, strict=True)), "text": text})
    return pd.DataFrame(found, columns=[*keys.columns, "text"])


# --- multi-select bars ------------------------------------------------------------------


def multi_chart(
    frame: pd.DataFrame,
    codebook: pd.DataFrame | None,
    code: str,
    *,
    segment: str | None = None,
    wave_col: str | None = "wave",
    lang: str | None = None,
) -> alt.LayerChart:
    """A multi-select question: the share of respondents who picked each option.

    Shares are of the respondents who answered the question in the selected wave and
    segment, so they add up to more than 100%. Bars run from the most picked.
    """
    with language(lang):
        wave_col = wave_column(frame, wave_col)
        question = item_of(frame, codebook, code)
        table = multi_select(frame, codebook, code, segment=segment, wave_col=wave_col)
        keys = [k for k in ("wave", "segment") if k in table.columns]
        table = as_text(table, keys)
        first = ~table.duplicated(subset=keys) if keys else table.index == 0
        table["answered"] = np.where(first, table["answered"], 0)
        table["option"] = [display_text(o) for o in table["option"]]
        filters = filters_for(frame, codebook, wave_col, segment)
        data = table.loc[
            (table["count"] > 0) | (table["answered"] > 0), [*keys, "option", "count", "answered"]
        ]
        data = coded(data, filters)

        share = t("surveys.chart.multi.share")
        base = (
            filtered(alt.Chart(data), filters)
            .transform_joinaggregate(everyone="sum(answered)")
            .transform_filter("datum.count > 0")
            .transform_aggregate(count="sum(count)", everyone="max(everyone)", groupby=["option"])
            .transform_calculate(share="datum.count / datum.everyone")
        )
        y = alt.Y(
            "option:N", sort="-x", title=t("surveys.chart.answer"), axis=alt.Axis(labelLimit=240)
        )
        bars = base.mark_bar(color=LINE).encode(
            x=alt.X("share:Q", title=share, axis=alt.Axis(format="%")),
            y=y,
            tooltip=[
                alt.Tooltip("option:N", title=t("surveys.chart.answer")),
                alt.Tooltip("count:Q", title=t("surveys.chart.multi.picked")),
                alt.Tooltip("share:Q", title=share, format=".1%"),
                alt.Tooltip("everyone:Q", title=t("surveys.chart.multi.answered")),
            ],
        )
        text = base.mark_text(align="left", dx=4).encode(
            x="share:Q", y=y, text=alt.Text("share:Q", format=".0%")
        )
        chart = alt.layer(bars, text).properties(
            title=spec_title(
                t("surveys.chart.multi.title"),
                [question.label, t("surveys.chart.multi.subtitle")],
            ),
            width=420,
            height=alt.Step(24),
        )
        chart = with_params(chart, filters)
    return chart
