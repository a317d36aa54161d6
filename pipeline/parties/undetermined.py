"""`roles.undetermined`: a call whose roles could not be decided is reported, never passed.

A mono call whose speakers could not be told apart (pipeline.parties.roles found no agent, or
[diarization] enabled = false kept it one speaker) has every segment of role `unknown`, and every
rule about what the agent or the customer says has nothing to run on: the phrase rules, script
compliance, and the acoustic stage's agent-only checks (speech rate, interruptions). Without a
finding such a call would score a clean 100 and never reach a QA lead. So it gets one finding
(severity major, the whole call) whose evidence says why and whose details list the checks that
did not run; the scorecard leaves the call unscored and flags it (pipeline.scoring.scorecard),
and the review queue takes it (reason roles_undetermined).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.detectors.registry import detector
from pipeline.scoring.root_causes import root_cause_for
from pipeline.types import Finding, PartyRoles, Severity, Transcript

CATEGORY = "roles.undetermined"
# Not the agent's fault, so no red line; loud enough for the flagged list and the review queue.
SEVERITY: Severity = "major"
# The acoustic checks that need the agent told from the customer (pipeline.acoustics.findings):
# speech rate is measured on agent turns, an interruption is the agent over the customer.
ACOUSTIC_PARTY_CHECKS = ("speech_rate.fast", "speech_rate.slow", "overlap.interruption")


def checks_not_run(enabled_detectors: Sequence[str]) -> tuple[list[str], list[str]]:
    """(detectors, finding categories) that read only the agent's or only the customer's speech,
    of the enabled text detectors and the acoustic stage."""
    detectors, categories = [], []
    for name in enabled_detectors:
        spec = detector(name)
        of_a_party = [
            phrase.category
            for phrase in spec.phrase_categories
            if phrase.role in ("agent", "customer")
        ] + list(spec.party_categories)
        if of_a_party:
            detectors.append(name)
            categories.extend(of_a_party)
    return detectors, [*dict.fromkeys(categories), *ACOUSTIC_PARTY_CHECKS]


def evidence(roles: PartyRoles) -> str:
    """Why, for the QA lead: figures and settings only, no speech."""
    if roles.method == "not diarized":
        why = "单声道录音未做说话人分离（[diarization] enabled = false）"
    else:
        figures = [
            f"{roles.n_speakers} 位说话人" if roles.n_speakers is not None else "说话人数未知"
        ]
        if roles.confidence is not None:
            figures.append(f"置信度 {roles.confidence:.2f}")
        why = f"无法判定坐席与客户（{'，'.join(figures)}）"
    return f"{why}：坐席与客户规则未执行"


def roles_undetermined(
    transcript: Transcript,
    enabled_detectors: Sequence[str],
    lexicon_dir: Path | str,
    ruleset_version: str | None,
) -> list[Finding]:
    """The roles.undetermined finding of a call with speech whose roles stay unknown, else none.

    A transcript that does not say how its roles were decided (hand-made, imported, stored before
    decisions were kept) gets none: its segments' roles are all there is to go by.
    """
    roles = transcript.roles
    if roles is None or roles.determined or roles.method == "no speech":
        return []
    if not any(segment.text.strip() for segment in transcript.segments):
        return []
    detectors, categories = checks_not_run(enabled_detectors)
    rule_id = "roles.not_diarized" if roles.method == "not diarized" else "roles.undetermined"
    end = max([transcript.audio.duration_s, *(segment.end for segment in transcript.segments)])
    return [
        Finding(
            call_id=transcript.call_id,
            category=CATEGORY,
            rule_id=rule_id,
            severity=SEVERITY,
            role="both",
            start_s=0.0,
            end_s=round(end, 2),
            evidence=evidence(roles),
            details={
                "method": roles.method,
                "n_speakers": roles.n_speakers,
                "confidence": roles.confidence,
                "cues": list(roles.cues),
                "reason": roles.reason,
                "not_run_detectors": detectors,
                "not_run_categories": categories,
            },
            root_cause=root_cause_for(lexicon_dir, rule_id),
            ruleset_version=ruleset_version,
        )
    ]
