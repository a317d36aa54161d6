"""Redaction of spans of a recording: a 1 kHz tone (or digital silence) over them, per channel.

Pure functions on sample arrays (no I/O), so that `callqa redact` (pipeline/batch/redaction.py)
and a web workbench share them. Samples are (channels, n) at the recording's own rate, in any
dtype soundfile reads: float, or integers at full scale (int16, int32), which keeps what is not
redacted bit for bit. A recording can be redacted in blocks: `first_sample` says where a block
starts, and the tone's phase and ramps follow the sample's place in the whole recording.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

RedactionMode = Literal["tone", "silence"]
REDACTION_MODES: tuple[str, ...] = get_args(RedactionMode)

TONE_HZ = 1000.0
# A moderate level: -20 dBFS peak, well below speech at full scale and never clipping.
TONE_DBFS = -20.0
TONE_AMPLITUDE = 10 ** (TONE_DBFS / 20)
# Seconds added before and after each span by default (`callqa redact --pad`): word times from
# ASR are a little late or early at the edges of a number.
DEFAULT_PAD_S = 0.3
# The tone fades in and out over this long inside the span, so that it starts without a click.
RAMP_S = 0.005


@dataclass(frozen=True)
class RedactionSpan:
    """Seconds from the start of the recording; `channel` None: every channel."""

    start_s: float
    end_s: float
    channel: int | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start_s) and math.isfinite(self.end_s)):
            raise ValueError(
                f"a redaction span needs finite times, not {self.start_s}–{self.end_s}"
            )
        if self.end_s < self.start_s:
            raise ValueError(
                f"a redaction span ends ({self.end_s} s) before it starts ({self.start_s} s)"
            )
        if self.channel is not None and self.channel < 0:
            raise ValueError(f"a redaction span names channel {self.channel}")


def covered_ranges(
    spans: Sequence[RedactionSpan],
    sample_rate: int,
    n_channels: int,
    n_samples: int | None,
    pad_s: float = 0.0,
) -> list[list[tuple[int, int]]]:
    """Per channel, the sample ranges [start, end) the spans cover, padded by `pad_s` on each
    side, clipped to the recording's `n_samples` (None: at its start only), overlapping and
    touching ranges merged."""
    if sample_rate <= 0:
        raise ValueError(f"sample rate must be positive, not {sample_rate}")
    if not (pad_s >= 0 and math.isfinite(pad_s)):
        raise ValueError(f"padding must be 0 or more seconds, not {pad_s}")
    per_channel: list[list[tuple[int, int]]] = [[] for _ in range(n_channels)]
    for span in spans:
        if span.channel is not None and span.channel >= n_channels:
            raise ValueError(
                f"a redaction span names channel {span.channel} of a recording with {n_channels}"
            )
        start = max(0, math.floor((span.start_s - pad_s) * sample_rate))
        end = math.ceil((span.end_s + pad_s) * sample_rate)
        if n_samples is not None:
            end = min(n_samples, end)
        if end <= start:
            continue
        for channel in range(n_channels) if span.channel is None else (span.channel,):
            per_channel[channel].append((start, end))
    return [_merged(ranges) for ranges in per_channel]


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered_seconds(ranges: list[tuple[int, int]], sample_rate: int) -> float:
    return sum(end - start for start, end in ranges) / sample_rate


def union_seconds(per_channel: list[list[tuple[int, int]]], sample_rate: int) -> float:
    """Seconds of the recording during which at least one channel is redacted."""
    return covered_seconds(_merged([r for ranges in per_channel for r in ranges]), sample_rate)


def redact_samples(
    samples: np.ndarray,
    sample_rate: int,
    spans: Sequence[RedactionSpan],
    mode: RedactionMode = "tone",
    *,
    pad_s: float = 0.0,
    first_sample: int = 0,
) -> np.ndarray:
    """A copy of `samples` (channels, n) with every span, padded by `pad_s` on each side,
    replaced on its channel by a 1 kHz tone at -20 dBFS (`tone`) or by zeros (`silence`).

    Everything outside the spans is left as it was, bit for bit; the dtype is kept (integer
    samples get the tone at the same level of their full scale). `first_sample`: where this
    block of samples starts in the recording, for redacting a long recording block by block.
    """
    if samples.ndim != 2:
        raise ValueError(f"samples must be (channels, n), not of shape {samples.shape}")
    if mode not in REDACTION_MODES:
        raise ValueError(
            f"redaction mode must be one of {', '.join(REDACTION_MODES)}, not {mode!r}"
        )
    if not (
        np.issubdtype(samples.dtype, np.floating) or np.issubdtype(samples.dtype, np.signedinteger)
    ):
        raise ValueError(f"samples must be float or signed integers, not {samples.dtype}")
    n_channels, n = samples.shape
    out = np.array(samples, copy=True)
    # Not clipped at the block's end: the fades are where the spans start and end, whatever
    # block holds them (a span running past the end of the recording is cut, not faded).
    ranges = covered_ranges(spans, sample_rate, n_channels, None, pad_s)
    for channel, channel_ranges in enumerate(ranges):
        for start, end in channel_ranges:
            lo, hi = max(start, first_sample), min(end, first_sample + n)
            if hi <= lo:
                continue
            if mode == "silence":
                out[channel, lo - first_sample : hi - first_sample] = 0
            else:
                tone = _tone(np.arange(lo, hi), start, end, sample_rate)
                out[channel, lo - first_sample : hi - first_sample] = _in_dtype(tone, out.dtype)
    return out


def _tone(index: np.ndarray, start: int, end: int, sample_rate: int) -> np.ndarray:
    """The tone at absolute sample `index`, faded in after `start` and out before `end`."""
    phase = 2 * np.pi * TONE_HZ * (index / sample_rate)
    ramp = max(1, min(int(RAMP_S * sample_rate), (end - start) // 2))
    edge = np.minimum(index - start, end - 1 - index)  # samples to the nearer end of the range
    envelope = np.where(edge < ramp, 0.5 - 0.5 * np.cos(np.pi * (edge + 0.5) / ramp), 1.0)
    return TONE_AMPLITUDE * envelope * np.sin(phase)


def _in_dtype(tone: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if np.issubdtype(dtype, np.signedinteger):
        full_scale = np.iinfo(dtype).max
        return np.round(tone * full_scale).astype(dtype)
    return tone.astype(dtype)
