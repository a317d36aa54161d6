"""A regex compiled the first time it is used (the phrase engine's patterns)."""

from __future__ import annotations

import re


class LazyPattern:
    """A regex compiled the first time it is used. A category's first-sound regexes and its
    rules' except= contexts and gap splitters run over homophone classes, and compiling every
    one took most of the set-up check that starts each run (seconds per process); a run needs
    those of the sounds and rules its calls hold."""

    __slots__ = ("_compiled", "source")

    def __init__(self, source: str):
        self.source = source
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:  # two threads may both compile: the same pattern either way
            self._compiled = re.compile(self.source)
        return self._compiled
