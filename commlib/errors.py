"""Exceptions raised by commlib, all of them defined here.

Every error a user can cause is a ``CommlibError``; its message says what was
wrong, where, and how to fix it. The CLI prints that message on one line and
exits non-zero; widgets show it next to the field concerned. A builtin base in
brackets is kept for callers that catch it (``except ValueError`` still works).

    CommlibError
    ├── InvalidRecord [ValueError]   a value breaks the model's rules (field, value, what's allowed)
    ├── FormInvalid                  problems that belong to several forms (a contact and its rows)
    ├── NotFound [LookupError]       a project, record or file that does not exist
    │   └── NothingToShow            nothing of the kind for this audience (no survey shared)
    ├── Conflict                     the write would clash with what is stored (duplicate, in use)
    ├── BadFile                      a file that cannot be read or has the wrong layout
    │   ├── UnreadableTable          a survey table whose bytes cannot be read (damaged workbook)
    │   └── NotOutlook [ValueError]  a ``.msg`` file that is not a readable Outlook message
    ├── StoreError                   the store cannot be opened or upgraded
    ├── AccessDenied [PermissionError]  the role may not see or change that project (PostgreSQL)
    ├── AnalysisError [ValueError]   a survey question cannot be analysed this way
    ├── ReportError                  a notebook that cannot be run or exported
    │   └── NothingToReport          nothing for this audience: ``export_all`` leaves it out
    └── FormatError                  a report that cannot be written in the format asked for

Each is also importable from the module that first defined it (``commlib.report.ReportError``,
``commlib.surveys.analysis.AnalysisError``, ``commlib.importers.surveys._read.UnreadableTable``,
``commlib.forms.FormInvalid``, ``commlib.formats.FormatError``,
``commlib.importers.outlook.NotOutlook``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import t

if TYPE_CHECKING:
    from .forms import Form


class CommlibError(Exception):
    """Base class of every error commlib raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value: where it is, what it is, what is allowed."""

    field: str
    value: object
    message: str
    where: str = ""  # e.g. "risks.csv row 4" or "Risk"

    def __str__(self) -> str:
        place = f"{self.where}, " if self.where else ""
        shown = _show(self.value)
        return f"{place}{self.field} = {shown}: {self.message}"


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class InvalidRecord(CommlibError, ValueError):
    """One or more values break the rules of the data model."""

    def __init__(self, problems: list[Problem], hint: str = "") -> None:
        self.problems = list(problems)
        self.hint = hint
        lines = [str(p) for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"... and {len(self.problems) - 20} more")
        text = "; ".join(lines)
        super().__init__(f"{text}. {hint}".strip() if hint else text)


class FormInvalid(CommlibError):
    """Problems that belong to several forms; ``Form.run`` shows each under its field."""

    def __init__(self, found: list[tuple[Form, list[Problem]]]) -> None:
        super().__init__(f"{sum(len(p) for _, p in found)} problems")
        self.found = found


class NotFound(CommlibError, LookupError):
    """A project, record or file that does not exist."""


class NothingToShow(NotFound):
    """Nothing of the kind is there for this audience, e.g. no survey shared with the client."""


class Conflict(CommlibError):
    """The write clashes with what is already stored."""


class BadFile(CommlibError):
    """A file that cannot be read, or whose layout is not one commlib knows."""


class UnreadableTable(BadFile):
    """A table whose bytes cannot be read (a damaged workbook); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(t("surveys.import.unreadable", reason=reason))


class NotOutlook(BadFile, ValueError):
    """The file is not a readable Outlook message."""


class StoreError(CommlibError):
    """The store cannot be opened, created or upgraded."""


class AccessDenied(CommlibError, PermissionError):
    """The database refused the role a change to a project it may not make (a viewer's write,
    an editor's grant): the message names the project, the role's level and who can grant."""


class AnalysisError(CommlibError, ValueError):
    """A question cannot be analysed this way (wrong type, unknown measure)."""


class ReportError(CommlibError):
    """A notebook that cannot be run or exported."""


class NothingToReport(ReportError):
    """The notebook has nothing for this audience (it raised ``NothingToShow``), e.g. no
    survey shared with the client: ``export_all`` leaves it out instead of failing."""


class FormatError(CommlibError):
    """A report that cannot be written in the format asked for (unknown format, no Chromium)."""
