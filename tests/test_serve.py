"""`callqa serve` against real Prefect servers on loopback ports: the cron deployment, scheduled runs,
a manual run that completes, and the server callqa starts itself stopped on exit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.server import api_is_healthy, free_port, port_is_free, prefect_executable
from pipeline import OFFLINE_ENVIRONMENT

from .conftest import SAMPLES

pytestmark = pytest.mark.asr
CALLQA = [sys.executable, "-m", "pipeline.cli"]
CALL = "20261121-000001"


def wait_for(
    what: str,
    check: Callable[[], object],
    timeout_s: float,
    proc: subprocess.Popen | None = None,
    log: Path | None = None,
):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(1)
    tail = (
        log.read_text(encoding="utf-8", errors="replace")[-3000:] if log and log.is_file() else ""
    )
    pytest.fail(f"timed out waiting for {what}\n{tail}")


def stop(proc: subprocess.Popen, group: bool = False) -> None:
    """SIGTERM by PID (the process group when it leads one), SIGKILL after 30 s."""
    if proc.poll() is not None:
        return
    (os.killpg if group else os.kill)(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        (os.killpg if group else os.kill)(proc.pid, signal.SIGKILL)
        proc.wait(10)


@pytest.fixture
def site(tmp_path_factory, tmp_path) -> Path:
    """One call to serve; the output folder (transcript cache) is the one tests/test_flow.py uses."""
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy2(SAMPLES / f"{CALL}.wav", archive)
    shutil.copy2(SAMPLES / "calls.csv", archive)
    shared = tmp_path_factory.getbasetemp() / "callqa-site"
    shared.mkdir(exist_ok=True)
    config = tmp_path / "site.toml"
    config.write_text(
        f'[paths]\noutput_dir = "{shared / "out"}"\ndb = "{tmp_path / "qa.duckdb"}"\n'
        f'snapshot = "{tmp_path / "qa-read.duckdb"}"\n',
        encoding="utf-8",
    )
    return tmp_path


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(OFFLINE_ENVIRONMENT, **extra)
    return env


def test_served_deployment_is_scheduled_and_a_manual_run_completes(site):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    server_log, serve_log = site / "server.log", site / "serve.log"
    server_env = clean_env(
        PREFECT_HOME=str(site / "prefect-home"),
        # the scheduler looks at recently changed deployments every few seconds
        PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS="2",
    )
    with open(server_log, "wb") as log:
        server = subprocess.Popen(
            [prefect_executable(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    serving = None
    try:
        wait_for("the Prefect server", lambda: api_is_healthy(api), 180, server, server_log)
        with open(serve_log, "wb") as log:
            serving = subprocess.Popen(
                [
                    *CALLQA,
                    "--config",
                    str(site / "site.toml"),
                    "serve",
                    str(site / "archive"),
                    "--cron",
                    "30 2 * * *",
                    "--timezone",
                    "Asia/Shanghai",
                ],
                env=clean_env(PREFECT_API_URL=api, PREFECT_RUNNER_POLL_FREQUENCY="2"),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = httpx.Client(base_url=api, timeout=10)

        def deployment():
            response = client.get("/deployments/name/callqa-nightly/nightly")
            return response.json() if response.status_code == 200 else None

        registered = wait_for("the nightly deployment", deployment, 120, serving, serve_log)
        (schedule,) = [s["schedule"] for s in registered["schedules"]]
        assert (schedule["cron"], schedule["timezone"]) == ("30 2 * * *", "Asia/Shanghai")
        assert registered["parameters"]["archive"] == str((site / "archive").resolve())

        def scheduled_runs():
            body = {
                "deployments": {"id": {"any_": [registered["id"]]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            }
            return client.post("/flow_runs/filter", json=body).json()

        upcoming = wait_for("scheduled runs", scheduled_runs, 60, serving, serve_log)
        for run in upcoming:
            local = run["expected_start_time"]
            # 02:30 in Shanghai is 18:30 UTC the day before
            assert "T18:30:00" in local, local

        response = client.post(f"/deployments/{registered['id']}/create_flow_run", json={})
        assert response.status_code < 300, (response.status_code, response.text)
        triggered = response.json()

        def finished():
            state = client.get(f"/flow_runs/{triggered['id']}").json()["state"]
            return (
                state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None
            )

        state = wait_for("the manual run to finish", finished, 300, serving, serve_log)
        assert state["type"] == "COMPLETED", serve_log.read_text(
            encoding="utf-8", errors="replace"
        )[-3000:]
        con = duckdb.connect(str(site / "qa.duckdb"), read_only=True)
        try:
            assert con.execute("SELECT call_id, status FROM calls").fetchall() == [(CALL, "ok")]
            assert con.execute("SELECT kind, flow_run_id FROM runs").fetchall() == [
                ("nightly", triggered["id"])
            ]
        finally:
            con.close()
    finally:
        if serving is not None:
            stop(serving)
        stop(server, group=True)
    assert serving.returncode == 0, serve_log.read_text(encoding="utf-8", errors="replace")[-3000:]
    assert wait_for("the port to be free", lambda: port_is_free(port), 30)


def test_serve_starts_its_own_server_and_stops_it_on_sigterm(site):
    port = free_port()
    log_path = site / "serve.log"
    with open(log_path, "wb") as log:
        serving = subprocess.Popen(
            [
                *CALLQA,
                "--config",
                str(site / "site.toml"),
                "serve",
                str(site / "archive"),
                "--port",
                str(port),
            ],
            env=clean_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        api = f"http://127.0.0.1:{port}/api"
        wait_for("callqa's Prefect server", lambda: api_is_healthy(api), 240, serving, log_path)
        # serve registers the two deployments one after the other: wait for each.
        for flow_name, name in (("callqa-nightly", "nightly"), ("callqa-backfill", "backfill")):
            assert wait_for(
                f"the {name} deployment",
                lambda flow_name=flow_name, name=name: (
                    httpx.get(f"{api}/deployments/name/{flow_name}/{name}", timeout=10).status_code
                    == 200
                ),
                120,
                serving,
                log_path,
            )
    finally:
        stop(serving)
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert serving.returncode == 0, output[-3000:]
    assert "stopping the Prefect server" in output
    assert wait_for("callqa's server to stop", lambda: port_is_free(port), 30), output[-3000:]
    shared_out = Path(site / "site.toml").read_text().split('"')[1]
    assert (Path(shared_out) / "prefect-server" / "server.log").is_file()


def test_serve_refuses_a_bad_cron_with_a_sentence(site):
    result = subprocess.run(
        [
            *CALLQA,
            "--config",
            str(site / "site.toml"),
            "serve",
            str(site / "archive"),
            "--cron",
            "every night",
        ],
        capture_output=True,
        text=True,
        env=clean_env(),
    )
    assert result.returncode == 2
    assert (
        "--cron 'every night' must have five fields" in result.stderr
        and "Traceback" not in result.stderr
    )
