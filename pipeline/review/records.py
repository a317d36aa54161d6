"""The typed records of the review store and the fixed vocabularies they use.

The store (pipeline.review.store) returns these; the web app and the CLI only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Lowest to highest: what each role may do is checked in pipeline.review.store (ROLE_MAY).
ROLES = ("agent", "reviewer", "senior", "lead", "admin")
VERDICTS = ("confirmed", "rejected", "unsure")
DECISIONS = ("upheld", "overturned")
# Access-log actions the workbench writes; others are accepted (the log is open-ended).
ACCESS_ACTIONS = ("view", "play", "login", "login_failed", "logout", "export")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    # The agent id of the calls this user made (agents only): what they may see.
    agent_id: str | None
    team: str | None
    disabled: bool


@dataclass(frozen=True)
class Verdict:
    verdict_id: int
    finding_id: str
    call_id: str
    # The finding's rule and category when the verdict was given: a rescore that changes the
    # rule makes the verdict stale at publication (kept, flagged, never deleted).
    rule_id: str
    category: str
    verdict: str
    note: str
    user_name: str
    created_at: datetime
    ruleset_version: str | None = None


@dataclass(frozen=True)
class Appeal:
    appeal_id: int
    call_id: str
    # None: the agent appeals the call's score as a whole.
    finding_id: str | None
    reason: str
    agent_id: str | None
    user_name: str
    created_at: datetime
    decision: str | None = None
    decision_note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class SignOff:
    signoff_id: int
    batch_id: str
    note: str
    user_name: str
    created_at: datetime


@dataclass(frozen=True)
class Recheck:
    """An agent under coaching: their next n_calls calls after created_at are queued (复检)."""

    recheck_id: int
    agent_id: str
    n_calls: int
    user_name: str
    created_at: datetime


@dataclass(frozen=True)
class AccessEntry:
    entry_id: int
    user_name: str
    action: str
    call_id: str | None
    detail: str
    at: datetime
