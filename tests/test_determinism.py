"""Same audio, same config, same models: the same transcripts, findings and scores, every run.

faster-whisper re-decodes a segment that looks wrong by sampling from an unseeded generator
(its temperature fallback); callqa keeps temperature 0 ([asr] temperature_fallback = false).
Three `callqa run`s over the same stereo calls — a sample call and a noisy 8 kHz call of corpus
speech, the kind that makes whisper fall back — each in its own output folder (no shared
transcript cache), give byte-identical rows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest
import soundfile

from pipeline.config import PROJECT_ROOT
from pipeline.testing.callbuilder import PlannedTurn, build_call
from tests.conftest import CORPUS

CALLQA = [sys.executable, "-m", "pipeline.cli"]
QUERIES = {
    "segments": "SELECT call_id, seg_index, speaker, role, start_s, end_s, text, confidence FROM segments ORDER BY ALL",
    "findings": "SELECT call_id, category, rule_id, severity, role, start_s, end_s, evidence, details::VARCHAR, root_cause FROM findings ORDER BY ALL",
    "scores": "SELECT call_id, score, red_line_failed, flagged FROM scores ORDER BY ALL",
    "metrics": "SELECT call_id, overlap_s, max_gap_s FROM calls ORDER BY ALL",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory, corpus):
    root = tmp_path_factory.mktemp("same-audio")
    shutil.copy(PROJECT_ROOT / "data" / "samples" / "20261121-000002.wav", root / "sample.wav")
    turns = [
        PlannedTurn(CORPUS / "aishellsample_BAC009S0150W0082.wav", 0, 0.5),
        PlannedTurn(CORPUS / "aishellsample_BAC009S0252W0090.wav", 1, 0.4),
        PlannedTurn(CORPUS / "aishellsample_BAC009S0150W0083.wav", 0, -0.3),
        PlannedTurn(CORPUS / "aishellsample_BAC009S0252W0091.wav", 1, 0.6),
    ]
    samples, _ = build_call(turns, sample_rate=8_000, stereo=True, noise_snr_db=8.0)
    soundfile.write(str(root / "noisy.wav"), samples.T, 8_000)
    return root


def site_config(folder, lexicons=PROJECT_ROOT / "lexicons"):
    config = folder / "site.toml"
    config.write_text(
        f'[paths]\noutput_dir = "{folder / "out"}"\ndb = "{folder / "qa.duckdb"}"\n'
        f'snapshot = "{folder / "qa-read.duckdb"}"\nlexicons = "{lexicons}"\n'
        f'[models]\nwhisper = "{PROJECT_ROOT / "models" / "whisper-base"}"\n',
        encoding="utf-8",
    )
    return config


def callqa(config, *args):
    done = subprocess.run([*CALLQA, "--config", str(config), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def rows(folder) -> dict[str, list]:
    con = duckdb.connect(str(folder / "qa.duckdb"), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}
    finally:
        con.close()


def run_once(archive, folder, lexicons=PROJECT_ROOT / "lexicons") -> dict[str, list]:
    folder.mkdir()
    callqa(site_config(folder, lexicons), "run", str(archive), "-q")
    return rows(folder)


def test_three_runs_give_identical_rows(archive, tmp_path):
    first, *others = [run_once(archive, tmp_path / f"run{n}") for n in range(3)]
    assert first["segments"] and first["scores"]
    assert len({call for call, *_ in first["scores"]}) == 2
    for other in others:
        for name in QUERIES:
            assert other[name] == first[name], name
    # What makes the runs repeatable is recorded with each: config, rule data, model checksums.
    import json

    con = duckdb.connect(str(tmp_path / "run0" / "qa.duckdb"), read_only=True)
    try:
        (models, config_json, ruleset) = con.execute(
            "SELECT models, config, ruleset_version FROM runs"
        ).fetchone()
    finally:
        con.close()
    manifest = json.loads(
        (PROJECT_ROOT / "models" / "whisper-base" / "callqa-model.json").read_text()
    )
    assert json.loads(models)["whisper"] == manifest["model_sha256"]
    assert json.loads(config_json)["asr"]["temperature_fallback"] is False
    assert ruleset


def test_rescore_after_a_lexicon_change_equals_a_fresh_run(archive, tmp_path):
    """A site adds a rule of its own category and a new ruleset version; rescoring the stored calls
    gives the rows a fresh run with the new lexicons gives."""
    before = run_once(archive, tmp_path / "stored")
    lexicons = tmp_path / "lexicons"
    shutil.copytree(PROJECT_ROOT / "lexicons", lexicons)
    with open(lexicons / "rules.txt", "a", encoding="utf-8") as rules:
        rules.write(
            "broadcast.mention  custom.broadcast  info  match=agent:直播  "
            "cause=process_execution.off_topic\n"
        )
    (lexicons / "VERSION").write_text("site-change\n", encoding="utf-8")
    callqa(site_config(tmp_path / "stored", lexicons), "rescore")
    rescored = rows(tmp_path / "stored")
    fresh = run_once(archive, tmp_path / "fresh", lexicons)
    assert rescored["findings"] == fresh["findings"] and rescored["scores"] == fresh["scores"]
    assert {row[1] for row in rescored["findings"]} - {row[1] for row in before["findings"]} == {
        "custom.broadcast"
    }
