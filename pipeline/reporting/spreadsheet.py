"""CSV files that are safe to open in Excel or WPS: the one writer every export uses.

Roster names, sidecar ids, file names and ASR text are outside callqa's control, and a cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a spreadsheet (CSV or
formula injection). As OWASP recommends, such a cell is written with a single quote in front:
the spreadsheet shows it as text. A cell that already starts with a quote gets one more, so the
rule can be undone exactly: strip one leading `'` from any text cell that has one
(`read_csv` here; in polars `pl.col(c).str.replace(r"^'", "")`, in DuckDB
`regexp_replace(c, '^''', '')`). Numbers, booleans and empty cells are written as they are.
Files start with a UTF-8 byte-order mark, which Excel needs to read UTF-8.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

# What makes a spreadsheet evaluate a cell (OWASP, CSV Injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """The value as it is safe to write: text that a spreadsheet would evaluate, quoted."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def unescape_cell(value: Any) -> Any:
    """The value `safe_cell` was given."""
    if isinstance(value, str) and value.startswith(QUOTE):
        return value[1:]
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write `header` and `rows` with every cell made safe; returns the path."""
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([safe_cell(name) for name in header])
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return path


def write_frame(frame: pl.DataFrame, path: Path) -> Path:
    """A polars frame through the same writer (dates and times as ISO text)."""
    return write_csv(path, frame.columns, frame.iter_rows())


def read_csv(path: Path) -> pl.DataFrame:
    """An export read back with the values it was written from (all columns as text)."""
    frame = pl.read_csv(path, infer_schema=False)
    return frame.with_columns(pl.col(pl.String).str.replace(r"^'", ""))
