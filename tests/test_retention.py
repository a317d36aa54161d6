"""Retention purges transcripts and evidence of old calls, keeps the rest, and is a CLI command."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

from pipeline.config import PROJECT_ROOT
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.calls import write_call
from pipeline.store.connection import connect
from pipeline.store.retention import purge

from .factories import blank_run, call_result, finding

SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))


def _db(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    run_id = blank_run(con)
    for call_id, day in (
        ("old", "2026-01-10"),
        ("recent", "2026-11-20"),
        ("old-backfilled-today", "2026-01-11"),
    ):
        write_call(
            con,
            call_result(
                call_id,
                [finding(call_id, "phrase.forbidden", evidence="没【办法】")],
                SCORECARD,
                day=day,
                texts=[("agent", "您好，这个我没办法"), ("customer", "我要投诉")],
            ),
            run_id,
        )
    # the first two were processed two days ago; the third just now
    con.execute(
        "UPDATE calls SET processed_at = now() - INTERVAL 2 DAY WHERE call_id IN ('old', 'recent')"
    )
    return con


def test_purge_old_calls_only(tmp_path):
    con = _db(tmp_path)
    cache = tmp_path / "cache"
    (cache / "ab").mkdir(parents=True)
    stale, fresh = cache / "ab" / "stale.json", cache / "ab" / "fresh.json"
    stale.write_text("{}"), fresh.write_text("{}")
    old = time.time() - 200 * 86400
    os.utime(stale, (old, old))
    summary = purge(con, 180, "Asia/Shanghai", cache, today=date(2026, 11, 22))
    assert (summary.calls, summary.cache_files) == (1, 1)
    assert not stale.exists() and fresh.exists()
    segments = dict(con.execute("SELECT call_id, count(*) FROM segments GROUP BY ALL").fetchall())
    assert segments == {"recent": 2, "old-backfilled-today": 2}
    evidence = dict(con.execute("SELECT call_id, evidence FROM findings").fetchall())
    assert evidence["old"] == "(purged)" and evidence["recent"] == "没【办法】"
    kept = con.execute("SELECT count(*) FROM calls JOIN scores USING (call_id)").fetchall()
    assert kept == [(3,)]  # calls and scores stay
    assert con.execute("SELECT call_id FROM calls WHERE purged_at IS NOT NULL").fetchall() == [
        ("old",)
    ]
    assert purge(con, 180, "Asia/Shanghai", cache, today=date(2026, 11, 22)).calls == 0  # once only
    assert purge(con, 0, "Asia/Shanghai", cache) is None  # 0 = keep everything
    con.close()


def test_purge_command(tmp_path):
    _db(tmp_path).close()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "purge",
            "--db",
            str(tmp_path / "r.duckdb"),
            "--days",
            "30",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "purged the transcripts and evidence of 1 call(s)" in result.stdout
    assert (tmp_path / "r-read.duckdb").is_file()  # the snapshot is republished
