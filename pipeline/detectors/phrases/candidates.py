"""Where a phrase category's rules may start in a text, found for the whole text at once.

A category has one regex per first sound (pipeline.detectors.phrases.regex). A place can start a
match only if its sound is one of those first sounds and the next sound is one that may follow
it in some rule; both are looked up for every place of the text in one numpy pass over a small
table (first sound x next sound), and the regexes are tried with match() at those places only.
A search per regex looked at every place holding any first sound instead: most places of a
Chinese text hold one (我, 你, 不 …), and there `re` tried the branches one after another.

Sounds are numbered for the tables: 0 for any character that is neither ASCII nor a syllable
code (it shares one column, so a rule that may continue with such a character keeps every such
place), 1–128 for ASCII, then the syllable codes.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from pipeline.detectors.phrases.phonetic import syllable_code_range

if TYPE_CHECKING:
    from pipeline.detectors.phrases.lazy import LazyPattern


@dataclass(frozen=True)
class FirstSoundRegex:
    """The rules of a category that start with one sound (pipeline.detectors.phrases.regex)."""

    first: str  # the sound code every match starts with
    pattern: LazyPattern  # the rules that start with it, for match() at a place holding it
    rule_of_group: tuple[int, ...]  # capturing group number -> rule index
    # The sound codes a match may continue with; None: any character, or none (a one-character
    # phrase, a gap, a look-ahead).
    followers: frozenset[str] | None


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


@lru_cache(maxsize=8)
def _numbered_text(codes: str) -> np.ndarray:
    """The sound numbers of a text's sound codes, and a 0 after the last (nothing follows it).
    Cached: every category of the call's party reads the same text."""
    points = np.frombuffer(codes.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    numbers = np.zeros(len(points) + 1, dtype=np.uint16)
    _sound_numbers()[0].take(points, out=numbers[:-1])
    return numbers


# What a place is tried with: the match() of the regex of its sound and group number -> rule
# index; (None, ()) for a character outside the table that shares a row with first sounds.
Matcher = tuple[Callable[[str, int, int], re.Match[str] | None] | None, tuple[int, ...]]


@dataclass(frozen=True, eq=False)
class SoundStarts:
    regexes: dict[str, tuple[LazyPattern, tuple[int, ...]]]  # first sound -> regex, group -> rule
    # sound number -> where its row of `follows` starts; row 0: no rule starts with it
    row_starts: np.ndarray
    # row by row, one entry per number of the next sound: a rule may start at such a place.
    # Flat, so a place is looked up with one take(): a 2-D index took half as long again.
    follows: np.ndarray
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


def sound_starts(regexes: Iterable[FirstSoundRegex]) -> SoundStarts:
    regexes = tuple(regexes)
    _numbers, n_numbers = _sound_numbers()
    rows = np.zeros(n_numbers, dtype=np.intp)
    follows = np.zeros((len(regexes) + 1, n_numbers), dtype=bool)
    for row, regex in enumerate(regexes, start=1):
        first = _number(regex.first)
        if rows[first]:  # a character outside the table, shared with another first sound
            row = int(rows[first])
        rows[first] = row
        if regex.followers is None:
            follows[row, :] = True
        else:
            follows[row, [_number(code) for code in regex.followers]] = True
    return SoundStarts(
        {regex.first: (regex.pattern, regex.rule_of_group) for regex in regexes},
        rows * n_numbers,
        follows.ravel(),
    )


def start_places(starts: SoundStarts, codes: str, position: int, stop: int) -> list[int]:
    """The places in codes[position:stop] where a rule may start, in order."""
    numbers = _numbered_text(codes)
    pairs = starts.row_starts.take(numbers[position:stop]) + numbers[position + 1 : stop + 1]
    places = starts.follows.take(pairs).nonzero()[0]
    if position:
        places += position
    return places.tolist()
