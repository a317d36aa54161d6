"""`pii.credential`: a secret read out in the call — a code, password, PIN, CVV or expiry date.

The secrets are those masking found (pipeline.text.secrets, shared through the call's
MaskedSpeech), so what is reported is exactly what is hidden. Customer reading a secret the
agent asked for: critical (the agent's request is its own phrase.credential_request finding);
a customer reading one unasked: major (a security incident the QA team should hear about); the
agent saying one aloud: major. The evidence shows the cue and the masked digits, never a digit.
"""

from __future__ import annotations

from pipeline.detectors.base import CallContext
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.spans import span_times, stretch_evidence
from pipeline.types import Finding, Severity

CATEGORY = "pii.credential"
KIND_SEVERITY: dict[str, Severity] = {
    "customer_asked": "critical",
    "customer_unasked": "major",
    "agent_said": "major",
    "unknown_speaker": "major",
}


def secret_findings(call: CallContext) -> list[Finding]:
    speech = call.speech
    findings = []
    for secret in speech.secrets:
        run = secret.run
        read_in, first_offset, last_offset = speech.joined.spread(run.start, run.end)
        first = speech.joined.segments[read_in[0]]
        last = speech.joined.segments[read_in[-1]]
        if first.role == "customer":
            kind = "customer_asked" if secret.asked else "customer_unasked"
        else:
            kind = "agent_said" if first.role == "agent" else "unknown_speaker"
        rule_id = f"{CATEGORY}.{kind}"
        findings.append(
            Finding(
                call_id=call.call_id,
                category=CATEGORY,
                rule_id=rule_id,
                severity=KIND_SEVERITY[kind],
                role=first.role if first.role in ("agent", "customer") else "both",
                start_s=span_times(first, first_offset, first_offset + 1)[0],
                end_s=span_times(last, last_offset, last_offset + 1)[1],
                evidence=stretch_evidence(
                    speech.masked, run.start, run.end, *speech.joined.stretch(run.start)
                ),
                details={
                    "cue": secret.cue,
                    "asked": secret.asked,
                    "digit_count": len(run.digits),
                    "speaker": first.speaker,
                    "segments": len(read_in),
                },
                root_cause=root_cause_for(call.lexicon_dir, rule_id),
                ruleset_version=call.ruleset_version,
            )
        )
    return findings
