"""`callqa serve`: the nightly deployment on a cron schedule, and the Prefect server it needs.

Cron schedules need a real Prefect server. When PREFECT_API_URL names one, callqa uses it;
otherwise it starts one on 127.0.0.1 (flows.server) and stops it when serving ends (Ctrl-C or
SIGTERM, e.g. `systemctl stop`).

Two deployments are served by this process: `callqa-nightly/nightly` on the schedule, and
`callqa-backfill/backfill` without one, to start from the UI or `prefect deployment run` with
date_from / date_to. One flow run at a time: DuckDB allows one writing process.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

from flows.server import api_is_healthy, start_prefect_server, stop_prefect_server
from pipeline.errors import CallqaError

NIGHTLY_DEPLOYMENT = "nightly"
BACKFILL_DEPLOYMENT = "backfill"


def _raise_system_exit(signum, frame):
    raise SystemExit(0)  # a requested stop, as Prefect's runner treats SIGTERM once it runs


def serve_nightly(
    archive: str,
    *,
    config_path: str | None,
    db: str | None,
    cron: str,
    timezone: str,
    dask_address: str | None,
    dask_workers: int | None,
    port: int,
    output_dir: Path,
    announce: Callable[[str], None] = print,
) -> None:
    """Register the deployments and run their flow runs until interrupted (blocks)."""
    from prefect import serve
    from prefect.deployments.runner import EntrypointType, RunnerDeployment
    from prefect.schedules import Cron
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.nightly import backfill, nightly

    # Until Prefect's runner takes SIGTERM over: unwind through `finally`, so the server is stopped.
    signal.signal(signal.SIGTERM, _raise_system_exit)
    server = None
    api_url = os.environ.get("PREFECT_API_URL")
    try:
        if not api_url:
            home = output_dir / "prefect-server"
            announce(f"starting a Prefect server on 127.0.0.1:{port} (PREFECT_HOME {home}) …")
            server = start_prefect_server(home, port, home / "server.log")
            api_url = f"http://127.0.0.1:{port}/api"
            # flow runs are subprocesses of the runner: they find the server through the environment
            os.environ["PREFECT_API_URL"] = api_url
        elif not api_is_healthy(api_url):
            raise CallqaError(f"PREFECT_API_URL is {api_url} but no Prefect server answers there")
        announce(f"Prefect API {api_url} (UI: {api_url.removesuffix('/api')})")
        common = {
            "archive": str(Path(archive).resolve()),
            "db": str(Path(db).resolve()) if db else None,
            "config_path": str(Path(config_path).resolve()) if config_path else None,
            "dask_address": dask_address,
            "dask_workers": dask_workers,
        }
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            nightly_deployment = nightly.to_deployment(
                name=NIGHTLY_DEPLOYMENT,
                schedules=[Cron(cron, timezone=timezone)],
                parameters=common,
                description="callqa: the recordings new or changed since the last run, on a cron schedule.",
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
            backfill_deployment = backfill.to_deployment(
                name=BACKFILL_DEPLOYMENT,
                parameters=common,
                entrypoint_type=EntrypointType.MODULE_PATH,
                description="callqa: the calls of a date range (give date_from and date_to).",
            )
            announce(
                f"serving callqa-nightly/{NIGHTLY_DEPLOYMENT} on '{cron}' ({timezone}) over {common['archive']}, "
                f"and callqa-backfill/{BACKFILL_DEPLOYMENT}; Ctrl-C stops"
            )
            # to_deployment returns a coroutine only when called from async code; this is sync.
            assert isinstance(nightly_deployment, RunnerDeployment)
            assert isinstance(backfill_deployment, RunnerDeployment)
            serve(nightly_deployment, backfill_deployment, limit=1, print_starting_message=False)
    finally:
        if server is not None:
            announce("stopping the Prefect server …")
            stop_prefect_server(server)
