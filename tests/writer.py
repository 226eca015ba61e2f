"""A process that logs contacts one at a time, as a session does, for the reliability tests.

    python -m tests.writer STORE_URL PROJECT COUNT START_AT TAG

Waits until the clock reads ``START_AT`` (so several writers start together), then saves
``COUNT`` contacts, each its own committed transaction, and prints each id once it is saved.
Exits 1 with the error on the first failure.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime


def main(url: str, project: str, count: int, start_at: float, tag: str) -> int:
    from commlib import Contact, Store

    store = Store(url)
    project_id = store.project(project).id
    while time.time() < start_at:
        time.sleep(0.005)
    try:
        for i in range(count):
            saved = store.add(
                Contact(
                    project_id=project_id,
                    when=datetime.now(UTC),
                    channel="phone",
                    subject=f"{tag} {i}",
                )
            )
            print(saved.id, flush=True)
    except Exception as err:  # reported to the test, which fails on it
        print(f"ERROR {type(err).__name__}: {err}", file=sys.stderr, flush=True)
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    url, project, count, start_at, tag = sys.argv[1:6]
    sys.exit(main(url, project, int(count), float(start_at), tag))
