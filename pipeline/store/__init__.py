"""DuckDB store: versioned schema, idempotent per-call writes."""

from pipeline.store.db import connect, migrate, write_call, start_run, finish_run, write_agents

__all__ = ["connect", "migrate", "write_call", "start_run", "finish_run", "write_agents"]
