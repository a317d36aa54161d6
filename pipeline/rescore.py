"""`callqa rescore`: re-apply the current lexicons and scorecard to calls already transcribed.

No audio is read. The phrase and script detectors re-run on each successfully processed call,
from its cached transcript (pipeline.transcript_cache, under the current model and ASR options)
or, when the cache has no entry for it, from the segments stored in DuckDB (masked text, no word
times: detectors fall back to segment times). What needs the audio or the raw digits — the
acoustic stage's findings and metrics, and PII findings (see pipeline.transcript_cache) — is
carried over as stored, with root causes mapped again. Each call is rewritten in one
transaction; every archive gets a run of kind `rescore`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from pipeline import __version__, store
from pipeline.acoustics import CallMetrics
from pipeline.asr import model_name
from pipeline.config import Config
from pipeline.incremental import set_run_details
from pipeline.lexicon import ruleset_version
from pipeline.process import detect
from pipeline.root_causes import root_cause_for
from pipeline.run import check_setup
from pipeline.scorecard import load_scorecard, score_call
from pipeline.store.db import queries
from pipeline.transcript_cache import PII_DETECTOR, TranscriptCache, sort_findings
from pipeline.types import AudioInfo, CallResult, Finding, Recording, Segment, Transcript


# Calls rewritten per transaction: a commit costs more than a call's rows.
WRITE_BATCH = 100


@dataclass
class RescoreSummary:
    run_ids: list[str] = field(default_factory=list)
    n_calls: int = 0
    n_from_cache: int = 0
    n_from_db: int = 0
    n_flagged_before: int = 0
    n_flagged: int = 0
    wall_s: float = 0.0


def _recording(row: dict) -> Recording:
    return Recording(path=Path(row["audio_path"]), call_id=row["call_id"], agent_id=row["agent_id"],
                     started_at=row["started_at"], display_path=row["audio_path"])


def _stored_transcript(con, row: dict) -> Transcript:
    segments = tuple(
        Segment(start=start, end=end, speaker=speaker, role=role, text=text, confidence=confidence)
        for start, end, speaker, role, text, confidence in con.execute(
            queries("incremental.sql")["segments_of_call"], [row["call_id"]]).fetchall()
    )
    return Transcript(
        call_id=row["call_id"], agent_id=row["agent_id"],
        started_at=row["started_at"].isoformat() if row["started_at"] else None, segments=segments,
        audio=AudioInfo(path=row["audio_path"], sha256=row["audio_sha256"] or "", duration_s=row["duration_s"] or 0.0,
                        sample_rate=row["sample_rate"] or 0, channels=row["channels"] or 0),
        asr_model=row["asr_model"] or "unknown",
    )


def _kept_findings(con, call_id: str, lexicon_dir: Path) -> list[Finding]:
    rows = con.execute(queries("incremental.sql")["kept_findings_of_call"], [call_id]).fetchall()
    return [
        Finding(call_id=call_id, category=category, rule_id=rule_id, severity=severity, role=role, start_s=start_s,
                end_s=end_s, evidence=evidence, details=json.loads(details) if details else {},
                root_cause=root_cause_for(lexicon_dir, rule_id), ruleset_version=version)
        for category, rule_id, severity, role, start_s, end_s, evidence, details, _, version in rows
    ]


def _stored_metrics(row: dict) -> CallMetrics | None:
    """The acoustic metrics stored on the calls row (None for calls written before they existed)."""
    names = [f.name for f in fields(CallMetrics) if f.name != "duration_s"]
    if all(row.get(name) is None for name in names):
        return None
    return CallMetrics(duration_s=row["duration_s"], **{name: row.get(name) for name in names})


def rescore_call(con, row: dict, config: Config, cache: TranscriptCache) -> tuple[CallResult, bool]:
    """The call re-detected and re-scored; True when its transcript came from the cache."""
    recording = _recording(row)
    entry = cache.lookup(row["audio_sha256"], config) if row["audio_sha256"] else None
    if entry is not None:
        transcript, _ = entry.for_recording(recording, config.paths.lexicons)
    else:
        transcript = _stored_transcript(con, row)
    text_detectors = tuple(name for name in config.detectors.enabled if name != PII_DETECTOR)
    kept = [f for f in _kept_findings(con, row["call_id"], config.paths.lexicons)
            if PII_DETECTOR in config.detectors.enabled or not f.category.startswith("pii.")]
    findings = sort_findings(detect(transcript, config, detectors=text_detectors) + kept)
    score = score_call(findings, load_scorecard(str(config.paths.lexicons)))
    result = CallResult(recording=recording, status="ok", transcript=transcript, findings=tuple(findings),
                        score=score, metrics=_stored_metrics(row), wall_s=row["wall_s"] or 0.0)
    return result, entry is not None


def rescore(config: Config, db_path: Path | str, snapshot_path: Path | None, cache_dir: Path,
            on_call: Callable[[CallResult], None] = lambda result: None) -> RescoreSummary:
    check_setup(config)
    started = time.perf_counter()
    summary = RescoreSummary()
    cache = TranscriptCache(cache_dir)
    with store.StoreWriter(Path(db_path), snapshot_path, config.store.publish_every_s, config.archive.timezone) as writer:
        cursor = writer.execute(queries("incremental.sql")["calls_to_rescore"])
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, values)) for values in cursor.fetchall()]
        summary.n_flagged_before = writer.execute(queries("incremental.sql")["count_flagged"]).fetchall()[0][0]
        by_archive: dict[str | None, list[dict]] = {}
        for row in rows:
            by_archive.setdefault(row["archive"], []).append(row)
        for archive, archive_rows in by_archive.items():
            # A run per archive: the report links recordings through the run's archive.
            run_id = store.start_run(writer, version=__version__, archive=archive, config=config.to_dict(),
                                     config_hash=config.hash(), asr_model=model_name(config.models.whisper),
                                     ruleset_version=ruleset_version(config.paths.lexicons))
            set_run_details(writer, run_id, kind="rescore", n_skipped=0, flow_run_id=None)
            run_started = time.perf_counter()
            audio_s = 0.0
            batch: list[CallResult] = []
            for row in archive_rows:
                result, from_cache = rescore_call(writer, row, config, cache)
                batch.append(result)
                summary.n_calls += 1
                summary.n_from_cache += int(from_cache)
                summary.n_from_db += int(not from_cache)
                audio_s += result.transcript.audio.duration_s
                on_call(result)
                if len(batch) == WRITE_BATCH:
                    writer.write_calls(batch, run_id)
                    batch = []
            if batch:
                writer.write_calls(batch, run_id)
            store.finish_run(writer, run_id, n_ok=len(archive_rows), n_failed=0, audio_s=audio_s,
                             wall_s=time.perf_counter() - run_started)
            summary.run_ids.append(run_id)
        summary.n_flagged = writer.execute(queries("incremental.sql")["count_flagged"]).fetchall()[0][0]
    summary.wall_s = time.perf_counter() - started
    return summary
