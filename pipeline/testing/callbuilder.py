"""Build two-party calls with known ground truth from single-speaker clips.

No real call-center audio is public, so tests, samples and benchmarks place real speech clips
of two different speakers on two channels (or mix them to mono) with known gaps: every
test then knows who spoke when, what was said and where the silences are.

Options for acoustic tests: `trim_to_speech` cuts each clip to its spoken part (so a planted gap
is a gap in speech, not in files), `clip_span` takes a piece of a clip (a short backchannel),
`noise_snr_db` adds line noise. `synth_hold_music` and `line_noise` make non-speech sound.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import cast

import numpy as np

from pipeline.audio.decode import load_audio
from pipeline.audio.resample import resample


@dataclass(frozen=True)
class PlannedTurn:
    clip: Path
    channel: int  # 0 or 1
    gap_before_s: float  # silence between the end of the previous turn and this one
    reference: str = ""
    gain_db: float = 0.0
    # (start_s, end_s) inside the clip to use instead of the whole clip, e.g. one short word.
    clip_span: tuple[float, float] | None = None
    # Playback speed: 1.5 speaks 1.5x faster (same pitch), for speech-rate tests.
    tempo: float = 1.0
    # Measure gap_before_s from the end of the latest-ending turn so far, not the previous
    # turn: continues the call after a short turn (a backchannel) planted inside a longer one.
    gap_from_latest: bool = False


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
    trim_to_speech: bool = False,
    noise_snr_db: float | None = None,
    noise_color: str = "white",
    noise_seed: int = 0,
) -> tuple[np.ndarray, list[PlacedTurn]]:
    """Place the turns one after another; returns (samples [channels, n], placed turns).

    A negative gap_before_s starts a turn before the previous one ended (an overlap).
    trim_to_speech: cut each clip to its spoken part first (see `speech_extent`), so that the
    placed start/end are where speech starts and ends and gap_before_s is a gap in speech.
    noise_snr_db: add line noise (`line_noise`) to every channel, that many dB below the power
    of the median turn (a typical turn, whatever single turn is planted loud).
    """
    pieces = []
    placed: list[PlacedTurn] = []
    last_end = lead_in_s
    for turn in turns:
        clip = load_audio(turn.clip)
        mono = np.mean(np.stack(clip.channels), axis=0)
        if turn.clip_span is not None:
            mono = mono[
                int(turn.clip_span[0] * clip.sample_rate) : int(
                    turn.clip_span[1] * clip.sample_rate
                )
            ]
        if trim_to_speech:
            first, last = speech_extent(mono, clip.sample_rate)
            mono = mono[int(first * clip.sample_rate) : int(last * clip.sample_rate)]
        if turn.tempo != 1.0:
            import librosa

            mono = librosa.effects.time_stretch(mono, rate=turn.tempo)
        mono = resample(mono, clip.sample_rate, sample_rate) * (10 ** (turn.gain_db / 20))
        previous_end = (last_end if turn.gap_from_latest else placed[-1].end) if placed else None
        start = lead_in_s if previous_end is None else max(0.0, previous_end + turn.gap_before_s)
        end = start + len(mono) / sample_rate
        pieces.append((turn.channel, int(round(start * sample_rate)), mono))
        placed.append(
            PlacedTurn(
                turn.clip.name,
                turn.channel,
                round(start, 3),
                round(end, 3),
                turn.reference,
                turn.gain_db,
            )
        )
        last_end = max(last_end, end)
    total = int(round((last_end + tail_s) * sample_rate))
    out = np.zeros((2, total), dtype=np.float32)
    for channel, offset, mono in pieces:
        out[channel, offset : offset + len(mono)] += mono
    if not stereo:
        out = out.sum(axis=0, keepdims=True)
    if noise_snr_db is not None:  # after the mono mix-down, so that mono gets the stated SNR too
        if not pieces:
            raise ValueError(
                "noise_snr_db needs at least one turn to measure the speech power against"
            )
        typical_power = float(
            np.median([np.mean(mono.astype(np.float64) ** 2) for _, _, mono in pieces])
        )
        noise_rms = np.sqrt(typical_power / 10 ** (noise_snr_db / 10))
        for channel in range(out.shape[0]):
            out[channel] += line_noise(
                total, noise_rms, noise_color, noise_seed + channel, sample_rate
            )
    peak = float(np.max(np.abs(out))) or 1.0
    if peak > 0.99:  # keep the sum from clipping when turns overlap
        out *= 0.99 / peak
    return out, placed


def speech_extent(
    samples: np.ndarray, sample_rate: int, margin_db: float = 12.0
) -> tuple[float, float]:
    """(start_s, end_s) of the spoken part of a clean single-speaker clip.

    Ground truth for test calls, deliberately not the VAD the acoustic stage uses: 25 ms frames
    more than `margin_db` over the clip's own floor (10th percentile), ignoring clicks shorter
    than 60 ms. Returns the whole clip when nothing stands out.
    """
    frame, hop = int(0.025 * sample_rate), int(0.010 * sample_rate)
    if len(samples) < frame:
        return 0.0, len(samples) / sample_rate
    n = 1 + (len(samples) - frame) // hop
    index = np.arange(frame)[None, :] + hop * np.arange(n)[:, None]
    level_db = 10 * np.log10(np.mean(samples[index].astype(np.float64) ** 2, axis=1) + 1e-12)
    loud = level_db > np.percentile(level_db, 10) + margin_db
    edges = np.diff(np.concatenate(([0], loud.astype(np.int8), [0])))
    runs = zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))
    spans = [(a, b) for a, b in runs if (b - a) * hop >= 0.06 * sample_rate]
    if not spans:
        return 0.0, len(samples) / sample_rate
    # an int or a numpy integer, whichever is smaller (typeshed's min() finds no common type)
    end = cast("int | np.signedinteger", min(len(samples), spans[-1][1] * hop + frame))
    return spans[0][0] * hop / sample_rate, end / sample_rate


def line_noise(
    n_samples: int, rms: float, color: str = "white", seed: int = 0, sample_rate: int = 16_000
) -> np.ndarray:
    """Gaussian noise of the given RMS: "white", or "pink" (1/f power from 100 Hz, nothing below
    50 Hz: line hiss, with the band below 50 Hz that phone lines do not carry left out, so the
    stated SNR is the SNR in the speech band and not mostly inaudible rumble)."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(n_samples)
    if color == "pink":
        spectrum = np.fft.rfft(noise)
        frequency = np.fft.rfftfreq(n_samples, 1 / sample_rate)
        spectrum *= np.where(frequency >= 50.0, 1 / np.sqrt(np.maximum(frequency, 100.0)), 0.0)
        noise = np.fft.irfft(spectrum, n_samples)
    elif color != "white":
        raise ValueError(f"noise color must be white or pink, got {color!r}")
    noise *= rms / (np.sqrt(np.mean(noise**2)) or 1.0)
    return noise.astype(np.float32)


def synth_hold_music(
    duration_s: float,
    sample_rate: int = 16_000,
    seed: int = 0,
    level: float = 0.2,
    style: str = "melody",
) -> np.ndarray:
    """Instrumental hold-music stand-in, peak-normalised to `level`.

    Synthetic (no free hold-music recording is in the corpus). "melody": a plucked pentatonic
    melody, one harmonic note every 0.4 s, over a soft chord pad. "chords": sustained four-
    harmonic triads changing every 2 s (I–vi–IV–V), the hardest case for telling music from a hum.
    """
    rng = np.random.default_rng(seed)
    n = int(duration_s * sample_rate)
    t = np.arange(n) / sample_rate

    def harmonic(frequency: float, tt: np.ndarray, n_harmonics: int, decay: float) -> np.ndarray:
        # n_harmonics >= 1: a sum of arrays, never sum()'s start value 0
        return cast(
            np.ndarray,
            sum(
                decay**k * np.sin(2 * np.pi * frequency * (k + 1) * tt) for k in range(n_harmonics)
            ),
        )

    if style == "chords":
        progression = (
            (261.6, 329.6, 392.0),
            (220.0, 261.6, 329.6),
            (174.6, 220.0, 261.6),
            (196.0, 246.9, 293.7),
        )
        out = np.zeros(n)
        chord_samples = 2 * sample_rate
        for index, first in enumerate(range(0, n, chord_samples)):
            tt = t[: min(chord_samples, n - first)]
            out[first : first + len(tt)] = sum(
                harmonic(f, tt, 4, 0.5) for f in progression[index % 4]
            )
    elif style == "melody":
        out = 0.15 * cast(np.ndarray, sum(np.sin(2 * np.pi * f * t) for f in (130.8, 164.8, 196.0)))
        scale = (261.6, 293.7, 329.6, 392.0, 440.0, 523.3)
        note_s = 0.4
        for index in range(int(duration_s / note_s)):
            first = int(index * note_s * sample_rate)
            tt = t[: min(n - first, int(1.5 * note_s * sample_rate))]
            envelope = np.exp(-3 * tt) * (1 - np.exp(-200 * tt))
            out[first : first + len(tt)] += envelope * harmonic(
                scale[rng.integers(len(scale))], tt, 5, 0.6
            )
    else:
        raise ValueError(f"hold music style must be melody or chords, got {style!r}")
    peak = float(np.max(np.abs(out))) or 1.0
    return (out * level / peak).astype(np.float32)


def write_call(
    path: Path, samples: np.ndarray, sample_rate: int, placed: list[PlacedTurn], **soundfile_kwargs
) -> Path:
    """Write the audio (format from the suffix) and `<path>.truth.json` beside it."""
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples.T, sample_rate, **soundfile_kwargs)
    truth = {
        "file": path.name,
        "sample_rate": sample_rate,
        "channels": samples.shape[0],
        "duration_s": round(samples.shape[1] / sample_rate, 3),
        "turns": [asdict(t) for t in placed],
    }
    truth_path = path.with_name(path.name + ".truth.json")
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth_path
