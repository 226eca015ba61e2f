"""The waves of a survey in the store: the same questionnaire run several times, tied to
dates, milestones or both.

    >>> waves(store, "华辰 ERP 升级", "项目满意度")       # one row per wave, with response rates
    >>> choose_survey(store, "华辰 ERP 升级", audience="client")  # (name, ids of shared waves)
    >>> create_survey(store, p, "project_satisfaction", wave=next_wave(store, p, "项目满意度"))

Each wave is a ``Survey`` record; the waves of one questionnaire share its ``name``.
``align_questions`` gives a new wave's questions the codes they have in the stored waves.
(``commlib.surveys.waves`` is the function ``waves`` of this module; the waves of a
response frame, in order, are ``commlib.surveys.analysis.wave_order``.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import NothingToShow
from ..i18n import t
from .data import response_counts

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

COLUMNS = [
    "survey_id",
    "name",
    "wave",
    "opened_on",
    "closed_on",
    "milestone_id",
    "milestone",
    "milestone_due",
    "invited",
    "responses",
    "response_rate",
]

#: a wave label ending in a number, with an optional suffix: W3, Wave 03, 2026-Q1, 第2轮
_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")


def _shown(record: Any, audience: str) -> bool:
    return audience == "internal" or getattr(record, "visibility", "internal") == "client"


def choose_survey(
    store: Store, project: ProjectRef, name: str | None = None, *, audience: str = "internal"
) -> tuple[str, list[int]]:
    """The survey ``name`` (default: the project's first) and the ids of its waves that
    ``audience`` may see. Raises ``NothingToShow`` when there is none for that audience."""
    found = store.project(project)
    shown = [s for s in store.records("surveys", found.id) if _shown(s, audience)]
    names = list(dict.fromkeys(s.name for s in shown))
    if not names:
        key = "surveys.error.none_shared" if audience == "client" else "surveys.error.none"
        raise NothingToShow(t(key, project=found.name))
    if name is not None and name not in names:
        known = ", ".join(names)
        raise NothingToShow(
            t("surveys.error.unknown", project=found.name, survey=name, known=known)
        )
    chosen = name if name is not None else names[0]
    return chosen, [s.id for s in shown if s.name == chosen]


def waves(
    store: Store, project: ProjectRef, name: str | None = None, *, audience: str = "internal"
) -> pd.DataFrame:
    """One row per survey wave of the project (of the survey ``name``, when given) that
    ``audience`` may see (for ``"client"``: shared waves, and only shared milestones named).

    Columns: ``survey_id, name, wave, opened_on, closed_on, milestone_id, milestone,
    milestone_due`` (the milestone's current due date), ``invited`` (``Int64``),
    ``responses`` and ``response_rate`` (responses / invited; NaN when nobody was counted
    as invited). Rows run by name, then by the wave's date (opened, else the milestone's
    due date, else closed), waves without any date last, then in the order they were made.
    """
    found = store.project(project)
    surveys = [
        s
        for s in store.records("surveys", found.id)
        if (name is None or s.name == name) and _shown(s, audience)
    ]
    milestones = {m.id: m for m in store.records("milestones", found.id) if _shown(m, audience)}
    counts = response_counts(store, found.id)
    rows = []
    for s in surveys:
        milestone = milestones.get(s.milestone_id)
        responses = counts.get(s.id, 0)
        rows.append(
            {
                "survey_id": s.id,
                "name": s.name,
                "wave": s.wave,
                "opened_on": s.opened_on,
                "closed_on": s.closed_on,
                "milestone_id": milestone.id if milestone else None,
                "milestone": milestone.name if milestone else None,
                "milestone_due": milestone.current_due if milestone else None,
                "invited": s.invited,
                "responses": responses,
                "response_rate": responses / s.invited if s.invited else float("nan"),
                "_when": s.opened_on or (milestone.current_due if milestone else s.closed_on),
            }
        )
    df = pd.DataFrame(rows, columns=[*COLUMNS, "_when"])
    df["_when"] = pd.to_datetime(df["_when"])
    df = df.sort_values(["name", "_when", "survey_id"], na_position="last", kind="stable")
    df = df.drop(columns="_when").reset_index(drop=True)
    for column in ("opened_on", "closed_on", "milestone_due"):  # dates, None when missing
        df[column] = df[column].astype(object).where(df[column].notna(), None)
    return df.astype(
        {
            "survey_id": "int64",
            "milestone_id": "Int64",
            "invited": "Int64",
            "responses": "int64",
            "response_rate": "float64",
        }
    )


def next_wave(store: Store, project: ProjectRef, name: str) -> str:
    """The label for the next wave of survey ``name``: ``W1`` for the first, then the next
    number in the scheme the latest numbered wave uses (``W2`` -> ``W3``, ``Wave 09`` ->
    ``Wave 10``, ``第2轮`` -> ``第3轮``); never a label that is taken."""
    found = store.project(project)
    labels = [s.wave for s in store.records("surveys", found.id) if s.name == name]
    numbered = [(m, label) for label in labels if (m := _NUMBERED.match(label))]
    if not numbered:
        return _free("W", len(labels) + 1, "", 1, set(labels))
    latest = numbered[-1][0]
    prefix, suffix = latest.group(1), latest.group(3)
    width = len(latest.group(2)) if latest.group(2).startswith("0") else 1
    top = max(int(m.group(2)) for m, _ in numbered if (m.group(1), m.group(3)) == (prefix, suffix))
    return _free(prefix, top + 1, suffix, width, set(labels))


def _free(prefix: str, number: int, suffix: str, width: int, taken: set[str]) -> str:
    while (label := f"{prefix}{number:0{width}d}{suffix}") in taken:
        number += 1
    return label


# --- the questions of several waves -------------------------------------------------------

#: platforms whose question codes are their own stable ids: the same code is the same
#: question in every wave, even when its wording was edited (Qualtrics QIDs, LimeSurvey codes)
STABLE_CODES = frozenset({"qualtrics", "limesurvey"})
#: texts that say nothing of a question (``Q5``, ``第5题``, empty): such questions match by code
_PLACEHOLDER = re.compile(r"^(?:第\s*\d+\s*题|Q?\d+)?$", re.I)


def align_questions(
    stored: Sequence[Any], given: list[dict[str, Any]], *, stable: bool = False
) -> tuple[dict[str, str], list[str]]:
    """Codes for a wave's questions that mean the same question in every wave.

    ``stored``: the questions already stored under the survey's name (this wave's first,
    then the other waves, earliest first); ``given``: the wave's questions (dicts with
    ``code, text, parent``), changed in place. A question whose text (under its parent's
    text, for a matrix row) is a stored question's takes that question's code, whatever
    its position in the file; a question whose code is stored with another text is another
    question: it gets a code of its own (``Q5_2``) and a warning says so. With ``stable``
    codes (the platform's own ids) the code wins and a changed wording is only reported.

    Returns ``{code in the file: code stored}`` for the codes that changed, and warnings.
    """
    if not stored:
        return {}, []
    texts: dict[str, str] = {}  # the first (this wave's) wording of a code
    for q in stored:
        texts.setdefault(q.code, q.text)
    by_code: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for q in stored:
        by_code.setdefault(q.code, _full(q.text, texts.get(q.parent or "", "")))
        full = _full(q.text, texts.get(q.parent or "", ""))
        if full:
            by_text.setdefault(full, q.code)
    file_texts = {str(d.get("code", "")): str(d.get("text") or "") for d in given}
    taken = set(by_code) | set(file_texts)
    renames: dict[str, str] = {}
    notes: list[str] = []
    used: set[str] = set()
    for data in given:
        code = str(data.get("code", "")).strip()
        full = _full(str(data.get("text") or ""), file_texts.get(str(data.get("parent") or ""), ""))
        target = code
        if stable and code in by_code:
            if full and by_code[code] and full != by_code[code]:
                notes.append(
                    t(
                        "surveys.values.wording_changed",
                        code=code,
                        old=_short(texts.get(code, "")),
                        new=_short(str(data.get("text") or "")),
                    )
                )
        elif full and full in by_text:
            target = by_text[full]
        elif full and code in by_code and by_code[code] and by_code[code] != full:
            target = _free(f"{code}_", 2, "", 1, taken | used)
            note = t(
                "surveys.values.question_changed",
                code=code,
                old=_short(texts.get(code, "")),
                new=_short(str(data.get("text") or "")),
                new_code=target,
            )
            notes.append(note)
            if not data.get("notes"):
                data["notes"] = note  # the codebook keeps why the code differs
        if target in used:
            target = _free(f"{code}_", 2, "", 1, taken | used)
        used.add(target)
        if target != code:
            renames[code] = target
    for data in given:
        code = str(data.get("code", "")).strip()
        if code in renames:
            data["code"] = renames[code]
        parent = str(data.get("parent") or "")
        if parent in renames:
            data["parent"] = renames[parent]
    return renames, notes


def _full(text: str, parent: str) -> str:
    """A question's text as compared across waves (a matrix row under its parent's text);
    empty when the text says nothing (``Q5``)."""
    from ._values import key

    own = key(text or "")
    if _PLACEHOLDER.match(own):
        return ""
    above = key(parent or "")
    return f"{above} / {own}" if above and not _PLACEHOLDER.match(above) else own


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 60 else text[:57] + "..."
