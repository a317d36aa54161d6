"""Acoustic findings: silence.dead_air / silence.hold, speech_rate.fast / .slow,
overlap.interruption and loudness.raised_voice.

These read what `pipeline.acoustics.analysis.analyse_call` measured (gaps, overlaps, per-turn measures)
and apply the thresholds of AcousticOptions; they hold no signal code. Evidence is a short
description of what was heard, never transcript text (which may hold PII).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pipeline.acoustics.features import SILENT_DB
from pipeline.acoustics.turns import rate_eligible
from pipeline.types import Finding, FindingRole, Role, Severity

if TYPE_CHECKING:
    from pipeline.acoustics.results import AcousticResult, Gap, Overlap
    from pipeline.acoustics.turns import TurnMeasure
    from pipeline.options import AcousticOptions
    from pipeline.types import RateBaseline

ROLE_ZH = {"agent": "坐席", "customer": "客户", "unknown": "说话人", "both": "双方"}


def acoustic_findings(
    result: AcousticResult,
    options: AcousticOptions,
    rate_baseline: RateBaseline | None = None,
    ruleset_version: str | None = None,
    lexicon_dir: Path | None = None,
) -> list[Finding]:
    """All acoustic findings of one analysed call, ordered by time."""
    drafts = [
        *silence_findings(result.gaps, options),
        *speech_rate_findings(result.turns, options, rate_baseline),
        *interruption_findings(result.overlaps, result.turns, options),
        *raised_voice_findings(result.turns, options),
    ]
    findings = []
    for draft in drafts:
        root_cause = None
        if lexicon_dir is not None:
            from pipeline.scoring.root_causes import root_cause_for

            root_cause = root_cause_for(lexicon_dir, draft.rule_id)
        findings.append(
            Finding(
                call_id=result.call_id,
                category=draft.category,
                rule_id=draft.rule_id,
                severity=draft.severity,
                role=draft.role,
                start_s=round(draft.start, 2),
                end_s=round(draft.end, 2),
                evidence=draft.evidence,
                details=draft.details,
                root_cause=root_cause,
                ruleset_version=ruleset_version,
            )
        )
    return sorted(findings, key=lambda f: (f.start_s, f.category, f.rule_id))


class Draft(NamedTuple):
    """A finding before the call-wide fields (call id, root cause, ruleset version) are added."""

    category: str
    rule_id: str
    severity: Severity
    role: FindingRole
    start: float
    end: float
    evidence: str
    details: dict


def silence_findings(gaps: Sequence[Gap], options: AcousticOptions) -> list[Draft]:
    drafts: list[Draft] = []
    for gap in gaps:
        details = {
            "duration_s": gap.duration,
            "after": gap.before_role or "call_start",
            "next_speaker": gap.after_role,
            "music_s": gap.music_s,
        }
        if gap.kind in ("music_hold", "silent_hold"):
            music = gap.kind == "music_hold"
            evidence = f"保持 {gap.duration:.1f} 秒（{'等待音乐' if music else '无声'}）"
            drafts.append(
                Draft(
                    "silence.hold",
                    "hold.music" if music else "hold.long_silence",
                    "info" if music else "minor",
                    "agent",
                    gap.start,
                    gap.end,
                    evidence,
                    details,
                )
            )
        elif gap.kind == "dead_air":
            if gap.before_role is None:
                rule, context = "dead_air.call_start", "通话开始后无人说话"
            # mono without speaker turns: nobody to attribute it to
            elif gap.before_role == "unknown":
                rule, context = "dead_air.unattributed", "无人说话"
            elif gap.before_role == gap.after_role:
                rule, context = (
                    f"dead_air.{gap.before_role}_pause",
                    f"{ROLE_ZH[gap.before_role]}话语中间停顿",
                )
            else:
                rule, context = (
                    f"dead_air.after_{gap.before_role}",
                    f"{ROLE_ZH[gap.before_role]}说完后",
                )
            severity: Severity = "major" if gap.duration >= options.dead_air_major_s else "minor"
            drafts.append(
                Draft(
                    "silence.dead_air",
                    rule,
                    severity,
                    gap.expected_role,
                    gap.start,
                    gap.end,
                    f"静默 {gap.duration:.1f} 秒（{context}）",
                    details,
                )
            )
    return drafts


def turn_rate(turn: TurnMeasure, options: AcousticOptions) -> tuple[float | None, str]:
    """The rate a turn is judged by and its source: the transcript's characters while they
    agree with the signal's syllable count, else the syllable count (ASR dropped or invented words)."""
    text_rate, signal_rate = turn.chars_per_min, turn.syllables_per_min
    if text_rate is not None and signal_rate:
        ratio = text_rate / signal_rate
        if 1 / options.rate_text_signal_max_ratio <= ratio <= options.rate_text_signal_max_ratio:
            return text_rate, "text"
        return signal_rate, "signal"
    if text_rate is not None:
        return text_rate, "text"
    return signal_rate, "signal"


def speech_rate_findings(
    turns: Sequence[TurnMeasure], options: AcousticOptions, baseline: RateBaseline | None
) -> list[Draft]:
    use_baseline = (
        baseline is not None
        and baseline.n_calls >= options.rate_baseline_min_calls
        and baseline.spread_cpm > 0
    )
    drafts: list[Draft] = []
    for turn in turns:
        if turn.role != "agent" or not rate_eligible(turn, options):
            continue
        rate, source = turn_rate(turn, options)
        if rate is None:
            continue
        details = {
            "chars_per_min": _round(turn.chars_per_min),
            "syllables_per_min": _round(turn.syllables_per_min),
            "rate_source": source,
            "chars": turn.chars,
            "syllables": turn.syllables,
            "voiced_s": turn.voiced_s,
            "band_cpm": [options.rate_min_cpm, options.rate_max_cpm],
        }
        if rate > options.rate_max_cpm or rate < options.rate_min_cpm:
            direction, check = ("fast" if rate > options.rate_max_cpm else "slow"), "band"
            compared = (
                f" {options.rate_max_cpm if direction == 'fast' else options.rate_min_cpm:.0f}"
            )
        elif (
            use_baseline
            and baseline is not None  # implied by use_baseline
            and abs(rate - baseline.median_cpm)
            >= options.rate_baseline_spreads * baseline.spread_cpm
        ):
            direction, check = ("fast" if rate > baseline.median_cpm else "slow"), "baseline"
            compared = f"本人平时 {baseline.median_cpm:.0f}"
            details.update(
                baseline_median_cpm=baseline.median_cpm,
                baseline_spread_cpm=baseline.spread_cpm,
                baseline_calls=baseline.n_calls,
            )
        else:
            continue
        estimated = "（按音节估计）" if source == "signal" else ""
        than = "快于" if direction == "fast" else "慢于"
        evidence = f"语速 {rate:.0f} 字/分钟{estimated}，{than}{compared}"
        drafts.append(
            Draft(
                f"speech_rate.{direction}",
                f"speech_rate.{direction}.{check}",
                "minor",
                "agent",
                turn.start,
                turn.end,
                evidence,
                details,
            )
        )
    return drafts


def interruption_findings(
    overlaps: Sequence[Overlap], turns: Sequence[TurnMeasure], options: AcousticOptions
) -> list[Draft]:
    """The agent starts while the customer is speaking, keeps talking over them, and says more
    than a backchannel."""
    measured = {(t.role, t.start): t for t in turns}
    overlap_by_turn: dict[tuple[float, float], list[Overlap]] = {}
    for overlap in overlaps:
        if overlap.incoming_role == "agent":
            overlap_by_turn.setdefault(
                (overlap.incoming_turn.start, overlap.held_turn.start), []
            ).append(overlap)
    drafts: list[Draft] = []
    for group in overlap_by_turn.values():
        agent_turn, customer_turn = group[0].incoming_turn, group[0].held_turn
        measure = measured.get(("agent", agent_turn.start))
        lead_s = agent_turn.start - customer_turn.start
        overlap_s = round(sum(o.duration for o in group), 3)
        if measure is None or measure.backchannel:
            continue
        if (
            lead_s < options.interruption_min_customer_lead_s
            or overlap_s < options.interruption_min_overlap_s
        ):
            continue
        if measure.voiced_s < options.interruption_min_utterance_s:
            continue
        details = {
            "overlap_s": overlap_s,
            "agent_utterance_s": measure.voiced_s,
            "customer_turn_start_s": customer_turn.start,
            "customer_spoke_before_s": round(lead_s, 3),
        }
        evidence = f"坐席在客户说话时插话，重叠 {overlap_s:.1f} 秒"
        drafts.append(
            Draft(
                "overlap.interruption",
                "interruption.agent_over_customer",
                "minor",
                "agent",
                agent_turn.start,
                max(o.end for o in group),
                evidence,
                details,
            )
        )
    return drafts


def raised_voice_findings(turns: Sequence[TurnMeasure], options: AcousticOptions) -> list[Draft]:
    """A turn markedly louder than the same speaker's median turn in this call."""
    import numpy as np

    drafts: list[Draft] = []
    role: Role
    for role in ("agent", "customer", "unknown"):
        eligible = [
            t
            for t in turns
            if t.role == role
            and t.voiced_s >= options.raised_voice_min_s
            and t.loudness_db > SILENT_DB
        ]
        if len(eligible) < options.raised_voice_min_turns:
            continue
        median = float(np.median([t.loudness_db for t in eligible]))
        for turn in eligible:
            excess = turn.loudness_db - median
            if excess < options.raised_voice_db:
                continue
            details = {
                "over_median_db": round(excess, 1),
                "turn_db": turn.loudness_db,
                "median_db": round(median, 1),
                "voiced_s": turn.voiced_s,
                "turns_compared": len(eligible),
            }
            evidence = (
                f"{ROLE_ZH[role]}音量高于本通平时 {excess:.1f} dB，持续 {turn.voiced_s:.1f} 秒"
            )
            severity: Severity = "major" if role == "agent" else "info"
            finding_role: FindingRole = role if role != "unknown" else "both"
            drafts.append(
                Draft(
                    "loudness.raised_voice",
                    f"raised_voice.{role}",
                    severity,
                    finding_role,
                    turn.start,
                    turn.end,
                    evidence,
                    details,
                )
            )
    return drafts


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
