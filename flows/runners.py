"""How the nightly flow's tasks run: a thread pool in the flow process, or Dask; and the bounded
submit loop that keeps at most a fixed number of calls in flight."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline import OFFLINE_ENVIRONMENT
from pipeline.batch.session import CallJob, RunSession, lost_result
from pipeline.config import Config
from pipeline.errors import CallqaError
from pipeline.types import CallResult, Recording


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


@dataclass(frozen=True)
class RunnerChoice:
    runner: Any  # a Prefect task runner
    task_config: Config  # the configuration the tasks run with (Dask: fewer ASR threads each)
    n_workers: int | None  # None: a remote cluster decides


def make_task_runner(
    config: Config, dask_address: str | None, dask_workers: int | None
) -> RunnerChoice:
    """The thread pool of [nightly] workers, or Dask at an address or with local worker processes."""
    dask_address = dask_address if dask_address is not None else config.nightly.dask_address
    dask_workers = dask_workers if dask_workers is not None else config.nightly.dask_workers
    if dask_address and dask_workers:
        raise CallqaError(
            "give a Dask scheduler address or a number of local Dask workers, not both"
        )
    if not (dask_address or dask_workers):
        workers = config.nightly.workers
        return RunnerChoice(ThreadPoolTaskRunner(max_workers=workers), config, workers)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise CallqaError(
            "running on Dask needs prefect-dask: pip install 'callqa[dask]'"
        ) from None
    if dask_address:
        return RunnerChoice(DaskTaskRunner(address=dask_address), config, None)
    if config.asr.cpu_threads == 0:
        # one model per worker process: share the cores between them instead of each taking all
        threads = max(1, (os.cpu_count() or 1) // dask_workers)
        config = replace(config, asr=replace(config.asr, cpu_threads=threads))
    env = dict(OFFLINE_ENVIRONMENT)
    if api_url := _api_url_for_workers():
        env["PREFECT_API_URL"] = api_url
    cluster = {
        "n_workers": dask_workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
        "env": env,
    }
    return RunnerChoice(DaskTaskRunner(cluster_kwargs=cluster), config, dask_workers)


def results_bounded(
    runner: Any,
    task: Any,
    prepare: Callable[[Recording], CallJob | CallResult],
    recordings: list[Recording],
    limit: int,
) -> Iterator[tuple[Recording, CallResult | Exception]]:
    """(recording, CallResult or the exception that ended its task) as calls finish, with at most
    `limit` calls submitted and not yet handed back. `prepare(recording)` gives the task's job,
    or a CallResult when the call needs no task (a duplicate)."""
    queue = iter(recordings)
    in_flight: dict[Any, Recording] = {}
    ready: deque[tuple[Recording, CallResult]] = deque()

    def fill() -> None:
        while len(in_flight) < limit and (recording := next(queue, None)) is not None:
            prepared = prepare(recording)
            if isinstance(prepared, CallResult):
                ready.append((recording, prepared))
            else:
                in_flight[runner.submit(task, parameters={"job": prepared})] = recording

    fill()
    while in_flight or ready:
        if ready:
            yield ready.popleft()
            fill()
            continue
        future = next(as_completed(list(in_flight)))
        recording = in_flight.pop(future)
        outcome: CallResult | Exception
        try:
            outcome = future.result()
        except Exception as exc:  # transient failure after its retries, or a Dask worker lost
            outcome = exc
        yield recording, outcome
        fill()


def run_tasks(
    session: RunSession,
    recordings: list[Recording],
    task: Any,
    choice: RunnerChoice,
    max_in_flight: int,
    tries: int,
    log: Callable[[str], None],
) -> None:
    """Every recording as a task on the chosen runner; the session records each result as it
    arrives. `max_in_flight` 0: twice the number of workers."""
    with choice.runner as runner:
        n_workers = choice.n_workers
        if n_workers is None:  # an existing cluster: as many calls at once as it has threads
            n_workers = max(1, sum(runner.client.nthreads().values()))
        limit = max_in_flight or 2 * n_workers
        prepare = partial(session.job, config=choice.task_config)
        outcomes = results_bounded(runner, task, prepare, recordings, limit)
        for done, (recording, outcome) in enumerate(outcomes, start=1):
            if isinstance(outcome, CallResult):
                result, transient = outcome, False
            else:
                result, transient = lost_result(recording, outcome, tries), True
            session.record(result, transient=transient)
            state = "ok" if result.status == "ok" else f"failed: {result.error}"
            log(f"[{done}/{len(recordings)}] {recording.call_id} {state}")
