"""What every detector receives: one call's transcript, metadata and rule data location."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pipeline.config import ScriptOptions
from pipeline.privacy import mask_numbers, mask_segment_texts
from pipeline.types import Segment, Transcript


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
    def _masked_texts(self) -> dict[int, str]:
        segments = self.transcript.segments
        return {id(s): masked for s, masked in zip(segments, mask_segment_texts(segments))}

    def masked_text(self, segment: Segment) -> str:
        """The segment's text with numbers masked as the store masks them: across segments,
        so evidence never shows the piece of a number that was read in several parts."""
        return self._masked_texts.get(id(segment)) or mask_numbers(segment.text)
