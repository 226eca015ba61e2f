"""A notebook run, made a report's page: the cells a reader is not shown left out, one
language kept, empty sections dropped, the title block, then nbconvert's HTML through the
``commlib_report`` template, with the Vega bundle (:func:`vega_bundle`, kept in the user's
cache folder) inlined once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
import threading
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..i18n import LANGUAGES, language, t

if TYPE_CHECKING:
    from ..models import Project
from .kernel import TEMPLATE_DIR, TEMPLATE_NAME

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: cells with this tag are left out of a report (interactive, session-only cells)
SESSION_TAG = "session"
#: cells with this tag are notes for the notebook user, left out of a report
HELP_TAG = "help"
#: text cells with this tag speak of the team's own analysis: left out of a client's report
INTERNAL_TAG = "internal"
#: cells tagged ``lang-zh`` / ``lang-en`` appear only in reports of that language
LANG_TAG = "lang-{lang}"
_HTML_LANG = {"zh": "zh-CN", "en": "en"}


def page(
    nb: Any,
    project: Project,
    name: str,
    lang: str,
    audience: str,
    period: tuple[date | None, date],
    now: datetime,
    *,
    many: bool = False,
) -> tuple[str, str, str]:
    """The page of the notebook ``name`` run for ``project`` (``nb``, changed in place):
    ``(html, heading, title)``, the heading being the notebook's own (its ``name`` when it has
    none) and the title the page's. ``many``: a report over many projects, ``project`` the
    stand-in that names them (its client, if one)."""
    _clean(nb)
    heading = localise(nb, lang) or name
    drop_empty_sections(nb)
    with language(lang):
        title = t("report.title.heading", project=project.name, notebook=heading)
        facts = _facts(project, audience, period, now, many=many)
        footer = t("report.footer", tool=f"commlib {__version__}")
    return _to_html(nb, title, facts, lang, vega_bundle(), footer), heading, title


def _clean(nb: Any) -> None:
    """Leave out session cells, widget outputs, saved widget state, and code cells that show
    nothing (each would leave a blank gap in the page)."""
    nb.cells = [c for c in nb.cells if SESSION_TAG not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.outputs]
    nb.metadata.pop("widgets", None)


_HEADING = re.compile(r"^(#{1,6})[ \t]+\S")


def drop_empty_sections(nb: Any) -> None:
    """Leave out every heading (``##`` and lower) with nothing under it: no output and no text
    before the next heading of the same or a higher level. A section holding only empty
    subsections is empty too. Cells left without text are dropped."""
    lines: list[tuple[int, int, int]] = []  # (cell, line, level): level 0 is content
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            lines.append((i, -1, 0))
            continue
        for n, line in enumerate(cell.source.splitlines()):
            found = _HEADING.match(line)
            if found:
                lines.append((i, n, len(found.group(1))))
            elif line.strip():
                lines.append((i, n, 0))
    empty: dict[int, set[int]] = {}
    for at, (i, n, level) in enumerate(lines):
        if level < 2:
            continue
        following = (lvl for _, _, lvl in lines[at + 1 :] if lvl == 0 or lvl <= level)
        if next(following, None) != 0:
            empty.setdefault(i, set()).add(n)
    for i, drop in empty.items():
        cell = nb.cells[i]
        kept = [line for n, line in enumerate(cell.source.splitlines()) if n not in drop]
        cell.source = "\n".join(kept).strip()
    nb.cells = [c for c in nb.cells if c.cell_type != "markdown" or c.source.strip()]


_BILINGUAL = re.compile(r"^(#{1,6}[ \t]+)(.+?)[ \t]+·[ \t]+(.+?)[ \t]*$", re.M)
_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t]*$\n?", re.M)


def localise(nb: Any, lang: str) -> str | None:
    """Make ``nb`` speak ``lang`` only, for a reader: drop ``help`` cells and the cells tagged
    for the other language, keep one side of ``中文 · English`` headings, and take the first
    ``# heading`` out of the text. Returns that heading (``None`` when there is none)."""
    others = {LANG_TAG.format(lang=code) for code in LANGUAGES if code != lang}
    nb.cells = [c for c in nb.cells if not ({HELP_TAG, *others} & set(c.metadata.get("tags", [])))]
    side = 2 if lang == "zh" else 3
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _BILINGUAL.sub(lambda m: m.group(1) + m.group(side), cell.source)
    for cell in nb.cells:
        found = _TITLE.search(cell.source) if cell.cell_type == "markdown" else None
        if found:
            cell.source = (cell.source[: found.start()] + cell.source[found.end() :]).strip()
            if not cell.source:
                nb.cells.remove(cell)
            return found.group(1)
    return None


def _prepared_by(project: Project) -> str:
    """The project team's addresses: its people (``name@domain``), else its domains."""
    team = [str(a) for a in getattr(project, "team", None) or []]
    people = [a for a in team if "@" in a]
    return ", ".join(people or team)


def _facts(
    project: Project,
    audience: str,
    period: tuple[date | None, date],
    now: datetime,
    *,
    many: bool = False,
) -> list[tuple[str, str]]:
    """The title block: project, client, the period the report covers, who prepared it (the
    project's team; left out when it has none), when, and a warning on internal reports.
    A report over ``many`` projects names its client (if one) and the day it is as of."""
    since, until = period
    if many:
        rows = [(t("report.title.client"), project.client)] if project.client else []
        rows.append((t("portfolio.title.as_of"), str(until)))
    else:
        rows = [
            (t("report.title.project"), project.name),
            (t("report.title.client"), project.client or ""),
            (t("report.title.period"), f"{since or project.start} – {until}"),
        ]
    prepared = _prepared_by(project)
    if prepared:
        rows.append((t("report.title.prepared_by"), prepared))
    rows.append((t("report.title.generated"), now.strftime("%Y-%m-%d %H:%M UTC")))
    if audience == "internal":
        rows.append((t("report.title.audience"), t("report.audience.internal")))
    return rows


_EXPORTER_LOCK = threading.Lock()


@functools.cache
def _exporter() -> Any:
    """The HTML exporter of every report of this process (its templates loaded once)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def preload() -> None:
    """Load what every page needs (the exporter's templates, the Vega bundle) ahead of it."""
    _exporter(), vega_bundle()


def _to_html(
    nb: Any, title: str, facts: list[tuple[str, str]], lang: str, vega_js: str, footer: str = ""
) -> str:
    resources = {
        "commlib_report": {
            "html_lang": _HTML_LANG[lang],
            "title": title,
            "facts": facts,
            "vega_js": vega_js,
            "footer": footer,
        }
    }
    with _EXPORTER_LOCK:
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


# --- the Vega bundle ------------------------------------------------------------------------


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "commlib"


_BUNDLE_LOCK = threading.Lock()


def vega_bundle() -> str:
    """vega + vega-lite + vega-embed as one classic script (~0.9 MB) defining ``vegaEmbed``,
    from vl-convert: what every report inlines and what live charts load. Building it takes
    1.5-3 s, so it is kept in the user's cache folder per vl-convert version, after a first
    line holding its SHA-256; a file that does not match (cut short, garbled) is rebuilt, and
    a cache folder that cannot be written only means building it again next time."""
    with _BUNDLE_LOCK:
        return _vega_bundle()


@functools.cache
def _vega_bundle() -> str:
    import vl_convert

    path = _cache_dir() / f"vega-bundle-{vl_convert.__version__}.js"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        digest, _, source = path.read_text(encoding="utf-8").partition("\n")
        if digest == f"// sha256 {_sha256(source)}":
            return source
    source = vl_convert.javascript_bundle()
    with contextlib.suppress(OSError):  # written whole, then renamed: never half a file
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as fh:
            fh.write(f"// sha256 {_sha256(source)}\n{source}")
        os.replace(fh.name, path)
    return source


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
