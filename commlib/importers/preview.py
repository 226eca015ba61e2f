"""A look at a file before importing it: ``preview_import(path)`` in a notebook.

    >>> from commlib.importers.preview import preview_import
    >>> preview_import("export.csv")          # a table of the questions, and how it was read

It is ``commlib import FILE --dry-run``: the file is imported in a transaction that is
rolled back, so the preview says exactly what importing would do and writes nothing. Without
a store, the file is read into a temporary one (a survey export twin is then not matched
to what a project already holds: pass ``store`` and ``project`` for that).
"""

from __future__ import annotations

import html
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import language
from ..models import Project
from ..store import Store
from . import import_files
from ._report import ImportReport, render


@dataclass
class Preview:
    """How each file was understood; shown as text and, for a survey, a table of questions."""

    reports: list[ImportReport]
    lang: str | None = None

    def text(self) -> str:
        with language(self.lang):
            return render(self.reports)

    def questions(self, n: int = 0) -> pd.DataFrame:
        """The questions of the ``n``-th file (a survey export): code, text, type, options."""
        from .surveys.understood import frame

        found = self.reports[n].details.get("understood")
        return frame(found) if found else frame({"questions": []})

    def to_dict(self) -> dict[str, Any]:
        return {"files": [r.to_dict() for r in self.reports]}

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        from ..display import to_html

        parts = [f"<pre style='white-space:pre-wrap'>{html.escape(self.text())}</pre>"]
        for n, report in enumerate(self.reports):
            if "understood" in report.details:
                parts.append(to_html(self.questions(n)))
        return "\n".join(parts)


def preview_import(
    paths: str | Path | list[str | Path],
    store: Store | None = None,
    project: str | int | Project | None = None,
    *,
    lang: str | None = None,
    **options: Any,
) -> Preview:
    """How ``commlib import`` would understand these files; nothing is written.

    ``options`` are those of ``import_files`` (``survey=``, ``wave=``, ``platform=``,
    ``header_rows=``, ``date_order=``, ``encoding=``...).
    """
    if store is None or project is None:
        with tempfile.TemporaryDirectory() as folder:
            scratch = Store(Path(folder) / "preview.db")
            try:
                scratch.add(_scratch_project())
                reports = import_files(
                    scratch, paths, "preview", dry_run=True, lang=lang, **options
                )
            finally:
                scratch.close()
        return Preview(reports, lang)
    return Preview(import_files(store, paths, project, dry_run=True, lang=lang, **options), lang)


def _scratch_project() -> Project:
    return Project(
        name="preview",
        client="preview",
        start=date(1990, 1, 1),
        end=date(2100, 1, 1),
        team=["example.invalid"],
    )
