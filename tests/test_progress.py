"""Progress of long work: the API's ``progress(done, total)`` callback and the bar the
command line draws from it (only where someone watches)."""

import os
import subprocess
import sys

import pytest
from tqdm import tqdm

from commlib import progress
from commlib.importers import import_files

from .test_importers import EML, make_project, samples


def _mailbox(n: int) -> bytes:
    return b"".join(
        b"From zhang@huachen.cn Thu Mar  5 14:30:00 2026\n"
        + EML.replace(b"<plan@", b"<plan%d@" % i).replace(b"\r\n", b"\n")
        + b"\n"
        for i in range(n)
    )


@pytest.fixture
def folder(tmp_path):
    src = samples(tmp_path)
    (src / "a.eml").write_bytes(EML)
    (src / "b.mbox").write_bytes(_mailbox(5))
    (src / "c.csv").write_text("not,a,known\nlayout,at,all\n", encoding="utf-8")
    return src


def test_imports_report_their_progress_in_bytes_up_to_the_total(store, folder):
    make_project(store)
    seen: list[tuple[float, float]] = []
    reports = import_files(store, folder, "ERP", progress=lambda d, t: seen.append((d, t)))
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert {t for _, t in seen} == {total}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[0] == 0 and done[-1] == total
    # the mailbox says how far it has got, message by message, not only when it ends
    eml, mbox = (folder / "a.eml").stat().st_size, (folder / "b.mbox").stat().st_size
    inside = [d for d in done if eml < d < eml + mbox]
    assert len(inside) >= 4
    assert [r.added for r in reports] == [1, 5, 0] and reports[2].refused


def test_no_bar_is_drawn_where_nobody_watches(monkeypatch, capsys):
    monkeypatch.setenv("COMMLIB_PROGRESS", "0")
    with progress.bar("Importing") as advance:
        advance(5, 10)
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("COMMLIB_PROGRESS")
    assert progress.shown() is False  # pytest's stderr is not a terminal


def _cli(folder, db, *args: str, forced: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMMLIB_DB": str(db), "COMMLIB_LANG": "en", "COMMLIB_PROGRESS": forced}
    command = [sys.executable, "-m", "commlib.cli", "import", str(folder), "--project", "ERP"]
    command += args
    return subprocess.run(command, capture_output=True, text=True, env=env)


def test_the_command_line_draws_the_bar_on_stderr_and_leaves_the_results(tmp_path, folder):
    from commlib import Store

    db = tmp_path / "s.db"
    store = Store(db)
    make_project(store)
    store.close()
    drawn = _cli(folder, db, forced="1")
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert "Importing" in drawn.stderr and "100%" in drawn.stderr
    size = tqdm.format_sizeof(total)
    assert f"| {size}/{size} [" in drawn.stderr  # done/total, in bytes
    assert "Importing" not in drawn.stdout and "Total: 3 files" in drawn.stdout
    quiet = _cli(folder, db, forced="0")
    assert quiet.stderr == "" and "Total: 3 files" in quiet.stdout
    assert _cli(folder, db, "--no-progress", forced="1").stderr == ""
    assert "100%" in _cli(folder, db, "--progress", forced="0").stderr


def test_a_survey_export_reports_its_progress_as_its_responses_are_stored(
    store, tmp_path, monkeypatch
):
    from commlib.surveys import data

    make_project(store)
    monkeypatch.setattr(data, "CHUNK_ROWS", 10)
    export = tmp_path / "pulse.csv"
    rows = [f"r{i},{i % 11},{'Yes' if i % 2 else 'No'}" for i in range(50)]
    export.write_text("respondent,Q1 NPS,Q2 Clear?\n" + "\n".join(rows) + "\n", encoding="utf-8")
    seen: list[float] = []
    (report,) = import_files(
        store, export, "ERP", survey="Pulse", progress=lambda d, t: seen.append(d / t)
    )
    assert report.added == 50
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == 1
    stored = [f for f in seen if 0.5 < f < 1]  # each chunk of 10 stored says so
    assert len(stored) >= 4
