"""`pii.id_card`, `pii.bank_card`, `pii.phone`: personal numbers read out during a call.

Built like a Presidio recognizer: for each kind of number a pattern (length and shape), a
validate step (ID: province code, birth date, ISO 7064 MOD 11-2 check digit; card: Luhn;
mobile: allocated prefix) that sets a base confidence, and context words from
lexicons/pii_context.txt that raise it (身份证, 卡号, 手机号 …) or lower it (订单号, 工号,
验证码 …). A number is reported at confidence REPORT_THRESHOLD or above.

Numbers are found in the digit view (pipeline.text.digits): spoken forms (幺三八, 两, 洞), pieces split
by pauses or over several segments of the same speaker. Each finding says who read the number
and whether the agent read back a number the customer gave: that is the leak (critical); the
customer giving their own number is info. Evidence and details carry masked numbers only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.pii_recognizers import Recognition, recognitions
from pipeline.detectors.pii_secrets import secret_findings
from pipeline.errors import LexiconError
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.digits import DigitRun
from pipeline.text.joined import TimeOrderedTexts
from pipeline.text.lexicon import longest_word_pattern, read_lexicon
from pipeline.text.masking import MaskedSpeech, mask_digits
from pipeline.text.spans import span_times, stretch_evidence
from pipeline.types import Finding, Role, Segment, Severity

LEXICON_FILE = "pii_context.txt"
ENTITIES = ("id_card", "bank_card", "phone")
EFFECTS = ("raise", "lower")

REPORT_THRESHOLD = 0.5
# Presidio's context factor: a context word lifts a plausible number over the threshold.
CONTEXT_RAISE = 0.35
# A word that names the digits as something else (订单号) outweighs any checksum.
CONTEXT_LOWER = 0.5
# A word for another kind of number: 18 digits after 身份证 that fail the ID checks are more
# likely a misheard ID than a Luhn-valid card.
CONTEXT_OTHER_KIND = 0.2
CONTEXT_BEFORE_CHARS = 30
CONTEXT_AFTER_CHARS = 12
# Nothing shorter than a mobile number or longer than a card number is PII here.
MIN_PII_DIGITS = 11
MAX_PII_DIGITS = 19

SEVERITY_BY_KIND: dict[str, Severity] = {
    "customer_provided": "info",
    "agent_read_back": "critical",
    "agent_disclosed": "major",
    "unknown_speaker": "minor",
}


# --- context words -------------------------------------------------------------------------


@dataclass(frozen=True)
class ContextWord:
    word: str
    entities: frozenset[str]
    effect: str
    where: str


@dataclass(frozen=True)
class ContextWords:
    by_text: dict[str, ContextWord]  # also keyed by the Traditional forms of each word
    pattern: re.Pattern

    def nearest(self, before: str, after: str) -> ContextWord | None:
        """The last context word in `before`, or else the first in `after`."""
        return self.last_in(before) or self.first_in(after)

    def last_in(self, text: str) -> ContextWord | None:
        # findall finds what finditer finds, in C: the pattern has no capturing group
        words = self.pattern.findall(text)
        return self.by_text[words[-1]] if words else None

    def first_in(self, text: str) -> ContextWord | None:
        first = self.pattern.search(text)
        return self.by_text[first.group(0)] if first else None


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return tuple(opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk"))


def _traditional_forms(word: str) -> set[str]:
    """Traditional spellings of a context word, for transcripts not converted to Simplified."""
    return {converter.convert(word) for converter in _to_traditional()}


@lru_cache(maxsize=4)
def load_context_words(lexicon_dir: str) -> ContextWords:
    """Read and validate lexicons/pii_context.txt; errors name the file and line."""
    by_text: dict[str, ContextWord] = {}
    for line in read_lexicon(Path(lexicon_dir) / LEXICON_FILE, min_columns=3, max_columns=3):
        word, entities_column, effect = line.columns
        entities = (
            frozenset(ENTITIES) if entities_column == "*" else frozenset(entities_column.split(","))
        )
        unknown = sorted(entities - set(ENTITIES))
        if unknown:
            known = ", ".join(ENTITIES)
            raise LexiconError(
                f"{line.where}: unknown entity in {entities_column!r}; known: {known} or *"
            )
        if effect not in EFFECTS:
            raise LexiconError(
                f"{line.where}: unknown effect {effect!r}; known: {', '.join(EFFECTS)}"
            )
        if word in by_text:
            raise LexiconError(f"{line.where}: {word!r} is already listed at {by_text[word].where}")
        context_word = ContextWord(word, entities, effect, line.where)
        by_text[word] = context_word
        for form in _traditional_forms(word):
            by_text.setdefault(form, context_word)
    if not by_text:
        raise LexiconError(f"{Path(lexicon_dir) / LEXICON_FILE}: no context words")
    # At one position the longest word that matches.
    pattern = longest_word_pattern(by_text)
    return ContextWords(by_text, pattern)


def score_with_context(recognition: Recognition, context: ContextWord | None) -> float:
    score = recognition.base_score
    if context is None:  # most numbers; base scores are in 0..1 with two decimals already
        return score
    if recognition.entity in context.entities:
        score = score + CONTEXT_RAISE if context.effect == "raise" else score - CONTEXT_LOWER
    elif context.effect == "raise":
        score -= CONTEXT_OTHER_KIND
    return round(min(1.0, max(0.0, score)), 2)


def best_recognition(
    found: list[Recognition], context: ContextWord | None
) -> tuple[Recognition, float] | None:
    """The most likely recognition given the nearest context word, with its score."""
    if len(found) == 1:  # most numbers: only one kind fits their length
        return found[0], score_with_context(found[0], context)
    scored = [(recognition, score_with_context(recognition, context)) for recognition in found]
    return max(scored, key=lambda pair: pair[1], default=None)  # ties: RECOGNIZERS order


def recognize(digits: str, context: ContextWord | None) -> tuple[Recognition, float] | None:
    return best_recognition(recognitions(digits), context)


# --- one call ------------------------------------------------------------------------------


@dataclass(slots=True)
class SpokenNumber:
    recognition: Recognition
    score: float
    context: ContextWord | None
    # (the call's joined speech, start, end of the number in it): the evidence is made from it
    # only for numbers that are reported.
    evidence_source: tuple[MaskedSpeech, int, int]
    segment_count: int  # how many of the speaker's segments it was read over
    role: Role
    speaker: str
    start_s: float
    end_s: float
    read_back: bool = False

    @property
    def evidence(self) -> str:
        """Masked: the number in 【】 with the speaker's own joined words around it, not the other party's."""
        speech, start, end = self.evidence_source
        return stretch_evidence(speech.masked, start, end, *speech.joined.stretch(start))


def numbers_in_run(
    run: DigitRun, recognize: Callable[[str], list[Recognition]] = recognitions
) -> Iterator[tuple[DigitRun, list[Recognition]]]:
    """(part of run, what it can be: `recognize`, recognitions or a memo of it) for each number
    in the run.

    The whole run is tried first; when it is no number (two numbers read in one breath, a stray
    digit from 唯一 or 拐弯 next to it), consecutive groups are tried, longest first.
    """
    n_groups = len(run.groups)
    if n_groups == 1:  # most numbers: read in one breath
        if MIN_PII_DIGITS <= len(run.digits) <= MAX_PII_DIGITS and (found := recognize(run.digits)):
            yield run, found
        return
    # digits in groups before group k (the check character counts with the last group, as it
    # ends run.digits): a part's digits are a slice of the run's, so only the parts that are
    # numbers are cut out of the run
    before = list(accumulate((end - start for start, end in run.groups), initial=0))
    before[-1] += run.check_span is not None
    digits = run.digits
    first = 0
    while first < n_groups:
        for last in range(n_groups - 1, first - 1, -1):
            if not MIN_PII_DIGITS <= before[last + 1] - before[first] <= MAX_PII_DIGITS:
                continue
            found = recognize(digits[before[first] : before[last + 1]])
            if found:
                whole = first == 0 and last == n_groups - 1
                yield (run if whole else run.part(first, last)), found
                first = last + 1
                break
        else:
            first += 1


class _Recognized(dict[str, list[Recognition]]):
    """digits -> recognitions(digits), each worked out once per call: a call's numbers repeat
    (the agent reads back what the customer gave, a caller repeats a number)."""

    def __missing__(self, digits: str) -> list[Recognition]:
        found = self[digits] = recognitions(digits)
        return found


def spoken_numbers(
    segments: tuple[Segment, ...], context_words: ContextWords, speech: MaskedSpeech | None = None
) -> list[SpokenNumber]:
    """Every ID, card or mobile number read in the call, reportable or not, in time order."""
    if speech is None:  # detect passes the call's, shared with the evidence of every detector
        speech = MaskedSpeech.of(segments)
    # The masking runs (MIN_MASKED_DIGITS = 7 or more) hold every run long enough to be PII.
    runs = [run for run in speech.runs if len(run.digits) >= MIN_PII_DIGITS]
    if not runs:
        return []
    joined = speech.joined
    # join_same_speaker found out whether the segments are in time order: not checked again
    call_text = TimeOrderedTexts(
        segments, in_time_order=joined.segments is segments and joined.in_time_order
    )
    known = _Recognized()
    recognize = known.__getitem__
    numbers = []
    for run in runs:
        for part, found in numbers_in_run(run, recognize):
            start, end = part.start, part.end
            read_in, first_offset, last_offset = joined.spread(start, end)
            first, last = segments[read_in[0]], segments[read_in[-1]]
            # The context is only looked up for digits shaped like PII: nearest(), reading what
            # was said after the number only when nothing before it names it.
            context = context_words.last_in(
                call_text.before(read_in[0], first_offset, CONTEXT_BEFORE_CHARS)
            ) or context_words.first_in(
                call_text.after(read_in[-1], last_offset + 1, CONTEXT_AFTER_CHARS)
            )
            best = best_recognition(found, context)
            assert best is not None  # a part comes with its recognitions
            numbers.append(
                SpokenNumber(
                    best[0],
                    best[1],
                    context,
                    (speech, start, end),
                    len(read_in),
                    first.role,
                    first.speaker,
                    span_times(first, first_offset, first_offset + 1)[0],
                    span_times(last, last_offset, last_offset + 1)[1],
                )
            )
    return sorted(numbers, key=lambda n: n.start_s)


def mark_read_backs(numbers: list[SpokenNumber]) -> None:
    """An agent number is a read-back when the customer said the same number before it."""
    customer_first_said: dict[str, float] = {}
    for number in numbers:
        if number.role == "customer":
            customer_first_said.setdefault(number.recognition.number, number.start_s)
    for number in numbers:
        said = customer_first_said.get(number.recognition.number)
        if number.role == "agent" and said is not None and said <= number.start_s:
            number.read_back = True
    read_back = {n.recognition.number for n in numbers if n.read_back}
    for number in numbers:
        if number.role == "customer" and number.recognition.number in read_back:
            number.read_back = True


def finding_kind(number: SpokenNumber) -> str:
    if number.role == "customer":
        return "customer_provided"
    if number.role == "agent":
        return "agent_read_back" if number.read_back else "agent_disclosed"
    return "unknown_speaker"


def detect(call: CallContext) -> list[Finding]:
    segments = call.transcript.segments
    numbers = spoken_numbers(segments, load_context_words(str(call.lexicon_dir)), call.speech)
    secrets = secret_findings(call)
    if not numbers:
        return secrets
    mark_read_backs(numbers)
    # A weak reading of a number that is reported elsewhere in the call is the same number.
    # (entity, number) -> the number masked: a call reports the same few numbers many times
    reported = {
        (n.recognition.entity, n.recognition.number): ""
        for n in numbers
        if n.score >= REPORT_THRESHOLD
    }
    for entity, digits in reported:
        reported[entity, digits] = mask_digits(digits, 3 if entity == "phone" else 6, 4)
    # (entity, kind) -> category, rule id, severity, root cause: worked out once per call, as
    # a call reports the same few kinds of number many times
    rules: dict[tuple[str, str], tuple[str, str, Severity, str]] = {}
    findings = []
    for number in numbers:
        recognition = number.recognition
        entity = recognition.entity
        masked_number = reported.get((entity, recognition.number))
        if masked_number is None:
            continue
        kind = finding_kind(number)
        rule = rules.get((entity, kind))
        if rule is None:
            rule_id = f"pii.{entity}.{kind}"
            rule = rules[entity, kind] = (
                f"pii.{entity}",
                rule_id,
                SEVERITY_BY_KIND[kind],
                root_cause_for(call.lexicon_dir, rule_id),
            )
        context = number.context
        findings.append(
            Finding(
                call_id=call.call_id,
                category=rule[0],
                rule_id=rule[1],
                severity=rule[2],
                role=number.role if number.role in ("agent", "customer") else "both",
                start_s=number.start_s,
                end_s=number.end_s,
                evidence=number.evidence,
                details={
                    "entity": entity,
                    "role": number.role,
                    "speaker": number.speaker,
                    "read_back": number.read_back,
                    "masked_number": masked_number,
                    "digit_count": len(recognition.number),
                    "score": number.score,
                    # Below the threshold here, but the same number is recognised elsewhere in the call.
                    "corroborated": number.score < REPORT_THRESHOLD,
                    "checks": recognition.checks,
                    "context_word": context.word if context else None,
                    "context_effect": context.effect if context else None,
                    "segments": number.segment_count,
                },
                root_cause=rule[3],
                ruleset_version=call.ruleset_version,
            )
        )
    return findings + secrets


DETECTOR = DetectorSpec(
    name="pii",
    detect=detect,
    check_setup=load_context_words,
    categories=("pii.id_card", "pii.bank_card", "pii.phone", "pii.credential"),
)
