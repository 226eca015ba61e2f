"""Self-contained HTML reports from the notebooks in ``notebooks/``.

``export_report`` runs one notebook with nbclient, the papermill way (a cell of parameters after
the ``parameters`` cell), with altair switched to an offline renderer, then exports HTML that
needs no network: no code, no widgets, no CDN scripts, the Vega bundle inlined once::

    from commlib.report import export_report
    export_report("data/workbench.db", "contacts", "华辰 ERP 升级", audience="client")

``audience="client"`` is passed to the notebook, which uses it for every frame; a notebook that
does not declare ``audience`` cannot be exported for a client.

A notebook that declares ``project`` is a project's report and refuses to run without one. One
that declares no ``project`` covers many projects (``portfolio``): it runs without one, for one
client when it declares ``client`` and is given it (``export_report(db, "portfolio",
client="Acme")``); a client's export of it needs that client, and ``--all`` (per project)
leaves it out. Its title block names the client, if one, and the day it is as of.

A report speaks to its reader in one language (``lang``):

- tables: the kernel shows every DataFrame through :func:`commlib.display.to_html` (labelled
  headers and values, dates as dates, blanks for missing values, no row numbers or ids);
- charts: vega-embed gets the language's d3 number and time locale (``d3_locales.json`` in
  the template folder; English is d3's default), so time axes read 十一月, not Nov;
- markdown: a heading written ``## 中文 · English`` keeps the side of the report's language
  (Chinese before the first `` · ``); cells tagged ``lang-zh`` or ``lang-en`` appear only in
  reports of that language; cells tagged ``help`` (notes for the notebook user) and
  ``session`` (live forms) never appear. The first ``# heading`` becomes the title block.

A report reads as a document (``report.css`` and ``fit.js`` in the template folder): the title
block names the project, the client, the period the notebook covers (its ``since``/``until``
after its own defaults, read back from the kernel), who prepared it (the project's team) and
when; a heading with nothing under it is left out; charts fit a phone's width; print on A4
keeps rows and charts whole and hides the pickers.

Many reports cost little more than a few (:func:`export_many`, behind :func:`export_all`,
``commlib report --all`` and the demo): one process imports what the reports use, once, and
forks a kernel for each report, ahead of need; two reports run at a time. A kernel is never
given a second report, so nothing of one report reaches the next, and a report is the same,
byte for byte, alone or among others (apart from its generation time). A report that fails
leaves the others written. The Vega bundle is built once per vl-convert version and kept in
the user's cache folder (:func:`vega_bundle`).

Where things live (papermill's shape):

- :mod:`~commlib.report.kernel`: what runs inside a report's kernel (the offline renderer,
  :func:`setup_kernel`); it imports nothing of the rest;
- :mod:`~commlib.report.parameterize`: a notebook's declared parameters, the one injector
  (:func:`inject`), the period read back after the run;
- :mod:`~commlib.report.pool`: the kernels, one per report, forked from a warm process;
- :mod:`~commlib.report.html`: the page (cells left out, one language, the title block) and
  the Vega bundle;
- :mod:`~commlib.report.export`: :func:`export_report`, :func:`export_many`,
  :func:`export_all`, :func:`reportable` and where the notebooks are.

Each name below is loaded from its module when first asked for (PEP 562): a report's kernel
imports :mod:`commlib.report.kernel` alone.
"""

from typing import TYPE_CHECKING

from .. import _lazy
from ..errors import NothingToReport, ReportError

if TYPE_CHECKING:
    from .export import (
        copy_notebooks,
        export_all,
        export_many,
        export_report,
        notebooks_dir,
        reportable,
        shipped_notebooks,
    )
    from .html import (
        HELP_TAG,
        INTERNAL_TAG,
        LANG_TAG,
        SESSION_TAG,
        WIDGET_VIEW,
        drop_empty_sections,
        localise,
        vega_bundle,
    )
    from .kernel import (
        TEMPLATE_DIR,
        TEMPLATE_NAME,
        embed_options,
        enable_offline_renderer,
        offline_renderer,
        script_json,
        setup_kernel,
    )
    from .parameterize import declared, inject, report_period
    from .pool import KERNEL_ARGUMENTS, WARM_UP, imported

_MODULES = {
    "export": [
        "copy_notebooks", "export_all", "export_many", "export_report", "notebooks_dir",
        "reportable", "shipped_notebooks",
    ],
    "html": [
        "HELP_TAG", "INTERNAL_TAG", "LANG_TAG", "SESSION_TAG", "WIDGET_VIEW",
        "drop_empty_sections", "localise", "vega_bundle",
    ],
    "kernel": [
        "TEMPLATE_DIR", "TEMPLATE_NAME", "embed_options", "enable_offline_renderer",
        "offline_renderer", "script_json", "setup_kernel",
    ],
    "parameterize": ["declared", "inject", "report_period"],
    "pool": ["KERNEL_ARGUMENTS", "WARM_UP", "imported"],
}  # fmt: skip
#: the title block's rows, imported by name from here by tests/test_reader_views.py
_OLD_NAMES = {"_facts": "html"}
__getattr__, __dir__ = _lazy.attach(
    __name__,
    {**{name: module for module, names in _MODULES.items() for name in names}, **_OLD_NAMES},
)

__all__ = [
    "HELP_TAG",
    "INTERNAL_TAG",
    "KERNEL_ARGUMENTS",
    "LANG_TAG",
    "SESSION_TAG",
    "TEMPLATE_DIR",
    "TEMPLATE_NAME",
    "WARM_UP",
    "WIDGET_VIEW",
    "NothingToReport",
    "ReportError",
    "copy_notebooks",
    "declared",
    "drop_empty_sections",
    "embed_options",
    "enable_offline_renderer",
    "export_all",
    "export_many",
    "export_report",
    "imported",
    "inject",
    "localise",
    "notebooks_dir",
    "offline_renderer",
    "report_period",
    "reportable",
    "script_json",
    "setup_kernel",
    "shipped_notebooks",
    "vega_bundle",
]
