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
The importers themselves (``mail``, ``calendar``, ``contact_csv``, ``surveys``) use
what this module defines, and are loaded by ``registry`` when first needed.
"""

from __future__ import annotations

from . import registry
from ._import import detect, files, formats, import_file, import_files
from ._report import ImportReport, ImportTotal, Skipped, render, summary, total
from .registry import Importer, register


def __getattr__(name: str) -> list[Importer]:
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
