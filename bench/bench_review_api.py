"""Review workbench API latency (p50 / p95) on a 1,000,000-call snapshot.

The snapshot is built with the real schema (the migrations) and filled by SQL (range()): 2,000
agents in 40 teams, 1,000,000 calls with scores, 3 findings and 8 masked segments each. A real
`callqa review` process serves it on 127.0.0.1; the client times whole HTTP round trips
(loopback, keep-alive) for the queue and for a call, as an admin (every call) and as a reviewer
scoped to one team. Target: p95 under 200 ms. Run: .venv/bin/python -m bench.bench_review_api
[--calls N] [--requests N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.review.store import open_review_store
from pipeline.store.connection import connect
from tests.review_web_setup import PASSWORD, Workbench, free_port, serve, stop_workbench

FILL = """
INSERT INTO agents SELECT 'A' || i, 'agent ' || i, 'T' || lpad((i % 40)::VARCHAR, 2, '0'),
       DATE '2024-01-01' + (i % 900)::INTEGER
FROM range(2000) t(i);
INSERT INTO runs (run_id, started_at, callqa_version, config_hash, config, archive)
VALUES ('bench', now(), 'bench', 'x', '{}', '/nonexistent');
INSERT INTO calls (call_id, agent_id, started_at, audio_path, status, n_segments, n_findings, run_id,
                   processed_at, duration_s, call_date, sample_bucket, channels)
SELECT 'c' || lpad(i::VARCHAR, 7, '0'), 'A' || (i % 2000),
       TIMESTAMPTZ '2026-01-01 09:00:00+08' + to_seconds(i * 30), 'x/' || i || '.wav', 'ok',
       8, 3, 'bench', now(), 300, DATE '2026-01-01' + (i * 330 // $calls)::INTEGER, i % 100, 2
FROM range($calls) t(i);
INSERT INTO scores (call_id, score, red_line_failed, flagged, scorecard_version)
SELECT call_id, 100 - (hash(call_id) % 40), (hash(call_id) % 97) = 0,
       (hash(call_id) % 40) > 20 OR (hash(call_id) % 97) = 0, 'bench'
FROM calls;
INSERT INTO score_items SELECT call_id, 'forbidden', '服务禁忌', '服务禁语', 1, 5, false FROM calls;
INSERT INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, end_s,
                      evidence, root_cause, finding_id)
SELECT 'c' || lpad((i // 3)::VARCHAR, 7, '0'), i % 3,
       ['phrase.forbidden', 'silence.dead_air', 'script.closing_missing', 'pii.phone'][1 + (i % 4)::INTEGER],
       'rule.' || (i % 17), 'minor', 'agent', 10.0 * (i % 3), 10.0 * (i % 3) + 2, '这不归我管，【你找别的部门吧】',
       'cause.' || (i % 7), substr(sha256('f' || i), 1, 16)
FROM range($calls * 3) t(i);
INSERT INTO segments (call_id, seg_index, start_s, end_s, speaker, role, text)
SELECT 'c' || lpad((i // 8)::VARCHAR, 7, '0'), i % 8, 4.0 * (i % 8), 4.0 * (i % 8) + 3.5,
       CASE WHEN i % 2 = 0 THEN 'ch0' ELSE 'ch1' END, CASE WHEN i % 2 = 0 THEN 'agent' ELSE 'customer' END,
       '您好，请问有什么可以帮您，我的手机号是138****5678'
FROM range($calls * 8) t(i);
"""


def build(root: Path, n_calls: int) -> None:
    started = time.perf_counter()
    con = connect(root / "bench.duckdb")
    con.execute("SET enable_progress_bar = false")
    con.execute(FILL.replace("$calls", str(n_calls)))
    con.execute("CHECKPOINT")
    con.close()
    (root / "bench.duckdb").rename(root / "bench-read.duckdb")  # the snapshot the app reads
    print(f"built {n_calls:,} calls in {time.perf_counter() - started:.1f} s")


def start(root: Path) -> Workbench:
    port = free_port()
    config_path = root / "callqa.toml"
    config_path.write_text(
        f'[paths]\ndb = "bench.duckdb"\nsnapshot = "bench-read.duckdb"\nid_key = "id.key"\n'
        f'lexicons = "{PROJECT_ROOT / "lexicons"}"\n\n[review]\nstore = "review.sqlite3"\n'
        f"port = {port}\n",
        encoding="utf-8",
    )
    with open_review_store(load_config(config_path)) as store:
        store.add_user("admin1", "admin", PASSWORD)
        store.add_user("reviewer1", "reviewer", PASSWORD, team="T07")
    return serve(root, config_path, port)


def timed(client: httpx.Client, paths: list[str]) -> list[float]:
    client.get(paths[0])  # warm: the first request opens the snapshot
    out = []
    for path in paths:
        began = time.perf_counter()
        answer = client.get(path)
        out.append((time.perf_counter() - began) * 1000)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:200])
    return out


def main(n_calls: int = 1_000_000, n_requests: int = 40) -> dict[str, tuple[float, float]]:
    rng = random.Random(7)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, n_calls)
        bench = start(root)
        try:
            with bench.client("admin1") as admin, bench.client("reviewer1") as reviewer:
                day = "2026-06-01"
                calls = [f"c{rng.randrange(n_calls):07d}" for _ in range(n_requests)]
                team_calls = [
                    f"c{rng.randrange(n_calls // 2000) * 2000 + 7:07d}" for _ in range(n_requests)
                ]
                cases = {
                    "queue, flagged, page 1 (admin, all calls)": (
                        admin,
                        ["/api/calls?flagged=true"] * n_requests,
                    ),
                    "queue, flagged, page 200 (admin)": (
                        admin,
                        ["/api/calls?flagged=true&page=200"] * n_requests,
                    ),
                    "queue, one day + category (admin)": (
                        admin,
                        [f"/api/calls?date={day}&category=pii.phone"] * n_requests,
                    ),
                    "queue, not reviewed, sampled (reviewer, one team)": (
                        reviewer,
                        ["/api/calls?sampled=true&reviewed=false"] * n_requests,
                    ),
                    "queue page HTML (reviewer)": (reviewer, ["/queue"] * n_requests),
                    "call JSON (admin)": (admin, [f"/api/calls/{c}" for c in calls]),
                    "call JSON (reviewer, own team)": (
                        reviewer,
                        [f"/api/calls/{c}" for c in team_calls],
                    ),
                    "call page HTML (admin)": (admin, [f"/calls/{c}" for c in calls]),
                }
                print(f"{'request':52} {'p50 ms':>8} {'p95 ms':>8}")
                for name, (client, paths) in cases.items():
                    times = timed(client, paths)
                    p50 = statistics.median(times)
                    p95 = statistics.quantiles(times, n=20)[18]
                    results[name] = (p50, p95)
                    print(f"{name:52} {p50:8.1f} {p95:8.1f}")
        finally:
            stop_workbench(bench)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    main(args.calls, args.requests)
