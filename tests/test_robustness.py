"""A batch over 19 kinds of bad and awkward input finishes, with a clear status for each call."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from . import bad_inputs

pytestmark = pytest.mark.asr


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    expect = bad_inputs.build(root / "archive")
    db = root / "callqa.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(root / "archive"), "--db", str(db), "-q"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return expect, db, result


def test_batch_finishes_with_a_status_per_recording(corpus_run):
    expect, db, result = corpus_run
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    con = duckdb.connect(str(db), read_only=True)
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT call_id, status, error, n_segments, agent_id, started_at FROM calls"
        ).fetchall()
    }
    con.close()
    assert len(expect) >= 19
    missing = set(expect) - set(rows)
    assert not missing, f"recordings lost: {missing}"
    for call_id, (status, phrase) in expect.items():
        got_status, error = rows[call_id][:2]
        assert got_status == status, (call_id, got_status, error)
        if phrase:
            assert phrase in error and error.split(": ")[0].endswith(".wav"), (call_id, error)
        else:
            assert error is None
    assert rows["digital_silence_5min"][2] == 0  # processed, nothing said
    assert rows["mulaw_8k"][2] > 0 and rows["float_48k"][2] > 0 and rows["long_call"][2] > 0
    assert rows["no_agent"][3] is None
    assert rows["bad_csv_row"][4] is None  # the unparseable time is left empty, the call kept


def test_metadata_problems_are_warnings_naming_file_and_line(corpus_run):
    _, _, result = corpus_run
    warnings = result.stdout + result.stderr
    assert "calls.csv:3: started_at 'yesterday at noon' is not an ISO 8601 time" in warnings
    assert "calls.csv:4: empty call_id" in warnings


def test_rerun_writes_nothing_twice(corpus_run):
    expect, db, _ = corpus_run
    archive = db.parent / "archive"
    # their rows stay; re-reading them costs minutes
    for slow in (
        "long_call.wav",
        "digital_silence_5min.wav",
    ):
        (archive / slow).rename(db.parent / slow)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            str(db.parent / "archive"),
            "--db",
            str(db),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT call_id) FROM calls").fetchall() == [
        (len(expect), len(expect))
    ]
    assert con.execute("SELECT status FROM calls WHERE call_id = 'copy_b'").fetchall() == [
        ("failed",)
    ]
    con.close()


@pytest.mark.parametrize(
    "file, broken, message",
    [
        ("forbidden_phrases.txt", "没办法  no_such_group  minor\n", "forbidden_phrases.txt:"),
        ("scorecard.toml", "version = \n", "scorecard.toml: not valid TOML"),
        ("root_causes.txt", "only_one_column\n", "root_causes.txt:"),
        ("pii_context.txt", "\xff\n", "pii_context.txt"),
    ],
)
def test_rule_data_errors_stop_the_run_before_any_audio(tmp_path, file, broken, message):
    """A broken lexicon or scorecard stops `callqa run` with file (and line) before audio is read."""
    import shutil

    from pipeline.config import PROJECT_ROOT

    lexicons = tmp_path / "lexicons"
    shutil.copytree(PROJECT_ROOT / "lexicons", lexicons)
    target = lexicons / file
    if file.endswith(".toml"):
        target.write_text(broken, encoding="utf-8")
    elif broken == "\xff\n":
        target.write_bytes(target.read_bytes() + b"\xff\xfe\n")
    else:
        target.write_text(target.read_text(encoding="utf-8") + broken, encoding="utf-8")
    site = tmp_path / "site.toml"
    site.write_text(f'[paths]\nlexicons = "{lexicons}"\n', encoding="utf-8")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "call.wav").write_bytes(b"")  # would fail as 'empty file' if audio were read
    db = tmp_path / "x.duckdb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "--config",
            str(site),
            "run",
            str(archive),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert "empty file" not in result.stdout + result.stderr and not db.exists()
