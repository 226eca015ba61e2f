"""The project's meetings at a glance: planned, held and cancelled, each with its time on
the organiser's clock, its attendees, its invitation's version and where its minutes stand.

    >>> meeting_list(store, "华辰 ERP 升级")          # newest first
    >>> meeting_list(store, "华辰 ERP 升级", audience="client")
"""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

import pandas as pd

from ..i18n import t

if TYPE_CHECKING:
    from ..store import ProjectRef, Store

__all__ = ["meeting_list"]

COLUMNS = ["meeting_no", "title", "starts", "duration_min", "status", "attendees", "minutes"]


def meeting_list(store: Store, project: ProjectRef, *, audience: str = "internal") -> pd.DataFrame:
    """One row per meeting, the latest first: ``meeting_no`` (``#7``, what ``--meeting``
    takes), ``title``, ``starts`` (local time on the meeting's clock, with its zone),
    ``duration_min``, ``status``, ``attendees`` (the names this audience may see) and
    ``minutes``: none yet, sent on a day, or confirmed by whom and when."""
    meetings = store.frame("meetings", project, audience=audience)
    people = store.frame("stakeholders", project, audience=audience)
    names = dict(zip(people["id"].astype(int), people["name"], strict=True))
    rows = []
    for m in meetings.sort_values("start", ascending=False).itertuples():
        zone = zoneinfo.ZoneInfo(m.timezone) if m.timezone else zoneinfo.ZoneInfo("UTC")
        local = pd.Timestamp(m.start).to_pydatetime().astimezone(zone)
        who = [names[i] for i in (m.stakeholder_ids or []) if i in names]
        rows.append(
            [
                f"#{m.id}",
                m.title,
                f"{local:%Y-%m-%d %H:%M} {zone.key}",
                int(m.duration_min),
                m.status,
                ", ".join(who),
                _minutes(m),
            ]
        )
    found = pd.DataFrame(rows, columns=COLUMNS)
    found.attrs["kind"] = "meetings"
    return found


def _minutes(m) -> str:
    if not pd.isna(m.confirmed_on):
        on = pd.Timestamp(m.confirmed_on).date()
        return t("meetings.list.confirmed", who=m.confirmed_by, on=on)
    if not pd.isna(m.minutes_sent_on):
        return t("meetings.list.sent", on=pd.Timestamp(m.minutes_sent_on).date())
    return t("meetings.list.none") if m.status == "held" else ""
