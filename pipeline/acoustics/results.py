"""What the acoustic analysis of one call returns: party activity, gaps, overlaps, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.acoustics.activity import Span, total
from pipeline.acoustics.turns import TurnMeasure
from pipeline.types import CallMetrics, Finding, FindingRole, Role


@dataclass(frozen=True)
class PartyActivity:
    role: Role
    speaker: str  # ch0 / ch1 for stereo, the diarization label or role for mono
    channel: int
    speech: tuple[Span, ...]
    turns: tuple[Span, ...]

    @property
    def talk_s(self) -> float:
        return total(list(self.speech))


# pause: shorter than dead air; music_hold: filled mostly with music-like sound (any length);
# silent_hold: no music but longer than hold_s; dead_air: the rest from dead_air_s up.
GapKind = Literal["pause", "dead_air", "silent_hold", "music_hold"]


@dataclass(frozen=True)
class Gap:
    """Time in which nobody speaks, between two speech spans or from the call's start."""

    start: float
    end: float
    before_role: Role | None  # who spoke last (None at the start of the call)
    after_role: Role | None  # who speaks next
    expected_role: FindingRole  # whose silence it is
    music_s: float
    kind: GapKind

    @property
    def duration(self) -> float:
        return round(self.end - self.start, 3)


@dataclass(frozen=True)
class Overlap:
    """Both parties speaking; `incoming_role` is the one who started while the other spoke."""

    start: float
    end: float
    incoming_role: Role
    incoming_turn: Span
    held_turn: Span  # the turn of the party already speaking

    @property
    def duration(self) -> float:
        return round(self.end - self.start, 3)


@dataclass(frozen=True)
class AcousticResult:
    call_id: str
    parties: tuple[PartyActivity, ...]
    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    turns: tuple[TurnMeasure, ...]
    music: tuple[Span, ...]
    metrics: CallMetrics
    findings: tuple[Finding, ...] = field(default=())
