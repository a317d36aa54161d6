"""process_call(recording, config) -> CallResult: the whole chain for one call, no Prefect.

decode (pipeline.audio) -> parties and ASR (pipeline.parties, pipeline.asr; transcripts cached by
pipeline.asr.cache) -> text detectors (pipeline.detectors) -> acoustics (pipeline.acoustics) ->
score (pipeline.scoring). The store and the batch around it are the caller's.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from pipeline.asr import whisper as asr
from pipeline.asr.cache import PII_DETECTOR, NoCache
from pipeline.audio.decode import file_sha256, load_audio, sha256_if_readable
from pipeline.config import Config
from pipeline.detectors.emotion_voice import with_voice
from pipeline.detectors.registry import call_context, run_detectors
from pipeline.errors import CallqaError
from pipeline.parties.stereo import channel_party_roles, channel_roles, merge_by_time
from pipeline.parties.undetermined import roles_undetermined
from pipeline.scoring.root_causes import root_cause_for
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.text.lexicon import ruleset_version
from pipeline.types import (
    Audio,
    AudioInfo,
    CallMetrics,
    CallResult,
    Finding,
    RateBaseline,
    Recording,
    Transcript,
    Turn,
)

if TYPE_CHECKING:
    from pipeline.acoustics.results import AcousticResult
    from pipeline.asr.cache import TranscriptCache
    from pipeline.parties.mono import MonoParties

log = logging.getLogger("callqa")


def transcribe_mono(samples: np.ndarray, config: Config, source: str) -> MonoParties:
    """Segments of a mono recording with speaker `spk0`, `spk1` … and their roles: transcribe
    once, diarize, give each word to the speaker whose turn it falls in, decide who is the agent.
    With them, the diarizer's overlaps (roles applied) and the role decision the transcript keeps."""
    # Late: the diarization modules import torch.
    from pipeline.parties.diarize import diarize, require_extra
    from pipeline.parties.mono import NO_SPEECH, MonoParties, log_role_decision, mono_parties

    require_extra(source)  # before the costly transcription: the call fails either way
    segments = asr.transcribe_channel(samples, config.models.whisper, config.asr, "ch0", "unknown")
    if not segments:
        return MonoParties(segments, (), NO_SPEECH)
    diarization = diarize(samples, config.diarization, source)
    parties = mono_parties(segments, diarization, config)
    log_role_decision(source, diarization, parties.roles)
    return parties


def transcribe_audio(recording: Recording, audio: Audio, config: Config) -> Transcript:
    """Stereo: transcribe each channel as its party and merge by time. Mono: transcribe once and
    diarize (pipeline.parties.mono), unless [diarization] enabled = false keeps it one unknown speaker."""
    overlaps: tuple[Turn, ...] = ()
    if len(audio.channels) == 1 and config.diarization.enabled:
        mono = transcribe_mono(audio.channels[0], config, recording.shown_path)
        segments, overlaps, roles = mono.segments, mono.overlaps, mono.roles
    else:
        per_party = [
            asr.transcribe_channel(samples, config.models.whisper, config.asr, speaker, role)
            for samples, (speaker, role) in zip(
                audio.channels, channel_roles(len(audio.channels), config.channels.agent_channel)
            )
        ]
        segments = merge_by_time(*per_party)
        roles = channel_party_roles(len(audio.channels), config.channels.agent_channel)
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
        roles=roles,
        overlaps=overlaps,
    )


def transcribe_recording(recording: Recording, config: Config) -> Transcript:
    return transcribe_audio(recording, load_audio(recording.path), config)


def detect(
    transcript: Transcript, config: Config, detectors: tuple[str, ...] | None = None
) -> list[Finding]:
    """Run the enabled text detectors (or just `detectors`) on a transcript (also used on stored
    transcripts). With all of them, also say when the roles left part of them without speech
    to run on (roles.undetermined)."""
    lexicons = config.paths.lexicons
    call = call_context(transcript, lexicons, ruleset_version(lexicons), config.script)
    if detectors is not None:
        return run_detectors(call, detectors)
    findings = run_detectors(call, config.detectors.enabled)
    about_inspection = inspection_findings(transcript, config)
    # run_detectors' findings come sorted: sorted again only with others among them
    return sort_findings([*findings, *about_inspection]) if about_inspection else findings


def inspection_findings(transcript: Transcript, config: Config) -> list[Finding]:
    """Findings about the inspection itself rather than the call: roles.undetermined."""
    lexicons = config.paths.lexicons
    return roles_undetermined(
        transcript, config.detectors.enabled, lexicons, ruleset_version(lexicons)
    )


def sort_findings(findings) -> list[Finding]:
    """The order run_detectors returns findings in: by time, category and rule."""
    return sorted(findings, key=lambda f: (f.start_s, f.category, f.rule_id))


def transcribe_and_detect(
    recording: Recording, config: Config, cache: TranscriptCache, audio: Audio | None = None
) -> tuple[Transcript, list[Finding]]:
    """The masked transcript and all text findings of a recording, transcribing only on a cache miss.

    The PII detector needs the raw digits (check digits, Luhn): its findings are made once from
    the raw transcript and cached with the masked one; every other detector runs on the masked
    text, so a call comes out the same from a fresh transcription and from the cache. `audio`:
    the recording already decoded (the acoustic stage needs it anyway), so a miss does not decode
    the file a second time.
    """
    pii_enabled = PII_DETECTOR in config.detectors.enabled
    try:
        entry = cache.lookup(
            audio.sha256 if audio is not None else file_sha256(recording.path), config
        )
    except OSError:  # missing or unreadable: transcription says why, as a failed call
        entry = None
    if entry is not None and pii_enabled and not entry.pii_detected:
        entry = None  # PII was off when it was transcribed: its findings need the raw digits
    if entry is None:
        raw = (
            transcribe_recording(recording, config)
            if audio is None
            else transcribe_audio(recording, audio, config)
        )
        pii = detect(raw, config, detectors=(PII_DETECTOR,)) if pii_enabled else []
        entry = cache.store(raw, pii, pii_enabled, config)
    transcript, pii_findings = entry.for_recording(recording)
    others = tuple(name for name in config.detectors.enabled if name != PII_DETECTOR)
    findings = detect(transcript, config, detectors=others)
    findings += inspection_findings(transcript, config)
    if pii_enabled:
        lexicons = config.paths.lexicons
        findings += [
            replace(f, root_cause=root_cause_for(lexicons, f.rule_id)) for f in pii_findings
        ]
    return transcript, sort_findings(findings)


def analyse_acoustics(
    recording: Recording,
    audio: Audio,
    transcript: Transcript,
    config: Config,
    rate_baseline: RateBaseline | None = None,
) -> AcousticResult:
    """Speech activity, silences, speech rate, overlaps and loudness of the call, with their findings."""
    from pipeline.acoustics.analysis import analyse_call  # late: signal-processing imports

    lexicons = config.paths.lexicons
    return analyse_call(
        audio,
        transcript,
        config.acoustics,
        agent_channel=config.channels.agent_channel,
        rate_baseline=rate_baseline,
        call_id=recording.call_id,
        ruleset_version=ruleset_version(lexicons),
        lexicon_dir=lexicons,
    )


def call_hangup(metrics: CallMetrics, findings: Sequence[Finding], config: Config) -> CallMetrics:
    """The abnormal hang-up verdict of a call (pipeline.acoustics.operational.hangup), from its
    measured tail and its findings; `callqa rescore` decides it again the same way."""
    from pipeline.acoustics.operational import hangup  # late: signal-processing imports

    closing_checked = "script_compliance" in config.detectors.enabled
    return hangup(metrics, findings, config.metrics, config.acoustics.hold_s, closing_checked)


def process_call(
    recording: Recording,
    config: Config,
    transcripts: TranscriptCache | None = None,
    *,
    transient_errors: tuple[type[BaseException], ...] = (),
    rate_baseline: RateBaseline | None = None,
) -> CallResult:
    """Never raises for a bad recording: the failure is returned with its reason.

    `transcripts`: a transcript cache (pipeline.asr.cache) — transcribe only on a miss; None
    keeps nothing. Either way the transcript in the result has its numbers, secrets, names and
    addresses masked, and the detectors ran on that (PII on the raw words). `transient_errors`: exception types that
    propagate instead of failing the call, so a caller can retry them (the nightly flow: OSError).
    `rate_baseline`: the agent's usual speech rate from the store, once there is enough history.
    """
    started = time.perf_counter()
    try:
        # Decoded even on a cache hit: the acoustic stage needs the signal, and it proves the file is audio.
        audio = load_audio(recording.path)
        transcript, findings = transcribe_and_detect(
            recording, config, transcripts or NoCache(), audio=audio
        )
        acoustic = analyse_acoustics(recording, audio, transcript, config, rate_baseline)
        del audio  # the largest object of the call; not needed past this point
        findings = sorted(
            [*findings, *acoustic.findings], key=lambda f: (f.start_s, f.category, f.rule_id)
        )
        # The customer's emotion from words meets their raised voice only here.
        findings = with_voice(findings)
        metrics = call_hangup(acoustic.metrics, findings, config)
        score = score_call(findings, load_scorecard(str(config.paths.lexicons)))
    except transient_errors:
        raise
    except CallqaError as exc:
        message = recording.as_shown(str(exc))
        log.warning("%s", message)
        return CallResult(
            recording=recording,
            status="failed",
            error=message,
            error_kind=type(exc).__name__,
            audio_sha256=sha256_if_readable(recording.path),
            wall_s=time.perf_counter() - started,
        )
    # A bug or an unforeseen input: keep the batch going, keep the evidence.
    except Exception as exc:
        message = recording.as_shown(
            f"{recording.shown_path}: unexpected error ({type(exc).__name__}: {exc})"
        )
        # The frames, not the message again: it may hold the file's raw path.
        log.error("%s\n%s", message, "".join(traceback.format_tb(exc.__traceback__)))
        return CallResult(
            recording=recording,
            status="failed",
            error=message,
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
        metrics=metrics,
        wall_s=time.perf_counter() - started,
    )
