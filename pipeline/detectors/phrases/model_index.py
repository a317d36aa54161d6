"""Where the phrase model's n-grams sit in an utterance: the weight row of each of its n-grams.

Every n-gram of every utterance of a call is looked up, about 5,000 a call, so the lookup is a
handful of numpy gathers over the whole call and no loop:

- characters become small ids first (a table over every code point), dropping punctuation and
  spaces in the same step: one id for a character no n-gram holds, one for an utterance's edge;
- a 1-gram's row is a table by character id;
- 2- and 3-grams are keyed by their ids (a·A + b and (a·A + b)·A + c, A ids in all) and found
  in a perfect hash table ("hash and displace"): a key's bucket holds a number that, mixed
  into the key, sends every key of the bucket to a slot of its own. One probe per n-gram, so
  a lookup is a fixed few gathers, where a table with probing would loop over collisions.

Rows are counted from 1, 0 being "no n-gram of the model" (and the zero row of weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Dropped before the n-grams are taken: they say nothing of meaning, and ASR text may lack them.
DROPPED = " \t\r\u3000，。？！,.?!、；;：:“”\"'‘’（）()《》<>…—-·~～"
EDGE_CHAR = "\n"  # the text of a call is its utterances joined by this, and framed by it
_UNKNOWN, _EDGE, _FIRST_ID = 1, 2, 3  # 0 is no id: a 3-gram key (a ≥ 1) never equals a 2-gram key
_MASK64 = (1 << 64) - 1
_BUCKET_MIX = 0x9E3779B97F4A7C15  # multiplicative (Fibonacci) hashing: key → bucket
_SLOT_MIX = 0xC2B2AE3D27D4EB4F  # key mixed with its bucket's number → slot
_MAX_TRIES = 1 << 16  # numbers tried for one bucket before the table is made larger


@dataclass(frozen=True, eq=False)
class GramIndex:
    char_ids: np.ndarray  # code point → id (-1: dropped)
    ids: int  # A: ids in all
    unigram_rows: np.ndarray  # id → row of the 1-gram
    bucket_shift: np.uint64
    bucket_number: np.ndarray  # uint64 per bucket, mixed into its keys
    slot_shift: np.uint64
    slot_keys: np.ndarray  # uint64; an empty slot holds 0, no key
    slot_rows: np.ndarray  # intp


def _gram_ids(gram: str, char_id: dict[str, int]) -> list[int] | None:
    """The ids of a model n-gram (^ and $ stand for the edges in 2- and 3-grams), or None for
    one no text can hold (a dropped character)."""
    if len(gram) == 1:
        return [char_id[gram]] if gram in char_id else None
    ids = [_EDGE if ch in "^$\x01" else char_id.get(ch, -1) for ch in gram]
    return None if -1 in ids else ids


def build_index(grams: Sequence[str]) -> GramIndex:
    """The index of a model's n-grams (row r + 1 is grams[r])."""
    chars = sorted({ch for gram in grams for ch in gram} - set(DROPPED + EDGE_CHAR + "\x01"))
    char_id = {ch: i for i, ch in enumerate(chars, _FIRST_ID)}
    ids = len(chars) + _FIRST_ID
    char_ids = np.full(0x110000, _UNKNOWN, dtype=np.int16 if ids < 1 << 15 else np.int32)
    # U+0001 is dropped too: in a key it would read as an edge
    char_ids[[ord(ch) for ch in DROPPED + "\x01"]] = -1
    char_ids[ord(EDGE_CHAR)] = _EDGE
    char_ids[[ord(ch) for ch in chars]] = list(char_id.values())
    unigram_rows = np.zeros(ids, dtype=np.intp)
    keys: dict[int, int] = {}
    for row, gram in enumerate(grams, 1):
        gram_ids = _gram_ids(gram, char_id)
        if gram_ids is None:
            continue
        if len(gram_ids) == 1:
            unigram_rows[gram_ids[0]] = row
            continue
        key = 0
        for i in gram_ids:
            key = key * ids + i
        keys[key] = row
    return GramIndex(char_ids, ids, unigram_rows, *_perfect_hash(keys))


def _perfect_hash(
    rows: dict[int, int],
) -> tuple[np.uint64, np.ndarray, np.uint64, np.ndarray, np.ndarray]:
    """(bucket shift, bucket numbers, slot shift, slot keys, slot rows) of a table at most half
    full. Buckets are placed largest first, each with the first number that sends all its keys
    to free slots; built with plain ints at load time (~30 ms for 12,000 keys)."""
    slot_bits = max(4, (2 * len(rows)).bit_length())
    bucket_bits = max(1, (len(rows) // 2).bit_length())
    while True:
        buckets: list[list[int]] = [[] for _ in range(1 << bucket_bits)]
        for key in rows:
            buckets[((key * _BUCKET_MIX) & _MASK64) >> (64 - bucket_bits)].append(key)
        numbers = [0] * len(buckets)
        taken: dict[int, int] = {}  # slot → key
        for b in sorted(range(len(buckets)), key=lambda b: -len(buckets[b])):
            keys = buckets[b]
            if not keys:
                break
            for number in range(_MAX_TRIES):
                slots = {(((k ^ number) * _SLOT_MIX) & _MASK64) >> (64 - slot_bits) for k in keys}
                if len(slots) == len(keys) and taken.keys().isdisjoint(slots):
                    break
            else:
                break  # this bucket found no place: try again with a larger table
            numbers[b] = number
            for k in keys:
                taken[(((k ^ number) * _SLOT_MIX) & _MASK64) >> (64 - slot_bits)] = k
        if len(taken) == len(rows):
            break
        slot_bits += 1
    slot_keys = np.zeros(1 << slot_bits, dtype=np.uint64)
    slot_rows = np.zeros(1 << slot_bits, dtype=np.intp)
    filled = np.fromiter(taken.keys(), dtype=np.intp, count=len(taken))
    slot_keys[filled] = np.fromiter(taken.values(), dtype=np.uint64, count=len(taken))
    slot_rows[filled] = np.fromiter((rows[k] for k in taken.values()), np.intp, len(taken))
    return (
        np.uint64(64 - bucket_bits),
        np.array(numbers, dtype=np.uint64),
        np.uint64(64 - slot_bits),
        slot_keys,
        slot_rows,
    )


def text_ids(index: GramIndex, text: str) -> np.ndarray:
    """The character ids of the "\n"-separated lines (utterances) of text, each framed by the
    edge id; int64."""
    framed = EDGE_CHAR + text + EDGE_CHAR
    codes = np.frombuffer(framed.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = index.char_ids.take(codes)
    return ids[ids >= 0].astype(np.int64)


def frames(ids: np.ndarray) -> np.ndarray:
    """Positions of the edge ids: line i is ids[frames[i]:frames[i + 1]], its opening frame
    included; the last one closes the last line."""
    return np.flatnonzero(ids == _EDGE)


def gram_rows(index: GramIndex, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows of the 1-, 2- and 3-grams starting at each position of `ids`: n, n - 1, n - 2).

    Every n-gram is looked up, also those across a frame: the model holds none of them (a
    frame in the middle of a 3-gram, two frames), except as a file spells them with ^ and $.
    """
    n = len(ids)
    pairs = ids[:-1] * index.ids + ids[1:]
    keys = np.concatenate((pairs, pairs[:-1] * index.ids + ids[2:])).view(np.uint64)
    bucket = (keys * np.uint64(_BUCKET_MIX)) >> index.bucket_shift
    mixed = keys ^ index.bucket_number.take(bucket.astype(np.intp))
    slot = ((mixed * np.uint64(_SLOT_MIX)) >> index.slot_shift).astype(np.intp)
    rows = index.slot_rows.take(slot) * (index.slot_keys.take(slot) == keys)
    return index.unigram_rows.take(ids), rows[: n - 1], rows[n - 1 :]
