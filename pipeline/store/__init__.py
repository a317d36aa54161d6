"""DuckDB store: versioned schema, idempotent per-call writes, a read-only snapshot for analysts."""

from pipeline.store.db import connect, finish_run, migrate, start_run, write_agents, write_call
from pipeline.store.reader import connect_reader
from pipeline.store.writer import StoreWriter

__all__ = ["connect", "connect_reader", "finish_run", "migrate", "start_run", "StoreWriter", "write_agents", "write_call"]
