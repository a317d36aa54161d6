"""The nightly run and the backfill as Prefect 3 flows. Thin: the work is in pipeline/.

One flow run = one callqa run: plan which recordings are new or changed (pipeline.batch.incremental),
process each as its own task (pipeline.process.process_call with the transcript cache), write
every result as it arrives through the one StoreWriter of the flow process (DuckDB allows one
writing process), then the flagged-call report of the run and its summary.

Tasks run on a thread pool in the flow process, or on Dask (prefect-dask) when an address or a
number of local workers is given; each worker process loads the ASR model once
(pipeline.asr.whisper.load_whisper is cached per process). At most `max_in_flight` calls are submitted
and not yet written, which bounds memory however large the night is.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline import __version__
from pipeline.asr.cache import TranscriptCache, cache_dir
from pipeline.asr.whisper import model_name
from pipeline.batch.incremental import BatchSummary, mark_processed, plan_run, set_run_details
from pipeline.config import Config, load_config
from pipeline.errors import CallqaError
from pipeline.process import duplicate_result, process_call, sha256_if_readable
from pipeline.provision.check import check_setup
from pipeline.reporting.report import write_report
from pipeline.store import db as store_db
from pipeline.store.db import agent_rate_baseline, same_audio_elsewhere
from pipeline.store.retention import purge
from pipeline.store.writer import StoreWriter
from pipeline.text.lexicon import ruleset_version
from pipeline.types import CallResult, RateBaseline, Recording

# Worth another try: a share that hiccuped, memory another call was holding. Bad audio is not
# among them — process_call records it as a failed call and never raises for it.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, MemoryError)


def _retry_only_transient(task, task_run, state) -> bool:
    try:
        state.result()
    except TRANSIENT_ERRORS:
        return True
    except BaseException:
        return False
    return False


@task(
    name="process-call",
    task_run_name="{recording.call_id}",
    # Results hold transcripts: never written to Prefect's result storage.
    persist_result=False,
    cache_policy=NO_CACHE,
    retry_condition_fn=_retry_only_transient,
)
def process_recording(
    recording: Recording, config: Config, refresh: bool, rate_baseline: RateBaseline | None = None
) -> CallResult:
    return process_call(
        recording,
        config,
        TranscriptCache(cache_dir(config), refresh),
        transient_errors=TRANSIENT_ERRORS,
        rate_baseline=rate_baseline,
    )


def _api_url_for_workers() -> str | None:
    """The Prefect API this process uses, so local Dask workers report to it instead of each
    starting a temporary server of its own."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return PREFECT_API_URL.value()
    try:  # the temporary server Prefect started for this process (no PREFECT_API_URL configured)
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer._instances.get(None)
        return server.api_url if server is not None and server.running else None
    except Exception:
        return None


def make_task_runner(config: Config, dask_address: str | None, dask_workers: int | None):
    """(task runner, config for the tasks, number of workers or None when a remote cluster decides)."""
    dask_address = dask_address if dask_address is not None else config.nightly.dask_address
    dask_workers = dask_workers if dask_workers is not None else config.nightly.dask_workers
    if dask_address and dask_workers:
        raise CallqaError(
            "give a Dask scheduler address or a number of local Dask workers, not both"
        )
    if not (dask_address or dask_workers):
        return (
            ThreadPoolTaskRunner(max_workers=config.nightly.workers),
            config,
            config.nightly.workers,
        )
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise CallqaError(
            "running on Dask needs prefect-dask: pip install 'callqa[dask]'"
        ) from None
    if dask_address:
        return DaskTaskRunner(address=dask_address), config, None
    if config.asr.cpu_threads == 0:
        # one model per worker process: share the cores between them instead of each taking all
        threads = max(1, (os.cpu_count() or 1) // dask_workers)
        config = replace(config, asr=replace(config.asr, cpu_threads=threads))
    env = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "HF_HUB_OFFLINE": "1", "DO_NOT_TRACK": "1"}
    if api_url := _api_url_for_workers():
        env["PREFECT_API_URL"] = api_url
    runner = DaskTaskRunner(
        cluster_kwargs={
            "n_workers": dask_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
            "env": env,
        }
    )
    return runner, config, dask_workers


def _results_bounded(
    runner, task_, prepare, recordings: list[Recording], limit: int
) -> Iterator[tuple[Recording, object]]:
    """(recording, CallResult or the exception that ended its task) as calls finish, with at most
    `limit` calls submitted and not yet handed back. `prepare(recording)` gives the task's
    parameters, or a CallResult when the call needs no task (a duplicate)."""
    queue = iter(recordings)
    in_flight: dict = {}
    ready: deque[tuple[Recording, CallResult]] = deque()

    def fill() -> None:
        while len(in_flight) < limit and (recording := next(queue, None)) is not None:
            prepared = prepare(recording)
            if isinstance(prepared, CallResult):
                ready.append((recording, prepared))
            else:
                in_flight[runner.submit(task_, parameters=prepared)] = recording

    fill()
    while in_flight or ready:
        if ready:
            yield ready.popleft()
            fill()
            continue
        future = next(as_completed(list(in_flight)))
        recording = in_flight.pop(future)
        try:
            outcome = future.result()
        except Exception as exc:  # transient failure after its retries, or a Dask worker lost
            outcome = exc
        yield recording, outcome
        fill()


def _failed_after_retries(recording: Recording, exc: Exception, tries: int) -> CallResult:
    return CallResult(
        recording=recording,
        status="failed",
        error=f"{recording.shown_path}: {type(exc).__name__}: {exc} (failed {tries} time(s); tried again next run)",
        error_kind=type(exc).__name__,
    )


def run_incremental(
    kind: str,
    archive: str,
    *,
    db: str | None = None,
    refresh: bool = False,
    retry_failed: bool = False,
    config_path: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    dask_address: str | None = None,
    dask_workers: int | None = None,
    max_in_flight: int | None = None,
) -> dict:
    """The body of both flows; runs inside a flow run. Returns the run summary (BatchSummary.to_dict)."""
    from prefect.runtime import flow_run

    logger = get_run_logger()
    started = time.perf_counter()
    config = load_config(config_path)
    root = Path(archive)
    if not root.is_dir():
        raise CallqaError(f"{root}: archive folder not found")
    if date_from and date_to and date_from > date_to:
        raise CallqaError(f"the date range is empty: {date_from} is after {date_to}")
    check_setup(config)
    db_path = Path(db) if db else config.paths.db
    snapshot = (
        config.paths.snapshot
        if db_path == config.paths.db
        else db_path.with_name(db_path.stem + "-read.duckdb")
    )
    runner, task_config, n_workers = make_task_runner(config, dask_address, dask_workers)
    task_ = process_recording.with_options(
        retries=config.nightly.retries, retry_delay_seconds=config.nightly.retry_delay_s
    )

    with StoreWriter(
        db_path, snapshot, config.store.publish_every_s, config.archive.timezone
    ) as writer:
        first_of_bytes: dict[
            str, tuple[str, str]
        ] = {}  # sha256 -> (call_id, path) submitted in this run

        def prepare(recording: Recording) -> dict | CallResult:
            # Bytes already stored (or submitted in this run) under another call: recorded as a
            # duplicate, not counted twice — as `callqa run` does.
            sha256 = sha256_if_readable(recording.path)
            if sha256:
                original = first_of_bytes.get(sha256) or same_audio_elsewhere(
                    writer.con, sha256, recording.call_id
                )
                if original and original[0] != recording.call_id:
                    return duplicate_result(recording, sha256, *original)
                first_of_bytes.setdefault(sha256, (recording.call_id, recording.shown_path))
            # The agent's usual speech rate, from the calls written so far.
            baseline = agent_rate_baseline(
                writer.con,
                recording.agent_id,
                recording.call_id,
                config.acoustics.rate_baseline_min_calls,
            )
            return {
                "recording": recording,
                "config": task_config,
                "refresh": refresh,
                "rate_baseline": baseline,
            }

        plan = plan_run(
            writer,
            root,
            config.archive.timezone,
            refresh=refresh,
            retry_failed=retry_failed,
            date_from=date_from,
            date_to=date_to,
        )
        if plan.agents:
            store_db.write_agents(writer.con, plan.agents)
        run_id = store_db.start_run(
            writer,
            version=__version__,
            archive=str(plan.root),
            config=config.to_dict(),
            config_hash=config.hash(),
            asr_model=model_name(config.models.whisper),
            ruleset_version=ruleset_version(config.paths.lexicons),
        )
        set_run_details(
            writer, run_id, kind=kind, n_skipped=len(plan.skipped), flow_run_id=flow_run.id
        )
        summary = BatchSummary(
            run_id=run_id,
            db_path=db_path.resolve(),
            snapshot_path=snapshot.resolve(),
            n_found=len(plan.to_process) + len(plan.skipped) + plan.out_of_range,
            n_skipped=len(plan.skipped),
            n_out_of_range=plan.out_of_range,
            warnings=plan.warnings,
        )
        for warning in plan.warnings:
            logger.warning(warning)
        logger.info(
            "run %s (%s): %d to process, %d unchanged and skipped%s",
            run_id,
            kind,
            len(plan.to_process),
            len(plan.skipped),
            f", {plan.out_of_range} outside {date_from}..{date_to}" if plan.out_of_range else "",
        )
        if plan.to_process:
            with runner:
                if (
                    n_workers is None
                ):  # an existing cluster: as many calls at once as it has threads
                    n_workers = max(1, sum(runner.client.nthreads().values()))
                limit = max_in_flight or config.nightly.max_in_flight or 2 * n_workers
                outcomes = _results_bounded(runner, task_, prepare, plan.to_process, limit)
                for done, (recording, outcome) in enumerate(outcomes, start=1):
                    transient = not isinstance(outcome, CallResult)
                    result = (
                        _failed_after_retries(recording, outcome, config.nightly.retries + 1)
                        if transient
                        else outcome
                    )
                    writer.write_call(result, run_id)
                    if not transient:
                        mark_processed(writer, plan, result, run_id)
                    summary.add(result, transient=transient)
                    state = "ok" if result.status == "ok" else f"failed: {result.error}"
                    logger.info(
                        "[%d/%d] %s %s", done, len(plan.to_process), recording.call_id, state
                    )
        purged = purge(
            writer.con, config.retention.days, config.archive.timezone, cache_dir(config)
        )
        if purged and (purged.calls or purged.cache_files):
            logger.info(
                "retention: purged the transcripts of %d call(s) dated before %s and %d cached transcript(s)",
                purged.calls,
                purged.before,
                purged.cache_files,
            )
        summary.wall_s = time.perf_counter() - started
        store_db.finish_run(
            writer,
            run_id,
            n_ok=summary.n_ok,
            n_failed=summary.n_failed,
            audio_s=summary.audio_s,
            wall_s=summary.wall_s,
        )
        if summary.n_ok + summary.n_failed:
            summary.report_dir = config.paths.output_dir / "reports" / run_id
            # the flow thread is the connection's only user by now: the tasks are done
            write_report(
                writer.con,
                summary.report_dir,
                run_id=run_id,
                new_hire_days=config.review.new_hire_days,
                sample_percent=config.review.sample_percent,
                timezone=config.archive.timezone,
            )
    for line in summary.lines():
        logger.info(line)
    return summary.to_dict()


@flow(name="callqa-nightly", persist_result=False)
def nightly(
    archive: str,
    db: str | None = None,
    refresh: bool = False,
    retry_failed: bool = False,
    config_path: str | None = None,
    dask_address: str | None = None,
    dask_workers: int | None = None,
    max_in_flight: int | None = None,
) -> dict:
    """Process the recordings under `archive` that are new or changed since last processed."""
    return run_incremental(
        "nightly",
        archive,
        db=db,
        refresh=refresh,
        retry_failed=retry_failed,
        config_path=config_path,
        dask_address=dask_address,
        dask_workers=dask_workers,
        max_in_flight=max_in_flight,
    )


@flow(name="callqa-backfill", persist_result=False)
def backfill(
    archive: str,
    date_from: date,
    date_to: date,
    db: str | None = None,
    refresh: bool = False,
    retry_failed: bool = False,
    config_path: str | None = None,
    dask_address: str | None = None,
    dask_workers: int | None = None,
    max_in_flight: int | None = None,
) -> dict:
    """Process the calls of the local days date_from..date_to (inclusive) under `archive`: by
    started_at (calls.csv or sidecar JSON), else by the date folder the file is filed under."""
    return run_incremental(
        "backfill",
        archive,
        db=db,
        refresh=refresh,
        retry_failed=retry_failed,
        config_path=config_path,
        date_from=date_from,
        date_to=date_to,
        dask_address=dask_address,
        dask_workers=dask_workers,
        max_in_flight=max_in_flight,
    )
