"""Shared by the benchmarks: measure commlib next to a baseline in the same run, write results.

Each measurement is a row ``{"name", "value", "unit", "baseline", "ratio", "target", "ok"}``:
``value`` is commlib's figure (a median time, a rate, a size), ``baseline`` the same work done
with plain tools (sqlite3, pandas, an empty notebook) in the same process, interleaved with it,
``ratio = value / baseline``, ``target`` what is required (of the ratio or of the value, as it
says) and ``ok`` whether it is met. The machines are shared and noisy, so timings are medians
of several rounds that alternate commlib and baseline, and most targets are ratios.

``COMMLIB_BENCH_QUICK=1`` (or ``run.py --quick``) runs smaller sizes, for development.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
QUICK = os.environ.get("COMMLIB_BENCH_QUICK") == "1"
MB = 1_000_000


def timed(fn: Callable[[], Any]) -> float:
    """Wall time of one call of ``fn`` (after a garbage collection)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(
    ours: Callable[[], Any], baseline: Callable[[], Any], repeat: int = 3
) -> tuple[list[float], list[float]]:
    """Wall times of ``ours`` and ``baseline`` over ``repeat`` rounds; which one goes first
    alternates, so neither always gets the warmer (or the quieter) turn."""
    a: list[float] = []
    b: list[float] = []
    for i in range(repeat):
        if i % 2:
            a.append(timed(ours))
            b.append(timed(baseline))
        else:
            b.append(timed(baseline))
            a.append(timed(ours))
    return a, b


def compare(
    name: str,
    ours: Callable[[], Any],
    baseline: Callable[[], Any],
    *,
    target: float | None,
    repeat: int = 3,
) -> dict[str, Any]:
    """Median times of ``ours`` and ``baseline``; ``ok`` when ours/baseline <= ``target``."""
    a, b = alternate(ours, baseline, repeat)
    value, base = statistics.median(a), statistics.median(b)
    if target is None:
        return row(name, value, "s", base, None, True)
    return row(name, value, "s", base, f"ratio ≤ {target}×", value / base <= target)


def row(
    name: str,
    value: float,
    unit: str,
    baseline: float | None,
    target: str | None,
    ok: bool,
) -> dict[str, Any]:
    """One result; ``target`` says what is required, e.g. ``"ratio ≤ 2×"`` or ``"≥ 2000 /s"``."""
    ratio = value / baseline if baseline else None
    return {
        "name": name,
        "value": round(value, 4),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 4),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": target,
        "ok": bool(ok),
    }


def machine() -> list[str]:
    """What the numbers were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores ({cpu}), load average before the run {load}",
        f"- python {platform.python_version()} on {platform.platform()}",
    ]


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def table(results: list[dict[str, Any]]) -> list[str]:
    """The results as a Markdown table."""
    lines = [
        "| benchmark | value | baseline | ratio | target | ok |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        unit = r["unit"] if r["unit"] == "s" else f" {r['unit']}"
        base = "—" if r["baseline"] is None else f"{_number(r['baseline'])}{unit}"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']}×"
        cells = [r["name"], f"{_number(r['value'])}{unit}", base, ratio, r["target"] or "—"]
        lines.append(f"| {' | '.join(cells)} | {'yes' if r['ok'] else '**NO**'} |")
    return lines


def write(results: list[dict[str, Any]], facts: list[str], folder: Path = HERE) -> None:
    """``results.json`` and a readable ``results.md`` next to the benchmarks."""
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`benchmarks/run.py`); `README.md` says what each row measures.",
        "",
        *facts,
        "",
        *table(results),
        "",
        "`ratio` is value / baseline. For times lower is better; for the insert rate higher is",
        "better (a ratio below 1× means commlib is slower than plain sqlite3).",
        "",
        "Noise: this is a shared 2-core machine, and other work runs next to the benchmarks.",
        "Absolute times move by 30 % or more from run to run (more when the load average is",
        "above 2), so the targets are ratios against a baseline measured in the same run,",
        "interleaved with commlib (the order alternates each round) and summarised by the",
        "median. Ratios still move by about ± 10-20 %; a result near its target can flip",
        "between runs. The insert rate (WAL, synchronous=NORMAL: the log is synced at",
        "checkpoints, not at every commit) still writes to the disk at every commit, and",
        "moves with other processes' disk use: read it next to its baseline and the",
        "in-memory row.",
    ]
    (folder / "results.md").write_text("\n".join(lines) + "\n")
