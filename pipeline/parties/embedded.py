"""The embedded diarizer: pyannote segmentation, resemblyzer embeddings, clustering — offline.

1. Segmentation: pyannote's PyanNet runs on 5 s windows every WINDOW_STEP_S seconds and gives,
   per window and frame, the activity of up to three *local* speakers: speech activity, and
   speaker change inside the window.
2. Embeddings: every active local speaker of every window gets a voice embedding (resemblyzer's
   GE2E encoder) of the frames where it speaks alone.
3. Clustering: the embeddings are merged greedily by centroid cosine similarity — as long as two
   clusters are at least `same_speaker_similarity` alike, or more clusters than `max_speakers`
   remain. A recording of one voice therefore stays one speaker; two parties are not forced.
   A cluster heard in only a few windows or holding a sliver of the speech joins its nearest.
4. Reconstruction: each window's local speakers are matched one-to-one to the clusters, their
   activities averaged over the overlapping windows, and every speech frame goes to the most
   active speaker: exclusive turns, ready for assigning words.

Only numpy arrays go in (16 kHz float32): pyannote gets {'waveform', 'sample_rate'}, so no
ffmpeg is needed. Models are loaded once per process and path.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
# 5 s windows every 2 s: each frame is seen by two or three windows. Measured on the test calls,
# a 1 s step gave the same DER at twice the cost.
WINDOW_STEP_S = 2.0
LOCAL_ACTIVE = 0.5  # a local speaker is active in a frame above this score
# Speech activity on the averaged scores (hysteresis): the model's published VAD setting.
SPEECH_ONSET, SPEECH_OFFSET = 0.767, 0.377
MIN_EMBEDDED_S = 0.25  # less speech than this in a window gives no usable embedding
MIN_CLUSTERED_S = 1.0  # windows with at least this much clean speech found the clusters
TARGET_DBFS = -30.0  # resemblyzer's spectrogram is not logarithmic: level must be equalised
# resemblyzer's default density of 1.6 s partial utterances; 0.8 merged two speakers of a long call.
PARTIALS_PER_S = 1.3
EMBED_BATCH = 64
MIN_SPEAKER_WINDOWS = (
    3  # a speaker is heard in at least this many windows (a few seconds of speech)
)
MIN_SPEAKER_SHARE = 0.05  # … and holds at least this share of the call's clean speech


@dataclass(frozen=True)
class FrameLabels:
    """Per-frame speaker index (-1: nobody speaks) on a regular grid; what the embedded diarizer decides."""

    labels: np.ndarray  # int, one per frame
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
    inference = Inference(
        model, duration=duration, step=WINDOW_STEP_S, skip_aggregation=True, batch_size=16
    )
    return inference


@lru_cache(maxsize=2)
def load_encoder(weights_file: str):
    # resemblyzer's imports warn about their own dependencies (pkg_resources in webrtcvad, an old
    # scipy namespace): nothing a callqa user can act on.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="pkg_resources is deprecated", category=UserWarning
        )
        warnings.simplefilter("ignore", DeprecationWarning)
        from resemblyzer import VoiceEncoder

    return VoiceEncoder("cpu", verbose=False, weights_fpath=weights_file)


def _normalise_level(wav: np.ndarray) -> np.ndarray:
    rms = float(np.sqrt(np.mean(wav.astype(np.float64) ** 2)))
    if rms <= 1e-6:
        return wav
    return (wav * (10 ** (TARGET_DBFS / 20) / rms)).astype(np.float32)


def embed_many(encoder, wavs: Iterable[np.ndarray], count: int) -> np.ndarray:
    """L2-normalised embeddings, one per waveform of `wavs` (`count` of them, made one by one),
    with partial utterances in shared batches.

    Same slicing as resemblyzer's embed_utterance, but batched across waveforms (one forward
    pass per window would be slow) and streamed, so a long call never holds all its windows'
    speech nor all spectrograms at once.
    """
    import torch
    from resemblyzer.audio import wav_to_mel_spectrogram

    sums = np.zeros((count, 256), dtype=np.float64)
    pending: list[np.ndarray] = []
    owners: list[int] = []

    def flush() -> None:
        with torch.inference_mode():
            batch = encoder(torch.from_numpy(np.stack(pending))).numpy()
        np.add.at(sums, np.asarray(owners), batch)
        pending.clear()
        owners.clear()

    for index, wav in enumerate(wavs):
        wav = _normalise_level(wav)
        wav_slices, mel_slices = encoder.compute_partial_slices(len(wav), PARTIALS_PER_S, 0.75)
        if wav_slices[-1].stop > len(wav):
            wav = np.pad(wav, (0, wav_slices[-1].stop - len(wav)))
        mel = wav_to_mel_spectrogram(wav)
        for piece in mel_slices:
            pending.append(mel[piece])
            owners.append(index)
            if len(pending) == EMBED_BATCH:
                flush()
    if pending:
        flush()
    return (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)).astype(
        np.float32
    )


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
    # A party of a call speaks for more than a moment: a cluster heard in a few windows only, or
    # holding a sliver of the speech, is an odd stretch of a voice already found (a cough, a laugh,
    # a line-noise burst), not a speaker. It joins the cluster it resembles most.
    total = float(weights.sum())
    while len(members) > min_speakers:
        size = {c: (len(m), float(weights[m].sum())) for c, m in members.items()}
        small = [
            c
            for c, (count, speech) in size.items()
            if count < MIN_SPEAKER_WINDOWS or speech < MIN_SPEAKER_SHARE * total
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


def diarize_frames(
    samples: np.ndarray,
    segmentation_checkpoint: Path,
    embedding_file: Path,
    same_speaker_similarity: float,
    min_speakers: int,
    max_speakers: int,
) -> FrameLabels:
    """Who speaks in each frame of 16 kHz mono `samples` (see the module docstring for how)."""
    import torch
    from pyannote.audio import Inference
    from pyannote.audio.utils.signal import binarize
    from pyannote.core import SlidingWindowFeature
    from scipy.optimize import linear_sum_assignment

    inference = load_segmentation(str(segmentation_checkpoint))
    encoder = load_encoder(str(embedding_file))
    waveform = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))[None]
    segmentation = inference({"waveform": waveform, "sample_rate": SAMPLE_RATE})
    scores = segmentation.data  # (windows, frames, local speakers)
    windows = segmentation.sliding_window
    n_windows, n_frames, n_local = scores.shape
    frames = inference.model.receptive_field
    window_samples = int(round(windows.duration * SAMPLE_RATE))
    frame_s = windows.duration / n_frames

    active = scores > LOCAL_ACTIVE
    alone = active & (active.sum(axis=2, keepdims=True) == 1)
    items, masks, clean_s = [], [], []
    for w in range(n_windows):
        for k in range(n_local):
            mask = (
                alone[w, :, k]
                if alone[w, :, k].sum() * frame_s >= MIN_EMBEDDED_S
                else active[w, :, k]
            )
            if mask.sum() * frame_s < MIN_EMBEDDED_S:
                continue
            items.append((w, k))
            masks.append(mask)
            clean_s.append(float(alone[w, :, k].sum() * frame_s))

    def speech_of_items():
        """Each item's speech, cut from its window when needed (windows overlap: holding every
        item's speech at once would copy the call two to three times)."""
        window, chunk = None, None
        for (w, _k), mask in zip(items, masks):
            if w != window:
                first = int(round(windows[w].start * SAMPLE_RATE))
                chunk = np.asarray(samples[first : first + window_samples], dtype=np.float32)
                chunk = np.pad(chunk, (0, window_samples - len(chunk)))
                window = w
            assert chunk is not None  # cut for the first item (its window is not None)
            yield chunk[_frame_to_sample_mask(mask, len(chunk))]

    speech = Inference.aggregate(
        SlidingWindowFeature(scores.max(axis=2, keepdims=True), windows), frames
    )
    is_speech = binarize(speech.data.T, onset=SPEECH_ONSET, offset=SPEECH_OFFSET)[0].astype(bool)
    grid = speech.sliding_window
    n_grid = len(is_speech)
    if not items:
        return FrameLabels(np.full(n_grid, -1), grid[0].middle, grid.step, 0, None)

    embeddings = embed_many(encoder, speech_of_items(), len(items))
    weights = np.asarray(clean_s)
    founders = weights >= MIN_CLUSTERED_S
    if founders.sum() < 2:  # a very short call: every window founds
        founders = np.ones(len(items), dtype=bool)
    founder_labels = cluster_centroids(
        embeddings[founders],
        np.maximum(weights[founders], MIN_EMBEDDED_S),
        same_speaker_similarity,
        min_speakers,
        max_speakers,
    )
    n_speakers = int(founder_labels.max()) + 1
    centroids = _centroids(
        embeddings[founders],
        np.maximum(weights[founders], MIN_EMBEDDED_S),
        founder_labels,
        n_speakers,
    )
    closest = None
    if n_speakers > 1:
        between = centroids @ centroids.T
        np.fill_diagonal(between, -np.inf)
        closest = round(float(between.max()), 3)

    # Each window's local speakers map one-to-one to speakers (two voices in one window are two
    # people); a window with more local speakers than speakers maps the rest to their nearest.
    per_window = np.zeros((n_windows, n_frames, n_speakers), dtype=np.float32)
    similarity = embeddings @ centroids.T
    by_window: dict[int, list[int]] = {}
    for index, (w, _k) in enumerate(items):
        by_window.setdefault(w, []).append(index)
    for w, indices in by_window.items():
        rows, cols = linear_sum_assignment(-similarity[indices])
        assigned = {indices[r]: c for r, c in zip(rows, cols)}
        for index in indices:
            speaker = assigned.get(index, int(np.argmax(similarity[index])))
            k = items[index][1]
            per_window[w, :, speaker] = np.maximum(per_window[w, :, speaker], scores[w, :, k])
    activity = Inference.aggregate(SlidingWindowFeature(per_window, windows), frames).data
    activity = activity[:n_grid]
    # Speech heard only from voices too brief to embed belongs to nobody known: left unassigned.
    labels = np.where(is_speech & (activity.max(axis=1) > 0), np.argmax(activity, axis=1), -1)
    return FrameLabels(labels, grid[0].middle, grid.step, n_speakers, closest)
