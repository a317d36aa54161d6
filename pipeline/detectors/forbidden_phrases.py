"""`phrase.forbidden`: service phrases (服务禁语) the agent must not say.

Rules come from lexicons/forbidden_phrases.txt. Matching is on jieba tokens: a phrase counts
only where it starts and ends on token boundaries of the agent's sentence, so 不行 does not
fire inside 不行贿 and 没办法 not inside 没办法律. Optional exempting prefixes per phrase
skip benign uses (您不知道的话… is the agent reassuring, not refusing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.detectors.base import CallContext
from pipeline.errors import LexiconError
from pipeline.lexicon import read_lexicon, tokenizer
from pipeline.root_causes import root_cause_for
from pipeline.textspan import evidence_snippet, span_times
from pipeline.types import SEVERITIES, Finding

LEXICON_FILE = "forbidden_phrases.txt"
CATEGORY = "phrase.forbidden"
GROUPS = ("refusal", "blame_shifting", "condescension", "dismissal", "impatience")


@dataclass(frozen=True)
class PhraseRule:
    phrase: str
    group: str
    severity: str
    exempt_prefixes: tuple[str, ...]
    where: str

    @property
    def rule_id(self) -> str:
        return f"forbidden.{self.group}"


@lru_cache(maxsize=4)
def load_rules(lexicon_dir: str) -> tuple[PhraseRule, ...]:
    rules = []
    seen: dict[str, str] = {}
    for line in read_lexicon(Path(lexicon_dir) / LEXICON_FILE, min_columns=3, max_columns=4):
        phrase, group, severity = line.columns[:3]
        if group not in GROUPS:
            raise LexiconError(f"{line.where}: unknown group {group!r}; known: {', '.join(GROUPS)}")
        if severity not in SEVERITIES:
            raise LexiconError(f"{line.where}: unknown severity {severity!r}; known: {', '.join(SEVERITIES)}")
        if phrase in seen:
            raise LexiconError(f"{line.where}: {phrase!r} is already listed at {seen[phrase]}")
        seen[phrase] = line.where
        exempt = tuple(p for p in line.columns[3].split(",") if p) if len(line.columns) == 4 else ()
        rules.append(PhraseRule(phrase, group, severity, exempt, line.where))
    return tuple(rules)


def token_boundaries(text: str, lexicon_dir: str, phrases: tuple[str, ...]) -> set[int]:
    """Character offsets where a jieba token starts or ends."""
    bounds = {0, len(text)}
    for _word, start, end in tokenizer(lexicon_dir, phrases).tokenize(text):
        bounds.add(start)
        bounds.add(end)
    return bounds


def find_phrase_spans(text: str, rules: tuple[PhraseRule, ...], lexicon_dir: str) -> list[tuple[int, int, PhraseRule]]:
    """All (start, end, rule) matches in `text`; where phrases overlap, the longest wins."""
    phrases = tuple(rule.phrase for rule in rules)
    bounds = None
    spans = []
    for rule in sorted(rules, key=lambda r: -len(r.phrase)):
        at = text.find(rule.phrase)
        while at >= 0:
            end = at + len(rule.phrase)
            if bounds is None:
                bounds = token_boundaries(text, lexicon_dir, phrases)
            exempt = any(text[:at].endswith(prefix) for prefix in rule.exempt_prefixes)
            overlaps = any(at < s_end and s_start < end for s_start, s_end, _ in spans)
            if at in bounds and end in bounds and not exempt and not overlaps:
                spans.append((at, end, rule))
            at = text.find(rule.phrase, at + 1)
    return sorted(spans, key=lambda s: s[0])


def detect(call: CallContext) -> list[Finding]:
    lexicon_dir = str(call.lexicon_dir)
    rules = load_rules(lexicon_dir)
    findings = []
    for segment in call.transcript.segments:
        if segment.role != "agent":
            continue
        for start, end, rule in find_phrase_spans(segment.text, rules, lexicon_dir):
            start_s, end_s = span_times(segment, start, end)
            findings.append(
                Finding(
                    call_id=call.call_id,
                    category=CATEGORY,
                    rule_id=rule.rule_id,
                    severity=rule.severity,
                    role="agent",
                    start_s=start_s,
                    end_s=end_s,
                    evidence=evidence_snippet(segment.text, start, end),
                    details={"phrase": rule.phrase, "group": rule.group, "speaker": segment.speaker},
                    root_cause=root_cause_for(call.lexicon_dir, rule.rule_id),
                    ruleset_version=call.ruleset_version,
                )
            )
    return findings
