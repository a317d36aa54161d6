"""process_call(recording, config) -> CallResult: the whole chain for one call, no Prefect."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import asr
from pipeline.audio import file_sha256, load_audio
from pipeline.config import Config
from pipeline.detectors import CallContext, run_detectors
from pipeline.errors import CallqaError
from pipeline.lexicon import ruleset_version
from pipeline.scorecard import load_scorecard, score_call
from pipeline.speakers import channel_roles, merge_by_time
from pipeline.types import Audio, AudioInfo, CallResult, Finding, Recording, Transcript

if TYPE_CHECKING:
    from pipeline.acoustic_options import RateBaseline
    from pipeline.acoustics import AcousticResult
    from pipeline.transcript_cache import TranscriptCache

log = logging.getLogger("callqa")


def transcribe_audio(recording: Recording, audio: Audio, config: Config) -> Transcript:
    """Stereo: transcribe each channel as its party and merge by time. Mono: transcribe once and
    diarize (pipeline.mono), unless [diarization] enabled = false keeps it one unknown speaker."""
    if len(audio.channels) == 1 and config.diarization.enabled:
        from pipeline.mono import transcribe_mono  # late: pulls in the diarization modules

        segments = transcribe_mono(audio.channels[0], config, recording.shown_path)
    else:
        per_party = [
            asr.transcribe_channel(samples, config.models.whisper, config.asr, speaker, role)
            for samples, (speaker, role) in zip(audio.channels, channel_roles(len(audio.channels), config.channels.agent_channel))
        ]
        segments = merge_by_time(*per_party)
    return Transcript(
        call_id=recording.call_id,
        agent_id=recording.agent_id,
        started_at=recording.started_at.isoformat() if recording.started_at else None,
        segments=tuple(segments),
        audio=AudioInfo(
            path=recording.shown_path,
            sha256=audio.sha256,
            duration_s=audio.duration_s,
            sample_rate=audio.source_sample_rate,
            channels=audio.source_channels,
        ),
        asr_model=asr.model_name(config.models.whisper),
        asr_options=asr.asr_options_echo(config.asr),
    )


def transcribe_recording(recording: Recording, config: Config) -> Transcript:
    return transcribe_audio(recording, load_audio(recording.path), config)


def detect(transcript: Transcript, config: Config, detectors: tuple[str, ...] | None = None) -> list[Finding]:
    """Run the enabled text detectors (or just `detectors`) on a transcript (also used on stored transcripts)."""
    lexicons = config.paths.lexicons
    call = CallContext(
        transcript=transcript, lexicon_dir=lexicons, ruleset_version=ruleset_version(lexicons), script=config.script
    )
    return run_detectors(call, config.detectors.enabled if detectors is None else detectors)


def duplicate_result(recording: Recording, sha256: str, original_call_id: str, original_path: str) -> CallResult:
    """A recording whose bytes are already stored as another call: recorded, not counted twice."""
    return CallResult(
        recording=recording,
        status="failed",
        error=(f"{recording.shown_path}: same audio as {original_path} (call {original_call_id}, sha256 {sha256[:12]}…); "
               "not processed twice"),
        error_kind="DuplicateRecording",
        audio_sha256=sha256,
    )


def sha256_if_readable(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def analyse_acoustics(recording: Recording, audio: Audio, transcript: Transcript, config: Config,
                      rate_baseline: RateBaseline | None = None) -> AcousticResult:
    """Speech activity, silences, speech rate, overlaps and loudness of the call, with their findings."""
    from pipeline.acoustics import analyse_call  # late: signal-processing imports

    lexicons = config.paths.lexicons
    return analyse_call(audio, transcript, config.acoustics, agent_channel=config.channels.agent_channel,
                        rate_baseline=rate_baseline, call_id=recording.call_id,
                        ruleset_version=ruleset_version(lexicons), lexicon_dir=lexicons)


def process_call(
    recording: Recording,
    config: Config,
    transcripts: TranscriptCache | None = None,
    *,
    transient_errors: tuple[type[BaseException], ...] = (),
    rate_baseline: RateBaseline | None = None,
) -> CallResult:
    """Never raises for a bad recording: the failure is returned with its reason.

    `transcripts`: a transcript cache (pipeline.transcript_cache) — transcribe only on a miss; the
    transcript in the result then has its numbers masked. `transient_errors`: exception types that
    propagate instead of failing the call, so a caller can retry them (the nightly flow: OSError).
    `rate_baseline`: the agent's usual speech rate from the store, once there is enough history.
    """
    started = time.perf_counter()
    try:
        # Decoded even on a cache hit: the acoustic stage needs the signal, and it proves the file is audio.
        audio = load_audio(recording.path)
        if transcripts is None:
            transcript = transcribe_audio(recording, audio, config)
            findings = detect(transcript, config)
        else:
            transcript, findings = transcripts.transcribe_and_detect(recording, config, audio=audio)
        acoustic = analyse_acoustics(recording, audio, transcript, config, rate_baseline)
        del audio  # the largest object of the call; not needed past this point
        findings = sorted([*findings, *acoustic.findings], key=lambda f: (f.start_s, f.category, f.rule_id))
        score = score_call(findings, load_scorecard(str(config.paths.lexicons)))
    except transient_errors:
        raise
    except CallqaError as exc:
        log.warning("%s", exc)
        return CallResult(
            recording=recording,
            status="failed",
            error=str(exc),
            error_kind=type(exc).__name__,
            audio_sha256=sha256_if_readable(recording.path),
            wall_s=time.perf_counter() - started,
        )
    except Exception as exc:  # a bug or an unforeseen input: keep the batch going, keep the evidence
        log.exception("%s: unexpected error", recording.shown_path)
        return CallResult(
            recording=recording,
            status="failed",
            error=f"{recording.shown_path}: unexpected error ({type(exc).__name__}: {exc})",
            error_kind="InternalError",
            audio_sha256=sha256_if_readable(recording.path),
            wall_s=time.perf_counter() - started,
        )
    return CallResult(
        recording=recording,
        status="ok",
        transcript=transcript,
        findings=tuple(findings),
        score=score,
        metrics=acoustic.metrics,
        wall_s=time.perf_counter() - started,
    )
