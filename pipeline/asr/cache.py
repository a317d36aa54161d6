"""Transcripts cached on disk, so a re-run after a crash or a lexicon change does not re-transcribe.

An entry is keyed by the audio's sha256 and everything that changes what ASR writes: the model
(its checksum), the decoding options and the agent channel. It lives under
`<[paths] output_dir>/cache/transcripts/<sha[:2]>/<sha>.<key>.json`, written atomically.

Privacy: files written by callqa never hold raw ID-card, bank-card or phone numbers, so the cached
transcript has its numbers masked (pipeline.text.masking.mask_segment_texts; word texts are masked at
the same offsets). The PII detector needs the raw digits (check digits, Luhn), so PII findings are
made once, from the raw transcript, when the audio is transcribed, and cached with it; their
evidence is masked. A change to lexicons/pii_context.txt therefore reaches calls when they are
transcribed again (`callqa nightly --refresh`); every other detector and the scorecard re-run on
the masked text. So that a call comes out the same from a fresh transcription and from the cache,
the other detectors always run on the masked transcript when a cache is used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipeline.asr import whisper as asr
from pipeline.asr.transcript import transcript_from_dict, transcript_to_dict
from pipeline.config import Config
from pipeline.parties.stereo import channel_party_roles
from pipeline.text.masking import mask_transcript
from pipeline.text.personal import load_personal
from pipeline.text.secrets import load_secret_cues
from pipeline.types import Finding, Recording, Transcript

log = logging.getLogger("callqa")

# 2: the transcript carries the role decision and the mono overlaps. Entries of 1 are read with
# the decision their channels imply (stereo: the agent channel; mono undiarized: not diarized);
# a diarized mono entry of 1 is transcribed again, since what decided its roles was not kept.
SCHEMA = "callqa.transcript-cache/2"
_SCHEMA_WITHOUT_ROLES = "callqa.transcript-cache/1"
PII_DETECTOR = "pii"
# Thread count changes speed, not the words: runs with different cpu_threads share entries.
_OPTIONS_NOT_IN_KEY = ("cpu_threads",)


def cache_dir(config: Config) -> Path:
    """Where a configuration's transcripts are cached: <[paths] output_dir>/cache/transcripts."""
    return config.paths.output_dir / "cache" / "transcripts"


@lru_cache(maxsize=8)
def model_identity(model_dir: str) -> str:
    """The installed model's checksum, or size and time of a user-provided model.bin."""
    manifest = Path(model_dir) / "callqa-model.json"
    if manifest.is_file():
        return "sha256:" + json.loads(manifest.read_text(encoding="utf-8"))["model_sha256"]
    info = (Path(model_dir) / "model.bin").stat()
    return f"size:{info.st_size},mtime_ns:{info.st_mtime_ns}"


def cache_key(config: Config) -> dict:
    """What, besides the audio, decides the transcript."""
    options = {
        k: v for k, v in asr.asr_options_echo(config.asr).items() if k not in _OPTIONS_NOT_IN_KEY
    }
    return {
        "model": asr.model_name(config.models.whisper),
        "model_identity": model_identity(str(config.models.whisper)),
        "asr_options": options,
        "agent_channel": config.channels.agent_channel,
        # Mono transcripts carry diarized speakers and roles: other diarization settings, other transcript.
        "diarization": {
            k: str(v) for k, v in asdict(config.diarization).items() if k != "cpu_threads"
        },
    }


def _key_digest(key: dict) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CachedTranscript:
    transcript: Transcript  # numbers masked
    pii_findings: tuple[Finding, ...]
    pii_detected: bool  # False when the PII detector was not enabled at transcription time

    def for_recording(self, recording: Recording) -> tuple[Transcript, tuple[Finding, ...]]:
        """The transcript and PII findings relabelled with this recording's current metadata
        (root causes are the caller's to map again: the lexicons may have changed since)."""
        transcript = replace(
            self.transcript,
            call_id=recording.call_id,
            agent_id=recording.agent_id,
            started_at=recording.started_at.isoformat() if recording.started_at else None,
            audio=replace(self.transcript.audio, path=recording.shown_path),
        )
        findings = tuple(replace(f, call_id=recording.call_id) for f in self.pii_findings)
        return transcript, findings


def masked_entry(
    raw: Transcript, pii_findings: list[Finding], pii_detected: bool, config: Config
) -> CachedTranscript:
    """What a cache entry holds: the transcript with numbers, secrets, names and addresses masked."""
    lexicons = str(config.paths.lexicons)
    masked = mask_transcript(raw, load_secret_cues(lexicons), load_personal(lexicons))
    return CachedTranscript(masked, tuple(pii_findings), pii_detected)


class TranscriptCache:
    """A folder of cached, masked transcripts. `refresh` ignores (and overwrites) existing entries."""

    def __init__(self, directory: Path | str, refresh: bool = False):
        self.directory = Path(directory)
        self.refresh = refresh

    def path_for(self, audio_sha256: str, config: Config) -> Path:
        return (
            self.directory
            / audio_sha256[:2]
            / f"{audio_sha256}.{_key_digest(cache_key(config))}.json"
        )

    def lookup(self, audio_sha256: str, config: Config) -> CachedTranscript | None:
        """The cached entry for this audio under the current model and options, if any (refresh: none)."""
        if self.refresh:
            return None
        path = self.path_for(audio_sha256, config)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("%s: unreadable cached transcript (%s); transcribing again", path, exc)
            return None
        try:
            schema = data.get("schema")
            if schema not in (SCHEMA, _SCHEMA_WITHOUT_ROLES) or data.get("key") != json.loads(
                json.dumps(cache_key(config))
            ):
                return None
            transcript = transcript_from_dict(data["transcript"], str(path))
            if schema == _SCHEMA_WITHOUT_ROLES:
                if transcript.audio.channels == 1 and config.diarization.enabled:
                    return None
                roles = channel_party_roles(
                    transcript.audio.channels, config.channels.agent_channel
                )
                transcript = replace(transcript, roles=roles)
            return CachedTranscript(
                transcript=transcript,
                pii_findings=tuple(Finding(**f) for f in data["pii_findings"]),
                pii_detected=bool(data["pii_detected"]),
            )
        except Exception as exc:  # a damaged entry costs a transcription, never the call
            log.warning("%s: damaged cached transcript (%s); transcribing again", path, exc)
            return None

    def store(
        self, raw: Transcript, pii_findings: list[Finding], pii_detected: bool, config: Config
    ) -> CachedTranscript:
        """Mask `raw` and write it with its PII findings; returns what was written."""
        entry = masked_entry(raw, pii_findings, pii_detected, config)
        path = self.path_for(raw.audio.sha256, config)
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "schema": SCHEMA,
            "key": cache_key(config),
            "numbers_masked": True,
            "pii_detected": pii_detected,
            "pii_findings": [asdict(f) for f in entry.pii_findings],
            "transcript": transcript_to_dict(entry.transcript),
        }
        # Unique per process and thread: Dask workers on shared storage may write the same entry.
        partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
        partial.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, path)
        return entry


class NoCache(TranscriptCache):
    """A cache that keeps nothing (`callqa run`): every call is transcribed, and masked exactly
    as a cached one is, so a run and a nightly run give the same rows."""

    def __init__(self) -> None:
        super().__init__(Path("/nonexistent-callqa-cache"))

    def lookup(self, audio_sha256: str, config: Config) -> CachedTranscript | None:
        return None

    def store(
        self, raw: Transcript, pii_findings: list[Finding], pii_detected: bool, config: Config
    ) -> CachedTranscript:
        return masked_entry(raw, pii_findings, pii_detected, config)
