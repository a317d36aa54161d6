"""Speech activity of one channel: speech spans and music-like non-speech spans from its frame
features (pipeline.acoustics.features).

Speech / non-speech comes from the Silero VAD bundled with faster-whisper (offline, onnx), read
frame by frame instead of through `get_speech_timestamps`, whose 400 ms padding and 2 s
minimum silence would blur the gap edges that dead-air findings are measured by. An energy
gate relative to the channel's own noise floor keeps the VAD from firing on line noise; no
threshold is a fixed dB level, so 8 kHz lines and 20 dB SNR noise behave like clean audio.

Music-like non-speech (hold music) is what Silero scores as non-speech yet is tonal (strong
spectral peaks over the line's own noise spectrum, unlike line noise) and changes from note to
note or chord to chord (unlike mains hum or a dial tone). See `music_spans` for how well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pipeline.acoustics.features import FRAME_S, SILENT_DB, ChannelFeatures

if TYPE_CHECKING:
    from pipeline.options import AcousticOptions

# 90th percentile of spectral change over 0.5 s that makes tonal sound music: measured 0.19 for
# chords changing every 2 s, 0.84 for a melody, at most 0.05 for mains hum or a steady tone.
MUSIC_MIN_CHANGE = 0.1
# Largest widening of a VAD run by energy (see _extend_onsets).
EXTEND_S = 0.5


@dataclass(frozen=True)
class Span:
    """A time interval in seconds from the start of the call."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


def hysteresis(prob: np.ndarray, on: float, off: float) -> np.ndarray:
    """True from where prob reaches `on` until it falls below `off` (Silero's own rule)."""
    active = np.zeros(len(prob), dtype=bool)
    state = False
    for index, value in enumerate(prob):
        state = value >= on if not state else value >= off
        active[index] = state
    return active


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last+1) frame index of each run of True."""
    if len(mask) == 0:
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def frames_to_spans(mask: np.ndarray, duration_s: float) -> list[Span]:
    return [
        Span(round(a * FRAME_S, 3), round(min(b * FRAME_S, duration_s), 3)) for a, b in runs(mask)
    ]


def merge_close(spans: list[Span], max_gap_s: float) -> list[Span]:
    """Join spans separated by less than max_gap_s (pauses inside one utterance)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start - merged[-1].end < max_gap_s:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def union(*groups: Sequence[Span]) -> list[Span]:
    return merge_close([span for group in groups for span in group], 1e-9)


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    out: list[Span] = []
    i = j = 0
    a, b = union(a), union(b)
    while i < len(a) and j < len(b):
        start, end = max(a[i].start, b[j].start), min(a[i].end, b[j].end)
        if end > start:
            out.append(Span(round(start, 3), round(end, 3)))
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return out


def subtract(a: list[Span], b: list[Span]) -> list[Span]:
    """Parts of `a` not covered by `b`."""
    out: list[Span] = []
    cuts = union(b)
    for span in union(a):
        start = span.start
        for cut in cuts:
            if cut.end <= start or cut.start >= span.end:
                continue
            if cut.start > start:
                out.append(Span(start, cut.start))
            start = max(start, cut.end)
        if span.end > start:
            out.append(Span(start, span.end))
    return out


def total(spans: Sequence[Span]) -> float:
    return float(sum(span.duration for span in union(spans)))


def speech_spans(features: ChannelFeatures, options: AcousticOptions) -> list[Span]:
    """Speech of one channel: Silero says speech and the frame stands out of the channel's floor."""
    active = hysteresis(
        features.speech_prob, options.vad_threshold, max(0.01, options.vad_threshold - 0.15)
    )
    active &= features.level_db >= features.noise_floor_db + options.speech_gate_db
    active = _extend_onsets(active, features, options)
    spans = merge_close(frames_to_spans(active, features.duration_s), options.min_pause_s)
    return [span for span in spans if span.duration >= options.min_speech_s]


def _extend_onsets(
    active: np.ndarray, features: ChannelFeatures, options: AcousticOptions
) -> np.ndarray:
    """Widen each speech run over the adjacent frames that still carry speech energy.

    Silero's LSTM needs a few hundred ms of context: after digital silence (VoIP recorders
    write exact zeros) it reports onsets up to 0.4 s late. Energy is reliable there, so runs
    are extended, by at most EXTEND_S, over frames above both the channel floor + gate and a
    level within 30 dB of the channel's median speech level.
    """
    if not active.any():
        return active
    speech_level = float(np.median(features.level_db[active]))
    threshold = max(features.noise_floor_db + options.speech_gate_db, speech_level - 30.0)
    loud = features.level_db >= threshold
    limit = int(round(EXTEND_S / FRAME_S))
    extended = active.copy()
    for first, last in runs(active):
        index = first - 1
        while index >= 0 and first - index <= limit and loud[index] and not active[index]:
            extended[index] = True
            index -= 1
        index = last
        while index < len(active) and index - last < limit and loud[index] and not active[index]:
            extended[index] = True
            index += 1
    return extended


def music_spans(
    features: ChannelFeatures, speech: list[Span], options: AcousticOptions
) -> list[Span]:
    """Music-like non-speech: tonal, a changing spectrum, not speech, for at least hold_music_min_s.

    How well it separates, measured on synthetic hold music (a plucked melody; triads changing
    every 2 s), the corpus speech, white / pink / brown noise, mains hum and a 440 Hz tone, at
    16 and 8 kHz: both music styles are found from clean down to 10 dB over white or pink line
    noise and never counted as speech (Silero scores them near 0); noise of any colour is not
    tonal (about 8 dB against the 15 dB threshold) and hum or a steady tone does not change, so
    none of them becomes hold. Limits: no real hold-music recording was available to test;
    music with sung vocals can pass Silero as speech (it is then talk, not hold); a single
    chord held for the whole hold does not change and counts as silence, as does music buried
    under the line noise: such a hold is still found by length (hold_s), a short one is dead air.
    """
    n = features.n_frames
    if n == 0:
        return []
    speaking = np.zeros(n, dtype=bool)
    for span in speech:
        speaking[int(span.start / FRAME_S) : int(np.ceil(span.end / FRAME_S))] = True
    # "Audible": above the floor, or within 40 dB of the loudest sound when music is the floor.
    loudest = float(np.percentile(features.level_db, 95))
    audible_db = min(features.noise_floor_db + 6.0, loudest - 40.0) if loudest > SILENT_DB else 0.0
    tonal = (
        (features.tonality_db >= options.music_min_tonality_db)
        & (features.level_db >= audible_db)
        & ~speaking
    )
    # Half-second smoothing: notes have onsets and short rests that must not split the span.
    window = min(n, max(1, int(round(0.5 / FRAME_S))))
    smoothed = np.convolve(tonal.astype(float), np.ones(window) / window, mode="same") >= 0.5
    spans = []
    for first, last in runs(smoothed & ~speaking):
        if (last - first) * FRAME_S < options.hold_music_min_s:
            continue
        change = features.spectral_change[first:last][tonal[first:last]]
        # Melody or chord changes: a steady tone or hum keeps its spectrum (change ~0.03 at most).
        if len(change) and float(np.percentile(change, 90)) >= MUSIC_MIN_CHANGE:
            spans.append(
                Span(round(first * FRAME_S, 3), round(min(last * FRAME_S, features.duration_s), 3))
            )
    return spans
