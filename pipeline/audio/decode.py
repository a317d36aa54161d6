"""Decode a recording to 16 kHz float32, one array per channel, with its duration and sha256.

libsndfile (soundfile) reads wav / flac / ogg / mp3 and tells truncation apart from garbage;
PyAV (bundled with faster-whisper) is the fallback for containers libsndfile does not know.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.audio.resample import TARGET_SAMPLE_RATE, resample
from pipeline.audio.spool import ChannelSpool
from pipeline.errors import AudioDecodeError
from pipeline.types import Audio

# Shorter than this cannot hold a word: the recording is broken, not quiet.
MIN_DURATION_S = 0.1
MAX_CHANNELS = 2


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_if_readable(path: Path) -> str | None:
    """file_sha256, or None when the file cannot be read (decoding then says why)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


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


# Recordings up to this long are decoded into memory; longer ones are spooled to a temporary file
# channel by channel and read back in windows, so a 60-minute call needs no more memory than a
# few minutes of audio (the ASR and acoustic stages read windows, see asr.py and activity.py).
IN_MEMORY_MAX_S = 600.0
# Decoding reads the source this many seconds at a time.
_DECODE_BLOCK_S = 30.0


# The dtype libsndfile reads each sample format in so that writing the samples back in that
# format gives the same values (open_source); other formats are read as float32.
NATIVE_DTYPES = {
    "PCM_U8": "int16",
    "PCM_S8": "int16",
    "PCM_16": "int16",
    "PCM_24": "int32",
    "PCM_32": "int32",
    "FLOAT": "float32",
    "DOUBLE": "float64",
    "ULAW": "int16",
    "ALAW": "int16",
}


@dataclass
class _Decoder:
    rate: int
    n_channels: int
    blocks: Iterator[np.ndarray]  # (channels, samples) at `rate` (float32 unless native), in order
    close: Callable[[], None]
    format: str | None = None  # libsndfile's container and sample format; None from PyAV
    subtype: str | None = None


def _soundfile_blocks(path: Path, native: bool = False) -> _Decoder:
    """Blocks read by libsndfile (wav, flac, ogg, mp3), which tells truncation apart from garbage;
    `native`: in the sample format's NATIVE_DTYPES instead of float32."""
    import soundfile

    # Through a Python file object: libsndfile cannot open names that are not valid UTF-8.
    handle = open(path, "rb")  # noqa: SIM115  (the decoder owns it and closes it when done)
    try:
        sound = soundfile.SoundFile(handle)
    except BaseException:
        handle.close()
        raise

    dtype = NATIVE_DTYPES.get(sound.subtype, "float32") if native else "float32"

    def blocks():
        size = max(1, int(_DECODE_BLOCK_S * sound.samplerate))
        while True:
            try:
                data = sound.read(size, dtype=dtype, always_2d=True)
            except soundfile.LibsndfileError as exc:
                raise AudioDecodeError(path, f"the audio data cannot be decoded ({exc})") from None
            if len(data) == 0:
                return
            yield data.T

    def close() -> None:
        sound.close()
        handle.close()

    return _Decoder(
        int(sound.samplerate), int(sound.channels), blocks(), close, sound.format, sound.subtype
    )


def _pyav_blocks(path: Path) -> _Decoder:
    """The same from PyAV (FFmpeg), for containers libsndfile does not know."""
    import av

    handle = open(path, "rb")  # noqa: SIM115  (the decoder owns it and closes it when done)
    try:
        container = av.open(handle, mode="r")  # the mode av takes from handle ("rb") anyway
        if not container.streams.audio:
            raise AudioDecodeError(path, "the file has no audio stream")
    except BaseException:
        handle.close()
        raise
    stream = container.streams.audio[0]

    def as_planar_float(frame) -> np.ndarray:
        data = frame.to_ndarray()
        if data.ndim != 2 or data.shape[0] != stream.channels:
            data = data.reshape(-1, stream.channels).T
        if np.issubdtype(data.dtype, np.integer):
            data = data.astype(np.float32) / float(np.iinfo(data.dtype).max)
        return data.astype(np.float32)

    def blocks():
        decoded = container.decode(stream)
        while True:
            try:
                frame = next(decoded, None)
            except av.FFmpegError as exc:
                raise AudioDecodeError(path, f"the audio data cannot be decoded ({exc})") from None
            if frame is None:
                return
            yield as_planar_float(frame)

    def close() -> None:
        container.close()
        handle.close()

    return _Decoder(int(stream.rate or 0), int(stream.channels or 0), blocks(), close)


def _open_decoder(path: Path, native: bool = False) -> _Decoder:
    import soundfile

    try:
        return _soundfile_blocks(path, native)
    except soundfile.LibsndfileError as sndfile_error:
        first_reason = str(sndfile_error).split(": ", 1)[-1].strip() or "unknown format"
    except RuntimeError as exc:  # older soundfile raise RuntimeError
        first_reason = str(exc)
    try:
        return _pyav_blocks(path)
    except AudioDecodeError:
        raise
    except Exception:  # PyAV raises many error types; the libsndfile reason is the clearer one
        raise AudioDecodeError(path, f"not a readable audio file ({first_reason})") from None


def load_audio(path: Path | str, *, in_memory_max_s: float | None = None) -> Audio:
    """Decode `path`; raise AudioDecodeError naming the file and the reason if it is not usable audio.

    Recordings longer than `in_memory_max_s` (default IN_MEMORY_MAX_S) get `SpooledChannel`s
    (pipeline.audio.spool) instead of arrays: same length and slicing, read from disk window by window.
    """
    path = Path(path)
    _check_file(path)
    decoder = _open_decoder(path)
    try:
        limit = IN_MEMORY_MAX_S if in_memory_max_s is None else in_memory_max_s
        channels, n_samples = _decode_channels(path, decoder, limit)
    finally:
        decoder.close()
    return Audio(
        channels=channels,
        sample_rate=TARGET_SAMPLE_RATE,
        duration_s=round(n_samples / decoder.rate, 3),
        sha256=file_sha256(path),
        source_sample_rate=decoder.rate,
        source_channels=decoder.n_channels,
    )


@dataclass
class SourceAudio:
    """A recording at its own sample rate and channels, read block by block (`open_source`)."""

    sample_rate: int
    n_channels: int
    format: str | None  # libsndfile's container (WAV, WAVEX, FLAC …); None when PyAV decodes it
    subtype: str | None  # libsndfile's sample format (PCM_16, ULAW …)
    blocks: Iterator[np.ndarray]  # (channels, samples), about 30 s each, in file order


@contextmanager
def open_source(path: Path | str) -> Iterator[SourceAudio]:
    """The recording as stored, for writing a changed copy of it (`callqa redact`): not
    resampled, and the samples of PCM, float, μ-law and A-law files in the dtype that writes
    back to the same values (NATIVE_DTYPES), other formats' as float32. Raises AudioDecodeError
    naming the file and the reason, as `load_audio` does."""
    path = Path(path)
    _check_file(path)
    decoder = _open_decoder(path, native=True)
    try:
        if decoder.rate <= 0 or decoder.n_channels <= 0:
            raise AudioDecodeError(path, "the audio stream declares no sample rate or no channels")
        yield SourceAudio(
            decoder.rate, decoder.n_channels, decoder.format, decoder.subtype, decoder.blocks
        )
    finally:
        decoder.close()


def _check_file(path: Path) -> None:
    """Raise AudioDecodeError when `path` is not there, cannot be read, is empty or is a cut-off WAV."""
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


def _decode_channels(path: Path, decoder: _Decoder, in_memory_max_s: float) -> tuple[tuple, int]:
    """The 16 kHz channels (in memory, or spooled once the recording passes `in_memory_max_s`)
    and the number of samples per channel at the source rate."""
    rate, n_channels = decoder.rate, decoder.n_channels
    if rate <= 0 or n_channels <= 0:
        raise AudioDecodeError(path, "the audio stream declares no sample rate or no channels")
    if n_channels > MAX_CHANNELS:
        raise AudioDecodeError(
            path, f"has {n_channels} channels; callqa reads mono and two-channel (stereo) calls"
        )
    held: list[np.ndarray] = []  # source-rate blocks, while the recording is short enough to hold
    spool: ChannelSpool | None = None
    n_samples = 0
    try:
        for block in decoder.blocks:
            if not np.all(np.isfinite(block)):
                raise AudioDecodeError(path, "holds invalid (NaN or infinite) samples")
            n_samples += block.shape[1]
            if spool is not None:
                spool.write(block)
            elif n_samples <= in_memory_max_s * rate:
                held.append(block)
            else:
                spool = ChannelSpool(n_channels, rate)
                for earlier in [*held, block]:
                    spool.write(earlier)
                held = []
        if n_samples == 0:
            raise AudioDecodeError(path, "the file holds no audio samples")
        duration = n_samples / rate
        if duration < MIN_DURATION_S:
            raise AudioDecodeError(
                path,
                f"too short to hold speech ({n_samples} samples, {duration:.4f} s; at least {MIN_DURATION_S} s needed)",
            )
    except BaseException:
        if spool is not None:
            spool.discard()
        raise
    if spool is not None:
        return spool.finish(), n_samples
    data = held[0] if len(held) == 1 else np.concatenate(held, axis=1)
    return tuple(resample(channel, rate) for channel in data), n_samples
