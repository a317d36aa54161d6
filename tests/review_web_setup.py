"""A real workbench for the review tests: a DuckDB snapshot of typed calls over a real recording,
a review store with one user per role, and `callqa review` running in its own process."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.review.store import open_review_store
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store.runs import start_run
from pipeline.store.writer import StoreWriter
from pipeline.types import AudioInfo

from .factories import CST, call_result, finding

RECORDING = PROJECT_ROOT / "data" / "samples" / "20261121-000001.wav"  # 18.4 s, stereo
PASSWORD = "correct horse battery 7"
# The calls start at 10:00 of their day (factories.call_result). TODAY is the latest day whose
# 10:00 lies at least an hour behind the clock, so that "today's" calls are never in the
# future: a re-check ordered now must not count them, at whatever hour the suite runs.
TODAY = (datetime.now(CST) - timedelta(hours=11)).date().isoformat()
# A day whose 10:00 is always ahead of the clock: calls made after anything ordered now.
AHEAD = (datetime.now(CST) + timedelta(days=1)).date().isoformat()
LONG_AGO = (datetime.now(CST) - timedelta(days=60)).date().isoformat()
RAW_MOBILE = "13812345678"

# call_id: (agent_id, day, segments of 2 s each; segment i starts at 2 i s)
CALLS = {
    "rv-1": (
        "A1",
        TODAY,
        [
            ("agent", "您好，很高兴为您服务"),
            ("customer", f"我的手机号是{RAW_MOBILE}"),
            ("agent", "这不归我管，你找别的部门吧"),
            ("agent", "你听不懂吗，我说了多少遍了"),
            ("customer", "我要投诉你们"),
        ],
    ),
    "rv-2": ("A2", TODAY, [("agent", "您好"), ("agent", "废话，没办法"), ("customer", "嗯")]),
    "rv-3": ("A1", TODAY, [("agent", "您好，很高兴为您服务"), ("customer", "谢谢")]),
    "rv-4": (
        "A3",
        TODAY,
        [("agent", "你听不懂吗"), ("agent", "废话"), ("agent", "没办法"), ("customer", "好吧")],
    ),
    "rv-old": ("A1", LONG_AGO, [("agent", "废话"), ("customer", "嗯")]),
}
# What the detectors would find, written out (the detectors have their own tests): the call,
# category, rule, severity, role, start (a segment's), masked evidence with the words in 【】.
FINDINGS = [
    (
        "rv-1",
        "pii.phone",
        "pii.phone.customer",
        "info",
        "customer",
        2.0,
        "我的手机号是【138****5678】",
    ),
    (
        "rv-1",
        "phrase.forbidden",
        "forbidden.refusal",
        "major",
        "agent",
        4.0,
        "【这不归我管】，你找别的部门吧",
    ),
    (
        "rv-1",
        "phrase.forbidden",
        "forbidden.impatience",
        "major",
        "agent",
        6.0,
        "【你听不懂吗】，我说了多少遍了",
    ),
    (
        "rv-1",
        "phrase.escalation",
        "escalation.complaint",
        "major",
        "customer",
        8.0,
        "我要【投诉】你们",
    ),
    ("rv-2", "phrase.forbidden", "forbidden.rude", "major", "agent", 2.0, "【废话】，没办法"),
    ("rv-4", "phrase.forbidden", "forbidden.impatience", "major", "agent", 0.0, "【你听不懂吗】"),
    ("rv-4", "phrase.forbidden", "forbidden.rude", "major", "agent", 2.0, "【废话】"),
    ("rv-4", "phrase.forbidden", "forbidden.refusal", "major", "agent", 4.0, "【没办法】"),
    ("rv-old", "phrase.forbidden", "forbidden.rude", "major", "agent", 0.0, "【废话】"),
]
# A3 has no row in agents: their team comes from the review store's user (agent3, team T1)
AGENTS = [("A1", "张*", "T1", "2020-01-01"), ("A2", "李*", "T2", "2020-01-01")]
USERS = {
    # name: (role, agent_id, team)
    "agent1": ("agent", "A1", "T1"),
    "agent2": ("agent", "A2", "T2"),
    "agent3": ("agent", "A3", "T1"),
    "reviewer1": ("reviewer", None, "T1"),
    "senior1": ("senior", None, "T1"),
    "lead1": ("lead", None, None),
    "admin1": ("admin", None, None),
    "victim": ("reviewer", None, "T1"),
}


@dataclass
class Workbench:
    url: str
    root: Path
    config_path: Path
    process: subprocess.Popen
    log_path: Path

    @contextmanager
    def client(self, user: str | None = None) -> Iterator[httpx.Client]:
        """An HTTP client, logged in as `user` (its CSRF token in .headers) or not."""
        with httpx.Client(base_url=self.url, timeout=30, follow_redirects=False) as client:
            if user:
                answer = client.post("/api/login", json={"username": user, "password": PASSWORD})
                assert answer.status_code == 200, answer.text
                client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
            yield client

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_calls(
    root: Path, config, calls: dict, findings: list, agents: list | None = None
) -> None:
    """Write `calls` (as CALLS) with their `findings` (as FINDINGS) into the DB under `root`,
    each over a copy of the real recording, and publish the snapshot."""
    archive = root / "archive"
    archive.mkdir(exist_ok=True)
    scorecard = load_scorecard(str(PROJECT_ROOT / "lexicons"))
    with StoreWriter(root / "callqa.duckdb", root / "callqa-read.duckdb", 3600) as writer:
        run_id = start_run(
            writer.con,
            version="t",
            archive=str(archive),
            config={"detectors": {"enabled": list(config.detectors.enabled)}},
            config_hash="t",
            asr_model="t",
            ruleset_version="t",
        )
        for call_id, (agent_id, day, texts) in calls.items():
            shown = f"{call_id}.wav"
            shutil.copyfile(RECORDING, archive / shown)
            sha = hashlib.sha256((archive / shown).read_bytes()).hexdigest()
            skeleton = call_result(call_id, [], scorecard, agent_id, day, texts, path=shown)
            transcript = replace(skeleton.transcript, audio=AudioInfo(shown, sha, 18.362, 16000, 2))
            found = [
                finding(cid, category, rule, severity, role, None, start, evidence)
                for cid, category, rule, severity, role, start, evidence in findings
                if cid == call_id
            ]
            writer.write_call(
                replace(
                    skeleton,
                    transcript=transcript,
                    findings=tuple(found),
                    score=score_call(found, scorecard),
                ),
                run_id,
            )
        for row in agents or []:
            writer.execute(
                "INSERT OR REPLACE INTO agents (agent_id, name, team, hire_date) VALUES (?, ?, ?, ?)",
                list(row),
            )
        writer.publish()


def start_workbench(root: Path, levels: tuple[str, ...] = ("verdict", "decision", "signoff")):
    config_path = root / "callqa.toml"
    levels_toml = ", ".join(f'"{level}"' for level in levels)
    port = free_port()
    config_path.write_text(
        f"""[paths]
db = "callqa.duckdb"
snapshot = "callqa-read.duckdb"
id_key = "id.key"
lexicons = "{PROJECT_ROOT / "lexicons"}"

[review]
store = "review.sqlite3"
audio_cache = "audio-cache"
port = {port}
levels = [{levels_toml}]
""",
        encoding="utf-8",
    )
    config = load_config(config_path)
    write_calls(root, config, CALLS, FINDINGS, AGENTS)
    with open_review_store(config) as store:
        for name, (role, agent_id, team) in USERS.items():
            store.add_user(name, role, PASSWORD, agent_id=agent_id, team=team)
    return serve(root, config_path, port)


def serve(root: Path, config_path: Path, port: int) -> Workbench:
    """`callqa review` on `config_path` in its own process, once it answers on `port`."""
    log_path = root / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "--config", str(config_path), "review"],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
            env={**os.environ, "COLUMNS": "200"},
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/login", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("callqa review did not start:\n" + log_path.read_text())
        time.sleep(0.2)
    return Workbench(url, root, config_path, process, log_path)


def stop_workbench(bench: Workbench) -> None:
    bench.process.terminate()
    try:
        bench.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        bench.process.kill()
        bench.process.wait()
