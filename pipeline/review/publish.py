"""Copy the review store into the analysts' DuckDB before each snapshot publication.

The tables (reviews, appeals, rechecks, signoffs, adjusted_scores; migration 010) are replaced
as a whole in one transaction, so the snapshot holds one consistent copy of the review state
next to the findings it judges. The nightly run must never wait on reviewers: the store is
only read (SQLite in WAL mode lets readers and writers pass), a missing store gives empty
tables, and a store that cannot be read (PostgreSQL down …) leaves the previous copy in place
with the reason in review_publication.problem. Password hashes and the access log never leave
the store. Free text (notes, reasons) is masked like transcripts are.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.config import Config
from pipeline.errors import CallqaError
from pipeline.review.backends import is_postgres_url, open_backend, review_queries, shown_url
from pipeline.review.records import Appeal
from pipeline.review.store import ReviewStore, store_location
from pipeline.scoring.adjusted import adjusted_score
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.connection import transaction
from pipeline.text.masking import mask_numbers
from pipeline.types import Finding

log = logging.getLogger(__name__)
# A PostgreSQL store that does not answer costs a publication this long, not more: the run goes
# on with the previous copy.
PUBLISH_CONNECT_TIMEOUT_S = 3


@dataclass(frozen=True)
class ReviewPublication:
    store: str
    n_verdicts: int
    n_appeals: int
    problem: str | None = None


def _queries() -> dict[str, str]:
    return review_queries("publish.sql")


def _open_existing(config: Config) -> tuple[ReviewStore | None, str]:
    """The store, or None where none was ever created (nothing to copy; never create one here)."""
    store, base = store_location(config)
    if is_postgres_url(store):
        return ReviewStore(open_backend(store, base, PUBLISH_CONNECT_TIMEOUT_S)), shown_url(store)
    path = Path(store).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        return None, str(path)
    return ReviewStore(open_backend(str(path), base)), str(path)


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


_TIME = pl.Datetime("us", "UTC")


def publish_review_state(con: duckdb.DuckDBPyConnection, config: Config) -> ReviewPublication:
    """Replace the review tables of the DuckDB `con` with the review store's current state."""
    q = _queries()
    try:
        store, where = _open_existing(config)
    except CallqaError as exc:
        return _record_problem(con, q, str(exc))
    try:
        if store is None:
            verdicts, appeals, rechecks, signoffs = [], [], [], []
        else:
            # The rows as stored (times as text), not Verdict records: a large store has many,
            # and a publication of the run should not spend its time building objects.
            verdicts = store.backend.rows("verdicts", {"call_id": None})
            appeals = store.appeals()
            rechecks, signoffs = store.rechecks(), store.signoffs()
    except CallqaError as exc:
        return _record_problem(con, q, str(exc))
    finally:
        if store is not None:
            store.close()
    frames = {
        "store_verdicts": pl.DataFrame(
            [(*row[:6], mask_numbers(row[6]), *row[7:]) for row in verdicts],
            orient="row",
            schema=dict(
                verdict_id=pl.Int64,
                finding_id=pl.String,
                call_id=pl.String,
                rule_id=pl.String,
                category=pl.String,
                verdict=pl.String,
                note=pl.String,
                user_name=pl.String,
                created_at=pl.String,  # cast by copy_verdicts
                ruleset_version=pl.String,
            ),
        ),
        "store_appeals": _frame(
            [
                {
                    **a.__dict__,
                    "reason": mask_numbers(a.reason),
                    "decision_note": mask_numbers(a.decision_note or "") or None,
                }
                for a in appeals
            ],
            dict(
                appeal_id=pl.Int64,
                call_id=pl.String,
                finding_id=pl.String,
                reason=pl.String,
                agent_id=pl.String,
                user_name=pl.String,
                created_at=_TIME,
                decision=pl.String,
                decision_note=pl.String,
                decided_by=pl.String,
                decided_at=_TIME,
            ),
        ),
        "store_rechecks": _frame(
            [r.__dict__ for r in rechecks],
            dict(
                recheck_id=pl.Int64,
                agent_id=pl.String,
                n_calls=pl.Int32,
                user_name=pl.String,
                created_at=_TIME,
            ),
        ),
        "store_signoffs": _frame(
            [{**s.__dict__, "note": mask_numbers(s.note)} for s in signoffs],
            dict(
                signoff_id=pl.Int64,
                batch_id=pl.String,
                note=pl.String,
                user_name=pl.String,
                created_at=_TIME,
            ),
        ),
        "store_adjusted": _frame(
            adjusted_scores(con, config, appeals),
            dict(
                call_id=pl.String,
                adjusted_score=pl.Float64,
                overturned_findings=pl.List(pl.String),
                whole_call_overturned=pl.Boolean,
                scorecard_version=pl.String,
            ),
        ),
    }
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        with transaction(con):
            con.execute(q["clear"])
            for table in ("verdicts", "appeals", "rechecks", "signoffs", "adjusted"):
                con.execute(q[f"copy_{table}"])
            con.execute(
                q["record_publication"],
                dict(store=where, n_verdicts=len(verdicts), n_appeals=len(appeals), problem=None),
            )
    finally:
        for name in frames:
            con.unregister(name)
    return ReviewPublication(where, len(verdicts), len(appeals))


def _record_problem(
    con: duckdb.DuckDBPyConnection, q: dict[str, str], problem: str
) -> ReviewPublication:
    log.warning("review state not copied into the snapshot: %s", problem)
    with transaction(con):
        con.execute(q["record_problem"], {"problem": problem})
    return ReviewPublication("", 0, 0, problem)


def adjusted_scores(
    con: duckdb.DuckDBPyConnection, config: Config, appeals: list[Appeal]
) -> list[dict[str, Any]]:
    """Per call with an overturned appeal: its adjusted score under the current scorecard, the
    workbench's own figure (pipeline.scoring.adjusted), so the snapshot and the page agree."""
    overturned = [a for a in appeals if a.decision == "overturned"]
    if not overturned:
        return []
    by_call: dict[str, list[Appeal]] = {}
    for appeal in overturned:
        by_call.setdefault(appeal.call_id, []).append(appeal)
    call_ids = sorted(by_call)
    scorecard = load_scorecard(str(config.paths.lexicons))
    findings: dict[str, list[tuple[str, Finding]]] = {c: [] for c in call_ids}
    rows = con.execute(_queries()["overturned_calls_findings"], {"call_ids": call_ids}).fetchall()
    for call_id, finding_id, category, rule_id, severity, role, start_s, end_s, _ in rows:
        finding = Finding(call_id, category, rule_id, severity, role, start_s, end_s, "")
        findings[call_id].append((finding_id, finding))
    machine = dict(con.execute(_queries()["machine_scores"], {"call_ids": call_ids}).fetchall())
    out = []
    for call_id in call_ids:
        if call_id not in machine:
            continue  # not (or no longer) scored: nothing to adjust
        of_call = by_call[call_id]
        whole = any(a.finding_id is None for a in of_call)
        gone = {a.finding_id for a in of_call if a.finding_id is not None}
        score = adjusted_score(machine[call_id], findings[call_id], gone, scorecard, whole)
        out.append(
            dict(
                call_id=call_id,
                adjusted_score=score.adjusted,
                overturned_findings=sorted(gone),
                whole_call_overturned=whole,
                scorecard_version=scorecard.version,
            )
        )
    return out


def review_publisher(config: Config) -> Callable[[duckdb.DuckDBPyConnection], None]:
    """What a StoreWriter runs before each publication (its before_publish hook)."""

    def publish(con: duckdb.DuckDBPyConnection) -> None:
        publish_review_state(con, config)

    return publish
