"""The transcript JSON contract (`callqa.transcript/1`, DESIGN.md): write and read.

Reading is lenient where the contract is: unknown keys are ignored, `words` may be missing.
A missing required key is an error that names the file and the key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import TranscriptFormatError
from pipeline.types import AudioInfo, Segment, Transcript, Word

SCHEMA = "callqa.transcript/1"
ROLES = ("agent", "customer", "unknown")


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    a = transcript.audio
    return {
        "schema": SCHEMA,
        "call_id": transcript.call_id,
        "agent_id": transcript.agent_id,
        "started_at": transcript.started_at,
        "audio": {
            "path": a.path,
            "sha256": a.sha256,
            "duration_s": a.duration_s,
            "sample_rate": a.sample_rate,
            "channels": a.channels,
        },
        "asr": {"model": transcript.asr_model, "options": transcript.asr_options},
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "speaker": s.speaker,
                "role": s.role,
                "text": s.text,
                "words": [
                    {"start": w.start, "end": w.end, "text": w.text, "prob": w.prob}
                    for w in s.words
                ],
                **({"confidence": s.confidence} if s.confidence is not None else {}),
            }
            for s in transcript.segments
        ],
    }


def write_transcript(transcript: Transcript, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps(transcript_to_dict(transcript), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    tmp.replace(path)  # readers never see half a file


def _require(obj: dict, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise TranscriptFormatError(f"{where}: missing required key '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TranscriptFormatError(f"{where}: '{key}' has the wrong type ({type(value).__name__})")
    return value


def transcript_from_dict(data: dict[str, Any], source: str = "<transcript>") -> Transcript:
    if not isinstance(data, dict):
        raise TranscriptFormatError(f"{source}: the top level must be a JSON object")
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise TranscriptFormatError(f"{source}: schema '{schema}' is not {SCHEMA}")
    call_id = str(_require(data, "call_id", source, (str, int)))
    audio = data.get("audio") or {}
    asr = data.get("asr") or {}
    number = (int, float)
    segments = []
    for index, raw in enumerate(_require(data, "segments", source, list)):
        where = f"{source}: segments[{index}]"
        role = raw.get("role", "unknown") if isinstance(raw, dict) else None
        if role not in ROLES:
            raise TranscriptFormatError(
                f"{where}: role must be one of {', '.join(ROLES)}, got {role!r}"
            )
        words = []
        for w_index, w in enumerate(raw.get("words") or []):
            w_where = f"{where}.words[{w_index}]"
            words.append(
                Word(
                    start=float(_require(w, "start", w_where, number)),
                    end=float(_require(w, "end", w_where, number)),
                    text=str(_require(w, "text", w_where, str)),
                    prob=w.get("prob"),
                )
            )
        segments.append(
            Segment(
                start=float(_require(raw, "start", where, number)),
                end=float(_require(raw, "end", where, number)),
                speaker=str(raw.get("speaker", role)),
                role=role,
                text=str(_require(raw, "text", where, str)),
                words=tuple(words),
                confidence=raw.get("confidence"),
            )
        )
    return Transcript(
        call_id=call_id,
        agent_id=data.get("agent_id"),
        started_at=data.get("started_at"),
        segments=tuple(segments),
        audio=AudioInfo(
            path=str(audio.get("path", "")),
            sha256=str(audio.get("sha256", "")),
            duration_s=float(audio.get("duration_s") or (segments[-1].end if segments else 0.0)),
            sample_rate=int(audio.get("sample_rate") or 0),
            channels=int(audio.get("channels") or 0),
        ),
        asr_model=str(asr.get("model", "unknown")),
        asr_options=dict(asr.get("options") or {}),
    )


def read_transcript(path: Path | str) -> Transcript:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranscriptFormatError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise TranscriptFormatError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise TranscriptFormatError(
            f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from None
    return transcript_from_dict(data, str(path))
