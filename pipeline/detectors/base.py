"""What every detector receives: one call's transcript, metadata and rule data location."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.config import ScriptOptions
from pipeline.digits import DIGIT_CHARS, SEPARATOR_CLASS
from pipeline.privacy import mask_numbers, mask_segment_texts
from pipeline.types import Segment, Transcript

# A digit at the start or the end of a text (punctuation and pauses aside).
_EDGE_DIGITS = re.compile(rf"^{SEPARATOR_CLASS}*[{DIGIT_CHARS}]|[{DIGIT_CHARS}]{SEPARATOR_CLASS}*$")


@dataclass(frozen=True)
class CallContext:
    transcript: Transcript
    lexicon_dir: Path
    ruleset_version: str
    # [script] options: the windows of script compliance.
    script: ScriptOptions = field(default_factory=ScriptOptions)

    @property
    def call_id(self) -> str:
        return self.transcript.call_id

    @cached_property
    def _masked_by_segment(self) -> dict[int, str]:
        return {}  # masked_text's results: several findings may show the same segment

    @cached_property
    def _masked_texts(self) -> dict[int, str]:
        segments = self.transcript.segments
        return {id(s): masked for s, masked in zip(segments, mask_segment_texts(segments))}

    def masked_text(self, segment: Segment) -> str:
        """The segment's text with numbers masked as the store masks them: across segments,
        so evidence never shows the piece of a number that was read in several parts."""
        cached = self._masked_by_segment.get(id(segment))
        if cached is None:
            if _EDGE_DIGITS.search(segment.text):
                cached = self._masked_texts.get(id(segment)) or mask_numbers(segment.text)
            else:
                # No digit at either end: no number runs on into a neighbour, the segment alone decides.
                cached = mask_numbers(segment.text)
            self._masked_by_segment[id(segment)] = cached
        return cached
