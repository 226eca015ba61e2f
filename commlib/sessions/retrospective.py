"""The retrospective (``retrospective.ipynb``): goals against outcome, the risks that
occurred, the lessons learned, and satisfaction across the survey waves.

``goals_vs_outcome``, ``occurred_risks`` and ``lessons_table`` are pure functions over the
store's frames. ``save_lessons`` and ``satisfaction_answers`` read or write the store, which
they take first; the trend chart is drawn from what ``satisfaction_answers`` read:

    >>> satisfaction_chart(satisfaction_answers(store, "ERP", audience="client"), lang="zh")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..frames import day as day_of
from ..i18n import enum_label, language, t
from ..models import Lesson, Project
from ._common import latest_surveys

if TYPE_CHECKING:
    import altair as alt

    from ..store import Store

__all__ = [
    "Outcome",
    "SurveyAnswers",
    "goals_vs_outcome",
    "lessons_table",
    "occurred_risks",
    "satisfaction_answers",
    "satisfaction_chart",
    "save_lessons",
]


# --- goals and outcome --------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """``goals``: each goal with an empty status for the team to fill; ``delivered``: the
    milestones and deliverables that are done; ``open``: those that are not (cancelled
    ones are left out). Columns are labelled in the language asked for."""

    goals: pd.DataFrame
    delivered: pd.DataFrame
    open: pd.DataFrame


def goals_vs_outcome(
    project: Project, milestones: pd.DataFrame, *, lang: str | None = None
) -> Outcome:
    """The project's goals next to what was delivered (see ``Outcome``).

    Whether a goal was met is the team's judgement: the ``status`` column is left empty.
    """
    with language(lang):
        goal_labels = [
            t("review.column.position"),
            t("review.column.goal"),
            t("review.column.status"),
        ]
        goals = pd.DataFrame(
            [(n, goal, "") for n, goal in enumerate(project.goals, start=1)], columns=goal_labels
        )
        labels = [
            t("review.column.name"),
            t("review.column.type"),
            t("review.column.baseline_due"),
            t("review.column.current_due"),
            t("review.column.slip_days"),
            t("review.column.status"),
        ]

        def table(rows: pd.DataFrame) -> pd.DataFrame:
            out = []
            for r in rows.itertuples():
                base, current = day_of(r.baseline_due), day_of(r.current_due)
                slip = (current - base).days if base and current else None
                out.append(
                    (
                        r.name,
                        enum_label("milestone_kind", r.type),
                        base,
                        current,
                        slip,
                        enum_label("milestone_status", r.status),
                    )
                )
            return pd.DataFrame(out, columns=labels)

        if milestones.empty:
            return Outcome(goals, table(milestones), table(milestones))
        ordered = milestones.sort_values(["current_due", "id"])
        done = ordered[ordered["status"] == "done"]
        pending = ordered[~ordered["status"].isin(["done", "cancelled"])]
        return Outcome(goals, table(done), table(pending))


def occurred_risks(risks: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The risks that occurred: title, category, owner, score, cost and schedule impact."""
    fields = ["title", "category", "owner", "cost_impact", "schedule_impact_days"]
    with language(lang):
        labels = [
            t("review.column.title"),
            t("review.column.category"),
            t("review.column.owner"),
            t("review.column.score"),
            t("review.column.cost_impact"),
            t("review.column.schedule_impact_days"),
        ]
    if risks.empty:
        return pd.DataFrame(columns=labels)
    hit = risks[risks["status"] == "occurred"]
    table = hit[fields].assign(score=hit["probability"].astype(int) * hit["impact"].astype(int))
    return (
        table[[*fields[:3], "score", *fields[3:]]].set_axis(labels, axis=1).reset_index(drop=True)
    )


def lessons_table(lessons: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Stored lessons, newest first: recorded on, category, title, what happened, advice."""
    fields = ["recorded_on", "category", "title", "what_happened", "recommendation"]
    with language(lang):
        labels = [
            t("review.column.recorded_on"),
            t("review.column.category"),
            t("review.column.title"),
            t("review.column.what_happened"),
            t("review.column.recommendation"),
        ]
    if lessons.empty:
        return pd.DataFrame(columns=labels)
    ordered = lessons.sort_values(["recorded_on", "id"], ascending=[False, True])
    return ordered[fields].set_axis(labels, axis=1).reset_index(drop=True)


def save_lessons(
    store: Store,
    project: str | int | Project,
    rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
    *,
    today: date | None = None,
) -> list[Lesson]:
    """Store lessons learned in one transaction: all of them, or none if one is invalid.

    Each row has ``title`` and optionally ``category``, ``what_happened``,
    ``recommendation``, ``recorded_on`` (default ``today``, else the current date) and
    ``visibility``.
    """
    found = store.project(project)
    if isinstance(rows, pd.DataFrame):
        rows = rows.to_dict("records")
    on = today or date.today()
    lessons = [Lesson(project_id=found.id, **{"recorded_on": on, **_given(row)}) for row in rows]
    return store.add_all(lessons)


def _given(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row's values, without the blanks a DataFrame fills in (NaN, None)."""
    return {k: v for k, v in row.items() if not (v is None or (isinstance(v, float) and v != v))}


# --- satisfaction across waves ------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAnswers:
    """The answers to every wave of one survey (``surveys.responses_frame``: a row per
    response, a column per question code, and ``wave``), its ``codebook``, and ``code``, the
    question to follow across the waves."""

    survey: str
    frame: pd.DataFrame
    codebook: pd.DataFrame
    code: str


def satisfaction_answers(
    store: Store, project: str | int | Project, *, audience: str = "internal"
) -> SurveyAnswers | None:
    """The waves ``audience`` may see of the first survey that has an NPS question and
    answers to it, with ``code`` its (first) NPS question; ``None`` when there is none.

    Surveys come in the order of their latest waves (``surveys.waves``).
    """
    from ..surveys import codebook, responses_frame

    shared = store.frame("surveys", project, audience=audience)
    for survey in latest_surveys(store, project, audience):
        waves = shared.loc[shared["name"] == survey.name, "id"].astype(int).tolist()
        frame = responses_frame(store, waves, audience=audience)
        book = codebook(store, waves)
        codes = [c for c in book.loc[book["type"] == "nps", "code"] if c in frame]
        if codes and len(frame):
            return SurveyAnswers(survey.name, frame, book, codes[0])
    return None


def satisfaction_chart(
    answers: SurveyAnswers | None, *, lang: str | None = None
) -> alt.LayerChart | None:
    """NPS across the waves of ``answers`` with its 95% interval (``surveys.trend_chart``);
    ``None`` without answers."""
    if answers is None:
        return None
    from ..surveys import trend_chart

    return trend_chart(answers.frame, answers.codebook, answers.code, lang=lang)
