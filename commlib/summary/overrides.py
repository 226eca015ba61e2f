"""The team's overrides of an area's status: set one by hand with a reason, end it, and read
the ones in force for an audience (see :mod:`commlib.summary`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..i18n import t
from ..models import Record, StatusOverride
from ._common import rows_of
from .rules import AREAS, STATUSES

if TYPE_CHECKING:
    from ..models import Project
    from ..store import Store

__all__ = ["active_overrides", "clear_override", "override_status"]


def _check_area(area: str, status: str | None = None) -> None:
    from ..errors import InvalidRecord, Problem

    if area not in ("overall", *AREAS):
        raise InvalidRecord(
            [Problem("area", area, t("summary.error.area", areas=", ".join(("overall", *AREAS))))]
        )
    if status is not None and status not in STATUSES:
        raise InvalidRecord(
            [Problem("status", status, t("summary.error.status", statuses=", ".join(STATUSES)))]
        )


def active_overrides(
    store: Store, project: str | int | Project, *, audience: str = "internal"
) -> dict[str, dict[str, Any]]:
    """Area -> the active override (a row as a dict) that ``audience`` may see."""
    frame = store.frame("status_overrides", project, audience=audience)
    found = {}
    for row in sorted(rows_of(frame), key=lambda r: int(r["id"])):
        if bool(row.get("active")):
            found[row["area"]] = row
    return found


def override_status(
    store: Store,
    project: str | int | Project,
    area: str,
    status: str,
    reason: str,
    *,
    today: date | None = None,
    visibility: str = "client",
) -> Record:
    """Set ``area``'s status by hand (``green``, ``amber``, ``red``) with a reason.

    The area's stored override (active or not) is updated, so the history keeps the
    statuses it had; the first one for an area is added.
    """
    _check_area(area, status)
    found = store.project(project)
    day = today or date.today()
    values = {
        "status": status,
        "reason": reason,
        "set_on": day,
        "active": True,
        "visibility": visibility,
    }
    existing = [r for r in store.records("status_overrides", found.id) if r.area == area]
    if existing:
        return store.update("status_overrides", existing[-1].id, **values)
    return store.add(StatusOverride(project_id=found.id, area=area, **values))


def clear_override(store: Store, project: str | int | Project, area: str) -> Record | None:
    """End ``area``'s override (``active=False``): the computed status shows again."""
    _check_area(area)
    found = store.project(project)
    for record in store.records("status_overrides", found.id):
        if record.area == area and record.active:
            return store.update("status_overrides", record.id, active=False)
    return None
