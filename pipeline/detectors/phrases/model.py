"""The phrase model: a learned second opinion beside the phrase rules, per phrase category.

Rules are exact and explainable but only catch the wordings someone listed; a QA lead's list
of 推诿 or 保收益 wordings is never complete. The model is a logistic regression over the
character 1–3-grams of one utterance (punctuation and spaces dropped, the utterance's start
and end marked), one weight column per category. It is read from a plain-text file in the
lexicon directory (`phrase_model.tsv`, written by `python -m tests.phrase_train` from the
labelled tuning sets), so a site can read, diff and version it like any lexicon. Per
category the file sets two thresholds on the model's probability:

- `add`: an utterance of the category's party where no rule fired becomes a finding of the
  category (rule id `<prefix>.model`) when the model gives at least this;
- `veto`: a rule match is not a finding when the model gives its utterance less than this
  (a listed phrase in a sentence whose every other n-gram says courtesy or warning).

Scores are computed for all utterances of a call at once with numpy (the n-grams of the joined
text, looked up in a perfect hash table of the vocabulary: model_index), and are the same on
every run. line_scores sums each utterance's weights in training's order; near_line_logits sums
them in a faster order, which may change the last bits. model_findings compares those logits
with the thresholds' logits (no sigmoid per call) and takes line_scores wherever a logit is
near enough to a threshold's to decide anything (logit_rounding), or a score is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.detectors.phrases.model_index import (
    DROPPED,
    GramIndex,
    build_index,
    frames,
    gram_rows,
    gram_slots,
    text_ids,
)
from pipeline.errors import LexiconError

MODEL_FILE = "phrase_model.tsv"
# Columns named signal.<name> are not finding categories: rules of rules.txt read them
# (when_signal=, require_signal=; pipeline.detectors.rule_signals).
SIGNAL_PREFIX = "signal."
# Dropped before the n-grams are taken (model_index.DROPPED). A table over every code point, so
# training's text is filtered in one numpy step.
_DROPPED = np.zeros(0x110000, dtype=bool)
_DROPPED[[ord(ch) for ch in DROPPED]] = True
_EDGE = 1  # the code standing for an utterance's start or end ("\n" between utterances)
_SHIFT = 21  # bits of one code point


@dataclass(frozen=True, eq=False)
class PhraseModel:
    categories: tuple[str, ...]
    keys: np.ndarray  # sorted n-gram keys (int64), see gram_keys
    grams: tuple[str, ...]  # the n-grams in the order of keys, for explanations
    weights: np.ndarray  # (len(categories), len(keys)): a category's weights side by side
    bias: np.ndarray  # (len(categories),)
    add: dict[str, float]
    veto: dict[str, float]
    # (3, len(categories)): each category's add, the lower of its veto and add (a rule
    # match there counts for something) and its veto (as the file says): thresholds in
    # model_findings' order; their logits, and how near one a logit tells nothing. In the
    # first two, inf where a threshold decides nothing (a veto ≤ 0 keeps every match, an add
    # above 1 adds nothing).
    floors: np.ndarray
    logit_floors: np.ndarray
    logit_rounding: float
    where: str
    index: GramIndex  # n-gram → row + 1 (model_index)
    # (1 + len(keys), len(categories)): row 0 is zeros, row r + 1 the weights of grams[r], so
    # the weights of every n-gram of a call are one gather (a miss gathers zeros)
    gram_weights: np.ndarray
    # per slot of index.trigrams: the sum of the weights of the n-grams it stands for
    path_weights: np.ndarray
    # How far near_line_scores may be from line_scores (probability), at most
    rounding: float
    # near_line_scores' length_scale by a line's length with its frame, a row per length
    near_scales: np.ndarray

    def column(self, category: str) -> int:
        return self.categories.index(category)


def _codes(text: str) -> np.ndarray:
    """Code points of the kept characters, each line framed by _EDGE (lines are utterances)."""
    codes = np.frombuffer(f"\n{text}\n".encode("utf-32-le"), dtype=np.uint32)
    codes = codes[~_DROPPED[codes]].astype(np.int64)
    codes[codes == 10] = _EDGE
    return codes


def gram_keys(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(keys, line of each key) of the 1-, 2- and 3-grams of framed code points.

    A key packs up to three code points into one int64 (21 bits each); a 1-gram is its code,
    a 2-gram (a, b) is a·2^21 + b and a 3-gram a·2^42 + b·2^21 + c, so no two n-grams share a
    key. Grams crossing a line's frame are left out; a line's frame counts as its start and
    end marks (2-grams with _EDGE, 3-grams with _EDGE at either end).
    """
    edge = codes == _EDGE
    line = np.cumsum(edge) - 1  # line of each code; a frame belongs to the line it opens
    parts, lines = [], []
    inner = ~edge
    parts.append(codes[inner])
    lines.append(line[inner])
    a, b = codes[:-1], codes[1:]
    pair = ~(edge[:-1] & edge[1:])  # an empty line's two frames are no 2-gram
    parts.append(((a << _SHIFT) | b)[pair])
    # a 2-gram's line: its first code's, unless that is the frame that opens the next line
    lines.append(np.where(edge[:-1], line[1:], line[:-1])[pair])
    if len(codes) >= 3:
        a, b, c = codes[:-2], codes[1:-1], codes[2:]
        triple = ~edge[1:-1]
        parts.append(((a << (2 * _SHIFT)) | (b << _SHIFT) | c)[triple])
        lines.append(line[1:-1][triple])
    return np.concatenate(parts), np.concatenate(lines)


def gram_text(key: int) -> str:
    """The n-gram a key stands for, with ^ and $ for an utterance's edges (explanations)."""
    chars = []
    while key:
        chars.append(key & ((1 << _SHIFT) - 1))
        key >>= _SHIFT
    text = "".join("^" if c == _EDGE else chr(c) for c in reversed(chars))
    if len(text) > 1 and text.endswith("^"):
        text = text[:-1] + "$"
    return text


# An utterance's weights are summed over its n-grams, so a long one of harmless words would add
# up past any threshold: past SCALE_CHARS kept characters the sum is scaled by the square root
# of (the n-grams of SCALE_CHARS characters / its n-grams). Training scales the same way.
SCALE_CHARS = 12


def length_scale(kept_chars: np.ndarray) -> np.ndarray:
    """The factor of an utterance's weight sum, by its number of kept characters."""
    grams = 3 * np.asarray(kept_chars, dtype=np.float64) + 1  # k 1-grams, k+1 2-grams, k 3-grams
    return np.minimum(1.0, np.sqrt((3 * SCALE_CHARS + 1) / grams))


def _near_scales(columns: int) -> np.ndarray:
    """length_scale by kept characters + 1 (a line's length with its frame; 1–61 for
    near_line_scores' utterances), repeated for each column: a scale per utterance and
    category is then one gather, no broadcast."""
    return np.repeat(length_scale(np.maximum(np.arange(-1, 61), 0))[:, None], columns, axis=1)


def line_scores(model: PhraseModel, text: str, lines: int) -> np.ndarray:
    """Probabilities (lines × categories) of the "\n"-separated utterances of `text`, exactly
    as training sums them: per utterance its 1-grams, then its 2-grams, then its 3-grams, in
    the order they are said (np.bincount adds in that order), so they are the same to the last
    bit whatever else is scored with them."""
    ids = text_ids(model.index, text)
    starts = frames(ids)
    line = np.repeat(np.arange(len(starts)), np.diff(starts, append=len(ids)))
    rows = np.concatenate(gram_rows(model.index, ids, gram_slots(model.index, ids)))
    n = len(ids) - 2  # the two ids 0 after the last frame start no n-gram of training's
    where = np.concatenate((line[:n], line[: n - 1], line[: n - 2]))
    hit = rows > 0
    rows, where = rows[hit] - 1, where[hit]
    logits = np.empty((lines, len(model.categories)))
    for k, weights in enumerate(model.weights):
        logits[:, k] = np.bincount(where, weights=weights[rows], minlength=lines)
    logits *= length_scale(np.diff(starts) - 1)[:, None]
    logits += model.bias
    return 1.0 / (1.0 + np.exp(-logits))


# The logits of near_line_scores differ from line_scores' only by the rounding of the sums,
# each within (n - 1)·2⁻⁵³·Σ|weight| of the true sum for an utterance of n n-grams; n ≤ 200 for
# 60 characters. A probability moves less than its logit (a quarter at most), and 1e-9 is far
# above the rounding of the sigmoid itself.
_ROUNDING_PER_WEIGHT = 2 * 200 * 200 * 2.0**-53


def _rounding(weights: np.ndarray) -> float:
    return max(1e-9, _ROUNDING_PER_WEIGHT * float(np.abs(weights).max(initial=0.0)))


def near_line_logits(model: PhraseModel, text: str, lines: int) -> np.ndarray:
    """The logits of near_line_scores (lines × categories): a sigmoid short of them, which
    model_findings does without by comparing logits with the thresholds' logits."""
    ids = text_ids(model.index, text)
    starts = frames(ids)
    # each position: the weights of its 1-, 2- and 3-gram together
    at = model.path_weights.take(gram_slots(model.index, ids)[1], axis=0)
    if not lines:
        return at[:0]
    logits = np.add.reduceat(at, starts[:-1], axis=0)
    logits *= model.near_scales.take(starts[1:] - starts[:-1], axis=0, mode="clip")
    logits += model.bias
    return logits


def near_line_scores(model: PhraseModel, text: str, lines: int) -> np.ndarray:
    """line_scores of utterances of at most 60 characters, summed in another order: one
    gather of each position's summed 1-, 2- and 3-gram weights and one sum per utterance, where
    line_scores sums every n-gram in turn per category. They may differ from line_scores by
    model.rounding (in probability); where that could decide anything, take line_scores."""
    return 1.0 / (1.0 + np.exp(-near_line_logits(model, text, lines)))


def _logit_floors(floors: np.ndarray, rounding: float) -> tuple[np.ndarray, float]:
    """(the logits of probability thresholds, how near a logit of near_line_logits must be to
    one to tell nothing): a logit at or above a threshold's logit by more than that is a
    score of line_scores at or above the threshold, one below it by more, a score below.

    Beyond the sums' rounding, the band covers the rounding of the logit of the threshold and
    of line_scores' sigmoid (a few 2⁻⁵³, relative): a logit 1e-12·(1/t + 1/(1 - t)) past a
    threshold t's moves the probability by 1e-12. A threshold of 1 has no logit that tells
    (the sigmoid rounds to 1 for any logit above 37): its band is infinite, every score is
    taken from line_scores. ≤ 0 is at or below every probability, above 1 above every one."""
    inside = (floors > 0) & (floors < 1)
    t = np.where(inside, floors, 0.5)
    logits = np.where(inside, np.log(t / (1 - t)), np.where(floors <= 0, -np.inf, np.inf))
    band = rounding + float((1e-12 * (1 / t + 1 / (1 - t)))[inside].max(initial=0.0))
    return logits, np.inf if (floors == 1).any() else band


def strongest_grams(model: PhraseModel, text: str, category: str, top: int = 5) -> list[str]:
    """The n-grams of one utterance that pushed the category's score up most, strongest first."""
    keys, _ = gram_keys(_codes(text))
    at = np.minimum(np.searchsorted(model.keys, keys), len(model.keys) - 1)
    rows = sorted(set(at[model.keys[at] == keys].tolist())) if len(model.keys) else []
    k = model.column(category)
    weights = model.weights[k]
    ranked = sorted(rows, key=lambda r: (-weights[r], model.grams[r]))
    return [model.grams[r] for r in ranked[:top] if weights[r] > 0]


def _number(value: str, where: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise LexiconError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise LexiconError(f"{where}: {value!r} is not a finite number")
    return number


@lru_cache(maxsize=8)
def load_model(lexicon_dir: str) -> PhraseModel | None:
    """The lexicon directory's phrase model, or None when it has none (the rules work alone)."""
    path = Path(lexicon_dir) / MODEL_FILE
    if not path.is_file():
        return None
    categories: tuple[str, ...] = ()
    settings: dict[str, list[float]] = {}
    rows: dict[str, list[float]] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path}:{number}"
        if not raw.strip() or raw.startswith("#"):
            continue
        columns = raw.split("\t")
        if not categories:
            if columns[0] != "gram" or len(columns) < 2:
                raise LexiconError(f"{where}: the first line must be 'gram' and the categories")
            categories = tuple(columns[1:])
            continue
        if len(columns) != len(categories) + 1:
            raise LexiconError(
                f"{where}: {len(columns)} columns, expected {len(categories) + 1} "
                "(the n-gram or setting, then one number per category)"
            )
        values = [_number(v, where) for v in columns[1:]]
        name = columns[0]
        if name.startswith("@"):
            if name not in ("@bias", "@add", "@veto"):
                raise LexiconError(f"{where}: unknown setting {name!r} (@bias, @add or @veto)")
            settings[name] = values
        elif not 1 <= len(name) <= 3:
            raise LexiconError(f"{where}: {name!r} is not a 1- to 3-character n-gram")
        elif name in rows:
            raise LexiconError(f"{where}: {name!r} is listed twice")
        else:
            rows[name] = values
    missing = [s for s in ("@bias", "@add", "@veto") if s not in settings]
    if not categories or missing:
        raise LexiconError(f"{path}: no {' or '.join(missing) or 'header'} line")
    keyed = sorted((_key_of(gram), gram, values) for gram, values in rows.items())
    keys = np.array([k for k, _, _ in keyed], dtype=np.int64)
    grams = tuple(g for _, g, _ in keyed)
    by_gram = np.array([v for _, _, v in keyed], dtype=np.float64).reshape(-1, len(categories))
    gram_weights = np.vstack((np.zeros((1, len(categories))), by_gram))
    index = build_index(grams)
    veto = np.array([v if v > 0 else np.inf for v in settings["@veto"]])
    add = np.array([a if a <= 1 else np.inf for a in settings["@add"]])
    floors = np.vstack((add, np.minimum(veto, add), settings["@veto"]))
    rounding = _rounding(by_gram)
    logit_floors, logit_rounding = _logit_floors(floors, rounding)
    return PhraseModel(
        categories=categories,
        keys=keys,
        grams=grams,
        weights=np.ascontiguousarray(by_gram.T),
        bias=np.array(settings["@bias"]),
        add=dict(zip(categories, settings["@add"])),
        veto=dict(zip(categories, settings["@veto"])),
        floors=floors,
        logit_floors=logit_floors,
        logit_rounding=logit_rounding,
        where=str(path),
        index=index,
        gram_weights=gram_weights,
        path_weights=(gram_weights[index.paths[:, 0]] + gram_weights[index.paths[:, 1]])
        + gram_weights[index.paths[:, 2]],
        rounding=rounding,
        near_scales=_near_scales(len(categories)),
    )


def _key_of(gram: str) -> int:
    """The key of an n-gram as written in the file (^ and $ mark the utterance's edges)."""
    codes = [_EDGE if ch in "^$" and len(gram) > 1 else ord(ch) for ch in gram]
    key = 0
    for code in codes:
        key = (key << _SHIFT) | code
    return key
