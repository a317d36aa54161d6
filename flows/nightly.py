"""The nightly run and the backfill as Prefect 3 flows. Thin: the run is a pipeline.batch RunSession.

One flow run = one callqa run: the session plans which recordings are new or changed, each call
is its own task (a CallJob: process_call with the transcript cache), every result is written by
the session as it arrives (DuckDB allows one writing process), then the run's report and summary.

Tasks run on a thread pool in the flow process, or on Dask (prefect-dask) when an address or a
number of local workers is given (flows.runners); each worker process loads the ASR model once.
At most `max_in_flight` calls are submitted and not yet written, which bounds memory however
large the night is.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.runners import make_task_runner, run_tasks
from pipeline.batch.session import TRANSIENT_ERRORS, CallJob, RunKind, RunSession
from pipeline.config import load_config
from pipeline.types import CallResult


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
    task_run_name="{job.recording.call_id}",
    # Results hold transcripts: never written to Prefect's result storage.
    persist_result=False,
    cache_policy=NO_CACHE,
    retry_condition_fn=_retry_only_transient,
)
def process_recording(job: CallJob) -> CallResult:
    return job.run(transient_errors=TRANSIENT_ERRORS)


def run_incremental(
    kind: RunKind,
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
    """The body of both flows; runs inside a flow run. Returns the run summary (RunSummary.to_dict)."""
    from prefect.runtime import flow_run

    logger = get_run_logger()
    config = load_config(config_path)
    session = RunSession(
        archive,
        config,
        db=db,
        kind=kind,
        incremental=True,
        cache=True,
        report=True,
        refresh=refresh,
        retry_failed=retry_failed,
        date_from=date_from,
        date_to=date_to,
        flow_run_id=flow_run.id,
        alert=kind == "nightly",
        log=logger.info,
        warn=logger.warning,
    )
    choice = make_task_runner(config, dask_address, dask_workers)
    retries = config.nightly.retries
    task_ = process_recording.with_options(
        retries=retries, retry_delay_seconds=config.nightly.retry_delay_s
    )
    with session:
        recordings = session.plan()
        if recordings:
            limit = max_in_flight or config.nightly.max_in_flight
            run_tasks(session, recordings, task_, choice, limit, retries + 1, logger.info)
        summary = session.finish()
    for line in summary.lines():
        logger.info(line)
    return summary.to_dict()


# The flows pass their parameters on as they are (`locals()` is exactly them at the first line).
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
    return run_incremental("nightly", **locals())


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
    return run_incremental("backfill", **locals())
