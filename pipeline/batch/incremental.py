"""Which recordings of an archive are new or changed since they were last processed.

A recording's identity is its path under the archive root plus the sha256 of its bytes, both
kept in DuckDB (`processed_files`, and `calls` for databases written by `callqa run`). Hashing
a whole archive every night would read every byte, so a file whose size and modification time
equal those recorded is taken as unchanged without hashing; a file whose time changed is
hashed and only processed when its bytes changed (a copy or `touch` keeps its identity).

Per-call metadata comes from the archive's calls.csv (pipeline.batch.archive) and, overriding it
key by key, from a sidecar JSON next to the recording: `<file name>.json` (call.wav.json) or
`<file stem>.json` (call.json), with keys call_id, agent_id, started_at and caller (the caller's
number, kept only as a keyed hash: pipeline.batch.names.caller_hash).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.audio.decode import sha256_if_readable
from pipeline.batch.archive import outside_link, parse_started_at, scan_archive
from pipeline.batch.names import caller_hash
from pipeline.store.connection import SqlConnection, queries
from pipeline.types import CallResult, Recording

SIDECAR_KEYS = ("call_id", "agent_id", "started_at")
# Folder dates in archive paths: 2026/11/21/…, 2026-11-21/…, 20261121/…
_FOLDER_DATE = re.compile(r"(?:^|/)(\d{4})(?:/|-)?(\d{2})(?:/|-)?(\d{2})(?:/|$)")


@dataclass(frozen=True)
class FileState:
    """What the file system said about a recording when the run was planned."""

    size_bytes: int
    mtime_ns: int
    sha256: str | None = None  # known when the plan had to hash the file


@dataclass
class RunPlan:
    root: Path
    to_process: list[Recording] = field(default_factory=list)
    states: dict[str, FileState] = field(default_factory=dict)  # by Recording.shown_path
    skipped: list[Recording] = field(default_factory=list)  # unchanged since last processed
    out_of_range: int = 0  # backfill: outside the date range, or no date known
    agents: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_sidecar(audio: Path, timezone: str, warnings: list[str]) -> dict:
    """Metadata from the recording's sidecar JSON, or {} when there is none."""
    for candidate in (audio.with_name(audio.name + ".json"), audio.with_suffix(".json")):
        if not candidate.is_file():
            continue
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warnings.append(
                f"{candidate}: not a readable JSON object ({exc}); the sidecar is ignored"
            )
            return {}
        if not isinstance(data, dict):
            warnings.append(
                f"{candidate}: the top level must be a JSON object; the sidecar is ignored"
            )
            return {}
        meta: dict[str, str | datetime | None] = {}
        for key in ("call_id", "agent_id"):
            if isinstance(data.get(key), (str, int)) and str(data[key]).strip():
                meta[key] = str(data[key]).strip()
        caller = data.get("caller")
        if isinstance(caller, (str, int)) and str(caller).strip():
            meta["caller"] = str(caller)  # raw: discover hashes it and drops the number
        started = data.get("started_at")
        if isinstance(started, str) and started.strip():
            try:
                meta["started_at"] = parse_started_at(started, timezone)
            except ValueError:
                warnings.append(
                    f"{candidate}: started_at {started!r} is not an ISO 8601 time; left as calls.csv says"
                )
        return meta
    return {}


def folder_date(relative_path: str) -> date | None:
    """The date an archive path is filed under (2026/11/21/x.wav), if any."""
    for match in _FOLDER_DATE.finditer(relative_path):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def call_day(recording: Recording, timezone: str) -> date | None:
    """The local day of a call: started_at when known, else the folder it is filed under."""
    if recording.started_at is not None:
        return recording.started_at.astimezone(ZoneInfo(timezone)).date()
    return folder_date(recording.shown_path)


def discover(
    root: Path | str, timezone: str, id_key: bytes | None = None
) -> tuple[list[Recording], list, list[str]]:
    """Every recording under `root` with calls.csv and sidecar metadata; (recordings, agents,
    warnings). `id_key`: see scan_archive."""
    archive = scan_archive(Path(root), timezone, id_key)
    warnings = list(archive.warnings)
    recordings = []
    for recording in archive.recordings:
        said: list[str] = []
        sidecar = read_sidecar(recording.path, timezone, said)
        # A sidecar is named like its recording: warnings name it as the recording is shown.
        raw_stem, shown_stem = str(recording.path.with_suffix("")), recording.shown_path
        shown_stem = shown_stem.rsplit(".", 1)[0] if "." in shown_stem else shown_stem
        caller = sidecar.pop("caller", None)
        if caller is not None and id_key is not None:
            hashed = caller_hash(caller, id_key)
            if hashed is None:
                said.append(f"{raw_stem}.json: caller is not a phone number; left empty")
            sidecar["caller_hash"] = hashed
        warnings += [line.replace(raw_stem, shown_stem) for line in said]
        recordings.append(replace(recording, **sidecar) if sidecar else recording)
    seen: dict[str, str] = {}
    for recording in recordings:
        if recording.call_id in seen:
            warnings.append(
                f"{recording.shown_path}: call_id {recording.call_id} is also {seen[recording.call_id]}; "
                "the one processed last is kept"
            )
        seen.setdefault(recording.call_id, recording.shown_path)
    return recordings, archive.agents, warnings


def _stat(path: Path) -> FileState | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return FileState(info.st_size, info.st_mtime_ns)


def plan_run(
    con: SqlConnection,
    root: Path | str,
    timezone: str,
    *,
    refresh: bool = False,
    retry_failed: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    follow_symlinks_outside: bool = False,
    id_key: bytes | None = None,
) -> RunPlan:
    """Split the archive's recordings into those to process and those unchanged since last time.

    `con` is the writer's connection: files found touched but unchanged get their new time recorded.
    `refresh` processes everything; `retry_failed` also the unchanged files that failed last time.
    `date_from` / `date_to` (inclusive) keep only the calls of those local days (backfill).
    A link out of the archive is planned without looking at its target (the run session records
    it as failed) unless `follow_symlinks_outside`.
    """
    root = Path(root).resolve()
    recordings, agents, warnings = discover(root, timezone, id_key)
    plan = RunPlan(root=root, agents=agents, warnings=warnings)
    q = queries("incremental.sql")
    processed = {
        row[0]: row[1:]
        for row in con.execute(q["processed_files_of_archive"], [str(root)]).fetchall()
    }
    legacy = (
        {row[0]: row[1:] for row in con.execute(q["calls_by_path"]).fetchall()}
        if not refresh
        else {}
    )
    for recording in recordings:
        if date_from or date_to:
            day = call_day(recording, timezone)
            if day is None or (date_from and day < date_from) or (date_to and day > date_to):
                plan.out_of_range += 1
                continue
        if not follow_symlinks_outside and outside_link(recording.path, root) is not None:
            plan.to_process.append(recording)
            continue
        state = _stat(recording.path)
        if state is None or refresh:
            # unreadable: processing records why; refresh: everything goes
            plan.to_process.append(recording)
            if state:
                plan.states[recording.shown_path] = state
            continue
        path = recording.shown_path
        known = processed.get(path)
        if known is not None:
            sha, size, mtime, status = known
            unchanged = (size, mtime) == (state.size_bytes, state.mtime_ns)
            if not unchanged:
                state = replace(state, sha256=sha256_if_readable(recording.path))
                unchanged = state.sha256 == sha
                if unchanged:
                    con.execute(
                        q["touch_processed_file"],
                        [state.size_bytes, state.mtime_ns, str(root), path],
                    )
            skip = unchanged and not (retry_failed and status == "failed")
        elif path in legacy and legacy[path][0]:
            sha, status, call_id, run_id = legacy[path]
            state = replace(state, sha256=sha256_if_readable(recording.path))
            skip = state.sha256 == sha and not (retry_failed and status == "failed")
            # written by `callqa run`: remember it, so it is not hashed again
            if state.sha256 == sha:
                con.execute(
                    q["upsert_processed_file"],
                    [
                        str(root),
                        path,
                        sha,
                        state.size_bytes,
                        state.mtime_ns,
                        call_id,
                        status,
                        run_id,
                    ],
                )
        else:
            skip = False
        if skip:
            plan.skipped.append(recording)
        else:
            plan.to_process.append(recording)
            plan.states[path] = state
    return plan


def mark_processed(con: SqlConnection, plan: RunPlan, result: CallResult, run_id: str) -> bool:
    """Record that `result`'s recording is done, so later runs skip it while it is unchanged.

    Returns False (nothing recorded: the next run tries again) when the file's bytes could not
    be hashed or its size was unknown — an unreadable file is worth another look tomorrow.
    """
    recording = result.recording
    state = plan.states.get(recording.shown_path)
    sha = result.transcript.audio.sha256 if result.transcript else result.audio_sha256
    if state is None or not sha:
        return False
    con.execute(
        queries("incremental.sql")["upsert_processed_file"],
        [
            str(plan.root),
            recording.shown_path,
            sha,
            state.size_bytes,
            state.mtime_ns,
            recording.call_id,
            result.status,
            run_id,
        ],
    )
    return True
