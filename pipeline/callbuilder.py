"""Build two-party calls with known ground truth from single-speaker clips.

No real call-center audio is public, so tests, samples and benchmarks place real speech clips
of two different speakers on two channels (or mix them to mono) with known gaps: every
test then knows who spoke when, what was said and where the silences are.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from pipeline.audio import load_audio, resample


@dataclass(frozen=True)
class PlannedTurn:
    clip: Path
    channel: int  # 0 or 1
    gap_before_s: float  # silence between the end of the previous turn and this one
    reference: str = ""
    gain_db: float = 0.0


@dataclass(frozen=True)
class PlacedTurn:
    clip: str
    channel: int
    start: float
    end: float
    reference: str
    gain_db: float


def build_call(
    turns: list[PlannedTurn],
    sample_rate: int = 16_000,
    stereo: bool = True,
    lead_in_s: float = 0.5,
    tail_s: float = 0.5,
) -> tuple[np.ndarray, list[PlacedTurn]]:
    """Place the turns one after another; returns (samples [channels, n], placed turns).

    A negative gap_before_s starts a turn before the previous one ended (an overlap).
    """
    pieces = []
    placed: list[PlacedTurn] = []
    last_end = lead_in_s
    for turn in turns:
        clip = load_audio(turn.clip)
        mono = np.mean(np.stack(clip.channels), axis=0)
        mono = resample(mono, clip.sample_rate, sample_rate) * (10 ** (turn.gain_db / 20))
        start = lead_in_s if not placed else max(0.0, placed[-1].end + turn.gap_before_s)
        end = start + len(mono) / sample_rate
        pieces.append((turn.channel, int(round(start * sample_rate)), mono))
        placed.append(PlacedTurn(turn.clip.name, turn.channel, round(start, 3), round(end, 3), turn.reference, turn.gain_db))
        last_end = max(last_end, end)
    total = int(round((last_end + tail_s) * sample_rate))
    out = np.zeros((2, total), dtype=np.float32)
    for channel, offset, mono in pieces:
        out[channel, offset : offset + len(mono)] += mono
    if not stereo:
        out = out.sum(axis=0, keepdims=True)
    peak = float(np.max(np.abs(out))) or 1.0
    if peak > 0.99:  # keep the sum from clipping when turns overlap
        out *= 0.99 / peak
    return out, placed


def write_call(path: Path, samples: np.ndarray, sample_rate: int, placed: list[PlacedTurn], **soundfile_kwargs) -> Path:
    """Write the audio (format from the suffix) and `<path>.truth.json` beside it."""
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples.T, sample_rate, **soundfile_kwargs)
    truth = {"file": path.name, "sample_rate": sample_rate, "channels": samples.shape[0],
             "duration_s": round(samples.shape[1] / sample_rate, 3), "turns": [asdict(t) for t in placed]}
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth_path
