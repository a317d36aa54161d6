"""The coaching and trend reports at scale: the time to gather one agent's coaching report and
the trend reports (all teams by week; one team by quarter) from a snapshot of 1,000,000 calls /
10,000,000 findings (bench/bench_store.py's synthetic database: 500 agents in 20 teams, eleven
months). Target: a few seconds per report. Run: .venv/bin/python -m bench.bench_reports [--calls N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.bench_store import FILL as STORE_FILL
from bench.results import append_row
from pipeline.reporting.coaching import coaching_data
from pipeline.reporting.trends import trends_data
from pipeline.store.connection import connect
from pipeline.store.reader import connect_reader

# bench_store's fill, with the score columns named (scores has grown columns since: migration 006)
FILL = STORE_FILL.replace(
    "INSERT INTO scores SELECT",
    "INSERT INTO scores (call_id, score, red_line_failed, flagged, scorecard_version) SELECT",
)
SECTION = "## Coaching and trend reports at scale (bench/bench_reports.py)"
DESCRIPTION = (
    "Seconds to gather each report's data from the snapshot (best of 3; the HTML takes "
    "milliseconds), on bench_store's synthetic database."
)
HEAD = "| date | calls | findings | coaching (1 agent, 3 months) | trends by week | trends by quarter, 1 team |\n| --- | ---: | ---: | ---: | ---: | ---: |"


def _best(work) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return min(runs)


def main(n_calls: int = 1_000_000, record: bool = True) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        con = connect(db)
        con.execute(FILL.replace("$calls", str(n_calls)))
        con.execute("CHECKPOINT")
        n_findings = con.execute("SELECT count(*) FROM findings").fetchall()[0][0]
        con.close()
        reader = connect_reader(db)
        times = {
            "coaching": _best(
                lambda: coaching_data(reader, "A7", date(2026, 9, 1), date(2026, 11, 26))
            ),
            "trends by week": _best(lambda: trends_data(reader, "week")),
            "trends by quarter, one team": _best(
                lambda: trends_data(reader, "quarter", team="team 3")
            ),
        }
        reader.close()
    for name, seconds in times.items():
        print(f"{name:30s} {seconds:6.2f} s")
    if record:
        append_row(
            SECTION,
            DESCRIPTION,
            HEAD,
            f"| {date.today()} | {n_calls:,} | {n_findings:,} | {times['coaching']:.2f} s "
            f"| {times['trends by week']:.2f} s | {times['trends by quarter, one team']:.2f} s |",
        )
    return times


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--no-record", action="store_true", help="do not add a row to RESULTS.md")
    arguments = parser.parse_args()
    main(arguments.calls, record=not arguments.no_record)
