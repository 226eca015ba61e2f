"""Demo data: two realistic projects to try the workbench on.

``build_demo(store)`` writes a project whose client speaks Chinese (all text in Simplified
Chinese) and one whose client speaks English. Each has six months of history behind it and
three months ahead: stakeholders, a communication log, follow-ups, milestones that slipped,
a risk register whose scores moved, three survey waves, change requests, decisions and
lessons. Client-visible and internal records are mixed; every internal record carries a note
that starts with ``INTERNAL[lang]``.

The data depends only on ``seed`` and ``today``: the same pair gives the same store, and every
moment (including ``created_at`` and the history) is set from them, never from the clock.

The texts live in ``content/`` (plain data, one module per kind of record); the code that turns
them into records lives in the private modules beside this one, one per kind: ``_project``
(the project, its stakeholders, plan and milestones), ``_contacts`` (the log and its
follow-ups), ``_risks``, ``_surveys`` and ``_records`` (change requests, decisions, issues,
lessons). ``_state`` holds the project being built.
"""

from __future__ import annotations

import random
from datetime import date

from ..errors import Conflict
from ..i18n import normalise, t
from ..models import Project
from ..store import Store
from . import _contacts, _meetings, _project, _records, _risks, _surveys
from ._state import Demo
from .content import DEMO_PROJECTS, INTERNAL, LANGS

__all__ = ["DEMO_PROJECTS", "INTERNAL", "LANGS", "build_demo"]


def build_demo(
    store: Store,
    *,
    lang: str | None = None,
    seed: int = 7,
    today: date | None = None,
    replace: bool = False,
) -> list[Project]:
    """Build the demo projects (both, or only the one whose client speaks ``lang``).

    An existing demo project of the same name is rebuilt with ``replace=True``, else
    ``Conflict`` is raised and nothing is written. Each project is written in one
    transaction. The same ``seed`` and ``today`` always give the same data.
    """
    langs = [normalise(lang)] if lang else list(LANGS)
    today = today or date.today()
    existing = {p.name for p in store.projects()}
    if not replace:
        for code in langs:
            if DEMO_PROJECTS[code] in existing:
                raise Conflict(t("cli.demo_exists", name=DEMO_PROJECTS[code], path=store.where))
    built = []
    for code in langs:
        rng = random.Random(f"commlib-demo/{seed}/{code}")  # one stream per project
        with store.transaction():
            if DEMO_PROJECTS[code] in {p.name for p in store.projects()}:
                store.delete_project(DEMO_PROJECTS[code])
            built.append(_build(Demo(store, code, rng, today)))
    return built


def _build(d: Demo) -> Project:
    project = _project.project(d)
    _project.stakeholders(d)
    _project.plan(d)
    _project.milestones(d)
    _contacts.contacts(d)
    _contacts.follow_ups(d)
    _risks.risks(d)
    _surveys.surveys(d)
    _records.change_requests(d)
    _records.decisions(d)
    _records.lessons(d)
    _records.issues(d)
    _project.milestone_progress(d)
    _meetings.vendor(d)
    _meetings.raci(d)
    _meetings.pending_decisions(d)
    _meetings.meetings(d)
    d.apply_updates()
    return project
