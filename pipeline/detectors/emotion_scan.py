"""Where emotion words may start in a call's customer utterances, found for all of them at once.

pipeline.detectors.emotion_text looks for the words of an utterance at the places where the first
two characters of a word (or a one-character word) occur. Found per utterance with Python sets
this cost more than the rest of the emotion detector together; here the utterances are joined
and every pair of neighbouring characters is looked up in the sorted pair table in one numpy
pass, so an utterance without a candidate costs nothing further. The places are exactly those
the per-utterance search gives (score_text's `starts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.detectors.emotion_lexicon import EmotionLexicon

# Between the joined utterances: in no emotion word, so no pair across two utterances matches.
SEPARATOR = "\x00"
_SHIFT = np.uint64(21)  # a code point has 21 bits: (first << 21) | second is a pair's key


@dataclass(frozen=True, eq=False)
class PrefixTable:
    pairs: np.ndarray  # sorted keys of the two-character prefixes (uint64)
    singles: np.ndarray  # sorted code points of the one-character words (uint64)


def _key(pair: str) -> int:
    return (ord(pair[0]) << 21) | ord(pair[1])


@lru_cache(maxsize=4)
def prefix_table(lexicon: EmotionLexicon) -> PrefixTable | None:
    """The lexicon's prefixes as sorted arrays; None if a prefix holds the separator (never
    for a real lexicon), and then the utterances are searched one by one."""
    if any(SEPARATOR in prefix for prefix in (*lexicon.pairs, *lexicon.singles)):
        return None
    return PrefixTable(
        np.array(sorted(map(_key, lexicon.pairs)), dtype=np.uint64),
        np.array(sorted(map(ord, lexicon.singles)), dtype=np.uint64),
    )


def _members(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Indices of `values` that are in the sorted `table`."""
    if not table.size or not values.size:
        return np.empty(0, dtype=np.intp)
    at = np.searchsorted(table, values)
    at[at == table.size] = 0
    return np.flatnonzero(table[at] == values)


def candidate_starts(texts: Sequence[str], lexicon: EmotionLexicon) -> list[list[int]] | None:
    """For each text, where an emotion word of the lexicon may start, sorted; a place where
    both a pair and a one-character word start is listed twice, as score_text lists it.
    None: search each text on its own."""
    table = prefix_table(lexicon)
    if table is None:
        return None
    if not texts:
        return []
    joined = SEPARATOR.join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
        np.uint64
    )
    keys = (points[:-1] << _SHIFT) | points[1:]
    found = np.concatenate([_members(keys, table.pairs), _members(points, table.singles)])
    found.sort()
    offsets = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]])
    cuts = [*np.searchsorted(found, offsets).tolist(), found.size]
    places = found.tolist()
    return [
        [place - offset for place in places[cuts[k] : cuts[k + 1]]] if cuts[k] < cuts[k + 1] else []
        for k, offset in enumerate(offsets.tolist())
    ]
