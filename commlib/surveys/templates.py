"""Ready-made pulse surveys to run during a session, in Chinese and English.

    >>> TEMPLATES
    ('csat_pulse', 'nps', 'project_satisfaction', 'kickoff_expectations')
    >>> survey = create_survey(store, "华辰 ERP 升级", "nps", wave="W1", invited=12)

Question codes (``Q1``, ``Q2``, matrix rows ``Q1_1``...) are the same in both languages,
so waves compare whatever language each was run in. Likert options run from the most
negative to the most positive, as the data contract asks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InvalidRecord, NotFound, Problem
from ..i18n import LANGUAGES, language, normalise, t
from ..models import Milestone, Question, Survey

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

#: NPS options: the scale points 0..10 as text (answers are stored as ints)
NPS_OPTIONS = [str(i) for i in range(11)]


def _q(
    code: str, type_: str, text: str, options: list[str] | None = None, parent: str = ""
) -> dict[str, Any]:
    return {"code": code, "text": text, "type": type_, "options": options or [], "parent": parent}


def _satisfaction() -> list[str]:
    """The five-point satisfaction scale, most negative first."""
    return [
        t("surveys.template.scale.satisfaction.1"),
        t("surveys.template.scale.satisfaction.2"),
        t("surveys.template.scale.satisfaction.3"),
        t("surveys.template.scale.satisfaction.4"),
        t("surveys.template.scale.satisfaction.5"),
    ]


def _csat_pulse() -> list[dict[str, Any]]:
    return [
        _q("Q1", "likert", t("surveys.template.csat_pulse.q1"), _satisfaction()),
        _q("Q2", "text", t("surveys.template.csat_pulse.q2")),
        _q("Q3", "text", t("surveys.template.csat_pulse.q3")),
    ]


def _nps() -> list[dict[str, Any]]:
    return [
        _q("Q1", "nps", t("surveys.template.nps.q1"), NPS_OPTIONS),
        _q("Q2", "text", t("surveys.template.nps.q2")),
    ]


def _project_satisfaction() -> list[dict[str, Any]]:
    scale = _satisfaction()
    rows = [
        t("surveys.template.project_satisfaction.q1_1"),
        t("surveys.template.project_satisfaction.q1_2"),
        t("surveys.template.project_satisfaction.q1_3"),
        t("surveys.template.project_satisfaction.q1_4"),
        t("surveys.template.project_satisfaction.q1_5"),
        t("surveys.template.project_satisfaction.q1_6"),
    ]
    return [
        _q("Q1", "matrix", t("surveys.template.project_satisfaction.q1")),
        *[_q(f"Q1_{i}", "likert", row, scale, "Q1") for i, row in enumerate(rows, 1)],
        _q("Q2", "likert", t("surveys.template.project_satisfaction.q2"), scale),
        _q("Q3", "text", t("surveys.template.project_satisfaction.q3")),
    ]


def _kickoff_expectations() -> list[dict[str, Any]]:
    priorities = [
        t("surveys.template.kickoff_expectations.q2.on_time"),
        t("surveys.template.kickoff_expectations.q2.budget"),
        t("surveys.template.kickoff_expectations.q2.quality"),
        t("surveys.template.kickoff_expectations.q2.knowledge"),
        t("surveys.template.kickoff_expectations.q2.adoption"),
        t("surveys.template.kickoff_expectations.q2.communication"),
        t("surveys.template.kickoff_expectations.q2.disruption"),
    ]
    channels = [
        t("surveys.template.kickoff_expectations.q3.meeting"),
        t("surveys.template.kickoff_expectations.q3.video"),
        t("surveys.template.kickoff_expectations.q3.email"),
        t("surveys.template.kickoff_expectations.q3.im"),
        t("surveys.template.kickoff_expectations.q3.phone"),
    ]
    cadences = [
        t("surveys.template.kickoff_expectations.q4.weekly"),
        t("surveys.template.kickoff_expectations.q4.biweekly"),
        t("surveys.template.kickoff_expectations.q4.monthly"),
        t("surveys.template.kickoff_expectations.q4.milestones"),
    ]
    return [
        _q("Q1", "text", t("surveys.template.kickoff_expectations.q1")),
        _q("Q2", "multi", t("surveys.template.kickoff_expectations.q2"), priorities),
        _q("Q3", "single", t("surveys.template.kickoff_expectations.q3"), channels),
        _q("Q4", "single", t("surveys.template.kickoff_expectations.q4"), cadences),
        _q("Q5", "text", t("surveys.template.kickoff_expectations.q5")),
    ]


class _Template(NamedTuple):
    title: Callable[[], str]
    questions: Callable[[], list[dict[str, Any]]]


_REGISTRY: dict[str, _Template] = {
    "csat_pulse": _Template(lambda: t("surveys.template.csat_pulse.title"), _csat_pulse),
    "nps": _Template(lambda: t("surveys.template.nps.title"), _nps),
    "project_satisfaction": _Template(
        lambda: t("surveys.template.project_satisfaction.title"), _project_satisfaction
    ),
    "kickoff_expectations": _Template(
        lambda: t("surveys.template.kickoff_expectations.title"), _kickoff_expectations
    ),
}

#: the template names, in the order they are offered
TEMPLATES: tuple[str, ...] = tuple(_REGISTRY)


def _template(name: str) -> _Template:
    try:
        return _REGISTRY[name]
    except KeyError:
        message = t("surveys.template.unknown", name=name, names=", ".join(TEMPLATES))
        raise InvalidRecord([Problem("template", name, message)]) from None


def template_title(name: str, lang: str | None = None) -> str:
    """The template's title in ``lang`` (default: the current language)."""
    found = _template(name)
    with language(lang):
        return found.title()


def template_questions(name: str, lang: str | None = None) -> list[dict[str, Any]]:
    """The template's questions in ``lang``: dicts with the ``Question`` fields
    ``code, text, type, options, position, parent`` (positions 1, 2, ... in order)."""
    found = _template(name)
    with language(lang):
        questions = found.questions()
    for position, question in enumerate(questions, 1):
        question["position"] = position
    return questions


def template_language(survey: Survey, questions: list[Question]) -> str | None:
    """The language a survey made from a template was written in (``None`` when it is
    not from a template, or its wording matches neither language)."""
    if survey.template not in _REGISTRY:
        return None
    texts = {q.code: q.text for q in questions}
    best, hits = None, 0
    for lang in LANGUAGES:
        found = sum(
            texts.get(q["code"]) == q["text"] for q in template_questions(survey.template, lang)
        )
        if found > hits:
            best, hits = lang, found
    return best


def create_survey(
    store: Store,
    project: ProjectRef,
    template: str,
    *,
    wave: str,
    name: str | None = None,
    lang: str | None = None,
    opened_on: date | None = None,
    closed_on: date | None = None,
    milestone: Milestone | int | str | None = None,
    invited: int | None = None,
    visibility: str = "internal",
) -> Survey:
    """Store a survey wave made from ``template`` and its questions, in one transaction.

    ``lang`` defaults to the project's language and ``name`` to the template's title in
    that language; later waves of the same survey take the same ``name`` (see
    ``next_wave``). ``milestone`` is a milestone of the project (the record, its id or its
    name) the wave is tied to, instead of or as well as the dates.
    """
    found = store.project(project)
    lang = normalise(lang) if lang else found.language
    questions = template_questions(template, lang)
    name = template_title(template, lang) if name is None else name
    survey = Survey(
        project_id=found.id,
        name=name,
        wave=wave,
        template=template,
        platform="commlib",
        opened_on=opened_on,
        closed_on=closed_on,
        invited=invited,
        milestone_id=_milestone_id(store, found, milestone),
        visibility=visibility,
    )
    with store.transaction():
        _check_wave(store, survey)
        survey = store.add(survey)
        store.add_all(
            Question(project_id=found.id, survey_id=survey.id, visibility=visibility, **q)
            for q in questions
        )
    return survey


def _milestone_id(
    store: Store, project: ProjectRef, milestone: Milestone | int | str | None
) -> int | None:
    if milestone is None or isinstance(milestone, int):
        return milestone
    if isinstance(milestone, Milestone):
        return milestone.id
    matches = [m for m in store.records("milestones", project.id) if m.name == milestone]
    if not matches:
        known = ", ".join(m.name for m in store.records("milestones", project.id))
        raise NotFound(t("surveys.run.wave.unknown_milestone", name=milestone, known=known or "—"))
    return matches[0].id


def _check_wave(store: Store, survey: Survey) -> None:
    """Refuse a wave that exists already (a cell run twice), or a template other than the
    earlier waves' (their question codes would not compare)."""
    problems: dict[str, Problem] = {}
    for other in store.records("surveys", survey.project_id):
        if other.name != survey.name:
            continue
        if other.wave == survey.wave:
            message = t("surveys.run.wave.exists", name=survey.name, wave=survey.wave)
            problems.setdefault("wave", Problem("wave", survey.wave, message))
        elif other.template and other.template != survey.template:
            message = t("surveys.run.wave.other_template", name=survey.name, other=other.template)
            problems.setdefault("template", Problem("template", survey.template, message))
    if problems:
        raise InvalidRecord(list(problems.values()))
