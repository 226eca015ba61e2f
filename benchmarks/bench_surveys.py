"""Surveys at scale: 1,000,000 responses to a 20-question survey.

Measured next to plain pandas on the same file in the same run:
- import (``commlib import`` of a generic CSV into a new SQLite store) vs ``pandas.read_csv``
  of the file (target: within 4x);
- load (``responses_frame`` + ``codebook`` from that store) vs ``pandas.read_csv`` of the same
  file (target: within 1x: a store reads back faster than the text it came from);
- the full analysis (``commlib.surveys.analysis.analyse``: NPS, CSAT, Likert distributions,
  multi-select, crosstab, waves, drivers, keywords) vs a plain ``groupby``/``value_counts`` over
  every question column (target: within 2x);
- peak memory of the process that loads and analyses them (target: ≤ 2 GB, 10^9 bytes).

The load and the analysis run in a fresh process, so its peak memory is its own (it holds the
loaded frame and, while timing the baseline, a frame read by ``read_csv``).

Run: ``python benchmarks/bench_surveys.py [--rows N]`` (``COMMLIB_BENCH_QUICK=1``: 50,000 rows).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import QUICK, compare, row

from commlib import Project, Store
from commlib.importers import import_files
from commlib.surveys.analysis import analyse
from commlib.surveys.data import codebook, responses_frame

LIKERT = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
TEAMS = ["Finance", "Operations", "IT", "Sales", "Logistics"]
WORDS = ["response time", "documentation", "training", "communication", "quality", "schedule"]
ROWS = 50_000 if QUICK else 1_000_000
IMPORT_TARGET = 4.0  # x pandas.read_csv
LOAD_TARGET = 1.0  # x pandas.read_csv
ANALYSIS_TARGET = 2.0  # x plain pandas
MEMORY_TARGET = 2.0  # GB


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """A generic one-header CSV: an NPS item, 15 Likert items, a department, an overall
    score, a multi-select as text and an open comment (20 questions)."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {
        "respondent": np.arange(1, rows + 1),
        "submitted": pd.Timestamp("2026-03-01")
        + pd.to_timedelta(rng.integers(0, 30 * 86400, rows), unit="s"),
        "Q1 How likely are you to recommend us to a colleague?": rng.integers(0, 11, rows),
    }
    for i in range(2, 17):
        data[f"Q{i} Satisfaction with item {i}"] = np.array(LIKERT)[
            rng.choice(5, rows, p=[0.05, 0.1, 0.25, 0.4, 0.2])
        ]
    data["Q17 Department"] = np.array(TEAMS)[rng.integers(0, len(TEAMS), rows)]
    data["Q18 Overall satisfaction"] = np.array(LIKERT)[
        rng.choice(5, rows, p=[0.05, 0.1, 0.2, 0.45, 0.2])
    ]
    data["Q19 Preferred channel"] = np.array(["E-mail", "Phone", "Meeting", "IM"])[
        rng.integers(0, 4, rows)
    ]
    data["Q20 Comments"] = np.array(WORDS)[rng.integers(0, len(WORDS), rows)]
    pd.DataFrame(data).to_csv(path, index=False)


def peak_memory_gb() -> float:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux carries that over
    ``exec`` from the parent, so a child would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e9  # kB -> GB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


def analysis(db: str, csv: str) -> list[dict]:
    """Time loading the survey from the store against ``read_csv`` of its file, then the
    analysis against plain pandas."""
    store = Store(db)
    loaded: dict[str, pd.DataFrame] = {}

    def load() -> None:
        loaded["frame"] = responses_frame(store, project="Bench", name="Pulse")
        loaded["book"] = codebook(store, project="Bench", name="Pulse")

    load()  # warm: the first query opens the store
    timing = compare("load", load, lambda: pd.read_csv(csv), target=LOAD_TARGET)
    frame, book = loaded["frame"], loaded["book"]
    rows = len(frame)
    timing["name"] = (
        f"survey load as a DataFrame, {rows:,} responses: responses_frame + codebook"
        " vs pandas.read_csv"
    )
    results = [timing]
    columns = list(book["code"])

    def plain() -> None:
        for column in columns:
            frame[column].value_counts()
            frame.groupby("Q17", observed=True)[column].value_counts()

    def ours() -> None:
        analyse(frame, book, overall="Q18", segment="Q17")

    name = f"survey analysis, {rows:,} responses: analyse vs plain value_counts/groupby"
    results.append(compare(name, ours, plain, target=ANALYSIS_TARGET))
    peak = peak_memory_gb()
    name = f"peak memory of the {rows:,}-response load and analysis"
    results.append(row(name, peak, "GB", None, f"≤ {MEMORY_TARGET} GB", peak <= MEMORY_TARGET))
    return results


def main() -> list[dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--analyse", nargs=2, metavar=("DB", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyse:
        return analysis(*args.analyse)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        generate(path, args.rows)

        db = Path(folder) / "bench.db"

        def imported() -> None:
            db.unlink(missing_ok=True)
            store = Store(db)
            project = store.add(Project(name="Bench", client="C", start=date(2026, 1, 1)))
            [report] = import_files(store, [path], project, survey="Pulse", wave="W1")
            assert report.ok and report.added == args.rows, report.to_dict()
            store.close()

        name = f"survey import, {args.rows:,} responses: commlib import vs pandas.read_csv"
        results.append(compare(name, imported, lambda: pd.read_csv(path), target=IMPORT_TARGET))
        # The load and the analysis run in a fresh process, so its peak memory is its own.
        child = subprocess.run(
            [sys.executable, __file__, "--analyse", str(db), str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        results += json.loads(child.stdout)
    return results


if __name__ == "__main__":
    rows = main()
    if "--analyse" in sys.argv:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(r)
