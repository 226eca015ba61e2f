"""Import files into the contact log: e-mails, mailboxes, calendars, contact-log CSV files.

    >>> from commlib.importers import import_files
    >>> reports = import_files(store, ["inbox.mbox", "meetings.ics"], project="ERP")

The kind of each file is found from its content (the first importer of ``registry`` whose
``sniff`` says yes), so a wrong extension does not matter. A folder stands for every file
inside it (recursively, sorted; hidden files such as ``.DS_Store`` are left out).

Each file is written in one transaction: a refused file leaves nothing behind, and the
other files still import. Re-importing adds nothing: every contact carries a ``source``
and a stable ``source_id``, and those already stored are counted as duplicates.
Imported contacts are ``internal``; the user decides what to share.

Later importers join with ``register(Importer(name, sniff, run, label, describe))``.
The importers themselves (``mail``, ``calendar``, ``contact_csv``, ``surveys.formats``) use
what this module defines, and are loaded by ``registry`` when first needed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BadFile, CommlibError
from ..i18n import language, t
from ..models import Contact, Project, Stakeholder
from ..progress import Progress
from ..store import Store
from ..text import NOT_TEXT, decode_head, detect_encoding
from . import registry
from .registry import HEAD_BYTES, Importer, register

#: at most this many skipped items and warnings are printed per file (JSON has them all)
SHOWN = 20

# --- reports ------------------------------------------------------------------------------


@dataclass
class Skipped:
    """One message or event that was not imported, and why."""

    item: str
    reason: str


@dataclass
class ImportReport:
    """What happened to one file.

    ``unrelated``: messages or events with no stakeholder of the project and no one
    outside the team. ``outside_window``: calendar series with no occurrence between
    ``--since`` and ``--until``. ``unknown_addresses``: people who wrote or were written
    to who are neither stakeholders nor team, for the user to review (they are not
    turned into stakeholders). ``refused``: why nothing of the file was imported.
    ``details``: what a kind of file adds to its report (a survey export: the survey's
    name, wave and questions).
    """

    file: str
    kind: str = ""
    added: int = 0
    duplicates: int = 0
    unrelated: int = 0
    outside_window: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    unknown_addresses: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.refused is None

    def skip(self, item: str, reason: str) -> None:
        self.skipped.append(Skipped(item, reason))

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def unknown(self, addresses: Iterable[str]) -> None:
        self.unknown_addresses = sorted(set(self.unknown_addresses) | set(addresses))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


@dataclass
class ImportTotal:
    """The sum over all files of one import."""

    files: int = 0
    added: int = 0
    duplicates: int = 0
    unrelated: int = 0
    outside_window: int = 0
    skipped: int = 0
    unknown_addresses: int = 0
    refused: int = 0


def total(reports: Sequence[ImportReport]) -> ImportTotal:
    unknown = {a for r in reports for a in r.unknown_addresses}
    return ImportTotal(
        files=len(reports),
        added=sum(r.added for r in reports),
        duplicates=sum(r.duplicates for r in reports),
        unrelated=sum(r.unrelated for r in reports),
        outside_window=sum(r.outside_window for r in reports),
        skipped=sum(len(r.skipped) for r in reports),
        unknown_addresses=len(unknown),
        refused=sum(not r.ok for r in reports),
    )


def summary(reports: Sequence[ImportReport]) -> dict[str, Any]:
    """Every report and the total, as plain data (what ``commlib import --json`` prints)."""
    return {"files": [r.to_dict() for r in reports], "total": asdict(total(reports))}


def render(reports: Sequence[ImportReport]) -> str:
    """A readable summary in the current language, a few lines per file and a total."""
    lines = [line for report in reports for line in _render_one(report)]
    s = total(reports)
    lines.append(
        t(
            "importers.report.total",
            files=s.files,
            added=s.added,
            duplicates=s.duplicates,
            unrelated=s.unrelated,
            skipped=s.skipped,
            refused=s.refused,
        )
    )
    if any(r.dry_run for r in reports):
        lines.append(t("importers.report.dry_run"))
    return "\n".join(lines)


def _render_one(report: ImportReport) -> list[str]:
    kind = _label(report.kind)
    if not report.ok:
        return [t("importers.report.refused", file=report.file, kind=kind, reason=report.refused)]
    lines = [
        t(
            "importers.report.file_dry" if report.dry_run else "importers.report.file",
            file=report.file,
            kind=kind,
            added=report.added,
            duplicates=report.duplicates,
            unrelated=report.unrelated,
            skipped=len(report.skipped),
        )
    ]
    if report.outside_window:
        lines.append("  " + t("importers.report.outside_window", n=report.outside_window))
    if "survey" in report.details:
        details = report.details
        wave = details.get("wave") or "-"
        questions = details.get("questions", 0)
        lines.append(
            "  "
            + t("surveys.import.report", survey=details["survey"], wave=wave, questions=questions)
        )
    if report.dry_run and "understood" in report.details:
        from ..surveys.formats.understood import lines as understood_lines

        lines += ["  " + line for line in understood_lines(report.details["understood"])]
    for item in report.skipped[:SHOWN]:
        lines.append("  " + t("importers.report.skipped", item=item.item, reason=item.reason))
    guessed = (
        set(report.details.get("understood", {}).get("guesses", [])) if report.dry_run else set()
    )
    shown = [w for w in report.warnings if w not in guessed]  # a preview lists them as guesses
    lines += ["  " + t("importers.report.warning", text=w) for w in shown[:SHOWN]]
    hidden = max(0, len(report.skipped) - SHOWN) + max(0, len(report.warnings) - SHOWN)
    if hidden:
        lines.append("  " + t("importers.report.more", n=hidden))
    if report.unknown_addresses:
        addresses = ", ".join(report.unknown_addresses)
        lines.append("  " + t("importers.report.unknown", addresses=addresses))
    return lines


def _label(kind: str) -> str:
    found = next((i for i in registry.importers() if i.name == kind), None)
    return found.label() if found else t("importers.kind.unknown")


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
    return _BREAKS.sub(" ", NOT_TEXT.sub(" ", str(err))).strip()


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


# --- what importers share -----------------------------------------------------------------


#: what counts as an e-mail address in a message or an invitation
ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"\\\ufffd]+@[\w-]+(\.[\w-]+)+")


@dataclass
class Parties:
    """The people of one message or meeting, sorted into stakeholders, team and unknown."""

    stakeholder_ids: list[int]
    team: list[str]
    unknown: list[str]

    @property
    def related(self) -> bool:
        """A stakeholder takes part, or the team talks with someone from outside."""
        return bool(self.stakeholder_ids) or (bool(self.team) and bool(self.unknown))


class People:
    """Who is who in one project: stakeholders by e-mail (any case), the team's addresses.

    ``Project.team`` holds addresses (``lead@nimbus.com``) and domains (``nimbus.com`` or
    ``@nimbus.com``); a domain also covers its subdomains (``cn.nimbus.com``).
    """

    def __init__(self, store: Store, project: Project) -> None:
        self.stakeholders: list[Stakeholder] = store.records("stakeholders", project)  # type: ignore[assignment]
        self._by_email: dict[str, int] = {}
        for person in self.stakeholders:
            if person.email and person.id is not None:
                self._by_email.setdefault(person.email.lower(), person.id)
        team = [a.strip().lower() for a in project.team]
        self._addresses = {a for a in team if "@" in a.lstrip("@")}
        self._domains = {a.lstrip("@") for a in team if "@" not in a.lstrip("@")}

    def stakeholder(self, address: str) -> int | None:
        return self._by_email.get(address.lower())

    def is_team(self, address: str) -> bool:
        address = address.lower()
        if address in self._addresses:
            return True
        domain = address.rpartition("@")[2]
        return any(domain == d or domain.endswith("." + d) for d in self._domains)

    def sort(self, addresses: Iterable[str]) -> Parties:
        ids: list[int] = []
        team: list[str] = []
        unknown: list[str] = []
        for address in dict.fromkeys(a.strip().lower() for a in addresses if a):
            if not ADDRESS.fullmatch(address):
                continue
            found = self.stakeholder(address)
            if found is not None:
                ids += [found] if found not in ids else []
            if self.is_team(address):
                team.append(address)
            elif found is None:
                unknown.append(address)
        return Parties(ids, team, unknown)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The time zone most of the project's stakeholders are in (UTC when none is set)."""
        zones = Counter(p.timezone for p in self.stakeholders if p.timezone)
        if not zones:
            return ZoneInfo("UTC")
        return ZoneInfo(min(zones, key=lambda z: (-zones[z], z)))


def save(store: Store, project: Project, report: ImportReport, contacts: list[Contact]) -> None:
    """Write the contacts not stored yet, in one transaction; count the others as duplicates."""
    with store.transaction():
        stored = store.source_keys("contacts", project)
        fresh = []
        for contact in contacts:
            key = (contact.source, contact.source_id)
            if key in stored:
                report.duplicates += 1
                continue
            stored.add(key)
            fresh.append(contact)
        store.add_all(fresh)
    report.added += len(fresh)


_BREAKS = re.compile(r"\s*[\r\n\x85\u2028\u2029]+\s*")
_HISTORY = [
    # Gmail, Apple Mail, Thunderbird: "On Thu, 5 Mar 2026, Zhang Wei <...> wrote:" (maybe wrapped)
    r"^[^\S\n]*On\b[^\n]{0,300}?(?:\n[^\n]{0,300}?)?\bwrote:[^\S\n]*$",
    r"^[^\S\n]*在[^\n]{0,300}?写道[:：]?[^\S\n]*$",
    # Outlook, Foxmail, QQ Mail
    r"^[^\S\n]*-{2,}[^\S\n]*(?:Original Message|原始邮件|Reply Message)[^\S\n]*-{2,}",
    r"^[^\S\n]*[*]?(?:From|发件人)[*]?[^\S\n]*[:：][^\n]*\n[^\S\n]*[*]?(?:Sent|发送时间)[*]?[^\S\n]*[:：]",
    r"^[^\S\n]*_{10,}[^\S\n]*$",
    # the signature separator
    r"^-- $",
]
_HISTORY_START = re.compile("|".join(f"(?:{p})" for p in _HISTORY), re.M | re.I)


def one_line(text: str, limit: int = 200) -> str:
    """Text fit for a one-line field: no control characters or breaks, at most ``limit``."""
    return _cut(" ".join(NOT_TEXT.sub(" ", text).split()), limit)


def summarise(text: str, limit: int = 500) -> str:
    """The gist of a message: quoted replies and history removed, whitespace collapsed, cut.

    Lines starting with ``>`` go, and so does everything from the first "On ... wrote:",
    "在 ... 写道：", "-----Original Message-----", "-----原始邮件-----", Outlook's
    "From:/Sent:" block, a line of underscores (also the join block of Teams invitations)
    or the signature separator ``-- ``.
    """
    text = NOT_TEXT.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    found = _HISTORY_START.search(text)
    if found:
        text = text[: found.start()]
    kept = [line for line in text.split("\n") if not line.lstrip().startswith(">")]
    return _cut(" ".join(" ".join(kept).split()), limit)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip() + "…"


def stable_id(*parts: object) -> str:
    """A short, stable hash of some values, for records whose source gives no id."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def to_utc(moment: datetime | date, zone: ZoneInfo) -> datetime:
    """A moment in UTC; dates are midnight in ``zone``, naive times are taken in ``zone``."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def __getattr__(name: str) -> Any:
    if name == "IMPORTERS":  # the list, with the built-in importers loaded
        return registry.importers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "IMPORTERS",
    "ImportReport",
    "ImportTotal",
    "Importer",
    "Skipped",
    "detect",
    "files",
    "formats",
    "import_file",
    "import_files",
    "register",
    "render",
    "summary",
    "total",
]
