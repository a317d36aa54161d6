"""Where emotion words start in a call's customer utterances, found for all of them at once.

pipeline.detectors.emotion_text looks for the words of an utterance at the places where they may
start. The customer's text, joined (pipeline.detectors.phrases.engine.role_text: shared with the
phrase detectors), has every pair of neighbouring characters looked up in a hashed table of the
words' first two characters in one numpy pass (a handful of numpy calls a call: each costs
microseconds). Most places found so (~20 a bench call) hold no word: 一个, 什么, 零零 begin
idioms of the ontology that nobody says, and each used to cost its utterance a score_text call
that found nothing (~11 a call). So each is confirmed against the two-character words and the
first three characters of the longer ones (two set lookups), and the few one-character words
are found by str.find. What is left is about one place a call with a word, and only the
utterances holding one are scored. Every place where a word starts passes both tests, so the
words found are exactly those of the per-utterance search.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.detectors.emotion_lexicon import EmotionLexicon
from pipeline.text.joined import JoinedSegments

SEPARATOR = "\n"  # what the phrase engine joins a party's utterances with (role_text)
_HASH_BITS = 20  # 1M slots for ~9,000 pairs: about 1% of places are collisions
_MULTIPLIER = np.uint32(0x9E3779B1)  # Fibonacci hashing of the first character
_MASK = np.uint32((1 << _HASH_BITS) - 1)


@dataclass(frozen=True, eq=False)
class PrefixTable:
    pairs: np.ndarray  # bool per hash slot: some word starts with a pair hashed there
    # What a place the table lets through is confirmed against: the two-character words and
    # the first three characters of the longer ones.
    pair_words: frozenset[str]
    triple_heads: frozenset[str]
    singles: tuple[str, ...]  # the one-character words (a few): found by str.find


def _slots(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return ((first * _MULTIPLIER) ^ second) & _MASK


@lru_cache(maxsize=4)
def prefix_table(lexicon: EmotionLexicon, separator: str) -> PrefixTable | None:
    """The lexicon's words as lookup tables; None if a word holds the separator the texts are
    joined with (never for a real lexicon), and then the utterances are searched one by one."""
    words = [entry.word for entries in lexicon.by_prefix.values() for entry in entries]
    if any(separator in word for word in words):
        return None  # a word across two utterances could match
    pairs = np.zeros(1 << _HASH_BITS, dtype=bool)
    if lexicon.pairs:
        first = np.array([ord(pair[0]) for pair in lexicon.pairs], dtype=np.uint32)
        second = np.array([ord(pair[1]) for pair in lexicon.pairs], dtype=np.uint32)
        pairs[_slots(first, second)] = True
    return PrefixTable(
        pairs,
        frozenset(word for word in words if len(word) == 2),
        frozenset(word[:3] for word in words if len(word) > 2),
        tuple(sorted(lexicon.singles)),
    )


def _single_places(joined: str, singles: tuple[str, ...]) -> list[int]:
    places = []
    for single in singles:
        at = joined.find(single)
        while at >= 0:
            places.append(at)
            at = joined.find(single, at + 1)
    return places


def word_places(text: str, table: PrefixTable) -> list[int]:
    """Where in `text` an emotion word may start, sorted: every place where one does (and,
    rarely, one where only a longer word's first three characters do)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # _slots, computed in place; take() is cheaper than fancy indexing on a few hundred places
    hashed = points[:-1] * _MULTIPLIER
    hashed ^= points[1:]
    hashed &= _MASK
    pair_words, triple_heads = table.pair_words, table.triple_heads
    places = [
        at
        for at in table.pairs.take(hashed).nonzero()[0].tolist()  # ~20 a call, ~1 a word
        if text[at : at + 2] in pair_words or text[at : at + 3] in triple_heads
    ]
    singles = _single_places(text, table.singles)
    if singles:  # 慌, 烦: a few places a call, merged in Python
        places = sorted(set(places).union(singles))
    return places


def candidate_starts(
    joined: JoinedSegments, lexicon: EmotionLexicon
) -> dict[int, list[int]] | None:
    """Index in joined.segments -> the places in that segment's text where an emotion word may
    start, sorted, for the segments that have any (most have none). None: the lexicon cannot
    be searched joined; search each text alone."""
    if joined.stretch_break is not None:
        return None  # the one-separator layout of JoinedSegments.in_order only
    if not joined.segments:
        return {}
    starts = joined.starts
    table = prefix_table(lexicon, joined.text[starts[1] - 1] if len(starts) > 1 else SEPARATOR)
    if table is None:
        return None
    found: dict[int, list[int]] = {}
    order, segments = joined.order, joined.segments
    for place in word_places(joined.text, table):  # under one a call
        k = bisect_right(starts, place) - 1
        offset = place - starts[k]
        # a place at the separator after a text belongs to no text (no word holds it: never)
        if offset < len(segments[order[k]].text):
            found.setdefault(order[k], []).append(offset)
    return found
