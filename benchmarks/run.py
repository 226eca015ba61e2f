"""Run every benchmark (``bench_*.py``, each with a ``main()`` returning result rows) and
write ``results.json`` and ``results.md``. ``make bench`` calls this.

    python benchmarks/run.py                  # everything, full sizes; writes the results
    python benchmarks/run.py --quick store    # small sizes, only bench_store; prints only

A quick or partial run prints its table and leaves the results files alone.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
#: the order of the results table (the targets' order); any other bench_*.py comes after
ORDER = ["start", "store", "surveys", "report"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("only", nargs="*", help="run only these (e.g. store surveys report)")
    args = parser.parse_args()
    if args.quick:
        os.environ["COMMLIB_BENCH_QUICK"] = "1"  # read by _harness when it is imported
    import _harness

    facts = _harness.machine()
    start = time.perf_counter()
    results = []
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    names = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    for name in names:
        if args.only and name not in args.only:
            continue
        path = HERE / f"bench_{name}.py"
        module = importlib.import_module(path.stem)
        sys.argv = [str(path)]
        rows = module.main()
        for row in rows:
            print(row, flush=True)
        results += rows
    minutes = (time.perf_counter() - start) / 60
    facts.append(f"- the whole run took {minutes:.1f} min")
    if _harness.QUICK or args.only:
        print("\n".join(_harness.table(results)))
    else:
        _harness.write(results, facts)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
