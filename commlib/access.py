"""Who sees and changes which project on a shared PostgreSQL store (issue 17).

    >>> from commlib.access import grant, revoke, grants
    >>> grant(store, "alice", "华辰 ERP 升级", "editor")   # a PostgreSQL role, a project, a level
    >>> grants(store)                                      # project, role, level, granted_by/at
    >>> revoke(store, "alice", "华辰 ERP 升级")

A ``viewer`` reads the project; an ``editor`` also changes its records; an ``owner`` also
grants and revokes access to it, deletes it and may correct its history. Only an owner of
the project (or an administrator: a superuser, or the store's owner role) grants. The role
that creates a project becomes its owner. The database server enforces all of it, with
row-level security (see ``commlib._access``), so it holds for plain SQL too; a revoke takes
effect at the next query of every open connection.

SQLite is one person's store: there is nothing to grant, and these functions say so.
"""

from __future__ import annotations

import pandas as pd

from . import _access
from .errors import Conflict, InvalidRecord, NotFound, Problem, StoreError
from .i18n import t
from .models import Project
from .store import Store

#: the levels of access, from the least
LEVELS = _access.LEVELS


def grant(store: Store, role: str, project: str | int | Project, level: str = "viewer") -> None:
    """Give PostgreSQL role ``role`` ``level`` on ``project`` (replacing the level it had).

    Refused (``AccessDenied``) unless the current role owns the project or is an
    administrator; ``NotFound`` for a role the server does not have.
    """
    if level not in LEVELS:
        raise InvalidRecord([Problem("role", level, t("access.error.level"))])
    found = _project(store, project)
    with store.transaction() as conn:
        if not _access.role_exists(conn, role):
            raise NotFound(t("access.error.no_role", role=role, url=store.where))
        _access.grant(conn, found.id, role, level)


def revoke(store: Store, role: str, project: str | int | Project) -> None:
    """Take ``role``'s grant on ``project`` away; the project keeps at least one owner."""
    found = _project(store, project)
    with store.transaction() as conn:
        have = _access.level(conn, found.id)
        if have < _access.RANK["owner"]:
            # the server hides the others' grants from a non-owner: it would delete nothing
            raise _access.refusal(conn, found.id, have, "project_access")
        held = {g["role"]: g["level"] for g in _access.grants(conn, found.id)}
        if role not in held:
            known = ", ".join(f"{r} ({held[r]})" for r in held) or t("word.none")
            raise NotFound(
                t("access.error.not_granted", role=role, project=found.name, known=known)
            )
        if held[role] == "owner" and list(held.values()).count("owner") == 1:
            raise Conflict(t("access.error.last_owner", role=role, project=found.name))
        _access.revoke(conn, found.id, role)


def grants(store: Store, project: str | int | Project | None = None) -> pd.DataFrame:
    """The grants the current role may see, a row each: ``project``, ``role``, ``level``,
    ``granted_by``, ``granted_at`` (UTC). An administrator sees every grant; an owner, all
    those of its projects; anyone else, its own."""
    _shared(store)
    project_id = None if project is None else _project(store, project).id
    with store.read() as conn:
        rows = _access.grants(conn, project_id)
    df = pd.DataFrame(rows, columns=["project", "role", "level", "granted_by", "granted_at"])
    df["granted_at"] = pd.to_datetime(df["granted_at"]).dt.tz_localize("UTC")
    return df


def as_table(found: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The header and rows of ``grants(...)`` as text, for people (levels in words, moments
    to the minute)."""
    header = [t(f"access.cli.col.{c}") for c in found.columns]
    rows = [
        [project, role, t(f"access.level.{level}"), by, f"{at:%Y-%m-%d %H:%M}"]
        for project, role, level, by, at in found.itertuples(index=False)
    ]
    return header, rows


def _shared(store: Store) -> None:
    if store.dialect != "postgresql":
        raise StoreError(t("access.error.sqlite", url=store.where))


def _project(store: Store, project: str | int | Project) -> Project:
    _shared(store)
    return store.project(project)


__all__ = ["LEVELS", "as_table", "grant", "grants", "revoke"]
