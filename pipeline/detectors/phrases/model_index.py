"""Where the phrase model's n-grams sit in an utterance: the weight row of each of its n-grams.

Every n-gram of every utterance of a call is looked up, about 5,000 a call, so the lookup is a
fixed handful of numpy gathers over the whole call, with no loop and no hashing:

- characters become small ids first (a table over every code point), dropping punctuation and
  spaces in the same step: one id for a character no n-gram holds, one for an utterance's edge;
- a 1-gram's row is a table by character id;
- the 2- and 3-grams form a trie stored as displaced tables (a "double array"): the characters
  that may follow a state (a character, or a 2-gram) sit at base[state] + (their id), each
  slot labelled with the id that leads there (int16; bases uint16 where they fit, so the
  tables a call reads stay small in cache); a character that may not follow goes to
  base[state] itself, the state's own slot (id 0 follows nothing). So each position of a
  text ends in one slot of the 3-gram level, which stands for its 1-gram, 2-gram and 3-gram
  together, and `paths` names their rows. A level is five numpy calls over the whole call.

Rows are counted from 1, 0 being "no n-gram of the model" (and the zero row of weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Dropped before the n-grams are taken: they say nothing of meaning, and ASR text may lack them.
DROPPED = " \t\r\u3000，。？！,.?!、；;：:“”\"'‘’（）()《》<>…—-·~～"
EDGE_CHAR = "\n"  # the text of a call is its utterances joined by this, and framed by it
# Id 0 (U+FFFF, not a character) pads the text past its last frame, so that every position has
# a 2- and a 3-gram to look up; every model character from 3 on
_PAD, _UNKNOWN, _EDGE, _FIRST_ID = "\uffff", 1, 2, 3


@dataclass(frozen=True, eq=False)
class Level:
    """One step down the trie: from a state by a character id to slot base[state] + id when
    that slot is the state's, else to base[state] ("no longer n-gram here")."""

    base: np.ndarray  # per state, the smallest unsigned dtype that holds it (see _narrow)
    owner: np.ndarray  # int32 per slot: the state it belongs to, -1 for none (building only)
    # per slot, the id that leads to it from its owner (-1: none), of char_ids' dtype. Enough
    # to tell a slot is the state's: no two states share a base (each owns base + 0), so
    # base[state] + id is the state's exactly when the id leading there is this one. Half of
    # owner's bytes, so the lookups of a call touch fewer cache lines.
    label: np.ndarray
    rows: np.ndarray  # int32 per slot: the row of the n-gram it ends, 0 for none


@dataclass(frozen=True, eq=False)
class GramIndex:
    char_ids: np.ndarray  # code point → id (-1: dropped)
    unigram_rows: np.ndarray  # id → row of the 1-gram
    bigrams: Level  # states: character ids
    trigrams: Level  # states: the slots of the 2-gram level
    # (slots of the 3-gram level, 3): the rows of the 1-, 2- and 3-gram a slot stands for
    paths: np.ndarray


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
    char_ids[ord(_PAD)] = 0
    char_ids[[ord(ch) for ch in chars]] = list(char_id.values())
    unigram_rows = np.zeros(ids, dtype=np.intp)
    bigram_rows: dict[tuple[int, int], int] = {}
    trigram_rows: dict[tuple[int, int, int], int] = {}
    for row, gram in enumerate(grams, 1):
        gram_ids = _gram_ids(gram, char_id)
        if gram_ids is None:
            continue
        if len(gram_ids) == 1:
            unigram_rows[gram_ids[0]] = row
        elif len(gram_ids) == 2:
            bigram_rows[(gram_ids[0], gram_ids[1])] = row
        else:
            trigram_rows[(gram_ids[0], gram_ids[1], gram_ids[2])] = row
    # the 2-gram level holds the 2-grams and the first two characters of each 3-gram
    pairs = {
        pair: bigram_rows.get(pair, 0) for pair in {*bigram_rows, *(t[:2] for t in trigram_rows)}
    }
    bigrams = _level(range(ids), pairs, ids)
    slot_of = {(a, b): int(bigrams.base[a]) + b for a, b in pairs}
    trigrams = _level(
        np.flatnonzero(bigrams.owner >= 0).tolist(),  # the slots a lookup can end in
        {(slot_of[t[:2]], t[2]): row for t, row in trigram_rows.items()},
        ids,
        len(bigrams.owner),
    )
    # a 3-gram slot: the 1-gram of the character its 2-gram slot belongs to, that 2-gram, itself
    paths = np.zeros((len(trigrams.owner), 3), dtype=np.intp)
    taken = np.flatnonzero(trigrams.owner >= 0)
    bigram = trigrams.owner[taken]
    paths[taken, 0] = unigram_rows[bigrams.owner[bigram]]
    paths[taken, 1] = bigrams.rows[bigram]
    paths[taken, 2] = trigrams.rows[taken]
    return GramIndex(char_ids, unigram_rows, bigrams, trigrams, paths)


def _level(
    states: Sequence[int], entries: dict[tuple[int, int], int], ids: int, numbers: int = 0
) -> Level:
    """A level whose states (numbered below `numbers`) each own slot base (id 0) and the slots
    of their entries (state, id) → row. Placed first fit, the states with most entries first
    (each at the lowest base where all its slots are free), the table's slots as the bits of
    one int; the states with no entry (most 2-gram slots) take the free slots left, in order."""
    followers: dict[int, list[int]] = {state: [0] for state in states}
    for state, i in entries:
        followers[state].append(i)
    base = np.zeros(max(numbers, len(states)), dtype=np.int32)
    taken = 0  # bit p: slot p is a state's
    alone = []
    for state in sorted(followers, key=lambda s: (-len(followers[s]), s)):
        if len(followers[state]) == 1:
            alone.append(state)
            continue
        blocked = 0  # bit b: base b would put a follower on a taken slot
        for i in followers[state]:
            blocked |= taken >> i
        at = (~blocked & (blocked + 1)).bit_length() - 1  # the lowest base not blocked
        for i in followers[state]:
            taken |= 1 << (at + i)
        base[state] = at
    used = np.unpackbits(
        np.frombuffer(taken.to_bytes(taken.bit_length() // 8 + 1, "little"), dtype=np.uint8),
        bitorder="little",
    )
    free = np.flatnonzero(np.concatenate((used, np.zeros(len(alone), dtype=np.uint8))) == 0)
    base[alone] = free[: len(alone)]
    size = int(base.max(initial=0)) + ids  # base + any id a text holds
    owner = np.full(size, -1, dtype=np.int32)
    rows = np.zeros(size, dtype=np.int32)
    slots = [(int(base[state]) + i, state) for state, after in followers.items() for i in after]
    owner[[slot for slot, _ in slots]] = [state for _, state in slots]
    label = np.full(size, -1, dtype=np.int16 if ids < 1 << 15 else np.int32)
    label[[slot for slot, _ in slots]] = [slot - int(base[state]) for slot, state in slots]
    for (state, i), row in entries.items():
        rows[base[state] + i] = row
    return Level(_narrow(base), owner, label, rows)


def _narrow(base: np.ndarray) -> np.ndarray:
    """base as uint16 when it fits: the table a call's lookups read stays smaller in cache."""
    return base.astype(np.uint16) if base.max(initial=0) < 1 << 16 else base


def text_ids(index: GramIndex, text: str) -> np.ndarray:
    """The character ids of the "\\n"-separated lines (utterances) of text, each framed by the
    edge id, and two ids 0 after the last frame; intp, the index type every lookup would
    otherwise convert them to."""
    # a numpy string holds code points (UTF-32) already: its bytes are the codes
    codes = np.array([EDGE_CHAR + text + EDGE_CHAR + _PAD + _PAD]).view(np.uint32)
    ids = index.char_ids.take(codes)
    return ids[ids >= 0].astype(np.intp)


def frames(ids: np.ndarray) -> np.ndarray:
    """Positions of the edge ids: line i is ids[frames[i]:frames[i + 1]], its opening frame
    included; the last one closes the last line."""
    return (ids == _EDGE).nonzero()[0]


def _step(level: Level, states: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The slot of each state followed by the id `after` it: base + id where the slot is the
    state's, else base."""
    base = level.base.take(states)
    slot = base + after
    np.putmask(slot, level.label.take(slot) != after, base)
    return slot


def gram_slots(index: GramIndex, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the 2-gram level's slot of each position of text_ids' `ids` and the one after, the
    3-gram level's slot of each position): the slots of the n-grams starting there.

    Every n-gram is looked up, also those across a frame: the model holds none of them (a
    frame in the middle of a 3-gram, two frames), except as a file spells them with ^ and $.
    """
    bigram = _step(index.bigrams, ids[:-1], ids[1:])
    return bigram, _step(index.trigrams, bigram[:-1], ids[2:])


def gram_rows(
    index: GramIndex, ids: np.ndarray, slots: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows of the 1-, 2- and 3-grams starting at each position of text_ids' `ids`: n, n - 1,
    n - 2 for the n ids before the two 0s)."""
    n = len(ids) - 2
    return (
        index.unigram_rows.take(ids[:n]),
        index.bigrams.rows.take(slots[0][: n - 1]),
        index.trigrams.rows.take(slots[1][: n - 2]),
    )
