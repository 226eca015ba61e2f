"""What runs inside a report's kernel: the offline altair renderer and the kernel's setup.

The cell :func:`commlib.report.parameterize.inject` puts after a notebook's parameters calls
:func:`setup_kernel`, so this module is imported in every report's kernel: it imports nothing
of the export side (no nbconvert, no nbclient, no asyncio), only the i18n catalogs, and
altair, display and the live pages when the setup asks for them.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path
from typing import Any

from ..i18n import get_language, normalise, set_language

#: the folder of the nbconvert template (package data): its page, and the d3 locales of charts
TEMPLATE_DIR = Path(__file__).parent.parent / "report_template"
TEMPLATE_NAME = "commlib_report"
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}


def script_json(value: object) -> str:
    """JSON safe to paste inside ``<script>``: no ``<``, ``>`` or ``&`` left, so user text can
    never close the script or open a tag (``</`` becomes ``\\u003c/``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028]", lambda m: _SCRIPT_SAFE[m.group()], text).replace(
        "\u2029", "\\u2029"
    )


@functools.cache
def _d3_locales() -> dict[str, dict[str, Any]]:
    """``lang -> {"formatLocale", "timeFormatLocale"}`` for the languages d3 does not speak."""
    with (TEMPLATE_DIR / TEMPLATE_NAME / "d3_locales.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def embed_options(lang: str | None = None) -> dict[str, Any]:
    """vega-embed options for ``lang``: no action menu, SVG (sharp in print, text a browser
    can measure), and the language's d3 number and time locale (month and day names on time
    axes) where it is not d3's English."""
    code = normalise(lang) if lang else get_language()
    return {"actions": False, "renderer": "svg", **_d3_locales().get(code, {})}


#: charts are numbered in the order the kernel (one per report) draws them: the same report
#: gives the same page, byte for byte, apart from its generation time
_CHART_NUMBERS = itertools.count(1)


def offline_renderer(
    spec: dict[str, Any], lang: str | None = None, **_metadata: object
) -> dict[str, str]:
    """altair renderer: a ``<div>`` and a call to the ``vegaEmbed`` the report page inlines,
    with the embed options of ``lang``."""
    element = f"commlib-chart-{next(_CHART_NUMBERS)}"
    html = (
        f'<div id="{element}" class="commlib-chart"></div>'
        f"<script type=\"text/javascript\">(function (o) {{ vegaEmbed('#{element}', "
        f"{script_json(spec)}, o).then(function (r) {{ window.commlibFit && "
        f"commlibFit('#{element}', r, o); }}); }})({script_json(embed_options(lang))});</script>"
    )
    return {"text/html": html}


def enable_offline_renderer(lang: str | None = None) -> None:
    """Register altair's ``commlib`` renderer and switch to it, for charts in ``lang``
    (default: the current language). Called in the report kernel."""
    import altair as alt

    alt.renderers.register("commlib", offline_renderer)
    alt.renderers.enable("commlib", lang=normalise(lang) if lang else get_language())


def setup_kernel(lang: str | None = None, audience: str = "internal") -> None:
    """Everything a report's kernel shows, in ``lang``: the commlib language, charts through
    the offline renderer, tables through :mod:`commlib.display` (for ``audience``)."""
    from .. import display
    from ..live import page

    code = normalise(lang) if lang else get_language()
    set_language(code)
    page.STATIC = True  # session pages show nothing; live views are plain results
    enable_offline_renderer(code)
    display.enable(code, audience=audience)


def setup_source(lang: str | None, audience: str = "internal") -> str:
    """The code of the cell that sets a report's kernel up (:func:`setup_kernel`)."""
    return f"import {__name__}\n{__name__}.setup_kernel({lang!r}, {audience!r})"
