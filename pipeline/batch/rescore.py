"""`callqa rescore`: re-apply the current lexicons and scorecard to calls already transcribed.

No audio is read. The phrase and script detectors re-run on each successfully processed call,
from its cached transcript (pipeline.asr.cache, under the current model and ASR options)
or, when the cache has no entry for it, from the segments stored in DuckDB (masked text and
words, with their times: the findings land where a fresh run puts them). What needs the audio or the raw digits — the
acoustic stage's findings and metrics, and PII findings (see pipeline.asr.cache) — is
carried over as stored, with root causes mapped again. Calls are read, re-scored and rewritten
a batch at a time, each batch in one transaction (a call is fully rewritten or untouched), with
set-based statements (pipeline.store.calls.replace_calls); every archive gets a run of kind `rescore`.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import polars as pl

from pipeline import __version__
from pipeline.asr.cache import PII_DETECTOR, CachedTranscript, TranscriptCache
from pipeline.asr.whisper import model_name
from pipeline.config import Config
from pipeline.detectors.emotion_voice import with_voice
from pipeline.process import call_hangup, detect, sort_findings
from pipeline.provision.check import check_setup, model_checksums
from pipeline.review.publish import review_publisher
from pipeline.scoring.root_causes import root_cause_for
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store import runs
from pipeline.store.calls import stored_roles, words_of
from pipeline.store.connection import queries
from pipeline.store.runs import set_run_details, set_run_models
from pipeline.store.writer import StoreWriter
from pipeline.text.lexicon import ruleset_version
from pipeline.types import (
    AudioInfo,
    CallMetrics,
    CallResult,
    Finding,
    Recording,
    Segment,
    Transcript,
)

# Calls per batch (one transaction). A batch costs a dozen statements whatever its size, and
# each reads the row groups its range of call ids spans: a thousand calls make that a few
# milliseconds a call, in well under a second and a few MB.
WRITE_BATCH = 1000


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
    return Recording(
        path=Path(row["audio_path"]),
        call_id=row["call_id"],
        agent_id=row["agent_id"],
        started_at=row["started_at"],
        display_path=row["audio_path"],
        caller_hash=row.get("caller_hash"),
    )


def _audio_in_cache(cache: TranscriptCache) -> set[str]:
    """The sha256 of every recording the cache holds a transcript of, under any key.

    Entries are named <sha256>.<key>.json (pipeline.asr.cache). A lookup hashes the whole
    configuration into the key and costs half as much as re-detecting a call, so only these are
    looked up; a store whose transcripts were never cached here costs one directory listing.
    """
    if not cache.directory.is_dir():
        return set()
    return {
        entry.name.split(".", 1)[0]
        for folder in os.scandir(cache.directory)
        if folder.is_dir()
        for entry in os.scandir(folder.path)
        if entry.name.endswith(".json")
    }


def _batch_parameters(call_ids: list[str]) -> dict:
    """The batch's call ids and their range: the range lets DuckDB skip the row groups of other
    calls (calls are stored about in call-id order), so a batch does not read the whole table."""
    return {"call_ids": call_ids, "first": min(call_ids), "last": max(call_ids)}


def _stored_segments(writer: StoreWriter, call_ids: list[str]) -> dict[str, list[tuple]]:
    """Each call's stored segment rows (call_id, seg_index, start_s, end_s, speaker, role, text,
    confidence, words) in order, read for the whole batch at once."""
    frame = writer.frame(
        queries("incremental.sql")["segments_of_calls"], _batch_parameters(call_ids)
    )
    rows = frame.rows()
    by_call, start = {}, 0
    for call_id, n_rows in frame.group_by("call_id", maintain_order=True).len().iter_rows():
        by_call[call_id] = rows[start : start + n_rows]
        start += n_rows
    return by_call


def _stored_transcript(row: dict, segment_rows: list[tuple]) -> Transcript:
    segments = tuple(
        # Positional: a quarter faster than by keyword, for millions of segments in a large rescore.
        Segment(start, end, speaker, role, text, words_of(words), confidence)
        for _, _, start, end, speaker, role, text, confidence, words in segment_rows
    )
    return Transcript(
        call_id=row["call_id"],
        agent_id=row["agent_id"],
        started_at=row["started_at"].isoformat() if row["started_at"] else None,
        segments=segments,
        audio=AudioInfo(
            path=row["audio_path"],
            sha256=row["audio_sha256"] or "",
            duration_s=row["duration_s"] or 0.0,
            sample_rate=row["sample_rate"] or 0,
            channels=row["channels"] or 0,
        ),
        asr_model=row["asr_model"] or "unknown",
        roles=stored_roles(row),
    )


def _kept_findings(
    writer: StoreWriter, call_ids: list[str], lexicon_dir: Path
) -> dict[str, list[Finding]]:
    """What rescoring carries over, per call of the batch: findings that need audio or raw digits."""
    frame = writer.frame(
        queries("incremental.sql")["kept_findings_of_calls"], _batch_parameters(call_ids)
    )
    kept: dict[str, list[Finding]] = {}
    for (
        call_id,
        category,
        rule_id,
        severity,
        role,
        start_s,
        end_s,
        evidence,
        details,
        _,
        version,
    ) in frame.iter_rows():
        kept.setdefault(call_id, []).append(
            Finding(
                call_id=call_id,
                category=category,
                rule_id=rule_id,
                severity=severity,
                role=role,
                start_s=start_s,
                end_s=end_s,
                evidence=evidence,
                details=json.loads(details) if details else {},
                root_cause=root_cause_for(lexicon_dir, rule_id),
                ruleset_version=version,
            )
        )
    return kept


def _stored_metrics(row: dict) -> CallMetrics | None:
    """The acoustic metrics stored on the calls row (None for calls written before they existed)."""
    names = [f.name for f in fields(CallMetrics) if f.name != "duration_s"]
    if all(row.get(name) is None for name in names):
        return None
    stored: dict[str, Any] = {name: row.get(name) for name in names}
    return CallMetrics(duration_s=row["duration_s"], **stored)


def rescore_call(
    row: dict,
    entry: CachedTranscript | None,
    segment_rows: list[tuple],
    kept_findings: list[Finding],
    config: Config,
) -> CallResult:
    """The call re-detected and re-scored, from its cached transcript `entry` or, when None, from its
    stored segments. `segment_rows` and `kept_findings` are what the store holds for the call
    (_stored_segments, _kept_findings)."""
    recording = _recording(row)
    if entry is not None:
        transcript, _ = entry.for_recording(recording)
    else:
        transcript = _stored_transcript(row, segment_rows)
    text_detectors = tuple(name for name in config.detectors.enabled if name != PII_DETECTOR)
    kept = [
        f
        for f in kept_findings
        if PII_DETECTOR in config.detectors.enabled or not f.category.startswith("pii.")
    ]
    # with_voice: the stored raised voice meets the fresh emotion findings as in a fresh run
    findings = with_voice(
        sort_findings(detect(transcript, config, detectors=text_detectors) + kept)
    )
    score = score_call(findings, load_scorecard(str(config.paths.lexicons)))
    metrics = _stored_metrics(row)
    # The measured tail is carried over; whether the call ended abnormally depends on the
    # closing (re-detected here) and the [metrics] options, so it is decided again.
    if metrics is not None:
        metrics = call_hangup(metrics, findings, config)
    return CallResult(
        recording=recording,
        status="ok",
        transcript=transcript,
        findings=tuple(findings),
        score=score,
        metrics=metrics,
        wall_s=row["wall_s"] or 0.0,
    )


@contextmanager
def _collections_deferred():
    """Python's cyclic garbage collection paused for a batch and run on what the batch left.

    A batch keeps its transcripts, findings and rows alive while it is worked on (a few hundred
    thousand small objects): the collector would otherwise scan them over and over in full
    collections, about a fifth of the time of a 100,000-call rescore. Their memory is freed
    by reference counting as usual; the young collection after the batch finds any cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(1)


def _rescore_batch(
    writer: StoreWriter,
    rows: list[dict],
    run_id: str,
    config: Config,
    cache: TranscriptCache,
    cached_audio: set[str],
    summary: RescoreSummary,
    on_call: Callable[[CallResult], None],
) -> list[float]:
    """Re-detect, re-score and rewrite a batch of calls in one transaction; returns their audio durations."""
    call_ids = [row["call_id"] for row in rows]
    stored_segments = _stored_segments(writer, call_ids)
    kept_findings = _kept_findings(writer, call_ids, config.paths.lexicons)
    results: list[CallResult] = []
    for row in rows:
        sha256 = row["audio_sha256"]
        entry = cache.lookup(sha256, config) if sha256 and sha256 in cached_audio else None
        call_id = row["call_id"]
        result = rescore_call(
            row, entry, stored_segments.get(call_id, []), kept_findings.get(call_id, []), config
        )
        results.append(result)
        summary.n_calls += 1
        summary.n_from_cache += int(entry is not None)
        summary.n_from_db += int(entry is None)
        on_call(result)
    writer.replace_calls(results, run_id, stored_segments)
    durations = []
    for result in results:
        assert result.transcript is not None  # rescore_call always sets it
        durations.append(result.transcript.audio.duration_s)
    return durations


def rescore(
    config: Config,
    db_path: Path | str,
    snapshot_path: Path | None,
    cache_dir: Path,
    on_call: Callable[[CallResult], None] = lambda result: None,
) -> RescoreSummary:
    check_setup(config)
    started = time.perf_counter()
    summary = RescoreSummary()
    cache = TranscriptCache(cache_dir)
    with StoreWriter(
        Path(db_path),
        snapshot_path,
        config.store.publish_every_s,
        config.archive.timezone,
        before_publish=review_publisher(config),
    ) as writer:
        calls = writer.frame(queries("incremental.sql")["calls_to_rescore"])
        summary.n_flagged_before = writer.execute(
            queries("incremental.sql")["count_flagged"]
        ).fetchall()[0][0]
        cached_audio = _audio_in_cache(cache)
        for archive in calls.get_column("archive").unique(maintain_order=True):
            of_archive = (
                pl.col("archive").is_null() if archive is None else pl.col("archive") == archive
            )
            archive_calls = calls.filter(of_archive)
            # A run per archive: the report links recordings through the run's archive.
            run_id = runs.start_run(
                writer,
                version=__version__,
                archive=archive,
                config=config.to_dict(),
                config_hash=config.hash(),
                asr_model=model_name(config.models.whisper),
                ruleset_version=ruleset_version(config.paths.lexicons),
            )
            set_run_details(writer, run_id, kind="rescore", n_skipped=0, flow_run_id=None)
            set_run_models(writer, run_id, model_checksums(config))
            run_started = time.perf_counter()
            audio_s = 0.0
            # Rows become dicts a batch at a time: a hundred thousand dicts alive at once make
            # every garbage collection slower.
            for first in range(0, archive_calls.height, WRITE_BATCH):
                with _collections_deferred():
                    durations = _rescore_batch(
                        writer,
                        archive_calls.slice(first, WRITE_BATCH).to_dicts(),
                        run_id,
                        config,
                        cache,
                        cached_audio,
                        summary,
                        on_call,
                    )
                # added one by one, in call order: the same float every time
                audio_s = sum(durations, audio_s)
            runs.finish_run(
                writer,
                run_id,
                n_ok=archive_calls.height,
                n_failed=0,
                audio_s=audio_s,
                wall_s=time.perf_counter() - run_started,
            )
            summary.run_ids.append(run_id)
        summary.n_flagged = writer.execute(queries("incremental.sql")["count_flagged"]).fetchall()[
            0
        ][0]
    summary.wall_s = time.perf_counter() - started
    return summary
