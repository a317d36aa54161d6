"""Hand-built call results for store, scorecard and report tests (no audio, no ASR)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from pipeline.scoring.scorecard import Scorecard, score_call
from pipeline.types import (
    AudioInfo,
    CallResult,
    Finding,
    PartyRoles,
    Recording,
    Segment,
    Transcript,
)

CST = timezone(timedelta(hours=8))


def blank_run(con) -> str:
    """A run row with placeholder metadata, for tests that write calls by hand."""
    from pipeline.store.runs import start_run

    return start_run(
        con,
        version="t",
        archive=None,
        config={},
        config_hash="t",
        asr_model="t",
        ruleset_version="t",
    )


def finding(
    call_id: str,
    category: str,
    rule_id: str | None = None,
    severity: str = "minor",
    role: str = "agent",
    root_cause: str | None = None,
    start_s: float = 1.0,
    evidence: str = "…",
) -> Finding:
    return Finding(
        call_id=call_id,
        category=category,
        rule_id=rule_id or category,
        severity=severity,
        role=role,
        start_s=start_s,
        end_s=start_s + 1.0,
        evidence=evidence,
        details={},
        root_cause=root_cause or category.split(".")[0],
        ruleset_version="test",
    )


def call_result(
    call_id: str,
    findings: list[Finding],
    scorecard: Scorecard,
    agent_id: str = "A1",
    day: str = "2026-11-21",
    texts: list[tuple[str, str]] | None = None,
    path: str | None = None,
    roles: PartyRoles | None = None,
) -> CallResult:
    """`texts`: (role, text) per segment, 2 s each; `roles`: the role decision (a mono one makes
    the recording one channel and the speakers spk0 / spk1 by turns)."""
    mono = roles is not None and roles.method != "channels"
    started = datetime.fromisoformat(day + "T10:00:00").replace(tzinfo=CST)
    segments = tuple(
        Segment(
            start=2.0 * i,
            end=2.0 * i + 1.8,
            speaker=f"spk{i % 2}" if mono else ("ch0" if role == "agent" else "ch1"),
            role=role,
            text=text,
        )
        for i, (role, text) in enumerate(texts or [("agent", "您好"), ("customer", "你好")])
    )
    shown = path or f"{day.replace('-', '/')}/{call_id}.wav"
    transcript = Transcript(
        call_id=call_id,
        segments=segments,
        audio=AudioInfo(shown, "0" * 64, 60.0, 8000, 1 if mono else 2),
        asr_model="test",
        roles=roles,
    )
    return CallResult(
        recording=Recording(Path(shown), call_id, agent_id, started, shown),
        status="ok",
        transcript=transcript,
        findings=tuple(findings),
        score=score_call(findings, scorecard),
    )
