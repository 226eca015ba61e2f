"""The RACI matrix's data: who is Responsible, Accountable, Consulted or Informed for each
milestone and deliverable, one cell changed at a time, and the checks.

    >>> raci_frame(store, "华辰 ERP 升级")              # rows: milestones; columns: stakeholders
    >>> assign(store, "华辰 ERP 升级", "UAT 完成", "张伟", "A/R")   # the cell becomes A and R
    >>> check(store, "华辰 ERP 升级")                   # [Finding(level="error", ...), ...]

A cell is one stored ``Assignment`` per role: nothing, one role, or A and R together (two
rows); never a role twice. ``read_matrix`` reads what an audience may see (a client: the
client-visible milestones, stakeholders and assignments), leaving out cancelled milestones;
``check_matrix`` is a pure function over it, so a widget checks its unsaved cells the same way.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InvalidRecord, NotFound, Problem
from ..i18n import enum_label, get_language, language, normalise, t
from ..models import Assignment, Milestone, Record, Stakeholder

if TYPE_CHECKING:
    from ..models import Project
    from ..store import ProjectRef, Store

__all__ = [
    "CELL_CHOICES",
    "ROLES",
    "Finding",
    "Findings",
    "Matrix",
    "assign",
    "assign_all",
    "cell_text",
    "check",
    "check_matrix",
    "client_side",
    "parse_roles",
    "raci_cells",
    "raci_frame",
    "read_matrix",
]

#: the roles, in the order a cell shows them (``A/R``)
ROLES = ("A", "R", "C", "I")
#: what a cell may hold: nothing, one role, or Accountable and Responsible together
CELL_CHOICES = ("", "R", "A", "A/R", "C", "I")
#: the one pair of roles a stakeholder may hold on one milestone
_PAIR = ("A", "R")
_SEPARATORS = re.compile(r"[\s/,，、;+&]+")
Cell = tuple[int, int]  # (milestone id, stakeholder id)
RolesRef = str | Iterable[str] | None


# --- cells --------------------------------------------------------------------------------


def parse_roles(roles: RolesRef) -> tuple[str, ...]:
    """The roles of a cell from what a person writes: ``"A/R"``, ``"ar"``, ``"R, A"``,
    ``["A", "R"]``, ``"Ａ"`` (full width); ``""``, ``None`` or ``[]``: no role. In the order
    of :data:`ROLES`. Refused (``InvalidRecord``): a letter that is not R, A, C or I, a role
    given twice, and two roles other than A and R together."""
    if roles is None:
        return ()
    parts = [roles] if isinstance(roles, str) else list(roles)
    letters: list[str] = []
    for part in parts:
        text = unicodedata.normalize("NFKC", str(part)).strip().upper()
        for chunk in _SEPARATORS.split(text):
            letters.extend(chunk)
    shown = roles if isinstance(roles, str) else "/".join(str(p) for p in parts)
    unknown = [x for x in letters if x not in ROLES]
    if unknown:
        raise InvalidRecord([Problem("role", shown, t("raci.error.role", choices=_choices()))])
    if len(set(letters)) != len(letters):
        raise InvalidRecord([Problem("role", shown, t("raci.error.twice"))])
    if len(letters) > 1 and sorted(letters) != sorted(_PAIR):
        raise InvalidRecord([Problem("role", shown, t("raci.error.pair"))])
    return tuple(r for r in ROLES if r in letters)


def cell_text(roles: Iterable[str]) -> str:
    """A cell as the matrix shows it: ``("R", "A")`` -> ``"A/R"``; no role -> ``""``. Roles
    stored twice (by an import) show once."""
    found = set(roles)
    return "/".join(r for r in ROLES if r in found)


def _choices() -> str:
    return ", ".join(c for c in CELL_CHOICES if c)


# --- who is on the client's side --------------------------------------------------------------

#: legal forms and words that say nothing of whose organisation it is, taken off the end
_LEGAL_WORDS = frozenset(
    {
        *("co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited"),
        *("llc", "plc", "gmbh", "ag", "sa", "bv", "group", "holding", "holdings"),
    }
)
_LEGAL_ZH = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司")


def _core(name: str) -> str:
    """An organisation's name without case, width, spaces, punctuation or legal form:
    ``"Harbourside Group Inc."`` -> ``"harbourside"``, ``"上海华辰智能制造有限公司"`` ->
    ``"上海华辰智能制造"``."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold())
    while words and words[-1] in _LEGAL_WORDS:
        words.pop()
    text = "".join(words)
    stripped = True
    while stripped:
        stripped = False
        for suffix in _LEGAL_ZH:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, stripped = text[: -len(suffix)], True
    return text


def client_side(organisation: str, client: str) -> bool:
    """Whether an organisation is the client's: once both names lose case, width, spaces,
    punctuation and a legal form at the end (有限公司, 集团, Ltd, Inc., Group...), one holds
    the other, at least two characters long. ``"华辰"`` and ``"Harbourside Group Inc."`` are
    on the side of ``"上海华辰智能制造有限公司"`` and ``"Harbourside Logistics Ltd"``; an empty
    organisation is on nobody's side."""
    mine, theirs = _core(organisation or ""), _core(client or "")
    if len(mine) < 2 or len(theirs) < 2:
        return False
    return mine in theirs or theirs in mine


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """What an audience may see of a project's RACI matrix.

    ``milestones``: the milestones and deliverables that are not cancelled, by current due
    date (then baseline, then id); ``stakeholders``: as stored; ``rows``: the stored
    assignments of each cell ``(milestone id, stakeholder id)`` between those two (a role
    stored twice is kept twice, so the check can say so); ``client``: the project's client.
    """

    client: str
    milestones: tuple[Milestone, ...]
    stakeholders: tuple[Stakeholder, ...]
    rows: Mapping[Cell, tuple[Assignment, ...]] = field(default_factory=dict)

    @property
    def roles(self) -> dict[Cell, tuple[str, ...]]:
        """The roles of each cell that holds any, in the order of :data:`ROLES` (a role
        stored twice is there twice)."""
        return {
            cell: tuple(sorted((a.role for a in rows), key=ROLES.index))
            for cell, rows in self.rows.items()
            if rows
        }

    def milestone_labels(self) -> dict[int, str]:
        """Milestone id -> its name (``name #id`` when two share a name)."""
        return _labels(self.milestones)

    def stakeholder_labels(self) -> dict[int, str]:
        """Stakeholder id -> their name (``name #id`` when two share a name)."""
        return _labels(self.stakeholders)

    def frame(self, roles: Mapping[Cell, Iterable[str]] | None = None) -> pd.DataFrame:
        """The matrix as a frame (see :func:`raci_frame`); ``roles`` replaces the stored
        roles (a widget's unsaved cells)."""
        shown = self.roles if roles is None else roles
        people = self.stakeholder_labels()
        names = self.milestone_labels()
        data = {
            people[s.id]: [cell_text(shown.get((m.id, s.id), ())) for m in self.milestones]
            for s in self.stakeholders
        }
        index = pd.Index(
            [names[m.id] for m in self.milestones], name="milestone_name", dtype=object
        )
        frame = pd.DataFrame(data, index=index, columns=list(people.values()), dtype=object)
        frame.columns.name = "stakeholder"
        return frame

    def cells(self, roles: Mapping[Cell, Iterable[str]] | None = None) -> pd.DataFrame:
        """One row per cell, empty ones too (see :func:`raci_cells`)."""
        shown = self.roles if roles is None else roles
        people = self.stakeholder_labels()
        names = self.milestone_labels()
        rows = [
            {
                "milestone_id": m.id,
                "milestone_name": names[m.id],
                "type": m.type,
                "current_due": m.current_due,
                "stakeholder_id": s.id,
                "stakeholder_name": people[s.id],
                "organisation": s.organisation,
                "roles": cell_text(shown.get((m.id, s.id), ())),
            }
            for m in self.milestones
            for s in self.stakeholders
        ]
        columns = [
            "milestone_id",
            "milestone_name",
            "type",
            "current_due",
            "stakeholder_id",
            "stakeholder_name",
            "organisation",
            "roles",
        ]
        return pd.DataFrame(rows, columns=columns)


def read_matrix(store: Store, project: ProjectRef, *, audience: str = "internal") -> Matrix:
    """The project's RACI matrix as ``audience`` may see it (see :class:`Matrix`)."""
    _audience(audience)
    found = store.project(project)
    client = audience == "client"
    milestones = _visible(store.records("milestones", found.id), client)
    people = _visible(store.records("stakeholders", found.id), client)
    assignments = _visible(store.records("raci", found.id), client)
    milestones = sorted(
        (m for m in milestones if m.status != "cancelled"),
        key=lambda m: (m.current_due, m.baseline_due, m.id),
    )
    shown_m, shown_s = {m.id for m in milestones}, {s.id for s in people}
    rows: dict[Cell, list[Assignment]] = {}
    for a in assignments:
        if a.milestone in shown_m and a.stakeholder in shown_s:
            rows.setdefault((a.milestone, a.stakeholder), []).append(a)
    return Matrix(
        client=found.client,
        milestones=tuple(milestones),  # type: ignore[arg-type]
        stakeholders=tuple(people),  # type: ignore[arg-type]
        rows={cell: tuple(found) for cell, found in rows.items()},
    )


def raci_frame(store: Store, project: ProjectRef, *, audience: str = "internal") -> pd.DataFrame:
    """The RACI matrix: a row per milestone or deliverable (by due date; cancelled ones left
    out), indexed by name (``milestone_name``), a column per stakeholder (their name), cells
    ``"A/R"``, ``"A"``, ``"R"``, ``"C"``, ``"I"`` or ``""``. A name two records share gets
    ``#id``. ``audience="client"``: only what the client may see."""
    return read_matrix(store, project, audience=audience).frame()


def raci_cells(store: Store, project: ProjectRef, *, audience: str = "internal") -> pd.DataFrame:
    """The matrix in long form, a row per (milestone, stakeholder), empty cells too, rows in
    due order then stakeholders in order: ``milestone_id, milestone_name, type, current_due,
    stakeholder_id, stakeholder_name, organisation, roles`` (what :func:`raci_chart` draws)."""
    return read_matrix(store, project, audience=audience).cells()


# --- writing ------------------------------------------------------------------------------


def assign(
    store: Store,
    project: ProjectRef,
    milestone: int | str | Record,
    stakeholder: int | str | Record,
    roles: RolesRef,
    *,
    visibility: str | None = None,
) -> list[Assignment]:
    """Make one cell hold exactly ``roles`` (``"A/R"``, ``"C"``, ``""`` to clear it), in one
    transaction; returns the cell's assignments (A first).

    ``milestone`` and ``stakeholder`` are ids, names or records of ``project``. A role the
    cell holds already is kept as it is; a role it no longer holds becomes one of the new
    roles (so the history shows ``R`` -> ``C``), or is deleted. New rows are ``visibility``
    (default ``internal``); given, it also applies to the rows kept. Refused, with nothing
    written: an unknown or ambiguous name (``NotFound``, ``InvalidRecord``), a role given
    twice or a pair other than A and R (``InvalidRecord``).
    """
    found = store.project(project)
    with store.transaction():
        m = _find(store.records("milestones", found.id), milestone, "milestones", found)
        s = _find(store.records("stakeholders", found.id), stakeholder, "stakeholders", found)
        assign_all(store, found, {(m.id, s.id): roles}, visibility=visibility)
        cell = [
            a
            for a in store.records("raci", found.id)
            if a.milestone == m.id and a.stakeholder == s.id
        ]
    return sorted(cell, key=lambda a: ROLES.index(a.role))  # type: ignore[attr-defined]


def assign_all(
    store: Store,
    project: ProjectRef,
    cells: Mapping[tuple[int | str | Record, int | str | Record], RolesRef],
    *,
    visibility: str | None = None,
) -> int:
    """Set several cells as :func:`assign` does, all in one transaction (all or none);
    ``cells`` maps ``(milestone, stakeholder)`` to roles. Returns how many cells changed."""
    found = store.project(project)
    wanted = {key: parse_roles(roles) for key, roles in cells.items()}
    if visibility is not None:  # the model's own message, before anything is read or written
        Assignment(project_id=found.id, milestone=1, stakeholder=1, role="A", visibility=visibility)
    changed = 0
    with store.transaction():
        milestones = store.records("milestones", found.id)
        people = store.records("stakeholders", found.id)
        stored: dict[Cell, list[Assignment]] = {}
        for a in store.records("raci", found.id):
            stored.setdefault((a.milestone, a.stakeholder), []).append(a)  # type: ignore[attr-defined]
        resolved: dict[Cell, tuple[str, ...]] = {}
        for (m_ref, s_ref), roles in wanted.items():
            m = _find(milestones, m_ref, "milestones", found)
            s = _find(people, s_ref, "stakeholders", found)
            resolved[(m.id, s.id)] = roles  # type: ignore[index]
        for cell, roles in resolved.items():
            changed += _write_cell(store, found.id, cell, stored.get(cell, []), roles, visibility)
    return changed


def _write_cell(
    store: Store,
    project_id: int,
    cell: Cell,
    rows: list[Assignment],
    roles: tuple[str, ...],
    visibility: str | None,
) -> int:
    kept: dict[str, Assignment] = {}
    spare: list[Assignment] = []
    for row in rows:
        if row.role in roles and row.role not in kept:
            kept[row.role] = row
        else:
            spare.append(row)
    missing = [r for r in roles if r not in kept]
    touched = bool(spare or missing)
    for role in missing:
        if spare:
            row = spare.pop(0)
            changes: dict[str, Any] = {"role": role}
            if visibility is not None:
                changes["visibility"] = visibility
            store.update("raci", row.id, **changes)
        else:
            store.add(
                Assignment(
                    project_id=project_id,
                    milestone=cell[0],
                    stakeholder=cell[1],
                    role=role,
                    visibility=visibility or "internal",
                )
            )
    for row in spare:
        store.delete("raci", row.id)
    if visibility is not None:
        for row in kept.values():
            if row.visibility != visibility:
                store.update("raci", row.id, visibility=visibility)
                touched = True
    return int(touched)


def _find(records: list[Record], ref: Any, kind: str, project: Project) -> Record:
    """A milestone or stakeholder of ``project`` by id, record or name (exact, else ignoring
    case and width)."""
    if isinstance(ref, Record):
        ref = ref.id
    if isinstance(ref, int) and not isinstance(ref, bool):
        hits = [r for r in records if r.id == ref]
        shown: object = f"#{ref}"
    else:
        text = str(ref).strip()
        hits = [r for r in records if r.name == text]  # type: ignore[attr-defined]
        if not hits:
            folded = unicodedata.normalize("NFKC", text).casefold()
            hits = [
                r
                for r in records
                if unicodedata.normalize("NFKC", r.name).casefold() == folded  # type: ignore[attr-defined]
            ]
        shown = text
    if len(hits) == 1:
        return hits[0]
    field_name = "milestone" if kind == "milestones" else "stakeholder"
    if hits:
        ids = ", ".join(f"#{r.id}" for r in hits)
        raise InvalidRecord([Problem(field_name, shown, t("raci.error.ambiguous", ids=ids))])
    names = [r.name for r in records]  # type: ignore[attr-defined]
    known = "、".join(names[:12]) if get_language() == "zh" else ", ".join(names[:12])
    if len(names) > 12:
        known += " …"
    raise NotFound(
        t(
            f"raci.error.unknown_{field_name}",
            ref=shown,
            project=project.name,
            known=known or t("word.none"),
        )
    )


# --- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the matrix: ``level`` ``"error"`` (the matrix breaks a rule) or
    ``"warning"`` (worth a look); the milestone and the stakeholder it is about (ids, or
    ``None``); the ``message`` in the language of the check; ``code`` names the rule
    (``no_accountable``, ``several_accountable``, ``no_responsible``, ``twice``,
    ``no_role``, ``client_not_accountable``)."""

    level: str
    milestone: int | None
    stakeholder: int | None
    message: str
    code: str


class Findings(list[Finding]):
    """The findings of a check, errors first; shown in a notebook or report as a list."""

    def __init__(self, findings: Iterable[Finding] = (), lang: str | None = None) -> None:
        super().__init__(findings)
        self.lang = normalise(lang) if lang else get_language()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self if f.level == "warning"]

    def _repr_html_(self) -> str:
        with language(self.lang):
            if not self:
                text = html.escape(t("raci.check.fine"))
                return f'<p class="commlib-sentence commlib-raci-fine">{text}</p>'
            items = []
            for f in self:
                colour = "#c62828" if f.level == "error" else "#8d6e00"
                level = html.escape(t(f"raci.level.{f.level}"))
                items.append(
                    f'<li class="commlib-raci-{f.level}"><b style="color:{colour}">{level}</b> '
                    f"{html.escape(f.message)}</li>"
                )
            head = html.escape(
                t("raci.check.count", errors=len(self.errors), warnings=len(self.warnings))
            )
            return f'<p class="commlib-sentence">{head}</p><ul>{"".join(items)}</ul>'


def check(
    store: Store, project: ProjectRef, *, audience: str = "internal", lang: str | None = None
) -> Findings:
    """Check the project's RACI matrix as ``audience`` sees it (see :func:`check_matrix`)."""
    return check_matrix(read_matrix(store, project, audience=audience), lang=lang)


def check_matrix(
    matrix: Matrix,
    roles: Mapping[Cell, Iterable[str]] | None = None,
    *,
    lang: str | None = None,
) -> Findings:
    """The rules, over every milestone and deliverable of ``matrix`` (cancelled ones are not
    in it); ``roles`` replaces the stored roles (a widget's unsaved cells). Errors:

    - ``no_accountable``, ``several_accountable``: exactly one A per milestone and per
      deliverable (the spec says "per deliverable"; a milestone is signed off too);
    - ``no_responsible``: at least one R;
    - ``twice``: a stakeholder holding a role twice on one milestone (only an import or a
      direct ``store.add`` can store that).

    Warnings:

    - ``client_not_accountable``: a deliverable whose A is not on the client's side: neither
      the stakeholder recorded as having accepted it (``accepted_by``) nor of an organisation
      that :func:`client_side` finds to be the client's;
    - ``no_role``: a stakeholder with no role on any milestone or deliverable.
    """
    code = normalise(lang) if lang else get_language()
    shown = matrix.roles if roles is None else {k: tuple(v) for k, v in roles.items()}
    errors: list[Finding] = []
    warnings: list[Finding] = []
    with language(code):
        for m in matrix.milestones:
            cells = [(s, shown.get((m.id, s.id), ())) for s in matrix.stakeholders]
            what = t("raci.check.what", kind=enum_label("milestone_kind", m.type), name=m.name)
            for s, held in cells:
                for role in ROLES:
                    if held.count(role) > 1:
                        message = t("raci.check.twice", what=what, person=s.name, role=role)
                        errors.append(Finding("error", m.id, s.id, message, "twice"))
            accountable = [s for s, held in cells if "A" in held]
            if not accountable:
                message = t("raci.check.no_accountable", what=what)
                errors.append(Finding("error", m.id, None, message, "no_accountable"))
            elif len(accountable) > 1:
                message = t(
                    "raci.check.several_accountable",
                    what=what,
                    count=len(accountable),
                    people=_join([s.name for s in accountable]),
                )
                errors.append(Finding("error", m.id, None, message, "several_accountable"))
            if not any("R" in held for _s, held in cells):
                message = t("raci.check.no_responsible", what=what)
                errors.append(Finding("error", m.id, None, message, "no_responsible"))
            if m.type == "deliverable":
                for s in accountable:
                    if s.id != m.accepted_by and not client_side(s.organisation, matrix.client):
                        message = t(
                            "raci.check.client_not_accountable",
                            what=what,
                            person=s.name,
                            organisation=s.organisation or t("raci.check.no_organisation"),
                            client=matrix.client,
                        )
                        warnings.append(
                            Finding("warning", m.id, s.id, message, "client_not_accountable")
                        )
        on = {m.id for m in matrix.milestones}
        holding = {s for (m, s), held in shown.items() if held and m in on}
        for s in matrix.stakeholders:
            if s.id not in holding:
                message = t("raci.check.no_role", person=s.name)
                warnings.append(Finding("warning", None, s.id, message, "no_role"))
    return Findings([*errors, *warnings], code)


# --- internals ----------------------------------------------------------------------------


def _audience(audience: str) -> None:
    if audience not in ("internal", "client"):
        raise InvalidRecord([Problem("audience", audience, t("error.audience"))])


def _visible(records: list[Record], client: bool) -> list[Record]:
    return [r for r in records if not client or r.visibility == "client"]


def _labels(records: Iterable[Any]) -> dict[int, str]:
    records = list(records)
    seen: dict[str, int] = {}
    for r in records:
        seen[r.name] = seen.get(r.name, 0) + 1
    return {r.id: f"{r.name} #{r.id}" if seen[r.name] > 1 else r.name for r in records}


def _join(names: list[str]) -> str:
    return ("、" if get_language() == "zh" else ", ").join(names)
