"""Writing reports: :func:`export_report` runs one notebook for a project and writes its page
(HTML, or another of :mod:`commlib.formats`); :func:`export_many` and :func:`export_all` write
several, two at a time, each in a kernel of its own (:mod:`commlib.report.pool`). A report that
fails leaves the others written. Also here: where the notebooks are (:func:`notebooks_dir`)
and which of them make reports (:func:`reportable`).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import formats
from ..cjk import HAN
from ..errors import CommlibError, NotFound, NothingToReport, ReportError
from ..i18n import get_language, normalise, t
from .html import INTERNAL_TAG, SESSION_TAG, page, preload
from .kernel import setup_source
from .parameterize import add_period_cell, declared, inject, report_period, take_period
from .pool import WARM_UP, Kernels, execute, imported

if TYPE_CHECKING:
    from ..store import Store

# --- the notebooks ----------------------------------------------------------------------------


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

    shipped = files("commlib") / "notebooks"
    if isinstance(shipped, os.PathLike):
        if Path(shipped).is_dir():
            return Path(shipped).resolve()
    elif shipped.is_dir():
        return _copied_notebooks()
    return Path(__file__).resolve().parents[2] / "notebooks"


@functools.cache
def _copied_notebooks() -> Path:
    from importlib.resources import files

    folder = Path(tempfile.mkdtemp(prefix="commlib-notebooks-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    copy_notebooks(files("commlib") / "notebooks", folder)
    return folder


def copy_notebooks(source: Any, folder: Path) -> None:
    """Copy the ``*.ipynb`` of ``source`` (a folder or an ``importlib.resources`` traversable,
    e.g. inside a zip) into ``folder``."""
    for entry in source.iterdir():
        if entry.is_file() and entry.name.endswith(".ipynb"):
            (folder / entry.name).write_bytes(entry.read_bytes())


def _read(path: Path) -> Any:
    import nbformat

    return nbformat.read(path, as_version=4)


def _notebook(folder: Path, name: str) -> Path:
    path = folder / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.ipynb"))) or t("word.none")
        raise NotFound(t("report.error.unknown_notebook", name=name, known=known))
    return path


# --- running and exporting --------------------------------------------------------------------


def _store_url(store: Store) -> str | None:
    """The store's URL, a path (or ``$COMMLIB_DB``) made absolute: the report's kernel runs in
    the notebook's folder, and opens the store the report was asked for."""
    from ..store import resolve_url

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
    project: str | None  # None: a report over many projects (its notebook declares no project)
    audience: str
    lang: str
    since: date | None
    until: date | None
    target: Path
    format: str
    db: str | None
    client: str | None = None  # the client of a report over many projects, if one

    @property
    def kernel(self) -> tuple[Path, dict[str, str]]:
        """Where its kernel runs, and with what environment."""
        env = dict(os.environ)
        if self.db is not None:
            env["COMMLIB_DB"] = self.db
        return self.path.parent, env

    def prepare(self) -> tuple[Any, Any]:
        """The project's record (a stand-in for a report over many projects: :func:`_many`)
        and the notebook to run (parameters and kernel setup in)."""
        from ..store import Store

        nb = _read(self.path)
        names = declared(nb)
        self._check(names)
        opened = Store(self.db)
        try:
            if self.project is not None:
                record = opened.project(self.project)
            else:
                record = _many(opened, self.client, self.audience, self.lang)
        finally:
            opened.close()
        values: dict[str, object] = {
            "project": self.project,
            "client": self.client,
            "lang": self.lang,
            "audience": self.audience,
        }
        values = {k: v for k, v in values.items() if v is not None}
        if self.since is not None:
            values["since"] = self.since
        if self.until is not None:
            values["until"] = self.until
            if "until" not in names:
                values["today"] = self.until
        inject(nb, values, setup_source(self.lang, self.audience))
        # Session cells (forms, and what creates records for them) are not run: a report reads;
        # text about the team's own analysis (tagged ``internal``) is not for a client.
        left_out = {SESSION_TAG, *([INTERNAL_TAG] if self.audience == "client" else [])}
        nb.cells = [c for c in nb.cells if not left_out & set(c.metadata.get("tags", []))]
        add_period_cell(nb)
        preload()  # while the kernel starts
        return nb, record

    def _check(self, names: set[str]) -> None:
        """A notebook that declares ``project`` is a project's report and needs one; one that
        declares ``client`` and no ``project`` covers many projects and takes none."""
        stem = self.path.stem
        if self.project is None and "project" in names:
            raise ReportError(t("portfolio.report.needs_project", name=stem))
        if self.project is not None and "client" in names and "project" not in names:
            raise ReportError(t("portfolio.report.not_per_project", name=stem))
        if self.client is not None and "client" not in names:
            raise ReportError(t("portfolio.report.no_client", name=stem))
        if self.audience == "client" and "audience" not in names:
            raise ReportError(t("report.error.no_audience", name=stem))
        if self.audience == "client" and self.project is None and self.client is None:
            raise ReportError(t("portfolio.report.client_needs_scope"))

    def finish(self, nb: Any, record: Any) -> Path:
        """The page of the notebook run, written in the report's format."""
        now = datetime.now(UTC)
        period = report_period(take_period(nb), self.since, self.until, now.date())
        html, heading, title = page(
            nb, record, self.path.stem, self.lang, self.audience, period, now,
            many=self.project is None,
        )  # fmt: skip
        self.target.parent.mkdir(parents=True, exist_ok=True)
        start, end = period  # the period the report covers, as its title block says
        document = formats.Document(
            html, self.path.stem, heading, title, self.lang, self.audience, record, start, end,
            self.db,
        )  # fmt: skip
        return formats.write(self.format, document, self.target)


def _many(store: Store, client: str | None, audience: str, lang: str) -> Any:
    """What the title block of a report over many projects names: the client (as its
    projects spell it, :func:`commlib.portfolio.client_projects`) and its projects' team,
    else every active project."""
    from ..models import Project
    from ..portfolio import client_projects

    if client is None:
        name = t("portfolio.title.all_active", lang)
        return Project.model_construct(name=name, client="", start=date.today(), team=[])
    found = client_projects(store, client, audience=audience)
    team = list(dict.fromkeys(a for p in found for a in p.team))
    start = min(p.start for p in found)
    return Project.model_construct(
        name=found[0].client, client=found[0].client, start=start, team=team
    )


def _plan(
    store: Store,
    name: str,
    project: str | None = None,
    *,
    client: str | None = None,
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
    if project is None and format == "eml":
        raise ReportError(t("portfolio.report.eml_needs_project", name=path.stem))
    target = Path(out) if out is not None else Path(f"{path.stem}.{format}")
    code = normalise(lang) if lang else get_language()
    return _Report(
        path, project, audience, code, since, until, target, format, _store_url(store), client
    )


async def _run(
    reports: Sequence[_Report], workers: int, done: Callable[[int, Path | CommlibError], object]
) -> list[Path | CommlibError]:
    """Write ``reports``, ``workers`` at a time, each in a kernel of its own started ahead;
    ``done(i, result)`` as each one ends. A report that fails does not stop the others."""
    modules = [*WARM_UP, *(m for r in reports for m in imported(r.path))]
    langs = sorted({r.lang for r in reports})
    # Chinese text to wrap: a report in Chinese, about a project named in Chinese, or about
    # many projects (whose names are not known yet)
    chinese = any(r.lang == "zh" or r.project is None or HAN.search(r.project) for r in reports)
    starts = [r.kernel for r in reports]
    kernels = await Kernels.open(starts, workers, list(dict.fromkeys(modules)), langs, chinese)
    turns = asyncio.Semaphore(workers)

    async def one(i: int, report: _Report) -> Path | CommlibError:
        async with turns:
            try:
                nb, record = await asyncio.to_thread(report.prepare)
                await execute(nb, *await kernels.take(i))
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
    store: Store,
    name: str,
    project: str | None = None,
    *,
    client: str | None = None,
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

    A notebook that declares no ``project`` covers many projects (``portfolio``): it is run
    without one, for ``client`` when given (a notebook declaring ``client``); a client
    report of it needs ``client``. A notebook that declares ``project`` refuses to run
    without one.

    ``store`` is a path, a URL, a ``Store`` or ``None`` (``$COMMLIB_DB``). ``until`` is also
    the notebook's ``today`` when it declares one. Returns the path written
    (default: ``<name>.<format>`` in the working folder). The notebook's kernel starts first
    and imports what reports use while the store and the notebook are read.
    """
    report = _plan(
        store, name, project, client=client, audience=audience, lang=lang, since=since,
        until=until, out=out, notebooks=notebooks, format=format,
    )  # fmt: skip
    (result,) = _wait(_run([report], 1, lambda _i, _result: None))
    if isinstance(result, CommlibError):
        raise result
    return result


def export_many(
    store: Store,
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
    store: Store,
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
