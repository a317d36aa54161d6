"""The `rules` detector: the full-form rules of lexicons/rules.txt (pipeline.detectors.rule_file).

- match=: every accepted match of the pattern in its party's speech is a finding.
- when= … require= … within=: for each anchor (an anchor inside the window of an earlier one
  is the same request, not a new one), the required words must be heard in the window: the
  next N turns of the required party (a turn is a run of one party's consecutive segments),
  or its next N utterances (segments: `within=3utterances`, for what must come at once, not
  after a long answer), and/or S seconds from the anchor's end. Missing → one finding from the
  anchor to the end of the window, the anchor's words as evidence.
- forbid= … before=: the first forbidden match that comes before the first `before` match (or
  in a call without one) is a finding; details give both spans.

Patterns are matched like the phrase lexicons (characters or pinyin, token boundaries,
unless=/except=); the lexicon's negation windows do not apply, since a disclosure is often
a negation itself (不保本).
"""

from __future__ import annotations

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.phrases import engine
from pipeline.detectors.phrases.spec import PhraseMatch
from pipeline.detectors.rule_file import KIND_CATEGORIES, FileRule, Pattern, load_file_rules
from pipeline.detectors.rule_signals import signal_matches
from pipeline.text.spans import evidence_snippet, span_times
from pipeline.types import Finding, Segment

CATEGORIES = tuple(sorted(frozenset().union(*KIND_CATEGORIES.values())))


def _matches(call: CallContext, pattern: Pattern) -> list[PhraseMatch]:
    joined = engine.role_text(call.transcript, pattern.role)
    return engine.find_matches(pattern.compiled, joined, call.phrase_book)


def _span(match: PhraseMatch) -> tuple[float, float]:
    return span_times(match.segment, match.start, match.end)


def _heard(call: CallContext, match: PhraseMatch, score: float | None = None) -> dict:
    start_s, end_s = _span(match)
    model = {} if score is None else {"score": round(score, 4)}  # a signal of the phrase model
    return {
        **model,
        "pattern": match.rule.phrase,
        "heard": call.masked_text(match.segment)[match.start : match.end],
        "matched_by": match.matched_by,
        "role": match.segment.role,
        "speaker": match.segment.speaker,
        "start_s": start_s,
        "end_s": end_s,
    }


def _finding(
    call: CallContext, rule: FileRule, role, span: tuple[float, float], match: PhraseMatch, details
) -> Finding:
    return Finding(
        call_id=call.call_id,
        category=rule.category,
        rule_id=rule.rule_id,
        severity=rule.severity,
        role=role,
        start_s=round(span[0], 3),
        end_s=round(span[1], 3),
        evidence=evidence_snippet(
            match.segment.text, match.start, match.end, masked=call.masked_text(match.segment)
        ),
        details={"kind": rule.kind, "lexicon": rule.lexicon_line, **details},
        root_cause=rule.root_cause,
        ruleset_version=call.ruleset_version,
    )


def _turn_of(segments: tuple[Segment, ...], utterances: bool) -> dict[int, int]:
    """id(segment) -> its turn number: a turn is a run of one party's consecutive segments, or
    with `utterances` each segment on its own."""
    turns: dict[int, int] = {}
    turn, previous = -1, None
    for segment in sorted(segments, key=lambda s: (s.start, s.end)):
        if utterances or segment.role != previous:
            turn, previous = turn + 1, segment.role
        turns[id(segment)] = turn
    return turns


def _window_end(call: CallContext, rule: FileRule, anchor: PhraseMatch) -> float:
    """When the window after an anchor closes (the end of the call at the latest)."""
    anchor_end = _span(anchor)[1]
    end = call.transcript.audio.duration_s or max(s.end for s in call.transcript.segments)
    if rule.within_s is not None:
        end = min(end, anchor_end + rule.within_s)
    if rule.within_turns is not None:
        assert rule.other is not None
        turns = _turn_of(call.transcript.segments, rule.within_utterances)
        anchor_turn = turns[id(anchor.segment)]
        later = sorted(
            {
                turns[id(s)]
                for s in call.transcript.segments
                if s.role == rule.other.role and turns[id(s)] > anchor_turn
            }
        )[: rule.within_turns]
        if len(later) == rule.within_turns:
            last_turn = later[-1]
            end = min(
                end, max(s.end for s in call.transcript.segments if turns[id(s)] == last_turn)
            )
    return end


def _first_match(call: CallContext, pattern: Pattern) -> PhraseMatch | None:
    """The earliest match of the pattern (matches come in text order, which is time order)."""
    joined = engine.role_text(call.transcript, pattern.role)
    return next(engine.iter_matches(pattern.compiled, joined, call.phrase_book), None)


def _response_missing(call: CallContext, rule: FileRule) -> list[Finding]:
    assert rule.other is not None
    anchors, scores = signal_matches(call, rule, rule.main, rule.when_signal)
    if not anchors:  # most calls: the required words are not looked for at all
        return []
    responses = [_span(m) for m in signal_matches(call, rule, rule.other, rule.require_signal)[0]]
    findings = []
    covered_until = float("-inf")
    for anchor in anchors:
        anchor_start, anchor_end = _span(anchor)
        if anchor_start < covered_until:
            continue  # asked again inside the window of the first asking
        window_end = _window_end(call, rule, anchor)
        covered_until = window_end
        if any(anchor_end - 0.5 <= start <= window_end for start, _ in responses):
            continue
        details = {
            "anchor": _heard(call, anchor, scores.get(id(anchor.segment))),
            "expected": rule.other.text,
            "expected_role": rule.other.role,
            "window_s": [round(anchor_start, 3), round(window_end, 3)],
        }
        role = rule.other.role
        findings.append(_finding(call, rule, role, (anchor_start, window_end), anchor, details))
    return findings


def _forbidden_before(call: CallContext, rule: FileRule) -> list[Finding]:
    assert rule.other is not None
    first_said = _first_match(call, rule.main)
    if first_said is None:
        return []
    first_other = _first_match(call, rule.other)
    if first_other is not None and _span(first_other)[0] <= _span(first_said)[0]:
        return []
    details = {
        "said": _heard(call, first_said),
        "before": rule.other.text,
        "before_heard": _heard(call, first_other) if first_other is not None else None,
    }
    start, end = _span(first_said)
    if first_other is not None:
        end = max(end, _span(first_other)[1])
    return [_finding(call, rule, rule.main.role, (start, end), first_said, details)]


def _matched(call: CallContext, rule: FileRule) -> list[Finding]:
    return [
        _finding(call, rule, rule.main.role, _span(m), m, _heard(call, m))
        for m in _matches(call, rule.main)
    ]


KIND_DETECT = {"match": _matched, "when": _response_missing, "forbid": _forbidden_before}


def detect(call: CallContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in load_file_rules(str(call.lexicon_dir)):
        findings.extend(KIND_DETECT[rule.kind](call, rule))
    return findings


DETECTOR = DetectorSpec(
    name="rules",
    detect=detect,
    check_setup=load_file_rules,
    categories=(*CATEGORIES, "custom.*"),  # registry.CUSTOM_CATEGORIES
    merge_events=True,
)
