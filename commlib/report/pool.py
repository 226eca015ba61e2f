"""The kernels reports run in: one per report, never reused, so nothing of one report reaches
the next and a report is the same, byte for byte, alone or among others.

Where the system can fork (Linux and other Unix systems), a *zygote* process imports what the
reports use (their notebooks' imports, :data:`WARM_UP`, the catalogs of their languages) once,
then forks one kernel per report, ahead of need (:class:`Kernels`); elsewhere each kernel is a
new process. :func:`execute` runs a notebook in one with nbclient and names a failure in one
line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import NothingToReport, ReportError
from ..i18n import t
from .parameterize import INJECTED_TAGS

#: what every report's kernel imports (the kernel, its setup, the surveys the summaries read),
#: besides what its notebook imports
WARM_UP = (
    "ipykernel.kernelapp", "altair", "commlib.report.kernel", "commlib.display",
    "commlib.live.page", "commlib.surveys",
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
            sys.executable, "-c", f"from {__name__} import _zygote; _zygote()",
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

    from ..i18n import catalog

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


class Kernels:
    """Single-use kernels, one per report, each forked ``ahead`` reports before it is needed
    (in its report's folder, with its environment), so one is ready when a report begins."""

    @classmethod
    async def open(
        cls,
        starts: Sequence[tuple[Path, dict[str, str]]],
        ahead: int,
        modules: list[str],
        langs: list[str],
        chinese: bool,
    ) -> Kernels:
        """The kernels of reports that run in ``starts`` (folder, environment), from a zygote
        that imported ``modules`` and the catalogs of ``langs`` (and jieba's dictionary when
        there is ``chinese`` text to wrap) where the system can fork."""
        parent = _Zygote if _FORK else _Spawned
        return cls(await parent.start(modules, langs, chinese), starts, ahead)

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


async def execute(nb: Any, manager: Any, client: Any) -> None:
    """Run ``nb`` in a kernel of :class:`Kernels`, then stop the kernel."""
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
    cells = [c for c in nb.cells if not INJECTED_TAGS & set(c.metadata.get("tags", []))]
    for number, cell in enumerate(cells, 1):  # numbered as in the notebook file
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                value = next((v for v in str(output.get("evalue", "")).splitlines() if v), "")
                reason = f"{output.get('ename', '')}: {value}".strip()
                return t("report.error.cell_failed", cell=number, source=first[:80], error=reason)
    return t("report.error.run_failed", error=_first_line(err))
