"""What a report becomes once its HTML is exported: the HTML file itself, a PDF, an e-mail draft.

One writer per format, in a registry keyed by the format's name (the file's suffix)::

    from commlib.report import export_report
    export_report(None, "status_review", "华辰 ERP 升级", audience="client", format="pdf")

- ``html``: the self-contained page :func:`commlib.report.export_report` builds;
- ``pdf`` (:mod:`commlib.formats.pdf`): that page printed by Chromium through Playwright;
- ``eml`` (:mod:`commlib.formats.eml`): a draft e-mail, charts as inline PNG images.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FormatError
from ..i18n import t

if TYPE_CHECKING:
    from ..models import Project


@dataclass(frozen=True)
class Document:
    """An exported report, as a writer gets it."""

    html: str  # the self-contained page
    name: str  # the notebook's name: status_review
    heading: str  # the notebook's heading in the report's language: 状态评审
    title: str  # the page's title: 状态评审 — 华辰 ERP 升级
    lang: str
    audience: str
    project: Project
    since: date | None = None
    until: date | None = None
    store: str | None = None  # where the project's records are (for the e-mail's recipients)

    @property
    def period(self) -> str:
        """The report's period, as its title block shows it."""
        start = self.since or self.project.start
        end = self.until or self.project.end
        return f"{start or '…'} – {end or '…'}"


Writer = Callable[[Document, Path], None]


def _html(document: Document, target: Path) -> None:
    target.write_text(document.html, encoding="utf-8")


def _pdf(document: Document, target: Path) -> None:
    from .pdf import write_pdf

    write_pdf(document, target)


def _pdf_ready() -> None:
    from .pdf import ready

    ready()


def _eml(document: Document, target: Path) -> None:
    from .eml import write_eml

    write_eml(document, target)


_WRITERS: dict[str, Writer] = {}
_READY: dict[str, Callable[[], None]] = {}


def register(name: str, writer: Writer, ready: Callable[[], None] | None = None) -> None:
    """Make ``format=name`` write files ``<notebook>.<name>`` with ``writer(document, path)``.
    ``ready()`` raises :class:`FormatError` when the format cannot be written on this machine
    (checked before the notebook runs)."""
    _WRITERS[name] = writer
    if ready is not None:
        _READY[name] = ready


def names() -> list[str]:
    return list(_WRITERS)


def check(name: str) -> str:
    """``name`` when it is a known format that this machine can write, else
    :class:`FormatError`: naming the known formats, or saying what to install."""
    if name not in _WRITERS:
        raise FormatError(t("formats.error.unknown", format=name, known=", ".join(_WRITERS)))
    if name in _READY:
        _READY[name]()
    return name


def write(name: str, document: Document, target: Path) -> Path:
    if name not in _WRITERS:
        check(name)
    _WRITERS[name](document, target)
    return target


register("html", _html)
register("pdf", _pdf, _pdf_ready)
register("eml", _eml)

__all__ = ["Document", "FormatError", "check", "names", "register", "write"]
