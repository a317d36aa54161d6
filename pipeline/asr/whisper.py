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

from pipeline.asr.normalize import to_simplified
from pipeline.audio.resample import TARGET_SAMPLE_RATE as SAMPLE_RATE
from pipeline.audio.spool import release_freed_memory
from pipeline.options import AsrOptions
from pipeline.provision.whisper import verify_whisper
from pipeline.types import Role, Segment, Word

# A window ends at the quietest moment of its last this many seconds.
CUT_SEARCH_S = 20
# A segment's first word this far before the second was mapped to the wrong VAD chunk.
FIRST_WORD_GAP_S = 1.5


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


# faster-whisper's own schedule: tried in turn while a segment's decoding fails its compression
# ratio / log-probability checks. Sampling (temperature > 0) draws from an unseeded generator, so
# two runs over the same audio can differ: off unless [asr] temperature_fallback = true.
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def asr_options_echo(options: AsrOptions) -> dict:
    """The decoding options as written into the transcript JSON and the runs table."""
    return asdict(options)


def transcribe_channel(
    samples, model_dir: Path, options: AsrOptions, speaker: str, role: Role
) -> list[Segment]:
    """Transcribe one channel of 16 kHz float32 audio (an array or a spooled channel) into
    segments of one speaker.

    A channel longer than `options.window_s` is transcribed window by window, each window cut at
    the quietest moment of its last seconds, so that a long call needs the memory of one window
    (whisper's features of a whole hour would take gigabytes) and no word is cut in two.
    """
    model = load_whisper(str(model_dir), options.device, options.compute_type, options.cpu_threads)
    duration = len(samples) / SAMPLE_RATE
    segments: list[Segment] = []
    bounds = window_bounds(samples, options.window_s)
    for first, last in bounds:
        piece = np.asarray(samples[first:last], dtype=np.float32)
        segments.extend(
            _transcribe_piece(model, piece, options, speaker, role, first / SAMPLE_RATE, duration)
        )
        if len(bounds) > 1:
            del piece
            release_freed_memory()
    return segments


def window_bounds(samples, window_s: int) -> list[tuple[int, int]]:
    """(first, last) sample of each window: whole channel when short, else about `window_s`
    seconds each, ending at the quietest 100 ms of the window's last CUT_SEARCH_S seconds."""
    n = len(samples)
    size = int(window_s * SAMPLE_RATE)
    if window_s <= 0 or n <= size + CUT_SEARCH_S * SAMPLE_RATE:
        return [(0, n)]
    bounds = []
    first = 0
    while n - first > size + CUT_SEARCH_S * SAMPLE_RATE:
        search_from = first + size - int(CUT_SEARCH_S * SAMPLE_RATE)
        cut = search_from + _quietest_point(
            np.asarray(samples[search_from : first + size], dtype=np.float32)
        )
        bounds.append((first, cut))
        first = cut
    bounds.append((first, n))
    return bounds


def _quietest_point(region: np.ndarray) -> int:
    """Sample offset of the middle of the quietest 100 ms step in `region` (the later one on ties,
    so windows stay as long as allowed)."""
    step = SAMPLE_RATE // 10
    usable = len(region) // step * step
    energy = np.mean(region[:usable].reshape(-1, step).astype(np.float64) ** 2, axis=1)
    quietest = len(energy) - 1 - int(np.argmin(energy[::-1]))
    return quietest * step + step // 2


def _transcribe_piece(
    model,
    piece: np.ndarray,
    options: AsrOptions,
    speaker: str,
    role: Role,
    offset_s: float,
    duration: float,
) -> list[Segment]:
    raw_segments, _info = model.transcribe(
        piece,
        language=options.language,
        beam_size=options.beam_size,
        vad_filter=options.vad_filter,
        vad_parameters={"min_silence_duration_ms": options.vad_min_silence_ms},
        word_timestamps=options.word_timestamps,
        initial_prompt=options.initial_prompt or None,
        condition_on_previous_text=options.condition_on_previous_text,
        temperature=FALLBACK_TEMPERATURES if options.temperature_fallback else 0.0,
    )
    piece_s = len(piece) / SAMPLE_RATE

    def at(t: float) -> float:  # a time in the piece, as a time in the call
        return _clamp(min(max(float(t), 0.0), piece_s) + offset_s, duration)

    segments = []
    for raw in raw_segments:
        text = to_simplified(raw.text.strip())
        if not text:
            continue
        words = _first_word_joined(
            Word(
                start=at(w.start),
                end=at(w.end),
                text=to_simplified(w.word.strip()),
                prob=round(float(w.probability), 3),
            )
            for w in (raw.words or ())
            if w.word.strip()
        )
        start, end = at(raw.start), at(raw.end)
        if words:  # word times are tighter than the segment's 30 s window times
            start, end = words[0].start, max(words[-1].end, min(end, words[-1].end + 0.5))
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


def _first_word_joined(words) -> tuple[Word, ...]:
    """The segment's words, the first one moved next to the second when a long gap parts them.

    faster-whisper's VAD joins the speech chunks of a window before decoding and maps times back
    word by word; a word starting a segment right at a joint can be mapped to the end of the
    previous chunk, a minute earlier (measured: 酒 at 5.56 s, the rest of 酒香火锅 from 89.8 s),
    which would put the segment, its speaker and its findings at the wrong time.
    """
    words = list(words)
    if len(words) >= 2 and words[1].start - words[0].end > FIRST_WORD_GAP_S:
        first, second = words[0], words[1]
        length = min(first.end - first.start, 1.0)
        words[0] = Word(round(second.start - length, 3), second.start, first.text, first.prob)
    return tuple(words)


def _clamp(t: float, duration: float) -> float:
    return round(min(max(float(t), 0.0), duration), 3)
