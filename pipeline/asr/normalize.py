"""Text normalisation shared by ASR output and the detectors."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); whisper-base drifts to Traditional on short clips."""
    return _t2s().convert(text) if text else text
