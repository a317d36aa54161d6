"""Shared fixtures: the real model, the shared corpus, built calls with known ground truth."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

# Importing the library switches telemetry and hub downloads off (pipeline.OFFLINE_ENVIRONMENT).
from pipeline.config import PROJECT_ROOT, load_config

CORPUS = Path(os.environ.get("CALLQA_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus" / "zh"))
SAMPLES = PROJECT_ROOT / "data" / "samples"


@pytest.fixture(scope="session")
def config():
    cfg = load_config()
    from pipeline.provision.whisper import verify_whisper

    try:
        verify_whisper(cfg.models.whisper)
    except Exception as exc:  # the suite is run by `make test`, which installs the model first
        pytest.fail(f"{exc}")
    return cfg


@pytest.fixture(scope="session")
def corpus() -> dict[str, dict]:
    """Manifest rows of the shared corpus by file name; skips when the corpus is absent."""
    manifest = CORPUS / "manifest.tsv"
    if not manifest.is_file():
        pytest.skip(f"shared corpus not found at {CORPUS} (set CALLQA_CORPUS)")
    with open(manifest, encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def sample_truth() -> dict[str, dict]:
    """Ground truth of the committed sample calls, by call id."""
    out = {}
    for path in sorted(SAMPLES.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        out[truth["file"].rsplit(".", 1)[0]] = truth
    return out


@pytest.fixture(scope="module")
def prefect_api():
    """A temporary Prefect server for the flow tests of one module (it takes 10–20 s to start);
    per module, so that none is left running beside tests/test_serve.py's own servers."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def samples_db(config, tmp_path_factory):
    """The database `make run` produces: data/samples processed with the real model."""
    from pipeline.batch.session import run_archive

    db = tmp_path_factory.mktemp("samples") / "callqa.duckdb"
    summary = run_archive(SAMPLES, config, db)
    assert summary.n_ok == len(sample_truth())
    return summary
