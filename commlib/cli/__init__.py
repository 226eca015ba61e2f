"""``commlib`` on the command line: a thin layer over the Python API.

Errors a user can cause are printed as one line on stderr, with a non-zero exit code
and no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import progress
from ..i18n import LANGUAGES, label, language, t
from ._common import _Group, _store, _table, _where
from .access import access
from .meeting import meeting

if TYPE_CHECKING:
    from ..store import Store


@click.group(cls=_Group, help=t("cli.help.main"))
@click.option("--db", envvar="COMMLIB_DB", default=None, metavar="PATH|URL", help=t("cli.help.db"))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=t("cli.help.lang"))
@click.version_option(package_name="commlib")
@click.pass_context
def cli(ctx: click.Context, db: str | None, lang: str | None) -> None:
    ctx.with_resource(language(lang))
    ctx.obj = {"db": db}


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
    from ..demo import build_demo

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
    from ..report import export_many, reportable

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


@cli.command("export-csv", help=t("cli.help.export_csv"))
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--project", default=None)
@click.pass_context
def export_csv(ctx: click.Context, folder: str, project: str | None) -> None:
    from .. import csvio

    written = csvio.export_csv(_store(ctx), folder, project)
    click.echo(t("cli.exported", files=len(written), rows=sum(written.values()), dir=folder))


@cli.command("import-csv", help=t("cli.help.import_csv"))
@click.argument("folder", type=click.Path())
@click.pass_context
def import_csv(ctx: click.Context, folder: str) -> None:
    store = _store(ctx)
    from .. import csvio

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
    from ..importers import formats, import_files, render, summary

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
    from .. import formats
    from .. import report as reports

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


cli.add_command(meeting)
cli.add_command(access)


def main() -> None:
    cli(prog_name="commlib")
