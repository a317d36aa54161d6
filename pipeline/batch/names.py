"""File and folder names that carry a caller's number: masked, with a keyed hash to stay unique.

Recorders often name a file by the caller's number (13812345678_20261121.wav) or file calls
in a folder per number. Such a name must not reach DuckDB, reports, CSVs or logs. Every part
of a recording's path relative to the archive root (each folder name, the file stem) is
checked for a number the PII recognizers accept (a mobile, ID or card number, as in speech);
its middle digits are masked as speech masks them and the part gets `~` and 12 hex digits of
HMAC-SHA256 of the whole raw part under the site's key, so two callers whose masked numbers
look the same stay apart, and the same file maps to the same call id on every run (the
incremental bookkeeping keys on it). Names without such a number are left as they are.

The key is a random 32-byte secret in `[paths] id_key` (created on first use, readable by its
owner only). Keep it: another key gives these calls other ids, and they would be processed as
new ones. A recording is found again from its shown path by recomputing the names of the
archive's files (pipeline.batch.archive.locate).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path, PurePosixPath

from pipeline.detectors.pii import MIN_PII_DIGITS, numbers_in_run
from pipeline.errors import ConfigError
from pipeline.text.digits import find_digit_runs
from pipeline.text.masking import MASK

HASH_MARK = "~"
HASH_CHARS = 12
KEY_BYTES = 32


def load_or_create_key(path: Path | str) -> bytes:
    """The site's id key, created (owner-only) when the file does not exist yet."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = secrets.token_hex(KEY_BYTES)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(text + "\n")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(
            f"{path}: not a callqa id key ({KEY_BYTES * 2} hex digits); restore the site's key "
            "file, or move it away to start with a new one (calls named by numbers get new ids)"
        )
    return key


def private_part(part: str, key: bytes) -> str:
    """One path part (a folder name or a file stem) with any PII number in it masked and hashed."""
    runs = find_digit_runs(part, min_digits=MIN_PII_DIGITS)
    hidden: list[tuple[int, int]] = []
    for run in runs:
        for number, found in numbers_in_run(run):
            entity = found[0].entity
            head, tail = (3, 4) if entity == "phone" else (6, 4)
            spans = number.digit_spans()
            hidden += spans[head : len(spans) - tail]
    if not hidden:
        return part
    chars = list(part)
    for start, end in hidden:
        chars[start:end] = MASK * (end - start)
    digest = hmac.new(key, part.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_CHARS]
    return f"{''.join(chars)}{HASH_MARK}{digest}"


def private_path(relative: str, key: bytes) -> str:
    """A POSIX path relative to the archive root, every part passed through private_part (the
    file's extension kept)."""
    parts = PurePosixPath(relative).parts
    *folders, name = parts
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    shown = [private_part(folder, key) for folder in folders]
    shown.append(private_part(stem, key) + dot + suffix)
    return "/".join(shown)


def is_private(shown: str) -> bool:
    """Whether a shown path or call id had a number masked out of it."""
    return HASH_MARK in shown and MASK in shown


# A caller's number as archives write it: digits with spaces, dashes, dots, brackets or a
# leading +; the country code 86 of mainland China is dropped so +86 138…, 0086138… and 138…
# are one caller.
_CALLER_SEPARATORS = frozenset(" -.()+")


def caller_hash(value: str, key: bytes) -> str | None:
    """The caller column of calls.csv or a sidecar as HMAC-SHA256 under the site's key (hex), or
    None when it holds no number (the value is never echoed: callers are told by line only)."""
    text = value.strip()
    if not text or any(not (c.isdigit() or c in _CALLER_SEPARATORS) for c in text):
        return None
    digits = "".join(c for c in text if c.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    if len(digits) < 3:
        return None
    # A label keeps these hashes apart from the file-name hashes made with the same key.
    return hmac.new(key, b"caller:" + digits.encode("ascii"), hashlib.sha256).hexdigest()
