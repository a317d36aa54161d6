"""Writing calls: each call's rows in every table, replaced in one transaction.

A call is written in one transaction that first deletes its old rows, so re-processing a
call replaces it and a crash mid-write leaves the call either fully written or absent.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipeline.store.connection import SqlConnection, queries, transaction
from pipeline.text.masking import mask_segment_texts, mask_words
from pipeline.types import CallMetrics, CallResult, PartyRoles, Word


def insert_rows(con: SqlConnection, insert_sql: str, rows: list[list] | list[tuple]) -> None:
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


def write_call(
    con: SqlConnection, result: CallResult, run_id: str, timezone: str = "Asia/Shanghai"
) -> None:
    """Replace everything stored for this call with `result`, atomically."""
    write_calls(con, [result], run_id, timezone)


def write_calls(
    con: SqlConnection, results: list[CallResult], run_id: str, timezone: str = "Asia/Shanghai"
) -> None:
    """Replace the stored rows of several calls in one transaction (all or none).

    A commit costs more than writing a call (the log is synced), so bulk work such as rescore
    writes calls in batches; the nightly run writes each call as it finishes.
    """
    with transaction(con):
        for result in results:
            _replace_call_rows(con, result, run_id, timezone)


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
        *_role_columns(transcript.roles if transcript else None),
        rec.caller_hash,
    ]
    segments = transcript.segments if transcript else ()
    # Masked across segments: a number read in pieces is masked as the whole it is.
    segment_rows = [
        (
            rec.call_id,
            i,
            s.start,
            s.end,
            s.speaker,
            s.role,
            masked,
            s.confidence,
            word_rows(mask_words(s, masked)),
        )
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
            score.unscored_reason,
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


def _role_columns(roles: PartyRoles | None) -> list:
    """roles_method, n_speakers, agent_speaker, roles_confidence, role_cues (migration 006)."""
    if roles is None:
        return [None] * 5
    return [roles.method, roles.n_speakers, roles.agent_speaker, roles.confidence, list(roles.cues)]


def stored_roles(row: dict) -> PartyRoles | None:
    """The role decision of a calls row as _role_columns stored it (None before migration 006)."""
    if row.get("roles_method") is None:
        return None
    return PartyRoles(
        method=row["roles_method"],
        n_speakers=row["n_speakers"],
        agent_speaker=row["agent_speaker"],
        confidence=row["roles_confidence"],
        cues=tuple(row["role_cues"] or ()),
    )


def _replace_call_rows(con: SqlConnection, result: CallResult, run_id: str, timezone: str) -> None:
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
    "roles_method": pl.String,
    "n_speakers": pl.Int32,
    "agent_speaker": pl.String,
    "roles_confidence": pl.Float64,
    "role_cues": pl.List(pl.String),
    "caller_hash": pl.String,
}
# The acoustic columns of calls (migrations 004, 011), as update_call_metrics sets them: every
# CallMetrics field but duration_s (the audio's, already in the row), Float64 unless named here.
_METRIC_TYPES: dict[str, pl.DataType] = {
    "gaps_over_5s": pl.Int32(),
    "gaps_over_10s": pl.Int32(),
    "n_responses": pl.Int32(),
    "last_role": pl.String(),
    "abnormal_hangup": pl.Boolean(),
    "hangup_reason": pl.String(),
}
_METRIC_COLUMNS = {
    f.name: _METRIC_TYPES.get(f.name, pl.Float64())
    for f in fields(CallMetrics)
    if f.name != "duration_s"
}


def word_rows(words: tuple[Word, ...]) -> list[dict]:
    """segments.words as DuckDB returns it (so stored and new rows compare equal)."""
    return [{"text": w.text, "start_s": w.start, "end_s": w.end} for w in words]


def words_of(rows: list[dict] | None) -> tuple[Word, ...]:
    return tuple(Word(start=r["start_s"], end=r["end_s"], text=r["text"]) for r in rows or ())


_SEGMENT_COLUMNS = {
    "call_id": pl.String,
    "seg_index": pl.Int32,
    "start_s": pl.Float64,
    "end_s": pl.Float64,
    "speaker": pl.String,
    "role": pl.String,
    "text": pl.String,
    "confidence": pl.Float64,
    "words": pl.List(pl.Struct({"text": pl.String, "start_s": pl.Float64, "end_s": pl.Float64})),
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
    "unscored_reason": pl.String,
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
    con: duckdb.DuckDBPyConnection,
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
    try:
        with transaction(con):
            con.execute(q["upsert_batch_calls"])
            for table in ("segments", "findings"):
                con.execute(q[f"delete_batch_extra_{table}"], batch_range)
                con.execute(q[f"upsert_batch_{table}"])
            for table in ("scores", "score_items"):
                con.execute(q[f"delete_batch_dropped_{table}"], batch_range)
                con.execute(q[f"upsert_batch_{table}"])
    finally:
        for name in frames:
            con.unregister(name)
