"""Exceptions raised by commlib.

Every error a user can cause is a ``CommlibError``; its message says what was
wrong, where, and how to fix it. The CLI prints that message on one line and
exits non-zero; widgets show it next to the field concerned.

    CommlibError
    ├── InvalidRecord      a value breaks the model's rules (field, value, what is allowed)
    ├── NotFound           a project, record or file that does not exist
    ├── Conflict           the write would clash with what is stored (duplicate, still referenced)
    ├── BadFile            a file that cannot be read or has the wrong layout
    └── StoreError         the store cannot be opened or upgraded
"""

from __future__ import annotations

from dataclasses import dataclass


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


class NotFound(CommlibError, LookupError):
    """A project, record or file that does not exist."""


class NothingToShow(NotFound):
    """Nothing of the kind is there for this audience, e.g. no survey shared with the client."""


class Conflict(CommlibError):
    """The write clashes with what is already stored."""


class BadFile(CommlibError):
    """A file that cannot be read, or whose layout is not one commlib knows."""


class StoreError(CommlibError):
    """The store cannot be opened, created or upgraded."""
