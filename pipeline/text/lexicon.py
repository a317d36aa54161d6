"""Reading the plain-text rule data in lexicons/, the jieba tokenizer that uses it, and the
pattern that finds a list of its words in a text (longest_word_pattern).

Lexicon files are UTF-8, one entry per line, columns separated by tabs or runs of spaces,
`#` starts a comment. Errors name the file and the line.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError

_jieba_lock = threading.Lock()


@dataclass(frozen=True)
class LexiconLine:
    path: Path
    line_no: int
    columns: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line_no}"


def read_lexicon(
    path: Path, min_columns: int = 1, max_columns: int | None = None
) -> list[LexiconLine]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file not found") from None
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    lines = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        columns = tuple(content.split())
        if len(columns) < min_columns or (max_columns is not None and len(columns) > max_columns):
            expected = (
                f"{min_columns}"
                if max_columns == min_columns
                else f"{min_columns}–{max_columns or 'any'}"
            )
            raise LexiconError(
                f"{path}:{line_no}: expected {expected} columns, found {len(columns)}: {content!r}"
            )
        lines.append(LexiconLine(path, line_no, columns))
    return lines


@lru_cache(maxsize=8)
def ruleset_version(lexicon_dir: Path) -> str:
    """The version string of the rule data (lexicons/VERSION), echoed into every finding.

    Cached like the rules themselves: a process reads its lexicons once.
    """
    version_file = Path(lexicon_dir) / "VERSION"
    try:
        return version_file.read_text(encoding="utf-8").strip() or "unversioned"
    except FileNotFoundError:
        return "unversioned"


@lru_cache(maxsize=4)
def tokenizer(lexicon_dir: str, extra_words: tuple[str, ...] = ()):
    """A jieba tokenizer with the domain user dictionary and the rule phrases as words.

    Rule phrases are added as words so that jieba keeps them whole where they occur; a phrase
    then matches only where it starts and ends on token boundaries.
    """
    if extra_words:
        # The user dictionary's tokenizer, copied, then the words: what a fresh tokenizer given
        # the same words in the same order holds, without reading jieba's dictionary a second
        # time (half a second of every process's start).
        base = tokenizer(lexicon_dir)
        with _jieba_lock:
            tok = type(base)(base.dictionary)
            tok.FREQ, tok.total = dict(base.FREQ), base.total
            tok.user_word_tag_tab = dict(base.user_word_tag_tab)
            tok.initialized = True
            for word in extra_words:
                tok.add_word(word)
        return tok
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources, which warns on every start; nothing for a user to do.
        warnings.filterwarnings(
            "ignore", message="pkg_resources is deprecated", category=UserWarning
        )
        import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO on every process
    with _jieba_lock:
        tok = jieba.Tokenizer()
        tok.initialize()
        userdict = Path(lexicon_dir) / "jieba_userdict.txt"
        if userdict.is_file():
            # Read here rather than with jieba.load_userdict, which would take comments for words.
            for line in read_lexicon(userdict, min_columns=1, max_columns=3):
                word, *rest = line.columns
                freq = next((int(c) for c in rest if c.isdigit()), None)
                tag = next((c for c in rest if not c.isdigit()), None)
                tok.add_word(word, freq, tag)
    return tok


def longest_word_pattern(words: Iterable[str]) -> re.Pattern:
    """A pattern that finds `words` where they occur, at each place the longest one: what the
    alternation of them sorted longest first finds, written as a trie (短信(?:验证码|码)|…) so
    that `re` follows one branch per character instead of trying every word in turn at each
    place that starts one (a call's text is searched for cue words once per call)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict) -> str:
    # Characters after a node are distinct, so at most one branch can go on; a word ending
    # at the node is tried after the longer ones (a greedy "?").
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"
