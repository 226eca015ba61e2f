"""Survey exports into the store: Wenjuanxing (问卷星), Qualtrics, SurveyMonkey, Google Forms,
LimeSurvey, and any table with one header row.

    commlib import Original.xls Readable.xls --project ERP --survey 满意度 --wave W1

Each platform is an importer (listed in ``commlib.importers.registry``, after the contact
importers), chosen by the file's structure — its header rows and metadata columns — never by
its name. The plain table importer comes last and takes a file only when ``--survey`` names the
survey: without it, a table no platform recognises is refused, saying which layouts are known.

Every import creates or finds the survey (same project, name and wave: the same survey; the
name defaults to the export's title, else the file name less words such as ``Readable`` /
``Original`` / ``按文本``, so both files of a pair agree), adds new questions, and adds the
responses not stored yet (by the platform's respondent id), so importing a file again adds
nothing. A coded export and its readable twin join into one survey (see ``_join``).
Times without a zone are this machine's local time unless the file names a zone (Qualtrics
does); ``import_file(..., tz="Asia/Shanghai")`` names another zone.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

from ...errors import BadFile, UnreadableTable
from ...i18n import t
from ...models import Project
from ...store import Store
from ...surveys import data
from ...text import CONTROL, detect_encoding
from .._report import ImportReport
from ..registry import HEAD_BYTES, Importer
from . import (
    generic,
    google_forms,
    limesurvey,
    ms_forms,
    qualtrics,
    surveymonkey,
    tencent,
    typeform,
    wenjuan_com,
    wenjuanxing,
)
from ._base import Parsed, survey_name
from ._join import reconcile
from ._read import XLS_MAGIC, XLSX_MAGIC, Hints, Table, excel_rows, peek
from ._times import zone_named
from .understood import understood

#: the platforms, most specific first; the plain table last
PLATFORMS: tuple[ModuleType, ...] = (
    wenjuanxing,
    wenjuan_com,
    tencent,
    qualtrics,
    surveymonkey,
    limesurvey,
    ms_forms,
    typeform,
    google_forms,
    generic,
)


def table_of(path: Path, hints: Hints | None = None) -> Table:
    """The file as a table (or ``BadFile``)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as err:
        raise BadFile(t("importers.refused.unreadable", reason=err.strerror or err)) from err
    found = peek(path, head, hints)
    if found is None:
        raise BadFile(t("surveys.import.not_a_table"))
    return found


def save(
    store: Store,
    project: Project,
    path: Path,
    kind: str,
    parsed: Parsed,
    *,
    survey: str | None = None,
    wave: str | None = None,
    hints: Hints | None = None,
) -> ImportReport:
    """Store a parsed export as a survey (or into the stored one); the file's report.
    ``hints``: what the user said of the file, kept with the survey for its next wave."""
    name = (survey or "").strip() or survey_name(path, parsed.title) or parsed.platform
    name = name or path.stem[:200]
    label = (wave or "").strip()
    report = ImportReport(str(path), kind)
    if not len(parsed.meta):
        raise BadFile(t("surveys.import.no_responses"))
    with store.transaction():
        existing = data.find_survey(store, project, name, label)
        joined = reconcile(store, existing, parsed) if existing is not None else []
        saved = data.save_survey(
            store,
            project,
            {"name": name, "wave": label, "platform": parsed.platform},
            parsed.questions,
            parsed.frame(),
        )
        kept = _given(hints)
        if kept and saved.survey.import_hints != kept:
            store.update("surveys", saved.survey.id, import_hints=kept)
    report.added = saved.added
    report.duplicates = saved.duplicates
    if parsed.dropped:
        report.warn(t("surveys.import.no_respondent_rows", n=parsed.dropped))
    if joined:
        report.warn(t("surveys.import.joined", n=len(joined), codes=_shown(joined)))
    left = sorted(parsed.coded - set(joined))
    if left:
        report.warn(t("surveys.import.coded_only", n=len(left), codes=_shown(left)))
    for warning in [*parsed.warnings, *saved.warnings]:
        report.warn(warning)
    report.details = {
        "survey": saved.survey.name,
        "wave": saved.survey.wave,
        "survey_id": saved.survey.id,
        "platform": parsed.platform,
        "created": saved.created,
        "questions": saved.questions,
        "questions_added": saved.questions_added,
        "responses_in_file": len(parsed.meta),
        "joined": joined,
        **parsed.details,
    }
    return report


def _shown(codes: list[str]) -> str:
    return ", ".join(codes[:10]) + (", ..." if len(codes) > 10 else "")


def _given(hints: Hints | None) -> dict[str, str | int]:
    return {k: v for k, v in asdict(hints).items() if v is not None} if hints else {}


def _shown_hints(hints: dict[str, Any]) -> str:
    return " ".join(f"--{k.replace('_', '-')} {v}" for k, v in hints.items())


def remembered(store: Store, project: Project, path: Path, options: dict[str, Any]) -> dict:
    """The options of an import, with the hints given when this survey was imported before
    (another wave, found by ``--survey`` or the name the file gives) for those not given now;
    ``options["remembered"]`` says which were taken."""
    name = (options.get("survey") or "").strip() or survey_name(path)
    if not name or all(options.get(k) is not None for k in Hints.__dataclass_fields__):
        return options
    try:
        with path.open("rb") as fh:
            if peek(path, fh.read(HEAD_BYTES)) is None:
                return options  # not a table: an e-mail, a calendar
    except OSError:
        return options
    before = [s for s in store.records("surveys", project) if s.name == name and s.import_hints]
    if not before:
        return options
    last = max(before, key=lambda s: s.id or 0).import_hints
    taken = {
        k: v for k, v in last.items() if k in Hints.__dataclass_fields__ and options.get(k) is None
    }
    return {**options, **taken, "remembered": taken} if taken else options


def hints_of(options: dict[str, Any]) -> Hints:
    """The user's hints among an import's options (``platform=``, ``header_rows=``...)."""
    return Hints(**{k: options[k] for k in Hints.__dataclass_fields__ if options.get(k)})


def _importer(module: ModuleType) -> Importer:
    def sniff(path: Path, head: bytes, **options: Any) -> bool:
        hints = hints_of(options)
        if hints.platform and hints.platform != module.NAME:
            return False
        found = peek(path, head, hints)
        return found is not None and (hints.platform == module.NAME or bool(module.sniff(found)))

    def run(
        store: Store,
        project: Project,
        path: Path,
        *,
        survey: str | None = None,
        wave: str | None = None,
        tz: str | None = None,
        progress: Callable[[float], None] | None = None,
        **_options: Any,
    ) -> ImportReport:
        told = progress or (lambda fraction: None)
        hints = hints_of(_options)
        table = table_of(path, hints)
        told(0.3)  # how far an export of many rows has got, roughly: read, parsed, stored
        if hints.platform != module.NAME and not module.sniff(table):  # another layout
            raise BadFile(t("surveys.import.wrong_layout", expected=module.describe()))
        if getattr(module, "NEEDS_SURVEY", False) and not (survey or "").strip():
            raise BadFile(t("surveys.import.unknown_layout", looks=_looks(table)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parsed = module.parse(table, zone_named(tz))
        told(0.5)
        for warning in caught:  # a library's warning (openpyxl, pandas) is the file's
            text = " ".join(str(warning.message).split())[:200]
            parsed.warnings.append(t("surveys.import.library_warning", text=text))
        if table.extra.get("control_cells"):
            parsed.warnings.append(
                t("surveys.import.control_characters", n=table.extra["control_cells"])
            )
        hints = Hints(**{**asdict(hints), "platform": module.NAME}) if hints.platform else hints
        with data.progress(lambda done, total: told(0.5 + 0.5 * done / max(total, 1))):
            report = save(
                store, project, path, module.NAME, parsed, survey=survey, wave=wave, hints=hints
            )
        report.details["understood"] = understood(table, module, parsed)
        if _options.get("remembered"):
            report.warn(t("surveys.import.remembered", hints=_shown_hints(_options["remembered"])))
        return report

    label: Callable[[], str] = module.label
    describe: Callable[[], str] = module.describe
    return Importer(module.NAME, sniff, run, label, describe, hinted=True)


def _looks(table: Table) -> str:
    header = table.header
    shown = ", ".join((c[:30] or "“”") for c in header[:4]) + (", …" if len(header) > 4 else "")
    return t("importers.looks.table", n=len(header), columns=shown)


def _damaged_workbook(path: Path, head: bytes) -> str | None:
    """Why a file that starts like an Excel workbook is not one commlib can read, or None
    (a readable workbook whose layout is simply unknown)."""
    if not head.startswith((XLSX_MAGIC, XLS_MAGIC)):
        return None
    try:
        _name, rows = excel_rows(path, 1)
    except UnreadableTable as err:
        return t("surveys.import.damaged_workbook", reason=err.reason)
    except OSError as err:
        return t("importers.refused.unreadable", reason=err.strerror or err)
    return None if rows else t("surveys.import.empty_sheet")


def _unknown_encoding(path: Path, head: bytes) -> str | None:
    """A text table (a delimiter on the first line, no binary data) in an encoding that is
    neither UTF-8, UTF-16 nor GB18030 (Latin-1, Shift-JIS...), or None."""
    if head.startswith((XLSX_MAGIC, XLS_MAGIC)) or detect_encoding(head) is not None:
        return None
    sample = head[:4096]
    if b"\x00" in sample:
        return None
    text = sample.decode("latin-1")
    first = text.split("\n", 1)[0]
    if CONTROL.search(text) or not any(d in first for d in ",\t;"):
        return None
    return t("surveys.import.encoding")


#: one importer per platform, in ``PLATFORMS``' order (``importers.registry`` lists them)
IMPORTERS = [_importer(m) for m in PLATFORMS]
#: why a file no importer takes cannot be read, when it looks like a survey export
EXPLAIN = [_damaged_workbook, _unknown_encoding]

__all__ = ["EXPLAIN", "IMPORTERS", "PLATFORMS", "Parsed", "remembered", "save", "table_of"]
