"""The run's hold on the DuckDB file, and the read-only snapshot it publishes for analysts.

DuckDB lets one process hold a database file; while it does, no other process can open it,
not even read-only. So the run writes `db` and, every `publish_every_s` seconds and when it
finishes, checkpoints, closes, copies the file and atomically renames the copy over the
snapshot. Readers open the snapshot: they never block the run, never see half a call (a call
is one transaction and the copy is taken between transactions), and a reader that has the old
snapshot open keeps reading it undisturbed (rename replaces the name, not the open file).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipeline.store.calls import replace_calls, write_calls
from pipeline.store.connection import connect
from pipeline.types import CallResult


class StoreWriter:
    def __init__(
        self,
        db_path: Path,
        snapshot_path: Path | None,
        publish_every_s: float = 60,
        timezone: str = "Asia/Shanghai",
        before_publish: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ):
        self.db_path = Path(db_path)
        self.snapshot_path = Path(snapshot_path) if snapshot_path else None
        self.publish_every_s = publish_every_s
        self.timezone = timezone
        # Refreshes tables copied from elsewhere (the review store) into each snapshot.
        self.before_publish = before_publish
        # Calls may finish on several threads; DuckDB connections are not for concurrent use.
        self._lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = connect(self.db_path)  # None once closed
        self._last_publish = time.monotonic()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _open_con(self) -> duckdb.DuckDBPyConnection:
        """The open connection (None only after close(), and a closed writer is not used)."""
        assert self.con is not None, "the store writer is closed"
        return self.con

    def execute(self, sql: str, params: Any = None, /) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._open_con().execute(sql, params or [])

    def executemany(self, sql: str, rows: Sequence[Any], /) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._open_con().executemany(sql, rows)

    def frame(self, sql: str, params: dict | None = None) -> pl.DataFrame:
        """A query's result as a polars frame (through Arrow, without a row-by-row copy)."""
        with self._lock:
            return self._open_con().sql(sql, params=params).pl()

    def write_call(self, result: CallResult, run_id: str) -> None:
        self.write_calls([result], run_id)

    def write_calls(self, results: list[CallResult], run_id: str) -> None:
        """Several calls in one transaction (bulk work); the snapshot is republished when due."""
        with self._lock:
            write_calls(self._open_con(), results, run_id, self.timezone)
            if time.monotonic() - self._last_publish >= self.publish_every_s:
                self.publish()

    def replace_calls(
        self, results: list[CallResult], run_id: str, stored_segments: dict[str, list[tuple]]
    ) -> None:
        """A batch of re-scored calls in one transaction, set-based (pipeline.store.calls.replace_calls)."""
        with self._lock:
            replace_calls(self._open_con(), results, run_id, self.timezone, stored_segments)
            if time.monotonic() - self._last_publish >= self.publish_every_s:
                self.publish()

    def publish(self) -> Path | None:
        """Publish the current state as the read-only snapshot; returns its path."""
        if self.snapshot_path is None:
            return None
        with self._lock:
            con = self._open_con()
            if self.before_publish is not None:
                self.before_publish(con)
            con.execute("CHECKPOINT")
            con.close()
            try:
                self.snapshot_path.parent.mkdir(parents=True, exist_ok=True)
                partial = self.snapshot_path.with_name(
                    f".{self.snapshot_path.name}.{os.getpid()}.partial"
                )
                shutil.copyfile(self.db_path, partial)
                os.replace(partial, self.snapshot_path)
            finally:
                self.con = duckdb.connect(str(self.db_path))
            self._last_publish = time.monotonic()
        return self.snapshot_path

    def close(self) -> None:
        with self._lock:
            if self.con is None:
                return
            self.publish()
            self.con.close()
            self.con = None
