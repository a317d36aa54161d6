"""One call as the workbench shows it: transcript with evidence, findings with verdicts, the
machine and the adjusted score, appeals and what the user may do — for the page and the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.config import Config
from pipeline.review.records import Appeal, User, Verdict
from pipeline.review.web.access import MAY_DECIDE, MAY_VERDICT, STAFF
from pipeline.review.web.snapshot import StoredCall
from pipeline.scoring.adjusted import adjusted_score
from pipeline.scoring.scorecard import Scorecard
from pipeline.types import Finding

_MATCHED = re.compile(r"【([^】]+)】")


def finding_of(row: dict[str, Any], call_id: str) -> Finding:
    return Finding(
        call_id=call_id,
        category=row["category"],
        rule_id=row["rule_id"],
        severity=row["severity"],
        role=row["role"],
        start_s=float(row["start_s"]),
        end_s=float(row["end_s"]),
        evidence=row["evidence"] or "",
        root_cause=row["root_cause"],
        ruleset_version=row["ruleset_version"],
    )


def appeal_deadline(call: dict[str, Any], appeal_days: int) -> datetime | None:
    """An agent may appeal until this moment (UTC): `appeal_days` after the call started."""
    started = call.get("started_at")
    if started is None and call.get("call_date") is not None:
        day = call["call_date"]
        started = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if started is None:
        return None
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return started + timedelta(days=appeal_days)


def _segments(stored: StoredCall) -> list[dict[str, Any]]:
    """Segments with the findings they hold; `parts` splits the text into (text, matched)."""
    out = []
    for seg in stored.segments:
        inside = [
            f
            for f in stored.findings
            if f["start_s"] < seg["end_s"] + 0.05 and f["end_s"] > seg["start_s"] - 0.05
        ]
        words = sorted(
            {w for f in inside for w in _MATCHED.findall(f["evidence"] or "") if w},
            key=len,
            reverse=True,
        )
        parts: list[tuple[str, bool]] = [(seg["text"], False)]
        for word in words:
            split: list[tuple[str, bool]] = []
            for text, matched in parts:
                if matched or word not in text:
                    split.append((text, matched))
                    continue
                pieces = text.split(word)
                for i, piece in enumerate(pieces):
                    if piece:
                        split.append((piece, False))
                    if i < len(pieces) - 1:
                        split.append((word, True))
            parts = split
        out.append(
            {
                "seg_index": seg["seg_index"],
                "start_s": seg["start_s"],
                "end_s": seg["end_s"],
                "speaker": seg["speaker"],
                "role": seg["role"],
                "text": seg["text"],
                "finding_ids": [f["finding_id"] for f in inside],
                "parts": parts,
            }
        )
    return out


def _verdict_json(verdict: Verdict, show_names: bool) -> dict[str, Any]:
    return {
        "verdict_id": verdict.verdict_id,
        "finding_id": verdict.finding_id,
        "verdict": verdict.verdict,
        "note": verdict.note,
        "user_name": verdict.user_name if show_names else None,
        "created_at": verdict.created_at.isoformat(),
    }


def appeal_json(appeal: Appeal) -> dict[str, Any]:
    return {
        "appeal_id": appeal.appeal_id,
        "call_id": appeal.call_id,
        "finding_id": appeal.finding_id,
        "reason": appeal.reason,
        "user_name": appeal.user_name,
        "created_at": appeal.created_at.isoformat(),
        "decision": appeal.decision,
        "decision_note": appeal.decision_note,
        "decided_by": appeal.decided_by,
        "decided_at": appeal.decided_at.isoformat() if appeal.decided_at else None,
    }


def call_json(
    stored: StoredCall,
    user: User,
    verdicts: list[Verdict],
    appeals: list[Appeal],
    scorecard: Scorecard,
    config: Config,
    now: datetime | None = None,
) -> dict[str, Any]:
    call = stored.call
    call_id = call["call_id"]
    staff = user.role in STAFF
    levels = config.review.levels
    overturned = {a.finding_id for a in appeals if a.decision == "overturned" and a.finding_id}
    whole = any(a.decision == "overturned" and a.finding_id is None for a in appeals)
    pairs = [(row["finding_id"], finding_of(row, call_id)) for row in stored.findings]
    adjusted = adjusted_score(call["score"], pairs, overturned, scorecard, whole)
    latest: dict[str, Verdict] = {}
    for verdict in sorted(verdicts, key=lambda v: (v.created_at, v.verdict_id)):
        latest[verdict.finding_id] = verdict
    findings = []
    for row, (finding_id, finding) in zip(stored.findings, pairs):
        item = next((i for i in scorecard.items if i.matches(finding)), None)
        findings.append(
            {
                "finding_id": finding_id,
                "category": row["category"],
                "rule_id": row["rule_id"],
                "severity": row["severity"],
                "role": row["role"],
                "start_s": row["start_s"],
                "end_s": row["end_s"],
                "evidence": row["evidence"],
                "root_cause": row["root_cause"],
                "ruleset_version": row["ruleset_version"],
                "scorecard_item": None
                if item is None
                else {"item_id": item.id, "name": item.name, "group": item.group},
                "overturned": finding_id in overturned or whole,
                "verdict": _verdict_json(latest[finding_id], staff)
                if finding_id in latest
                else None,
            }
        )
    deadline = appeal_deadline(call, config.review.appeal_days)
    moment = now or datetime.now(UTC)
    may_appeal = (
        user.role == "agent"
        and "decision" in levels
        and bool(user.agent_id)
        and call["agent_id"] == user.agent_id
        and deadline is not None
        and moment <= deadline
    )
    started = call["started_at"]
    zone = ZoneInfo(config.archive.timezone)  # times shown as the site lives them
    return {
        "call": {
            "call_id": call_id,
            "call_date": call["call_date"].isoformat() if call["call_date"] else None,
            "started_at": started.isoformat() if started else None,
            "started_local": started.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if started
            else None,
            "agent_id": call["agent_id"],
            "agent_name": call["agent_name"],
            "team": call["team"],
            "duration_s": call["duration_s"],
            "status": call["status"],
            "roles_method": call["roles_method"],
            "audio_url": f"/calls/{call_id}/audio",
            "audio_kind": "original" if staff else "redacted",
        },
        "score": {
            "machine": call["score"],
            "adjusted": adjusted.adjusted,
            "red_line_failed": call["red_line_failed"],
            "flagged": call["flagged"],
            "unscored_reason": call["unscored_reason"],
            "scorecard_version": call["scorecard_version"],
            "overturned_findings": list(adjusted.overturned),
            "whole_call_overturned": adjusted.whole_call_overturned,
            "deductions": [
                {
                    "item_id": i["item_id"],
                    "group": i["item_group"],
                    "name": i["item_name"],
                    "n_findings": i["n_findings"],
                    "deduction": i["deduction"],
                    "red_line": i["red_line"],
                }
                for i in stored.items
            ],
        },
        "segments": _segments(stored),
        "findings": findings,
        "verdicts": [_verdict_json(v, staff) for v in verdicts],
        "appeals": [appeal_json(a) for a in appeals],
        "permissions": {
            "verdict": user.role in MAY_VERDICT and "verdict" in levels,
            "appeal": may_appeal,
            "decide": user.role in MAY_DECIDE and "decision" in levels,
            "appeal_until": deadline.isoformat() if deadline else None,
            "appeal_until_local": deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if deadline
            else None,
        },
    }
