"""What a detector is (`DetectorSpec`) and what it receives (`CallContext`: one call's transcript,
metadata, rule data location and phrase book)."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from pathlib import Path

from pipeline.detectors.phrases.spec import PhraseBook, PhraseCategory
from pipeline.options import ScriptOptions
from pipeline.text.masking import MaskedSpeech, mask_numbers
from pipeline.text.secrets import load_secret_cues
from pipeline.types import Finding, Segment, Transcript

_start_time = attrgetter("start")


@dataclass(frozen=True)
class CallContext:
    transcript: Transcript
    lexicon_dir: Path
    ruleset_version: str
    # Every registered phrase category of lexicon_dir (pipeline.detectors.registry.phrase_book).
    phrase_book: PhraseBook
    # [script] options: the windows of script compliance.
    script: ScriptOptions = field(default_factory=ScriptOptions)

    @property
    def call_id(self) -> str:
        return self.transcript.call_id

    @cached_property
    def speech(self) -> MaskedSpeech:
        """The call's speech joined per speaker, its long digit runs and its masked text:
        built once and shared by the PII detector and every detector's evidence."""
        return MaskedSpeech.of(
            self.transcript.segments, secret_cues=load_secret_cues(str(self.lexicon_dir))
        )

    @cached_property
    def _speech_offsets(self) -> dict[int, int]:
        """id of each of the transcript's segments -> where its text starts in speech.joined."""
        return dict(zip(map(id, self.transcript.segments), self.speech.joined.offsets))

    def _speech_offset(self, segment: Segment) -> int | None:
        """Where the segment's text starts in speech.joined; None: not one of this transcript's.

        A call asks for two or three segments: in a transcript in time order (most) they are
        found by bisecting the start times, rather than building _speech_offsets for all."""
        joined = self.speech.joined
        if joined.in_time_order:
            segments = joined.segments
            start = segment.start
            k = bisect.bisect_left(segments, start, key=_start_time)
            while k < len(segments) and segments[k].start == start:
                if segments[k] is segment:
                    return joined.offsets[k]
                k += 1
        return self._speech_offsets.get(id(segment))

    def masked_text(self, segment: Segment) -> str:
        """The segment's text with numbers masked as the store masks them: across segments,
        so evidence never shows the piece of a number that was read in several parts."""
        offset = self._speech_offset(segment)
        if offset is None or not segment.text:  # a segment of another transcript decides alone
            return mask_numbers(segment.text)
        return self.speech.masked[offset : offset + len(segment.text)]


@dataclass(frozen=True)
class DetectorSpec:
    """A text detector as the registry knows it: declared once, in the detector's own module.

    `name` is what [detectors] enabled lists; `check_setup(lexicon_dir)` loads and validates the
    detector's rule data and raises LexiconError naming file and line (run before any audio is
    read); `phrase_categories` are the phrase lists it matches with the phrase engine, which
    the jieba tokenizer keeps whole for every detector.
    """

    name: str
    detect: Callable[[CallContext], list[Finding]]
    check_setup: Callable[[str], object]
    categories: tuple[str, ...]  # the finding categories it may produce (pipeline.types.CATEGORIES)
    phrase_categories: tuple[PhraseCategory, ...] = ()
    # Rule matches of one category in one utterance are one event: merged into one finding
    # (pipeline.detectors.events). Off for PII: each number read out is its own exposure.
    merge_events: bool = False
    # Categories, besides the phrase categories, that read only one party's speech (the
    # customer's emotion): not run when a mono call's roles are undetermined, and said so.
    party_categories: tuple[str, ...] = ()
