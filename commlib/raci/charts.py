"""The RACI matrix as a chart: an altair builder that takes a DataFrame and returns a chart,
never displays it.

    >>> raci_chart(raci_cells(store, project, audience="client"), lang="zh")

It copies only the columns it shows (names, types, organisations, roles: never notes, so it
may go into a client's report) and labels everything in ``lang`` (default: the current
language). The data is inlined in the spec, so it draws with no network.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import _charts, frames
from ..i18n import enum_label, label, language, t
from .matrix import ROLES

__all__ = ["ROLE_COLOURS", "raci_chart"]

#: the fill of each cell; text on the dark ones is white
ROLE_COLOURS = {
    "A": _charts.BLUE,
    "A/R": _charts.PURPLE,
    "R": _charts.TEAL,
    "C": _charts.ORANGE,
    "I": _charts.WARM_GREY,
}
_DARK = frozenset({"A", "A/R"})
_OTHER = _charts.GREY
_COLUMNS = ["row", "column", "roles", "legend", "ink", "type", "due", "organisation", "meaning"]


def raci_chart(cells: pd.DataFrame, *, lang: str | None = None) -> alt.LayerChart:
    """The matrix as a grid: a row per milestone or deliverable (in the order of ``cells``,
    due order), a column per stakeholder, each cell holding its letters (``A/R``) on the
    colour of its roles; empty cells are outlined. ``cells`` is
    :func:`~commlib.raci.raci_cells`. The tooltip names the milestone, its type and due
    date, the stakeholder, their organisation and what the letters mean."""
    with language(lang):
        rows = _rows(cells)
        present = [r for r in dict.fromkeys(rows["roles"]) if r]
        known = [r for r in ROLE_COLOURS if r in present]
        others = [r for r in present if r not in ROLE_COLOURS]
        legend = [_legend(r) for r in [*known, *others]]
        colours = [ROLE_COLOURS.get(r, _OTHER) for r in [*known, *others]]
        x = alt.X(
            "column:N",
            sort=list(dict.fromkeys(rows["column"])),
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-90, labelAlign="left", labelLimit=140),
        )
        y = alt.Y(
            "row:N",
            sort=list(dict.fromkeys(rows["row"])),
            title=None,
            axis=alt.Axis(labelLimit=220),
        )
        tooltip = [
            alt.Tooltip("row:N", title=label("milestone")),
            alt.Tooltip("type:N", title=label("type")),
            alt.Tooltip("due:N", title=label("current_due")),
            alt.Tooltip("column:N", title=label("stakeholder")),
            alt.Tooltip("organisation:N", title=label("organisation")),
            alt.Tooltip("meaning:N", title=t("raci.chart.roles")),
        ]
        base = alt.Chart(rows)
        grid = base.mark_rect(fill="white", stroke=_charts.PALE_GREY, strokeWidth=1).encode(
            x=x, y=y, tooltip=tooltip
        )
        filled = (
            base.transform_filter(alt.datum.roles != "")
            .mark_rect(stroke="white", strokeWidth=2)
            .encode(
                x=x,
                y=y,
                color=alt.Color(
                    "legend:N",
                    title=t("raci.chart.legend"),
                    scale=alt.Scale(domain=legend or [""], range=colours or [_OTHER]),
                    legend=alt.Legend(orient="bottom", direction="horizontal", columns=3),
                ),
                tooltip=tooltip,
            )
        )
        letters = (
            base.transform_filter(alt.datum.roles != "")
            .mark_text(fontWeight="bold", fontSize=12)
            .encode(
                x=x,
                y=y,
                text="roles:N",
                color=alt.Color("ink:N", scale=None, legend=None),
                tooltip=tooltip,
            )
        )
        chart = alt.layer(grid, filled, letters).properties(
            title=alt.Title(t("raci.chart.title"), subtitle=t("raci.chart.subtitle")),
            width=alt.Step(56),
            height=alt.Step(28),
        )
    return chart


def _rows(cells: pd.DataFrame) -> pd.DataFrame:
    if cells.empty:
        return pd.DataFrame(columns=_COLUMNS)
    roles = [str(r) if isinstance(r, str) else "" for r in cells["roles"]]
    return pd.DataFrame(
        {
            "row": cells["milestone_name"].astype(str).to_numpy(),
            "column": cells["stakeholder_name"].astype(str).to_numpy(),
            "roles": roles,
            "legend": [_legend(r) if r else "" for r in roles],
            "ink": ["white" if r in _DARK else "black" for r in roles],
            "type": [enum_label("milestone_kind", k) for k in cells["type"]],
            "due": [_iso(d) for d in cells["current_due"]],
            "organisation": [o if isinstance(o, str) else "" for o in cells["organisation"]],
            "meaning": [_meaning(r) for r in roles],
        },
        columns=_COLUMNS,
    )


def _legend(roles: str) -> str:
    """``"A/R"`` -> ``"A/R · Accountable and responsible"``."""
    return t("raci.chart.legend_item", letters=roles, meaning=_meaning(roles))


def _meaning(roles: str) -> str:
    if not roles:
        return "—"
    letters = [r for r in ROLES if r in roles.split("/")]
    return t("raci.chart.and").join(t(f"raci.role.{r.lower()}") for r in letters)


def _iso(value: object) -> str:
    day = frames.day(value)
    return "" if day is None else day.isoformat()
