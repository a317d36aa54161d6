"""The regexes of a phrase category over the sound view of the text (pipeline.detectors.phrases.phonetic).

The rules are merged into a trie before they become regexes: alternatives that share a
beginning share its pattern, and at a place `re` tries one branch per distinct next sound
instead of every phrase — Aho-Corasick in spirit. An empty capturing group at the end of each
phrase tells which rule matched.

There is one regex per first sound, tried with match() only where that sound is heard and the
next two sounds can follow it (pipeline.detectors.phrases.candidates finds those places for the
whole text at once): `re` tries a group's branches one after another, so a single regex over
all first sounds looked at every one of them at each place where any was heard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pipeline.detectors.phrases.candidates import FirstSoundRegex
from pipeline.detectors.phrases.lazy import LazyPattern
from pipeline.detectors.phrases.phonetic import fold_chars, phrase_char_codes
from pipeline.detectors.phrases.spec import PhraseRule

# Gaps stop at sentence ends (and segment ends, joined with "\n"); commas may fall inside a
# pattern (您好，很高兴为您服务). Full-width ！？； and 。 are already half-width in the sound view.
GAP_BODY = r"[^.!?;\n]"
_RULE_END = "\x00"  # marks where a rule's capturing group goes while the pattern is assembled
# A group with fewer branches is tried without a look-ahead: the look-aheads of every small group
# made compiling the lexicons half a second slower for no measurable gain in matching.
GUARD_MIN_BRANCHES = 4
_ESCAPED = re.compile(r"\\(.)|(.)", re.DOTALL)  # one character of re.escape's output


# Cached: a lexicon's rules expand to tens of thousands of wordings over a few thousand
# characters, and each of their characters becomes a class (a million lookups a process).
@lru_cache(maxsize=1 << 16)
def _char_class(char: str, homophones: bool) -> str:
    codes = [re.escape(code) for code in phrase_char_codes(char, homophones)]
    return codes[0] if len(codes) == 1 else "[" + "".join(codes) + "]"


def _gap(rule: PhraseRule, capture: bool) -> str:
    return ("(" if capture else "(?:") + f"{GAP_BODY}{{0,{rule.gap}}}?)"


def gap_splitter(rule: PhraseRule) -> LazyPattern | None:
    """The rule alone with its gaps captured, to find its pieces in a matched span."""
    if len(rule.pieces) == 1:
        return None
    return LazyPattern(
        _gap(rule, capture=True).join(
            "".join(_char_class(c, rule.pinyin) for c in p) for p in rule.pieces
        )
    )


def context_regex(wordings: tuple[tuple[str, ...], ...], gap: int) -> LazyPattern:
    """The except= patterns of a rule as one regex over sound codes (homophones included, as
    the rule's own match may have been heard by pinyin).

    Each alternative starts with one literal sound (a first character with several readings
    gives one alternative per reading, in place), so `re` skips positions without one of the
    first sounds in C; at a position only the alternatives of its sound can match, in the
    order they were written. They are grouped under their first sound, in that order, so `re`
    tries one branch per first sound there rather than every wording (hundreds for a pattern
    with many choices): the same match, found sooner.
    """
    gap_pattern = f"(?:{GAP_BODY}{{0,{gap}}}?)"
    by_first: dict[str, list[str]] = {}
    for pieces in wordings:
        rest = gap_pattern.join(
            "".join(_char_class(c, homophones=True) for c in piece) for piece in pieces
        )[len(_char_class(pieces[0][0], homophones=True)) :]
        for code in phrase_char_codes(pieces[0][0], homophones=True):
            by_first.setdefault(re.escape(code), []).append(rest)
    return LazyPattern(
        "|".join(
            first + (rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")")
            for first, rests in by_first.items()
        )
    )


def _unit_paths(rule: PhraseRule) -> list[tuple[str, ...]]:
    """The rule as sequences of pattern units, one per sound its first character may have."""
    rest: list[str] = [_char_class(c, rule.pinyin) for c in rule.pieces[0][1:]]
    for piece in rule.pieces[1:]:
        rest.append(_gap(rule, capture=False))
        rest.extend(_char_class(c, rule.pinyin) for c in piece)
    # Numbers and Latin words stand alone: 12315 is not inside 13812315678, CVV not in CVV2.
    first, last = fold_chars(rule.pieces[0][0]), fold_chars(rule.pieces[-1][-1])
    if first.isascii() and first.isalnum():
        # looked at after the first code
        rest.insert(0, "(?<![0-9].)" if first.isdigit() else "(?<![a-z].)")
    if last.isascii() and last.isalnum():
        rest.append("(?![0-9])" if last.isdigit() else "(?![a-z0-9])")
    return [(re.escape(code), *rest) for code in phrase_char_codes(rule.pieces[0][0], rule.pinyin)]


class _TrieNode:
    __slots__ = ("children", "depth", "rule")

    def __init__(self) -> None:
        self.children: dict[str, _TrieNode] = {}
        self.rule: int | None = None  # index of the rule ending here
        self.depth = 0  # longest path below: longer phrases are tried first

    def insert(self, units: tuple[str, ...], rule: int) -> None:
        node = self
        for left, unit in zip(range(len(units), 0, -1), units):
            if left > node.depth:
                node.depth = left
            child = node.children.get(unit)  # not setdefault: a node made for nothing each step
            if child is None:
                child = node.children[unit] = _TrieNode()
            node = child
        if node.rule is None:  # two phrases with the same sounds: the first (longest) keeps it
            node.rule = rule

    def alternatives(self) -> list[str]:
        ordered = sorted(self.children.items(), key=lambda item: -item[1].depth)
        if self.rule is None and not any(unit.startswith("(") for unit in self.children):
            # every branch starts with a sound: the whole group has one guard (_guard)
            return [unit + child.pattern() for unit, child in ordered]
        parts: list[str] = []
        run: list[tuple[str, str]] = []  # (unit, branch) of branches in a row starting with a sound
        for unit, child in ordered:
            part = _gap_guard(unit, child) + unit + child.pattern()
            if unit.startswith("("):  # a gap or a look-around
                parts += _guarded_run(run)
                run = []
                parts.append(part)
            else:
                run.append((unit, part))
        parts += _guarded_run(run)
        if self.rule is not None:  # ending here is tried after every longer continuation
            parts.append(f"{_RULE_END}{self.rule}{_RULE_END}")
        return parts

    def pattern(self) -> str:
        parts = self.alternatives()
        if len(parts) == 1:
            return parts[0]
        return self._guard() + "(?:" + "|".join(parts) + ")"

    def _guard(self) -> str:
        """A look-ahead for the characters any branch below can start with, or "".

        `re` tries a group's branches one after another; at most places none of them fits, and
        one set test then settles that instead of one test per branch. Only where every branch
        starts with a sound (not a gap, a look-around or the end of a rule) is there such a set;
        elsewhere the runs of such branches between the others get one each (_guarded_run).
        """
        if self.rule is not None or len(self.children) < GUARD_MIN_BRANCHES:
            return ""
        if any(unit.startswith("(") for unit in self.children):
            return ""
        return _sounds_ahead(self.children)


def _first_sounds(units: Iterable[str]) -> str:
    """The sounds that literal or [class] units start with, as the body of one class."""
    return "".join(unit[1:-1] if unit.startswith("[") else unit for unit in units)


def _sounds_ahead(units: Iterable[str]) -> str:
    """A look-ahead for the sounds that literal or [class] units start with."""
    return "(?=[" + _first_sounds(units) + "])"


def _guarded_run(run: list[tuple[str, str]]) -> list[str]:
    """The branches of a run, as one group behind a look-ahead for their first sounds when the
    run is long: after 保证 a phrase may go on with a gap or with any of some eighty words,
    and a place that ends the phrase there (保证收益) tried each of them in turn. The group
    tries its branches in the same order, and the look-ahead only skips it where none of them
    can match, so every match is the one the flat list of branches gives."""
    if len(run) < GUARD_MIN_BRANCHES:
        return [part for _, part in run]
    return [_sounds_ahead(unit for unit, _ in run) + "(?:" + "|".join(p for _, p in run) + ")"]


_GAP_UNIT = re.compile(r"\(\?:" + re.escape(GAP_BODY) + r"\{0,(\d+)\}\?\)\Z")


def _gap_guard(unit: str, child: _TrieNode) -> str:
    """A look-ahead before a gap for the first sounds of what may follow it, or "".

    `re` tries what follows a lazy gap at every width up to the limit before giving up, and
    most places hold none of those sounds within reach: one possessive scan (no backtracking)
    to the first of them, stopping at a sentence end, settles that. It only tests what the
    gap's branch needs anyway, so it never changes a match.
    """
    gap = _GAP_UNIT.match(unit)
    if gap is None or child.rule is not None:
        return ""
    if any(after.startswith("(") for after in child.children):
        return ""  # a look-around: no single set of next sounds
    firsts = _first_sounds(child.children)
    return f"(?=[^{GAP_BODY[2:-1]}{firsts}]{{0,{gap.group(1)}}}+[{firsts}])"


def _numbered(alternatives: list[str]) -> tuple[LazyPattern, tuple[int, ...]]:
    """The alternatives as one regex, each rule end an empty group: (regex, group → rule index).

    Compiled on first use: a category has hundreds of first sounds and compiling them all took
    most of the set-up check; a call needs those of the sounds it holds. The pieces were checked
    when the lexicon was read, so compiling cannot fail later for a lexicon line."""
    rule_of_group = [-1]
    pattern = []
    for i, piece in enumerate("|".join(alternatives).split(_RULE_END)):
        if i % 2:
            rule_of_group.append(int(piece))
            pattern.append("()")
        else:
            pattern.append(piece)
    return LazyPattern("".join(pattern)), tuple(rule_of_group)


def _unit_chars(unit: str) -> set[str]:
    """The sound codes a literal or [class] unit matches (units are built from re.escape)."""
    body = unit[1:-1] if unit.startswith("[") else unit
    return {a or b for a, b in _ESCAPED.findall(body)}


def _steps(node: _TrieNode) -> list[tuple[set[str], _TrieNode]] | None:
    """The units below `node` that take a sound, with their nodes (a look-behind takes none:
    the unit after it does), or None when any character may come next, or none (a gap, a
    look-ahead, a rule ending here)."""
    if node.rule is not None:
        return None
    steps: list[tuple[set[str], _TrieNode]] = []
    for unit, child in node.children.items():
        if unit.startswith("(?<"):
            more = _steps(child)
            if more is None:
                return None
            steps.extend(more)
        elif unit.startswith("("):
            return None
        else:
            steps.append((_unit_chars(unit), child))
    return steps


def _nexts(node: _TrieNode) -> dict[str, frozenset[str] | None] | None:
    """After a first sound's node: next sound -> the sounds that may come after it (None: any,
    or none), or None when any may come next (pipeline.detectors.phrases.candidates)."""
    steps = _steps(node)
    if steps is None:
        return None
    nexts: dict[str, set[str] | None] = {}
    for codes, child in steps:
        after = _steps(child)
        thirds = None if after is None else set().union(*(more for more, _ in after))
        for code in codes:
            earlier = nexts.get(code, set())
            nexts[code] = None if earlier is None or thirds is None else earlier | thirds
    return {code: None if thirds is None else frozenset(thirds) for code, thirds in nexts.items()}


def category_regex(rules: tuple[PhraseRule, ...]) -> tuple[FirstSoundRegex, ...]:
    """A category's rules as one regex per first sound code."""
    root = _TrieNode()
    for index, rule in enumerate(rules):
        for units in _unit_paths(rule):
            root.insert(units, index)
    regexes = []
    for unit, child in root.children.items():
        (first,) = _unit_chars(unit)  # every rule starts with one literal sound
        pattern, rule_of_group = _numbered([unit + child.pattern()])
        regexes.append(FirstSoundRegex(first, pattern, rule_of_group, _nexts(child)))
    return tuple(regexes)
