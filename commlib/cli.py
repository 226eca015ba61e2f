"""``commlib`` on the command line: a thin layer over the Python API.

Errors a user can cause are printed as one line on stderr, with a non-zero exit code
and no traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import progress
from .errors import CommlibError
from .i18n import LANGUAGES, enum_label, label, language, t

if TYPE_CHECKING:
    from .store import Store


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CommlibError as err:
            click.echo(f"{t('word.error')}: {err}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo(t("cli.interrupted"), err=True)
            ctx.exit(130)


@click.group(cls=_Group, help=t("cli.help.main"))
@click.option("--db", envvar="COMMLIB_DB", default=None, metavar="PATH|URL", help=t("cli.help.db"))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=t("cli.help.lang"))
@click.version_option(package_name="commlib")
@click.pass_context
def cli(ctx: click.Context, db: str | None, lang: str | None) -> None:
    ctx.with_resource(language(lang))
    ctx.obj = {"db": db}


def _store(ctx: click.Context) -> Store:
    from .store import Store  # here: ``commlib report`` starts its kernels before pandas loads

    store = Store(ctx.obj["db"])
    ctx.call_on_close(store.close)
    return store


def _where(store: Store) -> str:
    return t("cli.store_at", path=store.where, version=store.schema_version)


@cli.command(help=t("cli.help.init"))
@click.pass_context
def init(ctx: click.Context) -> None:
    store = _store(ctx)
    if store.upgraded_from is not None:
        click.echo(t("cli.upgraded", old=store.upgraded_from, new=store.schema_version))
    click.echo(_where(store))


@cli.command(help=t("cli.help.demo"))
@click.option("--lang", "demo_lang", type=click.Choice(LANGUAGES), help=t("cli.help.demo_lang"))
@click.option("--seed", type=int, default=7, show_default=True, help=t("cli.help.seed"))
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, hidden=True)
@click.option("--replace", is_flag=True, help=t("cli.help.replace"))
@click.option(
    "--reports",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help=t("cli.help.demo_reports"),
)
@click.option("--progress/--no-progress", default=None, help=t("cli.help.progress"))
@click.pass_context
def demo(
    ctx: click.Context,
    demo_lang: str | None,
    seed: int,
    today: object,
    replace: bool,
    reports: str | None,
    progress: bool | None,
) -> None:
    from .demo import build_demo

    store = _store(ctx)
    day = today.date() if today is not None else date.today()  # type: ignore[attr-defined]
    projects = build_demo(store, lang=demo_lang, seed=seed, today=day, replace=replace)
    counts = store.counts()
    for project in projects:
        parts = ", ".join(f"{label(k)} {n}" for k, n in counts[project.name].items())
        click.echo(t("cli.demo_built", name=project.name, client=project.client, counts=parts))
    click.echo(_where(store))
    if reports and not _demo_reports(store, projects, reports, progress):
        ctx.exit(1)


#: the report the demo also writes as a PDF and as an e-mail draft, for its Chinese client
DEMO_FORMATS = ("status_review", "zh", ("pdf", "eml"))


def _demo_reports(store: Store, projects: list, folder: str, progress: bool | None = None) -> bool:
    """What the clients of the demo projects would receive: every report, in zh and en, and
    the Chinese client's status review as a PDF and an e-mail draft too. False when one failed."""
    from .report import export_many, reportable

    name, lang_of_formats, file_formats = DEMO_FORMATS
    todo = []
    for project in projects:
        for lang in LANGUAGES:
            where = Path(folder) / project.name / f"{lang}-client"
            names = [(p.stem, "html") for p in reportable(audience="client")]
            if lang == lang_of_formats and project.language == lang:
                names += [(name, file_format) for file_format in file_formats]
            todo += [
                {"name": stem, "project": project.name, "audience": "client", "lang": lang,
                 "out": where / f"{stem}.{file_format}", "format": file_format}
                for stem, file_format in names
            ]  # fmt: skip
    return _export(
        len(todo),
        lambda **callbacks: export_many(store, todo, **callbacks),
        progress,
        lambda written, _left_out: [click.echo(path) for path in written],
    )


def _export(
    total: int,
    run: Callable[..., list[Path]],
    shown: bool | None,
    show: Callable[[list[Path], list[str]], object],
) -> bool:
    """``run(progress=, skipped=, failed=)`` (``export_many`` or ``export_all``) for ``total``
    reports, with a progress bar on stderr (when it is a terminal, or as ``shown`` says), then
    ``show(written, left_out)`` (a line for each report left out), then a line on stderr for
    each failure. False when one failed."""
    left_out: list[str] = []
    failed: list[str] = []
    done: list[Path] = []
    with progress.bar(t("report.cli.progress"), show=shown) as advance:
        written = run(
            progress=lambda path: (done.append(path), advance(len(done), total)),
            skipped=lambda path, err: left_out.append(
                t("report.cli.skipped", name=path.stem, reason=err)
            ),
            failed=lambda path, err: failed.append(
                t("report.cli.failed", name=path.stem, reason=err)
            ),
        )
    show(written, left_out)
    for line in failed:
        click.echo(f"{t('word.error')}: {line}", err=True)
    return not failed


@cli.command(help=t("cli.help.status"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    store = _store(ctx)
    counts = store.counts()
    if as_json:
        payload = {
            "store": store.where,
            "projects": [{"name": name, "counts": kinds} for name, kinds in counts.items()],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(_where(store))
    if not counts:
        click.echo(t("cli.no_projects"))
        return
    kinds = list(next(iter(counts.values())))
    names = list(counts)
    rows = [[label(k), *(str(counts[n][k]) for n in names)] for k in kinds]
    header = [t("cli.project"), *names]
    click.echo(_table(header, rows))


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A plain text table whose columns line up with Chinese (double-width) text too."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    sizes = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, size) in enumerate(zip(cells, sizes, strict=True)):
            pad = " " * (size - width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(out).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])


@cli.command("export-csv", help=t("cli.help.export_csv"))
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--project", default=None)
@click.pass_context
def export_csv(ctx: click.Context, folder: str, project: str | None) -> None:
    from . import csvio

    written = csvio.export_csv(_store(ctx), folder, project)
    click.echo(t("cli.exported", files=len(written), rows=sum(written.values()), dir=folder))


@cli.command("import-csv", help=t("cli.help.import_csv"))
@click.argument("folder", type=click.Path())
@click.pass_context
def import_csv(ctx: click.Context, folder: str) -> None:
    store = _store(ctx)
    from . import csvio

    read = csvio.import_csv(store, folder)
    click.echo(t("cli.imported", rows=sum(read.values()), dir=folder, path=store.where))


@cli.command("import", help=t("importers.cli.help"))
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--project", help=t("importers.cli.project"))
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help=t("importers.cli.since"))
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help=t("importers.cli.until"))
@click.option("--survey", default=None, metavar="NAME", help=t("surveys.import.cli.survey"))
@click.option("--wave", default=None, metavar="WAVE", help=t("surveys.import.cli.wave"))
@click.option("--dry-run", is_flag=True, help=t("importers.cli.dry_run"))
@click.option("--platform", default=None, metavar="NAME", help=t("importers.cli.platform"))
@click.option("--header-rows", type=int, metavar="N", help=t("importers.cli.header_rows"))
@click.option("--date-order", metavar="mdy|dmy|ymd", help=t("importers.cli.date_order"))
@click.option("--encoding", default=None, metavar="NAME", help=t("importers.cli.encoding"))
@click.option("--formats", "list_formats", is_flag=True, help=t("importers.cli.formats"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.option("--progress/--no-progress", "shown", default=None, help=t("cli.help.progress"))
@click.pass_context
def import_(
    ctx: click.Context,
    paths: tuple[str, ...],
    project: str | None,
    since: object,
    until: object,
    survey: str | None,
    wave: str | None,
    dry_run: bool,
    platform: str | None,
    header_rows: int | None,
    date_order: str | None,
    encoding: str | None,
    list_formats: bool,
    as_json: bool,
    shown: bool | None,
) -> None:
    from .importers import formats, import_files, render, summary

    if list_formats:
        known = formats()
        if as_json:
            click.echo(json.dumps(known, ensure_ascii=False, indent=2))
        else:
            click.echo("\n".join(f"{f['name']:<14} {f['label']}: {f['layout']}" for f in known))
        return
    if not paths:
        raise click.UsageError(t("importers.cli.no_paths"))
    if not project:
        raise click.UsageError(t("importers.cli.no_project"))
    store = _store(ctx)
    with progress.bar(t("importers.progress"), unit="B", scale=True, show=shown) as advance:
        reports = import_files(
            store,
            paths,
            project,
            since=since.date() if since else None,  # type: ignore[attr-defined]
            until=until.date() if until else None,  # type: ignore[attr-defined]
            survey=survey,
            wave=wave,
            dry_run=dry_run,
            platform=platform,
            header_rows=header_rows,
            date_order=date_order,
            encoding=encoding,
            progress=advance,
        )
    if as_json:
        click.echo(json.dumps(summary(reports), ensure_ascii=False, indent=2))
    else:
        click.echo(render(reports))
    ctx.exit(0 if all(r.ok for r in reports) else 1)


@cli.command(help=t("report.cli.help"))
@click.argument("name", required=False)
@click.option("--all", "every", is_flag=True, help=t("report.cli.all"))
@click.option("--project", default=None, help=t("report.cli.project"))
@click.option("--client", default=None, help=t("portfolio.cli.client"))
@click.option(
    "--audience",
    type=click.Choice(["internal", "client"]),
    default="internal",
    show_default=True,
    help=t("report.cli.audience"),
)
@click.option("--lang", "report_lang", type=click.Choice(LANGUAGES), help=t("report.cli.lang"))
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help=t("report.cli.since"))
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help=t("report.cli.until"))
@click.option("-o", "--out", type=click.Path(), default=None, help=t("report.cli.out"))
@click.option(
    "--format",
    "file_format",
    default="html",
    show_default=True,
    metavar="html|pdf|eml",
    help=t("formats.cli.format"),
)
@click.option("--progress/--no-progress", default=None, help=t("cli.help.progress"))
@click.pass_context
def report(
    ctx: click.Context,
    name: str | None,
    every: bool,
    project: str | None,
    client: str | None,
    audience: str,
    report_lang: str | None,
    since: object,
    until: object,
    out: str | None,
    file_format: str,
    progress: bool | None,
) -> None:
    from . import formats
    from . import report as reports

    formats.check(file_format)
    if every == (name is not None):
        raise click.UsageError(t("report.error.name_or_all"))
    options = {
        "audience": audience,
        "lang": report_lang,
        "since": since.date() if since else None,  # type: ignore[attr-defined]
        "until": until.date() if until else None,  # type: ignore[attr-defined]
        "format": file_format,
    }
    if not every:
        path = reports.export_report(
            ctx.obj["db"], name, project, client=client, out=out, **options
        )
        click.echo(t("report.cli.written", path=path))
        return
    if project is None or client is not None:
        raise click.UsageError(t("portfolio.report.all_needs_project"))
    if out is None:
        raise click.UsageError(t("report.error.all_needs_dir"))
    ok = _export(
        len(reports.reportable(audience=audience)),
        lambda **callbacks: reports.export_all(ctx.obj["db"], project, out, **options, **callbacks),
        progress,
        lambda written, left_out: click.echo(
            "\n".join([*left_out, t("report.cli.written_all", count=len(written), dir=out)])
        ),
    )
    ctx.exit(0 if ok else 1)


@cli.group(cls=_Group, help=t("meetings.cli.help"))
def meeting() -> None:
    pass


# --- meeting list ---


@meeting.command("list", help=t("meetings.list.cli.help"))
@click.option("--project", required=True, help=t("meetings.planner.cli.project"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def meeting_list(ctx: click.Context, project: str, as_json: bool) -> None:
    from .display import header
    from .meetings.listing import meeting_list as listing

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
    import re

    from .meetings import planner

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
    from .meetings.agenda import agenda

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

    from .meetings.invite import write_invitation

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
    from .meetings.minutes import write_minutes_email

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
    from .meetings.minutes import confirm_minutes

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


# --- access (issue 17) ---


@cli.group(cls=_Group, help=t("access.cli.help"))
def access() -> None:
    pass


@access.command("grant", help=t("access.cli.grant"))
@click.argument("role")
@click.argument("project")
@click.option("--role", "level", type=click.Choice(("viewer", "editor", "owner")),
              default="viewer", show_default=True, help=t("access.cli.level"))  # fmt: skip
@click.pass_context
def access_grant(ctx: click.Context, role: str, project: str, level: str) -> None:
    from .access import grant

    grant(_store(ctx), role, project, level)
    click.echo(t("access.cli.granted", role=role, project=project, level=level))


@access.command("revoke", help=t("access.cli.revoke"))
@click.argument("role")
@click.argument("project")
@click.pass_context
def access_revoke(ctx: click.Context, role: str, project: str) -> None:
    from .access import revoke

    revoke(_store(ctx), role, project)
    click.echo(t("access.cli.revoked", role=role, project=project))


@access.command("list", help=t("access.cli.list"))
@click.option("--project", default=None, help=t("access.cli.project"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def access_list(ctx: click.Context, project: str | None, as_json: bool) -> None:
    from .access import as_table, grants

    found = grants(_store(ctx), project)
    if as_json:
        click.echo(found.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    else:
        click.echo(_table(*as_table(found)) if len(found) else t("access.cli.none"))


def main() -> None:
    cli(prog_name="commlib")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
