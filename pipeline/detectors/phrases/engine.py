"""The phrase-rule engine shared by the `phrase.*` detectors and script compliance.

A detector module declares a `PhraseCategory` (its lexicon file, whose speech it reads, its
defaults) and calls `detect_phrases`. The lines of a lexicon are rules in the language of
pipeline.detectors.phrases.syntax (patterns with … gaps, [a|b] choices, + for either order,
unless= and except= contexts); each wording of a pattern is one alternative below.

A category's phrases become regexes over the sound view of the text
(pipeline.detectors.phrases.phonetic), one per first sound, so a homophone error (停制 for
停滞) still matches; each match says whether it matched by characters or only by pinyin. A candidate is then kept only if it starts and ends on jieba token
boundaries (不行 does not fire inside 不行贿), no `unless` prefix precedes it and, for
categories with negation windows, no negation cue surrounds it (pipeline.detectors.phrases.negation).

Only the category's party is searched; segments whose role is `unknown` never match, since a
rule about what the agent says must not fire on the customer. Speed: a party's segments are
joined once per call and shared by every category (`role_text`), the places where the rules of
every category, rule-file pattern and script check of that party may start (their first three
sounds fit) are found for the whole text in one numpy pass per call
(pipeline.detectors.phrases.candidates) and the regexes tried only there, and jieba cuts only
segments holding a candidate whose edges are not already punctuation. With a phrase model, a
category searches only the utterances where a match could count (model_findings.worth_searching:
those its veto lets stand, about 7 % on the bench's calls), since the model scores every
utterance of the call first; all phrase categories, the rule file and script compliance
together then cost about 0.2 ms a 1,500-character call, beside 0.09 ms of model scores.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.detectors.phrases.candidates import sound_starts, start_places
from pipeline.detectors.phrases.lazy import LazyPattern
from pipeline.detectors.phrases.model import load_model
from pipeline.detectors.phrases.model_findings import judge, worth_searching
from pipeline.detectors.phrases.negation import load_negation_cues
from pipeline.detectors.phrases.phonetic import fold_chars, sound_codes
from pipeline.detectors.phrases.regex import category_regex, gap_splitter
from pipeline.detectors.phrases.spec import (
    CompiledRules,
    PhraseBook,
    PhraseCategory,
    PhraseMatch,
    PhraseRule,
)
from pipeline.detectors.phrases.syntax import MAX_GAP, parse_line
from pipeline.errors import LexiconError
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.joined import JoinedSegments
from pipeline.text.lexicon import read_lexicon, tokenizer
from pipeline.text.per_call import PerCall
from pipeline.text.spans import evidence_snippet, span_times
from pipeline.types import Finding, Role, Segment, Transcript

if TYPE_CHECKING:
    from pipeline.detectors.base import CallContext


@lru_cache(maxsize=32)
def load_rules(spec: PhraseCategory, lexicon_dir: str) -> CompiledRules:
    """Read, validate and compile one category's lexicon; errors name file and line."""
    rules: list[PhraseRule] = []
    seen: dict[str, PhraseRule] = {}
    for line in read_lexicon(Path(lexicon_dir) / spec.lexicon_file, min_columns=1):
        for rule in parse_line(spec, line.columns, line.where):
            key = "…".join(fold_chars(p) for p in rule.pieces)
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = rule
                rules.append(rule)
                continue
            wording = "…".join(rule.pieces)
            # A family pattern may cover a phrase listed on its own: fine when both say the same.
            if wording != rule.phrase and earlier.rule_id == rule.rule_id:
                continue
            of = "" if wording == rule.phrase else f" (a wording of {rule.phrase!r})"
            raise LexiconError(
                f"{line.where}: {wording!r}{of} is already listed at {earlier.where}"
                + ("" if earlier.rule_id == rule.rule_id else f" as {earlier.rule_id}")
            )
    if not rules:
        raise LexiconError(f"{Path(lexicon_dir) / spec.lexicon_file}: no phrases")
    return compile_rules(spec, rules, lexicon_dir)


def compile_rules(spec: PhraseCategory, rules: list[PhraseRule], lexicon_dir: str) -> CompiledRules:
    """One category's parsed rules as one matcher (also for the patterns of the rule file)."""
    rules = list(rules)
    # Longest first: where two phrases start at one place the regex takes the first alternative.
    rules.sort(key=lambda r: -sum(len(p) for p in r.pieces))
    starts = sound_starts(category_regex(tuple(rules)), lexicon_dir, spec.role)
    negation = (
        load_negation_cues(lexicon_dir) if spec.negation_before or spec.negation_after else None
    )
    return CompiledRules(
        spec=spec,
        rules=tuple(rules),
        starts=starts,
        splitters=tuple(gap_splitter(rule) for rule in rules),
        negation=negation,
    )


@lru_cache(maxsize=4)
def _tokenizer_words(book: PhraseBook) -> tuple[str, ...]:
    lexicon_dir = book.lexicon_dir
    words: set[str] = set()
    for spec in book.categories:
        if (Path(lexicon_dir) / spec.lexicon_file).is_file():
            # Whole phrases only: a pattern's piece as a word (告诉我 of 告诉我…密码) would cut
            # through other matches (把…验证码…告诉 in 把验证码告诉我).
            rules = load_rules(spec, lexicon_dir).rules
            words.update(
                rule.pieces[0]
                for rule in rules
                if len(rule.pieces) == 1 and len(rule.pieces[0]) > 1
            )
    return tuple(sorted(words))


@lru_cache(maxsize=4096)
def token_boundaries(book: PhraseBook, text: str) -> frozenset[int]:
    """Character offsets where a jieba token of `text` starts or ends; each segment is cut once."""
    cut = tokenizer(book.lexicon_dir, _tokenizer_words(book)).tokenize(text)
    return frozenset(
        [0, len(text)] + [offset for _word, start, end in cut for offset in (start, end)]
    )


def _classify(
    rule: PhraseRule, splitter: LazyPattern | None, text: str, codes: str, start: int, end: int
):
    """(matched_by, gap spans) of a candidate: characters if every literal piece is verbatim."""
    if splitter is None:  # one piece, no gaps: most rules
        heard = text[start:end]
        verbatim = heard == rule.pieces[0] or fold_chars(heard) == rule.folded_pieces[0]
        return ("characters" if verbatim else "pinyin"), ()
    split = splitter.compiled().fullmatch(codes, start, end)
    assert split is not None  # the category regex matched this rule's sounds at start:end
    gaps = tuple(split.span(i) for i in range(1, len(rule.pieces)))
    edges = [start, *(offset for gap in gaps for offset in gap), end]
    verbatim = all(
        heard == piece or fold_chars(heard) == folded
        for heard, piece, folded in zip(
            (text[edges[2 * i] : edges[2 * i + 1]] for i in range(len(rule.pieces))),
            rule.pieces,
            rule.folded_pieces,
        )
    )
    return ("characters" if verbatim else "pinyin"), gaps


def joined_text(segments: Sequence[Segment]) -> JoinedSegments:
    """Segments' texts joined with "\n" (empty ones left out): one regex scan, and one sound
    view, for all of them."""
    return JoinedSegments.in_order([s for s in segments if s.text])


# The per-role texts of the last few calls: the phrase detectors of one call share them.
_ROLE_TEXTS: PerCall[dict[str, JoinedSegments]] = PerCall()


def _party_texts(transcript: Transcript) -> dict[str, JoinedSegments]:
    """Both parties' joined texts, their segments sorted out in one pass: every call needs both."""
    agent: list[Segment] = []
    customer: list[Segment] = []
    for segment in transcript.segments:
        if segment.text:  # joined_text leaves the empty ones out
            if segment.role == "agent":
                agent.append(segment)
            elif segment.role == "customer":
                customer.append(segment)
    return {"agent": JoinedSegments.in_order(agent), "customer": JoinedSegments.in_order(customer)}


def role_text(transcript: Transcript, role: Role) -> JoinedSegments:
    texts = _ROLE_TEXTS.get(transcript, None, lambda: _party_texts(transcript))
    joined = texts.get(role)
    if joined is None:  # `unknown`: no detector reads it, but it is a role all the same
        joined = texts.setdefault(
            role, joined_text([s for s in transcript.segments if s.role == role])
        )
    return joined


def _on_word_edges(book: PhraseBook, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] starts and ends on jieba token boundaries.

    An edge at the end of the text or next to punctuation or a space is a boundary without
    asking jieba, which settles most matches (感谢来电，…) without cutting the segment.
    """
    if (start == 0 or not text[start - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    ):
        return True
    return {start, end} <= token_boundaries(book, text)


def _excepted(rule: PhraseRule, codes: str, start: int, end: int, base: int) -> bool:
    """Whether codes[start:end] lies inside a match of the rule's context patterns."""
    assert rule.exceptions is not None
    # A context holding the match starts at most its longest span before the match's end and
    # ends at most that far after its start: no need to look further (most contexts are a few
    # characters, and searching 80 either side cost several µs a candidate).
    reach = rule.exceptions_reach
    window_start = max(base, start - 2 * MAX_GAP, end - reach)
    stop = codes.find("\n", end)
    window_end = min(len(codes) if stop < 0 else stop, end + 2 * MAX_GAP, start + reach)
    # search() gives, at the first position where the patterns match at all, the match that
    # match() would give there: the same as trying every position, in one call per context.
    position = window_start
    contexts = rule.exceptions.compiled()
    while (context := contexts.search(codes, position, window_end)) is not None:
        if context.start() > start:
            return False
        if context.end() >= end:
            return True
        position = context.start() + 1
    return False


def iter_matches(
    compiled: CompiledRules,
    joined: JoinedSegments,
    book: PhraseBook,
    first: int = 0,
    last: int | None = None,
    rejected: set[int] | None = None,
    only: list[int] | None = None,
) -> Iterator[PhraseMatch]:
    """Accepted matches of the category's rules in joined.segments[first:last], in text order.

    Lazy, so a caller that needs only one match (script compliance) stops early. `rejected`, if
    given, collects the indices of segments where a candidate was turned down (negated, in an
    except= context, after an unless= prefix, inside a longer word). `only`, if given, names the
    segments (indices into joined.segments, in order) to search; no match crosses a segment's
    end, so the others are skipped as if they held none.
    """
    segments, text, seg_starts = joined.segments, joined.text, joined.starts
    last = len(segments) if last is None else min(last, len(segments))
    if first >= last:
        return
    codes = sound_codes(text)  # of the whole text, shared by every category and range
    stop = seg_starts[last - 1] + len(segments[last - 1].text)
    spec, rules, negation = compiled.spec, compiled.rules, compiled.negation
    starts = compiled.starts
    matchers, matcher = starts.matchers, starts.matcher
    # of the whole text, found for every rule set of the party in one pass
    places = start_places(starts, codes)
    if only is None:
        spans = [(seg_starts[first], stop)]
    else:
        spans = [
            (seg_starts[i], seg_starts[i] + len(segments[i].text))
            for i in only
            if first <= i < last
        ]
    for position, span_stop in spans:
        at = bisect.bisect_left(places, position)
        # The leftmost match at or after `position` is the match at the first of these places
        # where the regex of its sound matches (the first sounds exclude each other).
        while at < len(places):
            start = places[at]
            at += 1
            if start < position:
                continue
            if start >= span_stop:
                break
            sound = codes[start]
            match, rule_of_group = matchers.get(sound) or matcher(sound)
            found = None if match is None else match(codes, start, stop)
            if found is None:
                continue
            end, group = found.end(), found.lastindex
            assert group is not None  # every alternative ends in its rule's (empty) group
            index = rule_of_group[group]
            rule = rules[index]
            matched_by, gaps = _classify(rule, compiled.splitters[index], text, codes, start, end)
            which = bisect.bisect_right(seg_starts, start) - 1
            segment, base = segments[which], seg_starts[which]
            accepted = (
                (rule.pinyin or matched_by == "characters")
                and not text.endswith(rule.unless, base, start)  # a tuple: any of the prefixes
                and not (rule.exceptions and _excepted(rule, codes, start, end, base))
                and not (
                    negation
                    and negation.negates(
                        text, start, end, gaps, spec.negation_before, spec.negation_after
                    )
                )
                # the costly check last
                and _on_word_edges(book, segment.text, start - base, end - base)
            )
            if accepted:
                yield PhraseMatch(rule, segment, start - base, end - base, matched_by)
            elif rejected is not None:
                rejected.add(which)
            # After a rejected candidate look again one character on: a shorter phrase may fit.
            position = end if accepted else start + 1


def find_matches(
    compiled: CompiledRules,
    joined: JoinedSegments,
    book: PhraseBook,
    first: int = 0,
    last: int | None = None,
) -> list[PhraseMatch]:
    return list(iter_matches(compiled, joined, book, first, last))


def phrase_finding(call: CallContext, compiled: CompiledRules, match: PhraseMatch) -> Finding:
    rule, segment = match.rule, match.segment
    start_s, end_s = span_times(segment, match.start, match.end)
    masked = call.masked_text(segment)
    evidence = evidence_snippet(segment.text, match.start, match.end, masked=masked)
    heard = masked[match.start : match.end]  # the matched words, masked like the evidence
    return Finding(
        call_id=call.call_id,
        category=compiled.spec.category,
        rule_id=rule.rule_id,
        severity=rule.severity,
        role=compiled.spec.role,
        start_s=start_s,
        end_s=end_s,
        evidence=evidence,
        details={
            "phrase": rule.phrase,
            "heard": heard,
            "matched_by": match.matched_by,
            "group": rule.group,
            "speaker": segment.speaker,
            "lexicon": rule.lexicon_line,
        },
        root_cause=rule.root_cause or root_cause_for(call.lexicon_dir, rule.rule_id),
        ruleset_version=call.ruleset_version,
    )


def detect_phrases(call: CallContext, spec: PhraseCategory) -> list[Finding]:
    """What a phrase detector's `detect` does: the category's phrases in its party's speech."""
    book = call.phrase_book
    compiled = load_rules(spec, book.lexicon_dir)
    joined = role_text(call.transcript, spec.role)
    model = load_model(book.lexicon_dir)
    if model is None or spec.category not in model.categories or not joined.segments:
        return [phrase_finding(call, compiled, m) for m in find_matches(compiled, joined, book)]
    rejected: set[int] = set()
    # Matches in utterances the model vetoes would be dropped: those are not searched at all.
    only = worth_searching(model, call.transcript, spec.category, joined)
    matches = list(iter_matches(compiled, joined, book, rejected=rejected, only=only))
    matches, added = judge(call, spec, model, joined, matches, rejected)
    return [phrase_finding(call, compiled, m) for m in matches] + added


def check_lexicons(book: PhraseBook) -> None:
    """Validate the lexicon of every category of the book that is present (and its negation cues).

    Run before any audio is read, so a malformed line stops the run with its file and line;
    the present ones matter even for disabled detectors, since the tokenizer reads their phrases.
    """
    _tokenizer_words(book)
    load_model(book.lexicon_dir)  # a malformed phrase_model.tsv stops the run here too
