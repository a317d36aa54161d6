"""Sample-rate conversion to the pipeline's rate: a leaf, so signal code of any stage can use it."""

from __future__ import annotations

import numpy as np

# Every stage works at 16 kHz: whisper, silero VAD and the speaker models expect it.
TARGET_SAMPLE_RATE = 16_000


def resample(
    samples: np.ndarray, source_rate: int, target_rate: int = TARGET_SAMPLE_RATE
) -> np.ndarray:
    if source_rate == target_rate:
        return np.ascontiguousarray(samples, dtype=np.float32)
    import librosa  # late: librosa takes a second to import and most callers never resample

    return librosa.resample(
        samples, orig_sr=source_rate, target_sr=target_rate, res_type="soxr_hq"
    ).astype(np.float32)
