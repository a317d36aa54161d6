"""The mono path's parties: one channel holds both.

Given the channel's transcript and its diarization, give each word to the speaker whose turn it
falls in (splitting segments at speaker changes), then decide which speaker is the agent.
Stereo calls never come here: their parties are the channels. (pipeline.process.transcribe_mono
runs ASR and the diarization around this.)
"""

from __future__ import annotations

from pipeline.config import Config
from pipeline.parties.assign import assign_speakers
from pipeline.parties.diarize import Diarization
from pipeline.parties.roles import RoleDecision, apply_roles, decide_roles
from pipeline.types import Segment


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
