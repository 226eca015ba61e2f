"""The importers commlib knows, in the order they are asked (the first whose ``sniff`` says yes
takes the file), and the hooks asked around them.

A leaf: it imports no importer. The built-in ones are listed once, in :func:`_builtins`, and
loaded the first time the list is needed — so ``commlib import one.eml`` loads the mail reader
and the survey readers, but not the survey analysis, its charts or its forms.

    >>> from commlib.importers.registry import importers, register
    >>> [i.name for i in importers()][:3]
    ['ics', 'mbox', 'eml']

Later importers join with ``register(Importer(name, sniff, run, label, describe))``, after the
built-in ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Project
    from ..store import Store

#: how much of a file ``sniff`` sees
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Importer:
    """One kind of file: how to recognise it, import it, name it and describe it.

    ``sniff(path, head)`` gets the path and the first ``HEAD_BYTES`` of the file and says
    whether this importer reads it; ``run(store, project, path, **options)`` imports it and
    returns its ``ImportReport``, raising ``CommlibError`` (usually ``BadFile`` or
    ``InvalidRecord``) to refuse it. ``hinted``: ``sniff`` also takes the user's hints as
    keywords (``encoding=``, ``header_rows=``...: see ``commlib.importers.surveys.Hints``).
    """

    name: str
    sniff: Callable[..., bool]
    run: Callable[..., Any]
    label: Callable[[], str]
    describe: Callable[[], str]
    hinted: bool = False


#: ``explain(path, head)``: why a file no importer takes cannot be read although it looks like
#: a kind commlib knows (a workbook cut short, a table in an unknown encoding), as the message
#: to show, or None; asked in order when detection fails
Explain = Callable[[Path, bytes], "str | None"]
#: ``defaults(store, project, path, options)``: the options of a file's import with what was
#: said of it before filled in (a survey's next wave is read as the first was); asked in order
Defaults = Callable[["Store", "Project", Path, dict[str, Any]], dict[str, Any]]

_IMPORTERS: list[Importer] = []
_EXPLAIN: list[Explain] = []
_DEFAULTS: list[Defaults] = []
_loaded = False
_lock = threading.RLock()


def _builtins() -> tuple[list[Importer], list[Explain], list[Defaults]]:
    """Every built-in importer, in the order they are asked: the contact log's files first,
    then the survey platforms, most specific first, the plain table last."""
    from . import calendar, contact_csv, mail, surveys

    return (
        [calendar.IMPORTER, mail.MBOX, mail.EML, contact_csv.IMPORTER, *surveys.IMPORTERS],
        surveys.EXPLAIN,
        [surveys.remembered],
    )


def _load() -> None:
    global _loaded
    with _lock:
        if not _loaded:
            _IMPORTERS[:], _EXPLAIN[:], _DEFAULTS[:] = _builtins()
            _loaded = True


def importers() -> list[Importer]:
    """Every importer, in the order they are asked."""
    _load()
    return _IMPORTERS


def explainers() -> list[Explain]:
    _load()
    return _EXPLAIN


def defaults() -> list[Defaults]:
    _load()
    return _DEFAULTS


def register(importer: Importer) -> Importer:
    """Add an importer after the others, built-in ones included (replacing one of the same
    name)."""
    with _lock:
        _load()
        _IMPORTERS[:] = [i for i in _IMPORTERS if i.name != importer.name]
        _IMPORTERS.append(importer)
    return importer
