"""The set-up check run before any audio is read: a missing model or a broken lexicon stops a
run at once, with the file and the reason, instead of failing every call of the night."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import Config
from pipeline.detectors import registry
from pipeline.provision.whisper import MANIFEST_NAME, verify_whisper
from pipeline.scoring.root_causes import load_root_causes
from pipeline.scoring.scorecard import load_scorecard


def model_checksums(config: Config) -> dict[str, str | None]:
    """sha256 of each model a run uses, from its install manifest (None: no manifest, a
    user-provided model); for runs.models. Reads the manifests only: no model is hashed."""

    def manifest_sha(folder: Path) -> str | None:
        try:
            return json.loads((folder / MANIFEST_NAME).read_text())["model_sha256"]
        except (OSError, ValueError, KeyError):
            return None

    checksums = {"whisper": manifest_sha(config.models.whisper)}
    if config.diarization.enabled and config.diarization.backend == "embedded":
        checksums["segmentation"] = manifest_sha(config.diarization.segmentation)
        checksums["embedding"] = manifest_sha(config.diarization.embedding)
    return checksums


def check_setup(config: Config) -> None:
    """Fail fast on a missing model, scorecard, root-cause map or any detector's rule data."""
    verify_whisper(config.models.whisper)
    lexicons = str(config.paths.lexicons)
    load_root_causes(lexicons)
    load_scorecard(lexicons)
    registry.check_setup(config.detectors.enabled, lexicons)
