"""Reports: how long one takes to export, and how large the HTML files get.

- what the user waits for: ``commlib report status_review --audience client`` for the zh demo
  project, the CLI in a fresh process, vs the floor: stock ``jupyter nbconvert --execute --to
  html`` of a one-cell notebook, in a fresh process too. Target: ≤ 1.5x.
- ``commlib report --all`` for the same project (6 client reports), the CLI in a fresh process,
  vs that same floor. Target: ≤ 2.5x.
- export time of the zh demo project's ``status_review`` report (client) through
  ``commlib.report.export_report`` vs the floor: an empty notebook (a heading and a
  ``parameters`` cell) exported the same way. Both run warm (the Vega bundle in the user's
  cache folder and the disk cache are warmed by the size pass below), alternating. Target:
  within 2x.
- the largest report file of all reports of both demo projects, client and internal, each in
  its project's language. Target: ≤ 1.5 MB (10^6 bytes). Baseline: the empty report.
- the largest report (internal: every record) of the zh demo project grown to 20,000 contacts,
  copies of its own contacts spread over its weeks. Target: ≤ 1.5 MB.

Run: ``python benchmarks/bench_report.py`` (``COMMLIB_BENCH_QUICK=1``: two notebooks only,
2,000 contacts).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from _harness import MB, QUICK, alternate, compare, row

from commlib import Store, _schema
from commlib.demo import build_demo
from commlib.report import export_many, export_report, reportable

TIMED = "status_review"
QUICK_REPORTS = ["contacts", "status_review"]
ROUNDS = 2 if QUICK else 3
LARGE_CONTACTS = 2_000 if QUICK else 20_000
TIME_TARGET = 2.0
CLI_TARGET = 1.5  # one report, vs stock nbconvert of a one-cell notebook
ALL_TARGET = 2.5  # --all for one project, vs the same
SIZE_TARGET = 1.5  # MB


def empty_notebook(folder: Path) -> Path:
    """The floor: what every report has (title block, Vega bundle, styles) and nothing else."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    parameters = 'project = ""\naudience = "internal"\nlang = "zh"'
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Empty"),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
    ]
    folder.mkdir()
    nbformat.write(nb, folder / "empty.ipynb")
    return folder


def export_reports(
    db: str, project: str, audience: str, lang: str, out: Path
) -> tuple[list[Path], list[str]]:
    """Every report a project has for ``audience`` (two of them in quick mode), in one batch:
    the files written, and the reports that failed (with why)."""
    names = QUICK_REPORTS if QUICK else [p.stem for p in reportable(audience=audience)]
    failed: list[str] = []
    todo = [
        {"name": name, "project": project, "audience": audience, "lang": lang,
         "out": out / f"{name}.html"}
        for name in names
    ]  # fmt: skip
    written = export_many(
        db, todo, failed=lambda path, err: failed.append(f"{path.stem} ({audience}): {err}")
    )
    return written, failed


def one_cell_notebook(folder: Path) -> Path:
    """The floor of the CLI rows: a notebook of one code cell, for stock nbconvert."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    folder.mkdir()
    nbformat.write(nb, folder / "one.ipynb")
    return folder / "one.ipynb"


def fresh(*args: str) -> None:
    """Run a command in a new process, as a user would; it must succeed."""
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cli_rows(db: str, project: str, folder: Path) -> list[dict]:
    """One client report and ``--all`` for one project, each by the CLI in a fresh process,
    vs stock nbconvert of a one-cell notebook in a fresh process, interleaved."""
    notebook = one_cell_notebook(folder / "one")
    jupyter = Path(sys.executable).with_name("jupyter")

    def stock() -> None:
        fresh(str(jupyter), "nbconvert", "--execute", "--to", "html", str(notebook))

    commlib = [sys.executable, "-m", "commlib.cli", "--db", db, "report"]
    client = ["--project", project, "--audience", "client"]

    def one() -> None:
        fresh(*commlib, TIMED, *client, "-o", str(folder / "cli.html"))

    def every() -> None:
        fresh(*commlib, "--all", *client, "-o", str(folder / "cli-all"))

    count = len(reportable(audience="client"))
    return [
        compare(
            f"`commlib report {TIMED} --audience client` (zh demo, fresh process) vs stock "
            "`jupyter nbconvert --execute --to html` of a one-cell notebook",
            one,
            stock,
            target=CLI_TARGET,
            repeat=ROUNDS,
        ),
        compare(
            f"`commlib report --all --audience client` ({count} reports, fresh process) vs "
            "the same stock nbconvert",
            every,
            stock,
            target=ALL_TARGET,
            repeat=ROUNDS,
        ),
    ]


def grow_contacts(store: Store, project: str, total: int, seed: int = 3) -> None:
    """Copy the project's contacts (with their stakeholders) until it has ``total``, each copy
    on a random day between its first and last contact, at the original's time of day."""
    rng = random.Random(seed)
    contacts = _schema.TABLES["contacts"]
    links = _schema.LINKS[("contacts", "stakeholder_ids")]
    project_id = store.project(project).id
    with store.transaction() as conn:
        rows = conn.execute(
            sa.select(contacts).where(contacts.c.project_id == project_id)
        ).mappings()
        originals = [dict(r) for r in rows]
        people: dict[int, list[int]] = {}
        for contact_id, person in conn.execute(
            sa.select(links.c.contact_id, links.c.stakeholder_id)
        ):
            people.setdefault(contact_id, []).append(person)
        first = min(c["when"] for c in originals).date()
        days = (max(c["when"] for c in originals).date() - first).days
        next_id = conn.execute(sa.select(sa.func.max(contacts.c.id))).scalar() + 1
        copies, copied_links = [], []
        for new_id in range(next_id, next_id + total - len(originals)):
            c = rng.choice(originals)
            day = first + timedelta(days=rng.randrange(days + 1))
            when = datetime.combine(day, c["when"].timetz())
            copies.append({**c, "id": new_id, "when": when, "source": "bench", "source_id": None})
            copied_links += [
                {"contact_id": new_id, "stakeholder_id": p, "position": i}
                for i, p in enumerate(people.get(c["id"], []))
            ]
        conn.execute(contacts.insert(), copies)
        conn.execute(links.insert(), copied_links)


def largest(
    name: str, folder: Path, written: list[Path], failed: list[str], empty_mb: float
) -> dict:
    """The largest file written; a report that could not be written fails the target too."""
    path = max(written, key=lambda p: p.stat().st_size, default=None)
    size = path.stat().st_size / MB if path else 0.0
    where = path.relative_to(folder) if path else "none"
    note = f" {len(failed)} FAILED: {'; '.join(failed)}" if failed else ""
    name = f"{name}: {where} (largest of {len(written)}){note}"
    ok = size <= SIZE_TARGET and not failed
    return row(name, size, "MB", empty_mb, f"≤ {SIZE_TARGET} MB, none failing", ok)


def main() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = str(folder / "demo.db")
        store = Store(db)
        projects = build_demo(store)
        empty_dir = empty_notebook(folder / "empty")
        zh = next(p for p in projects if p.language == "zh")

        # Sizes first: this pass also warms the Vega bundle and the disk cache for the timing.
        empty = export_report(
            db, "empty", zh.name, audience="client", out=folder / "empty.html", notebooks=empty_dir
        )
        empty_mb = empty.stat().st_size / MB
        written, failed = [], []
        for project in projects:
            for audience in ("client", "internal"):
                out = folder / project.language / audience
                files, errors = export_reports(db, project.name, audience, project.language, out)
                written += files
                failed += errors
        name = "largest report of the demo projects (client and internal)"
        results = [largest(name, folder, written, failed, empty_mb)]

        def ours() -> None:
            export_report(db, TIMED, zh.name, audience="client", out=folder / "timed.html")

        def floor() -> None:
            export_report(db, "empty", zh.name, audience="client", out=empty, notebooks=empty_dir)

        a, b = alternate(ours, floor, ROUNDS)
        value, base = statistics.median(a), statistics.median(b)
        results.insert(
            0,
            row(
                f"report export: {TIMED} (zh demo, client) vs an empty notebook",
                value,
                "s",
                base,
                f"ratio ≤ {TIME_TARGET}×",
                value / base <= TIME_TARGET,
            ),
        )

        results[:0] = cli_rows(db, zh.name, folder)

        grow_contacts(store, zh.name, LARGE_CONTACTS)
        store.close()
        written, failed = export_reports(db, zh.name, "internal", "zh", folder / "large")
        name = f"largest report of a project with {LARGE_CONTACTS:,} contacts (internal)"
        results.append(largest(name, folder, written, failed, empty_mb))
    return results


if __name__ == "__main__":
    for result in main():
        print(result)
