"""The trend report (质检趋势报告): scores, flagged share and category rates per week, month or
quarter, with the rule-set and scorecard version changes marked, so a manager sees whether a
measure worked; the Pareto of the latest period against the one before; teams side by side.

Gathered here from the published snapshot (sql/trends.sql) into a `Trends` value;
pipeline/reporting/trends_page.py renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from pipeline.config import check_date_range
from pipeline.errors import CallqaError
from pipeline.reporting.charts import pareto_table
from pipeline.reporting.labels import category_zh
from pipeline.reporting.trend_charts import Box, Mark, Series
from pipeline.store.connection import queries

PERIODS = ("week", "month", "quarter")
DEFAULT_PERIODS_SHOWN = 12
MAX_CATEGORY_LINES = 8


@dataclass(frozen=True)
class VersionChange:
    kind: str  # ruleset or scorecard
    version: str
    previous: str
    first_day: date
    mark: Mark


@dataclass(frozen=True)
class ParetoComparison:
    """The Pareto by root cause of the latest period and of the one before, and a row per root cause."""

    current_label: str
    previous_label: str
    current: pl.DataFrame
    previous: pl.DataFrame
    rows: list[
        tuple[str, int, int, int | None, int | None]
    ]  # cause, n now, n before, rank now, rank before


@dataclass(frozen=True)
class TeamPeriod:
    team: str
    n_agents: int
    n_calls: int
    mean_score: float | None
    flagged_share: float
    findings_per_100_calls: float


@dataclass(frozen=True)
class Trends:
    period: str
    team: str | None
    date_from: date
    date_to: date
    labels: list[str]
    n_calls: list[int]
    boxes: list[Box]
    mean_scores: list[float | None]
    flagged_percent: list[float | None]
    categories: list[Series]  # every category, most findings first (the chart draws the first few)
    changes: list[VersionChange]
    pareto: ParetoComparison
    team_names: list[str]
    team_scores: list[Series]
    team_flagged: list[Series]
    team_latest: list[TeamPeriod]
    min_severity: str


def period_start(day: date, period: str) -> date:
    """The first day of the week (Monday), month or quarter that holds `day` (as date_trunc)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_start(start: date, period: str) -> date:
    if period == "week":
        return start + timedelta(days=7)
    months = 1 if period == "month" else 3
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def previous_start(start: date, period: str) -> date:
    if period == "week":
        return start - timedelta(days=7)
    months = 1 if period == "month" else 3
    month = start.month - 1 - months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: date, period: str) -> str:
    if period == "week":
        return f"{start:%m-%d}周"
    if period == "month":
        return f"{start:%Y-%m}"
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def _rows(con, name: str, **params) -> pl.DataFrame:
    """The rows of a named query; `params` may hold more than the query uses."""
    sql = queries("trends.sql")[name]
    used = {key: value for key, value in params.items() if f"${key}" in sql}
    return con.sql(sql, params=used).pl()


def _range(
    con, team: str | None, period: str, date_from: date | None, date_to: date | None
) -> tuple[date, date]:
    """The report's days: as given, else up to the latest call and back DEFAULT_PERIODS_SHOWN periods."""
    first, last, n = _rows(
        con, "bounds", team=team, date_from=date(1, 1, 1), date_to=date(9999, 12, 31)
    ).row(0)
    if n == 0:
        where = f"of team {team!r} " if team else ""
        raise CallqaError(
            f"the database holds no inspected calls {where}yet; run `callqa run ARCHIVE_DIR` first"
        )
    end = date_to or last
    start = date_from
    if start is None:
        start = period_start(end, period)
        for _ in range(DEFAULT_PERIODS_SHOWN - 1):
            start = previous_start(start, period)
        start = max(start, first)
    check_date_range(start, end)
    n_in_range = _rows(con, "bounds", team=team, date_from=start, date_to=end)["n_calls"][0]
    if n_in_range == 0:
        raise CallqaError(
            f"no inspected calls dated {start} … {end}"
            + (f" in team {team!r}" if team else "")
            + f"; the calls run from {first} to {last}"
        )
    return start, end


def _buckets(start: date, end: date, period: str) -> list[date]:
    buckets, current = [], period_start(start, period)
    while current <= end:
        buckets.append(current)
        current = next_start(current, period)
    return buckets


def _changes(con, params: dict, buckets: list[date]) -> list[VersionChange]:
    rows = _rows(con, "version_changes", **params)
    changes = []
    for kind, name in (("ruleset", "规则"), ("scorecard", "评分表")):
        versions = rows.filter(pl.col("kind") == kind).sort("first_day", "version")
        previous = None
        for version, first_day in versions.select("version", "first_day").iter_rows():
            if previous is not None:
                index = max(i for i, b in enumerate(buckets) if b <= first_day)
                at = index - 0.5 if first_day == buckets[index] else float(index)
                changes.append(
                    VersionChange(kind, version, previous, first_day, Mark(at, f"{name} {version}"))
                )
            previous = version
    return changes


def _pareto(
    con, team: str | None, bucket: date, start: date, end: date, period: str, min_severity: str
) -> ParetoComparison:
    """The latest period (`bucket`, from `start` when the range begins inside it) against the
    whole period before it."""
    current = max(bucket, start)
    before = previous_start(bucket, period)

    def table(date_from: date, date_to: date) -> pl.DataFrame:
        if team is None:
            return _rows(
                con, "pareto", date_from=date_from, date_to=date_to, min_severity=min_severity
            )
        findings = _rows(con, "team_findings", date_from=date_from, date_to=date_to, team=team)
        return pareto_table(findings, "root_cause", min_severity)

    now, then = table(current, end), table(before, bucket - timedelta(days=1))
    counts_now = dict(zip(now["root_cause"].to_list(), now["n"].to_list()))
    counts_then = dict(zip(then["root_cause"].to_list(), then["n"].to_list()))
    rank_now = {cause: i + 1 for i, cause in enumerate(now["root_cause"].to_list())}
    rank_then = {cause: i + 1 for i, cause in enumerate(then["root_cause"].to_list())}
    causes = sorted(
        set(counts_now) | set(counts_then),
        key=lambda c: (-counts_now.get(c, 0), -counts_then.get(c, 0), c),
    )
    rows = [
        (
            c,
            int(counts_now.get(c, 0)),
            int(counts_then.get(c, 0)),
            rank_now.get(c),
            rank_then.get(c),
        )
        for c in causes
    ]
    return ParetoComparison(
        f"{period_label(bucket, period)}（{current:%m-%d} 至 {end:%m-%d}）",
        f"{period_label(before, period)}（{before:%m-%d} 至 {bucket - timedelta(days=1):%m-%d}）",
        now,
        then,
        rows,
    )


def _per_bucket(
    frame: pl.DataFrame, buckets: list[date], column: str, scale: float = 1.0
) -> list[float | None]:
    values = dict(zip(frame["bucket"].to_list(), frame[column].to_list()))
    return [None if values.get(b) is None else values[b] * scale for b in buckets]


def trends_data(
    con,
    period: str,
    *,
    team: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    min_severity: str = "minor",
) -> Trends:
    """Everything the trend page shows, per `period` (week, month, quarter), of one team or all."""
    if period not in PERIODS:
        raise CallqaError(f"--period {period!r} is not one of {', '.join(PERIODS)}")
    if team is not None:
        known = _rows(con, "teams")["team"].to_list()
        if team not in known:
            raise CallqaError(
                f"no team {team!r} in the database; its teams are: {', '.join(known) or 'none'}"
            )
    start, end = _range(con, team, period, date_from, date_to)
    buckets = _buckets(start, end, period)
    params = {"team": team, "date_from": start, "date_to": end}
    scores = _rows(con, "score_distribution", period=period, **params)
    by_bucket = {r["bucket"]: r for r in scores.iter_rows(named=True)}
    boxes = [
        Box(r["low"], r["q1"], r["median"], r["q3"], r["high"], r["n_scored"])
        if (r := by_bucket.get(b))
        else Box(None, None, None, None, None, 0)
        for b in buckets
    ]
    rates = _rows(con, "category_rates", period=period, min_severity=min_severity, **params)
    totals = (
        rates.group_by("category")
        .agg(pl.col("n").sum())
        .sort(["n", "category"], descending=[True, False])
    )
    categories = [
        Series(
            f"{category_zh(c)} ({c})",
            _per_bucket(rates.filter(pl.col("category") == c), buckets, "per_100_calls"),
        )
        for c in totals["category"].to_list()
    ]
    teams = _rows(
        con,
        "teams_by_period",
        period=period,
        min_severity=min_severity,
        date_from=start,
        date_to=end,
    )
    team_names = sorted(set(teams["team"].to_list()))
    latest = teams.filter(pl.col("bucket") == buckets[-1])
    return Trends(
        period=period,
        team=team,
        date_from=start,
        date_to=end,
        labels=[period_label(b, period) for b in buckets],
        n_calls=[int(by_bucket[b]["n_calls"]) if b in by_bucket else 0 for b in buckets],
        boxes=boxes,
        mean_scores=_per_bucket(scores, buckets, "mean"),
        flagged_percent=_per_bucket(scores, buckets, "flagged_share", 100.0),
        categories=categories,
        changes=_changes(con, params, buckets),
        pareto=_pareto(con, team, buckets[-1], start, end, period, min_severity),
        team_names=team_names,
        team_scores=[
            Series(t, _per_bucket(teams.filter(pl.col("team") == t), buckets, "mean_score"))
            for t in team_names
        ],
        team_flagged=[
            Series(
                t, _per_bucket(teams.filter(pl.col("team") == t), buckets, "flagged_share", 100.0)
            )
            for t in team_names
        ],
        team_latest=[
            TeamPeriod(
                r["team"],
                r["n_agents"],
                r["n_calls"],
                r["mean_score"],
                r["flagged_share"],
                r["findings_per_100_calls"],
            )
            for r in latest.sort("team").iter_rows(named=True)
        ],
        min_severity=min_severity,
    )
