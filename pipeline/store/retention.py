"""Retention: purge transcripts and finding evidence older than [retention] days.

A call is purged once its call date is more than `days` days ago and it was processed more
than a day ago (a backfill of old recordings stays for the next morning's report and review).
What is purged is what holds the words: the segments of the call in the store, the evidence
of its findings, and cached transcripts on disk. The call row, its findings (category, rule,
times) and its score stay, so trends and Pareto analysis keep their history. Runs at the end
of every run and on demand (`callqa purge`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.store.connection import SqlConnection, queries, transaction

log = logging.getLogger("callqa")


@dataclass(frozen=True)
class PurgeSummary:
    before: date
    calls: int
    cache_files: int


def purge(
    con: SqlConnection,
    days: int,
    timezone: str,
    cache_directory: Path | None = None,
    today: date | None = None,
) -> PurgeSummary | None:
    """Purge calls with a call_date more than `days` days before `today`; 0 days keeps everything."""
    if days <= 0:
        return None
    today = today or datetime.now(ZoneInfo(timezone)).date()
    before = today - timedelta(days=days)
    q = queries()
    call_ids = [row[0] for row in con.execute(q["calls_to_purge"], {"before": before}).fetchall()]
    if call_ids:
        with transaction(con):
            for name in ("purge_segments", "purge_evidence", "mark_purged"):
                con.execute(q[name], {"call_ids": call_ids})
    cache_files = 0
    if cache_directory is not None and Path(cache_directory).is_dir():
        # Cached transcripts are files of their own: age by when they were written.
        cutoff = time.time() - days * 86400
        for path in Path(cache_directory).rglob("*.json"):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                cache_files += 1
    if call_ids or cache_files:
        log.info(
            "retention: purged the transcripts of %d call(s) before %s and %d cached transcript(s)",
            len(call_ids),
            before,
            cache_files,
        )
    return PurgeSummary(before, len(call_ids), cache_files)
