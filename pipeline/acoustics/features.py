"""Per-frame features of one channel, computed block by block so long calls stay small in memory.

Every feature sits on Silero's grid of 512 samples at 16 kHz (32 ms): speech probability,
level, tonality and spectral change. The channel is read in blocks of `BLOCK_FRAMES` (320 s),
from an array or a spooled channel alike (pipeline.audio.spool), and the results are exactly those of
one pass over the whole channel: the high-pass filter and Silero's recurrent state are carried
from block to block, and a block holds a whole number of Silero's own batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.audio.spool import release_freed_memory

ANALYSIS_RATE = 16_000
# Silero v6 scores 512-sample windows at 16 kHz: every frame feature shares this grid.
FRAME_SAMPLES = 512
FRAME_S = FRAME_SAMPLES / ANALYSIS_RATE
# Level given to digitally silent frames, so logs and percentiles stay finite.
SILENT_DB = -120.0
# The band every feature looks at: FFT bins 4–127 of 512 at 16 kHz, 125 Hz–4 kHz.
_BAND = slice(4, 128)
# faster-whisper runs Silero's encoder 10,000 frames at a time, carrying its state between batches;
# blocks of that size reproduce one call over the whole channel exactly.
_SILERO_BATCH = 10_000
_SILERO_CONTEXT = 64
BLOCK_FRAMES = _SILERO_BATCH
# The line-noise spectrum is the median over quiet frames; on long calls every k-th frame is
# enough for a median, and keeps the sample under this many frames (about 10 MB).
_NOISE_PROFILE_FRAMES = 20_000


@dataclass(frozen=True, eq=False)
class ChannelFeatures:
    """Per-frame features of one channel on the FRAME_S grid."""

    speech_prob: np.ndarray  # Silero probability per frame
    level_db: np.ndarray  # frame RMS in dBFS
    # strongest bins over the median bin, noise-whitened (~7.6 dB for noise)
    tonality_db: np.ndarray
    spectral_change: np.ndarray  # 1 - cosine similarity with the spectrum 0.5 s earlier
    noise_floor_db: float
    duration_s: float

    @property
    def n_frames(self) -> int:
        return len(self.level_db)


def to_analysis_rate(samples, sample_rate: int):
    """16 kHz samples; arrays and spooled channels (always 16 kHz) at that rate pass as they are."""
    if sample_rate == ANALYSIS_RATE:
        return (
            samples
            if not isinstance(samples, np.ndarray)
            else np.ascontiguousarray(samples, dtype=np.float32)
        )
    from pipeline.audio.resample import resample

    return resample(np.asarray(samples), sample_rate, ANALYSIS_RATE)


def channel_features(
    samples, sample_rate: int = ANALYSIS_RATE, block_frames: int = BLOCK_FRAMES
) -> ChannelFeatures:
    """Frame the channel (an array or a spooled channel) and compute everything later stages read.

    Two passes over the blocks: the first measures level, speech probability and spectral change
    and samples the band spectrum; the line's noise floor and noise spectrum follow from those;
    the second measures tonality against that spectrum. A call of one block keeps its spectra
    from the first pass instead of computing them twice.
    """
    if block_frames % _SILERO_BATCH:
        raise ValueError(f"block_frames must be a multiple of {_SILERO_BATCH}")
    samples = to_analysis_rate(samples, sample_rate)
    n_samples = len(samples)
    duration_s = n_samples / ANALYSIS_RATE
    # Whole frames only; an empty channel still gets one (silent) frame.
    n_frames = max(1, -(-n_samples // FRAME_SAMPLES))
    stride = max(1, -(-n_frames // _NOISE_PROFILE_FRAMES))

    level_parts, prob_parts, change_parts, profile_parts = [], [], [], []
    speech_prob = _SpeechProbability()
    change = _SpectralChange()
    single_block_power = None
    for first, frames in _high_passed_blocks(samples, n_frames, block_frames):
        level_db = _level_db(frames)
        power = _band_power(frames)
        level_parts.append(level_db)
        prob_parts.append(speech_prob(frames))
        change_parts.append(change(power))
        kept = np.arange(-first % stride, power.shape[1], stride)
        profile_parts.append((power[:, kept], level_db[kept]))
        if first == 0 and power.shape[1] == n_frames:
            single_block_power = power
    level_db = np.concatenate(level_parts)
    probs = np.concatenate(prob_parts)[:n_frames].astype(np.float32)
    noise_floor_db = _noise_floor_db(level_db, probs)
    noise_profile = _noise_profile(profile_parts, noise_floor_db + 3.0)

    if single_block_power is not None:
        tonality_db = _tonality_db(single_block_power, noise_profile)
    else:
        tonality_db = np.concatenate(
            [
                _tonality_db(_band_power(frames), noise_profile)
                for _, frames in _high_passed_blocks(samples, n_frames, block_frames)
            ]
        )
    tonality_db = np.where(level_db > SILENT_DB, tonality_db, 0.0)
    return ChannelFeatures(
        speech_prob=probs,
        level_db=level_db.astype(np.float32),
        tonality_db=tonality_db.astype(np.float32),
        spectral_change=np.concatenate(change_parts).astype(np.float32),
        noise_floor_db=noise_floor_db,
        duration_s=duration_s,
    )


def _high_passed_blocks(samples, n_frames: int, block_frames: int):
    """(first frame, frames of 512 samples) of each block of the channel, high-passed at 80 Hz
    and padded with zeros to whole frames."""
    from scipy.signal import butter, sosfilt, sosfilt_zi

    # A DC offset or handling rumble is not speech, yet it would swing the frame levels that the
    # noise floor and the speech gate are measured by.
    high_pass = butter(2, 80.0, "highpass", fs=ANALYSIS_RATE, output="sos")
    # zero initial state: as one sosfilt over the channel
    state = np.zeros_like(sosfilt_zi(high_pass))
    n_samples = len(samples)
    for first in range(0, n_frames, block_frames):
        last = min(n_frames, first + block_frames)
        raw = np.asarray(
            samples[first * FRAME_SAMPLES : min(n_samples, last * FRAME_SAMPLES)], dtype=np.float32
        )
        if len(raw):
            filtered, state = sosfilt(high_pass, raw, zi=state)
            raw = filtered.astype(np.float32)
        yield (
            first,
            np.pad(raw, (0, (last - first) * FRAME_SAMPLES - len(raw))).reshape(-1, FRAME_SAMPLES),
        )
        if n_frames > block_frames:
            del raw
            release_freed_memory()


def _level_db(frames: np.ndarray) -> np.ndarray:
    power = np.mean(frames.astype(np.float64) ** 2, axis=1)
    return np.where(power > 1e-12, 10 * np.log10(np.maximum(power, 1e-12)), SILENT_DB)


def _band_power(frames: np.ndarray) -> np.ndarray:
    """Power of each frame's 125 Hz–4 kHz bins (one FFT per frame, no overlap)."""
    import librosa

    spectrum = librosa.stft(
        frames.reshape(-1), n_fft=FRAME_SAMPLES, hop_length=FRAME_SAMPLES, center=False
    )
    return np.abs(spectrum[_BAND]) ** 2 + 1e-20


class _SpeechProbability:
    """Silero's speech probability per frame, block after block, as faster-whisper's
    `SileroVADModel.__call__` gives it for the whole channel in one call."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model  # loaded once per process (lru_cache)

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_SILERO_CONTEXT, dtype=np.float32)

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        # Each frame is scored with the last 64 samples of the frame before it as context.
        context = np.concatenate([self._context[None], frames[:-1, -_SILERO_CONTEXT:]])
        batched = np.ascontiguousarray(np.concatenate([context, frames], axis=1), dtype=np.float32)
        outputs = []
        for first in range(0, len(batched), _SILERO_BATCH):
            output, self._h, self._c = self._session.run(
                None, {"input": batched[first : first + _SILERO_BATCH], "h": self._h, "c": self._c}
            )
            outputs.append(output)
        self._context = frames[-1, -_SILERO_CONTEXT:].astype(np.float32)
        return np.concatenate(outputs, axis=0).reshape(-1)


class _SpectralChange:
    """1 - cosine similarity of each frame's spectrum with the one 0.5 s earlier, block by block."""

    def __init__(self) -> None:
        self._lag = int(round(0.5 / FRAME_S))
        self._tail: np.ndarray | None = None  # the last `lag` unit spectra seen

    def __call__(self, power: np.ndarray) -> np.ndarray:
        magnitude = np.sqrt(power)
        unit = magnitude / np.linalg.norm(magnitude, axis=0, keepdims=True)
        history = unit if self._tail is None else np.concatenate([self._tail, unit], axis=1)
        carried = history.shape[1] - unit.shape[1]
        change = np.zeros(unit.shape[1], dtype=np.float32)
        if history.shape[1] > self._lag:
            compared = 1.0 - np.sum(history[:, self._lag :] * history[:, : -self._lag], axis=0)
            # compared[k] is history frame k + lag against frame k; keep those inside this block.
            keep = compared[max(0, carried - self._lag) :]
            change[len(change) - len(keep) :] = keep
        self._tail = history[:, -self._lag :]
        return change


def _noise_floor_db(level_db: np.ndarray, speech_prob: np.ndarray) -> float:
    """A low percentile of the frames Silero is sure hold no speech: the line's own floor.

    Speech-heavy channels have few such frames; then fall back to a low percentile of all frames.
    """
    if len(level_db) == 0:
        return SILENT_DB
    quiet = level_db[speech_prob < 0.2]
    pool = quiet if len(quiet) >= 10 else level_db
    return float(np.percentile(pool, 10))


def _noise_profile(
    samples: list[tuple[np.ndarray, np.ndarray]], quiet_below_db: float
) -> np.ndarray:
    """The line's noise spectrum: the median band power of the sampled frames at most 3 dB over
    the floor. Too few quiet frames (speech or music throughout): no whitening."""
    quiet = [power[:, level <= quiet_below_db] for power, level in samples]
    quiet_power = (
        np.concatenate(quiet, axis=1) if quiet else np.empty((_BAND.stop - _BAND.start, 0))
    )
    if quiet_power.shape[1] < 10:
        return np.ones(_BAND.stop - _BAND.start)
    return np.median(quiet_power, axis=1)


def _tonality_db(power: np.ndarray, noise_profile: np.ndarray) -> np.ndarray:
    """The 6 strongest bins over the median bin, in dB, after whitening by the line's noise
    spectrum, so white, pink or brown line noise all read about 7.6 dB while music reads 20 dB
    and more even at 10 dB SNR. 125 Hz–4 kHz only: the band 8 kHz and 16 kHz lines share."""
    whitened = power / noise_profile[:, None]
    strongest = np.sort(whitened, axis=0)[-6:].mean(axis=0)
    return 10 * np.log10(strongest / np.median(whitened, axis=0))
