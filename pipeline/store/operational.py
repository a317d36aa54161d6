"""Reads and writes for the operational metrics and the run's alerts (SQL in sql/operational.sql)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from pipeline.store.connection import SqlConnection, queries, transaction

_SQL = "operational.sql"


def set_metric_settings(con: SqlConnection, repeat_days: int) -> None:
    """The [metrics] options the views read (v_repeat_calls, v_first_contact_resolution)."""
    q = queries(_SQL)
    with transaction(con):
        con.execute(q["clear_metric_settings"])
        con.execute(q["insert_metric_settings"], {"repeat_days": repeat_days})


@dataclass(frozen=True)
class AlertEvidence:
    category: str
    severity: str
    start_s: float
    evidence: str  # masked, as stored


@dataclass(frozen=True)
class AlertCall:
    call_id: str
    agent_id: str | None
    agent_name: str | None
    team: str | None
    started_at: datetime | None
    score: float | None
    red_line_failed: bool
    escalation: bool
    categories: tuple[str, ...]
    evidence: tuple[AlertEvidence, ...] = ()


@dataclass(frozen=True)
class AlertCalls:
    """The run's red-line and escalation calls: counts of all, the worst of them in full."""

    n_calls: int
    n_red_line: int
    n_escalation: int
    worst: tuple[AlertCall, ...]


def alert_calls(con: SqlConnection, run_id: str, max_calls: int, max_evidence: int) -> AlertCalls:
    """The run's calls that failed a red line or escalated, the worst `max_calls` of them with
    up to `max_evidence` findings each."""
    q = queries(_SQL)
    rows = con.execute(q["alert_calls"], {"run_id": run_id}).fetchall()
    calls = [
        AlertCall(
            call_id=row[0],
            agent_id=row[1],
            agent_name=row[2],
            team=row[3],
            started_at=row[4],
            score=row[5],
            red_line_failed=bool(row[6]),
            escalation=bool(row[7]),
            categories=tuple(row[8] or ()),
        )
        for row in rows[:max_calls]
    ]
    found: dict[str, list[AlertEvidence]] = {}
    if calls and max_evidence > 0:
        parameters = {"call_ids": [c.call_id for c in calls], "per_call": max_evidence}
        for call_id, category, severity, start_s, evidence in con.execute(
            q["alert_evidence"], parameters
        ).fetchall():
            found.setdefault(call_id, []).append(
                AlertEvidence(category, severity, start_s, evidence)
            )
    return AlertCalls(
        n_calls=len(rows),
        n_red_line=sum(bool(row[6]) for row in rows),
        n_escalation=sum(bool(row[7]) for row in rows),
        worst=tuple(replace(c, evidence=tuple(found.get(c.call_id, ()))) for c in calls),
    )
