"""`callqa users`: passwords from stdin (never an argument, never in clear anywhere), the
roles, errors as sentences, and the access-log query."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.config import load_config
from pipeline.review.store import open_review_store

CALLQA = [sys.executable, "-m", "pipeline.cli"]
PASSWORD = "Tr0ub4dor-and-3"


@pytest.fixture
def site(tmp_path):
    config = tmp_path / "callqa.toml"
    config.write_text('[review]\nstore = "review.sqlite3"\n')
    return tmp_path, config


def callqa(config, *args, stdin: str = ""):
    return subprocess.run(
        [*CALLQA, "--config", str(config), "-v", *args], input=stdin, capture_output=True, text=True
    )


def test_users_add_list_disable_passwd(site):
    folder, config = site
    added = callqa(config, "users", "add", "ann", "--role", "agent", "--agent-id", "A1",
                   "--team", "T1", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert callqa(config, "users", "add", "rui", "--role", "reviewer",
                  stdin=PASSWORD + "\n").returncode == 0  # fmt: skip
    listed = callqa(config, "users", "list")
    assert listed.returncode == 0
    rows = [[cell.strip() for cell in line.split("│")] for line in listed.stdout.splitlines()[2:]]
    assert rows == [["ann", "agent", "A1", "T1", ""], ["rui", "reviewer", "", "", ""]]
    with open_review_store(load_config(config)) as store:
        assert store.authenticate("ann", PASSWORD).team == "T1"
    assert callqa(config, "users", "passwd", "ann", stdin="new-password-1\n").returncode == 0
    assert callqa(config, "users", "disable", "rui").returncode == 0
    with open_review_store(load_config(config)) as store:
        assert store.authenticate("ann", PASSWORD) is None
        assert store.authenticate("ann", "new-password-1").name == "ann"
        assert store.authenticate("rui", PASSWORD) is None
    # Never in clear: not in the store's files, not in anything the commands printed (-v).
    raw = b"".join(p.read_bytes() for p in folder.glob("review.sqlite3*"))
    assert PASSWORD.encode() not in raw and b"new-password-1" not in raw
    assert PASSWORD not in added.stdout + added.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "bo", "--role", "agent"), PASSWORD, "is an agent: give the agent id"),
        (("users", "add", "bo", "--role", "reviewer"), "short\n", "at least 8 characters"),
        (("users", "add", "bo", "--role", "reviewer"), "", "no password for 'bo'"),
        (("users", "passwd", "nobody"), PASSWORD, "no user named 'nobody'"),
        (("users", "disable", "nobody"), "", "no user named 'nobody'"),
        (("users", "access-log", "--since", "yesterday"), "", "is not a date"),
    ],
)
def test_errors_are_sentences(site, args, stdin, message):
    result = callqa(site[1], *args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_password_is_never_an_argument(site):
    result = callqa(site[1], "users", "add", "bo", "--role", "admin", "--password", PASSWORD)
    assert result.returncode == 2 and "unrecognized arguments" in result.stderr


def test_access_log_query(site):
    config = site[1]
    with open_review_store(load_config(config)) as store:
        rui = store.add_user("rui", "reviewer", PASSWORD)
        ann = store.add_user("ann", "agent", PASSWORD, agent_id="A1")
        store.log_access(rui, "view", "c1")
        store.log_access(ann, "play", "c2", "redacted copy")
        store.log_access(rui, "login_failed", None)
    every = callqa(config, "users", "access-log").stdout.splitlines()
    assert [line.split("\t")[1:4] for line in every] == [
        ["rui", "view", "c1"], ["ann", "play", "c2"], ["rui", "login_failed", "-"],
    ]  # fmt: skip
    by_user = callqa(config, "users", "access-log", "--user", "rui", "--since", "2020-01-01")
    assert [line.split("\t")[2] for line in by_user.stdout.splitlines()] == ["view", "login_failed"]
    by_call = callqa(config, "users", "access-log", "--call", "c2").stdout
    assert "redacted copy" in by_call and "c1" not in by_call
    assert callqa(config, "users", "access-log", "--since", "2999-01-01").stdout == ""


def test_help_lists_every_action():
    result = subprocess.run([*CALLQA, "users", "--help"], capture_output=True, text=True)
    for action in ("add", "list", "disable", "passwd", "access-log"):
        assert action in result.stdout
