"""The transcript JSON contract (`callqa.transcript/1`, DESIGN.md): write and read.

Reading is lenient where the contract is: unknown keys are ignored, `words` may be missing.
A missing required key is an error that names the file and the key.

Two optional keys carry what the parties stage decided (absent in hand-made transcripts):
`roles` — how the roles were decided (method, speakers, agent, confidence, cue names; no speech)
— and `overlaps` — mono spans where a speaker talks over the one holding the floor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.errors import TranscriptFormatError
from pipeline.types import ROLE_METHODS, AudioInfo, PartyRoles, Segment, Transcript, Turn, Word

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
        **({"roles": _roles_to_dict(transcript.roles)} if transcript.roles is not None else {}),
        **(
            {
                "overlaps": [
                    {"start": o.start, "end": o.end, "speaker": o.speaker, "role": o.role}
                    for o in transcript.overlaps
                ]
            }
            if transcript.overlaps
            else {}
        ),
    }


def _roles_to_dict(roles: PartyRoles) -> dict[str, Any]:
    return {
        "method": roles.method,
        "n_speakers": roles.n_speakers,
        "agent_speaker": roles.agent_speaker,
        "confidence": roles.confidence,
        "cues": list(roles.cues),
        "reason": roles.reason,
    }


def _roles_from_dict(raw: Any, where: str) -> PartyRoles | None:
    if raw is None:
        return None
    method = _require(raw, "method", where, str)
    if method not in ROLE_METHODS:
        raise TranscriptFormatError(
            f"{where}: method must be one of {', '.join(ROLE_METHODS)}, got {method!r}"
        )
    cues = raw.get("cues") or []
    if not isinstance(cues, list) or not all(isinstance(cue, str) for cue in cues):
        raise TranscriptFormatError(f"{where}: 'cues' must be a list of cue names")
    n_speakers, confidence = raw.get("n_speakers"), raw.get("confidence")
    return PartyRoles(
        method=method,
        n_speakers=int(n_speakers) if n_speakers is not None else None,
        agent_speaker=raw.get("agent_speaker"),
        confidence=float(confidence) if confidence is not None else None,
        cues=tuple(cues),
        reason=str(raw.get("reason") or ""),
    )


def _overlaps_from_list(raw: Any, where: str) -> tuple[Turn, ...]:
    if not isinstance(raw, list):
        raise TranscriptFormatError(f"{where}: must be a list")
    overlaps = []
    for index, item in enumerate(raw):
        item_where = f"{where}[{index}]"
        role = item.get("role", "unknown") if isinstance(item, dict) else None
        if role not in ROLES:
            raise TranscriptFormatError(
                f"{item_where}: role must be one of {', '.join(ROLES)}, got {role!r}"
            )
        overlaps.append(
            Turn(
                float(_require(item, "start", item_where, (int, float))),
                float(_require(item, "end", item_where, (int, float))),
                str(_require(item, "speaker", item_where, str)),
                role,
            )
        )
    return tuple(overlaps)


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
        roles=_roles_from_dict(data.get("roles"), f"{source}: roles"),
        overlaps=_overlaps_from_list(data.get("overlaps") or [], f"{source}: overlaps"),
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
