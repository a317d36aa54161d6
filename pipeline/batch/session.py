"""One run over an archive, as `callqa run` and the nightly / backfill flows all make it.

A `RunSession` owns what a run is besides processing calls: the set-up check before any audio
is read, the store writer (DuckDB allows one writing process), the plan of which recordings to
process, the run's row, recordings whose bytes are already stored under another call, each
agent's speech-rate baseline, the summary, retention and the report. Its caller only decides how
the calls are executed: one after the other (`run_archive`), or as Prefect tasks on a thread
pool or Dask (flows/), each running a `CallJob`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Literal

from pipeline import __version__
from pipeline.asr.cache import TranscriptCache, cache_dir
from pipeline.asr.whisper import model_name
from pipeline.audio.decode import sha256_if_readable
from pipeline.batch.archive import outside_link
from pipeline.batch.incremental import RunPlan, discover, mark_processed, plan_run
from pipeline.batch.names import load_or_create_key
from pipeline.batch.summary import RunSummary
from pipeline.config import Config, check_date_range
from pipeline.errors import CallqaError
from pipeline.process import process_call
from pipeline.provision.check import check_setup, model_checksums
from pipeline.reporting.alerts import send_run_alert
from pipeline.reporting.report import write_report
from pipeline.review.publish import review_publisher
from pipeline.store import runs
from pipeline.store.operational import set_metric_settings
from pipeline.store.retention import purge
from pipeline.store.writer import StoreWriter
from pipeline.text.lexicon import ruleset_version
from pipeline.types import CallResult, RateBaseline, Recording

RunKind = Literal["run", "nightly", "backfill"]
# Worth another try: a share that hiccuped, memory another call was holding. Bad audio is not
# among them: process_call records it as a failed call and never raises for it.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, MemoryError)


def _quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class CallJob:
    """One recording to process, with all a worker needs (picklable: Dask workers get it)."""

    recording: Recording
    config: Config
    rate_baseline: RateBaseline | None = None
    cache_dir: Path | None = None  # None: no transcript cache (`callqa run`)
    refresh: bool = False  # transcribe again even when the cache has the transcript

    def run(self, transient_errors: tuple[type[BaseException], ...] = ()) -> CallResult:
        cache = (
            TranscriptCache(self.cache_dir, self.refresh) if self.cache_dir is not None else None
        )
        return process_call(
            self.recording,
            self.config,
            cache,
            transient_errors=transient_errors,
            rate_baseline=self.rate_baseline,
        )


def duplicate_result(
    recording: Recording, sha256: str, original_call_id: str, original_path: str
) -> CallResult:
    """A recording whose bytes are already stored as another call: recorded, not counted twice."""
    return CallResult(
        recording=recording,
        status="failed",
        error=(
            f"{recording.shown_path}: same audio as {original_path} (call {original_call_id}, "
            f"sha256 {sha256[:12]}…); not processed twice"
        ),
        error_kind="DuplicateRecording",
        audio_sha256=sha256,
    )


def refused_link_result(recording: Recording, target: Path, root: Path) -> CallResult:
    """A recording that is a symbolic link out of the archive: not read, said why."""
    return CallResult(
        recording=recording,
        status="failed",
        error=(
            f"{recording.shown_path}: a symbolic link to {target}, outside the archive {root}; not "
            "read ([archive] follow_symlinks_outside = true reads it)"
        ),
        error_kind="SymlinkOutsideArchive",
    )


def lost_result(recording: Recording, exc: BaseException, tries: int) -> CallResult:
    """A call whose task kept failing for a transient reason (or whose worker was lost)."""
    return CallResult(
        recording=recording,
        status="failed",
        error=recording.as_shown(
            f"{recording.shown_path}: {type(exc).__name__}: {exc} (failed {tries} time(s); tried again next run)"
        ),
        error_kind=type(exc).__name__,
    )


class RunSession:
    """Use as a context manager: the store is open from `with` to its end.

    `kind` is what the run is recorded as; `incremental` plans only recordings new or changed
    since they were last processed (else every recording under `archive`); `cache` keeps
    transcripts on disk so a re-run does not transcribe again; `report` writes the run's
    flagged-call report when calls were processed; `alert` sends the run's red-line and
    escalation calls to [alerts] urls at the end (pipeline.reporting.alerts; a failed send is
    a warning). `log` and `warn` receive progress lines.
    """

    def __init__(
        self,
        archive: Path | str,
        config: Config,
        *,
        db: Path | str | None = None,
        kind: RunKind = "run",
        incremental: bool = False,
        cache: bool = False,
        report: bool = False,
        refresh: bool = False,
        retry_failed: bool = False,
        date_from: date | None = None,
        date_to: date | None = None,
        flow_run_id: str | None = None,
        alert: bool = False,
        log: Callable[[str], None] = _quiet,
        warn: Callable[[str], None] = _quiet,
    ):
        self.root = Path(archive)
        if not self.root.is_dir():
            raise CallqaError(f"{self.root}: archive folder not found")
        check_date_range(date_from, date_to)
        check_setup(config)
        self.config = config
        self.db_path = Path(db) if db else config.paths.db
        self.snapshot_path = config.snapshot_for(self.db_path)
        self.kind, self.incremental, self.cache, self.report = kind, incremental, cache, report
        self.refresh, self.retry_failed = refresh, retry_failed
        self.date_from, self.date_to, self.flow_run_id = date_from, date_to, flow_run_id
        self.alert = alert
        self.log, self.warn = log, warn
        self.started = time.perf_counter()
        self.writer: StoreWriter | None = None
        self.plan_: RunPlan | None = None
        self.summary: RunSummary | None = None
        # sha256 -> (call_id, path) of the recordings planned in this run
        self._first_of_bytes: dict[str, tuple[str, str]] = {}

    def __enter__(self) -> RunSession:
        store = self.config.store
        self.writer = StoreWriter(
            self.db_path,
            self.snapshot_path,
            store.publish_every_s,
            self.config.archive.timezone,
            before_publish=review_publisher(self.config),
        )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    @property
    def store(self) -> StoreWriter:
        if self.writer is None:
            raise RuntimeError("the run session is not open: use it in a `with` block")
        return self.writer

    @property
    def run_id(self) -> str:
        if self.summary is None:
            raise RuntimeError("the run has not started: call plan() first")
        return self.summary.run_id

    def plan(self) -> list[Recording]:
        """Which recordings this run processes; starts the run's row in the store."""
        timezone = self.config.archive.timezone
        follow = self.config.archive.follow_symlinks_outside
        id_key = load_or_create_key(self.config.paths.id_key)
        if self.incremental:
            plan = plan_run(
                self.store,
                self.root,
                timezone,
                refresh=self.refresh,
                retry_failed=self.retry_failed,
                date_from=self.date_from,
                date_to=self.date_to,
                follow_symlinks_outside=follow,
                id_key=id_key,
            )
        else:
            recordings, agents, warnings = discover(self.root, timezone, id_key)
            plan = RunPlan(
                root=self.root.resolve(), to_process=recordings, agents=agents, warnings=warnings
            )
        self.plan_ = plan
        if plan.agents:
            runs.write_agents(self.store, plan.agents)
        config = self.config
        run_id = runs.start_run(
            self.store,
            version=__version__,
            archive=str(plan.root),
            config=config.to_dict(),
            config_hash=config.hash(),
            asr_model=model_name(config.models.whisper),
            ruleset_version=ruleset_version(config.paths.lexicons),
        )
        runs.set_run_models(self.store, run_id, model_checksums(config))
        set_metric_settings(self.store, config.metrics.repeat_days)
        if self.kind != "run":  # runs of `callqa run` keep kind NULL (the schema says so)
            runs.set_run_details(
                self.store,
                run_id,
                kind=self.kind,
                n_skipped=len(plan.skipped),
                flow_run_id=self.flow_run_id,
            )
        self.summary = RunSummary(
            run_id=run_id,
            db_path=self.db_path.resolve(),
            snapshot_path=self.snapshot_path.resolve(),
            n_found=len(plan.to_process) + len(plan.skipped) + plan.out_of_range,
            n_skipped=len(plan.skipped),
            n_out_of_range=plan.out_of_range,
            warnings=plan.warnings,
        )
        for warning in plan.warnings:
            self.warn(warning)
        outside = (
            f", {plan.out_of_range} outside {self.date_from}..{self.date_to}"
            if plan.out_of_range
            else ""
        )
        self.log(
            f"run {run_id} ({self.kind}): {len(plan.to_process)} to process, "
            f"{len(plan.skipped)} unchanged and skipped{outside}"
        )
        return plan.to_process

    def job(self, recording: Recording, config: Config | None = None) -> CallJob | CallResult:
        """The work of one recording (with the agent's rate baseline from the calls written so
        far), or its result at once when its bytes are already stored (or planned in this run)
        under another call. `config`: the workers' own (Dask: fewer ASR threads each)."""
        if not self.config.archive.follow_symlinks_outside:
            target = outside_link(recording.path, self.root)
            if target is not None:
                return refused_link_result(recording, target, self.root.resolve())
        sha256 = sha256_if_readable(recording.path)
        if sha256:
            original = self._first_of_bytes.get(sha256) or runs.same_audio_elsewhere(
                self.store, sha256, recording.call_id
            )
            if original and original[0] != recording.call_id:
                return duplicate_result(recording, sha256, *original)
            self._first_of_bytes.setdefault(sha256, (recording.call_id, recording.shown_path))
        baseline = runs.agent_rate_baseline(
            self.store,
            recording.agent_id,
            recording.call_id,
            self.config.acoustics.rate_baseline_min_calls,
        )
        return CallJob(
            recording,
            config or self.config,
            baseline,
            cache_dir(self.config) if self.cache else None,
            self.refresh,
        )

    def record(self, result: CallResult, *, transient: bool = False) -> None:
        """Write one call's result; a call that failed for a transient reason stays unmarked, so
        the next incremental run tries it again."""
        self.store.write_call(result, self.run_id)
        if not transient and self.plan_ is not None:
            mark_processed(self.store, self.plan_, result, self.run_id)
        if self.summary is not None:
            self.summary.add(result, transient=transient)

    def finish(self) -> RunSummary:
        """Retention, the run's totals and (when asked and calls were processed) the report."""
        summary, config = self.summary, self.config
        if summary is None:
            raise RuntimeError("the run has not started: call plan() first")
        summary.purged = purge(
            self.store, config.retention.days, config.archive.timezone, cache_dir(config)
        )
        if summary.purged and (summary.purged.calls or summary.purged.cache_files):
            self.log(
                f"retention: purged the transcripts of {summary.purged.calls} call(s) dated before "
                f"{summary.purged.before} and {summary.purged.cache_files} cached transcript(s)"
            )
        summary.wall_s = time.perf_counter() - self.started
        runs.finish_run(
            self.store,
            summary.run_id,
            n_ok=summary.n_ok,
            n_failed=summary.n_failed,
            audio_s=summary.audio_s,
            wall_s=summary.wall_s,
        )
        if self.report and summary.n_ok + summary.n_failed:
            summary.report_dir = config.paths.output_dir / "reports" / summary.run_id
            write_report(
                self.store.con,
                summary.report_dir,
                run_id=summary.run_id,
                new_hire_days=config.review.new_hire_days,
                sample_percent=config.review.sample_percent,
                timezone=config.archive.timezone,
                pareto_min_severity=config.review.pareto_min_severity,
            )
        if self.alert:
            send_run_alert(
                self.store,
                summary.run_id,
                config.alerts,
                self.log,
                self.warn,
                review_url=config.review.base_url,
            )
        return summary


def run_archive(
    root: Path | str,
    config: Config,
    db_path: Path | str | None = None,
    on_start: Callable[[list[Recording]], None] = lambda recordings: None,
    on_call: Callable[[CallResult], None] = lambda result: None,
) -> RunSummary:
    """`callqa run`: every recording under `root`, one after the other, into DuckDB."""
    with RunSession(root, config, db=db_path) as session:
        recordings = session.plan()
        on_start(recordings)
        for recording in recordings:
            job = session.job(recording)
            result = job if isinstance(job, CallResult) else job.run()
            session.record(result)
            on_call(result)
        return session.finish()
