"""Exports that are safe to open: spreadsheet formulas neutralised in every CSV cell, values that
round-trip for analysts, and recordings linked from outside the archive never read."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.reporting.report import write_report
from pipeline.reporting.spreadsheet import (
    FORMULA_TRIGGERS,
    read_csv,
    safe_cell,
    unescape_cell,
    write_csv,
)
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.reader import connect_reader
from pipeline.store.runs import start_run, write_agents
from pipeline.store.writer import StoreWriter

from .conftest import SAMPLES
from .factories import call_result, finding

CALLQA = [sys.executable, "-m", "pipeline.cli"]
SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))
# What a roster, a sidecar, a file name or ASR text could start with (OWASP's list).
HOSTILE = [
    '=HYPERLINK("http://evil.example/x","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
]


@pytest.mark.parametrize(
    "value, shown",
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("'quoted", "''quoted"),  # so that reading back strips exactly one quote
        ("A017", "A017"),
        ("您好=1", "您好=1"),
        ("", ""),
        (None, None),
        (-2.5, -2.5),  # numbers are numbers to a spreadsheet, not formulas
        (3, 3),
        (True, True),
    ],
)
def test_safe_cell(value, shown):
    assert safe_cell(value) == shown
    if isinstance(value, str):
        assert unescape_cell(safe_cell(value)) == value


def test_written_cells_round_trip_with_the_csv_module_polars_and_duckdb(tmp_path):
    path = tmp_path / "x.csv"
    rows = [[value, i] for i, value in enumerate(HOSTILE)]
    write_csv(path, ["text", "n"], rows)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel and WPS read UTF-8
    with open(path, newline="", encoding="utf-8-sig") as handle:
        cells = [row[0] for row in list(csv.reader(handle))[1:]]
    assert not [c for c in cells if c.startswith(FORMULA_TRIGGERS)]
    assert [unescape_cell(c) for c in cells] == HOSTILE
    assert read_csv(path)["text"].to_list() == HOSTILE
    # The documented DuckDB recipe gives the same values.
    unquoted = duckdb.execute(
        "SELECT regexp_replace(text, '^''', '') FROM read_csv(?, all_varchar = true) ORDER BY n::INT",
        [str(path)],
    ).fetchall()
    assert [row[0] for row in unquoted] == HOSTILE


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """A store whose every free-text source is hostile: roster name and team, call and agent
    ids (sidecar), file name, evidence text."""
    root = tmp_path_factory.mktemp("hostile")
    db = root / "h.duckdb"
    with StoreWriter(db, root / "h-read.duckdb", 3600) as writer:
        run_id = start_run(
            writer,
            version="t",
            archive=str(root / "archive"),
            config={},
            config_hash="t",
            asr_model="t",
            ruleset_version="t",
        )
        for i, value in enumerate(HOSTILE):
            agent_id = f"{value}-agent" if i % 2 else value
            write_agents(writer, [(agent_id, f"{value} name", f"{value} team", None)])
            call_id = f"{value}#{i}"
            red_line = finding(
                call_id,
                "pii.id_card",
                "pii.id_card",
                severity="critical",
                evidence=f"{value} evidence",
            )
            result = call_result(
                call_id, [red_line], SCORECARD, agent_id=agent_id, path=f"{value}/{value}.wav"
            )
            writer.write_call(result, run_id)
    con = connect_reader(root / "h-read.duckdb")
    files = write_report(con, root / "report", run_id=run_id, sample_percent=100)
    con.close()
    return files


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("export", ["flagged_csv", "review_csv"])
def test_no_export_cell_is_a_formula(hostile_report, export):
    rows = _cells(getattr(hostile_report, export))
    assert len(rows) > len(HOSTILE)  # header + every hostile call
    live = [cell for row in rows for cell in row if cell.startswith(FORMULA_TRIGGERS)]
    assert live == []
    shown = {unescape_cell(cell) for row in rows for cell in row}
    for value in HOSTILE:  # still there, readable, one quote away from the original
        assert f"{value} name" in shown and f"{value} team" in shown


def test_flagged_csv_keeps_ids_paths_and_evidence(hostile_report):
    table = read_csv(hostile_report.flagged_csv)
    assert {f"{value}#{i}" for i, value in enumerate(HOSTILE)} == set(table["call_id"])
    assert {f"{value} evidence" for value in HOSTILE} <= set(table["evidence"])
    assert all(link.startswith("file://") for link in table["recording_at"])


def _write_wav_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


@pytest.mark.asr
def test_hostile_names_from_the_archive_reach_no_cell(tmp_path):
    """Real files: a hostile file name, sidecar ids and roster, through `callqa run` and `report`."""
    archive = tmp_path / "archive"
    first, second = sorted(SAMPLES.rglob("*.wav"))[:2]
    _write_wav_copy(first, archive / "=1+2.wav")
    _write_wav_copy(second, archive / "b" / "call.wav")
    (archive / "b" / "call.wav.json").write_text(
        json.dumps({"call_id": "@SUM(A1)", "agent_id": "-A9+1"}), encoding="utf-8"
    )
    (archive / "agents.csv").write_text(
        'agent_id,name,team\n-A9+1,"=HYPERLINK(""http://evil.example/x"",""click"")",+team\n',
        encoding="utf-8",
    )
    db = tmp_path / "qa.duckdb"
    site = tmp_path / "site.toml"  # every call in the review queue, so every value reaches a CSV
    site.write_text(
        f'[paths]\noutput_dir = "{tmp_path / "out"}"\n[review]\nsample_percent = 100\n',
        encoding="utf-8",
    )
    callqa = [*CALLQA, "--config", str(site)]
    run = subprocess.run(
        [*callqa, "run", str(archive), "--db", str(db), "-q"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "report"
    report = subprocess.run(
        [*callqa, "report", "--db", str(db), "-o", str(out)], capture_output=True, text=True
    )
    assert report.returncode == 0, report.stderr
    for name in ("flagged_calls.csv", "review_queue.csv"):
        rows = _cells(out / name)
        assert [c for row in rows for c in row if c.startswith(FORMULA_TRIGGERS)] == [], name
    queue = read_csv(out / "review_queue.csv")
    assert set(queue["call_id"]) == {"=1+2", "@SUM(A1)"}
    assert '=HYPERLINK("http://evil.example/x","click")' in set(queue["agent_name"])
    assert "-A9+1" in set(queue["agent_id"]) and "+team" in set(queue["team"])
    raw = (out / "review_queue.csv").read_text(encoding="utf-8-sig")
    assert "'=1+2" in raw and "'@SUM(A1)" in raw and "'-A9+1" in raw


# --- symbolic links --------------------------------------------------------------------------


@pytest.fixture
def linked_archive(tmp_path):
    archive = tmp_path / "archive"
    sample = sorted(SAMPLES.rglob("*.wav"))[0]
    _write_wav_copy(sample, archive / "real" / "call.wav")
    outside = tmp_path / "elsewhere" / "secret.wav"
    _write_wav_copy(sample, outside)
    (archive / "pw.wav").symlink_to("/etc/passwd")
    (archive / "out.wav").symlink_to(outside)
    (archive / "inside.wav").symlink_to(Path("real") / "call.wav")
    (archive / "real" / "loop").symlink_to(archive)  # a loop: never followed
    return archive, outside


def test_links_out_of_the_archive_are_not_read(linked_archive):
    from pipeline.batch.archive import outside_link, scan_archive

    archive, outside = linked_archive
    found = {r.shown_path: r for r in scan_archive(archive).recordings}
    assert set(found) == {"inside.wav", "out.wav", "pw.wav", "real/call.wav"}
    assert outside_link(found["pw.wav"].path, archive) == Path("/etc/passwd")
    assert outside_link(found["out.wav"].path, archive) == outside.resolve()
    assert outside_link(found["inside.wav"].path, archive) is None
    assert outside_link(found["real/call.wav"].path, archive) is None


@pytest.mark.asr
def test_a_run_records_links_out_of_the_archive_as_failed(linked_archive, tmp_path, config):
    from dataclasses import replace

    from pipeline.batch.session import run_archive

    archive, outside = linked_archive
    db = tmp_path / "links.duckdb"
    summary = run_archive(archive, config, db)
    failures = dict(summary.failures)
    assert "pw" in failures and "out" in failures
    assert "pw.wav: a symbolic link to /etc/passwd, outside the archive" in failures["pw"]
    assert "follow_symlinks_outside" in failures["pw"]
    assert str(outside.resolve()) in failures["out"]
    con = duckdb.connect(str(db), read_only=True)
    kinds = dict(con.execute("SELECT call_id, error_kind FROM calls").fetchall())
    con.close()
    assert kinds["pw"] == kinds["out"] == "SymlinkOutsideArchive"
    # The link inside the archive works: it is the same bytes as real/call.wav, so a duplicate.
    assert kinds["inside"] == "DuplicateRecording" or kinds["call"] == "DuplicateRecording"
    # Allowed by the site: the link out is read like any file.
    allowed = replace(config, archive=replace(config.archive, follow_symlinks_outside=True))
    summary = run_archive(archive, allowed, tmp_path / "allowed.duckdb")
    assert not [error for _, error in summary.failures if "outside the archive" in error]
    # /etc/passwd was read this time, and is no audio: failed for that reason instead.
    assert "not a" in dict(summary.failures)["pw"]
