"""Shared by the benchmarks: time a function against a baseline in the same run.

Each measurement is a row ``{"name", "value", "unit", "baseline", "ratio", "target", "ok"}``:
``value`` is commlib's median time (or size, or rate), ``baseline`` the same work done with
plain tools in the same process right before or after, ``ratio = value / baseline`` and ``ok``
whether the target is met. Ratios, not seconds, are compared: the machines are shared and noisy.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def median_time(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs (after a collection each time)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(
    name: str,
    ours: Callable[[], Any],
    baseline: Callable[[], Any],
    *,
    target: float,
    repeat: int = 3,
) -> dict[str, Any]:
    """Time ``ours`` and ``baseline`` interleaved; ``ok`` when ours/baseline <= target."""
    a, b = [], []
    for _ in range(repeat):
        b.append(median_time(baseline, 1))
        a.append(median_time(ours, 1))
    value, base = statistics.median(a), statistics.median(b)
    return row(name, value, "s", base, target, value / base <= target)


def row(
    name: str, value: float, unit: str, baseline: float | None, target: float | None, ok: bool
) -> dict[str, Any]:
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


def write(results: list[dict[str, Any]], folder: Path = HERE) -> None:
    """``results.json`` and a readable ``results.md`` next to the benchmarks."""
    (folder / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Benchmark results",
        "",
        "Measured by `make bench` on this project's machine kind (2 cores); each value is next to",
        "a baseline doing the same work with plain tools in the same run.",
        "",
        "| benchmark | value | baseline | ratio | target | ok |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        base = "—" if r["baseline"] is None else f"{r['baseline']} {r['unit']}"
        ratio = "—" if r["ratio"] is None else f"{r['ratio']}×"
        target = "—" if r["target"] is None else f"≤ {r['target']}"
        lines.append(
            f"| {r['name']} | {r['value']} {r['unit']} | {base} | {ratio} | {target} | "
            f"{'yes' if r['ok'] else 'NO'} |"
        )
    (folder / "results.md").write_text("\n".join(lines) + "\n")
