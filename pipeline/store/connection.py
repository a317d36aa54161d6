"""The DuckDB file: connect, migrate, the `-- name:` queries of sql/, and the one transaction primitive.

Everything in pipeline/store takes a `SqlConnection`: a DuckDB connection or the run's
`StoreWriter` (which serialises the threads of a run on its one connection).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class SqlConnection(Protocol):
    """What the store's functions need of a connection: DuckDB's own, or the run's StoreWriter."""

    def execute(self, query: str, parameters: Any = None, /) -> Any: ...

    def executemany(self, query: str, parameters: Sequence[Any], /) -> Any: ...


Connection = TypeVar("Connection", bound=SqlConnection)


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """BEGIN … COMMIT, or ROLLBACK and re-raise: what the block writes is stored whole or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@lru_cache(maxsize=4)
def queries(filename: str = "queries.sql") -> dict[str, str]:
    """The `-- name:` blocks of a file in sql/ (queries.sql: the writes; report.sql: the report)."""
    text = (SQL_DIR / filename).read_text(encoding="utf-8")
    blocks = re.split(r"^-- name: (\w+)\s*$", text, flags=re.M)
    return {name: body.strip() for name, body in zip(blocks[1::2], blocks[2::2])}


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(SQL_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def connect(db_path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db_path = Path(db_path)
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=read_only)
    if not read_only:
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not yet recorded; each in its own transaction. Returns those applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    done = {row[0] for row in con.execute(queries()["applied_migrations"]).fetchall()}
    applied = []
    for version, path in migrations():
        if version in done:
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name]
            )
        applied.append(version)
    return applied
