"""Compatibility alias of :mod:`commlib.sessions`, kept for one release: the kickoff,
status-review and retrospective helpers live there now (``commlib.sessions.kickoff``,
``.status`` and ``.retrospective``). Import from ``commlib.sessions`` in new code.

Every name this module had is here. ``satisfaction_trend(store, project, ...)`` keeps its
old signature; in ``commlib.sessions`` the data and the chart are two steps,
``satisfaction_chart(satisfaction_answers(store, project, audience=...), lang=...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sessions import (
    MIN_RESPONDENTS,
    Changes,
    Expectations,
    Outcome,
    changes_since,
    expectations_summary,
    goals_vs_outcome,
    kickoff_survey,
    lessons_table,
    next_steps,
    occurred_risks,
    period_contacts,
    satisfaction_answers,
    satisfaction_chart,
    save_lessons,
    schedule_outlook,
    survey_pulse,
)

if TYPE_CHECKING:
    import altair as alt

    from .models import Project
    from .store import Store

__all__ = [
    "MIN_RESPONDENTS",
    "Changes",
    "Expectations",
    "Outcome",
    "changes_since",
    "expectations_summary",
    "goals_vs_outcome",
    "kickoff_survey",
    "lessons_table",
    "next_steps",
    "occurred_risks",
    "period_contacts",
    "satisfaction_trend",
    "save_lessons",
    "schedule_outlook",
    "survey_pulse",
]


def satisfaction_trend(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> alt.LayerChart | None:
    """NPS across the waves of the first survey that has an NPS question (``None``: none)."""
    return satisfaction_chart(satisfaction_answers(store, project, audience=audience), lang=lang)
