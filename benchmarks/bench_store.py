"""The store: logging contacts one at a time, and reading a large contact log as a DataFrame.

- contact insert rate: ``Store.add(Contact(...))``, each insert its own committed transaction
  on a SQLite file store, vs plain sqlite3 inserting the same rows (the contact and its
  stakeholder link) one committed transaction each, with the store's pragmas (WAL,
  synchronous=NORMAL, foreign keys, busy timeout) on a copy of its schema. Target: commlib
  ≥ 2,000 inserts/s. The same pair on in-memory databases (no disk sync) shows what commlib
  itself costs per insert, without the disk.
- ``Store.frame("contacts", project)`` of 100,000 contacts vs ``pandas.read_sql`` of the same
  rows of the same table over sqlite3. Target: within 1.5x.

Run: ``python benchmarks/bench_store.py`` (``COMMLIB_BENCH_QUICK=1`` for small sizes).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import QUICK, alternate, compare, row

from commlib import Contact, Project, Stakeholder, Store, _schema

INSERTS = 50 if QUICK else 300  # per round
ROUNDS = 3 if QUICK else 5
FRAME_ROWS = 10_000 if QUICK else 100_000
INSERT_TARGET = 2_000  # per second
FRAME_TARGET = 1.5
#: the pragmas commlib.store sets on every SQLite connection
PRAGMAS = ["journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"]
KINDS_COPIED = ("projects", "stakeholders")
#: what both sides must have written alike
SAME = 'SELECT visibility, "when", channel, direction, subject, summary, sentiment FROM contacts'


def contacts(n: int, project_id: int, people: list[int], seed: int) -> list[dict]:
    """Contact fields as a person logging them would enter them: one stakeholder each."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return [
        {
            "project_id": project_id,
            "stakeholder_ids": [rng.choice(people)],
            "when": start + timedelta(minutes=rng.randrange(200 * 24 * 60)),
            "channel": rng.choice(["meeting", "video", "phone", "email", "im"]),
            "direction": rng.choice(["inbound", "outbound"]),
            "subject": f"Weekly sync #{i}: data migration, cut-over plan",
            "summary": "Agreed the cut-over weekend; the client checks the master data first. "
            * rng.randint(1, 4),
            "sentiment": rng.choice([None, -1, 0, 1, 2]),
            "visibility": rng.choice(["internal", "client"]),
        }
        for i in range(n)
    ]


def new_store(url: str) -> tuple[Store, int, list[int]]:
    """A store with one project and five stakeholders."""
    store = Store(url)
    project = store.add(Project(name="Bench", client="C", start=date(2026, 1, 5)))
    people = store.add_all(Stakeholder(project_id=project.id, name=f"P{i}") for i in range(5))
    return store, project.id, [p.id for p in people]


def plain_copy(store: Store, path: str) -> sqlite3.Connection:
    """A sqlite3 database with the store's schema, projects and stakeholders, and its pragmas."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    with store.read() as source:
        raw = source.connection.dbapi_connection
        ddl = raw.execute(
            "SELECT sql FROM sqlite_master WHERE sql NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        tables = {t: raw.execute(f"SELECT * FROM {t}").fetchall() for t in KINDS_COPIED}
    for (sql,) in ddl:
        conn.execute(sql)
    for name, rows in tables.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    return conn


def _moment(value: datetime) -> str:
    """How SQLAlchemy stores a UTC moment in SQLite."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def plain_insert(conn: sqlite3.Connection, c: dict) -> None:
    """One contact and its stakeholder link, one committed transaction."""
    now = _moment(datetime.now(UTC))
    conn.execute("BEGIN IMMEDIATE")
    cursor = conn.execute(
        'INSERT INTO contacts (project_id, visibility, notes, created_at, updated_at, "when", '
        "channel, direction, subject, summary, sentiment, source) "
        "VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, 'manual')",
        (
            c["project_id"],
            c["visibility"],
            now,
            now,
            _moment(c["when"]),
            c["channel"],
            c["direction"],
            c["subject"],
            c["summary"],
            c["sentiment"],
        ),
    )
    conn.executemany(
        "INSERT INTO contacts_stakeholders (contact_id, stakeholder_id, position) VALUES (?, ?, ?)",
        [(cursor.lastrowid, s, i) for i, s in enumerate(c["stakeholder_ids"])],
    )
    conn.execute("COMMIT")


def insert_rate(folder: Path | None) -> dict:
    """Inserts per second, commlib and plain sqlite3 alternating in rounds of ``INSERTS``
    (on files in ``folder``, or in memory when it is None)."""
    store, project_id, people = new_store(str(folder / "commlib.db") if folder else ":memory:")
    conn = plain_copy(store, str(folder / "plain.db") if folder else ":memory:")
    rows = contacts(INSERTS * ROUNDS, project_id, people, seed=1)
    batches = [rows[i : i + INSERTS] for i in range(0, len(rows), INSERTS)]
    ours_todo, plain_todo = iter(batches), iter(batches)

    def ours() -> None:
        for c in next(ours_todo):
            store.add(Contact(**c))

    def plain() -> None:
        for c in next(plain_todo):
            plain_insert(conn, c)

    a, b = alternate(ours, plain, ROUNDS)
    with store.read() as read:
        assert read.exec_driver_sql(SAME).fetchall() == conn.execute(SAME).fetchall()
    store.close()
    conn.close()
    rate, base = INSERTS / statistics.median(a), INSERTS / statistics.median(b)
    if folder is None:
        name = "contact inserts, in-memory SQLite: commlib's own cost, no disk sync"
        return row(name, rate, "/s", base, None, True)
    name = "contact inserts, each its own transaction (SQLite file, WAL, synchronous=NORMAL)"
    return row(name, rate, "/s", base, f"≥ {INSERT_TARGET:,} /s", rate >= INSERT_TARGET)


def bulk_contacts(store: Store, project_id: int, people: list[int], n: int) -> None:
    """``n`` contacts in one transaction through the store's tables (a bulk path: rows this
    simple need no validation, and ``add_all`` would take a minute for 100,000)."""
    now = datetime.now(UTC)
    rows, links = [], []
    for i, c in enumerate(contacts(n, project_id, people, seed=2), 1):
        ids = c.pop("stakeholder_ids")
        rows.append(
            {**c, "id": i, "notes": "", "source": "manual", "created_at": now, "updated_at": now}
        )
        links += [{"contact_id": i, "stakeholder_id": s, "position": 0} for s in ids]
    with store.transaction() as conn:
        conn.execute(_schema.TABLES["contacts"].insert(), rows)
        conn.execute(_schema.LINKS[("contacts", "stakeholder_ids")].insert(), links)


def frame_load(folder: Path) -> dict:
    """``Store.frame`` of ``FRAME_ROWS`` contacts vs ``pandas.read_sql`` of the same rows."""
    store, project_id, people = new_store(str(folder / "frame.db"))
    bulk_contacts(store, project_id, people, FRAME_ROWS)
    plain = sqlite3.connect(folder / "frame.db")
    query = "SELECT * FROM contacts WHERE project_id = ? ORDER BY id"
    frames = {}

    def ours() -> None:
        frames["ours"] = store.frame("contacts", "Bench")

    def baseline() -> None:
        frames["plain"] = pd.read_sql(query, plain, params=(project_id,))

    result = compare(
        f"contacts as a DataFrame, {FRAME_ROWS:,} rows: Store.frame vs pandas.read_sql",
        ours,
        baseline,
        target=FRAME_TARGET,
        repeat=3 if QUICK else 5,
    )
    assert len(frames["ours"]) == len(frames["plain"]) == FRAME_ROWS
    store.close()
    plain.close()
    return result


def main() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        return [insert_rate(Path(folder)), insert_rate(None), frame_load(Path(folder))]


if __name__ == "__main__":
    for result in main():
        print(result)
