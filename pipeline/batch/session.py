"""Run the pipeline over an archive folder into DuckDB (what `callqa run` does).

Everything that can be wrong with the set-up — the model, the lexicons — is checked before
the first recording is read; everything that can be wrong with one recording is recorded
for that call and the batch goes on.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.asr.cache import cache_dir
from pipeline.asr.whisper import model_name
from pipeline.batch.archive import scan_archive
from pipeline.config import Config
from pipeline.errors import CallqaError
from pipeline.process import duplicate_result, process_call, sha256_if_readable
from pipeline.provision.check import check_setup
from pipeline.store import db as store_db
from pipeline.store.retention import PurgeSummary, purge
from pipeline.store.writer import StoreWriter
from pipeline.text.lexicon import ruleset_version
from pipeline.types import CallResult, Recording


@dataclass
class RunSummary:
    run_id: str
    db_path: Path
    snapshot_path: Path | None = None
    n_ok: int = 0
    n_flagged: int = 0
    n_failed: int = 0
    audio_s: float = 0.0
    wall_s: float = 0.0
    findings_by_category: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (call_id, error)
    warnings: list[str] = field(default_factory=list)
    purged: PurgeSummary | None = None

    def add(self, result: CallResult) -> None:
        if result.status == "ok":
            self.n_ok += 1
            self.audio_s += result.transcript.audio.duration_s
            self.findings_by_category.update(f.category for f in result.findings)
            self.n_flagged += int(bool(result.score and result.score.flagged))
        else:
            self.n_failed += 1
            self.failures.append((result.recording.call_id, result.error or ""))

    @property
    def audio_hours(self) -> float:
        return self.audio_s / 3600


def run_archive(
    root: Path | str,
    config: Config,
    db_path: Path | None = None,
    on_start: Callable[[list[Recording]], None] = lambda recordings: None,
    on_call: Callable[[CallResult], None] = lambda result: None,
) -> RunSummary:
    root = Path(root)
    if not root.is_dir():
        raise CallqaError(f"{root}: archive folder not found")
    check_setup(config)
    db_path = Path(db_path or config.paths.db)
    archive = scan_archive(root, config.archive.timezone)
    started = time.perf_counter()
    snapshot = (
        config.paths.snapshot
        if db_path == config.paths.db
        else db_path.with_name(db_path.stem + "-read.duckdb")
    )
    with StoreWriter(
        db_path, snapshot, config.store.publish_every_s, config.archive.timezone
    ) as writer:
        if archive.agents:
            store_db.write_agents(writer.con, archive.agents)
        run_id = store_db.start_run(
            writer.con,
            version=__version__,
            archive=str(root.resolve()),
            config=config.to_dict(),
            config_hash=config.hash(),
            asr_model=model_name(config.models.whisper),
            ruleset_version=ruleset_version(config.paths.lexicons),
        )
        summary = RunSummary(
            run_id=run_id, db_path=db_path, snapshot_path=snapshot, warnings=list(archive.warnings)
        )
        on_start(archive.recordings)
        for recording in archive.recordings:
            baseline = store_db.agent_rate_baseline(
                writer.con,
                recording.agent_id,
                recording.call_id,
                config.acoustics.rate_baseline_min_calls,
            )
            sha256 = sha256_if_readable(recording.path)
            original = (
                store_db.same_audio_elsewhere(writer.con, sha256, recording.call_id)
                if sha256
                else None
            )
            if original:
                result = duplicate_result(recording, sha256, *original)
            else:
                result = process_call(recording, config, rate_baseline=baseline)
            writer.write_call(result, run_id)
            summary.add(result)
            on_call(result)
        summary.purged = purge(
            writer.con, config.retention.days, config.archive.timezone, cache_dir(config)
        )
        summary.wall_s = time.perf_counter() - started
        store_db.finish_run(
            writer.con,
            run_id,
            n_ok=summary.n_ok,
            n_failed=summary.n_failed,
            audio_s=summary.audio_s,
            wall_s=summary.wall_s,
        )
    return summary
