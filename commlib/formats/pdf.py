"""A report as a PDF: the exported page printed by Chromium, through Playwright.

The page is opened from a file with the network blocked (nothing but ``file://`` loads), every
chart is waited for (one ``svg`` or ``canvas`` per ``.commlib-chart``), ``print.css`` is added
(sections do not each start a page, rows and charts are not cut, pickers are hidden, wide tables
wrap), then Chromium prints A4 with a page-number footer in the report's language. Chromium
prints text as text: it can be selected and searched, Chinese too (``pdf_text`` maps back the
characters Chromium's text map gives as radicals).

Chromium is Debian's (``/usr/bin/chromium``, or ``$COMMLIB_CHROMIUM``); Playwright never
downloads a browser. ``make demo`` and ``make test`` install it through ``.ci/system-packages``.
"""

from __future__ import annotations

import os
import tempfile
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import t
from . import FormatError

if TYPE_CHECKING:
    from . import Document

#: Chromium's flags for a closed network: no background requests, no component updates
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}
#: the width the page prints at: A4 (210 mm) less the margins, in CSS pixels (96 per inch)
PAGE_WIDTH_PX = round((210 - 14 - 14) / 25.4 * 96)
#: how long the charts may take to draw
CHART_TIMEOUT_S = 60
PRINT_CSS = Path(__file__).with_name("print.css")
#: a table wider than the page is zoomed out to this at most, then its cells wrap
MIN_ZOOM = 0.6
_FIT_TABLES = """min => {
  for (const table of document.querySelectorAll('table')) {
    const room = table.parentElement.clientWidth, wide = table.scrollWidth;
    if (!room || wide <= room) continue;
    if (room / wide >= min) table.style.zoom = String(room / wide);
    else table.classList.add('commlib-print-wrap');
  }
}"""
_CHARTS = "document.querySelectorAll('.commlib-chart').length"
_DRAWN = "document.querySelectorAll('.commlib-chart svg.marks, .commlib-chart canvas.marks').length"


def chromium() -> str:
    """The Chromium to print with: ``$COMMLIB_CHROMIUM`` or ``/usr/bin/chromium``."""
    path = os.environ.get("COMMLIB_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        raise FormatError(t("formats.pdf.no_chromium", path=path))
    return path


def footer(lang: str) -> str:
    """Chromium's footer template: ``第 N / M 页`` or ``Page N of M``."""
    text = escape(t("formats.pdf.footer", lang, page="\0", pages="\1"))
    text = text.replace("\0", '<span class="pageNumber"></span>')
    text = text.replace("\1", '<span class="totalPages"></span>')
    style = "width:100%;font-size:8pt;color:#666;text-align:center;font-family:sans-serif"
    return f'<div style="{style}">{text}</div>'


def ready() -> None:
    """:class:`FormatError` unless Playwright and Chromium are installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise FormatError(t("formats.pdf.no_playwright")) from err
    chromium()


def write_pdf(document: Document, target: Path) -> None:
    """Print ``document`` to ``target`` (A4, backgrounds, page numbers)."""
    ready()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with tempfile.TemporaryDirectory(prefix="commlib-pdf-") as tmp:
        page_file = Path(tmp) / f"{document.name}.html"
        page_file.write_text(document.html, encoding="utf-8")
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=ARGS, env=env)
                try:
                    pdf = _print(browser, page_file.as_uri(), document.lang)
                finally:
                    browser.close()
        except PlaywrightError as err:
            first = next((line for line in str(err).splitlines() if line.strip()), "")
            raise FormatError(t("formats.pdf.failed", error=first)) from None
    target.write_bytes(_searchable(pdf, document.html))


def _searchable(pdf: bytes, text: str) -> bytes:
    """Copied Chinese text as it reads (see ``pdf_text``); as printed without pypdf."""
    try:
        from .pdf_text import searchable
    except ImportError:  # pragma: no cover - pypdf comes with commlib[pdf]
        return pdf
    return searchable(pdf, text)


def _print(browser: object, url: str, lang: str) -> bytes:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file:") else route.abort()
            ),
        )
        page = context.new_page()
        page.goto(url, wait_until="load")
        try:
            page.wait_for_function(
                f"{_DRAWN} >= {_CHARTS}", timeout=CHART_TIMEOUT_S * 1000, polling=100
            )
        except PlaywrightTimeout:
            drawn, count = page.evaluate(f"[{_DRAWN}, {_CHARTS}]")
            raise FormatError(
                t("formats.pdf.not_drawn", drawn=drawn, count=count, seconds=CHART_TIMEOUT_S)
            ) from None
        page.add_style_tag(content=PRINT_CSS.read_text(encoding="utf-8"))
        page.emulate_media(media="print")  # measure the tables as they print
        page.set_viewport_size({"width": PAGE_WIDTH_PX, "height": 1000})
        page.evaluate(_FIT_TABLES, MIN_ZOOM)
        page.evaluate("document.fonts.ready.then(() => true)")
        return page.pdf(
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=footer(lang),
            margin=MARGIN,
        )
    finally:
        context.close()
