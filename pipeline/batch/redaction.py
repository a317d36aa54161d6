"""`callqa redact`: a copy of a stored call's recording with the personal data toned out.

Every finding of a category under `pii.` (ID card, bank card, phone, credential, and any added
later) becomes a span, padded on each side, on the channel of the party who spoke it: in a stereo
call the agent's channel is the one the call was processed with (calls.agent_speaker, else
[channels] agent_channel); a finding of both parties, or any in a mono call, covers every
channel. The copy keeps the recording's sample rate, channels, length and WAV sample format
(pipeline.audio.encode), and is written atomically. Only counts and seconds are reported —
never a number or any of the call's text.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.audio.decode import file_sha256, open_source
from pipeline.audio.encode import wav_format_for, write_wav_atomically
from pipeline.audio.redact import (
    DEFAULT_PAD_S,
    REDACTION_MODES,
    RedactionMode,
    RedactionSpan,
    covered_ranges,
    covered_seconds,
    redact_samples,
    union_seconds,
)
from pipeline.batch.archive import locate
from pipeline.batch.names import is_private, load_or_create_key
from pipeline.config import Config
from pipeline.errors import (
    CallNotFoundError,
    CallNotProcessedError,
    CallqaError,
    RecordingChangedError,
    RecordingNotFoundError,
    printable,
)
from pipeline.store.reader import connect_current
from pipeline.store.recordings import PiiSpan, StoredRecording, pii_spans, stored_recording

_CHANNEL_LABEL = re.compile(r"^ch(\d+)$")


@dataclass(frozen=True)
class RedactionSummary:
    """What a redaction covered: counts and seconds only."""

    call_id: str
    recording: Path
    out_path: Path
    mode: RedactionMode
    pad_s: float
    n_spans: int
    spans_by_category: dict[str, int]
    covered_s: float  # seconds of the recording during which at least one channel is redacted
    covered_s_by_channel: tuple[float, ...]
    channel_roles: tuple[str, ...]  # per channel: agent, customer, or both (mono)
    duration_s: float
    sample_rate: int
    n_channels: int
    container: str  # WAV, WAVEX, RF64
    subtype: str  # PCM_16, PCM_24, ULAW …
    warnings: tuple[str, ...] = ()


def redact_call(
    config: Config,
    db_path: Path | str,
    call_id: str,
    out_path: Path | str,
    pad_s: float = DEFAULT_PAD_S,
    mode: RedactionMode = "tone",
) -> RedactionSummary:
    """Write `out_path`, a WAV copy of the recording of stored call `call_id` with every PII
    span (padded by `pad_s` seconds on each side) replaced by a tone or silence (`mode`).

    Raises CallNotFoundError, CallNotProcessedError (the call failed), RecordingNotFoundError,
    RecordingChangedError (other bytes than those processed: the findings' times would not
    apply), AudioDecodeError, or CallqaError for a bad request or an output that cannot be written.
    """
    out_path = Path(out_path)
    check_request(out_path, pad_s, mode)
    db_path = Path(db_path)
    con = connect_current(db_path, config.snapshot_for(db_path))
    try:
        stored = stored_recording(con, call_id)
        if stored is None:
            raise CallNotFoundError(call_id, db_path)
        found = pii_spans(con, call_id)
    finally:
        con.close()
    if stored.status != "ok":
        raise CallNotProcessedError(call_id, stored.error or "no reason was recorded")
    source = recording_path(stored, load_or_create_key(config.paths.id_key))
    shown = shown_recording_path(stored)  # what errors name: never a raw number of a file name
    _check_source(stored, source, out_path, shown)
    warnings = _warnings(stored)
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CallqaError(
            f"{printable(out_path.parent)}: cannot be created ({exc.strerror or exc})"
        ) from None

    with open_source(source) as audio:
        if stored.channels is not None and audio.n_channels != stored.channels:
            raise RecordingChangedError(
                call_id,
                shown,
                f"has {audio.n_channels} channels, {stored.channels} when processed",
            )
        agent = agent_channel(stored, audio.n_channels, config.channels.agent_channel)
        spans = [_span(found_span, audio.n_channels, agent) for found_span in found]
        container, subtype = wav_format_for(audio.format, audio.subtype)

        def redacted() -> Iterator[np.ndarray]:
            position = 0
            for block in audio.blocks:
                yield redact_samples(
                    block, audio.sample_rate, spans, mode, pad_s=pad_s, first_sample=position
                )
                position += block.shape[1]

        try:
            n_samples = write_wav_atomically(
                out_path, redacted(), audio.sample_rate, audio.n_channels, container, subtype
            )
        except OSError as exc:
            raise CallqaError(
                f"{printable(out_path)}: cannot be written ({exc.strerror or exc})"
            ) from None
        rate, n_channels = audio.sample_rate, audio.n_channels

    ranges = covered_ranges(spans, rate, n_channels, n_samples, pad_s)
    return RedactionSummary(
        call_id=call_id,
        recording=source,
        out_path=out_path,
        mode=mode,
        pad_s=pad_s,
        n_spans=len(spans),
        spans_by_category=dict(sorted(Counter(span.category for span in found).items())),
        covered_s=round(union_seconds(ranges, rate), 3),
        covered_s_by_channel=tuple(round(covered_seconds(r, rate), 3) for r in ranges),
        channel_roles=channel_roles(n_channels, agent),
        duration_s=round(n_samples / rate, 3),
        sample_rate=rate,
        n_channels=n_channels,
        container=container,
        subtype=subtype,
        warnings=warnings,
    )


def check_request(out_path: Path, pad_s: float, mode: str) -> None:
    """Refuse what cannot be right before anything is read."""
    if not (isinstance(pad_s, int | float) and math.isfinite(pad_s) and pad_s >= 0):
        raise CallqaError(f"the padding must be 0 or more seconds, not {pad_s}")
    if mode not in REDACTION_MODES:
        raise CallqaError(
            f"the redaction mode must be one of {', '.join(REDACTION_MODES)}, not {mode!r}"
        )
    if out_path.suffix.lower() != ".wav":
        raise CallqaError(f"{printable(out_path)}: the redacted copy is a WAV file; name it *.wav")
    if out_path.is_dir():
        raise CallqaError(
            f"{printable(out_path)}: is a folder; give the name of the WAV file to write"
        )


def shown_recording_path(stored: StoredRecording) -> Path:
    """calls.audio_path under the run's archive root, as stored (masked when the name held a
    number)."""
    path = Path(stored.audio_path)
    return Path(stored.archive) / path if stored.archive and not path.is_absolute() else path


def recording_path(stored: StoredRecording, id_key: bytes) -> Path:
    """Where the call's recording is: calls.audio_path under the run's archive root (as the
    report links it); a path whose number was masked (pipeline.batch.names) is found again by
    the site's key. A stored name with \\x escapes (not valid UTF-8) is turned back into bytes."""
    if stored.archive and is_private(stored.audio_path):
        found = locate(stored.archive, stored.audio_path, id_key)
        return found if found is not None else shown_recording_path(stored)
    path = Path(stored.audio_path)
    if stored.archive and not path.is_absolute():
        path = Path(stored.archive) / path
    if not path.exists() and "\\x" in str(path):
        raw = re.sub(
            rb"\\x([0-9a-f]{2})",
            lambda match: bytes([int(match.group(1), 16)]),
            str(path).encode("utf-8"),
        )
        unescaped = Path(os.fsdecode(raw))
        if unescaped.exists():
            return unescaped
    return path


def _check_source(stored: StoredRecording, source: Path, out_path: Path, shown: Path) -> None:
    if not source.exists():
        raise RecordingNotFoundError(stored.call_id, shown)
    if not source.is_file():
        raise RecordingNotFoundError(stored.call_id, shown, "is not a file")
    if out_path.exists() and os.path.samefile(out_path, source):
        raise CallqaError(
            f"{printable(out_path)}: is the recording of call {stored.call_id!r} itself; "
            "write the redacted copy to another file"
        )
    try:
        digest = file_sha256(source)
    except OSError as exc:
        raise RecordingNotFoundError(
            stored.call_id, shown, f"cannot be read ({exc.strerror or exc})"
        ) from None
    if stored.audio_sha256 and digest != stored.audio_sha256:
        raise RecordingChangedError(
            stored.call_id,
            shown,
            "holds other audio than when the call was processed (its sha256 differs), so the "
            "times of its findings do not apply; process it again first",
        )


def _warnings(stored: StoredRecording) -> tuple[str, ...]:
    if stored.detectors is not None and "pii" not in stored.detectors:
        return (
            f"the run that last wrote call {stored.call_id!r} did not run the pii detector "
            "([detectors] enabled): numbers spoken in it were not looked for and stay in the copy",
        )
    return ()


def agent_channel(stored: StoredRecording, n_channels: int, configured: int) -> int:
    """The agent's channel of a stereo call: the one it was processed with, else the config's."""
    match = _CHANNEL_LABEL.match(stored.agent_speaker or "")
    if match and int(match.group(1)) < n_channels:
        return int(match.group(1))
    return configured


def span_channel(role: str, n_channels: int, agent: int) -> int | None:
    """The channel of the party who spoke (None: every channel)."""
    if n_channels != 2 or role not in ("agent", "customer"):
        return None
    return agent if role == "agent" else 1 - agent


def channel_roles(n_channels: int, agent: int) -> tuple[str, ...]:
    if n_channels != 2:
        return ("both",) * n_channels
    return tuple("agent" if channel == agent else "customer" for channel in range(n_channels))


def _span(found: PiiSpan, n_channels: int, agent: int) -> RedactionSpan:
    start, end = sorted((found.start_s, found.end_s))
    return RedactionSpan(start, end, span_channel(found.role, n_channels, agent))
