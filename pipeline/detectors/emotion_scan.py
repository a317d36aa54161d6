"""Where emotion words may start in a call's customer utterances, found for all of them at once.

pipeline.detectors.emotion_text looks for the words of an utterance at the places where the first
two characters of a word (or a one-character word) occur. Found per utterance with Python sets
this cost more than the rest of the emotion detector together; here the utterances are joined
and every pair of neighbouring characters is looked up in a hashed table in one numpy pass (a
handful of numpy calls a call: each costs microseconds) and the few one-character words are
found by str.find, so an utterance without a candidate costs nothing further. A hash collision
adds a place that holds no word's beginning; score_text finds no word there and passes over
it, so the words found are exactly those of the per-utterance search.
"""

from __future__ import annotations

from bisect import bisect_right
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
_MASK = np.uint32((1 << _HASH_BITS) - 1)


@dataclass(frozen=True, eq=False)
class PrefixTable:
    pairs: np.ndarray  # bool per hash slot: some word starts with a pair hashed there
    singles: tuple[str, ...]  # the one-character words (a few): found by str.find


def _slots(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return ((first * _MULTIPLIER) ^ second) & _MASK


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
    return PrefixTable(pairs, tuple(sorted(lexicon.singles)))


def _single_places(joined: str, singles: tuple[str, ...]) -> list[int]:
    places = []
    for single in singles:
        at = joined.find(single)
        while at >= 0:
            places.append(at)
            at = joined.find(single, at + 1)
    return places


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
    # _slots, computed in place; take() is cheaper than fancy indexing on a few hundred places
    hashed = points[:-1] * _MULTIPLIER
    hashed ^= points[1:]
    hashed &= _MASK
    places = table.pairs.take(hashed).nonzero()[0].tolist()
    singles = _single_places(joined, table.singles)
    if singles:  # 慌, 烦: a few places a call, merged in Python
        places = sorted(set(places).union(singles))
    starts = list(accumulate([len(text) + 1 for text in texts[:-1]], initial=0))
    found: list[list[int]] = [[] for _ in texts]
    for place in places:  # a few a call
        k = bisect_right(starts, place) - 1
        offset = place - starts[k]
        # a place at the separator after a text (a hash collision of a pair across two
        # texts) belongs to no text
        if offset < len(texts[k]):
            found[k].append(offset)
    return found
