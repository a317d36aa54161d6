"""The mono path's parties: one channel holds both.

Given the channel's transcript and its diarization, give each word to the speaker whose turn it
falls in (splitting segments at speaker changes), then decide which speaker is the agent.
Stereo calls never come here: their parties are the channels. (pipeline.process.transcribe_mono
runs ASR and the diarization around this.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from pipeline.config import Config
from pipeline.parties.assign import assign_speakers
from pipeline.parties.diarize import Diarization
from pipeline.parties.roles import RoleDecision, apply_roles, decide_roles
from pipeline.types import PartyRoles, Segment, Turn

log = logging.getLogger("callqa")

# Nothing was transcribed: nobody to name, and no rule of either party could have fired.
NO_SPEECH = PartyRoles("no speech", n_speakers=0, reason="nothing was transcribed")


def speakers_and_roles(
    segments: list[Segment], diarization: Diarization, config: Config
) -> tuple[list[Segment], RoleDecision]:
    """Segments of one channel, split and labelled by the diarization, with roles decided."""
    assigned = assign_speakers(segments, diarization.turns)
    decision = decide_roles(
        assigned,
        config.paths.lexicons,
        config.script.opening_window_s,
        config.diarization.role_min_confidence,
    )
    return apply_roles(assigned, decision), decision


@dataclass(frozen=True)
class MonoParties:
    """What the mono path gives the transcript: segments with speakers and roles, the
    overlapped speech with roles, and the role decision as it is kept (no speech in it)."""

    segments: list[Segment]
    overlaps: tuple[Turn, ...]
    roles: PartyRoles


def party_roles(decision: RoleDecision, n_speakers: int) -> PartyRoles:
    """The decision as transcripts and the store keep it: method, agent, confidence, cue names."""
    return PartyRoles(
        method="cues" if decision.agent is not None else "undetermined",
        n_speakers=n_speakers,
        agent_speaker=decision.agent,
        confidence=decision.confidence,
        cues=decision.cue_names,
        reason=decision.reason,
    )


def mono_parties(segments: list[Segment], diarization: Diarization, config: Config) -> MonoParties:
    """speakers_and_roles, plus the diarization's overlaps with the roles decided for their speakers."""
    labelled, decision = speakers_and_roles(segments, diarization, config)
    overlaps = tuple(
        replace(turn, role=decision.roles.get(turn.speaker, "unknown"))
        for turn in diarization.overlaps
    )
    return MonoParties(labelled, overlaps, party_roles(decision, len(diarization.speakers)))


def log_role_decision(source: str, diarization: Diarization, roles: PartyRoles) -> None:
    """The one log line of a mono call's parties. Names of cues and figures only, at every
    level: what a speaker said can hold a spoken ID or phone number."""
    log.info(
        "%s: %d speaker(s) (%s), %d overlap(s); %s",
        source,
        len(diarization.speakers),
        diarization.backend,
        len(diarization.overlaps),
        roles.describe(),
    )
