"""Rule precision from the reviewers' verdicts, and the re-check (复检) pass rate.

Precision of a rule = confirmed / (confirmed + rejected) over the latest verdict of each of its
findings ("unsure" counts in neither), with a Wilson score interval at 95 %: honest with few
verdicts, where a plain ratio of 2/2 would read as certain.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from pipeline.review.records import Recheck, Verdict

Z95 = 1.959964


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion; None without observations."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def latest_verdicts(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """One verdict per finding: the last one given (a second reviewer's word replaces the first)."""
    latest: dict[str, Verdict] = {}
    for verdict in sorted(verdicts, key=lambda v: (v.created_at, v.verdict_id)):
        latest[verdict.finding_id] = verdict
    return list(latest.values())


def rule_precision(
    verdicts: Iterable[Verdict],
    current_rules: Mapping[str, str] | None = None,
    examples: int = 10,
) -> list[dict[str, Any]]:
    """`current_rules`: finding id -> its rule in the snapshot. A verdict whose finding is gone or
    whose rule changed since is stale: counted apart (n_stale), not in the precision — as
    v_rule_precision does."""
    by_rule: dict[tuple[str, str], list[Verdict]] = defaultdict(list)
    stale: dict[tuple[str, str], int] = defaultdict(int)
    for verdict in latest_verdicts(verdicts):
        key = (verdict.category, verdict.rule_id)
        if current_rules is not None and current_rules.get(verdict.finding_id) != verdict.rule_id:
            stale[key] += 1
            by_rule.setdefault(key, [])
            continue
        by_rule[key].append(verdict)
    rows = []
    for (category, rule_id), found in sorted(by_rule.items()):
        confirmed = sum(v.verdict == "confirmed" for v in found)
        rejected = sum(v.verdict == "rejected" for v in found)
        judged = confirmed + rejected
        interval = wilson_interval(confirmed, judged)
        weeks: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for v in found:
            if v.verdict in ("confirmed", "rejected"):
                year, week, _ = v.created_at.isocalendar()
                weeks[f"{year}-W{week:02d}"][0 if v.verdict == "confirmed" else 1] += 1
        rejected_examples = sorted(
            (v for v in found if v.verdict == "rejected"),
            key=lambda v: (v.created_at, v.verdict_id),
            reverse=True,
        )[:examples]
        rows.append(
            {
                "category": category,
                "rule_id": rule_id,
                "confirmed": confirmed,
                "rejected": rejected,
                "unsure": sum(v.verdict == "unsure" for v in found),
                "n_stale": stale[(category, rule_id)],
                "precision": confirmed / judged if judged else None,
                "ci95_low": interval[0] if interval else None,
                "ci95_high": interval[1] if interval else None,
                "trend": [
                    {"week": week, "confirmed": c, "rejected": r, "precision": c / (c + r)}
                    for week, (c, r) in sorted(weeks.items())
                ],
                "rejected_examples": [
                    {
                        "call_id": v.call_id,
                        "finding_id": v.finding_id,
                        "note": v.note,
                        "url": f"/calls/{v.call_id}#finding-{v.finding_id}",
                    }
                    for v in rejected_examples
                ],
            }
        )
    # the least precise first: what a lexicon owner should fix next
    return sorted(rows, key=lambda r: (r["precision"] is None, r["precision"] or 0.0))


def recheck_summary(
    rechecks: Iterable[Recheck],
    calls_after: Callable[[str, datetime, int], list[dict[str, Any]]],
    team_of: Callable[[str], str | None],
) -> dict[str, Any]:
    """Per re-check order, agent and team: the calls re-checked so far and how many passed
    (a re-checked call passes when it is not flagged: no red line, score at or above the
    scorecard's flag_below, no always-flag finding)."""
    orders = []
    per_agent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_team: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for order in rechecks:
        calls = calls_after(order.agent_id, order.created_at, order.n_calls)
        passed = sum(not c["flagged"] for c in calls)
        team = team_of(order.agent_id) or "unknown"
        for tally in (per_agent[order.agent_id], per_team[team]):
            tally[0] += passed
            tally[1] += len(calls)
        orders.append(
            {
                "recheck_id": order.recheck_id,
                "agent_id": order.agent_id,
                "team": team,
                "n_calls": order.n_calls,
                "ordered_by": order.user_name,
                "ordered_at": order.created_at.isoformat(),
                "calls": [
                    {
                        "call_id": c["call_id"],
                        "score": c["score"],
                        "passed": not c["flagged"],
                    }
                    for c in calls
                ],
                "n_checked": len(calls),
                "n_passed": passed,
            }
        )

    def rates(tallies: dict[str, list[int]], key: str) -> list[dict[str, Any]]:
        return [
            {key: name, "n_checked": n, "n_passed": p, "pass_rate": p / n if n else None}
            for name, (p, n) in sorted(tallies.items())
        ]

    return {
        "orders": orders,
        "agents": rates(per_agent, "agent_id"),
        "teams": rates(per_team, "team"),
    }
