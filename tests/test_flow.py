"""The nightly Prefect flow over copies of the sample archive: real model, real DuckDB, real Prefect.

ASR is the expensive part (about 25 s of CPU per pass over data/samples), so the first test —
a run killed with SIGKILL and started again — is the one full pass; the other tests are about
orchestration and reuse its transcripts through the transcript cache they all share.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date
from pathlib import Path

import duckdb
import pytest

from .conftest import SAMPLES

pytestmark = pytest.mark.asr
CALLQA = [sys.executable, "-m", "pipeline.cli"]
SAMPLE_CALLS = ["20261121-000001", "20261121-000002", "20261122-000003", "20261122-000004"]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """A site config whose output folder (transcript cache, reports) is shared by these tests."""
    folder = tmp_path_factory.getbasetemp() / "callqa-site"
    if not (folder / "site.toml").is_file():
        folder.mkdir(exist_ok=True)
        (folder / "site.toml").write_text(
            '[paths]\noutput_dir = "out"\ndb = "out/callqa.duckdb"\nsnapshot = "out/callqa-read.duckdb"\n'
            "[nightly]\nretries = 1\nretry_delay_s = 0\n",
            encoding="utf-8",
        )
    return folder / "site.toml"


def copy_samples(root: Path, names: list[str] | None = None) -> Path:
    root.mkdir(parents=True)
    for path in SAMPLES.iterdir():
        if path.suffix in (".wav", ".flac", ".ogg") and (names is None or path.stem in names):
            shutil.copy2(path, root / path.name)
    for meta in ("calls.csv", "agents.csv"):
        shutil.copy2(SAMPLES / meta, root / meta)
    return root


def write_excerpt(source: Path, target: Path, seconds: float) -> None:
    """The first `seconds` of a sample as a WAV: a recording with bytes of its own."""
    import soundfile

    samples, rate = soundfile.read(str(source), dtype="int16", always_2d=True)
    soundfile.write(str(target), samples[: int(seconds * rate)], rate, subtype="PCM_16")


def run_nightly(archive: Path, db: Path, site: Path, **options) -> dict:
    from flows.nightly import nightly

    return nightly(archive=str(archive), db=str(db), config_path=str(site), **options)


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def db_content(db: Path, call_ids: list[str]) -> dict[str, list[tuple]]:
    """Everything stored about these calls, minus what differs by run (ids, times, wall clock)."""
    ids = ", ".join(f"'{c}'" for c in call_ids)
    queries = {
        "calls": f"SELECT call_id, agent_id, started_at, audio_path, audio_sha256, duration_s, sample_rate, channels, "
        f"status, error, asr_model, n_segments, n_findings, call_date FROM calls WHERE call_id IN ({ids}) ORDER BY 1",
        "segments": f"SELECT * FROM segments WHERE call_id IN ({ids}) ORDER BY call_id, seg_index",
        "findings": f"SELECT * FROM findings WHERE call_id IN ({ids}) ORDER BY call_id, finding_index",
        "scores": f"SELECT * FROM scores WHERE call_id IN ({ids}) ORDER BY call_id",
        "score_items": f"SELECT * FROM score_items WHERE call_id IN ({ids}) ORDER BY call_id, item_id",
    }
    return {name: rows(db, sql) for name, sql in queries.items()}


def test_killed_run_resumes_with_every_call_exactly_once(prefect_api, site, tmp_path):
    archive, db = copy_samples(tmp_path / "archive"), tmp_path / "qa.duckdb"
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    # One call in flight: the kill lands while the second call is being transcribed.
    proc = subprocess.Popen(
        [
            *CALLQA,
            "--config",
            str(site),
            "nightly",
            str(archive),
            "--db",
            str(db),
            "--max-in-flight",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    first_written = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            output.append(line)
            if re.search(r"\[1/4\] \S+ ok", line):
                first_written.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert first_written.wait(300), "the run never wrote its first call:\n" + "".join(output)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    reader.join(10)
    assert not any("[4/4]" in line for line in output), "the run finished before it was killed"

    summary = run_nightly(archive, db, site)

    killed = rows(db, "SELECT run_id FROM runs WHERE finished_at IS NULL")
    assert len(killed) == 1, "the killed run is the one left unfinished"
    written_before_kill = rows(db, "SELECT count(*) FROM calls WHERE run_id = ?", [killed[0][0]])[
        0
    ][0]
    assert 1 <= written_before_kill < 4
    assert summary["n_skipped"] == written_before_kill
    assert summary["n_ok"] == 4 - written_before_kill and summary["n_failed"] == 0
    # every call exactly once, none lost, each complete
    assert (
        sorted(r[0] for r in rows(db, "SELECT call_id FROM calls WHERE status = 'ok'"))
        == SAMPLE_CALLS
    )
    assert rows(db, "SELECT count(*) FROM processed_files") == [(4,)]
    incomplete = rows(
        db,
        "SELECT c.call_id FROM calls c LEFT JOIN segments s USING (call_id) "
        "GROUP BY c.call_id, c.n_segments HAVING count(s.seg_index) <> c.n_segments OR c.n_segments = 0",
    )
    assert incomplete == []
    assert rows(db, "SELECT count(*) FROM calls c JOIN scores USING (call_id)") == [(4,)]


def test_nightly_writes_the_db_then_processes_only_what_is_new(prefect_api, site, tmp_path):
    archive, db = copy_samples(tmp_path / "archive"), tmp_path / "qa.duckdb"
    first = run_nightly(archive, db, site)
    assert (first["n_found"], first["n_ok"], first["n_failed"], first["n_skipped"]) == (4, 4, 0, 0)
    assert first["audio_s"] > 80 and first["real_time_factor"] > 0
    calls = {
        r[0]: r[1:]
        for r in rows(db, "SELECT call_id, status, agent_id, audio_path, n_segments FROM calls")
    }
    assert sorted(calls) == SAMPLE_CALLS
    assert all(status == "ok" and n_segments >= 3 for status, _, _, n_segments in calls.values())
    assert calls["20261121-000002"][1:3] == ("A023", "20261121-000002.wav")
    forbidden = rows(
        db, "SELECT call_id, role, evidence FROM findings WHERE category = 'phrase.forbidden'"
    )
    assert [(c, r) for c, r, _ in forbidden] == [
        ("20261121-000002", "agent")
    ] and "【废话】" in forbidden[0][2]
    assert first["findings_by_category"]["phrase.forbidden"] == 1
    processed = rows(
        db, "SELECT audio_path, status, run_id, call_id FROM processed_files ORDER BY 1"
    )
    assert [(p[0].split(".")[0], p[1], p[2]) for p in processed] == [
        (c, "ok", first["run_id"]) for c in SAMPLE_CALLS
    ]
    run = rows(
        db, "SELECT kind, n_ok, n_failed, n_skipped, flow_run_id, finished_at IS NOT NULL FROM runs"
    )
    assert len(run) == 1 and run[0][:4] == ("nightly", 4, 0, 0) and run[0][4] and run[0][5]
    report = Path(first["report_dir"])
    assert report.name == first["run_id"] and (report / "flagged_calls.html").is_file()
    assert (report / "flagged_calls.csv").is_file() and (report / "review_queue.csv").is_file()
    assert Path(first["snapshot"]).is_file()

    # touched, not changed: still the same recording
    os.utime(archive / "20261121-000001.wav", (time.time() + 60, time.time() + 60))
    second = run_nightly(archive, db, site)
    assert (second["n_ok"], second["n_failed"], second["n_skipped"]) == (0, 0, 4)
    assert second["report_dir"] == ""

    # one new recording (new bytes: the first 6 s of a sample), its metadata in a sidecar JSON
    new = archive / "2026" / "11" / "23" / "20261123-000005.wav"
    new.parent.mkdir(parents=True)
    write_excerpt(SAMPLES / "20261122-000003.flac", new, 6.0)
    new.with_name(new.name + ".json").write_text(
        json.dumps({"call_id": "C-5", "agent_id": "A031", "started_at": "2026-11-23T08:30:00"}),
        encoding="utf-8",
    )
    third = run_nightly(archive, db, site)
    assert (third["n_ok"], third["n_failed"], third["n_skipped"]) == (1, 0, 4)
    added = rows(
        db,
        "SELECT agent_id, started_at, audio_path, run_id, duration_s FROM calls WHERE call_id = 'C-5'",
    )
    assert added[0][0] == "A031" and added[0][2] == "2026/11/23/20261123-000005.wav"
    # 08:30 Asia/Shanghai, stored as UTC
    assert added[0][1].isoformat().startswith("2026-11-23T00:30:00")
    assert added[0][3] == third["run_id"] and added[0][4] == pytest.approx(6.0)

    # changed in place (same path, new bytes), and a byte-identical copy under a second name
    write_excerpt(SAMPLES / "20261121-000001.wav", archive / "20261121-000001.wav", 8.0)
    shutil.copy2(SAMPLES / "20261121-000002.wav", archive / "copy-of-000002.wav")
    fourth = run_nightly(archive, db, site)
    assert (fourth["n_ok"], fourth["n_failed"], fourth["n_skipped"]) == (1, 1, 4)
    assert rows(db, "SELECT count(*) FROM calls WHERE status = 'ok'") == [(5,)]
    assert rows(db, "SELECT duration_s FROM calls WHERE call_id = '20261121-000001'") == [
        (pytest.approx(8.0),)
    ]
    assert rows(db, "SELECT status, error_kind FROM calls WHERE call_id = 'copy-of-000002'") == [
        ("failed", "DuplicateRecording")
    ]
    fifth = run_nightly(archive, db, site)
    assert (fifth["n_ok"], fifth["n_failed"], fifth["n_skipped"]) == (0, 0, 6)


def test_bad_audio_fails_once_and_transient_errors_are_retried_next_run(
    prefect_api, site, tmp_path
):
    from pipeline.asr.cache import TranscriptCache, cache_dir
    from pipeline.audio.decode import file_sha256
    from pipeline.config import load_config

    archive, db = copy_samples(tmp_path / "archive", ["20261121-000001"]), tmp_path / "qa.duckdb"
    (archive / "broken.wav").write_text("这不是音频\n" * 50, encoding="utf-8")
    # A file where the cache wants a folder: writing the transcript raises an OSError on every try.
    config = load_config(site)
    sha = file_sha256(archive / "20261121-000001.wav")
    blocker = TranscriptCache(cache_dir(config)).path_for(sha, config).parent
    shutil.rmtree(blocker, ignore_errors=True)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("in the way", encoding="utf-8")
    try:
        first = run_nightly(archive, db, site)
    finally:
        blocker.unlink()
    assert (first["n_ok"], first["n_failed"], first["n_retry_next_run"]) == (0, 2, 1)
    failed = dict(rows(db, "SELECT call_id, error_kind FROM calls WHERE status = 'failed'"))
    assert failed == {"broken": "AudioDecodeError", "20261121-000001": "FileExistsError"}
    error = rows(db, "SELECT error FROM calls WHERE call_id = '20261121-000001'")[0][0]
    assert "failed 2 time(s)" in error and "tried again next run" in error
    # bad audio is done with; the transient failure is not
    assert rows(db, "SELECT audio_path, status FROM processed_files") == [("broken.wav", "failed")]

    second = run_nightly(archive, db, site)
    assert (second["n_ok"], second["n_failed"], second["n_skipped"]) == (1, 0, 1)
    third = run_nightly(archive, db, site, retry_failed=True)
    assert (third["n_ok"], third["n_failed"], third["n_skipped"]) == (0, 1, 1)


def test_backfill_takes_the_calls_of_its_days(prefect_api, site, tmp_path):
    from flows.nightly import backfill

    archive, db = copy_samples(tmp_path / "archive"), tmp_path / "qa.duckdb"
    # no calls.csv row: the folder says the day
    undated = archive / "2026" / "11" / "22" / "walk-in.wav"
    undated.parent.mkdir(parents=True)
    shutil.copy2(SAMPLES / "20261121-000001.wav", undated)
    summary = backfill(
        archive=str(archive),
        date_from=date(2026, 11, 22),
        date_to=date(2026, 11, 22),
        db=str(db),
        config_path=str(site),
    )
    assert (summary["n_ok"], summary["n_out_of_range"]) == (3, 2)
    assert sorted(r[0] for r in rows(db, "SELECT call_id FROM calls")) == [
        "20261122-000003",
        "20261122-000004",
        "walk-in",
    ]
    assert rows(db, "SELECT kind FROM runs") == [("backfill",)]


def test_dask_cluster_gives_the_same_db_as_the_thread_pool(prefect_api, site, tmp_path):
    from threadpoolctl import threadpool_limits

    # Two calls, transcribed again (refresh) on the workers: each worker process loads the model.
    calls = ["20261121-000001", "20261122-000003"]
    archive = copy_samples(tmp_path / "archive", calls)
    # Dask starts its workers with one BLAS thread (OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=1);
    # numpy's BLAS sums in another order with two, which moves whisper's timestamps by a step
    # (measured: a segment ending at 4.71 s ends at 4.69 s). Like for like: one BLAS thread here too.
    with threadpool_limits(limits=1):
        threads = run_nightly(archive, tmp_path / "threads.duckdb", site, refresh=True)
    on_dask = run_nightly(archive, tmp_path / "dask.duckdb", site, dask_workers=2, refresh=True)
    assert (threads["n_ok"], on_dask["n_ok"], on_dask["n_failed"]) == (2, 2, 0)
    assert db_content(tmp_path / "dask.duckdb", calls) == db_content(
        tmp_path / "threads.duckdb", calls
    )


def test_cached_transcripts_hold_no_raw_numbers_but_keep_pii_findings(site, tmp_path):
    from pipeline.asr.cache import TranscriptCache
    from pipeline.config import load_config
    from pipeline.process import detect
    from pipeline.types import AudioInfo, Recording, Segment, Transcript, Word

    config = load_config(site)
    text = "您好，我的手机号是13812345678，卡号6222020200112233445"
    words = tuple(Word(i * 0.1, i * 0.1 + 0.1, ch) for i, ch in enumerate(text))
    raw = Transcript(
        call_id="c1",
        segments=(Segment(0.0, 5.0, "ch1", "customer", text, words),),
        audio=AudioInfo("c1.wav", "ab" * 32, 5.0, 16000, 2),
        asr_model="whisper-base",
    )
    pii = detect(raw, config, detectors=("pii",))
    assert {f.category for f in pii} >= {"pii.phone"}
    cache = TranscriptCache(tmp_path / "cache")
    cache.store(raw, pii, True, config)
    stored = cache.path_for(raw.audio.sha256, config).read_text(encoding="utf-8")
    for number in ("13812345678", "6222020200112233445", "12345678", "0200112233"):
        assert number not in stored
    entry = cache.lookup(raw.audio.sha256, config)
    transcript, findings = entry.for_recording(Recording(Path("x/c2.wav"), "c2", "A017"))
    assert transcript.call_id == "c2" and transcript.audio.path == "x/c2.wav"
    assert "*" in transcript.segments[0].text and len(transcript.segments[0].text) == len(text)
    assert "".join(w.text for w in transcript.segments[0].words) == transcript.segments[0].text
    assert [f.category for f in findings] == [f.category for f in pii] and all(
        f.call_id == "c2" for f in findings
    )
    assert (
        TranscriptCache(tmp_path / "cache", refresh=True).lookup(raw.audio.sha256, config) is None
    )


def test_rescore_applies_changed_lexicons_without_audio(prefect_api, site, tmp_path):
    from pipeline.config import PROJECT_ROOT

    archive, db = copy_samples(tmp_path / "archive", ["20261121-000002"]), tmp_path / "qa.duckdb"
    run_nightly(archive, db, site)
    forbidden = "SELECT count(*) FROM findings WHERE category = 'phrase.forbidden'"
    assert rows(db, forbidden) == [(1,)]
    segments_before = rows(db, "SELECT * FROM segments ORDER BY seg_index")
    metrics = "SELECT agent_talk_s, customer_talk_s, max_gap_s, agent_chars_per_min FROM calls"
    metrics_before = rows(db, metrics)
    assert metrics_before[0][0] > 0
    audio_findings = (
        "SELECT category, start_s, evidence FROM findings WHERE category NOT LIKE 'phrase.%' "
        "AND category NOT LIKE 'script.%' ORDER BY ALL"
    )
    audio_findings_before = rows(db, audio_findings)
    lexicons = shutil.copytree(PROJECT_ROOT / "lexicons", tmp_path / "lexicons")
    phrases = lexicons / "forbidden_phrases.txt"
    phrases.write_text(
        "".join(
            line
            for line in phrases.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("废话")
        ),
        encoding="utf-8",
    )
    shutil.rmtree(archive)  # no audio from here on
    out = Path(site).parent / "out"

    def rescore(output_dir: Path, lexicon_dir: Path) -> str:
        config = tmp_path / "rescore.toml"
        config.write_text(
            f'[paths]\noutput_dir = "{output_dir}"\nlexicons = "{lexicon_dir}"\n', encoding="utf-8"
        )
        result = subprocess.run(
            [*CALLQA, "--config", str(config), "rescore", "--db", str(db)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return " ".join(result.stdout.split())

    assert "1 call rescored (1 from cached transcripts, 0 from stored segments)" in rescore(
        out, lexicons
    )
    assert rows(db, forbidden) == [(0,)]
    assert rows(db, "SELECT * FROM segments ORDER BY seg_index") == segments_before
    # what needs the audio is carried over, not lost
    assert rows(db, metrics) == metrics_before and rows(db, audio_findings) == audio_findings_before
    # no cached transcript (another output folder): the stored, masked segments are used
    assert "(0 from cached transcripts, 1 from stored segments)" in rescore(
        tmp_path / "elsewhere", PROJECT_ROOT / "lexicons"
    )
    assert rows(db, forbidden) == [(1,)]
    assert rows(db, "SELECT kind, archive IS NOT NULL FROM runs ORDER BY started_at") == [
        ("nightly", True),
        ("rescore", True),
        ("rescore", True),
    ]


def test_rescore_writes_the_rows_a_call_by_call_rewrite_would(tmp_path, monkeypatch):
    """rescore's batch writer (upserts, unchanged segments left in place) against the nightly run's
    per-call writer: the same rows, also where findings, score items and segments go away."""
    from datetime import datetime

    from pipeline.batch.rescore import rescore
    from pipeline.config import load_config
    from pipeline.process import detect
    from pipeline.scoring.scorecard import load_scorecard, score_call
    from pipeline.store.runs import start_run
    from pipeline.store.writer import StoreWriter
    from pipeline.types import (
        AudioInfo,
        CallMetrics,
        CallResult,
        Finding,
        PartyRoles,
        Recording,
        Segment,
        Transcript,
    )

    config = load_config()
    scorecard = load_scorecard(str(config.paths.lexicons))
    lines = [
        ("agent", "您好，很高兴为您服务，请问有什么可以帮您？"),
        ("customer", "我的手机号是幺三八幺二"),
        ("customer", "三四五六七八。"),
        ("agent", "这个我也没办法，您可以找别的部门。"),
        ("customer", "你们再不处理我就去投诉。"),
        ("agent", "感谢您的来电，再见。"),
    ]
    db = tmp_path / "qa.duckdb"
    with StoreWriter(db, None) as writer:
        run_id = start_run(
            writer.con,
            version="test",
            archive="/archive",
            config={},
            config_hash="t",
            asr_model="m",
            ruleset_version="old",
        )
        for i in range(4):
            segments = tuple(
                Segment(
                    2.0 * k + 0.5,
                    2.0 * k + 2.0,
                    "ch0" if role == "agent" else "ch1",
                    role,
                    text,
                    confidence=0.5 if k % 2 else None,
                )
                for k, (role, text) in enumerate(lines[: 6 - i])
                if i != 3
            )
            transcript = Transcript(
                f"c{i}",
                segments,
                AudioInfo(f"c{i}.wav", f"{i:064d}", 12.5, 8000, 2),
                "whisper-base",
                roles=PartyRoles("channels", 2, "ch0") if i == 0 else None,
            )
            findings = detect(transcript, config)
            if i == 0:  # a finding of the acoustic stage, carried over
                findings.append(
                    Finding(
                        "c0",
                        "silence.dead_air",
                        "dead_air",
                        "minor",
                        "both",
                        3.0,
                        9.0,
                        "（静音）",
                        {"gap_s": 6.0},
                        "old",
                        "old",
                    )
                )
            if i == 1:  # found by an older lexicon: rescoring drops it and its score item
                findings.append(
                    Finding(
                        "c1",
                        "phrase.overpromise",
                        "overpromise.guarantee",
                        "major",
                        "agent",
                        0.5,
                        2.0,
                        "【保证】",
                        {},
                        "old",
                        "old",
                    )
                )
            metrics = CallMetrics(
                12.5, 5.0, 4.0, 0.0, 3.5, 0.28, 2.0, 0, 0, 0.1, 1.25, 0.0, 0.0, 180.0, None
            )
            started = datetime(2026, 11, 20, 23, 30, tzinfo=UTC) if i % 2 else None
            writer.write_call(
                CallResult(
                    Recording(Path(f"c{i}.wav"), f"c{i}", "A1", started, f"c{i}.wav"),
                    "ok",
                    transcript,
                    tuple(findings),
                    score_call(findings, scorecard),
                    metrics=metrics if i == 0 else None,
                    wall_s=1.25,
                ),
                run_id,
            )
        # a mono call whose roles could not be decided: its decision, finding and missing score stay
        undetermined = Transcript(
            "c4",
            tuple(
                Segment(2.0 * k, 2.0 * k + 1.5, f"spk{k % 2}", "unknown", text)
                for k, (_, text) in enumerate(lines)
            ),
            AudioInfo("c4.wav", f"{4:064d}", 12.5, 8000, 1),
            "whisper-base",
            roles=PartyRoles("undetermined", 2, None, 0.41, ("closing",)),
        )
        findings = detect(undetermined, config)
        writer.write_call(
            CallResult(
                Recording(Path("c4.wav"), "c4", "A1", None, "c4.wav"),
                "ok",
                undetermined,
                tuple(findings),
                score_call(findings, scorecard),
            ),
            run_id,
        )
        writer.write_call(
            CallResult(
                Recording(Path("bad.wav"), "bad"),
                "failed",
                error="bad.wav: not audio",
                error_kind="AudioDecodeError",
            ),
            run_id,
        )
        # written before masking: the rewrite masks it; an index gap: the rewrite renumbers
        writer.execute(
            "UPDATE segments SET text = '卡号6222020200112233445' WHERE call_id = 'c2' AND seg_index = 1"
        )
        writer.execute(
            "UPDATE segments SET seg_index = seg_index + 2 WHERE call_id = 'c1' AND seg_index > 2"
        )
    shutil.copyfile(db, tmp_path / "per-call.duckdb")

    batch = rescore(config, db, None, tmp_path / "no-cache")
    monkeypatch.setattr(
        StoreWriter,
        "replace_calls",
        lambda self, results, run_id, stored_segments: self.write_calls(results, run_id),
    )
    per_call = rescore(config, tmp_path / "per-call.duckdb", None, tmp_path / "no-cache")

    assert batch.n_calls == per_call.n_calls == 5 and batch.n_from_db == 5
    tables = {
        "calls": "SELECT * EXCLUDE (run_id, processed_at), run_id IS NOT NULL FROM calls ORDER BY call_id",
        "segments": "SELECT * FROM segments ORDER BY call_id, seg_index",
        "findings": "SELECT * FROM findings ORDER BY call_id, finding_index",
        "scores": "SELECT * FROM scores ORDER BY call_id",
        "score_items": "SELECT * FROM score_items ORDER BY call_id, item_id",
        "runs": "SELECT kind, archive, n_ok, n_failed, audio_s FROM runs ORDER BY kind NULLS FIRST",
    }
    for table, sql in tables.items():
        assert rows(db, sql) == rows(tmp_path / "per-call.duckdb", sql), table
    assert rows(db, "SELECT count(*) FROM findings WHERE category = 'phrase.overpromise'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM segments WHERE text LIKE '%6222020200112233445%'") == [
        (0,)
    ]
    assert rows(db, "SELECT max(seg_index) FROM segments WHERE call_id = 'c1'") == [(4,)]
    assert rows(db, "SELECT agent_talk_s FROM calls WHERE call_id = 'c0'") == [(5.0,)]
    assert rows(
        db,
        "SELECT call_id, roles_method, role_cues FROM calls WHERE call_id IN ('c0', 'c4') ORDER BY 1",
    ) == [
        ("c0", "channels", []),
        ("c4", "undetermined", ["closing"]),
    ]
    assert rows(db, "SELECT category FROM findings WHERE call_id = 'c4'") == [
        ("roles.undetermined",)
    ]
    assert rows(db, "SELECT score, flagged FROM scores WHERE call_id = 'c4'") == [(None, True)]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["nightly", "/no/such/archive"], "/no/such/archive: archive folder not found"),
        (
            ["backfill", str(SAMPLES), "--from", "2026-11-30", "--to", "2026-11-01"],
            "--from 2026-11-30 is after --to 2026-11-01",
        ),
        (
            ["backfill", str(SAMPLES), "--from", "yesterday", "--to", "2026-11-01"],
            "--from 'yesterday' is not a date",
        ),
        (
            ["nightly", str(SAMPLES), "--dask-address", "tcp://h:1", "--dask-workers", "2"],
            "not allowed with argument",
        ),
    ],
)
def test_flow_commands_refuse_bad_arguments_with_a_sentence(arguments, message):
    result = subprocess.run([*CALLQA, *arguments], capture_output=True, text=True)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
