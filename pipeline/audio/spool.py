"""Long recordings on disk: decoded 16 kHz channels in unlinked temporary files, read by window.

A 60-minute stereo call is 460 MB of float32 at 16 kHz. Held in memory, every call in flight
would cost that; spooled, the stages read the windows they work on (asr.py transcribes in
windows, activity.py frames in blocks) and a call needs memory for a few minutes of audio.
The files live in the system's temporary folder ($TMPDIR) and vanish when the call is done,
also when the process is killed (they are unlinked from the start).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import Literal

import numpy as np

SAMPLE_RATE = 16_000
_BYTES = np.dtype(np.float32).itemsize


class SpooledChannel:
    """One channel of 16 kHz float32 samples on disk.

    It offers what the stages use on a channel array: `len()`, slicing with step 1 (which returns
    a new in-memory array of that window), and `np.asarray()` for the few consumers that need the
    whole channel at once (mono diarization).
    """

    dtype = np.dtype(np.float32)
    ndim = 1

    def __init__(self, handle, n_samples: int) -> None:
        self._handle = handle
        self._n = n_samples

    def __len__(self) -> int:
        return self._n

    @property
    def shape(self) -> tuple[int]:
        return (self._n,)

    def __getitem__(self, index: slice) -> np.ndarray:
        if not isinstance(index, slice):
            raise TypeError("a spooled channel is read by slices, e.g. channel[start:stop]")
        start, stop, step = index.indices(self._n)
        if step != 1:
            raise TypeError("a spooled channel is read by slices with step 1")
        out = np.empty(max(0, stop - start), dtype=np.float32)
        # out.data: memoryview(out), as numpy's stubs type it (ndarray is a Buffer on 3.12+ only)
        view = out.data.cast("B")
        done = 0
        while done < len(view):  # pread may return less than asked for large windows
            got = os.preadv(self._handle.fileno(), [view[done:]], start * _BYTES + done)
            if got <= 0:
                raise OSError(f"spooled audio ended early ({done} of {len(view)} bytes)")
            done += got
        return out

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        data = self[:]
        return data if dtype is None else data.astype(dtype)

    def close(self) -> None:
        self._handle.close()


class ChannelSpool:
    """Writes decoded blocks (channels × samples at the source rate) to one file per channel,
    resampling to 16 kHz on the way with soxr's streaming resampler (the same HQ filter as
    `audio.resample`)."""

    def __init__(self, n_channels: int, source_rate: int, directory: str | None = None) -> None:
        import soxr

        # Open while the spool lives; close() (or the garbage collector) removes them.
        self._files = [
            tempfile.TemporaryFile(prefix="callqa-audio-", dir=directory)  # noqa: SIM115
            for _ in range(n_channels)
        ]
        self._counts = [0] * n_channels
        self._stream = (
            soxr.ResampleStream(source_rate, SAMPLE_RATE, n_channels, dtype="float32", quality="HQ")
            if source_rate != SAMPLE_RATE
            else None
        )

    def write(self, block: np.ndarray) -> None:
        if self._stream is not None:
            block = self._stream.resample_chunk(
                np.ascontiguousarray(block.T, dtype=np.float32), last=False
            ).T
        self._append(block)

    def finish(self) -> tuple[SpooledChannel, ...]:
        if self._stream is not None:
            tail = self._stream.resample_chunk(
                np.zeros((0, len(self._files)), dtype=np.float32), last=True
            )
            self._append(tail.T)
        for handle in self._files:
            handle.flush()
        return tuple(
            SpooledChannel(handle, count) for handle, count in zip(self._files, self._counts)
        )

    def discard(self) -> None:
        for handle in self._files:
            handle.close()

    def _append(self, block: np.ndarray) -> None:
        for index, (handle, channel) in enumerate(zip(self._files, block)):
            handle.write(np.ascontiguousarray(channel, dtype=np.float32).tobytes())
            self._counts[index] += len(channel)


def release_freed_memory() -> None:
    """Hand memory freed by the last window back to the system (glibc's malloc_trim).

    Windows of a long call allocate and free hundreds of MB each; glibc keeps freed heap pages
    and the process would grow window after window. Elsewhere (musl, macOS) this does nothing.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


# glibc's malloc_trim: None until looked up, False where there is none.
_malloc_trim: Callable[[int], object] | Literal[False] | None = None
