"""Negation cues around a phrase match: 不能保证收益, 不是保本的, 保本是不可能的 are compliant.

Cues come from lexicons/negation_cues.txt, lines `kind cue`:
- `before`: a cue in the same clause shortly before the match (or inside a … gap of a pattern)
  negates it (不, 没, 非, 哪有, 怎么可能 …);
- `after`: a cue right after the match in the same clause negates it (…是不可能的, …千万不要);
- `pseudo`: words that contain a cue but do not negate (不仅, 非常, 不用担心, 未来 …) or open a
  clause that only looks negated (不瞒您说, 不是我吹): they are blanked out before the `before`
  cues are looked for, so 不用担心保本 and 不瞒您说这个保本 still count;
- `break`: words that end a fronted negation's reach (我们, 但是, 可是, 而 …): in 别人家不保本我们保本
  the 不 belongs to the other company's clause, and a cue before the last break does not
  negate the match after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError
from pipeline.text.lexicon import read_lexicon

NEGATION_FILE = "negation_cues.txt"
KINDS = ("before", "after", "pseudo", "break")
# A negation does not reach across a clause: commas, stops, pauses (spaces) and segment ends.
_CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;、：:\s]")
_CUE_CHARS = re.compile(r"[\u3400-\u9fffA-Za-z0-9]+\Z")


@dataclass(frozen=True, eq=False)
class NegationCues:
    before: re.Pattern
    after: re.Pattern
    pseudo: re.Pattern | None
    longest_pseudo: int
    breaks: re.Pattern | None = None

    def _after_last_break(self, text: str) -> int:
        """Where the part of `text` that a negation cue may still reach from starts."""
        reach = 0
        if self.breaks is not None:
            for found in self.breaks.finditer(text):
                reach = found.end()  # the matches come in order and do not overlap
        return reach

    def _blank_pseudo(self, text: str) -> str:
        # Most windows hold no pseudo cue: one search spares sub() and its callback.
        if self.pseudo is None or self.pseudo.search(text) is None:
            return text
        return self.pseudo.sub(lambda m: "_" * len(m.group(0)), text)

    def negates(
        self,
        text: str,
        start: int,
        end: int,
        gaps: tuple[tuple[int, int], ...],
        before_chars: int,
        after_chars: int,
    ) -> bool:
        """Whether text[start:end] (a match with the given gap spans) is negated by its context."""
        # Each side is first searched for any cue in its raw text, one C call: blanking pseudo
        # cues and cutting clauses only remove cues, and most matches have none near them.
        if before_chars:
            # Read a little further back so a pseudo cue straddling the window edge is still seen.
            left_start = max(0, start - before_chars - self.longest_pseudo)
            if self.before.search(text, left_start, start) is not None:
                clause = self._blank_pseudo(_CLAUSE_BREAK.split(text[left_start:start])[-1])
                reach = self._after_last_break(clause)
                window_start = len(clause) - before_chars
                for cue in self.before.finditer(clause, reach):
                    if cue.end() > window_start:
                        return True
            for gap_start, gap_end in gaps:
                if self.before.search(text, gap_start, gap_end) is None:
                    continue
                gap = self._blank_pseudo(text[gap_start:gap_end])
                if self.before.search(gap, self._after_last_break(gap)):
                    return True
        if after_chars and self.after.search(text, end, end + after_chars + 8) is not None:
            right = _CLAUSE_BREAK.split(text[end : end + after_chars + 8], maxsplit=1)[0]
            found = self.after.search(right)
            if found and found.start() < after_chars:
                return True
        return False


def _alternation(cues: list[str]) -> re.Pattern:
    # Longest first, so 不可能的 is preferred over 不 where both start at one place.
    return re.compile(
        "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) or r"(?!)"
    )


@lru_cache(maxsize=4)
def load_negation_cues(lexicon_dir: str) -> NegationCues:
    cues: dict[str, list[str]] = {kind: [] for kind in KINDS}
    seen: dict[tuple[str, str], str] = {}
    for line in read_lexicon(Path(lexicon_dir) / NEGATION_FILE, min_columns=2, max_columns=2):
        kind, cue = line.columns
        if kind not in KINDS:
            raise LexiconError(f"{line.where}: unknown kind {kind!r}; known: {', '.join(KINDS)}")
        if not _CUE_CHARS.match(cue):
            raise LexiconError(
                f"{line.where}: cue {cue!r} may hold only Chinese characters, letters and digits"
            )
        if (kind, cue) in seen:
            raise LexiconError(
                f"{line.where}: {kind} cue {cue!r} is already listed at {seen[(kind, cue)]}"
            )
        seen[(kind, cue)] = line.where
        cues[kind].append(cue)
    if not cues["before"]:
        raise LexiconError(
            f"{Path(lexicon_dir) / NEGATION_FILE}: no `before` cues: negation would never apply"
        )
    return NegationCues(
        before=_alternation(cues["before"]),
        after=_alternation(cues["after"]),
        pseudo=_alternation(cues["pseudo"]) if cues["pseudo"] else None,
        longest_pseudo=max((len(c) for c in cues["pseudo"]), default=0),
        breaks=_alternation(cues["break"]) if cues["break"] else None,
    )
