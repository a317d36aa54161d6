"""The customer's emotion from words (pipeline.detectors.emotion) combined with their raised voice
(`loudness.raised_voice`, role customer, from pipeline.acoustics.findings).

Text detectors see only the transcript, so this runs where both kinds of findings are at hand:
after the acoustic stage of a call (pipeline.process) and when a rescore joins fresh text findings
with the stored acoustic ones (pipeline.batch.rescore), so both give the same rows.
- A negative episode the customer said loudly (a raised-voice turn overlapping it, give or take
  VOICE_SLACK_S) becomes major, with the loudness in its details.
- A customer counted as soothed who raises their voice after their last negative words was not
  soothed: the finding becomes emotion.customer_not_soothed.
A raised voice alone makes no emotion finding: a loud line or a loud room is not anger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.detectors.emotion import NEGATIVE, NOT_SOOTHED, SOOTHED
from pipeline.types import Finding

RAISED_VOICE = "loudness.raised_voice"
VOICE_SLACK_S = 1.0  # turn times (acoustics) and segment times (ASR) differ by a little


def _loudness(voice: Finding) -> dict:
    return {
        "start_s": voice.start_s,
        "end_s": voice.end_s,
        "over_median_db": voice.details.get("over_median_db"),
    }


def with_voice(findings: Iterable[Finding]) -> list[Finding]:
    """The findings with the emotion ones adjusted by the customer's raised voice (same order)."""
    findings = list(findings)
    voices = [f for f in findings if f.category == RAISED_VOICE and f.role == "customer"]
    if not voices:
        return findings
    combined = []
    for finding in findings:
        if finding.category == NEGATIVE:
            loud = [
                v
                for v in voices
                if v.start_s < finding.end_s + VOICE_SLACK_S
                and v.end_s > finding.start_s - VOICE_SLACK_S
            ]
            if loud:
                db = max(v.details.get("over_median_db") or 0.0 for v in loud)
                finding = replace(
                    finding,
                    severity="major",
                    evidence=f"{finding.evidence}（音量高于平时 {db:.1f} dB）",
                    details={**finding.details, "raised_voice": [_loudness(v) for v in loud]},
                )
        elif finding.category == SOOTHED:
            after = [
                v
                for v in voices
                if v.start_s >= finding.details.get("last_negative_end_s", finding.end_s)
            ]
            if after:
                finding = replace(
                    finding,
                    category=NOT_SOOTHED,
                    rule_id="soothing.not_soothed",
                    severity="minor",
                    evidence=f"{finding.evidence.split('：')[0]}，但之后客户音量升高：未见平复",
                    details={
                        **finding.details,
                        "soothed": False,
                        "raised_voice_after": [_loudness(v) for v in after],
                    },
                )
        combined.append(finding)
    return combined
