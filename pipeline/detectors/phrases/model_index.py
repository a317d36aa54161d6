"""Where the phrase model's n-grams sit in an utterance: the weight row of each of its n-grams.

Every n-gram of every utterance of a call is looked up, about 5,000 a call, so the lookup is a
fixed handful of numpy gathers over the whole call, with no loop and no hashing:

- characters become small ids first (a table over every code point), dropping punctuation and
  spaces in the same step: one id for a character no n-gram holds, one for an utterance's edge;
- a 1-gram's row is a table by character id;
- the 2- and 3-grams form a trie stored as displaced tables (a "double array"): the characters
  that may follow a state (a character, or a 2-gram) sit at base[state] + (their id), each
  slot saying whose it is; a character that may not follow goes to the state's own fallback
  slot. So each position of a text ends in one slot of the 3-gram level, which stands for its
  1-gram, 2-gram and 3-gram together, and `paths` names their rows.

Rows are counted from 1, 0 being "no n-gram of the model" (and the zero row of weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Dropped before the n-grams are taken: they say nothing of meaning, and ASR text may lack them.
DROPPED = " \t\r\u3000，。？！,.?!、；;：:“”\"'‘’（）()《》<>…—-·~～"
EDGE_CHAR = "\n"  # the text of a call is its utterances joined by this, and framed by it
# Id 0 follows the text's last frame (no n-gram holds it); every model character from 3 on
_UNKNOWN, _EDGE, _FIRST_ID = 1, 2, 3
_PAST_THE_END = np.zeros(2, dtype=np.intp)


@dataclass(frozen=True, eq=False)
class Level:
    """One step down the trie: from a state by a character id to slot base[state] + id when
    owner says that slot is the state's, else to the state's fallback slot."""

    base: np.ndarray  # int32 per state
    owner: np.ndarray  # int32 per slot: the state it belongs to, -1 for none
    fallbacks: int  # state s's slot for "no longer n-gram here" is fallbacks + s
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
    bigrams = _level(ids, pairs, ids)
    slot_of = {(a, b): int(bigrams.base[a]) + b for a, b in pairs}
    trigrams = _level(
        len(bigrams.owner),
        {(slot_of[t[:2]], t[2]): row for t, row in trigram_rows.items()},
        ids,
    )
    # the character each 2-gram slot starts with: its owner, or the one it is the fallback of
    starts_with = np.maximum(bigrams.owner, 0)
    starts_with[bigrams.fallbacks :] = np.arange(ids)
    paths = np.zeros((len(trigrams.owner), 3), dtype=np.intp)
    states = np.arange(len(bigrams.owner))  # each 2-gram slot's fallback: its 1- and 2-gram
    paths[trigrams.fallbacks :, 0] = unigram_rows[starts_with[states]]
    paths[trigrams.fallbacks :, 1] = bigrams.rows
    taken = np.flatnonzero(trigrams.owner >= 0)  # a 3-gram: its first 2-gram's, and its own
    paths[taken, :2] = paths[trigrams.fallbacks + trigrams.owner[taken], :2]
    paths[taken, 2] = trigrams.rows[taken]
    return GramIndex(char_ids, unigram_rows, bigrams, trigrams, paths)


def _level(states: int, entries: dict[tuple[int, int], int], ids: int) -> Level:
    """A level of `states` states whose entries (state, id) → row are placed first fit, the
    states with most entries first (each at the lowest base where all its slots are free),
    the table's slots as the bits of one int; the fallback slots follow them."""
    followers: dict[int, list[int]] = {}
    for state, i in entries:
        followers.setdefault(state, []).append(i)
    base = np.zeros(states, dtype=np.int32)
    taken = 0  # bit p: slot p is an entry's
    for state in sorted(followers, key=lambda s: (-len(followers[s]), s)):
        blocked = 0  # bit b: base b would put a follower on a taken slot
        for i in followers[state]:
            blocked |= taken >> i
        at = (~blocked & (blocked + 1)).bit_length() - 1  # the lowest base not blocked
        for i in followers[state]:
            taken |= 1 << (at + i)
        base[state] = at
    # base + any id a text holds stays below the fallback slots
    size = int(base.max(initial=0)) + ids
    owner = np.full(size + states, -1, dtype=np.int32)
    rows = np.zeros(size + states, dtype=np.int32)
    for (state, i), row in entries.items():
        owner[base[state] + i] = state
        rows[base[state] + i] = row
    return Level(base, owner, size, rows)


def text_ids(index: GramIndex, text: str) -> np.ndarray:
    """The character ids of the "\\n"-separated lines (utterances) of text, each framed by the
    edge id; intp."""
    # a numpy string holds code points (UTF-32) already: its bytes are the codes
    codes = np.array([EDGE_CHAR + text + EDGE_CHAR]).view(np.uint32)
    ids = index.char_ids.take(codes)
    return ids[ids >= 0].astype(np.intp)


def frames(ids: np.ndarray) -> np.ndarray:
    """Positions of the edge ids: line i is ids[frames[i]:frames[i + 1]], its opening frame
    included; the last one closes the last line."""
    return np.flatnonzero(ids == _EDGE)


def gram_slots(index: GramIndex, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the 2-gram level's slot of each position of `ids` and the one after, the 3-gram
    level's slot of each position): the slots of the n-grams starting there.

    Every n-gram is looked up, also those across a frame: the model holds none of them (a
    frame in the middle of a 3-gram, two frames), except as a file spells them with ^ and $.
    """
    two, three = index.bigrams, index.trigrams
    padded = np.concatenate((ids, _PAST_THE_END))
    first = padded[:-1]
    bigram = two.base.take(first) + padded[1:]
    bigram = np.where(two.owner.take(bigram) == first, bigram, first + two.fallbacks)
    state = bigram[:-1]
    trigram = three.base.take(state) + padded[2:]
    trigram = np.where(three.owner.take(trigram) == state, trigram, state + three.fallbacks)
    return bigram, trigram


def gram_rows(
    index: GramIndex, ids: np.ndarray, slots: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows of the 1-, 2- and 3-grams starting at each position of `ids`: n, n - 1, n - 2)."""
    n = len(ids)
    return (
        index.unigram_rows.take(ids),
        index.bigrams.rows.take(slots[0][: n - 1]),
        index.trigrams.rows.take(slots[1][: n - 2]),
    )
