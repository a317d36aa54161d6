"""Rows about runs, agents and calls already stored that a run reads while it writes."""

from __future__ import annotations

import json
import statistics
import uuid

from pipeline.store.connection import SqlConnection, queries, transaction
from pipeline.types import RateBaseline


def start_run(
    con: SqlConnection,
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
    con: SqlConnection, run_id: str, *, n_ok: int, n_failed: int, audio_s: float, wall_s: float
) -> None:
    con.execute(queries()["finish_run"], [n_ok, n_failed, audio_s, wall_s, run_id])


def set_run_models(con: SqlConnection, run_id: str, models: dict[str, str | None]) -> None:
    """Record the checksums of the models a run uses (runs.models)."""
    con.execute(queries()["set_run_models"], [json.dumps(models, sort_keys=True), run_id])


def set_run_details(
    con: SqlConnection, run_id: str, *, kind: str, n_skipped: int | None, flow_run_id: str | None
) -> None:
    con.execute(
        queries("incremental.sql")["set_run_details"], [kind, n_skipped, flow_run_id, run_id]
    )


def agent_rate_baseline(
    con: SqlConnection, agent_id: str | None, call_id: str, min_calls: int, window: int = 200
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


def same_audio_elsewhere(con: SqlConnection, sha256: str, call_id: str) -> tuple[str, str] | None:
    """(call_id, audio_path) of another stored call with the same audio bytes, if any."""
    rows = con.execute(
        queries()["same_audio_elsewhere"], {"sha256": sha256, "call_id": call_id}
    ).fetchall()
    return rows[0] if rows else None


def write_agents(
    con: SqlConnection, rows: list[tuple[str, str | None, str | None, str | None]]
) -> None:
    with transaction(con):
        con.executemany(queries()["upsert_agent"], [list(r) for r in rows])
