"""`callqa run` over a folder with good and bad recordings, into a real DuckDB file."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys

import duckdb
import numpy as np
import pytest
import soundfile

from .conftest import SAMPLES

pytestmark = pytest.mark.asr
CALLQA = [sys.executable, "-m", "pipeline.cli"]
GOOD = ["20261121-000001.wav", "20261121-000002.wav"]


def _truncated_wav() -> bytes:
    pcm = np.full(16000, 1000, dtype="<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return (header + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm)[:9000]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    (root / "2026" / "11" / "21").mkdir(parents=True)
    for name in GOOD:
        shutil.copy(SAMPLES / name, root / "2026" / "11" / "21" / name)
    shutil.copy(SAMPLES / "calls.csv", root)
    shutil.copy(SAMPLES / "agents.csv", root)
    bad = root / "bad"
    bad.mkdir()
    (bad / "text.wav").write_text("这不是音频\n" * 50, encoding="utf-8")
    (bad / "zero.wav").write_bytes(b"")
    (bad / "truncated.wav").write_bytes(_truncated_wav())
    soundfile.write(str(bad / "one_sample.wav"), np.array([0.3], dtype=np.float32), 8000)
    soundfile.write(str(bad / "silence.wav"), np.zeros((10 * 8000, 2), dtype=np.int16), 8000)
    return root


@pytest.fixture(scope="module")
def first_run(archive, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "callqa.duckdb"
    result = subprocess.run(
        [*CALLQA, "run", str(archive), "--db", str(db)], capture_output=True, text=True
    )
    return result, db


def _rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_run_finishes_with_summary(first_run):
    result, db = first_run
    assert result.returncode == 0, result.stderr
    summary = " ".join(result.stdout.split())
    assert "calls ok │ 3" in summary
    assert "calls failed │ 4" in summary
    assert "audio hours" in summary and "findings phrase.forbidden │ 1" in summary
    assert str(db.resolve()) in result.stdout


def test_bad_recordings_are_failed_with_their_reason_and_good_ones_written(first_run):
    _, db = first_run
    calls = {
        r[0]: r[1:]
        for r in _rows(
            db, "SELECT call_id, status, error_kind, error, n_segments, agent_id FROM calls"
        )
    }
    assert set(calls) == {
        "20261121-000001",
        "20261121-000002",
        "text",
        "zero",
        "truncated",
        "one_sample",
        "silence",
    }
    expected_errors = {
        "text": "not a readable audio file",
        "zero": "empty file (0 bytes)",
        "truncated": "truncated WAV",
        "one_sample": "too short to hold speech",
    }
    for call_id, reason in expected_errors.items():
        status, kind, error, n_segments, _ = calls[call_id]
        assert (status, kind) == ("failed", "AudioDecodeError")
        assert f"{call_id}.wav: " in error and reason in error
        assert n_segments == 0
    # digital silence is a valid recording with nothing said
    assert calls["silence"][:2] == ("ok", None) and calls["silence"][3] == 0
    for good in ("20261121-000001", "20261121-000002"):
        status, _, _, n_segments, agent_id = calls[good]
        assert status == "ok" and n_segments >= 3 and agent_id in ("A017", "A023")
    paths = dict(_rows(db, "SELECT call_id, audio_path FROM calls"))
    assert paths["20261121-000001"] == "2026/11/21/20261121-000001.wav"
    assert _rows(db, "SELECT count(*) FROM agents") == [(3,)]


def test_findings_have_times_evidence_and_role(first_run):
    _, db = first_run
    rows = _rows(
        db,
        "SELECT call_id, category, role, start_s, end_s, evidence, details, ruleset_version FROM findings "
        "WHERE category = 'phrase.forbidden'",
    )
    assert len(rows) == 1
    call_id, category, role, start, end, evidence, details, version = rows[0]
    assert (call_id, category, role) == ("20261121-000002", "phrase.forbidden", "agent")
    assert 14.0 < start < end < 25.3  # the agent's second turn on ch0
    assert "【废话】" in evidence
    assert json.loads(details)["phrase"] == "废话"
    assert version
    every = _rows(db, "SELECT category, start_s, end_s, evidence, root_cause FROM findings")
    for category, start, end, evidence, root_cause in every:
        assert 0.0 <= start <= end <= 25.3 and evidence and root_cause, (
            category,
            start,
            end,
            evidence,
        )


def test_rerun_replaces_rows_without_duplicates(first_run, archive):
    _, db = first_run

    def counts():
        return _rows(
            db,
            "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM segments), "
            "(SELECT count(*) FROM findings)",
        )

    before = counts()
    result = subprocess.run(
        [*CALLQA, "run", str(archive), "--db", str(db), "--quiet"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert counts() == before
    runs = _rows(
        db, "SELECT n_ok, n_failed, config_hash, callqa_version FROM runs ORDER BY started_at"
    )
    assert len(runs) == 2 and runs[0][:2] == runs[1][:2] == (3, 4)


def test_missing_archive_folder_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [*CALLQA, "run", str(tmp_path / "nope")], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "archive folder not found" in result.stderr and "Traceback" not in result.stderr
