"""Writing a copy of a recording as WAV, atomically: a temporary file in the target's folder,
renamed over the target (os.replace) only once it is complete, so a reader never sees half a
file and a failed write leaves the previous file as it was."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import numpy as np

# Sample formats a WAV copy keeps as they are (decode.NATIVE_DTYPES reads them exactly);
# the others (ADPCM, GSM, and what is not WAV: mp3, ogg) are written as 16-bit PCM.
KEPT_SUBTYPES = ("PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "ULAW", "ALAW")
KEPT_FORMATS = ("WAV", "WAVEX", "RF64")
_INTEGER_SUBTYPES = ("PCM_U8", "PCM_16", "PCM_24", "PCM_32", "ULAW", "ALAW")


def wav_format_for(source_format: str | None, source_subtype: str | None) -> tuple[str, str]:
    """(container, sample format) of a WAV copy of a recording: a WAV file's own; the bit depth
    of a PCM recording in another container (FLAC); else 16-bit PCM."""
    if source_subtype == "PCM_S8":  # 8-bit FLAC: WAV's 8-bit PCM is unsigned, the same values
        source_subtype = "PCM_U8"
    subtype = source_subtype if source_subtype in KEPT_SUBTYPES else "PCM_16"
    container = source_format if source_format in KEPT_FORMATS else "WAV"
    return container or "WAV", subtype


def write_wav_atomically(
    path: Path | str,
    blocks: Iterable[np.ndarray],
    sample_rate: int,
    n_channels: int,
    container: str = "WAV",
    subtype: str = "PCM_16",
) -> int:
    """Write the (channels, n) `blocks` to `path` as one WAV file; returns the samples per
    channel written. Float samples written as integers are clipped to full scale first."""
    import soundfile

    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    n_samples = 0
    try:
        # "xb": a new file with the permissions of the user's umask, never one already there.
        with open(temporary, "xb") as handle:
            with soundfile.SoundFile(
                handle,
                "w",
                samplerate=sample_rate,
                channels=n_channels,
                format=container,
                subtype=subtype,
            ) as sound:
                for block in blocks:
                    if subtype in _INTEGER_SUBTYPES and np.issubdtype(block.dtype, np.floating):
                        block = np.clip(block, -1.0, 1.0)
                    sound.write(block.T)
                    n_samples += block.shape[1]
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return n_samples
