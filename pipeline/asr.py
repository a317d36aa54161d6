"""faster-whisper wrapper: one model per process, Simplified Chinese out, typed segments.

faster-whisper yields segments lazily; they are materialised here, at the boundary, so the
rest of the pipeline works on plain tuples of `Segment`.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.config import AsrOptions
from pipeline.models import verify_whisper
from pipeline.normalize import to_simplified
from pipeline.types import Role, Segment, Word


@lru_cache(maxsize=2)
def load_whisper(model_dir: str, device: str, compute_type: str, cpu_threads: int):
    """Load the model once per process and option set (loading costs about a second)."""
    from faster_whisper import WhisperModel

    verify_whisper(Path(model_dir))
    threads = cpu_threads or (os.cpu_count() or 1)
    return WhisperModel(model_dir, device=device, compute_type=compute_type, cpu_threads=threads)


def model_name(model_dir: Path) -> str:
    """The name recorded in transcripts: `whisper-base` for models/whisper-base."""
    return Path(model_dir).name


def asr_options_echo(options: AsrOptions) -> dict:
    """The decoding options as written into the transcript JSON and the runs table."""
    return asdict(options)


def transcribe_channel(
    samples: np.ndarray, model_dir: Path, options: AsrOptions, speaker: str, role: Role
) -> list[Segment]:
    """Transcribe one channel of 16 kHz float32 audio into segments of one speaker."""
    model = load_whisper(str(model_dir), options.device, options.compute_type, options.cpu_threads)
    raw_segments, _info = model.transcribe(
        samples,
        language=options.language,
        beam_size=options.beam_size,
        vad_filter=options.vad_filter,
        vad_parameters={"min_silence_duration_ms": options.vad_min_silence_ms},
        word_timestamps=options.word_timestamps,
        initial_prompt=options.initial_prompt or None,
        condition_on_previous_text=options.condition_on_previous_text,
    )
    duration = len(samples) / 16_000
    segments = []
    for raw in raw_segments:
        text = to_simplified(raw.text.strip())
        if not text:
            continue
        words = tuple(
            Word(
                start=_clamp(w.start, duration),
                end=_clamp(w.end, duration),
                text=to_simplified(w.word.strip()),
                prob=round(float(w.probability), 3),
            )
            for w in (raw.words or ())
            if w.word.strip()
        )
        start, end = _clamp(raw.start, duration), _clamp(raw.end, duration)
        if words:  # word times are tighter than the segment's 30 s window times
            start, end = min(start, words[0].start), max(words[-1].end, min(end, words[-1].end + 0.5))
        segments.append(
            Segment(
                start=start,
                end=max(end, start),
                speaker=speaker,
                role=role,
                text=text,
                words=words,
                confidence=round(float(np.exp(raw.avg_logprob)), 3),
            )
        )
    return segments


def _clamp(t: float, duration: float) -> float:
    return round(min(max(float(t), 0.0), duration), 3)
