"""The embedded diarizer: pyannote segmentation-3.0, CAM++ voice embeddings, clustering — offline.

1. Segmentation: pyannote's segmentation-3.0 (a powerset PyanNet) runs on 10 s windows side by
   side and gives, per window and frame, the probability that each of up to three *local*
   speakers speaks — two at once where voices overlap.
2. Runs: each local speaker's speech in a window, cut where that voice pauses (over
   RUN_BRIDGE_S) or its activity dips (the segmentation sometimes carries one local speaker
   across a quick change of speaker). Each run gets a voice embedding (3D-Speaker's CAM++,
   pipeline.parties.campplus) of at most MAX_EMBEDDED_S of its clean speech: CAM++ needs no
   more, and a call's speech is then embedded about once, whatever its length.
3. Clustering: the embeddings are merged greedily by centroid cosine similarity — as long as two
   clusters are at least `same_speaker_similarity` alike, or more clusters than `max_speakers`
   remain. A recording of one voice therefore stays one speaker; two parties are not forced.
   A cluster holding a sliver of the speech joins its nearest, and one heard in only a run or
   two joins a voice it resembles.
4. Reconstruction: every run's frames take its speaker's activity; every speech frame goes to
   the most active speaker (exclusive turns, ready for assigning words), and a frame where a
   second speaker is active too is overlapped speech.

Only numpy arrays go in (16 kHz float32): pyannote gets {'waveform', 'sample_rate'}, so no
ffmpeg is needed. Models are loaded once per process and path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from pipeline.parties.campplus import embed_many, load_encoder

SAMPLE_RATE = 16_000
# Windows of the model's own duration (10 s for segmentation-3.0), one after the other: runs
# are linked across windows by their embeddings, so overlapping windows only cost time (a
# half-window step gave no better DER on the tuning calls at twice the cost).
WINDOW_STEP_SHARE = 1.0
LOCAL_ACTIVE = 0.5  # a local speaker is active in a frame above this score
# Speech activity on the averaged scores (hysteresis, as pyannote's VAD setting).
SPEECH_ONSET, SPEECH_OFFSET = 0.767, 0.377
# A second speaker at least this active in a frame overlaps.
OVERLAP_ACTIVE = 0.5
SEGMENTATION_BLOCK_S = 300.0  # see segment()
MIN_EMBEDDED_S = 0.25  # less speech than this in a run gives no usable embedding
# A pause of a voice at most this long does not split its run (a breath, not a turn change).
RUN_BRIDGE_S = 0.2
# … but a dip of its activity below this does: see _split_at_dips.
RUN_SPLIT_DIP = 0.7
# CAM++ needs no more to know a voice (2–2.5 s gave no better DER on the tuning calls, 15–35 %
# slower).
MAX_EMBEDDED_S = 1.5
MIN_CLUSTERED_S = 1.0  # runs with at least this much clean speech found the clusters
MIN_SPEAKER_SHARE = 0.05  # a speaker holds at least this share of the call's clean speech
MIN_SPEAKER_RUNS = 3  # fewer runs than this are a voice's odd stretch when alike enough …
# … this alike (cosine of centroids). Measured on the tuning calls: an odd stretch of one voice
# 0.72–0.74 to the rest of it; two different people's voices 0.34–0.54 (two synthetic voices
# 0.69–0.72).
FEW_RUNS_JOIN_SIMILARITY = 0.62


@dataclass(frozen=True)
class FrameLabels:
    """Per-frame speaker index (-1: nobody speaks) on a regular grid; what the embedded diarizer decides."""

    labels: np.ndarray  # int, one per frame
    overlap: np.ndarray  # int, one per frame: a second speaker active in it, else -1
    frame_start_s: float  # time of the first frame's centre
    frame_step_s: float
    n_speakers: int
    centroid_similarity: float | None  # between the two closest speakers; None for one speaker


@lru_cache(maxsize=2)
def load_segmentation(checkpoint: str):
    from pyannote.audio import Inference, Model

    # Lightning announces at INFO that it upgraded the (pyannote 2.x era) checkpoint in memory.
    logging.getLogger("lightning.pytorch.utilities.migration.utils").setLevel(logging.WARNING)
    model = Model.from_pretrained(checkpoint)
    # None only for a failed Hugging Face download; `checkpoint` is a local file.
    assert model is not None
    specifications = model.specifications
    assert not isinstance(specifications, tuple)  # segmentation is a single-task model
    duration = specifications.duration
    # Powerset models (segmentation-3.0) are converted to soft per-speaker probabilities here
    # rather than pyannote's hard 0/1: speech activity then has a probability to threshold.
    inference = Inference(
        model,
        duration=duration,
        step=duration * WINDOW_STEP_SHARE,
        skip_aggregation=True,
        skip_conversion=True,
        batch_size=16,
    )
    return inference


def segment(inference, samples: np.ndarray):
    """(local speaker scores per window, the windows) of the whole call, segmented a block of
    SEGMENTATION_BLOCK_S at a time: pyannote's Inference holds a call's windows and their
    buffers at once, which grew by about a gigabyte per hour of audio. Blocks start on window
    starts and overlap by what the windows overlap, so the result is the same."""
    import torch

    duration, step = inference.duration, inference.step
    per_block = max(1, int(SEGMENTATION_BLOCK_S // step))
    block_samples = int(round(per_block * step * SAMPLE_RATE))
    reach = int(round((duration - step) * SAMPLE_RATE))
    parts, windows = [], None
    for first in range(0, max(len(samples), 1), block_samples):
        piece = np.ascontiguousarray(
            samples[first : first + block_samples + reach], dtype=np.float32
        )
        output = inference({"waveform": torch.from_numpy(piece)[None], "sample_rate": SAMPLE_RATE})
        if windows is None:  # the first block's: it starts at 0
            windows = output.sliding_window
        last = first + block_samples >= len(samples)
        parts.append(local_speaker_scores(inference, output.data[: None if last else per_block]))
        if last:
            break
    return np.concatenate(parts), windows


def local_speaker_scores(inference, raw: np.ndarray) -> np.ndarray:
    """(windows, frames, local speakers) activity probabilities from the model's raw output."""
    specifications = inference.model.specifications
    if not specifications.powerset:
        return raw
    import torch
    from pyannote.audio.utils.powerset import Powerset

    powerset = Powerset(len(specifications.classes), specifications.powerset_max_classes)
    return powerset.to_multilabel(torch.from_numpy(raw), soft=True).numpy()


def _frame_to_sample_mask(frame_mask: np.ndarray, n_samples: int) -> np.ndarray:
    frame_of_sample = np.minimum(
        np.arange(n_samples) * len(frame_mask) // n_samples, len(frame_mask) - 1
    )
    return frame_mask[frame_of_sample]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-9)


def cluster_centroids(
    embeddings: np.ndarray,
    weights: np.ndarray,
    same_speaker_similarity: float,
    min_speakers: int,
    max_speakers: int,
) -> np.ndarray:
    """Greedy centroid merging; returns the cluster index of each embedding (0..n-1).

    Merges the two most similar clusters while they are at least `same_speaker_similarity`
    alike or there are more than `max_speakers`; stops at `min_speakers`. Centroids are
    speech-weighted sums, so a window with 4 s of speech counts more than one with 1 s. Only
    the merged cluster's similarities are recomputed per step, so a long call (a thousand
    windows) clusters in about a second.
    """
    n = len(embeddings)
    sums = embeddings.astype(np.float64) * weights[:, None]
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    similarity = _normalised(sums) @ _normalised(sums).T
    np.fill_diagonal(similarity, -np.inf)

    def merge(a: int, b: int) -> None:
        sums[a] += sums[b]
        members[a].extend(members.pop(b))
        similarity[b, :] = similarity[:, b] = -np.inf
        alive = np.fromiter(members, dtype=int)
        row = _normalised(sums[alive]) @ _normalised(sums[a])
        similarity[a, alive] = similarity[alive, a] = row
        similarity[a, a] = -np.inf

    while len(members) > min_speakers:
        a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[a, b] < same_speaker_similarity and len(members) <= max_speakers:
            break
        merge(int(a), int(b))
    # A party of a call speaks for more than a moment: a cluster holding a sliver of the speech
    # is an odd stretch of a voice already found (a cough, a laugh, a line-noise burst), not a
    # speaker, and joins the cluster it resembles most. One heard in only a run or two joins
    # only if it resembles that cluster: a customer may say just one thing.
    total = float(weights.sum())
    while len(members) > min_speakers:
        size = {c: (len(m), float(weights[m].sum())) for c, m in members.items()}
        small = [
            c
            for c, (count, speech) in size.items()
            if speech < MIN_SPEAKER_SHARE * total
            or (count < MIN_SPEAKER_RUNS and similarity[c].max() >= FEW_RUNS_JOIN_SIMILARITY)
        ]
        if not small:
            break
        weakest = min(small, key=lambda c: size[c][1])
        merge(int(np.argmax(similarity[weakest])), weakest)
    labels = np.empty(n, dtype=int)
    for cluster, indices in enumerate(sorted(members.values(), key=min)):
        labels[indices] = cluster
    return labels


def _centroids(
    embeddings: np.ndarray, weights: np.ndarray, labels: np.ndarray, n: int
) -> np.ndarray:
    return _normalised(
        np.stack(
            [(embeddings[labels == c] * weights[labels == c, None]).sum(axis=0) for c in range(n)]
        )
    )


@dataclass(frozen=True)
class _Item:
    """One run of one local speaker in one window's own stretch: what gets an embedding."""

    window: int
    local: int
    first: int  # frame range inside the window
    end: int
    embed: np.ndarray  # frames (bool, window-long) whose speech is embedded
    clean_s: float  # speech where this voice is alone


def _runs_of(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """(first, end) of the True runs of `mask`, gaps of at most `bridge` frames bridged."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    runs: list[tuple[int, int]] = []
    for first, end in zip(edges[::2], edges[1::2]):
        if runs and first - runs[-1][1] <= bridge:
            runs[-1] = (runs[-1][0], int(end))
        else:
            runs.append((int(first), int(end)))
    return runs


def _split_at_dips(activity: np.ndarray, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs cut where the voice's activity dips below RUN_SPLIT_DIP inside them (at the dip's
    lowest frame): the segmentation sometimes carries one local speaker across a quick change
    of speaker, and the dip is where the change is. A dip inside one person's speech only
    costs one more embedding; clustering joins the pieces again."""
    out: list[tuple[int, int]] = []
    for first, end in runs:
        cuts = [first]
        for dip_first, dip_end in _runs_of(activity[first:end] < RUN_SPLIT_DIP, 0):
            if dip_first == 0 or first + dip_end == end:
                continue  # the run's own edges, not a dip inside it
            lowest = (
                first + dip_first + int(np.argmin(activity[first + dip_first : first + dip_end]))
            )
            cuts.append(lowest)
        cuts.append(end)
        out.extend((a, b) for a, b in pairwise(cuts) if b > a)
    return out


def _middle(mask: np.ndarray, most: int) -> np.ndarray:
    """`mask` kept to its `most` middle True frames."""
    chosen = np.flatnonzero(mask)
    if len(chosen) <= most:
        return mask
    skip = (len(chosen) - most) // 2
    kept = np.zeros_like(mask)
    kept[chosen[skip : skip + most]] = True
    return kept


def _own_stretches(n_windows: int, n_frames: int) -> np.ndarray:
    """(windows, frames) bool: each window's own stretch of the call, its middle step (the
    first and last windows reach the ends), so that every frame belongs to one window."""
    margin = int(round(n_frames * (1 - WINDOW_STEP_SHARE) / 2))
    own = np.zeros((n_windows, n_frames), dtype=bool)
    own[:, margin : n_frames - margin] = True
    own[0, :margin] = own[-1, n_frames - margin :] = True
    return own


def _items(scores: np.ndarray, frame_s: float) -> list[_Item]:
    """The runs to embed: each local speaker's speech in each window's own stretch (its middle
    step; the first and last windows reach the ends), split where that voice pauses — one local
    "speaker" of the segmentation sometimes holds two people taking turns."""
    n_windows, n_frames, n_local = scores.shape
    active = scores > LOCAL_ACTIVE
    alone = active & (active.sum(axis=2, keepdims=True) == 1)
    own = _own_stretches(n_windows, n_frames)
    bridge, most = int(RUN_BRIDGE_S / frame_s), int(MAX_EMBEDDED_S / frame_s)
    items = []
    for w in range(n_windows):
        for k in range(n_local):
            runs = _runs_of(active[w, :, k] & own[w], bridge)
            for first, end in _split_at_dips(scores[w, :, k], runs):
                run = np.zeros(n_frames, dtype=bool)
                run[first:end] = True
                clean, speech = alone[w, :, k] & run, active[w, :, k] & run
                embed = clean if clean.sum() * frame_s >= MIN_EMBEDDED_S else speech
                if embed.sum() * frame_s < MIN_EMBEDDED_S:
                    continue
                items.append(
                    _Item(w, k, first, end, _middle(embed, most), float(clean.sum() * frame_s))
                )
    return items


def diarize_frames(
    samples: np.ndarray,
    segmentation_checkpoint: Path,
    embedding_file: Path,
    same_speaker_similarity: float,
    min_speakers: int,
    max_speakers: int,
) -> FrameLabels:
    """Who speaks in each frame of 16 kHz mono `samples` (see the module docstring for how)."""
    from pyannote.audio import Inference
    from pyannote.audio.utils.signal import binarize
    from pyannote.core import SlidingWindowFeature

    inference = load_segmentation(str(segmentation_checkpoint))
    encoder = load_encoder(str(embedding_file))
    scores, windows = segment(inference, samples)  # (windows, frames, local speakers)
    n_windows, n_frames, _n_local = scores.shape
    frames = inference.model.receptive_field
    window_samples = int(round(windows.duration * SAMPLE_RATE))
    frame_s = windows.duration / n_frames
    items = _items(scores, frame_s)

    def speech_of_items():
        """Each item's speech, cut from its window when needed (windows overlap: holding every
        item's speech at once would copy the call)."""
        window, chunk = None, None
        for item in items:
            if item.window != window:
                first = int(round(windows[item.window].start * SAMPLE_RATE))
                chunk = np.asarray(samples[first : first + window_samples], dtype=np.float32)
                chunk = np.pad(chunk, (0, window_samples - len(chunk)))
                window = item.window
            assert chunk is not None  # cut for the first item (its window is not None)
            yield chunk[_frame_to_sample_mask(item.embed, len(chunk))]

    speech = Inference.aggregate(
        SlidingWindowFeature(scores.max(axis=2, keepdims=True), windows), frames
    )
    is_speech = binarize(speech.data.T, onset=SPEECH_ONSET, offset=SPEECH_OFFSET)[0].astype(bool)
    grid = speech.sliding_window
    n_grid = len(is_speech)
    if not items:
        silent = np.full(n_grid, -1)
        return FrameLabels(silent, silent.copy(), grid[0].middle, grid.step, 0, None)

    embeddings = embed_many(encoder, speech_of_items(), len(items))
    weights = np.asarray([item.clean_s for item in items])
    founders = weights >= MIN_CLUSTERED_S
    if founders.sum() < 2:  # a very short call: every run founds
        founders = np.ones(len(items), dtype=bool)
    founder_weights = np.maximum(weights[founders], MIN_EMBEDDED_S)
    founder_labels = cluster_centroids(
        embeddings[founders], founder_weights, same_speaker_similarity, min_speakers, max_speakers
    )
    n_speakers = int(founder_labels.max()) + 1
    centroids = _centroids(embeddings[founders], founder_weights, founder_labels, n_speakers)
    closest = None
    if n_speakers > 1:
        between = centroids @ centroids.T
        np.fill_diagonal(between, -np.inf)
        closest = round(float(between.max()), 3)

    # Each run is its nearest speaker; runs of two local speakers heard at once in one window
    # are two people, so the weaker match of such a pair takes its next-best speaker.
    speaker_of = np.argmax(embeddings @ centroids.T, axis=1)
    per_window = np.zeros((n_windows, n_frames, n_speakers), dtype=np.float32)
    for item, speaker in zip(items, speaker_of):
        run = scores[item.window, item.first : item.end, item.local]
        held = per_window[item.window, item.first : item.end, speaker]
        np.maximum(held, run, out=held)
    covered = _own_stretches(n_windows, n_frames)[:, :, None].astype(np.float32)
    # Each frame's activity comes from the window whose own stretch holds it.
    activity = Inference.aggregate(SlidingWindowFeature(per_window, windows), frames).data
    share = Inference.aggregate(SlidingWindowFeature(covered, windows), frames).data
    activity = (activity / np.maximum(share, 1e-6))[:n_grid]
    # Speech heard only from voices too brief to embed belongs to nobody known: left unassigned.
    labels = np.where(is_speech & (activity.max(axis=1) > 0), np.argmax(activity, axis=1), -1)
    overlap = np.full(n_grid, -1)
    if n_speakers > 1:
        second = np.argsort(-activity, axis=1, kind="stable")[:, 1]
        overlapped = (labels >= 0) & (activity[np.arange(n_grid), second] >= OVERLAP_ACTIVE)
        overlap = np.where(overlapped, second, -1)
    return FrameLabels(labels, overlap, grid[0].middle, grid.step, n_speakers, closest)
