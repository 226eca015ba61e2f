"""The kickoff's and the retrospective's one-page summaries (a :class:`.values.Digest` each):
the facts, and lists in the style of the status review's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..frames import day as day_of
from ..i18n import enum_label, language, t
from ._common import cell, lang_code, rows_of
from .rules import LIVE_RISKS
from .status import nps_waves
from .values import Digest, Item, Section

if TYPE_CHECKING:
    from ..models import Project
    from ..store import Store

__all__ = ["kickoff_summary", "retrospective_summary"]


def kickoff_summary(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> Digest:
    """The kickoff on one page: goals, scope confirmation, key stakeholders, milestones (how
    many and the first), initial risks by level, and the communication plan."""
    from ..models import HIGH
    from ..risks.scoring import LEVELS, level_label, score_risks

    code = lang_code(lang)
    found = store.project(project)
    with language(code):
        people = store.frame("stakeholders", found, audience=audience)
        key = [p for p in rows_of(people) if int(p["power"]) >= HIGH]
        milestones = rows_of(store.frame("milestones", found, audience=audience))
        milestones = [m for m in milestones if m["status"] != "cancelled"]
        first = min(milestones, key=lambda m: (day_of(m["current_due"]), m["id"]), default=None)
        risks = store.frame("risks", found, audience=audience)
        scored = score_risks(risks) if len(risks) else risks
        live = [r for r in rows_of(scored) if r["status"] in LIVE_RISKS]
        counts = {lv: sum(r["level"] == lv for r in live) for lv in LEVELS}
        by_level = t("summary.separator").join(
            f"{level_label(lv)} {counts[lv]}" for lv in reversed(LEVELS) if counts[lv]
        )
        if found.scope_confirmed_on:
            scope = t("summary.kickoff.scope_confirmed", on=found.scope_confirmed_on)
        else:
            scope = t("summary.kickoff.scope_not_confirmed")
        facts = (
            (t("summary.kickoff.scope"), scope),
            (
                t("summary.kickoff.stakeholders"),
                t("summary.kickoff.stakeholders_n", n=len(people), key=len(key)),
            ),
            (
                t("summary.kickoff.milestones"),
                t("summary.kickoff.milestones_n", n=len(milestones))
                + (
                    t(
                        "summary.kickoff.first",
                        name=first["name"],
                        due=day_of(first["current_due"]),
                    )
                    if first
                    else ""
                ),
            ),
            (
                t("summary.kickoff.risks"),
                t("summary.kickoff.risks_by_level", n=len(live), levels=by_level)
                if by_level
                else t("summary.kickoff.risks_n", n=len(live)),
            ),
        )
        plan = rows_of(store.frame("communication_plan", found, audience=audience))
        names = {int(p["id"]): p["name"] for p in rows_of(people)}
        plan_items = tuple(
            Item(
                "plan",
                p["what"],
                None,
                t(
                    "summary.kickoff.plan_row",
                    audience=_plan_audience(p, names),
                    channel=enum_label("channel", p["channel"]),
                    days=int(p["cadence_days"]),
                ),
            )
            for p in plan
        )
        goals = tuple(Item("goal", g) for g in found.goals)
        return Digest(
            t("summary.kickoff.title", project=found.name),
            code,
            facts,
            (
                Section("goals", t("summary.kickoff.goals"), goals, t("summary.kickoff.no_goals")),
                Section(
                    "plan", t("summary.kickoff.plan"), plan_items, t("summary.kickoff.no_plan")
                ),
            ),
        )


def _plan_audience(row: dict[str, Any], names: dict[int, str]) -> str:
    sid = cell(row, "stakeholder_id")
    if sid is not None:
        return names.get(int(sid), t("summary.kickoff.someone"))
    return enum_label("quadrant", row["quadrant"])


def retrospective_summary(
    store: Store,
    project: str | int | Project,
    *,
    audience: str = "internal",
    lang: str | None = None,
) -> Digest:
    """The outcome on one page: milestones delivered and not, their slip, issues resolved,
    the final satisfaction and how many lessons were recorded."""
    code = lang_code(lang)
    found = store.project(project)
    with language(code):
        milestones = [
            m
            for m in rows_of(store.frame("milestones", found, audience=audience))
            if m["status"] != "cancelled"
        ]
        delivered = [m for m in milestones if m["status"] == "done"]
        missing = [m for m in milestones if m["status"] != "done"]
        slips = [(day_of(m["current_due"]) - day_of(m["baseline_due"])).days for m in milestones]
        late = [s for s in slips if s > 0]
        issues = rows_of(store.frame("issues", found, audience=audience))
        resolved = [i for i in issues if i.get("status") in ("resolved", "closed")]
        waves = nps_waves(store, found, audience=audience)
        if waves:
            satisfaction = t(
                "summary.retro.nps", nps=round(waves[-1]["nps"]), wave=waves[-1]["wave"]
            )
        else:
            satisfaction = t("summary.satisfaction.none")
        lessons = store.frame("lessons", found, audience=audience)
        facts = (
            (
                t("summary.retro.milestones"),
                t("summary.retro.delivered", done=len(delivered), n=len(milestones)),
            ),
            (
                t("summary.retro.slip"),
                t(
                    "summary.retro.slip_days",
                    late=len(late),
                    most=max(late, default=0),
                    total=sum(late),
                )
                if late
                else t("summary.retro.no_slip"),
            ),
            (
                t("summary.retro.issues"),
                t("summary.retro.issues_n", resolved=len(resolved), n=len(issues)),
            ),
            (t("summary.retro.satisfaction"), satisfaction),
            (t("summary.retro.lessons"), t("summary.retro.lessons_n", n=len(lessons))),
        )
        open_items = tuple(
            Item(
                m["type"],
                m["name"],
                day_of(m["current_due"]),
                enum_label("milestone_status", m["status"]),
            )
            for m in missing
        )
        done_items = tuple(
            Item(m["type"], m["name"], day_of(m["current_due"]), _slip_note(m)) for m in delivered
        )
        return Digest(
            t("summary.retro.title", project=found.name),
            code,
            facts,
            (
                Section(
                    "delivered",
                    t("summary.retro.delivered_list"),
                    done_items,
                    t("summary.retro.none_delivered"),
                ),
                Section(
                    "open", t("summary.retro.open_list"), open_items, t("summary.retro.none_open")
                ),
            ),
        )


def _slip_note(m: dict[str, Any]) -> str:
    days = (day_of(m["current_due"]) - day_of(m["baseline_due"])).days
    return t("summary.retro.late_by", days=days) if days > 0 else t("summary.retro.on_time")
