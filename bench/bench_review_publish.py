"""What copying the review state into the snapshot costs a publication, at scale.

A DuckDB of N calls (3 findings each, bench_review_api's fill) and a SQLite review store with
V verdicts on its findings and V/10 appeals, half of them overturned (bulk-inserted through the
store's own insert queries in one transaction). Times publish_review_state (what every snapshot
publication of a run adds) and the rule precision view on the result.
Run: .venv/bin/python -m bench.bench_review_publish [--calls N] [--verdicts V]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from bench.bench_review_api import FILL
from pipeline.config import load_config
from pipeline.review.publish import publish_review_state
from pipeline.review.store import now_text, open_review_store
from pipeline.store.connection import connect


def fill_store(config, con, n_verdicts: int) -> None:
    findings = con.execute(
        "SELECT finding_id, call_id, rule_id, category FROM findings USING SAMPLE "
        f"{n_verdicts} ROWS (reservoir, 7)"
    ).fetchall()
    with open_review_store(config) as store:
        store.add_user("rui", "reviewer", "bench-password")
        store.add_user("bo", "agent", "bench-password", agent_id="A1")
        now = now_text()
        with store.backend.write() as db:
            for i, (finding_id, call_id, rule_id, category) in enumerate(findings):
                verdict = ("confirmed", "rejected", "unsure")[i % 3]
                db.rows("insert_verdict", dict(
                    finding_id=finding_id, call_id=call_id, rule_id=rule_id, category=category,
                    ruleset_version=None, verdict=verdict, note="", user_name="rui", now=now))  # fmt: skip
                if i % 10 == 0:
                    appeal_id = db.rows("insert_appeal", dict(
                        call_id=call_id, finding_id=finding_id, reason="不同意", agent_id="A1",
                        user_name="bo", now=now))[0][0]  # fmt: skip
                    if i % 20 == 0:
                        db.rows("insert_decision", dict(
                            appeal_id=appeal_id, decision="overturned", note="", decided_by="rui",
                            now=now))  # fmt: skip


def main(n_calls: int = 1_000_000, n_verdicts: int = 100_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        base = load_config()
        config = dataclasses.replace(
            base, review=dataclasses.replace(base.review, store=str(root / "review.sqlite3"))
        )
        started = time.perf_counter()
        con = connect(root / "bench.duckdb")
        con.execute("SET enable_progress_bar = false")
        con.execute(FILL.replace("$calls", str(n_calls)))
        print(f"built {n_calls:,} calls in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        fill_store(config, con, n_verdicts)
        print(f"stored {n_verdicts:,} verdicts in {time.perf_counter() - started:.1f} s")
        timings = {}
        for attempt in ("first", "second"):
            started = time.perf_counter()
            published = publish_review_state(con, config)
            timings[f"publish ({attempt})"] = time.perf_counter() - started
            assert published.n_verdicts == n_verdicts and published.problem is None
        started = time.perf_counter()
        rules = con.execute("SELECT count(*) FROM v_rule_precision").fetchone()
        timings["v_rule_precision"] = time.perf_counter() - started
        adjusted = con.execute("SELECT count(*) FROM adjusted_scores").fetchone()
        con.close()
    for name, seconds in timings.items():
        print(f"{name:24s} {seconds:6.2f} s")
    print(
        f"rules {rules[0] if rules else 0}, calls with an adjusted score {adjusted[0] if adjusted else 0}"
    )
    return timings


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--verdicts", type=int, default=100_000)
    args = parser.parse_args()
    main(args.calls, args.verdicts)
