"""CAM++ as a pyannote.audio embedding model, and a pyannote pipeline folder built on it.

`[diarization] backend = "pipeline"` runs a full pyannote pipeline from a local folder (e.g.
speaker-diarization-community-1, copied from a machine with internet access). Sites without one
can write an equivalent folder from the models `callqa models install` provisions:
`write_pipeline_folder(folder, segmentation, embedding)` (`callqa models pipeline DIR`) lays out
pyannote's own SpeakerDiarization (segmentation-3.0, overlap-aware) with CAM++ embeddings and
agglomerative clustering. pyannote loads the embedding checkpoint by the class it names, so the
class is `CamPlusPlusEmbedding` here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from pyannote.audio import Model
from pyannote.audio.core.plda import PLDA
from pyannote.audio.core.task import Problem, Resolution, Specifications
from pyannote.audio.pipelines import SpeakerDiarization

from pipeline.parties.campplus import EMBEDDING_DIM, MEL_BINS, _campplus_module, fbank

CHECKPOINT_NAME = "pytorch_model.bin"  # what pyannote's Model.from_pretrained(folder) reads
# Agglomerative clustering on CAM++ cosine distances; pyannote's own parameter names.
PIPELINE_CONFIG = """\
# A pyannote.audio speaker-diarization pipeline written by `callqa models pipeline`: pyannote's
# SpeakerDiarization with segmentation-3.0 and CAM++ speaker embeddings, both under $model/ (this
# folder). Nothing is fetched from a hub. Load with Pipeline.from_pretrained(folder).
pipeline:
  name: pipeline.parties.pyannote_campplus.CamPlusPlusSpeakerDiarization
  params:
    segmentation: $model/segmentation
    embedding: $model/embedding
    embedding_exclude_overlap: true
    segmentation_step: 0.25
params:
  segmentation:
    min_duration_off: 0.0
  clustering:
    method: centroid
    min_cluster_size: 12
    threshold: {threshold}
"""
# Cosine distance under which two clusters are one speaker (1 - similarity).
CLUSTERING_THRESHOLD = 0.6


class CamPlusPlusEmbedding(Model):
    """3D-Speaker's CAM++ behind pyannote's Model interface: (batch, 1, samples) -> (batch, 192).

    `weights` (batch, frames), pyannote's per-frame speaker activity, keep only the frames where
    the speaker is active (CAM++'s statistics pooling takes no weights).
    """

    def __init__(self, sample_rate: int = 16_000, num_channels: int = 1, task=None):
        super().__init__(sample_rate=sample_rate, num_channels=num_channels, task=task)
        self.network = _campplus_module().CAMPPlus(
            feat_dim=MEL_BINS, embedding_size=EMBEDDING_DIM, memory_efficient=False
        )
        self.specifications = Specifications(
            problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=10.0
        )

    @property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    def forward(self, waveforms: torch.Tensor, **kwargs) -> torch.Tensor:
        weights: torch.Tensor | None = kwargs.get("weights")
        out = []
        for index, wave in enumerate(waveforms[:, 0].detach().cpu().numpy()):
            features = fbank(wave)
            if weights is not None:
                active = weights[index].detach().cpu().numpy() > 0.5
                picked = active[
                    np.minimum(
                        np.arange(len(features)) * len(active) // len(features), len(active) - 1
                    )
                ]
                if picked.sum() >= 10:  # 0.1 s of speech at least, else the whole chunk
                    features = features[picked]
            out.append(self.network(torch.from_numpy(features)[None])[0])
        return torch.stack(out)


def save_embedding_checkpoint(weights_file: Path, folder: Path) -> Path:
    """A pyannote checkpoint of CAM++ with the weights of `weights_file`, in `folder`."""
    import lightning
    import pyannote.audio

    model = CamPlusPlusEmbedding()
    model.network.load_state_dict(torch.load(weights_file, map_location="cpu", weights_only=True))
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = {
        "state_dict": model.state_dict(),
        "hyper_parameters": dict(model.hparams),
        "pytorch-lightning_version": lightning.__version__,
        "pyannote.audio": {
            "versions": {"pyannote.audio": pyannote.audio.__version__},
            "architecture": {"module": __name__, "class": type(model).__name__},
            "specifications": model.specifications,
        },
    }
    torch.save(checkpoint, folder / CHECKPOINT_NAME)
    return folder / CHECKPOINT_NAME


def write_pipeline_folder(
    folder: Path,
    segmentation: Path,
    embedding: Path,
    threshold: float = CLUSTERING_THRESHOLD,
) -> Path:
    """A pyannote pipeline folder (config.yaml, segmentation/, embedding/) from the installed
    segmentation-3.0 folder and CAM++ weights file; returns the folder."""
    folder = Path(folder)
    (folder / "segmentation").mkdir(parents=True, exist_ok=True)
    target = folder / "segmentation" / CHECKPOINT_NAME
    target.unlink(missing_ok=True)
    target.write_bytes((Path(segmentation) / CHECKPOINT_NAME).read_bytes())
    save_embedding_checkpoint(Path(embedding), folder / "embedding")
    (folder / "config.yaml").write_text(
        PIPELINE_CONFIG.format(threshold=threshold), encoding="utf-8"
    )
    return folder


class CamPlusPlusSpeakerDiarization(SpeakerDiarization):
    """pyannote's SpeakerDiarization with agglomerative clustering and no PLDA.

    pyannote loads a PLDA whatever the clustering, but only VBx clustering uses one, and the
    published PLDA belongs to another embedding: an empty stand-in is passed instead.
    """

    def __init__(self, **params):
        params.setdefault("clustering", "AgglomerativeClustering")
        params["plda"] = PLDA.__new__(PLDA)
        super().__init__(**params)
