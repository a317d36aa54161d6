"""Appending a row to a section of bench/RESULTS.md (the section is created on first use)."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def append_row(
    section: str, description: str, table_head: str, row: str, results: Path = RESULTS
) -> None:
    text = results.read_text(encoding="utf-8") if results.is_file() else "# Benchmark results\n"
    if section not in text:
        text = text.rstrip("\n") + f"\n\n{section}\n\n{description}\n\n" + table_head
    start = text.index(section)
    next_section = text.find("\n## ", start + len(section))
    end = len(text) if next_section < 0 else next_section
    text = text[:end].rstrip("\n") + "\n" + row + "\n" + text[end:]
    results.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
