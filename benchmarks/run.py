"""Run every benchmark (``bench_*.py``, each with a ``main()`` returning result rows) and
write ``results.json`` and ``results.md``. ``make bench`` calls this."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from _harness import write  # noqa: E402


def main() -> int:
    results = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        sys.argv = [str(path)]
        rows = module.main()
        for row in rows:
            print(row, flush=True)
        results += rows
    write(results)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
