"""What the workbench reads from the published DuckDB snapshot: the queue and one call.

Never the database the nightly run writes: the run replaces the snapshot atomically, and the
reader reopens it when the file changes, so a page shows whole calls of one publication.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.errors import CallqaError
from pipeline.store.connection import queries


@dataclass(frozen=True)
class Scope:
    """Which calls a user may see (pipeline.review.web.access builds it from the user)."""

    every_call: bool = False
    agent_id: str | None = None  # an agent: only their own calls
    teams: tuple[str, ...] = ()
    team_agents: tuple[str, ...] = ()  # agents the review store's users place in those teams

    def params(self) -> dict[str, Any]:
        return {
            "scope_all": self.every_call,
            "scope_agent": self.agent_id,
            "scope_teams": list(self.teams),
            "scope_team_agents": list(self.team_agents),
        }


@dataclass(frozen=True)
class QueueFilter:
    flagged: bool | None = None
    sampled: bool | None = None
    reviewed: bool | None = None
    day: date | None = None
    team: str | None = None
    agent: str | None = None
    category: str | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class QueuePage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class StoredCall:
    call: dict[str, Any]
    segments: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    items: list[dict[str, Any]] = field(default_factory=list)


class SnapshotReader:
    """The snapshot attached read-only (as `snap`) to an in-memory DuckDB that also holds the
    queue table of that snapshot (workbench.sql queue_table). When the run publishes a new
    snapshot, the next request starts building its replacement in a thread and requests go on
    reading the previous one (its file stays open) until the new one is ready."""

    def __init__(self, path: Path, new_hire_days: int, sample_percent: int):
        self.path = Path(path)
        self.policy = {"new_hire_days": new_hire_days, "sample_percent": sample_percent}
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None
        self._building: tuple[int, int] | None = None
        self._first = threading.Lock()

    def _stamp_now(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise CallqaError(
                f"{self.path}: no published snapshot yet; run `callqa run ARCHIVE_DIR` first"
            ) from None
        return (stat.st_ino, stat.st_mtime_ns)

    def _open(self, stamp: tuple[int, int]) -> None:
        con = duckdb.connect()
        try:
            con.execute("SET enable_progress_bar = false")
            # a queue page reads the queue table in its stored order (workbench.sql queue_page)
            con.execute("SET preserve_insertion_order = true")
            con.execute(f"ATTACH '{_quoted(self.path)}' AS snap (READ_ONLY)")
            con.execute("USE snap")
            con.execute(_sql("queue_table"), self.policy)
        except BaseException:
            con.close()
            raise
        with self._lock:
            old, self._con, self._stamp = self._con, con, stamp
            if self._building == stamp:
                self._building = None
        if old is not None:
            old.close()

    def _rebuild(self, stamp: tuple[int, int]) -> None:
        try:
            self._open(stamp)
        except Exception:
            with self._lock:
                self._building = None  # the next request tries again

    def _connection(self) -> duckdb.DuckDBPyConnection:
        stamp = self._stamp_now()
        with self._lock:
            current = self._con
            start_build = current is not None and stamp != self._stamp and self._building is None
            if start_build:
                self._building = stamp
        if current is not None:
            if start_build:
                threading.Thread(target=self._rebuild, args=(stamp,), daemon=True).start()
            return current
        with self._first:  # the first snapshot: every request waits for it
            if self._con is None:
                self._open(stamp)
            assert self._con is not None
            return self._con

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._connection().cursor()
        try:
            cur.execute("USE snap")
            yield cur
        finally:
            cur.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _sql(name: str) -> str:
    return queries("workbench.sql")[name]


def _queue_filters(
    scope: Scope, wanted: QueueFilter, recheck_ids: Sequence[str]
) -> tuple[str, dict[str, Any]]:
    """The WHERE of a queue request from the where_* blocks it needs, and their parameters."""
    parts: list[str] = []
    params: dict[str, Any] = {}

    def use(name: str, **values: Any) -> None:
        parts.append(_sql(f"where_{name}"))
        params.update(values)

    if scope.agent_id is not None:
        use("scope_agent", scope_agent=scope.agent_id)
    elif not scope.every_call and scope.team_agents:
        use(
            "scope_teams_or_agents",
            scope_teams=list(scope.teams),
            scope_team_agents=list(scope.team_agents),
        )
    elif not scope.every_call:
        use("scope_teams", scope_teams=list(scope.teams))
    for name in ("day", "agent", "team"):
        if getattr(wanted, name) is not None:
            use(name, **{name: getattr(wanted, name)})
    recheck = {"recheck_ids": list(recheck_ids)} if recheck_ids else {}
    also = "_or_recheck" if recheck_ids else ""
    if wanted.flagged and wanted.sampled:
        use("flagged_or_sampled" + also, **recheck)
    else:
        if wanted.flagged is not None:
            use("flagged", flagged=wanted.flagged)
        if wanted.sampled is not None:
            use("sampled" + also, sampled=wanted.sampled, **recheck)
    for name in ("category", "reviewed"):
        if getattr(wanted, name) is not None:
            use(name, **{name: getattr(wanted, name)})
    return " AND ".join(parts) or "true", params


def queue_page(
    reader: SnapshotReader,
    scope: Scope,
    wanted: QueueFilter,
    reviewed_ids: Sequence[str],
    recheck_ids: Sequence[str],
) -> QueuePage:
    where, params = _queue_filters(scope, wanted, recheck_ids)
    page_params = {
        **params,
        "recheck_ids": list(recheck_ids),
        "limit": wanted.page_size,
        "offset": (wanted.page - 1) * wanted.page_size,
    }
    with reader.cursor() as cur:
        cur.register("reviewed_calls", pa.table({"call_id": pa.array(reviewed_ids, pa.string())}))
        count_sql = _sql("queue_count").replace("{where}", where)
        total = cur.execute(count_sql, params).fetchall()[0][0]
        page_sql = _sql("queue_page").replace("{where}", where)
        rows = _dicts(cur.execute(page_sql, page_params))
    return QueuePage(rows, int(total), wanted.page, wanted.page_size)


def stored_call(reader: SnapshotReader, scope: Scope, call_id: str) -> StoredCall | None:
    """The call with its transcript, findings and score items; None when it is unknown or
    outside the scope (the caller cannot tell which)."""
    with reader.cursor() as cur:
        found = _dicts(cur.execute(_sql("call_row"), {"call_id": call_id, **scope.params()}))
        if not found:
            return None
        one = {"call_id": call_id}
        return StoredCall(
            call=found[0],
            segments=_dicts(cur.execute(_sql("call_segments"), one)),
            findings=_dicts(cur.execute(_sql("call_findings"), one)),
            items=_dicts(cur.execute(_sql("call_items"), one)),
        )


def call_visible(reader: SnapshotReader, scope: Scope, call_id: str) -> bool:
    with reader.cursor() as cur:
        rows = cur.execute(_sql("call_row"), {"call_id": call_id, **scope.params()}).fetchall()
    return bool(rows)


def rules_of_findings(reader: SnapshotReader, finding_ids: Sequence[str]) -> dict[str, str]:
    with reader.cursor() as cur:
        wanted = pa.table({"finding_id": pa.array(finding_ids, pa.string())})
        cur.register("wanted_findings", wanted)
        return dict(cur.execute(_sql("rules_of_findings")).fetchall())


def call_of_finding(reader: SnapshotReader, finding_id: str) -> str | None:
    with reader.cursor() as cur:
        rows = cur.execute(_sql("call_of_finding"), {"finding_id": finding_id}).fetchall()
    return rows[0][0] if rows else None


def recheck_calls(
    reader: SnapshotReader, agent_id: str, since: datetime, n_calls: int
) -> list[dict[str, Any]]:
    with reader.cursor() as cur:
        params = {"agent_id": agent_id, "since": since, "n_calls": n_calls}
        return _dicts(cur.execute(_sql("recheck_calls"), params))


def teams_of_agents(reader: SnapshotReader, agent_ids: Sequence[str]) -> dict[str, str | None]:
    with reader.cursor() as cur:
        rows = cur.execute(_sql("teams_of_agents"), {"agent_ids": list(agent_ids)}).fetchall()
    return {agent_id: team for agent_id, team in rows}
