"""Findings -> a 0–100 call score with its item breakdown, from lexicons/scorecard.toml.

The file is validated when loaded (at the start of a run, before any audio is read):
errors name the file and the item.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError
from pipeline.types import (
    NOT_FULLY_INSPECTED,
    SEVERITIES,
    CallScore,
    Finding,
    ItemScore,
    is_known_category,
)

SCORECARD_FILE = "scorecard.toml"
ROLES = ("agent", "customer", "both")
# What scores.unscored_reason says, per category of NOT_FULLY_INSPECTED.
UNSCORED_REASONS = {
    "roles.undetermined": "roles undetermined: the agent's and the customer's rules did not run",
}


@dataclass(frozen=True)
class ScorecardItem:
    id: str
    group: str
    name: str
    categories: tuple[str, ...]
    deduction: float
    cap: float
    red_line: bool = False
    role: str | None = None
    min_severity: str | None = None

    def matches(self, finding: Finding) -> bool:
        if finding.category not in self.categories:
            return False
        if self.role and finding.role != self.role:
            return False
        return not self.min_severity or SEVERITIES.index(finding.severity) >= SEVERITIES.index(
            self.min_severity
        )


@dataclass(frozen=True)
class Scorecard:
    version: str
    flag_below: float
    always_flag: tuple[str, ...]
    items: tuple[ScorecardItem, ...]


def _number(where: str, value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise LexiconError(f"{where}: '{name}' must be a number ≥ 0, got {value!r}")
    return float(value)


def parse_scorecard(data: dict, where: str) -> Scorecard:
    known_top = {"version", "flag_below", "always_flag", "item"}
    unknown = set(data) - known_top
    if unknown:
        raise LexiconError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if not isinstance(data.get("version"), str) or not data["version"]:
        raise LexiconError(f"{where}: 'version' (a string) is required")
    flag_below = _number(where, data.get("flag_below", 80), "flag_below")
    always_flag = tuple(data.get("always_flag", ()))
    for category in always_flag:
        if not is_known_category(category):
            raise LexiconError(f"{where}: always_flag names unknown category {category!r}")
    items = []
    seen: set[str] = set()
    for index, raw in enumerate(data.get("item", [])):
        item_where = f"{where}: item {index + 1} ({raw.get('id', '?')})"
        extra = set(raw) - {
            "id",
            "group",
            "name",
            "categories",
            "deduction",
            "cap",
            "red_line",
            "role",
            "min_severity",
        }
        if extra:
            raise LexiconError(f"{item_where}: unknown key(s) {', '.join(sorted(extra))}")
        for key in ("id", "group", "name"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise LexiconError(f"{item_where}: '{key}' (a string) is required")
        if raw["id"] in seen:
            raise LexiconError(f"{item_where}: id {raw['id']!r} is used twice")
        seen.add(raw["id"])
        categories = raw.get("categories")
        if not isinstance(categories, list) or not categories:
            raise LexiconError(f"{item_where}: 'categories' must be a non-empty list")
        for category in categories:
            if not is_known_category(category):
                raise LexiconError(f"{item_where}: unknown category {category!r}")
        role, min_severity = raw.get("role"), raw.get("min_severity")
        if role is not None and role not in ROLES:
            raise LexiconError(f"{item_where}: role must be one of {', '.join(ROLES)}")
        if min_severity is not None and min_severity not in SEVERITIES:
            raise LexiconError(f"{item_where}: min_severity must be one of {', '.join(SEVERITIES)}")
        if not isinstance(raw.get("red_line", False), bool):
            raise LexiconError(f"{item_where}: red_line must be true or false")
        items.append(
            ScorecardItem(
                id=raw["id"],
                group=raw["group"],
                name=raw["name"],
                categories=tuple(categories),
                deduction=_number(item_where, raw.get("deduction"), "deduction"),
                cap=_number(item_where, raw.get("cap", 100), "cap"),
                red_line=raw.get("red_line", False),
                role=role,
                min_severity=min_severity,
            )
        )
    return Scorecard(
        version=data["version"], flag_below=flag_below, always_flag=always_flag, items=tuple(items)
    )


@lru_cache(maxsize=4)
def load_scorecard(lexicon_dir: str) -> Scorecard:
    path = Path(lexicon_dir) / SCORECARD_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: scorecard file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path}: not valid TOML ({exc})") from None
    return parse_scorecard(data, str(path))


def score_call(findings: list[Finding] | tuple[Finding, ...], scorecard: Scorecard) -> CallScore:
    """100 minus the capped deductions of each item; 0 when a red-line item matched.

    A call not fully inspected (a NOT_FULLY_INSPECTED finding, e.g. roles.undetermined) gets no
    score and is flagged: a score over the rules that did run would read as a clean call and lift
    every average it enters. A red line still fails it (score 0): the rules that did not run
    cannot undo that. Its items are kept either way: what did deduct is still shown.
    """
    item_scores = []
    for item in scorecard.items:
        n = sum(1 for f in findings if item.matches(f))
        if n:
            item_scores.append(
                ItemScore(
                    item.id,
                    item.group,
                    item.name,
                    n,
                    min(item.cap, n * item.deduction),
                    item.red_line,
                )
            )
    red_line_failed = any(i.red_line for i in item_scores)
    not_inspected = [f.category for f in findings if f.category in NOT_FULLY_INSPECTED]
    unscored_reason = (
        UNSCORED_REASONS.get(not_inspected[0], "not fully inspected")
        if not_inspected and not red_line_failed
        else None
    )
    score: float | None = (
        0.0 if red_line_failed else max(0.0, 100.0 - sum(i.deduction for i in item_scores))
    )
    if unscored_reason is not None:
        score = None
    flagged = (
        red_line_failed
        or bool(not_inspected)
        or (score is not None and score < scorecard.flag_below)
        or any(f.category in scorecard.always_flag for f in findings)
    )
    return CallScore(
        round(score, 2) if score is not None else None,
        red_line_failed,
        flagged,
        scorecard.version,
        tuple(item_scores),
        unscored_reason,
    )
