"""Importing files: which importer takes each file (by its content), one transaction per file,
a dry run that writes nothing, and the line that says why a file was refused."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import BadFile, CommlibError
from ..i18n import language, t
from ..models import Project
from ..progress import Progress
from ..store import Store
from ..text import NOT_TEXT, decode_head, detect_encoding
from . import registry
from ._contacts import LINE_BREAKS, one_line
from ._report import ImportReport
from .registry import HEAD_BYTES, Importer

# --- finding the importer ------------------------------------------------------------------


def detect(path: Path, head: bytes, **options: Any) -> Importer:
    """The importer for a file, or ``BadFile`` saying why not and which kinds are known.

    ``platform=NAME`` takes that importer whatever the file looks like; the other options
    are hints for the importers that take them (``Importer.hinted``).
    """
    known = registry.importers()
    platform = options.get("platform")
    if platform:
        chosen = next((i for i in known if i.name == platform), None)
        if chosen is None:
            names = ", ".join(i.name for i in known)
            raise BadFile(t("importers.refused.unknown_platform", name=platform, names=names))
        return chosen
    for importer in known:
        if importer.sniff(path, head, **options) if importer.hinted else importer.sniff(path, head):
            return importer
    for explain in registry.explainers():
        reason = explain(path, head)
        if reason:
            raise BadFile(reason)
    raise BadFile(t("importers.refused.unknown_layout", looks=looks_like(head)))


def looks_like(head: bytes) -> str:
    """What a file's beginning looks like, in a few words: a table of some columns, a text
    starting so, a workbook, binary data (for a refusal that says what it saw)."""
    import csv
    import io

    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return t("importers.looks.workbook")
    encoding = detect_encoding(head)
    text = decode_head(head[:4096], encoding) if encoding is not None else None
    if text is None:
        return t("importers.looks.binary")
    first = text.lstrip("\ufeff\r\n").split("\n", 1)[0].rstrip("\r")
    delimiter = max(",\t;", key=first.count)
    if first.count(delimiter) >= 1:
        cells = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
        shown = ", ".join(one_line(c, 30) or "“”" for c in cells[:4])
        shown += ", …" if len(cells) > 4 else ""
        return t("importers.looks.table", n=len(cells), columns=shown)
    return t("importers.looks.text", start=one_line(first, 40))


def expected() -> str:
    """The kinds of file commlib imports, described in the current language."""
    return "; ".join(i.describe() for i in registry.importers())


def formats() -> list[dict[str, str]]:
    """Every kind of file commlib imports, once each: ``name`` (for ``--platform``),
    ``label`` and ``layout`` (how it is recognised), in the order they are tried."""
    known = registry.importers()
    return [{"name": i.name, "label": i.label(), "layout": i.describe()} for i in known]


# --- importing ----------------------------------------------------------------------------


def import_files(
    store: Store,
    paths: str | Path | Iterable[str | Path],
    project: str | int | Project,
    *,
    since: date | None = None,
    until: date | None = None,
    lang: str | None = None,
    survey: str | None = None,
    wave: str | None = None,
    dry_run: bool = False,
    platform: str | None = None,
    header_rows: int | None = None,
    date_order: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
) -> list[ImportReport]:
    """Import files and folders into a project's contact log or surveys; one report per file.

    ``since``/``until`` bound the expansion of recurring calendar events (default: the
    project's start to its end, or today + 90 days). ``survey``/``wave`` name the survey
    a survey export goes into (default: a name from the file, no wave). ``lang`` is the
    language of the messages in the reports (default: the current one). An unknown project
    raises ``NotFound``; a file that cannot be imported is refused in its report instead.

    ``dry_run``: read and check everything, report it (a survey export's report also says
    how it was understood: ``details["understood"]``), and write nothing. What a file cannot
    tell: ``platform`` (an importer's name, see ``commlib import --formats``),
    ``header_rows``, ``date_order`` (``mdy``, ``dmy`` or ``ymd``) and ``encoding``; the
    next wave of the same survey is read the same way without them.

    ``progress(done, total)`` is called as the work goes, in bytes of the files (within a
    mailbox or a survey export too).
    """
    if date_order is not None and date_order not in DATE_ORDERS:
        orders = ", ".join(DATE_ORDERS)
        raise BadFile(t("importers.refused.date_order", value=date_order, orders=orders))
    if header_rows is not None and not 1 <= header_rows <= 5:
        raise BadFile(t("importers.refused.header_rows", value=header_rows))
    if encoding is not None:
        _check_encoding(encoding)
    options = {
        "since": since,
        "until": until,
        "survey": survey,
        "wave": wave,
        "platform": platform,
        "header_rows": header_rows,
        "date_order": date_order,
        "encoding": encoding,
    }
    with language(lang):
        target = store.project(project)
        found = files(paths)
        if progress is None:
            return [import_file(store, path, target, dry_run=dry_run, **options) for path in found]
        sizes = [_size(path) for path in found]
        total, done = float(sum(sizes)), 0.0
        reports = []
        for path, size in zip(found, sizes, strict=True):

            def within(fraction: float, before: float = done, size: int = size) -> None:
                progress(before + max(0.0, min(fraction, 1.0)) * size, total)

            within(0.0)
            reports.append(
                import_file(store, path, target, dry_run=dry_run, progress=within, **options)
            )
            done += size
            progress(done, total)
        return reports


def _size(path: Path) -> int:
    try:
        return max(path.stat().st_size, 1)
    except OSError:
        return 1


#: the orders a date such as 3/4/24 may be written in (``--date-order``)
DATE_ORDERS = ("mdy", "dmy", "ymd")


def _check_encoding(name: str) -> None:
    import codecs

    try:
        codecs.lookup(name)
    except LookupError:
        raise BadFile(t("importers.refused.encoding_name", name=name)) from None


def files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """The files to import: each path, or every file inside a folder (sorted, no hidden)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = (p for p in path.rglob("*") if p.is_file())
            found += sorted(p for p in inside if not _hidden(p.relative_to(path)))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def import_file(
    store: Store, path: Path, project: Project, *, dry_run: bool = False, **options: Any
) -> ImportReport:
    """Import one file; whatever goes wrong is reported as the file's refusal.

    ``dry_run``: the import runs in a transaction that is rolled back, so its report is
    exactly what importing would do, and nothing is written."""
    kind = ""
    try:
        for defaults in registry.defaults():
            options = defaults(store, project, path, options)
        importer = detect(path, _head(path), **options)
        kind = importer.name
        if not dry_run:
            return importer.run(store, project, path, **options)
        try:
            with store.transaction():
                raise _RolledBack(importer.run(store, project, path, **options))
        except _RolledBack as done:
            done.report.dry_run = True
            return done.report
    except CommlibError as err:
        return ImportReport(str(path), kind, refused=_reason(err), dry_run=dry_run)
    except Exception as err:  # one broken file must not stop the others; say what happened
        reason = t("importers.refused.unexpected", error=f"{type(err).__name__}: {err}")
        return ImportReport(str(path), kind, refused=_reason(reason), dry_run=dry_run)


class _RolledBack(Exception):  # not an error: how a dry run undoes its writes
    def __init__(self, report: ImportReport) -> None:
        super().__init__()
        self.report = report


def _reason(err: Exception | str) -> str:
    """Why a file was refused, on one line (a library's message may hold line breaks)."""
    return LINE_BREAKS.sub(" ", NOT_TEXT.sub(" ", str(err))).strip()


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError as err:
        raise BadFile(t("importers.refused.not_found")) from err
    except OSError as err:
        raise BadFile(t("importers.refused.unreadable", reason=err.strerror or err)) from err
    if not _without_bom(head).strip(b" \t\r\n\x00"):
        raise BadFile(t("importers.refused.empty"))
    return head


def _without_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return head[len(bom) :]
    return head
