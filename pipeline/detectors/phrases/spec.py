"""The phrase engine's value types: what a detector declares (its category), the phrase book of a
lexicon folder, a parsed rule, a category's compiled rules and a match.

Values only, so the registry and the regex builder can hold them without importing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pipeline.detectors.phrases.lazy import LazyPattern
from pipeline.detectors.phrases.negation import NegationCues
from pipeline.detectors.phrases.phonetic import fold_chars
from pipeline.types import Segment, Severity

if TYPE_CHECKING:
    from pipeline.detectors.phrases.candidates import SoundStarts

MatchedBy = Literal["characters", "pinyin", "model"]  # model: a signal (rule_signals)


@dataclass(frozen=True)
class PhraseCategory:
    """What a detector declares about its phrase list."""

    category: str  # finding category (the fixed vocabulary), or the script check it serves
    rule_prefix: str  # rule_id = <rule_prefix>.<group>
    lexicon_file: str
    role: Literal["agent", "customer"]  # only this party's speech is searched
    default_group: str
    default_severity: Severity
    # Characters before / after a match searched for negation cues; 0 turns that side off.
    negation_before: int = 0
    negation_after: int = 0
    # Script lexicons list accepted wordings only: group and severity columns make no sense there.
    phrase_only: bool = False


@dataclass(frozen=True, eq=False)  # compared by identity: a cache key on every token lookup
class PhraseBook:
    """Every phrase category of a lexicon folder, as the detector registry lists them.

    The jieba tokenizer keeps the phrases of all of them whole, whichever detector asks first,
    so token boundaries (and so matches) do not depend on which detectors are enabled.
    """

    lexicon_dir: str
    categories: tuple[PhraseCategory, ...]


@dataclass(frozen=True)
class PhraseRule:
    phrase: str  # as written in the lexicon
    pieces: tuple[str, ...]  # literal text between gaps
    group: str
    rule_id: str
    severity: Severity
    root_cause: str | None  # None: looked up in root_causes.txt
    unless: tuple[str, ...]
    pinyin: bool
    gap: int
    where: str  # file:line, for error messages and finding details
    # except= context patterns over sound codes: a match inside one of theirs does not count.
    exceptions: LazyPattern | None = None
    exceptions_reach: int = 0  # the most characters a match of `exceptions` can span

    @cached_property  # every finding of the rule shows it
    def lexicon_line(self) -> str:
        path, _, line_no = self.where.rpartition(":")
        return f"{Path(path).name}:{line_no}"

    @cached_property
    def folded_pieces(self) -> tuple[str, ...]:
        """The pieces as fold_chars gives them: what a candidate's words are compared with."""
        return tuple(fold_chars(piece) for piece in self.pieces)


@dataclass(frozen=True, eq=False)
class CompiledRules:
    spec: PhraseCategory
    rules: tuple[PhraseRule, ...]
    # every rule, longest first, over sound codes: a regex per first sound and where to try them
    starts: SoundStarts
    splitters: tuple[LazyPattern | None, ...]  # per rule: the rule alone with its gaps captured
    negation: NegationCues | None


@dataclass(frozen=True)
class PhraseMatch:
    rule: PhraseRule
    segment: Segment
    start: int  # offsets into segment.text
    end: int
    matched_by: MatchedBy
