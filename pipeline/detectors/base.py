"""What every detector receives: one call's transcript, metadata and rule data location."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.types import Transcript


@dataclass(frozen=True)
class CallContext:
    transcript: Transcript
    lexicon_dir: Path
    ruleset_version: str

    @property
    def call_id(self) -> str:
        return self.transcript.call_id
