"""A separate process that posts verdicts to the review store until told to stop or killed.

    python -m tests.review_verdict_proc STORE USER [SNAPSHOT] [STOP_FILE]
Prints "acked ID" after each verdict the store acknowledged (its transaction committed). With a
SNAPSHOT (a DuckDB snapshot that a run is publishing), the verdicts judge the findings found in
it so far, else made-up ones; it stops when STOP_FILE exists.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from pipeline.review.backends import open_backend
from pipeline.review.store import ReviewStore

VERDICTS = ("confirmed", "rejected", "unsure")


def published_findings(snapshot: Path | None) -> list[tuple[str, str, str, str]]:
    if snapshot is None or not snapshot.is_file():
        return []
    try:
        con = duckdb.connect(str(snapshot), read_only=True)
    except duckdb.Error:
        return []  # replaced while opening: the next round reads the new one
    try:
        return con.execute(
            "SELECT finding_id, call_id, rule_id, category FROM findings ORDER BY call_id, finding_index"
        ).fetchall()
    finally:
        con.close()


def main() -> None:
    store_url, user_name = sys.argv[1], sys.argv[2]
    snapshot = Path(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
    stop = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    store = ReviewStore(open_backend(store_url, Path.cwd()))
    user = store.get_user(user_name)
    assert user is not None
    i = 0
    while stop is None or not stop.exists():
        found = published_findings(snapshot)
        finding_id, call_id, rule_id, category = (
            found[i % len(found)] if found else (f"made-up-{i}", "no-call", "r", "c")
        )
        verdict = store.add_verdict(
            finding_id, call_id, rule_id, category, VERDICTS[i % 3], f"#{i}", user
        )
        print(f"acked {verdict.verdict_id}", flush=True)
        i += 1
        if snapshot is not None:
            time.sleep(0.05)  # a reviewer's pace is slower still; the run must keep going


if __name__ == "__main__":
    main()
