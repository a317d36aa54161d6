"""`script.opening_missing` / `script.closing_missing`: the agent's standard greeting and closing.

The opening must be said within [script] opening_window_s seconds of the agent's first words
(time from the agent's first words, not from the start of the recording, so ringing and IVR
prompts do not count against it); the closing within closing_window_s seconds before the
agent's last words. Accepted wordings: lexicons/script_opening.txt and script_closing.txt,
matched like every phrase rule (characters or pinyin, token boundaries). A call in which the
agent says nothing gives no script finding: there is no speech to judge, and a dropped or
unanswered call is a different problem.
"""

from __future__ import annotations

from typing import cast

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.phrases.spec import PhraseCategory
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.spans import evidence_snippet, span_times
from pipeline.types import Finding, Segment, Severity

OPENING = PhraseCategory(
    category="script.opening_missing",
    rule_prefix="script",
    lexicon_file="script_opening.txt",
    role="agent",
    default_group="opening",
    default_severity="minor",
    phrase_only=True,
)
CLOSING = PhraseCategory(
    category="script.closing_missing",
    rule_prefix="script",
    lexicon_file="script_closing.txt",
    role="agent",
    default_group="closing",
    default_severity="minor",
    phrase_only=True,
)
EVIDENCE_CHARS = 24  # how much of what the agent said instead is shown


def load_rules(lexicon_dir: str) -> tuple[phrase_rules.CompiledRules, phrase_rules.CompiledRules]:
    return phrase_rules.load_rules(OPENING, str(lexicon_dir)), phrase_rules.load_rules(
        CLOSING, str(lexicon_dir)
    )


def _missing(
    call: CallContext, spec: PhraseCategory, window: tuple[float, float], said: Segment
) -> Finding:
    """A finding for a script part not said; the evidence is what the agent said at that point."""
    text = said.text
    if spec is OPENING:
        shown = (0, min(len(text), EVIDENCE_CHARS))
    else:
        shown = (max(0, len(text) - EVIDENCE_CHARS), len(text))
    rule_id = f"{spec.rule_prefix}.{spec.default_group}"
    return Finding(
        call_id=call.call_id,
        category=spec.category,
        rule_id=rule_id,
        severity=cast(Severity, call.script.severity),  # checked against SEVERITIES by load_config
        role="agent",
        start_s=round(window[0], 3),
        end_s=round(window[1], 3),
        evidence=evidence_snippet(
            text, shown[0], shown[1], context=0, masked=call.masked_text(said)
        ),
        details={
            "expected": spec.default_group,
            "window_s": [round(window[0], 3), round(window[1], 3)],
            "lexicon": spec.lexicon_file,
            "speaker": said.speaker,
        },
        root_cause=root_cause_for(call.lexicon_dir, rule_id),
        ruleset_version=call.ruleset_version,
    )


def detect(call: CallContext) -> list[Finding]:
    book = call.phrase_book
    opening_rules, closing_rules = load_rules(book.lexicon_dir)
    # The agent's text as the phrase detectors see it (shared with them, sound view included).
    agent = phrase_rules.role_text(call.transcript, "agent")
    spoken = [i for i, s in enumerate(agent.segments) if s.text.strip()]
    if not spoken:
        return []
    segments = agent.segments
    first_words = min(segments[i].start for i in spoken)
    last_words = max(segments[i].end for i in spoken)
    findings = []

    # Scan the segments up to the last one starting in the window; matches are then held to
    # the window by their own times (word times where the transcript has them).
    opening_end = first_words + call.script.opening_window_s
    early = [i for i in spoken if segments[i].start <= opening_end]
    matches = phrase_rules.iter_matches(opening_rules, agent, book, 0, early[-1] + 1)
    if not any(span_times(m.segment, m.start, m.end)[0] <= opening_end for m in matches):
        first_said = min((segments[i] for i in early), key=lambda s: s.start)
        findings.append(
            _missing(call, OPENING, (first_words, min(opening_end, last_words)), first_said)
        )

    closing_start = last_words - call.script.closing_window_s
    late = [i for i in spoken if segments[i].end >= closing_start]
    matches = phrase_rules.iter_matches(closing_rules, agent, book, late[0])
    if not any(span_times(m.segment, m.start, m.end)[1] >= closing_start for m in matches):
        last_said = max((segments[i] for i in late), key=lambda s: s.end)
        findings.append(
            _missing(call, CLOSING, (max(closing_start, first_words), last_words), last_said)
        )
    return findings


DETECTOR = DetectorSpec(
    name="script_compliance",
    detect=detect,
    check_setup=load_rules,
    categories=(OPENING.category, CLOSING.category),
    phrase_categories=(OPENING, CLOSING),
)
