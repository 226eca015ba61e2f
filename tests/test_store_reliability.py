"""Several processes writing at once lose nothing; a process killed mid-write loses only what it
had not been told was saved; an import killed midway leaves nothing of its file."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from commlib import Contact, Store

from .conftest import fill

ROOT = Path(__file__).parent.parent
PROJECT = "华辰 ERP 升级"
BACKENDS = ("sqlite", "postgresql")


def _writer(url: str, count: int, start_at: float, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.writer", url, PROJECT, str(count), str(start_at), tag],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _subjects(store: Store, prefix: str) -> list[str]:
    frame = store.frame("contacts", PROJECT)
    return sorted(s for s in frame["subject"] if s.startswith(prefix))


def test_n_processes_writing_at_once_lose_nothing(store, store_url):
    fill(store)
    n, m = 4, 100
    start_at = time.time() + 3  # time for every process to import commlib and open the store
    writers = [_writer(store_url, m, start_at, f"p{k}") for k in range(n)]
    results = [w.communicate(timeout=300) for w in writers]
    for w, (out, err) in zip(writers, results, strict=True):
        assert w.returncode == 0, err  # no "database is locked", nor any other error
        assert "locked" not in err
        assert len(out.split()) == m
    ids = [int(i) for out, _ in results for i in out.split()]
    assert len(set(ids)) == n * m
    saved = _subjects(store, "p")
    assert len(saved) == n * m
    assert saved == sorted(f"p{k} {i}" for k in range(n) for i in range(m))


def _integrity(store_url: str) -> None:
    if store_url.startswith("postgresql"):
        return  # the server survives its client: nothing of the file's to check
    with sqlite3.connect(store_url) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("after", [5, 60, 200])
def test_a_writer_killed_mid_stream_keeps_every_reported_write(store, store_url, after):
    fill(store)
    writer = _writer(store_url, 100_000, 0, "k")
    reported = []
    assert writer.stdout is not None
    for line in writer.stdout:
        reported.append(int(line))
        if len(reported) >= after:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL
    # the writer ran on while the kill was on its way: what it reported before dying counts
    reported += [int(line) for line in writer.stdout.read().split()]
    _integrity(store_url)
    reopened = Store(store_url)
    try:
        frame = reopened.frame("contacts", PROJECT)
        kept = set(frame.loc[frame["subject"].str.startswith("k "), "id"])
        assert len(reported) >= after
        assert set(reported) <= kept  # every write reported saved is there
        assert len(kept) <= len(reported) + 1  # at most the one in flight besides
        reopened.add(_contact(reopened))  # and the store takes writes again
    finally:
        reopened.close()


def _contact(store: Store) -> Contact:
    return Contact(
        project_id=store.project(PROJECT).id,
        when=datetime(2026, 3, 30, tzinfo=UTC),
        channel="email",
        subject="after the crash",
    )


def _big_contact_log(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            ["when", "stakeholder", "channel", "direction", "subject", "summary", "visibility"]
        )
        for i in range(rows):
            day = 1 + i % 28
            out.writerow([f"2026-03-{day:02d} 10:{i % 60:02d}", "张伟", "email", "inbound",
                          f"imported {i}", "x" * 200, "internal"])  # fmt: skip
    return path


def _writing(store_url: str) -> Callable[[], bool]:
    """Whether a transaction has written and not yet committed: the SQLite write-ahead log
    grew by 256 kB, or a PostgreSQL backend holds a transaction id."""
    if store_url.startswith("postgresql"):
        import psycopg

        info = sa.engine.make_url(store_url)
        dsn = f"host={info.host} port={info.port} user={info.username} dbname={info.database}"
        sql = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )

        def busy() -> bool:
            with psycopg.connect(dsn, autocommit=True) as conn:
                return conn.execute(sql).fetchone()[0] > 0

        return busy
    wal = Path(f"{store_url}-wal")
    size = wal.stat().st_size if wal.exists() else 0
    return lambda: wal.exists() and wal.stat().st_size >= size + 256 * 1024


def test_an_import_killed_midway_leaves_nothing_of_its_file(store, store_url, tmp_path):
    fill(store)
    before = store.counts()[PROJECT]
    source = _big_contact_log(tmp_path / "log.csv", 20_000)
    writing = _writing(store_url)
    child = subprocess.Popen(
        [Path(sys.executable).parent / "commlib", "import", str(source), "--project", PROJECT],
        env={**os.environ, "COMMLIB_DB": store_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # kill once its transaction is writing, before it commits
    deadline = time.monotonic() + 120
    while not writing() and child.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL  # killed, not finished
    _integrity(store_url)
    reopened = Store(store_url)
    try:
        assert reopened.counts()[PROJECT] == before
        assert _subjects(reopened, "imported") == []
    finally:
        reopened.close()
    # the same file, imported again to the end, goes in whole
    done = subprocess.run(
        [Path(sys.executable).parent / "commlib", "import", str(source), "--project", PROJECT],
        env={**os.environ, "COMMLIB_DB": store_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reopened = Store(store_url)
    try:
        assert len(_subjects(reopened, "imported")) == 20_000
    finally:
        reopened.close()


def test_sqlite_waits_for_a_long_writer_instead_of_failing(tmp_path):
    """A write that meets another process's open write transaction waits for it."""
    store = Store(tmp_path / "w.db")
    fill(store)
    holder = sa.create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with holder.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        writer = _writer(str(tmp_path / "w.db"), 3, 0, "late")
        time.sleep(2)  # the writer is blocked on the lock meanwhile
        assert writer.poll() is None
        conn.exec_driver_sql("COMMIT")
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert len(out.split()) == 3
    holder.dispose()
    store.close()
