"""The sessions held with the client, one module per notebook that runs them.

    from commlib.sessions import changes_since, goals_vs_outcome, kickoff_survey

- ``kickoff.py`` (``kickoff.ipynb``): the expectations survey, made once, and the aggregate
  the kickoff report shows of it; who does what (the RACI matrix: table, findings, chart);
- ``status.py`` (``status_review.ipynb``): what changed since the last review, the period's
  contacts, the next steps, the schedule outlook (also in ``risk_review.ipynb``) and the
  survey pulse;
- ``retrospective.py`` (``retrospective.ipynb``): goals against outcome, the risks that
  occurred, the lessons learned, and satisfaction across the survey waves.

Most are pure functions over the store's frames (``store.frame(kind, project,
audience=...)`` and ``store.history(project, audience=...)``); the few that read or write the
store take it as their first argument. Each session's one-page summary is in
:mod:`commlib.summary`. (This package was ``commlib.review``, which remains as an alias.)
"""

from .kickoff import (
    MIN_RESPONDENTS,
    Expectations,
    expectations_summary,
    kickoff_raci_chart,
    kickoff_raci_findings,
    kickoff_raci_table,
    kickoff_survey,
)
from .retrospective import (
    Outcome,
    SurveyAnswers,
    goals_vs_outcome,
    lessons_table,
    occurred_risks,
    satisfaction_answers,
    satisfaction_chart,
    save_lessons,
)
from .status import (
    Changes,
    changes_since,
    next_steps,
    period_contacts,
    schedule_outlook,
    survey_pulse,
)

__all__ = [
    "MIN_RESPONDENTS",
    "Changes",
    "Expectations",
    "Outcome",
    "SurveyAnswers",
    "changes_since",
    "expectations_summary",
    "goals_vs_outcome",
    "kickoff_raci_chart",
    "kickoff_raci_findings",
    "kickoff_raci_table",
    "kickoff_survey",
    "lessons_table",
    "next_steps",
    "occurred_risks",
    "period_contacts",
    "satisfaction_answers",
    "satisfaction_chart",
    "save_lessons",
    "schedule_outlook",
    "survey_pulse",
]
