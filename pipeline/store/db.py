"""DuckDB connect / migrate / write. SQL lives in sql/: numbered migrations and queries.sql.

A call is written in one transaction that first deletes its old rows, so re-processing a
call replaces it and a crash mid-write leaves the call either fully written or absent.
"""

from __future__ import annotations

import json
import re
import uuid
from functools import lru_cache
from pathlib import Path

import duckdb

from pipeline.privacy import mask_numbers
from pipeline.types import CallResult

SQL_DIR = Path(__file__).parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@lru_cache(maxsize=1)
def queries() -> dict[str, str]:
    """The `-- name:` blocks of sql/queries.sql."""
    text = (SQL_DIR / "queries.sql").read_text(encoding="utf-8")
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
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def start_run(con, *, version: str, archive: str | None, config: dict, config_hash: str,
              asr_model: str | None, ruleset_version: str | None) -> str:
    run_id = uuid.uuid4().hex[:12]
    con.execute(
        queries()["insert_run"],
        [run_id, version, archive, config_hash, json.dumps(config, ensure_ascii=False), asr_model, ruleset_version],
    )
    return run_id


def finish_run(con, run_id: str, *, n_ok: int, n_failed: int, audio_s: float, wall_s: float) -> None:
    con.execute(queries()["finish_run"], [n_ok, n_failed, audio_s, wall_s, run_id])


def write_call(con, result: CallResult, run_id: str) -> None:
    """Replace everything stored for this call with `result`, atomically."""
    q = queries()
    rec, transcript = result.recording, result.transcript
    audio = transcript.audio if transcript else None
    call_row = [
        rec.call_id, rec.agent_id, rec.started_at, rec.shown_path,
        audio.sha256 if audio else result.audio_sha256,
        audio.duration_s if audio else None,
        audio.sample_rate if audio else None,
        audio.channels if audio else None,
        result.status, result.error_kind, result.error,
        transcript.asr_model if transcript else None,
        len(transcript.segments) if transcript else 0,
        len(result.findings), run_id, round(result.wall_s, 3),
    ]
    segment_rows = [
        [rec.call_id, i, s.start, s.end, s.speaker, s.role, mask_numbers(s.text), s.confidence]
        for i, s in enumerate(transcript.segments if transcript else ())
    ]
    finding_rows = [
        [rec.call_id, i, f.category, f.rule_id, f.severity, f.role, f.start_s, f.end_s, f.evidence,
         json.dumps(f.details, ensure_ascii=False), f.root_cause, f.ruleset_version]
        for i, f in enumerate(result.findings)
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        for name in ("delete_findings", "delete_segments", "delete_call"):
            con.execute(q[name], [rec.call_id])
        con.execute(q["insert_call"], call_row)
        if segment_rows:
            con.executemany(q["insert_segment"], segment_rows)
        if finding_rows:
            con.executemany(q["insert_finding"], finding_rows)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def write_agents(con, rows: list[tuple[str, str | None, str | None, str | None]]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany(queries()["upsert_agent"], [list(r) for r in rows])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
