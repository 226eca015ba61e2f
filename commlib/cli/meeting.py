"""``commlib meeting``: the planner, the agenda, the invitation, the minutes, the list."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import click

from ..i18n import LANGUAGES, enum_label, t
from ._common import _Group, _store, _table


@click.group(cls=_Group, help=t("meetings.cli.help"))
def meeting() -> None:
    pass


# --- meeting list ---


@meeting.command("list", help=t("meetings.list.cli.help"))
@click.option("--project", required=True, help=t("meetings.planner.cli.project"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def meeting_list(ctx: click.Context, project: str, as_json: bool) -> None:
    from ..display import header
    from ..meetings.listing import meeting_list as listing

    store = _store(ctx)
    found = listing(store, project)
    if as_json:
        click.echo(json.dumps(found.to_dict("records"), ensure_ascii=False, indent=2))
        return
    if found.empty:
        click.echo(t("meetings.list.cli.empty", project=store.project(project).name))
        return
    found["status"] = [enum_label("meeting_status", s) for s in found["status"]]
    rows = [[str(v) for v in row] for row in found.itertuples(index=False)]
    click.echo(_table([str(header(c)) for c in found.columns], rows))


# --- meeting slots ---


@meeting.command("slots", help=t("meetings.planner.cli.help"))
@click.option("--project", required=True, help=t("meetings.planner.cli.project"))
@click.option("--attendees", default=None, metavar="A,B", help=t("meetings.planner.cli.attendees"))
@click.option(
    "--duration", type=int, default=60, show_default=True, help=t("meetings.planner.cli.duration")
)
@click.option(
    "--from", "first", type=click.DateTime(["%Y-%m-%d"]), help=t("meetings.planner.cli.from")
)
@click.option(
    "--days", type=int, default=10, show_default=True, help=t("meetings.planner.cli.days")
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help=t("meetings.planner.cli.limit"),
)
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def meeting_slots(
    ctx: click.Context,
    project: str,
    attendees: str | None,
    duration: int,
    first: object,
    days: int,
    limit: int,
    as_json: bool,
) -> None:

    from ..meetings import planner

    names = re.split(r"[,，]", attendees) if attendees else None
    team = planner.team_of(planner.project_attendees(_store(ctx), project, names))
    start = first.date() if first else None  # type: ignore[attr-defined]
    slots = planner.find_slots(team, duration=duration, start=start, days=days)
    payload = planner.slots_payload(
        slots, team, duration=duration, start=start or date.today(), days=days, limit=limit or None
    )
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    shown = slots[: limit or None]
    heading = t(
        "meetings.planner.cli.heading",
        total=len(slots),
        duration=duration,
        first=payload["from"],
        last=payload["to"],
        step=planner.STEP,
        shown=len(shown),
    )
    header = [
        t("meetings.planner.cli.start"),
        t("meetings.planner.cli.comfort"),
        *(t("meetings.planner.cli.attendee", name=p.name, zone=p.zone) for p in team),
    ]
    rows = [
        [
            f"{s.start:%Y-%m-%d %H:%M}",
            f"{s.comfort:.2f}",
            *(planner.local_text(s.local[p.name]) for p in team),
        ]
        for s in shown
    ]
    click.echo(f"{heading}\n{_table(header, rows)}")


# --- meeting agenda, meeting invite ---


@meeting.command("agenda", help=t("meetings.agenda.cli.help"))
@click.option("--project", required=True, help=t("meetings.agenda.cli.project"))
@click.option(
    "--duration",
    type=click.IntRange(5, 720),
    default=60,
    show_default=True,
    help=t("meetings.agenda.cli.duration"),
)
@click.option(
    "--days",
    type=click.IntRange(0, 366),
    default=14,
    show_default=True,
    help=t("meetings.agenda.cli.days"),
)
@click.option(
    "--audience",
    type=click.Choice(["internal", "client"]),
    default="internal",
    show_default=True,
    help=t("meetings.agenda.cli.audience"),
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def meeting_agenda(
    ctx: click.Context,
    project: str,
    duration: int,
    days: int,
    audience: str,
    today: object,
    as_json: bool,
) -> None:
    from ..meetings.agenda import agenda

    day = today.date() if today is not None else None  # type: ignore[attr-defined]
    found = agenda(_store(ctx), project, today=day, days=days, duration=duration, audience=audience)
    if as_json:
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(found.lines()))


@meeting.command("invite", help=t("meetings.invite.cli.help"))
@click.option("--project", required=True, help=t("meetings.invite.cli.project"))
@click.option("--at", default=None, metavar="ISO-DATETIME", help=t("meetings.invite.cli.at"))
@click.option("--tz", default=None, metavar="ZONE", help=t("meetings.invite.cli.tz"))
@click.option(
    "--duration", type=click.IntRange(5, 720), default=None, help=t("meetings.invite.cli.duration")
)
@click.option("--attendees", default=None, metavar="A,B", help=t("meetings.invite.cli.attendees"))
@click.option("--title", default=None, help=t("meetings.invite.cli.title"))
@click.option(
    "--meeting", "meeting_id", type=int, default=None, metavar="ID",
    help=t("meetings.invite.cli.meeting"),
)  # fmt: skip
@click.option("--organizer", default=None, metavar="EMAIL", help=t("meetings.invite.cli.organizer"))
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), required=True, help=t("meetings.invite.cli.out")
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@click.pass_context
def meeting_invite(
    ctx: click.Context,
    project: str,
    at: str | None,
    tz: str | None,
    duration: int | None,
    attendees: str | None,
    title: str | None,
    meeting_id: int | None,
    organizer: str | None,
    out: str,
    today: object,
) -> None:
    from zoneinfo import ZoneInfo

    from ..meetings.invite import write_invitation

    names = None
    if attendees is not None:
        names = [n.strip() for n in attendees.replace("，", ",").split(",") if n.strip()]
    made, missing = write_invitation(
        _store(ctx),
        project,
        out,
        at,
        duration=duration,
        attendees=names,
        title=title,
        meeting=meeting_id,
        tz=tz,
        organizer=organizer,
        today=today.date() if today is not None else None,  # type: ignore[attr-defined]
    )
    local = made.start.astimezone(ZoneInfo(made.timezone or "UTC"))
    click.echo(
        t(
            "meetings.invite.cli.written",
            path=out,
            title=made.title,
            start=local.strftime("%Y-%m-%d %H:%M"),
            zone=made.timezone,
            utc=made.start.strftime("%H:%M"),
            minutes=made.duration_min,
            count=len(made.stakeholder_ids),
            id=made.id,
            sequence=made.sequence,
        )
    )
    if missing:
        click.echo(t("meetings.invite.cli.left_out", names=", ".join(missing)))


# --- meeting minutes ---


@meeting.command("minutes", help=t("meetings.minutes.cli.minutes"))
@click.option("--project", required=True, help=t("report.cli.project"))
@click.option("--meeting", "meeting_id", type=int, required=True, help=t("meetings.minutes.cli.id"))
@click.option(
    "--lang", "mail_lang", type=click.Choice(LANGUAGES), help=t("meetings.minutes.cli.lang")
)
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), default=None, help=t("meetings.minutes.cli.out")
)
@click.pass_context
def meeting_minutes(
    ctx: click.Context, project: str, meeting_id: int, mail_lang: str | None, out: str | None
) -> None:
    from ..meetings.minutes import write_minutes_email

    store = _store(ctx)
    target = Path(out or f"minutes-{meeting_id}.eml")
    path = write_minutes_email(store, meeting_id, target, lang=mail_lang, project=project)
    from email import message_from_bytes, policy

    to = message_from_bytes(path.read_bytes(), policy=policy.default)["To"]
    sent = store.get("meetings", meeting_id).minutes_sent_on  # type: ignore[attr-defined]
    click.echo(t("meetings.minutes.cli.written", path=path, to=to or "—", on=sent or "—"))


@meeting.command("confirm", help=t("meetings.minutes.cli.confirm"))
@click.option("--project", required=True, help=t("report.cli.project"))
@click.option("--meeting", "meeting_id", type=int, required=True, help=t("meetings.minutes.cli.id"))
@click.option("--by", required=True, metavar="NAME", help=t("meetings.minutes.cli.by"))
@click.option(
    "--on", type=click.DateTime(["%Y-%m-%d"]), default=None, help=t("meetings.minutes.cli.on")
)
@click.option(
    "--channel", default="email", show_default=True, help=t("meetings.minutes.cli.channel")
)
@click.pass_context
def meeting_confirm(
    ctx: click.Context, project: str, meeting_id: int, by: str, on: object, channel: str
) -> None:
    from ..meetings.minutes import confirm_minutes

    store = _store(ctx)
    day = on.date() if on is not None else date.today()  # type: ignore[attr-defined]
    meeting = confirm_minutes(store, meeting_id, by=by, on=day, channel=channel, project=project)
    click.echo(
        t(
            "meetings.minutes.cli.confirmed",
            title=meeting.title,
            id=meeting.id,
            by=meeting.confirmed_by,
            on=meeting.confirmed_on,
            channel=t(f"enum.channel.{meeting.confirmed_channel}"),
        )
    )
