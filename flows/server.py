"""The Prefect server `callqa serve` needs for cron schedules: found, or started on 127.0.0.1 and stopped.

Cron schedules need a real Prefect server (the temporary one Prefect starts per process never
schedules). `prefect server start` runs with its own PREFECT_HOME under the output folder, in its
own process group, with telemetry off, until serving ends.
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

from pipeline import OFFLINE_ENVIRONMENT
from pipeline.errors import CallqaError


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
    env.update(OFFLINE_ENVIRONMENT, PREFECT_HOME=str(home))
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
