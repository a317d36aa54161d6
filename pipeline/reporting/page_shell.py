"""The shell of the self-contained report pages (coaching, trends): the document around a
page's sections, the time it was made, and its file under the output folder."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo


def html_page(title: str, css: str, body: str) -> str:
    """One printable Chinese page: `title` is escaped here, `body` is HTML already."""
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{css}</style></head><body>{body}</body></html>\n"
    )


def made_at(timezone_name: str) -> str:
    """Now, as the site lives it (the note at a page's foot)."""
    return datetime.now(UTC).astimezone(ZoneInfo(timezone_name)).strftime("%Y-%m-%d %H:%M")


def safe_name(text: str) -> str:
    """`text` as a file name part: letters, digits, - and _ stay, anything else becomes _."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def write_page(out_dir: Path, name: str, html: str) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    path.write_text(html, encoding="utf-8")
    return path
