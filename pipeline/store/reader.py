"""Opening the store for reading: the published snapshot, or the DB when no run holds it."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from pipeline.errors import CallqaError


def connect_reader(
    snapshot_path: Path, db_path: Path | None = None, wait_s: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """A read-only connection: the snapshot when there is one, else the DB itself.

    `wait_s` retries opening the DB while a writer holds it (the snapshot never waits).
    """
    snapshot_path = Path(snapshot_path)
    if snapshot_path.is_file():
        return duckdb.connect(str(snapshot_path), read_only=True)
    if db_path is None or not Path(db_path).is_file():
        raise CallqaError(
            f"{snapshot_path}: no callqa database yet; run `callqa run ARCHIVE_DIR` first"
        )
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(db_path), read_only=True)
        except duckdb.IOException as exc:
            if time.monotonic() >= deadline:
                raise CallqaError(
                    f"{db_path}: held by a running callqa process and no snapshot is published yet ({exc})"
                ) from None
            time.sleep(0.2)


def connect_current(db_path: Path, snapshot_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the DB itself, for the latest rows; while a running callqa
    process holds it, to its published snapshot (`snapshot_path`) when there is one."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise CallqaError(f"{db_path}: no callqa database here; run `callqa run ARCHIVE_DIR` first")
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        if snapshot_path is not None and Path(snapshot_path).is_file():
            return duckdb.connect(str(snapshot_path), read_only=True)
        raise CallqaError(
            f"{db_path}: held by a running callqa process and no snapshot is published yet ({exc})"
        ) from None
