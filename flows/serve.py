"""`callqa serve`: the nightly deployment on a cron schedule, and the Prefect server it needs.

Cron schedules need a real Prefect server (the temporary one Prefect starts per process never
schedules). When PREFECT_API_URL names one, callqa uses it; otherwise it starts
`prefect server start` on 127.0.0.1 with its own PREFECT_HOME under the output folder, and stops
it when serving ends (Ctrl-C or SIGTERM, e.g. `systemctl stop`).

Two deployments are served by this process: `callqa-nightly/nightly` on the schedule, and
`callqa-backfill/backfill` without one, to start from the UI or `prefect deployment run` with
date_from / date_to. One flow run at a time: DuckDB allows one writing process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipeline.errors import CallqaError

NIGHTLY_DEPLOYMENT = "nightly"
BACKFILL_DEPLOYMENT = "backfill"
DEFAULT_PORT = 4200


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Nothing listens there (connections of a stopped server lingering in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api_is_healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def prefect_executable() -> str:
    """The `prefect` command of this environment (the venv's, not whichever is on PATH)."""
    beside = Path(sys.executable).with_name("prefect")
    return str(beside) if beside.is_file() else "prefect"


def start_prefect_server(
    home: Path, port: int, log_path: Path, timeout_s: float = 180
) -> subprocess.Popen:
    """Start `prefect server start` on 127.0.0.1:`port` with PREFECT_HOME=`home`; wait until it answers."""
    if not port_is_free(port):
        raise CallqaError(
            f"127.0.0.1:{port} is already in use; pick another port with --port, or point "
            "PREFECT_API_URL at the Prefect server that is running there"
        )
    home.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    with open(log_path, "ab") as log:
        # Its own session: the server's worker processes are stopped with it, as one group.
        server = subprocess.Popen(
            [prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout_s
    while not api_is_healthy(api_url):
        if server.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise CallqaError(
                f"the Prefect server exited with code {server.returncode} before answering; "
                f"its log ({log_path}) ends with:\n{tail}"
            )
        if time.monotonic() > deadline:
            stop_prefect_server(server)
            raise CallqaError(
                f"the Prefect server did not answer on {api_url} within {timeout_s:.0f} s; see {log_path}"
            )
        time.sleep(0.5)
    return server


def stop_prefect_server(server: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM to the server's process group (it was started in its own session), SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    except ProcessLookupError:
        pass


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
    announce=print,
) -> None:
    """Register the deployments and run their flow runs until interrupted (blocks)."""
    from prefect import serve
    from prefect.deployments.runner import EntrypointType
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
            serve(nightly_deployment, backfill_deployment, limit=1, print_starting_message=False)
    finally:
        if server is not None:
            announce("stopping the Prefect server …")
            stop_prefect_server(server)
