"""DuckDB query times at scale: Pareto and flagged-list queries on 1,000,000 calls / 10,000,000 findings.

The synthetic database is built with the real schema (the migrations) and filled by SQL
(range()), with skewed root causes so the Pareto has a long tail. Target: under one second
per query. Run: .venv/bin/python -m bench.bench_store [--calls N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pipeline.store.connection import connect

FILL = """
INSERT INTO agents SELECT 'A' || i, 'agent ' || i, 'team ' || (i % 20), DATE '2024-01-01' + (i % 900)::INTEGER
FROM range(500) t(i);
INSERT INTO runs (run_id, started_at, callqa_version, config_hash, config) VALUES ('bench', now(), 'bench', 'x', '{}');
INSERT INTO calls (call_id, agent_id, started_at, audio_path, status, n_segments, n_findings, run_id, processed_at,
                   duration_s, call_date, sample_bucket)
SELECT 'c' || i, 'A' || (i % 500), TIMESTAMPTZ '2026-01-01 09:00:00+08' + to_seconds(i * 30), 'x/' || i || '.wav', 'ok',
       0, 10, 'bench', now(), 300, DATE '2026-01-01' + (i * 330 // $calls)::INTEGER, i % 100
FROM range($calls) t(i);
INSERT INTO scores SELECT call_id, 100 - (hash(call_id) % 40), (hash(call_id) % 97) = 0, (hash(call_id) % 40) > 20, 'bench'
FROM calls;
INSERT INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, end_s, evidence, root_cause)
SELECT 'c' || (i // 10), i % 10,
       ['phrase.forbidden', 'silence.dead_air', 'script.closing_missing', 'pii.phone', 'phrase.escalation'][1 + (i % 5)::INTEGER],
       'rule.' || (floor(sqrt(hash(i) % 10000)))::INTEGER,
       'minor', 'agent', 1.0, 2.0, '…',
       'cause.' || (floor(pow(hash(i) % 1000000, 0.25)))::INTEGER
FROM range($calls * 10) t(i);
"""

QUERIES = {
    "pareto by root cause (all)": "SELECT * FROM v_pareto_root_cause",
    "pareto by rule (all)": "SELECT * FROM v_pareto_rule",
    "pareto by root cause (one month)": "SELECT * FROM pareto_by_root_cause(DATE '2026-03-01', DATE '2026-03-31')",
    "flagged calls (all, first 500)": "SELECT * FROM v_flagged_calls LIMIT 500",
    "flagged calls of one day": "SELECT * FROM v_flagged_calls WHERE call_date = DATE '2026-06-01'",
    "agent daily scores (one month)": "SELECT * FROM v_agent_daily WHERE call_date BETWEEN DATE '2026-03-01' AND DATE '2026-03-31'",
}


def main(n_calls: int = 1_000_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        con.execute(FILL.replace("$calls", str(n_calls)))
        con.execute("CHECKPOINT")
        n_findings = con.execute("SELECT count(*) FROM findings").fetchall()[0][0]
        print(
            f"built {n_calls:,} calls / {n_findings:,} findings in {time.perf_counter() - started:.1f} s"
        )
        times = {}
        for name, sql in QUERIES.items():
            con.execute(sql).fetchall()  # warm: the first run reads the file into DuckDB's cache
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                rows = con.execute(sql).fetchall()
                runs.append(time.perf_counter() - t0)
            times[name] = min(runs)
            print(f"{name:38s} {times[name] * 1000:8.1f} ms  ({len(rows)} rows)")
        con.close()
    return times


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    main(parser.parse_args().calls)
