"""Review stores for the tests: a SQLite file, and a real PostgreSQL server started here.

The server is Debian's (`make setup` installs the postgresql package): initdb into a temporary
folder, pg_ctl start on 127.0.0.1 on a free port, as an unprivileged user when the tests run
as root (PostgreSQL refuses to run as root). Without the binaries the PostgreSQL cases skip.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_COUNTER = itertools.count()


def postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A running PostgreSQL server; yields the URL of its `postgres` database."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    # Its own folder under /tmp: pytest's are private to the user running the tests, and the
    # server may run as another (below).
    folder = Path(tempfile.mkdtemp(prefix="callqa-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "nobody"
        pwd.getpwnam(user)
        prefix = ["runuser", "-u", user, "--"]
        shutil.chown(folder, user)
    try:
        yield from _run_server(bin_dir, folder, prefix)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(command: list[str], folder: Path, env: dict[str, str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr or done.stdout}")


def _run_server(bin_dir: Path, folder: Path, prefix: list[str]) -> Iterator[str]:
    data = folder / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    _run(
        [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--no-sync"],
        folder, env,
    )  # fmt: skip
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=on -c synchronous_commit=on"
    _run(
        [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
         str(folder / "server.log"), "-w", "-t", "60", "start"],
        folder, env,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True, env=env, cwd=folder,
        )  # fmt: skip


def fresh_database(server_url: str) -> str:
    """A new empty database on the server: each test starts from nothing."""
    import psycopg

    name = f"review_{os.getpid()}_{next(_COUNTER)}"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


# The fixtures of the tests that run on both back-ends (imported by those test modules).
@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "review.sqlite3")
    return fresh_database(request.getfixturevalue("pg_server"))
