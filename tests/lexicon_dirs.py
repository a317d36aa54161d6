"""Lexicon directories for tests and the evaluation scripts.

The shipped directory holds the phrase model (lexicons/phrase_model.tsv) beside the rules. The
tables that pin down what the rules themselves catch, and `phrase_eval --rules-only`, read a
copy without it, so a rule's test says what the rule does; the model has its own tests.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.phrases.model import MODEL_FILE

SHIPPED = PROJECT_ROOT / "lexicons"


@lru_cache(maxsize=1)
def rules_only() -> Path:
    """A copy of the shipped lexicons without the phrase model, made once per process."""
    scratch = Path(tempfile.mkdtemp(prefix="callqa-rules-only-"))
    atexit.register(shutil.rmtree, scratch, True)
    folder = scratch / "lexicons"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns(MODEL_FILE))
    return folder
