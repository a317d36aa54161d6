"""Arguments several commands share, written once."""

from __future__ import annotations

import argparse
from pathlib import Path

DB_HELP = "DuckDB file (default: [paths] db in the config, out/callqa.duckdb)"


def add_db_option(command: argparse.ArgumentParser, help: str = DB_HELP) -> None:
    """`--db PATH`: the DuckDB file a command reads or writes instead of [paths] db."""
    command.add_argument("--db", type=Path, metavar="PATH", help=help)
