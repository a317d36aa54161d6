"""Decode a recording to 16 kHz float32, one array per channel, with its duration and sha256.

libsndfile (soundfile) reads wav / flac / ogg / mp3 and tells truncation apart from garbage;
PyAV (bundled with faster-whisper) is the fallback for containers libsndfile does not know.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np

from pipeline.errors import AudioDecodeError
from pipeline.types import Audio

TARGET_SAMPLE_RATE = 16_000
# Shorter than this cannot hold a word: the recording is broken, not quiet.
MIN_DURATION_S = 0.1
MAX_CHANNELS = 2


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_wav_complete(path: Path, head: bytes, size: int) -> None:
    """A WAV whose data chunk declares more bytes than the file holds was cut off in transfer.

    libsndfile quietly reads what is there, so the check is ours. Sizes of 0 or 0xFFFFFFFF
    are what streaming writers leave when they cannot seek back; those are not truncation.
    """
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        return
    offset = 12
    while offset + 8 <= len(head):
        chunk_id = head[offset : offset + 4]
        (chunk_size,) = struct.unpack("<I", head[offset + 4 : offset + 8])
        if chunk_id == b"data":
            if chunk_size in (0, 0xFFFFFFFF):
                return
            available = size - (offset + 8)
            if available < chunk_size:
                raise AudioDecodeError(
                    path,
                    f"truncated WAV: the header declares {chunk_size} bytes of audio but the file holds {available}",
                )
            return
        offset += 8 + chunk_size + (chunk_size & 1)
    if head[:4] == b"RIFF" and size <= len(head):
        raise AudioDecodeError(path, "truncated WAV: no audio data chunk")


def _read_soundfile(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    # Through a Python file object: libsndfile cannot open names that are not valid UTF-8.
    with open(path, "rb") as handle:
        data, rate = soundfile.read(handle, dtype="float32", always_2d=True)
    return data.T, int(rate)


def _read_pyav(path: Path) -> tuple[np.ndarray, int]:
    import av

    with open(path, "rb") as handle, av.open(handle) as container:
        if not container.streams.audio:
            raise AudioDecodeError(path, "the file has no audio stream")
        stream = container.streams.audio[0]
        rate = stream.rate
        frames = [frame.to_ndarray() for frame in container.decode(stream)]
    if not frames:
        raise AudioDecodeError(path, "the audio stream holds no samples")
    planar = [f if f.ndim == 2 and f.shape[0] == stream.channels else f.reshape(-1, stream.channels).T for f in frames]
    data = np.concatenate(planar, axis=1)
    if np.issubdtype(data.dtype, np.integer):
        data = data.astype(np.float32) / float(np.iinfo(data.dtype).max)
    return data.astype(np.float32), int(rate)


def _decode(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    try:
        return _read_soundfile(path)
    except soundfile.LibsndfileError as sndfile_error:
        first_reason = str(sndfile_error).split(": ", 1)[-1].strip() or "unknown format"
    except RuntimeError as exc:  # older soundfile raise RuntimeError
        first_reason = str(exc)
    try:
        return _read_pyav(path)
    except AudioDecodeError:
        raise
    except Exception:  # PyAV raises many error types; the libsndfile reason is the clearer one
        raise AudioDecodeError(path, f"not a readable audio file ({first_reason})") from None


def resample(samples: np.ndarray, source_rate: int, target_rate: int = TARGET_SAMPLE_RATE) -> np.ndarray:
    if source_rate == target_rate:
        return np.ascontiguousarray(samples, dtype=np.float32)
    import librosa

    return librosa.resample(samples, orig_sr=source_rate, target_sr=target_rate, res_type="soxr_hq").astype(np.float32)


def load_audio(path: Path | str) -> Audio:
    """Decode `path`; raise AudioDecodeError naming the file and the reason if it is not usable audio."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise AudioDecodeError(path, "file not found") from None
    except PermissionError:
        raise AudioDecodeError(path, "cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise AudioDecodeError(path, "is a folder, not an audio file") from None
    except OSError as exc:
        raise AudioDecodeError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise AudioDecodeError(path, "empty file (0 bytes)")
    _check_wav_complete(path, head, size)

    data, rate = _decode(path)
    n_channels, n_samples = data.shape
    if n_samples == 0:
        raise AudioDecodeError(path, "the file holds no audio samples")
    if n_channels > MAX_CHANNELS:
        raise AudioDecodeError(path, f"has {n_channels} channels; callqa reads mono and two-channel (stereo) calls")
    duration = n_samples / rate
    if duration < MIN_DURATION_S:
        raise AudioDecodeError(
            path, f"too short to hold speech ({n_samples} samples, {duration:.4f} s; at least {MIN_DURATION_S} s needed)"
        )
    if not np.all(np.isfinite(data)):
        raise AudioDecodeError(path, "holds invalid (NaN or infinite) samples")
    channels = tuple(resample(channel, rate) for channel in data)
    return Audio(
        channels=channels,
        sample_rate=TARGET_SAMPLE_RATE,
        duration_s=round(duration, 3),
        sha256=file_sha256(path),
        source_sample_rate=rate,
        source_channels=n_channels,
    )
