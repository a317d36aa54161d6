"""Where emotion words may start in a call's customer utterances, found for all of them at once.

pipeline.detectors.emotion_text looks for the words of an utterance at the places where the first
two characters of a word (or a one-character word) occur. Found per utterance with Python sets
this cost more than the rest of the emotion detector together; here the utterances are joined
and every pair of neighbouring characters is looked up in a hashed table in one numpy pass, so
an utterance without a candidate costs nothing further. A hash collision adds a place that
holds no word's beginning; score_text finds no word there and passes over it, so the words
found are exactly those of the per-utterance search.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import numpy as np

from pipeline.detectors.emotion_lexicon import EmotionLexicon

# Between the joined utterances: in no emotion word, so no pair across two utterances matches.
SEPARATOR = "\x00"
_HASH_BITS = 20  # 1M slots for ~10,000 pairs: about 1% of places are collisions
_MULTIPLIER = np.uint32(0x9E3779B1)  # Fibonacci hashing of the first character


@dataclass(frozen=True, eq=False)
class PrefixTable:
    pairs: np.ndarray  # bool per hash slot: some word starts with a pair hashed there
    singles: np.ndarray  # bool per code point: a one-character word


def _slots(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return ((first * _MULTIPLIER) ^ second) & np.uint32((1 << _HASH_BITS) - 1)


@lru_cache(maxsize=4)
def prefix_table(lexicon: EmotionLexicon) -> PrefixTable | None:
    """The lexicon's prefixes as lookup tables; None if a prefix holds the separator (never
    for a real lexicon), and then the utterances are searched one by one."""
    if any(SEPARATOR in prefix for prefix in (*lexicon.pairs, *lexicon.singles)):
        return None  # a pair across two utterances could match
    pairs = np.zeros(1 << _HASH_BITS, dtype=bool)
    if lexicon.pairs:
        first = np.array([ord(pair[0]) for pair in lexicon.pairs], dtype=np.uint32)
        second = np.array([ord(pair[1]) for pair in lexicon.pairs], dtype=np.uint32)
        pairs[_slots(first, second)] = True
    singles = np.zeros(sys.maxunicode + 1, dtype=bool)
    singles[[ord(single) for single in lexicon.singles]] = True
    return PrefixTable(pairs, singles)


def candidate_starts(texts: Sequence[str], lexicon: EmotionLexicon) -> list[list[int]] | None:
    """For each text, the places where an emotion word of the lexicon may start, sorted: every
    place score_text would list, and a few that hold no word. None: search each text alone."""
    table = prefix_table(lexicon)
    if table is None:
        return None
    if not texts:
        return []
    joined = SEPARATOR.join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    possible = table.singles[points]
    possible[:-1] |= table.pairs[_slots(points[:-1], points[1:])]
    possible[points == ord(SEPARATOR)] = False  # a collision there is no place in any text
    found = possible.nonzero()[0]
    offsets = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
    cuts = [*np.searchsorted(found, offsets).tolist(), found.size]
    places = found.tolist()
    return [
        [place - offset for place in places[cuts[k] : cuts[k + 1]]] if cuts[k] < cuts[k + 1] else []
        for k, offset in enumerate(offsets)
    ]
