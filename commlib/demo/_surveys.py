"""Building the satisfaction survey: three waves, their questions and the responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..models import Question, Response, Survey
from ._state import Demo, clamp, weekday
from .content.surveys import (
    AREAS,
    COMMENTS,
    IMPROVE,
    IMPROVE_WEIGHTS,
    QUESTIONS,
    RESPONSE_NOTE,
    SURVEY_NAME,
    SURVEY_TEMPLATE,
    TEXT_QUESTION_NOTE,
    WAVE_NOTE,
    WAVES,
)


def _answers(d: Demo, wave: int, mean: float) -> dict[str, Any]:
    rng = d.rng
    s = rng.gauss(mean, 0.8)
    answers: dict[str, Any] = {
        "Q1": clamp(s * 2 + 0.4 + rng.gauss(0, 1), 0, 10),
        "Q2": clamp(s + rng.gauss(0, 0.5), 1, 5),
        "Q3": clamp(s + 0.2 + rng.gauss(0, 0.5), 1, 5),
        "Q4": clamp(s - 0.4 + 0.2 * wave + rng.gauss(0, 0.5), 1, 5),
        "Q5": d.tx(rng.choices(AREAS, (1, 4, 2, 3))[0]),
    }
    if rng.random() < 0.9:
        picked: set[int] = set()
        for _ in range(rng.randint(1, 3)):
            picked.add(rng.choices(range(len(IMPROVE)), IMPROVE_WEIGHTS[wave])[0])
        answers["Q6"] = [d.tx(IMPROVE[k]) for k in sorted(picked)]
    answers["Q7"] = clamp(s + 0.1 + rng.gauss(0, 0.6), 1, 5)
    if rng.random() < 0.55:
        tone = "good" if s >= 3.8 else "bad" if s <= 2.8 else "mixed"
        answers["Q8"] = d.tx(rng.choice(COMMENTS[tone]))
    return answers


def surveys(d: Demo) -> None:
    rng = d.rng
    for wave, (code, day, milestone, mean) in enumerate(WAVES):
        opened = d.day(day)
        closed = min(weekday(opened + timedelta(days=12)), d.today - timedelta(days=1))
        notes = d.tx(WAVE_NOTE) if code == WAVES[-1][0] else ""
        internal = bool(notes)
        invited = rng.randint(36, 45)
        survey = d.store.add(
            Survey(
                project_id=d.project_id,
                name=d.tx(SURVEY_NAME),
                wave=code,
                template=d.tx(SURVEY_TEMPLATE),
                platform=d.setting.platform,
                opened_on=opened,
                closed_on=closed,
                invited=invited,
                milestone_id=d.milestones[milestone].id,
                visibility=d.visibility(notes),  # type: ignore[arg-type]
                notes=notes,
                created_at=d.at(opened, 9),
            )
        )
        questions = []
        for position, (qcode, qtype, text, options) in enumerate(QUESTIONS, start=1):
            qnotes = d.tx(TEXT_QUESTION_NOTE) if qtype == "text" else ""
            questions.append(
                Question(
                    project_id=d.project_id,
                    survey_id=survey.id,  # type: ignore[arg-type]
                    code=qcode,
                    text=d.tx(text),
                    type=qtype,  # type: ignore[arg-type]
                    options=[d.tx(o) for o in options],
                    position=position,
                    visibility="internal" if internal or qnotes else "client",
                    notes=qnotes,
                    created_at=d.at(opened, 9),
                )
            )
        d.store.add_all(questions)
        imported = d.at(closed, 18)
        respondents = rng.sample(range(1, invited + 1), rng.randint(18, min(36, invited)))
        responses = []
        for who in sorted(respondents):
            rnotes = d.tx(RESPONSE_NOTE) if rng.random() < 0.08 else ""
            submitted = d.working(opened + timedelta(days=rng.randint(0, (closed - opened).days)))
            responses.append(
                Response(
                    project_id=d.project_id,
                    survey_id=survey.id,  # type: ignore[arg-type]
                    respondent=f"U{who:03d}",
                    submitted_at=submitted,
                    duration_s=round(rng.uniform(80, 600), 1),
                    source=d.setting.platform,
                    answers=_answers(d, wave, mean),
                    visibility="internal" if internal or rnotes else "client",
                    notes=rnotes,
                    created_at=imported,
                )
            )
        d.store.add_all(responses)
