"""What redacting a stored call needs: where its recording is, and where personal data was heard.

Read from a read-only connection (pipeline.store.reader.connect_current); only times, roles and
categories, never a finding's evidence or the call's text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from pipeline.store.connection import queries


@dataclass(frozen=True)
class StoredRecording:
    call_id: str
    status: str  # ok | failed
    error: str | None  # why it failed, naming the file and the reason
    audio_path: str  # as stored: relative to `archive` (or absolute)
    archive: str | None  # the archive root of the run that last wrote the call
    audio_sha256: str | None
    channels: int | None
    agent_speaker: str | None  # ch0 / ch1 for a stereo call, spk… for a mono one
    detectors: tuple[str, ...] | None  # the detectors enabled in that run; None: not recorded


@dataclass(frozen=True)
class PiiSpan:
    category: str  # pii.id_card, pii.bank_card, pii.phone, pii.credential …
    role: str  # agent, customer or both
    start_s: float
    end_s: float


def stored_recording(con: duckdb.DuckDBPyConnection, call_id: str) -> StoredRecording | None:
    cursor = con.execute(queries("redaction.sql")["recording_of_call"], {"call_id": call_id})
    rows = cursor.fetchall()
    if not rows:
        return None
    names = [column[0] for column in cursor.description]
    row = dict(zip(names, rows[0]))
    error = row["error"] or row["error_kind"]
    detectors = json.loads(row["detectors"]) if row["detectors"] else None
    return StoredRecording(
        call_id=row["call_id"],
        status=row["status"],
        error=error,
        audio_path=row["audio_path"],
        archive=row["archive"],
        audio_sha256=row["audio_sha256"],
        channels=row["channels"],
        agent_speaker=row["agent_speaker"],
        detectors=tuple(detectors) if isinstance(detectors, list) else None,
    )


def pii_spans(con: duckdb.DuckDBPyConnection, call_id: str) -> list[PiiSpan]:
    rows = con.execute(queries("redaction.sql")["pii_spans_of_call"], {"call_id": call_id})
    return [
        PiiSpan(category, role, float(start), float(end))
        for category, role, start, end in rows.fetchall()
    ]
