"""The option dataclasses of `callqa.toml`, one per [section], with their documented defaults.

pipeline.config loads a TOML file into them and validates the values; they import nothing of
the pipeline, so every stage can take its options without importing the loader or another stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

# The entry-point group of the detector registry (pipeline.detectors.registry).
DETECTOR_ENTRY_POINTS = "callqa.detectors"


def registered_detector_names() -> tuple[str, ...]:
    """Names of the registered text detectors in name order, read from package metadata without
    importing them: what [detectors] enabled may list, and its default."""
    return tuple(sorted({point.name for point in entry_points(group=DETECTOR_ENTRY_POINTS)}))


@dataclass(frozen=True)
class PathOptions:
    output_dir: Path = Path("out")
    db: Path = Path("out/callqa.duckdb")
    snapshot: Path = Path("out/callqa-read.duckdb")
    lexicons: Path = Path("lexicons")
    # The site's secret for call ids made from file names that hold a number
    # (pipeline.batch.names), created on first use.
    id_key: Path = Path("out/callqa-id.key")


@dataclass(frozen=True)
class ModelOptions:
    whisper: Path = Path("models/whisper-base")


@dataclass(frozen=True)
class AsrOptions:
    language: str = "zh"
    beam_size: int = 5
    compute_type: str = "int8"
    device: str = "cpu"
    cpu_threads: int = 0
    vad_filter: bool = True
    vad_min_silence_ms: int = 500
    word_timestamps: bool = True
    initial_prompt: str = ""
    condition_on_previous_text: bool = False
    # Re-decode a failed segment by sampling at rising temperatures (faster-whisper's default);
    # off: temperature 0 only, so the same audio always gives the same transcript.
    temperature_fallback: bool = False
    # Channels longer than this are transcribed in windows of about this many seconds (0 = never).
    window_s: int = 300


@dataclass(frozen=True)
class ChannelOptions:
    agent_channel: int = 0


@dataclass(frozen=True)
class ArchiveOptions:
    # started_at values in calls.csv without a UTC offset are local times of this zone.
    timezone: str = "Asia/Shanghai"
    # A recording that is a symbolic link to a file outside the archive folder is not read (the
    # call is recorded as failed, naming the link and its target) unless this is true.
    follow_symlinks_outside: bool = False


@dataclass(frozen=True)
class StoreOptions:
    # While a run writes, the read-only snapshot is republished at most this often (seconds).
    publish_every_s: int = 60


@dataclass(frozen=True)
class RetentionOptions:
    # Transcripts and finding evidence of calls older than this many days are purged (0 = keep).
    days: int = 180


@dataclass(frozen=True)
class ReviewOptions:
    new_hire_days: int = 90
    sample_percent: int = 20
    # The Pareto views and charts count findings of this severity and above (info: all).
    pareto_min_severity: str = "minor"
    # The review workbench's store: a SQLite file (relative paths are read from the config
    # file's folder) or a postgresql:// URL for sites with many reviewers.
    store: str = "out/callqa-review.sqlite3"
    # Days after a call during which its agent may appeal (申诉) a finding or the score.
    appeal_days: int = 7
    # The review levels a site uses: reviewers' verdicts, seniors' decisions, leads' sign-offs.
    levels: tuple[str, ...] = ("verdict", "decision", "signoff")
    # An agent put under coaching gets this many of their next calls queued for re-check (复检).
    recheck_calls: int = 5
    # Where staff open the workbench (e.g. https://qa.example.cn): reports link each call to
    # <base_url>/calls/<call_id>; empty: no links.
    base_url: str = ""
    # `callqa review`: the web workbench's address (127.0.0.1: this machine only), and whether
    # its session cookie is Secure (set true behind an HTTPS reverse proxy).
    host: str = "127.0.0.1"
    port: int = 8765
    cookie_secure: bool = False
    # A session ends after this many idle minutes (sessions live in the server's memory).
    session_idle_minutes: int = 30
    # Where the redacted copies agents hear are cached (pipeline.batch.redaction).
    audio_cache: Path = Path("out/review-audio")


@dataclass(frozen=True)
class DetectorOptions:
    # Every registered detector unless the file says otherwise.
    enabled: tuple[str, ...] = field(default_factory=registered_detector_names)


@dataclass(frozen=True)
class ScriptOptions:
    # The opening greeting must start within this many seconds of the agent's first words.
    opening_window_s: int = 15
    # The closing must end within this many seconds before the agent's last words.
    closing_window_s: int = 30
    # Severity of script.opening_missing / script.closing_missing findings.
    severity: str = "minor"


@dataclass(frozen=True)
class NightlyOptions:
    # `callqa serve`: when the nightly flow runs (cron) and in which IANA zone the cron is read.
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Shanghai"
    # Calls processed at once on the flow's machine (thread pool; the ASR model is shared).
    workers: int = 2
    # Calls submitted and not yet written; bounds memory (each holds its decoded audio). 0 = 2 x workers.
    max_in_flight: int = 0
    # Tries again after a transient failure (I/O error, out of memory); bad audio is never retried.
    retries: int = 2
    retry_delay_s: int = 30
    # Dask (prefect-dask): a scheduler address ("tcp://host:8786"), or a number of local worker processes.
    dask_address: str = ""
    dask_workers: int = 0


@dataclass(frozen=True)
class DiarizationOptions:
    # Mono recordings only: stereo calls take the parties from the channels and are never diarized.
    enabled: bool = True
    # "embedded": pyannote segmentation-3.0 + CAM++ embeddings + clustering (the models below);
    # "pipeline": a pyannote pretrained pipeline folder with its config.yaml (e.g. community-1).
    backend: str = "embedded"
    pipeline: Path = Path("models/pyannote-pipeline")
    segmentation: Path = Path("models/pyannote-segmentation-3.0")
    embedding: Path = Path("models/speaker-embedding-campplus")
    min_speakers: int = 1
    max_speakers: int = 2
    # Voices whose mean embeddings are at least this cosine-similar are one speaker (embedded backend).
    same_speaker_similarity: float = 0.82
    # Below this confidence the roles of a mono call stay "unknown".
    role_min_confidence: float = 0.75
    # torch threads while diarizing; 0 = torch's default (one per core).
    cpu_threads: int = 1


@dataclass(frozen=True)
class AcousticOptions:
    """Thresholds of the acoustic stage; every default is the documented one."""

    # Speech activity. Silero speech probability that starts speech (it ends 0.15 lower).
    vad_threshold: float = 0.5
    # Speech must also stand this many dB above the channel's own noise floor (adaptive, not dBFS).
    speech_gate_db: float = 6.0
    # Shorter bursts are clicks, not speech.
    min_speech_s: float = 0.15
    # Pauses shorter than this are inside an utterance and count as voiced time.
    min_pause_s: float = 0.5
    # Pauses shorter than this do not end a party's turn.
    turn_pause_s: float = 1.0

    # silence.dead_air: nobody speaks for at least this long (peers count gaps over 5 s).
    dead_air_s: float = 5.0
    # Dead air this long is severity major instead of minor.
    dead_air_major_s: float = 10.0
    # silence.hold: a gap at least this long, or one filled mostly with music.
    hold_s: float = 30.0
    # Music-like non-speech shorter than this is not hold music.
    hold_music_min_s: float = 3.0
    # Tonality (dB of the strongest spectral peaks over the median, noise-whitened) at or above
    # which a non-speech frame is music-like: line noise of any colour reads about 8 dB,
    # hold music 20 dB and more even 10 dB above the line noise.
    music_min_tonality_db: float = 15.0

    # speech_rate.*: provisional band in characters per minute of voiced time, to be re-fit on
    # the site's own calls (peer products quote 120–300 字/分钟 for normal service speech).
    rate_min_cpm: float = 120.0
    rate_max_cpm: float = 300.0
    # Turns shorter than this (voiced) or with fewer characters get no rate finding.
    rate_min_voiced_s: float = 2.0
    rate_min_chars: int = 6
    # The transcript's character rate is trusted while within this factor of the signal's
    # syllable rate; beyond it ASR dropped or invented words and the syllable rate is used.
    rate_text_signal_max_ratio: float = 1.6
    # Against the agent's own history (RateBaseline): flag beyond this many spreads from the median,
    rate_baseline_spreads: float = 3.0
    # once the baseline covers at least this many calls.
    rate_baseline_min_calls: int = 20
    # Acknowledgements that are neither rate samples nor interruptions.
    # Repeats count too (嗯嗯, 对对对, 好的好的).
    backchannels: tuple[str, ...] = (
        "嗯",
        "啊",
        "哦",
        "噢",
        "喔",
        "对",
        "是",
        "是的",
        "好",
        "好的",
        "行",
        "可以",
        "明白",
        "了解",
        "没错",
    )

    # overlap.interruption: the agent starts while the customer has been speaking this long,
    interruption_min_customer_lead_s: float = 0.3
    # they talk over each other at least this long,
    interruption_min_overlap_s: float = 0.5
    # and the agent's interrupting utterance is at least this long (voiced).
    interruption_min_utterance_s: float = 1.0

    # loudness.raised_voice: a turn this many dB over the speaker's median turn in the call
    # (one read speaker's turns spread by 3 dB at most in the corpus; a +12 dB turn reads +12),
    raised_voice_db: float = 8.0
    # at least this long (voiced),
    raised_voice_min_s: float = 1.0
    # when the speaker has at least this many such turns to form the median.
    raised_voice_min_turns: int = 3

    def problems(self) -> list[str]:
        """What is wrong with these values, as `key: reason` lines (empty when all is well)."""
        checks = [
            ("vad_threshold", 0 < self.vad_threshold < 1, "must be between 0 and 1"),
            ("speech_gate_db", self.speech_gate_db >= 0, "must be 0 or more"),
            ("min_speech_s", self.min_speech_s >= 0, "must be 0 or more"),
            (
                "turn_pause_s",
                self.turn_pause_s >= self.min_pause_s >= 0,
                "must be at least min_pause_s (>= 0)",
            ),
            (
                "dead_air_s",
                0 < self.dead_air_s <= self.dead_air_major_s,
                "must be > 0 and at most dead_air_major_s",
            ),
            ("hold_s", self.hold_s > self.dead_air_s, "must be longer than dead_air_s"),
            ("hold_music_min_s", self.hold_music_min_s > 0, "must be > 0"),
            (
                "rate_min_cpm",
                0 < self.rate_min_cpm < self.rate_max_cpm,
                "must be > 0 and below rate_max_cpm",
            ),
            ("rate_min_voiced_s", self.rate_min_voiced_s > 0, "must be > 0"),
            ("rate_min_chars", self.rate_min_chars >= 1, "must be at least 1"),
            (
                "rate_text_signal_max_ratio",
                self.rate_text_signal_max_ratio >= 1,
                "must be at least 1",
            ),
            ("rate_baseline_spreads", self.rate_baseline_spreads > 0, "must be > 0"),
            ("rate_baseline_min_calls", self.rate_baseline_min_calls >= 1, "must be at least 1"),
            (
                "interruption_min_overlap_s",
                self.interruption_min_overlap_s >= 0,
                "must be 0 or more",
            ),
            (
                "interruption_min_utterance_s",
                self.interruption_min_utterance_s >= 0,
                "must be 0 or more",
            ),
            ("raised_voice_db", self.raised_voice_db > 0, "must be > 0"),
            ("raised_voice_min_turns", self.raised_voice_min_turns >= 2, "must be at least 2"),
        ]
        return [f"{key}: {reason}" for key, ok, reason in checks if not ok]


@dataclass(frozen=True)
class MetricsOptions:
    """Operational metrics per call (pipeline.acoustics.operational) and repeat calls."""

    # Abnormal hang-up (after_customer): the call ends this many seconds or less after the
    # customer's last words, the customer spoke last, and the agent said no closing.
    hangup_after_customer_s: float = 3.0
    # Abnormal hang-up (on_hold): the recording ends in hold music at least this long, or in a
    # silence at least [acoustics] hold_s long.
    hangup_hold_music_s: float = 3.0
    # A caller who calls again within this many days made a repeat call (v_repeat_calls).
    repeat_days: int = 7

    def problems(self) -> list[str]:
        checks = [
            ("hangup_after_customer_s", self.hangup_after_customer_s >= 0, "must be 0 or more"),
            ("hangup_hold_music_s", self.hangup_hold_music_s > 0, "must be > 0"),
            ("repeat_days", self.repeat_days >= 1, "must be at least 1"),
        ]
        return [f"{key}: {reason}" for key, ok, reason in checks if not ok]


@dataclass(frozen=True)
class AlertOptions:
    """Alerts after a nightly run (pipeline.reporting.alerts), sent through Apprise."""

    # Apprise URLs the run's alert goes to; empty: no alerts.
    urls: tuple[str, ...] = ()
    # The worst calls listed in the message (the count covers all of them).
    max_calls: int = 10
    # Findings of the worst calls listed per call, with their masked evidence.
    max_evidence: int = 2
    # Seconds an alert may take to send, per URL.
    timeout_s: int = 20

    def problems(self) -> list[str]:
        checks = [
            ("max_calls", self.max_calls >= 1, "must be at least 1"),
            ("max_evidence", self.max_evidence >= 0, "must be 0 or more"),
            ("timeout_s", self.timeout_s >= 1, "must be at least 1"),
        ]
        return [f"{key}: {reason}" for key, ok, reason in checks if not ok]


def masked_url(url: str) -> str:
    """An Apprise URL safe to log or store: the scheme, host names and ports kept (where it went),
    every other part (tokens, keys, users, passwords, query values) cut to its first two
    characters and `***` — webhook URLs carry their secret in the path or the host position."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***"
    rest, _, query = rest.partition("?")
    userinfo, at, location = rest.rpartition("@")
    host, slash, path = location.partition("/")

    def hide(part: str) -> str:
        return part[:2] + "***" if part else part

    def hide_host(part: str) -> str:
        name, colon, port = part.partition(":")
        # Host names (with dots) and addresses are where the message went, not secrets.
        shown = name if "." in name or name == "localhost" else hide(name)
        return shown + colon + (port if port.isdigit() else hide(port))

    shown = scheme + "://"
    if at:
        shown += ":".join(hide(p) for p in userinfo.split(":")) + "@"
    shown += hide_host(host) + slash + "/".join(hide(p) for p in path.split("/"))
    if query:
        pairs = [p.partition("=") for p in query.split("&")]
        shown += "?" + "&".join(key + eq + hide(value) for key, eq, value in pairs)
    return shown
