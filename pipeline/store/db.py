"""DuckDB connect / migrate / write. SQL lives in sql/: numbered migrations and queries.sql.

A call is written in one transaction that first deletes its old rows, so re-processing a
call replaces it and a crash mid-write leaves the call either fully written or absent.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipeline.text.masking import mask_segment_texts
from pipeline.types import CallResult, RateBaseline

SQL_DIR = Path(__file__).parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@lru_cache(maxsize=4)
def queries(filename: str = "queries.sql") -> dict[str, str]:
    """The `-- name:` blocks of a file in sql/ (queries.sql: the writes; report.sql: the report)."""
    text = (SQL_DIR / filename).read_text(encoding="utf-8")
    blocks = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
    return {name: body.strip() for name, body in zip(blocks[1::2], blocks[2::2])}


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def connect(db_path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db_path = Path(db_path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=read_only)
    if not read_only:
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded; each in its own transaction. Returns those applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    done = {row[0] for row in con.execute(queries()["applied_migrations"]).fetchall()}
    applied = []
    for version, path in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def start_run(
    con,
    *,
    version: str,
    archive: str | None,
    config: dict,
    config_hash: str,
    asr_model: str | None,
    ruleset_version: str | None,
) -> str:
    run_id = uuid.uuid4().hex[:12]
    con.execute(
        queries()["insert_run"],
        [
            run_id,
            version,
            archive,
            config_hash,
            json.dumps(config, ensure_ascii=False),
            asr_model,
            ruleset_version,
        ],
    )
    return run_id


def finish_run(
    con, run_id: str, *, n_ok: int, n_failed: int, audio_s: float, wall_s: float
) -> None:
    con.execute(queries()["finish_run"], [n_ok, n_failed, audio_s, wall_s, run_id])


def insert_rows(con, insert_sql: str, rows: list[list] | list[tuple]) -> None:
    """Run a one-row `INSERT … VALUES (?, …)` for many rows as one statement.

    DuckDB's executemany runs the statement once per row (about 1 ms each): a call with 80
    segments would spend most of its write time there. One multi-row VALUES list, in chunks
    that keep the parameter count moderate, does the same in one round trip.
    """
    head, values = insert_sql.rstrip().rstrip(";").rsplit("VALUES", 1)
    placeholder = values.strip()
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        con.execute(
            f"{head} VALUES {', '.join([placeholder] * len(chunk))}",
            [v for row in chunk for v in row],
        )


def sample_bucket(call_id: str) -> int:
    """0..99, fixed per call id: the review queue's random sample without randomness."""
    return int(hashlib.md5(call_id.encode("utf-8")).hexdigest()[:8], 16) % 100


def call_date(result: CallResult, timezone: str) -> date:
    """The call's local date; the processing day when the archive does not say when it was."""
    zone = ZoneInfo(timezone)
    started = result.recording.started_at
    return started.astimezone(zone).date() if started else datetime.now(zone).date()


def write_call(con, result: CallResult, run_id: str, timezone: str = "Asia/Shanghai") -> None:
    """Replace everything stored for this call with `result`, atomically."""
    write_calls(con, [result], run_id, timezone)


def write_calls(
    con, results: list[CallResult], run_id: str, timezone: str = "Asia/Shanghai"
) -> None:
    """Replace the stored rows of several calls in one transaction (all or none).

    A commit costs more than writing a call (the log is synced), so bulk work such as rescore
    writes calls in batches; the nightly run writes each call as it finishes.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        for result in results:
            _replace_call_rows(con, result, run_id, timezone)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


@dataclass
class CallRows:
    """What writing a call puts in each table: rows of values in the column order of queries.sql's
    insert_* statements (the calls row without processed_at, which the statement sets)."""

    call: list
    segments: list[tuple]
    findings: list[tuple]
    metrics: dict | None  # the acoustic columns of the calls row; None leaves them NULL
    score: list | None
    score_items: list[tuple]


def call_rows(result: CallResult, run_id: str, timezone: str) -> CallRows:
    """The rows `result` is stored as (the per-call writer and replace_calls write the same)."""
    rec, transcript = result.recording, result.transcript
    audio = transcript.audio if transcript else None
    call_row = [
        rec.call_id,
        rec.agent_id,
        rec.started_at,
        rec.shown_path,
        audio.sha256 if audio else result.audio_sha256,
        audio.duration_s if audio else None,
        audio.sample_rate if audio else None,
        audio.channels if audio else None,
        result.status,
        result.error_kind,
        result.error,
        transcript.asr_model if transcript else None,
        len(transcript.segments) if transcript else 0,
        len(result.findings),
        run_id,
        round(result.wall_s, 3),
        call_date(result, timezone),
        sample_bucket(rec.call_id),
    ]
    segments = transcript.segments if transcript else ()
    # Masked across segments: a number read in pieces is masked as the whole it is.
    segment_rows = [
        (rec.call_id, i, s.start, s.end, s.speaker, s.role, masked, s.confidence)
        for i, (s, masked) in enumerate(zip(segments, mask_segment_texts(segments)))
    ]
    finding_rows = [
        (
            rec.call_id,
            i,
            f.category,
            f.rule_id,
            f.severity,
            f.role,
            f.start_s,
            f.end_s,
            f.evidence,
            json.dumps(f.details, ensure_ascii=False),
            f.root_cause,
            f.ruleset_version,
        )
        for i, f in enumerate(result.findings)
    ]
    metrics = None
    if result.metrics is not None:
        metrics = result.metrics.to_dict()
        metrics.pop("duration_s")  # calls.duration_s is the audio's, already in the row
    score = result.score
    return CallRows(
        call=call_row,
        segments=segment_rows,
        findings=finding_rows,
        metrics=metrics,
        score=[
            rec.call_id,
            score.score,
            score.red_line_failed,
            score.flagged,
            score.scorecard_version,
        ]
        if score
        else None,
        score_items=[
            (rec.call_id, i.item_id, i.group, i.name, i.n_findings, i.deduction, i.red_line)
            for i in score.items
        ]
        if score
        else [],
    )


def _replace_call_rows(con, result: CallResult, run_id: str, timezone: str) -> None:
    q = queries()
    rows = call_rows(result, run_id, timezone)
    call_id = result.recording.call_id
    for name in (
        "delete_score_items",
        "delete_score",
        "delete_findings",
        "delete_segments",
        "delete_call",
    ):
        con.execute(q[name], [call_id])
    con.execute(q["insert_call"], rows.call)
    if rows.segments:
        insert_rows(con, q["insert_segment"], rows.segments)
    if rows.findings:
        insert_rows(con, q["insert_finding"], rows.findings)
    if rows.metrics is not None:
        con.execute(q["update_call_metrics"], {"call_id": call_id, **rows.metrics})
    if rows.score is not None:
        con.execute(q["insert_score"], rows.score)
        if rows.score_items:
            insert_rows(con, q["insert_score_item"], rows.score_items)


# Columns of the frames replace_calls inserts from, in CallRows order; the names are the tables'.
_CALL_COLUMNS = {
    "call_id": pl.String,
    "agent_id": pl.String,
    "started_at": pl.Datetime("us", "UTC"),
    "audio_path": pl.String,
    "audio_sha256": pl.String,
    "duration_s": pl.Float64,
    "sample_rate": pl.Int32,
    "channels": pl.Int32,
    "status": pl.String,
    "error_kind": pl.String,
    "error": pl.String,
    "asr_model": pl.String,
    "n_segments": pl.Int32,
    "n_findings": pl.Int32,
    "run_id": pl.String,
    "wall_s": pl.Float64,
    "call_date": pl.Date,
    "sample_bucket": pl.Int32,
}
# The acoustic columns of calls (migration 004), as update_call_metrics sets them.
_METRIC_COLUMNS = {
    name: pl.Int32 if name.startswith("gaps_over_") else pl.Float64
    for name in (
        "agent_talk_s",
        "customer_talk_s",
        "unknown_talk_s",
        "non_talk_s",
        "non_talk_share",
        "max_gap_s",
        "gaps_over_5s",
        "gaps_over_10s",
        "overlap_s",
        "agent_customer_talk_ratio",
        "hold_s",
        "music_s",
        "agent_chars_per_min",
        "agent_syllables_per_min",
    )
}
_SEGMENT_COLUMNS = {
    "call_id": pl.String,
    "seg_index": pl.Int32,
    "start_s": pl.Float64,
    "end_s": pl.Float64,
    "speaker": pl.String,
    "role": pl.String,
    "text": pl.String,
    "confidence": pl.Float64,
}
_FINDING_COLUMNS = {
    "call_id": pl.String,
    "finding_index": pl.Int32,
    "category": pl.String,
    "rule_id": pl.String,
    "severity": pl.String,
    "role": pl.String,
    "start_s": pl.Float64,
    "end_s": pl.Float64,
    "evidence": pl.String,
    "details": pl.String,
    "root_cause": pl.String,
    "ruleset_version": pl.String,
}
_SCORE_COLUMNS = {
    "call_id": pl.String,
    "score": pl.Float64,
    "red_line_failed": pl.Boolean,
    "flagged": pl.Boolean,
    "scorecard_version": pl.String,
}
_SCORE_ITEM_COLUMNS = {
    "call_id": pl.String,
    "item_id": pl.String,
    "item_group": pl.String,
    "item_name": pl.String,
    "n_findings": pl.Int32,
    "deduction": pl.Float64,
    "red_line": pl.Boolean,
}


def _frame(rows: list[list] | list[tuple], columns: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=list(columns.items()), orient="row")


def replace_calls(
    con,
    results: list[CallResult],
    run_id: str,
    timezone: str,
    stored_segments: dict[str, list[tuple]],
) -> None:
    """Replace the stored rows of many calls with a few statements per table, in one transaction.

    The bulk counterpart of write_calls (callqa rescore), leaving the same rows: per-call
    statements cost about a millisecond each, a dozen per call, while a statement over a whole
    batch costs little more than one. `stored_segments` holds each call's segment rows as
    segments_of_calls reads them: a call whose segments would be rewritten exactly as they are
    keeps them untouched (segments are most of a call's rows, and rescoring rarely changes them).
    The results' started_at must be time-zone aware, as the store returns it.
    """
    if not results:
        return
    calls = [call_rows(result, run_id, timezone) for result in results]
    segments_kept = {
        rows.call[0] for rows in calls if stored_segments.get(rows.call[0], []) == rows.segments
    }
    no_metrics = [None] * len(_METRIC_COLUMNS)
    frames = {
        "new_calls": _frame(
            [
                rows.call
                + ([rows.metrics[name] for name in _METRIC_COLUMNS] if rows.metrics else no_metrics)
                for rows in calls
            ],
            {**_CALL_COLUMNS, **_METRIC_COLUMNS},
        ),
        "new_segments": _frame(
            [
                segment
                for rows in calls
                if rows.call[0] not in segments_kept
                for segment in rows.segments
            ],
            _SEGMENT_COLUMNS,
        ),
        "new_findings": _frame(
            [finding for rows in calls for finding in rows.findings], _FINDING_COLUMNS
        ),
        "new_scores": _frame(
            [rows.score for rows in calls if rows.score is not None], _SCORE_COLUMNS
        ),
        "new_score_items": _frame(
            [item for rows in calls for item in rows.score_items], _SCORE_ITEM_COLUMNS
        ),
    }
    call_ids = [rows.call[0] for rows in calls]
    batch_range = {"first": min(call_ids), "last": max(call_ids)}
    q = queries()
    for name, frame in frames.items():
        con.register(name, frame)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(q["upsert_batch_calls"])
        for table in ("segments", "findings"):
            con.execute(q[f"delete_batch_extra_{table}"], batch_range)
            con.execute(q[f"upsert_batch_{table}"])
        for table in ("scores", "score_items"):
            con.execute(q[f"delete_batch_dropped_{table}"], batch_range)
            con.execute(q[f"upsert_batch_{table}"])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in frames:
            con.unregister(name)


def agent_rate_baseline(
    con, agent_id: str | None, call_id: str, min_calls: int, window: int = 200
) -> RateBaseline | None:
    """The agent's usual speech rate (median and robust spread of their recent calls), once
    there are at least `min_calls` of them; None before that."""
    if not agent_id:
        return None
    rates = [
        row[0]
        for row in con.execute(
            queries()["agent_rate_history"],
            {"agent_id": agent_id, "call_id": call_id, "limit": window},
        ).fetchall()
    ]
    if len(rates) < min_calls:
        return None
    median = statistics.median(rates)
    mad = statistics.median(abs(r - median) for r in rates)
    return RateBaseline(median_cpm=median, spread_cpm=max(1.4826 * mad, 1.0), n_calls=len(rates))


def same_audio_elsewhere(con, sha256: str, call_id: str) -> tuple[str, str] | None:
    """(call_id, audio_path) of another stored call with the same audio bytes, if any."""
    rows = con.execute(
        queries()["same_audio_elsewhere"], {"sha256": sha256, "call_id": call_id}
    ).fetchall()
    return rows[0] if rows else None


def write_agents(con, rows: list[tuple[str, str | None, str | None, str | None]]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany(queries()["upsert_agent"], [list(r) for r in rows])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
