"""Self-contained HTML reports from the notebooks in ``notebooks/``.

``export_report`` runs one notebook with nbclient, the papermill way (a cell of parameters after
the ``parameters`` cell), with altair switched to an offline renderer, then exports HTML that
needs no network: no code, no widgets, no CDN scripts, the Vega bundle inlined once::

    from commlib.report import export_report
    export_report("data/workbench.db", "contacts", "华辰 ERP 升级", audience="client")

``audience="client"`` is passed to the notebook, which uses it for every frame; a notebook that
does not declare ``audience`` cannot be exported for a client.

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
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from . import __version__, formats
from .cjk import HAN
from .errors import CommlibError, NotFound, NothingToReport, ReportError
from .i18n import LANGUAGES, get_language, language, normalise, set_language, t

#: the folder of the nbconvert template (package data)
TEMPLATE_DIR = Path(__file__).parent / "report_template"
TEMPLATE_NAME = "commlib_report"
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
_SCRIPT_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}


# --- the offline altair renderer (runs inside the notebook's kernel) -------------------------


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
    from . import display
    from .live import page

    code = normalise(lang) if lang else get_language()
    set_language(code)
    page.STATIC = True  # session pages show nothing; live views are plain results
    enable_offline_renderer(code)
    display.enable(code, audience=audience)


# --- notebooks and parameters -----------------------------------------------------------------


def notebooks_dir(notebooks: str | os.PathLike[str] | None = None) -> Path:
    """``notebooks``, else ``$COMMLIB_NOTEBOOKS``, else the notebooks that ship with the package
    (:func:`shipped_notebooks`)."""
    found = notebooks or os.environ.get("COMMLIB_NOTEBOOKS")
    folder = Path(found) if found else shipped_notebooks()
    if not folder.is_dir():
        raise NotFound(t("report.error.no_notebooks", path=folder))
    return folder


def shipped_notebooks() -> Path:
    """The folder of the notebooks that ship with the package (``commlib/notebooks``, package
    data). In a checkout it is a link to the top-level ``notebooks/``, their one copy, and
    resolves to it (a checkout without links: ``notebooks/`` next to the package). Notebooks
    read from an archive (a zipped package) are copied to a temporary folder, once: a kernel
    runs in a notebook's folder."""
    from importlib.resources import files

    shipped = files(__package__) / "notebooks"
    if isinstance(shipped, os.PathLike):
        if Path(shipped).is_dir():
            return Path(shipped).resolve()
    elif shipped.is_dir():
        return _copied_notebooks()
    return Path(__file__).resolve().parent.parent / "notebooks"


@functools.cache
def _copied_notebooks() -> Path:
    from importlib.resources import files

    folder = Path(tempfile.mkdtemp(prefix="commlib-notebooks-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    copy_notebooks(files(__package__) / "notebooks", folder)
    return folder


def copy_notebooks(source: Any, folder: Path) -> None:
    """Copy the ``*.ipynb`` of ``source`` (a folder or an ``importlib.resources`` traversable,
    e.g. inside a zip) into ``folder``."""
    for entry in source.iterdir():
        if entry.is_file() and entry.name.endswith(".ipynb"):
            (folder / entry.name).write_bytes(entry.read_bytes())


def _parameters_cell(nb: Any) -> int | None:
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and "parameters" in tags:
            return i
    return None


def declared(nb: Any) -> set[str]:
    """The names a notebook's ``parameters`` cell assigns (``nb`` read by nbformat, or its
    plain JSON)."""
    at = _parameters_cell(nb)
    if at is None:
        return set()
    source = nb["cells"][at]["source"]
    source = "".join(source) if isinstance(source, list) else source
    return set(re.findall(r"^([A-Za-z_]\w*)\s*=", source, re.M))


def _read(path: Path) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)


def _notebook(folder: Path, name: str) -> Path:
    path = folder / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.ipynb"))) or t("word.none")
        raise NotFound(t("report.error.unknown_notebook", name=name, known=known))
    return path


def _inject(nb: Any, values: dict[str, object]) -> None:
    """Insert the parameters the notebook declares, then the kernel setup, after
    the ``parameters`` cell (or at the top when there is none)."""
    import nbformat

    names = declared(nb)
    lines = [f"{k} = {v!r}" for k, v in values.items() if k in names]
    at = _parameters_cell(nb)
    at = -1 if at is None else at
    lang, audience = values.get("lang"), values.get("audience", "internal")
    setup = f"import commlib.report\ncommlib.report.setup_kernel({lang!r}, {audience!r})"
    cells = [nbformat.v4.new_code_cell(setup, metadata={"tags": ["commlib-setup"]})]
    if lines:
        source = "import datetime\n" + "\n".join(lines)
        cells.insert(0, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected"]}))
    nb.cells[at + 1 : at + 1] = cells


# --- running and exporting --------------------------------------------------------------------


#: what every report's kernel imports (the kernel, its setup, the surveys the summaries read),
#: besides what its notebook imports
WARM_UP = (
    "ipykernel.kernelapp", "altair", "commlib.report", "commlib.display", "commlib.live.page",
    "commlib.surveys",
)  # fmt: skip
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w., \t]+))", re.M)
KERNEL_ARGUMENTS = [
    # the kernel is ours, on 127.0.0.1: its notice that TCP is unencrypted is not the user's
    "--IPKernelApp.log_level=ERROR",
    # no history file: kernels running side by side would lock the user's IPython history
    "--HistoryManager.hist_file=:memory:",
]


def imported(path: Path) -> list[str]:
    """The modules the notebook at ``path`` imports (``import a.b``, ``from a.b import c``)."""
    found: list[str] = []
    for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") == "code":
            for named, listed in _IMPORT.findall("".join(cell.get("source", ""))):
                names = [named] if named else re.findall(r"([\w.]+)(?:[ \t]+as[ \t]+\w+)?", listed)
                found += [m for m in names if m not in found]
    return found


class _Zygote:
    """The parent of the report kernels: a process that imports what the reports use (their
    notebooks' imports, :data:`WARM_UP`, the catalogs of their languages, jieba's dictionary
    when there is Chinese to wrap), once, then forks one kernel per report. Each kernel starts
    with those imports done and holds nothing of any report but its own: it is a copy of a
    process that never ran one. (``os.fork``: Linux and other Unix systems.)"""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._asking = asyncio.Lock()

    @classmethod
    async def start(cls, modules: list[str], langs: list[str], chinese: bool) -> _Zygote:
        single = {
            name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", "from commlib.report import _zygote; _zygote()",
            json.dumps({"modules": modules, "langs": langs, "chinese": chinese}),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # the user's Ctrl-C is the parent's to handle
            env={**os.environ, **single},  # no threads to fork: one BLAS thread
        )  # fmt: skip
        return cls(process)

    async def kernel(self, folder: Path, env: dict[str, str]) -> tuple[_Forked, Any]:
        """A kernel forked in ``folder`` with ``env``, ready: ``(manager, client)``."""
        from jupyter_client.asynchronous import AsyncKernelClient
        from jupyter_client.connect import write_connection_file

        file, info = write_connection_file(ip="127.0.0.1")
        request = {"file": file, "cwd": str(folder), "env": env}
        async with self._asking:
            assert self._process.stdin is not None and self._process.stdout is not None
            self._process.stdin.write(json.dumps(request).encode() + b"\n")
            await self._process.stdin.drain()
            answer = await self._process.stdout.readline()
        if not answer.strip():
            os.unlink(file)
            raise RuntimeError(t("report.error.no_kernel"))
        manager = _Forked(int(answer), file)
        client = AsyncKernelClient()
        client.load_connection_info(info)
        client.allow_stdin = False
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=120)
        except BaseException:
            await _stop_kernel(manager, client)
            raise
        return manager, client

    async def close(self) -> None:
        """Stop the zygote, and with it every kernel it forked."""
        with contextlib.suppress(ProcessLookupError):
            self._process.terminate()
        try:
            await asyncio.wait_for(self._process.wait(), 10)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()


class _Spawned:
    """Kernels for systems without ``os.fork`` (Windows): each report's kernel is a new process
    that does its own imports — slower than :class:`_Zygote`'s, as isolated, the same pages."""

    @classmethod
    async def start(cls, modules: list[str], langs: list[str], chinese: bool) -> _Spawned:
        return cls()

    async def kernel(self, folder: Path, env: dict[str, str]) -> tuple[Any, Any]:
        from jupyter_client.manager import start_new_async_kernel

        return await start_new_async_kernel(
            startup_timeout=120,
            kernel_name="python3",
            cwd=str(folder),
            env=env,
            extra_arguments=KERNEL_ARGUMENTS,
        )

    async def close(self) -> None:
        pass


#: kernels forked from a warm process where the system can fork, else started one by one
_FORK = hasattr(os, "fork")


def _zygote() -> None:
    """The zygote's own code (see :class:`_Zygote`): import, then fork a kernel for each
    request read from stdin, answering with its process id."""
    import importlib
    import signal

    from .i18n import catalog

    forked: list[int] = []

    def stop(*_signal: object) -> None:  # the kernels go with the zygote, and before it
        for pid in forked:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for pid in forked:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)  # until it is gone (reaped by the system: SIGCHLD ignored)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    task = json.loads(sys.argv[1])
    for module in task["modules"]:
        with contextlib.suppress(Exception):  # left for the report to name
            importlib.import_module(module)
    for lang in task["langs"]:
        catalog(lang)
    if task["chinese"]:  # jieba's dictionary (~0.9 s), which tables wrap Chinese text by
        with contextlib.suppress(Exception):
            importlib.import_module("commlib.cjk")._jieba()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the system reaps the kernels
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _forked_kernel(request)
        forked.append(pid)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
    stop()


def _forked_kernel(request: dict[str, Any]) -> None:
    """Become the kernel of one report, in its folder and environment; never returns."""
    import signal

    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # what the kernel prints goes to the notebook, never the terminal
            os.dup2(quiet, fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["ipykernel_launcher", "-f", request["file"]]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        # parent_handle: the kernel ends when the zygote does (the zygote ends with its parent)
        app.initialize(
            [*sys.argv[1:], f"--IPKernelApp.parent_handle={os.getppid()}", *KERNEL_ARGUMENTS]
        )
        app.start()
    finally:
        os._exit(0)


class _Forked:
    """What nbclient asks of a kernel manager, for a kernel the zygote forked."""

    has_kernel = True

    def __init__(self, pid: int, file: str) -> None:
        self.pid, self.file = pid, file

    async def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    async def interrupt_kernel(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGINT)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        await self.cleanup_resources()

    async def cleanup_resources(self, restart: bool = False) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.file)


async def _stop_kernel(manager: Any, client: Any) -> None:
    client.stop_channels()
    await manager.shutdown_kernel(now=True)


class _Kernels:
    """Single-use kernels, one per report, each forked ``ahead`` reports before it is needed
    (in its report's folder, with its environment), so one is ready when a report begins."""

    def __init__(
        self,
        zygote: _Zygote | _Spawned,
        starts: Sequence[tuple[Path, dict[str, str]]],
        ahead: int,
    ) -> None:
        self._zygote, self._starts, self._ahead = zygote, starts, ahead
        self._tasks: dict[int, asyncio.Task[tuple[Any, Any]]] = {}
        for i in range(ahead):
            self._start(i)

    def _start(self, i: int) -> None:
        if i < len(self._starts) and i not in self._tasks:
            self._tasks[i] = asyncio.create_task(self._zygote.kernel(*self._starts[i]))

    async def take(self, i: int) -> tuple[Any, Any]:
        """The kernel of report ``i`` (never given to another report)."""
        self._start(i)
        self._start(i + self._ahead)
        try:
            return await self._tasks.pop(i)
        except Exception:  # a kernel may die starting on a loaded machine: one more try
            pass
        try:
            return await self._zygote.kernel(*self._starts[i])
        except Exception as err:  # the zygote stopped, or no kernel answers
            raise ReportError(t("report.error.run_failed", error=_first_line(err))) from None

    async def close(self) -> None:
        """Stop the kernels started for reports that did not run, then the zygote."""
        for task in self._tasks.values():
            task.cancel()
        for done in await asyncio.gather(*self._tasks.values(), return_exceptions=True):
            if isinstance(done, tuple):
                await _stop_kernel(*done)
        self._tasks.clear()
        await self._zygote.close()


async def _execute(nb: Any, manager: Any, client: Any) -> None:
    """Run ``nb`` in a kernel of :class:`_Kernels`, then stop the kernel."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    class Runner(NotebookClient):  # type: ignore[misc]
        @contextlib.asynccontextmanager
        async def async_setup_kernel(self, **_options: Any) -> AsyncIterator[None]:
            # the kernel is started and stopped here, and Ctrl-C is the caller's: nbclient's own
            # setup would take SIGINT and SIGTERM over to stop the kernel, not the export
            yield

    runner = Runner(nb, km=manager, timeout=600, store_widget_state=False)
    runner.kc = client
    try:
        await runner.async_execute()
    except CellExecutionError as err:
        if err.ename == "NothingToShow":
            raise NothingToReport(t("report.error.nothing", reason=err.evalue)) from None
        raise ReportError(_failed(nb, err)) from None
    except Exception as err:  # the kernel died, or could not start
        raise ReportError(t("report.error.run_failed", error=_first_line(err))) from None
    finally:
        await _stop_kernel(manager, client)


def _first_line(err: BaseException) -> str:
    return next(iter(str(err).splitlines()), "") or type(err).__name__


def _failed(nb: Any, err: Any) -> str:
    """One line: which cell failed (its number and first line) and the error.

    The error is read from the cell's error output: the exception nbclient raises names
    ``NoneType`` when the failure came from showing the result (e.g. altair's MaxRowsError).
    """
    ours = {"injected", "commlib-setup", _PERIOD_TAG}
    cells = [c for c in nb.cells if not ours & set(c.metadata.get("tags", []))]
    for number, cell in enumerate(cells, 1):  # numbered as in the notebook file
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                value = next((v for v in str(output.get("evalue", "")).splitlines() if v), "")
                reason = f"{output.get('ename', '')}: {value}".strip()
                return t("report.error.cell_failed", cell=number, source=first[:80], error=reason)
    return t("report.error.run_failed", error=_first_line(err))


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


def _prepared_by(project: Any) -> str:
    """The project team's addresses: its people (``name@domain``), else its domains."""
    team = [str(a) for a in getattr(project, "team", None) or []]
    people = [a for a in team if "@" in a]
    return ", ".join(people or team)


def _facts(
    project: Any, audience: str, period: tuple[date | None, date], now: datetime
) -> list[tuple[str, str]]:
    """The title block: project, client, the period the report covers, who prepared it (the
    project's team; left out when it has none), when, and a warning on internal reports."""
    since, until = period
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


#: the last cell of a report's run: the period the notebook settled on (its ``since``,
#: ``until`` and ``today`` after its own defaults), read back for the title block
_PERIOD_TAG = "commlib-period"
_PERIOD_MARK = "commlib-period "
_PERIOD_SOURCE = (
    "import datetime as _commlib_dt, json as _commlib_json\n"
    "print(" + repr(_PERIOD_MARK) + " + _commlib_json.dumps({_k: (_v.isoformat()"
    " if isinstance(_v, _commlib_dt.date) else None) for _k, _v in"
    " ((_k, globals().get(_k)) for _k in ('since', 'until', 'today'))}))"
)


def _add_period_cell(nb: Any) -> None:
    import nbformat

    nb.cells.append(nbformat.v4.new_code_cell(_PERIOD_SOURCE, metadata={"tags": [_PERIOD_TAG]}))


def _take_period(nb: Any) -> dict[str, date | None]:
    """Remove the period cell and return what it printed (``{}`` when it printed nothing)."""
    found: dict[str, date | None] = {}
    for cell in [c for c in nb.cells if _PERIOD_TAG in c.metadata.get("tags", [])]:
        nb.cells.remove(cell)
        for output in cell.get("outputs", []):
            for line in str(output.get("text", "")).splitlines():
                if line.startswith(_PERIOD_MARK):
                    values = json.loads(line[len(_PERIOD_MARK) :])
                    found = {k: _iso_day(v) for k, v in values.items()}
    return found


def _iso_day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def report_period(
    ran: dict[str, date | None], since: date | None, until: date | None, today: date
) -> tuple[date | None, date]:
    """The period a report covers: the notebook's own ``since``/``until`` after its defaults
    (a status review: the 14 days before ``until``), else the ones given, else up to today."""
    end = ran.get("until") or until or ran.get("today") or today
    return ran.get("since") or since, end


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


def _store_url(store: object) -> str | None:
    """The store's URL, a path (or ``$COMMLIB_DB``) made absolute: the report's kernel runs in
    the notebook's folder, and opens the store the report was asked for."""
    from .store import resolve_url

    url = getattr(store, "url", None)
    if isinstance(url, str):
        return url
    value = None if store is None else os.fspath(store)  # type: ignore[arg-type]
    try:
        return resolve_url(value)
    except CommlibError:  # not a store: said when the report opens it
        return value


@dataclass(frozen=True)
class _Report:
    """One report to write, its arguments checked (what needs no store and no notebook read)."""

    path: Path  # the notebook
    project: str
    audience: str
    lang: str
    since: date | None
    until: date | None
    target: Path
    format: str
    db: str | None

    @property
    def kernel(self) -> tuple[Path, dict[str, str]]:
        """Where its kernel runs, and with what environment."""
        env = dict(os.environ)
        if self.db is not None:
            env["COMMLIB_DB"] = self.db
        return self.path.parent, env

    def prepare(self) -> tuple[Any, Any]:
        """The project's record and the notebook to run (parameters and kernel setup in)."""
        from .store import Store

        opened = Store(self.db)
        try:
            record = opened.project(self.project)
        finally:
            opened.close()
        nb = _read(self.path)
        names = declared(nb)
        if self.audience == "client" and "audience" not in names:
            raise ReportError(t("report.error.no_audience", name=self.path.stem))
        values: dict[str, object] = {
            "project": self.project,
            "lang": self.lang,
            "audience": self.audience,
        }
        if self.since is not None:
            values["since"] = self.since
        if self.until is not None:
            values["until"] = self.until
            if "until" not in names:
                values["today"] = self.until
        _inject(nb, values)
        # Session cells (forms, and what creates records for them) are not run: a report reads;
        # text about the team's own analysis (tagged ``internal``) is not for a client.
        left_out = {SESSION_TAG, *([INTERNAL_TAG] if self.audience == "client" else [])}
        nb.cells = [c for c in nb.cells if not left_out & set(c.metadata.get("tags", []))]
        _add_period_cell(nb)
        _exporter(), vega_bundle()  # loaded while the kernel starts
        return nb, record

    def finish(self, nb: Any, record: Any) -> Path:
        """The page of the notebook run, written in the report's format."""
        now = datetime.now(UTC)
        period = report_period(_take_period(nb), self.since, self.until, now.date())
        _clean(nb)
        heading = localise(nb, self.lang) or self.path.stem
        drop_empty_sections(nb)
        with language(self.lang):
            title = t("report.title.heading", project=record.name, notebook=heading)
            facts = _facts(record, self.audience, period, now)
            footer = t("report.footer", tool=f"commlib {__version__}")
        html = _to_html(nb, title, facts, self.lang, vega_bundle(), footer)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        start, end = period  # the period the report covers, as its title block says
        document = formats.Document(
            html, self.path.stem, heading, title, self.lang, self.audience, record, start, end,
            self.db,
        )  # fmt: skip
        return formats.write(self.format, document, self.target)


def _plan(
    store: object,
    name: str,
    project: str,
    *,
    audience: str = "internal",
    lang: str | None = None,
    since: date | None = None,
    until: date | None = None,
    out: str | os.PathLike[str] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    format: str = "html",
) -> _Report:
    formats.check(format)
    if audience not in ("internal", "client"):
        raise ReportError(t("error.audience"))
    path = _notebook(notebooks_dir(notebooks), name)
    target = Path(out) if out is not None else Path(f"{path.stem}.{format}")
    code = normalise(lang) if lang else get_language()
    return _Report(path, project, audience, code, since, until, target, format, _store_url(store))


async def _run(
    reports: Sequence[_Report], workers: int, done: Callable[[int, Path | CommlibError], object]
) -> list[Path | CommlibError]:
    """Write ``reports``, ``workers`` at a time, each in a kernel of its own started ahead;
    ``done(i, result)`` as each one ends. A report that fails does not stop the others."""
    modules = [*WARM_UP, *(m for r in reports for m in imported(r.path))]
    langs = sorted({r.lang for r in reports})
    # Chinese text to wrap: a report in Chinese, or about a project named in Chinese
    chinese = any(r.lang == "zh" or HAN.search(r.project) for r in reports)
    parent = _Zygote if _FORK else _Spawned
    zygote = await parent.start(list(dict.fromkeys(modules)), langs, chinese)
    kernels = _Kernels(zygote, [r.kernel for r in reports], ahead=workers)
    turns = asyncio.Semaphore(workers)

    async def one(i: int, report: _Report) -> Path | CommlibError:
        async with turns:
            try:
                nb, record = await asyncio.to_thread(report.prepare)
                await _execute(nb, *await kernels.take(i))
                result: Path | CommlibError = await asyncio.to_thread(report.finish, nb, record)
            except CommlibError as err:
                result = err
        done(i, result)
        return result

    try:
        return await asyncio.gather(*(one(i, r) for i, r in enumerate(reports)))
    finally:
        await kernels.close()


def _wait(work: Coroutine[Any, Any, list[Path | CommlibError]]) -> list[Path | CommlibError]:
    """Run ``work`` to its end: here, or in a thread of its own when this thread already runs
    an event loop (``export_report`` called from a notebook's cell)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


def export_report(
    store: object,
    name: str,
    project: str,
    *,
    audience: str = "internal",
    lang: str | None = None,
    since: date | None = None,
    until: date | None = None,
    out: str | os.PathLike[str] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    format: str = "html",
) -> Path:
    """Run ``notebooks/<name>.ipynb`` for ``project`` and write a self-contained HTML report
    (``format="pdf"``: printed to PDF; ``"eml"``: an e-mail draft, see :mod:`commlib.formats`).

    ``store`` is a path, a URL, a ``Store`` or ``None`` (``$COMMLIB_DB``). ``until`` is also
    the notebook's ``today`` when it declares one. Returns the path written
    (default: ``<name>.<format>`` in the working folder). The notebook's kernel starts first
    and imports what reports use while the store and the notebook are read.
    """
    report = _plan(
        store, name, project, audience=audience, lang=lang, since=since, until=until, out=out,
        notebooks=notebooks, format=format,
    )  # fmt: skip
    (result,) = _wait(_run([report], 1, lambda _i, _result: None))
    if isinstance(result, CommlibError):
        raise result
    return result


def export_many(
    store: object,
    reports: Sequence[dict[str, Any]],
    *,
    workers: int = 2,
    progress: Callable[[Path], object] | None = None,
    skipped: Callable[[Path, NothingToReport], object] | None = None,
    failed: Callable[[Path, CommlibError], object] | None = None,
) -> list[Path]:
    """Write several reports, each given as the arguments of :func:`export_report` after
    ``store`` (``{"name": ..., "project": ..., "out": ...}``), ``workers`` at a time: each runs
    in a kernel of its own, forked ahead of need from a process that has imported what the
    reports use. Returns the paths written, in the order given.

    ``progress`` is called with each notebook as it is done. Once all are done, in the order
    given, a notebook with nothing for its audience is passed to ``skipped`` with the reason,
    and one that failed to ``failed`` with its one-line error (without ``failed``, the first
    failure is raised, the others written).
    """
    planned = [_plan(store, **report) for report in reports]

    def done(i: int, _result: Path | CommlibError) -> None:
        if progress is not None:
            progress(planned[i].path)

    results = _wait(_run(planned, max(1, workers), done)) if planned else []
    for report, result in zip(planned, results, strict=True):
        if isinstance(result, NothingToReport):
            if skipped is not None:
                skipped(report.path, result)
        elif isinstance(result, CommlibError):
            if failed is None:
                raise result
            failed(report.path, result)
    return [r for r in results if isinstance(r, Path)]


def reportable(
    notebooks: str | os.PathLike[str] | None = None, audience: str = "internal"
) -> list[Path]:
    """Notebooks whose ``parameters`` cell declares ``project`` (and ``audience``, for clients)."""
    found = []
    for path in sorted(notebooks_dir(notebooks).glob("*.ipynb")):
        names = declared(json.loads(path.read_text(encoding="utf-8")))  # no nbformat: quick
        if "project" in names and (audience != "client" or "audience" in names):
            found.append(path)
    return found


def export_all(
    store: object,
    project: str,
    out_dir: str | os.PathLike[str],
    *,
    audience: str = "internal",
    lang: str | None = None,
    since: date | None = None,
    until: date | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    progress: Callable[[Path], object] | None = None,
    skipped: Callable[[Path, NothingToReport], object] | None = None,
    failed: Callable[[Path, CommlibError], object] | None = None,
    format: str = "html",
    workers: int = 2,
) -> list[Path]:
    """One report per notebook that declares ``project``, written to ``out_dir/<name>.<format>``
    through :func:`export_many` (``progress``, ``skipped``, ``failed`` and ``workers`` as there).

    A client export skips notebooks that do not declare ``audience`` (they could not keep
    internal records out).
    """
    formats.check(format)
    folder = Path(out_dir)
    options = {"audience": audience, "lang": lang, "since": since, "until": until}
    reports = [
        {"name": path.stem, "project": project, "out": folder / f"{path.stem}.{format}",
         "notebooks": path.parent, "format": format, **options}
        for path in reportable(notebooks, audience)
    ]  # fmt: skip
    return export_many(
        store, reports, workers=workers, progress=progress, skipped=skipped, failed=failed
    )
