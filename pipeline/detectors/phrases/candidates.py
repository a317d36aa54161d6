"""Where the rule sets of one party may start a match, found for all of them in one pass per call.

A rule set (a phrase category, a pattern of the rule file, a script check) has one regex per
first sound (pipeline.detectors.phrases.regex); a place can start a match only if its sound is
one of those first sounds, the next sound one that may follow it in some rule, and the sound
after that one that may follow those two. The rule sets that read one party's speech in one
lexicon folder share a `ScanPlan`: a table (first sound x next sound) gives each pair of
sounds a class, and a class says which rule sets may start there, either whatever comes third
(a gap, a look-ahead or a phrase's end follows) or only before certain third sounds (a table of
class x bucket of the third sound, THIRD_BUCKETS). One numpy pass over the party's sound codes
then gives every rule set its places, once per call; the regexes are tried with match() at
those places only.
A pass per rule set (~10 µs, twelve a call) let through every place whose first two sounds
fit: ~200 regex attempts a 1,500-character call, ~12 of them matching; the third sound leaves
~135. Most of the rest are patterns whose first piece is one character before a gap (您…密码).

Sounds are numbered for the tables: 0 for any character that is neither ASCII nor a syllable
code (it shares one column, so a rule that may continue with such a character keeps every such
place), 1–128 for ASCII, then the syllable codes.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from pipeline.detectors.phrases.phonetic import syllable_code_range

if TYPE_CHECKING:
    from pipeline.detectors.phrases.lazy import LazyPattern

# Rule sets per table: a place's rule sets are the bits of one uint64.
SETS_PER_TABLE = 64
PLANS_KEPT = 8  # lexicon folders x parties whose plans are kept (tests use many folders)
TEXTS_KEPT = 2  # texts whose places a plan keeps: the party's of the last calls
# Third sounds are told apart by their number modulo this (a power of two): a place whose third
# sound only shares a bucket with one a rule needs is kept, and its regex turns it down. An
# exact test (a sorted table of class x third sound) took twice the numpy calls and a table
# too large to stay in cache between calls; a class has about five third sounds, so 32
# buckets let few places through that the exact test would have dropped.
THIRD_BUCKETS = 32
_BUCKETS = np.intp(THIRD_BUCKETS)  # a numpy integer: class x buckets is computed in intp


@dataclass(frozen=True)
class FirstSoundRegex:
    """The rules of a rule set that start with one sound (pipeline.detectors.phrases.regex)."""

    first: str  # the sound code every match starts with
    pattern: LazyPattern  # the rules that start with it, for match() at a place holding it
    rule_of_group: tuple[int, ...]  # capturing group number -> rule index
    # next sound -> the sounds that may come after it (None: any, or none); the whole map is
    # None when any character may come next (a one-character phrase, a gap, a look-ahead).
    nexts: Mapping[str, frozenset[str] | None] | None


@lru_cache(maxsize=1)
def _sound_numbers() -> tuple[np.ndarray, int]:
    """(code point -> sound number, how many numbers there are)."""
    start, stop = syllable_code_range()
    numbers = np.zeros(sys.maxunicode + 1, dtype=np.uint16)
    numbers[:128] = np.arange(1, 129)
    numbers[start:stop] = np.arange(129, 129 + stop - start)
    return numbers, 129 + stop - start


def _number(code: str) -> int:
    return int(_sound_numbers()[0][ord(code)])


def _numbered_text(codes: str) -> np.ndarray:
    """The sound numbers of a text's sound codes, and two of NUL after the last."""
    # NUL is no rule's sound: as good as nothing at all after the last place
    padded = (codes + "\0\0").encode("utf-32-le", "surrogatepass")
    return _sound_numbers()[0].take(np.frombuffer(padded, dtype=np.uint32))


# What a place is tried with: the match() of the regex of its sound and group number -> rule
# index; (None, ()) for a character outside the table that shares a number with first sounds.
Matcher = tuple[Callable[[str, int, int], re.Match[str] | None] | None, tuple[int, ...]]
# A first sound's number and what may follow it, in sound numbers (FirstSoundRegex.nexts).
Prefix = tuple[int, dict[int, frozenset[int] | None] | None]


@dataclass(frozen=True, eq=False)
class SoundStarts:
    regexes: dict[str, tuple[LazyPattern, tuple[int, ...]]]  # first sound -> regex, group -> rule
    prefixes: tuple[Prefix, ...]  # what the plan's tables are built from
    plan_key: tuple[str, str]  # (lexicon folder, party): the rule sets scanned together
    # first sound -> its Matcher, for the sounds heard so far (compiling all took seconds)
    matchers: dict[str, Matcher] = field(default_factory=dict)

    def matcher(self, first: str) -> Matcher:
        """The Matcher of a place holding `first`; the regex is compiled on first use."""
        known = self.matchers.get(first)
        if known is None:
            regex = self.regexes.get(first)
            known = (None, ()) if regex is None else (regex[0].compiled().match, regex[1])
            self.matchers[first] = known  # two threads may both add it: the same value
        return known


def _prefix(regex: FirstSoundRegex) -> Prefix:
    if regex.nexts is None:
        return _number(regex.first), None
    nexts: dict[int, frozenset[int] | None] = {}
    for code, thirds in regex.nexts.items():
        second = _number(code)  # codes outside the table share number 0: their thirds merge
        numbered = None if thirds is None else frozenset(_number(c) for c in thirds)
        if second in nexts:
            earlier = nexts[second]
            numbered = None if earlier is None or numbered is None else earlier | numbered
        nexts[second] = numbered
    return _number(regex.first), nexts


def sound_starts(regexes: Iterable[FirstSoundRegex], lexicon_dir: str, role: str) -> SoundStarts:
    regexes = tuple(regexes)
    return SoundStarts(
        {regex.first: (regex.pattern, regex.rule_of_group) for regex in regexes},
        tuple(_prefix(regex) for regex in regexes),
        (lexicon_dir, role),
    )


class _Table:
    """The places of up to SETS_PER_TABLE rule sets: the rule set with bit i is sets[i]."""

    def __init__(self, sets: Sequence[SoundStarts]):
        n = _sound_numbers()[1]
        row_any: dict[int, int] = {}  # first sound -> sets that take any next sound after it
        cell_any: dict[tuple[int, int], int] = {}  # (first, next) -> sets taking any third
        cell_thirds: dict[tuple[int, int], dict[int, int]] = {}  # … -> third -> sets
        for index, starts in enumerate(sets):
            bit = 1 << index
            for first, nexts in starts.prefixes:
                row_any[first] = row_any.get(first, 0) | (bit if nexts is None else 0)
                for second, thirds in (nexts or {}).items():
                    cell = (first, second)
                    if thirds is None:
                        cell_any[cell] = cell_any.get(cell, 0) | bit
                        continue
                    by_third = cell_thirds.setdefault(cell, {})
                    for third in thirds:
                        by_third[third] = by_third.get(third, 0) | bit
        self.count = len(sets)
        self.rows = np.zeros(n, dtype=np.intp)  # first sound -> its row's offset; row 0: none
        class_any = [0]  # class -> sets that may start at its places whatever comes third
        shared: dict[int, int] = {}  # sets -> the class of cells with no third sounds to test
        keys: dict[int, int] = {}  # class * n + third sound -> sets that may start before it

        def shared_class(bits: int) -> int:
            if bits not in shared:
                shared[bits] = len(class_any)
                class_any.append(bits)
            return shared[bits]

        table = np.zeros((len(row_any) + 1) * n, dtype=np.int32)
        for row, first in enumerate(sorted(row_any), start=1):
            self.rows[first] = row * n
            if row_any[first]:
                table[row * n : (row + 1) * n] = shared_class(row_any[first])
        for cell in sorted(set(cell_any) | set(cell_thirds)):
            first, second = cell
            bits = row_any[first] | cell_any.get(cell, 0)
            after = cell_thirds.get(cell)
            if after is None:
                table[self.rows[first] + second] = shared_class(bits)
                continue
            table[self.rows[first] + second] = number = len(class_any)
            class_any.append(bits)
            for third, sets_there in after.items():
                if sets_there & ~bits:
                    keys[number * n + third] = sets_there
        self.table = table.astype(np.uint16) if len(class_any) < 1 << 16 else table
        # class x (third sound's bucket) -> the sets that may start there: a class's own sets
        # in every bucket, and each set that needs certain third sounds in theirs.
        # Little-endian, so that byte i of an entry holds the bits of sets 8i to 8i+7; one byte
        # when there are at most 8 sets (one party's phrase categories, rules and scripts).
        dtype = np.uint8 if self.count <= 8 else np.dtype("<u8")
        by_bucket = np.repeat(np.array(class_any, dtype=dtype), THIRD_BUCKETS)
        for key, sets_there in keys.items():
            number, third = divmod(key, n)
            by_bucket[number * THIRD_BUCKETS + third % THIRD_BUCKETS] |= sets_there
        self.by_bucket = by_bucket

    def places(self, numbers: np.ndarray) -> list[list[int]]:
        """Per rule set, the places of the numbered text where it may start, in order.

        Each numpy call costs microseconds on arrays this small, so there are few of them."""
        m = len(numbers) - 2
        classes = self.table.take(self.rows.take(numbers[:m]) + numbers[1 : m + 1])
        at = classes.nonzero()[0]
        thirds = numbers[2:].take(at) & (THIRD_BUCKETS - 1)  # a power of two: the bucket
        sets = self.by_bucket.take(classes.take(at) * _BUCKETS + thirds)
        # a row per rule set (its bit), whose nonzero() places come in text order
        bits = np.unpackbits(
            sets.view(np.uint8).reshape(len(sets), sets.itemsize),
            axis=1,
            count=self.count,
            bitorder="little",
        )
        which, column = bits.T.nonzero()
        flat = at.take(column).tolist()
        per_set, begin = [], 0
        for count in np.bincount(which, minlength=self.count).tolist():
            per_set.append(flat[begin : begin + count])
            begin += count
        return per_set


class ScanPlan:
    """The rule sets of one party in one lexicon folder, as they are first used, and the places
    of each of them in the party's text of the last calls."""

    def __init__(self) -> None:
        self._slots: dict[SoundStarts, tuple[int, int]] = {}  # -> (table, bit)
        self._sets: list[SoundStarts] = []
        self._tables: list[_Table] | None = None
        self._texts: dict[str, list[list[list[int]]]] = {}
        self._lock = threading.Lock()

    def places(self, starts: SoundStarts, codes: str) -> list[int]:
        """The places in `codes` (a party's whole text) where `starts` may start, in order."""
        slot = self._slots.get(starts)
        if slot is None:
            slot = self._add(starts)
        per_table = self._texts.get(codes)
        tables = self._tables
        if per_table is None or tables is None:
            with self._lock:
                tables = self._built()
            numbers = _numbered_text(codes)
            per_table = [table.places(numbers) for table in tables]
            if len(self._texts) >= TEXTS_KEPT:
                self._texts.pop(next(iter(self._texts), ""), None)
            self._texts[codes] = per_table
        return per_table[slot[0]][slot[1]]

    def _add(self, starts: SoundStarts) -> tuple[int, int]:
        with self._lock:
            slot = self._slots.get(starts)
            if slot is None:
                count = len(self._sets)
                slot = (count // SETS_PER_TABLE, count % SETS_PER_TABLE)
                self._sets.append(starts)
                self._slots[starts] = slot
                self._tables = None
                self._texts = {}
            return slot

    def _built(self) -> list[_Table]:
        if self._tables is None:  # built once all the sets of a call have been seen
            self._tables = [
                _Table(self._sets[i : i + SETS_PER_TABLE])
                for i in range(0, len(self._sets), SETS_PER_TABLE)
            ]
            self._texts = {}
        return self._tables


_PLANS: dict[tuple[str, str], ScanPlan] = {}


def start_places(starts: SoundStarts, codes: str) -> list[int]:
    """The places in `codes` (a party's whole text) where a rule of `starts` may start, in order."""
    plan = _PLANS.get(starts.plan_key)
    if plan is None:
        plan = _PLANS.setdefault(starts.plan_key, ScanPlan())
        while len(_PLANS) > PLANS_KEPT:  # the oldest goes; its rule sets rejoin a new one
            _PLANS.pop(next(iter(_PLANS)), None)
    return plan.places(starts, codes)
