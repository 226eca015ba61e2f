"""What an import says of each file: added, duplicates, skipped and why, warnings, or the one
line that refused it; totals over many files, and the text the command line prints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..i18n import t
from . import registry

#: at most this many skipped items and warnings are printed per file (JSON has them all)
SHOWN = 20


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
        from .surveys.understood import lines as understood_lines

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
