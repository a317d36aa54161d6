"""What the review workbench says about an agent: the adjusted scores after appeals and the
re-check results, from the views it publishes into the analysts' snapshot (migration 010). Read
only when the snapshot has them, so the coaching report also works on an older store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.store.connection import queries


@dataclass(frozen=True)
class AdjustedCall:
    call_id: str
    call_date: date
    machine_score: float | None
    adjusted_score: float | None
    n_overturned: int
    whole_call_overturned: bool


@dataclass(frozen=True)
class AdjustedScores:
    """The period's mean machine and adjusted scores, and the calls an overturned appeal changed."""

    n_calls: int
    avg_machine_score: float | None
    avg_adjusted_score: float | None
    calls: list[AdjustedCall]


@dataclass(frozen=True)
class PassRate:
    n_rechecked: int
    n_passed: int
    pass_rate: float


@dataclass(frozen=True)
class RecheckCall:
    recheck_id: int
    seq: int
    call_id: str
    started_at: datetime | None
    passed: bool


@dataclass(frozen=True)
class Rechecks:
    """The agent's and the team's re-check pass rates (None: never re-checked) and the calls."""

    agent: PassRate | None
    team: PassRate | None
    calls: list[RecheckCall]


def _fetch(con, query: str, **params) -> list[tuple]:
    sql = queries("coaching.sql")[query]
    return con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()


def view_exists(con, name: str) -> bool:
    return _fetch(con, "view_exists", name=name)[0][0] > 0


def adjusted_scores(con, agent_id: str, date_from: date, date_to: date) -> AdjustedScores | None:
    if not view_exists(con, "v_agent_adjusted_scores"):
        return None
    params = {"agent_id": agent_id, "date_from": date_from, "date_to": date_to}
    n_calls, machine, adjusted, _ = _fetch(con, "adjusted_summary", **params)[0]
    calls = [AdjustedCall(*row) for row in _fetch(con, "adjusted_calls", **params)]
    return AdjustedScores(n_calls, machine, adjusted, calls)


def rechecks(con, agent_id: str, team: str | None) -> Rechecks | None:
    if not view_exists(con, "v_recheck_pass_rate") or not view_exists(con, "v_recheck_calls"):
        return None
    rates = {
        level: PassRate(n, passed, rate)
        for level, n, passed, rate in _fetch(
            con, "recheck_rates", agent_id=agent_id, team=team or "unknown"
        )
    }
    calls = [RecheckCall(*row) for row in _fetch(con, "recheck_calls", agent_id=agent_id)]
    return Rechecks(rates.get("agent"), rates.get("team"), calls)
