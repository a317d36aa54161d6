"""The set-up check run before any audio is read: a missing model or a broken lexicon stops a
run at once, with the file and the reason, instead of failing every call of the night."""

from __future__ import annotations

from pipeline.config import Config
from pipeline.detectors import registry
from pipeline.provision.whisper import verify_whisper
from pipeline.scoring.root_causes import load_root_causes
from pipeline.scoring.scorecard import load_scorecard


def check_setup(config: Config) -> None:
    """Fail fast on a missing model, scorecard, root-cause map or any detector's rule data."""
    verify_whisper(config.models.whisper)
    lexicons = str(config.paths.lexicons)
    load_root_causes(lexicons)
    load_scorecard(lexicons)
    registry.check_setup(config.detectors.enabled, lexicons)
