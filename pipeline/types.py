"""Typed values passed between the stages of the pipeline.

Every stage is a plain function that takes and returns these frozen dataclasses, so a
notebook can run any part of the chain by import, without Prefect or the CLI.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np

Role = Literal["agent", "customer", "unknown"]
FindingRole = Literal["agent", "customer", "both"]
Severity = Literal["info", "minor", "major", "critical"]

SEVERITIES: tuple[Severity, ...] = ("info", "minor", "major", "critical")

# The fixed category vocabulary of DESIGN.md: analysts and evaluations rely on it.
CATEGORIES: frozenset[str] = frozenset(
    {
        "pii.id_card",
        "pii.bank_card",
        "pii.phone",
        "pii.credential",
        "phrase.forbidden",
        "phrase.overpromise",
        "phrase.credential_request",
        "phrase.escalation",
        "script.opening_missing",
        "script.closing_missing",
        "script.response_missing",
        "silence.dead_air",
        "silence.hold",
        "speech_rate.fast",
        "speech_rate.slow",
        "overlap.interruption",
        "loudness.raised_voice",
        "emotion.customer_negative",
        "emotion.customer_soothed",
        "emotion.customer_not_soothed",
        "roles.undetermined",
    }
)
# A site's own categories (lexicons/rules.txt): `custom.` and a dotted lower-case name.
CUSTOM_CATEGORY = re.compile(r"custom\.[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z")


def is_known_category(category: str) -> bool:
    """A fixed category, or a site's `custom.` one."""
    return category in CATEGORIES or CUSTOM_CATEGORY.match(category) is not None


# Categories that say a call was not fully inspected (not that the agent did wrong): the call
# is flagged, and it gets no score unless a red line failed it (pipeline.scoring.scorecard).
NOT_FULLY_INSPECTED: frozenset[str] = frozenset({"roles.undetermined"})


@dataclass(frozen=True)
class Recording:
    """A recording in the archive and what the archive says about it."""

    path: Path
    call_id: str
    agent_id: str | None = None
    started_at: datetime | None = None
    # Path as written into transcripts and the DB: relative to the archive root when known.
    display_path: str | None = None
    # The caller's number as a keyed hash (pipeline.batch.names.caller_hash), never the number.
    caller_hash: str | None = None

    @property
    def shown_path(self) -> str:
        return self.display_path or str(self.path)

    def as_shown(self, text: str) -> str:
        """`text` (an error message) with the recording's own path written as shown: a raw
        number in the file name (pipeline.batch.names) stays out of what is stored and logged."""
        if self.display_path is None:
            return text
        return text.replace(str(self.path), self.display_path)


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded audio: one float32 array per channel, all at `sample_rate` (16 kHz).

    Long recordings carry `pipeline.audio.spool.SpooledChannel`s instead of arrays: the same length and
    slicing, read from disk by window (see `audio.IN_MEMORY_MAX_S`).
    """

    channels: tuple[np.ndarray, ...]
    sample_rate: int
    duration_s: float
    sha256: str
    source_sample_rate: int
    source_channels: int


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    prob: float | None = None


@dataclass(frozen=True)
class Turn:
    """Who spoke when: a span of one speaker with the role assigned to it."""

    start: float
    end: float
    speaker: str
    role: Role


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    speaker: str
    role: Role
    text: str
    words: tuple[Word, ...] = ()
    confidence: float | None = None


@dataclass(frozen=True)
class AudioInfo:
    path: str
    sha256: str
    duration_s: float
    sample_rate: int
    channels: int


# How the parties of a call got their roles: "channels" (stereo: the configured agent channel),
# "cues" (mono: diarized, the agent named from what the speakers say), "undetermined" (mono:
# diarized, no speaker could be named the agent), "not diarized" (mono with [diarization]
# enabled = false) and "no speech" (mono, nothing transcribed: nobody to name).
RoleMethod = Literal["channels", "cues", "undetermined", "not diarized", "no speech"]
ROLE_METHODS: tuple[RoleMethod, ...] = (
    "channels",
    "cues",
    "undetermined",
    "not diarized",
    "no speech",
)


@dataclass(frozen=True)
class PartyRoles:
    """The role decision of a call, as transcripts, the cache and the store keep it.

    Holds no speech: `cues` are the names of the cues heard (pipeline.parties.roles, e.g.
    "opening", "staff_number"), never what was said, so it may be logged and stored.
    """

    method: RoleMethod
    n_speakers: int | None = None
    agent_speaker: str | None = None  # ch0, spk1 …; None when no speaker is the agent
    # Of the agent being the agent (cues), or of the likeliest agent when undetermined (0: no
    # candidate at all); None when the roles were not inferred (channels, not diarized, no speech).
    confidence: float | None = None
    # The agent's cues, or the likeliest agent's when undetermined.
    cues: tuple[str, ...] = ()
    reason: str = ""  # why, in a sentence without speech (the decision's own words)

    @property
    def determined(self) -> bool:
        return self.method in ("channels", "cues")

    def describe(self) -> str:
        """One line for logs and reports: method, agent, confidence, cue names."""
        parts = [f"roles by {self.method}" if self.determined else f"roles {self.method}"]
        if self.agent_speaker:
            parts.append(f"agent {self.agent_speaker}")
        if self.confidence is not None:
            parts.append(f"confidence {self.confidence:.2f}")
        if self.cues:
            parts.append(f"cues {', '.join(self.cues)}")
        if self.reason and not self.determined:
            parts.append(self.reason)
        return "; ".join(parts)


@dataclass(frozen=True)
class Transcript:
    call_id: str
    segments: tuple[Segment, ...]
    audio: AudioInfo
    asr_model: str
    asr_options: dict[str, Any] = field(default_factory=dict)
    agent_id: str | None = None
    started_at: str | None = None
    # None: not known (a hand-made or imported transcript, or a call stored before it was kept).
    roles: PartyRoles | None = None
    # Mono: spans where a speaker talks while another holds the floor (the segments give each
    # word one speaker), with roles applied; the acoustic stage counts them as both speaking.
    overlaps: tuple[Turn, ...] = ()


@dataclass(frozen=True)
class Finding:
    call_id: str
    category: str
    rule_id: str
    severity: Severity
    role: FindingRole
    start_s: float
    end_s: float
    evidence: str
    details: dict[str, Any] = field(default_factory=dict)
    root_cause: str | None = None
    ruleset_version: str | None = None


@dataclass(frozen=True)
class ItemScore:
    """One scorecard item that deducted points from a call."""

    item_id: str
    group: str
    name: str
    n_findings: int
    deduction: float
    red_line: bool


@dataclass(frozen=True)
class CallScore:
    # 0..100; None when the call was not fully inspected (see NOT_FULLY_INSPECTED) and no red
    # line failed it: a score over part of the rules would read as a clean one.
    score: float | None
    red_line_failed: bool
    flagged: bool
    scorecard_version: str
    items: tuple[ItemScore, ...]  # only items with at least one matching finding
    unscored_reason: str | None = None  # why score is None


@dataclass(frozen=True)
class CallMetrics:
    """Per-call figures written to the store (all seconds unless named otherwise).

    Gaps are the silences between anyone's speech and before the first words, holds included;
    the silence after the last words is non-talk time but not a gap. The 5 s and 10 s in the
    gap counts are fixed (comparable across sites), whatever dead_air_s is set to.
    """

    duration_s: float
    agent_talk_s: float
    customer_talk_s: float
    unknown_talk_s: float  # mono calls without speaker turns
    non_talk_s: float
    non_talk_share: float  # of the call's duration
    max_gap_s: float
    gaps_over_5s: int
    gaps_over_10s: int
    overlap_s: float
    agent_customer_talk_ratio: float | None  # None when the customer never speaks
    hold_s: float
    music_s: float
    agent_chars_per_min: float | None  # over the agent's rate-eligible turns (voiced-time weighted)
    agent_syllables_per_min: float | None
    # Operational metrics (pipeline.acoustics.operational; None for calls stored before them or
    # when the party they need never spoke).
    first_response_s: float | None = None  # call start -> the agent's first speech
    first_response_after_customer_s: float | None = None  # customer's first turn -> agent
    response_latency_median_s: float | None = None  # customer turn end -> agent's next turn
    response_latency_max_s: float | None = None
    n_responses: int | None = None  # customer turns the agent answered (latencies measured)
    handling_s: float | None = None  # call start -> the last words
    hold_share: float | None = None  # hold_s / handling_s
    last_role: str | None = None  # who said the last words
    tail_s: float | None = None  # last words -> end of the recording
    tail_music_s: float | None = None  # hold music in that tail
    abnormal_hangup: bool | None = None  # see pipeline.acoustics.operational.hangup
    hangup_reason: str | None = None  # after_customer | on_hold

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RateBaseline:
    """An agent's usual speech rate from earlier calls (the store computes it)."""

    median_cpm: float
    spread_cpm: float  # robust spread, e.g. 1.4826 × median absolute deviation
    n_calls: int


@dataclass(frozen=True)
class CallResult:
    """Everything one call produced: written to the store as one unit."""

    recording: Recording
    status: Literal["ok", "failed"]
    transcript: Transcript | None = None
    findings: tuple[Finding, ...] = ()
    score: CallScore | None = None
    metrics: CallMetrics | None = None  # from the acoustic stage
    error: str | None = None
    error_kind: str | None = None
    # Known even when decoding failed (the file could be hashed): identifies the bytes that failed.
    audio_sha256: str | None = None
    wall_s: float = 0.0
