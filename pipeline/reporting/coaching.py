"""The coaching report (个性化质检报告): one agent's period against their team, as data.

What the page shows is gathered here (sql/coaching.sql over the published snapshot) into a
`Coaching` value; pipeline/reporting/coaching_page.py renders it. The team is the agent's
`agents.team` when two or more of its agents have calls in the period, else every agent (a
median of one says nothing). Evidence is the findings' stored evidence: masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

import polars as pl

from pipeline.config import check_date_range
from pipeline.errors import CallqaError
from pipeline.reporting.labels import category_zh
from pipeline.reporting.review_data import AdjustedScores, Rechecks, adjusted_scores, rechecks
from pipeline.store.connection import queries

MAX_EVIDENCE = 5
PER_CATEGORY_EVIDENCE = 2
# A category counts as worse or better when the agent's rate differs from the peers' median by
# at least this much (per 100 calls): one finding more in a few hundred calls is noise.
MIN_DIFFERENCE_PER_100 = 1.0


@dataclass(frozen=True)
class CategoryRate:
    category: str
    label: str
    agent_n: int
    agent_per_100: float
    peer_median_per_100: float

    @property
    def difference(self) -> float:
        return self.agent_per_100 - self.peer_median_per_100


@dataclass(frozen=True)
class Evidence:
    call_id: str
    call_date: date
    started_at: datetime | None
    category: str
    label: str
    severity: str
    start_s: float
    end_s: float
    evidence: str
    score: float | None
    link: str | None


@dataclass(frozen=True)
class Coaching:
    agent_id: str
    name: str | None
    team: str | None
    peer_label: str
    date_from: date
    date_to: date
    n_calls: int
    avg_score: float | None
    n_flagged: int
    n_red_line: int
    n_unscored: int
    n_full_marks: int
    peer_median_score: float | None
    n_peers: int
    trend_labels: list[str]
    trend_agent: list[float | None]
    trend_peer: list[float | None]
    categories: list[CategoryRate]
    worse: list[CategoryRate]
    better: list[CategoryRate]
    evidence: list[Evidence]
    adjusted: AdjustedScores | None  # None: the snapshot holds no review data
    recheck: Rechecks | None
    min_severity: str

    @property
    def display_name(self) -> str:
        return f"{self.name}（{self.agent_id}）" if self.name else self.agent_id


def _rows(con, name: str, **params) -> pl.DataFrame:
    """The rows of a named query; `params` may hold more than the query uses."""
    sql = queries("coaching.sql")[name]
    used = {key: value for key, value in params.items() if f"${key}" in sql}
    return con.sql(sql, params=used).pl()


def call_link(base_url: str, call_id: str) -> str | None:
    """The call's page in the review workbench, when [review] base_url says where it runs."""
    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/calls/{quote(call_id, safe='')}"


def _agent(con, agent_id: str, date_from: date, date_to: date) -> dict:
    agent = _rows(con, "agent", agent_id=agent_id, date_from=date_from, date_to=date_to).row(
        0, named=True
    )
    if agent["n_calls_ever"] == 0 and agent["team"] is None and agent["name"] is None:
        raise CallqaError(
            f"no agent {agent_id!r} in the database: no call names it and agents.csv does not list it"
        )
    if agent["n_calls"] == 0:
        known = (
            f"their calls are dated {agent['first_day']} … {agent['last_day']}"
            if agent["first_day"]
            else "none of their calls was inspected"
        )
        raise CallqaError(
            f"agent {agent_id!r} has no inspected calls dated {date_from} … {date_to}: "
            f"nothing to report for this period ({known})"
        )
    return agent


def _peer_team(con, team: str | None, date_from: date, date_to: date) -> str | None:
    if team is None:
        return None
    n_agents = _rows(con, "team_size", team=team, date_from=date_from, date_to=date_to)["n_agents"][
        0
    ]
    return team if n_agents >= 2 else None


def _trend(con, params: dict, date_from: date, date_to: date) -> tuple[list, list, list]:
    by_week = (date_to - date_from).days > 31
    rows = _rows(con, "score_trend", bucket="week" if by_week else "day", **params)
    rows = rows.filter(pl.col("agent_calls") > 0)
    labels = [(f"{d:%m-%d}周" if by_week else f"{d:%m-%d}") for d in rows["bucket"].to_list()]
    return labels, rows["agent_score"].to_list(), rows["peer_median_score"].to_list()


def _categories(con, params: dict) -> list[CategoryRate]:
    rows = _rows(con, "category_comparison", **params)
    return [
        CategoryRate(
            r["category"],
            category_zh(r["category"]),
            int(r["agent_n"]),
            float(r["agent_per_100"]),
            float(r["peer_median_per_100"]),
        )
        for r in rows.iter_rows(named=True)
    ]


def _evidence(
    con, params: dict, first: list[str], strengths: set[str], base_url: str
) -> list[Evidence]:
    """Snippets of the categories to improve first; never of a strength (it would contradict it)."""
    rows = _rows(con, "evidence", categories=first, **params)
    picked: list[Evidence] = []
    per_category: dict[str, int] = {}
    for r in rows.iter_rows(named=True):
        if r["category"] in strengths:
            continue
        # at most two snippets of a category, from different calls: the coach hears a pattern
        if per_category.get(r["category"], 0) >= PER_CATEGORY_EVIDENCE or any(
            e.call_id == r["call_id"] and e.category == r["category"] for e in picked
        ):
            continue
        per_category[r["category"]] = per_category.get(r["category"], 0) + 1
        picked.append(
            Evidence(
                r["call_id"],
                r["call_date"],
                r["started_at"],
                r["category"],
                category_zh(r["category"]),
                r["severity"],
                r["start_s"],
                r["end_s"],
                r["evidence"],
                r["score"],
                call_link(base_url, r["call_id"]),
            )
        )
        if len(picked) == MAX_EVIDENCE:
            break
    return picked


def coaching_data(
    con,
    agent_id: str,
    date_from: date,
    date_to: date,
    *,
    min_severity: str = "minor",
    base_url: str = "",
) -> Coaching:
    """Everything the coaching page shows of `agent_id` between two call dates (inclusive)."""
    check_date_range(date_from, date_to)
    agent = _agent(con, agent_id, date_from, date_to)
    team = _peer_team(con, agent["team"], date_from, date_to)
    params = {"agent_id": agent_id, "team": team, "date_from": date_from, "date_to": date_to}
    summary = _rows(con, "summary", **params).row(0, named=True)
    labels, trend_agent, trend_peer = _trend(con, params, date_from, date_to)
    categories = _categories(con, {**params, "min_severity": min_severity})
    worse = sorted(
        (c for c in categories if c.difference >= MIN_DIFFERENCE_PER_100),
        key=lambda c: (-c.difference, c.category),
    )
    better = sorted(
        (c for c in categories if -c.difference >= MIN_DIFFERENCE_PER_100),
        key=lambda c: (c.difference, c.category),
    )
    evidence = _evidence(
        con,
        {**params, "min_severity": min_severity},
        [c.category for c in worse],
        {c.category for c in better},
        base_url,
    )
    return Coaching(
        agent_id=agent_id,
        name=agent["name"],
        team=agent["team"],
        peer_label=team or "全体坐席",
        date_from=date_from,
        date_to=date_to,
        n_calls=int(summary["n_calls"]),
        avg_score=summary["avg_score"],
        n_flagged=int(summary["n_flagged"]),
        n_red_line=int(summary["n_red_line"]),
        n_unscored=int(summary["n_unscored"]),
        n_full_marks=int(summary["n_full_marks"]),
        peer_median_score=summary["peer_median_score"],
        n_peers=int(summary["n_peers"]),
        trend_labels=labels,
        trend_agent=trend_agent,
        trend_peer=trend_peer,
        categories=categories,
        worse=worse[:3],
        better=better[:3],
        evidence=evidence,
        adjusted=adjusted_scores(con, agent_id, date_from, date_to),
        recheck=rechecks(con, agent_id, agent["team"]),
        min_severity=min_severity,
    )


def default_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """--to defaults to today, --from to four weeks before --to."""
    end = date_to or date.today()
    return (date_from or end - timedelta(days=27)), end
