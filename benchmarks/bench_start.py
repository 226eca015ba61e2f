"""Start-up: what a user waits for before the first result, each in a fresh process.

- ``commlib import one.eml --project P`` and ``commlib status`` (the console script) vs
  ``python -c "import pandas, sqlalchemy, pydantic"``: the libraries those commands need
  (target ≤ 2×);
- the first code cell of ``notebooks/kickoff.ipynb`` (its imports) in a fresh kernel, timed
  from the request to the kernel's reply, vs ``python -c "import pandas, ipywidgets, altair"``
  in a fresh interpreter (target ≤ 1.3×).

Run: ``python benchmarks/bench_start.py`` (``COMMLIB_BENCH_QUICK=1``: 3 rounds instead of 5).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import QUICK, alternate, compare, row

from commlib import Project, Stakeholder, Store

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPEAT = 3 if QUICK else 5
CLI_TARGET = 2.0
KERNEL_TARGET = 1.3

EML = (
    b"From: Zhang Wei <zhang.wei@huachen.cn>\r\nTo: lead@nimbus-consulting.com\r\n"
    b"Subject: =?utf-8?b?5ZGo5oql?=\r\nDate: Tue, 03 Mar 2026 09:00:00 +0800\r\n"
    b"Message-ID: <one@huachen.example>\r\n\r\nPlease send the weekly report.\r\n"
)


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _python(code: str, env: dict[str, str]) -> None:
    _run([sys.executable, "-c", code], env)


def first_cell() -> str:
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "kickoff.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    return code[1].source  # after the parameters: the imports


def kernel_cell(source: str, env: dict[str, str]) -> float:
    """Seconds from sending ``source`` to a freshly started kernel to its reply (the kernel's
    own start is not counted: JupyterLab starts it while the notebook opens)."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(
        kernel_name="python3",
        cwd=str(ROOT / "notebooks"),
        env=env,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    try:
        start = time.perf_counter()
        reply = client.execute_interactive(source, timeout=120, output_hook=lambda msg: None)
        took = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kickoff's imports failed: {reply['content']}")
        return took
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main() -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="commlib-bench-start-"))
    db = folder / "start.db"
    store = Store(db)
    project = store.add(
        Project(name="P", client="Huachen", start=date(2026, 3, 1), team=["nimbus-consulting.com"])
    )
    store.add(Stakeholder(project_id=project.id, name="Zhang Wei", email="zhang.wei@huachen.cn"))
    store.close()
    eml = folder / "one.eml"
    eml.write_bytes(EML)
    env = {**os.environ, "COMMLIB_DB": str(db), "COMMLIB_LANG": "en"}
    floor = "import pandas, sqlalchemy, pydantic"
    rows = [
        compare(
            "commlib import one.eml vs import pandas, sqlalchemy, pydantic",
            lambda: _run([str(BIN / "commlib"), "import", str(eml), "--project", "P"], env),
            lambda: _python(floor, env),
            target=CLI_TARGET,
            repeat=REPEAT,
        ),
        compare(
            "commlib status vs import pandas, sqlalchemy, pydantic",
            lambda: _run([str(BIN / "commlib"), "status"], env),
            lambda: _python(floor, env),
            target=CLI_TARGET,
            repeat=REPEAT,
        ),
    ]
    source = first_cell()
    times: list[float] = []

    def kickoff() -> None:
        times.append(kernel_cell(source, env))

    _, floors = alternate(
        kickoff, lambda: _python("import pandas, ipywidgets, altair", env), REPEAT
    )
    # the cell's own time (from the kernel's reply), not the kernel's start around it
    value, base = statistics.median(times), statistics.median(floors)
    rows.append(
        row(
            "kickoff.ipynb's first cell in a fresh kernel vs import pandas, ipywidgets, altair",
            value,
            "s",
            base,
            f"ratio ≤ {KERNEL_TARGET}×",
            value / base <= KERNEL_TARGET,
        )
    )
    return rows


if __name__ == "__main__":
    for r in main():
        print(r)
