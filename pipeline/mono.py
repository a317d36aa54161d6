"""The mono path: one channel holds both parties.

Transcribe once, diarize, give each word to the speaker whose turn it falls in (splitting
segments at speaker changes), then decide which speaker is the agent. Stereo calls never come
here: their parties are the channels.
"""

from __future__ import annotations

import logging

import numpy as np

from pipeline import asr
from pipeline.config import Config
from pipeline.diarize import Diarization, diarize, require_extra
from pipeline.roles import RoleDecision, apply_roles, decide_roles
from pipeline.speaker_assign import assign_speakers
from pipeline.types import Segment

log = logging.getLogger("callqa")


def speakers_and_roles(
    segments: list[Segment], diarization: Diarization, config: Config
) -> tuple[list[Segment], RoleDecision]:
    """Segments of one channel, split and labelled by the diarization, with roles decided."""
    assigned = assign_speakers(segments, diarization.turns)
    decision = decide_roles(
        assigned, config.paths.lexicons, config.script.opening_window_s, config.diarization.role_min_confidence
    )
    return apply_roles(assigned, decision), decision


def transcribe_mono(samples: np.ndarray, config: Config, source: str) -> list[Segment]:
    """Segments of a mono recording with speaker `spk0`, `spk1` … and their roles."""
    require_extra(source)  # before the costly transcription: the call fails either way
    segments = asr.transcribe_channel(samples, config.models.whisper, config.asr, "ch0", "unknown")
    if not segments:
        return segments
    diarization = diarize(samples, config.diarization, source)
    labelled, decision = speakers_and_roles(segments, diarization, config)
    log.info("%s: %d speaker(s) (%s); %s", source, len(diarization.speakers), diarization.backend, decision.reason)
    return labelled
