"""Finding recordings under an archive folder and what calls.csv / agents.csv say about them.

calls.csv (archive root): call_id, agent_id, started_at[, path][, caller]. Rows are matched to
files by `path` (relative to the root) when the column is there, else by file stem == call_id.
`caller` (the caller's number) is kept only as a keyed hash (pipeline.batch.names.caller_hash),
and only when the run has the site's key.
agents.csv (archive root): agent_id, name, team, hire_date.
Problems in these files are reported as warnings naming file and line; they never stop a run.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.batch.names import caller_hash, is_private, private_part, private_path
from pipeline.errors import printable
from pipeline.types import Recording

AUDIO_EXTENSIONS = frozenset({".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".wma", ".amr"})
CALLS_CSV = "calls.csv"
AGENTS_CSV = "agents.csv"


@dataclass
class Archive:
    root: Path
    recordings: list[Recording]
    agents: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_audio_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.suffix.lower() in AUDIO_EXTENSIONS and not p.name.startswith(".") and not p.is_dir()
    )


def outside_link(path: Path, root: Path) -> Path | None:
    """Where `path` really is, when it is a symbolic link out of the archive `root`; else None.

    Only file links matter: the archive walk does not descend into linked folders (so a link
    loop is harmless), and a root that is itself a link is taken where it points.
    """
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if target.is_relative_to(root.resolve()) else target


def parse_started_at(value: str, timezone: str) -> datetime:
    """ISO 8601; a time without an offset is taken as the site's local time."""
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


def _read_csv(
    path: Path, required: tuple[str, ...], warnings: list[str]
) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        return []
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                warnings.append(
                    f"{path}: missing column(s) {', '.join(missing)}; the file is ignored"
                )
                return []
            return [(reader.line_num, row) for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        warnings.append(f"{path}: cannot be read as UTF-8 CSV ({exc}); the file is ignored")
        return []


def read_call_metadata(
    root: Path, timezone: str, warnings: list[str]
) -> tuple[dict[str, dict], dict[str, dict]]:
    """(by relative path, by call_id) metadata rows from calls.csv."""
    by_path: dict[str, dict] = {}
    by_id: dict[str, dict] = {}
    path = root / CALLS_CSV
    for line_no, row in _read_csv(path, ("call_id",), warnings):
        call_id = (row.get("call_id") or "").strip()
        if not call_id:
            warnings.append(f"{path}:{line_no}: empty call_id; row ignored")
            continue
        meta: dict = {"call_id": call_id, "agent_id": (row.get("agent_id") or "").strip() or None}
        started = (row.get("started_at") or "").strip()
        if started:
            try:
                meta["started_at"] = parse_started_at(started, timezone)
            except ValueError:
                warnings.append(
                    f"{path}:{line_no}: started_at {started!r} is not an ISO 8601 time; left empty"
                )
        caller = (row.get("caller") or "").strip()
        if caller:
            # Raw until scan_archive hashes it: never stored, logged or put in a message.
            meta["caller"] = (caller, f"{path}:{line_no}")
        if call_id in by_id:
            warnings.append(
                f"{path}:{line_no}: call_id {call_id} listed twice; the first row is used"
            )
            continue
        by_id[call_id] = meta
        if (row.get("path") or "").strip():
            by_path[row["path"].strip()] = meta
    return by_path, by_id


def read_agents(
    root: Path, warnings: list[str]
) -> list[tuple[str, str | None, str | None, str | None]]:
    path = root / AGENTS_CSV
    agents = []
    for line_no, row in _read_csv(path, ("agent_id",), warnings):
        agent_id = (row.get("agent_id") or "").strip()
        if not agent_id:
            warnings.append(f"{path}:{line_no}: empty agent_id; row ignored")
            continue
        hire = (row.get("hire_date") or "").strip() or None
        if hire:
            try:
                date.fromisoformat(hire)
            except ValueError:
                warnings.append(
                    f"{path}:{line_no}: hire_date {hire!r} is not YYYY-MM-DD; left empty"
                )
                hire = None
        agents.append(
            (
                agent_id,
                (row.get("name") or "").strip() or None,
                (row.get("team") or "").strip() or None,
                hire,
            )
        )
    return agents


def scan_archive(
    root: Path | str, timezone: str = "Asia/Shanghai", id_key: bytes | None = None
) -> Archive:
    """Every recording under `root` (recursively) with its call_id and metadata.

    With the site's `id_key`, a phone, ID or card number in a file or folder name is masked in
    the recording's shown path and call id (pipeline.batch.names); None leaves names as they are
    (tests of other things, and tools that only read)."""
    root = Path(root)
    warnings: list[str] = []
    by_path, by_id = read_call_metadata(root, timezone, warnings)
    files = find_audio_files(root)
    stem_counts = Counter(p.stem for p in files)
    recordings = []
    for file in files:
        relative = printable(file.relative_to(root).as_posix())
        meta = by_path.get(relative) or by_id.get(file.stem) or {}
        call_id = meta.get("call_id")
        if not call_id:
            # Same stem in two folders: the relative path keeps the call ids apart.
            call_id = (
                printable(file.stem)
                if stem_counts[file.stem] == 1
                else relative.rsplit(".", 1)[0].replace("/", "_")
            )
        hashed = None
        if id_key is not None:
            call_id, relative = private_part(call_id, id_key), private_path(relative, id_key)
            if "caller" in meta:
                hashed = caller_hash(meta["caller"][0], id_key)
                if hashed is None:
                    warnings.append(
                        f"{meta['caller'][1]}: caller is not a phone number; left empty"
                    )
        recordings.append(
            Recording(
                path=file,
                call_id=call_id,
                agent_id=meta.get("agent_id"),
                started_at=meta.get("started_at"),
                display_path=relative,
                caller_hash=hashed,
            )
        )
    return Archive(
        root=root, recordings=recordings, agents=read_agents(root, warnings), warnings=warnings
    )


def locate(root: Path | str, shown: str, key: bytes) -> Path | None:
    """The file under the archive `root` whose shown path is `shown` (None when none is)."""
    root = Path(root)
    if not is_private(shown):
        candidate = root / shown
        return candidate if candidate.exists() else None
    for file in find_audio_files(root):
        if private_path(file.relative_to(root).as_posix(), key) == shown:
            return file
    return None
