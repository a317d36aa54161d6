"""One documented TOML file (`callqa.toml`) loaded into validated option dataclasses.

Defaults live in the dataclasses below and in the shipped callqa.toml, which documents them.
A user file only needs the keys it changes; unknown keys and wrong types are errors that
name the file, the key and what was expected, before any audio is read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError
from pipeline.options import (
    AcousticOptions,
    AlertOptions,
    ArchiveOptions,
    AsrOptions,
    ChannelOptions,
    DetectorOptions,
    DiarizationOptions,
    MetricsOptions,
    ModelOptions,
    NightlyOptions,
    PathOptions,
    RetentionOptions,
    ReviewOptions,
    ScriptOptions,
    StoreOptions,
    masked_url,
    registered_detector_names,
)
from pipeline.types import SEVERITIES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_PATH = PROJECT_ROOT / "callqa.toml"


@dataclass(frozen=True)
class Config:
    paths: PathOptions = field(default_factory=PathOptions)
    models: ModelOptions = field(default_factory=ModelOptions)
    asr: AsrOptions = field(default_factory=AsrOptions)
    channels: ChannelOptions = field(default_factory=ChannelOptions)
    archive: ArchiveOptions = field(default_factory=ArchiveOptions)
    store: StoreOptions = field(default_factory=StoreOptions)
    review: ReviewOptions = field(default_factory=ReviewOptions)
    retention: RetentionOptions = field(default_factory=RetentionOptions)
    detectors: DetectorOptions = field(default_factory=DetectorOptions)
    script: ScriptOptions = field(default_factory=ScriptOptions)
    nightly: NightlyOptions = field(default_factory=NightlyOptions)
    diarization: DiarizationOptions = field(default_factory=DiarizationOptions)
    acoustics: AcousticOptions = field(default_factory=AcousticOptions)
    metrics: MetricsOptions = field(default_factory=MetricsOptions)
    alerts: AlertOptions = field(default_factory=AlertOptions)
    source: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able echo of the options (stored with each run)."""
        out = dataclasses.asdict(self)
        out.pop("source")
        # Webhook URLs carry their tokens: what is stored with a run must not.
        out["alerts"]["urls"] = [masked_url(url) for url in self.alerts.urls]
        return json.loads(json.dumps(out, default=str))

    def snapshot_for(self, db_path: Path | str) -> Path:
        """The read-only snapshot published beside a database: [paths] snapshot for the
        configured database, `<name>-read.duckdb` next to any other (`--db`)."""
        db_path = Path(db_path)
        if db_path == self.paths.db:
            return self.paths.snapshot
        return db_path.with_name(db_path.stem + "-read.duckdb")

    def hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]


_SECTIONS = {
    "paths": PathOptions,
    "models": ModelOptions,
    "asr": AsrOptions,
    "channels": ChannelOptions,
    "archive": ArchiveOptions,
    "store": StoreOptions,
    "review": ReviewOptions,
    "retention": RetentionOptions,
    "detectors": DetectorOptions,
    "script": ScriptOptions,
    "nightly": NightlyOptions,
    "diarization": DiarizationOptions,
    "acoustics": AcousticOptions,
    "metrics": MetricsOptions,
    "alerts": AlertOptions,
}


def cron_problem(cron: str) -> str | None:
    """What is wrong with a cron expression, or None (the words follow the option's name)."""
    if len(cron.split()) != 5:
        return "must have five fields (minute hour day-of-month month day-of-week)"
    return None


def timezone_problem(zone: str) -> str | None:
    """What is wrong with an IANA time zone name, or None (the words follow the zone)."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not a known IANA zone (e.g. Asia/Shanghai)"
    return None


def parse_day(value: str, option: str) -> date:
    """A YYYY-MM-DD day given to `option` (--from, --date …), or a sentence saying it is not one."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def check_date_range(date_from: date | None, date_to: date | None) -> None:
    """A backfill's range must hold at least one day."""
    if date_from and date_to and date_from > date_to:
        raise ConfigError(f"--from {date_from} is after --to {date_to}: the date range is empty")


def _coerce(where: str, key: str, value: Any, default: Any, base: Path) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: '{key}' must be true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: '{key}' must be a whole number, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: '{key}' must be a number, got {value!r}")
        return float(value)
    if isinstance(default, Path):
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: '{key}' must be a path string, got {value!r}")
        path = Path(value).expanduser()
        return path if path.is_absolute() else (base / path)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{key}' must be a list of strings, got {value!r}")
        return tuple(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: '{key}' must be a string, got {value!r}")
        return value
    raise AssertionError(f"unhandled option type for {key}")


def _validate(config: Config, where: str) -> None:
    if config.channels.agent_channel not in (0, 1):
        raise ConfigError(
            f"{where}: [channels] agent_channel must be 0 or 1, got {config.channels.agent_channel}"
        )
    if config.asr.beam_size < 1:
        raise ConfigError(
            f"{where}: [asr] beam_size must be at least 1, got {config.asr.beam_size}"
        )
    if config.asr.device not in ("cpu", "cuda", "auto"):
        raise ConfigError(
            f"{where}: [asr] device must be cpu, cuda or auto, got {config.asr.device!r}"
        )
    if config.asr.window_s and config.asr.window_s < 60:
        raise ConfigError(
            f"{where}: [asr] window_s must be 0 (whole channel) or at least 60 seconds, got {config.asr.window_s}"
        )
    if config.asr.cpu_threads < 0:
        raise ConfigError(
            f"{where}: [asr] cpu_threads must be 0 (all cores) or more, got {config.asr.cpu_threads}"
        )
    for problem in config.acoustics.problems():
        raise ConfigError(f"{where}: [acoustics] {problem}")
    for problem in config.metrics.problems():
        raise ConfigError(f"{where}: [metrics] {problem}")
    for problem in config.alerts.problems():
        raise ConfigError(f"{where}: [alerts] {problem}")
    if config.retention.days < 0:
        raise ConfigError(
            f"{where}: [retention] days must be 0 (keep everything) or more, got {config.retention.days}"
        )
    if config.review.pareto_min_severity not in SEVERITIES:
        raise ConfigError(
            f"{where}: [review] pareto_min_severity must be one of {', '.join(SEVERITIES)}, "
            f"got {config.review.pareto_min_severity!r}"
        )
    if not 0 <= config.review.sample_percent <= 100:
        raise ConfigError(
            f"{where}: [review] sample_percent must be 0..100, got {config.review.sample_percent}"
        )
    _validate_review(config, where)
    if zone_problem := timezone_problem(config.archive.timezone):
        raise ConfigError(f"{where}: [archive] timezone {config.archive.timezone!r} {zone_problem}")
    for key in ("opening_window_s", "closing_window_s"):
        if getattr(config.script, key) < 1:
            raise ConfigError(
                f"{where}: [script] {key} must be at least 1 second, got {getattr(config.script, key)}"
            )
    if config.script.severity not in SEVERITIES:
        raise ConfigError(
            f"{where}: [script] severity must be one of {', '.join(SEVERITIES)}, got {config.script.severity!r}"
        )
    _validate_nightly(config.nightly, where)
    _validate_diarization(config.diarization, where)
    known = registered_detector_names()
    unknown = [name for name in config.detectors.enabled if name not in known]
    if unknown:
        raise ConfigError(
            f"{where}: [detectors] enabled names unknown detector(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known)) or 'none (is callqa installed? pip install -e .)'}"
        )


REVIEW_LEVELS = ("verdict", "decision", "signoff")


def _validate_review(config: Config, where: str) -> None:
    review = config.review
    if not review.store.strip():
        raise ConfigError(f"{where}: [review] store must name a file or a postgresql:// URL")
    unknown = [level for level in review.levels if level not in REVIEW_LEVELS]
    if unknown or not review.levels:
        raise ConfigError(
            f"{where}: [review] levels must list some of {', '.join(REVIEW_LEVELS)}, "
            f"got {list(review.levels)}"
        )
    for key in ("appeal_days", "recheck_calls"):
        if getattr(review, key) < 0:
            raise ConfigError(
                f"{where}: [review] {key} must be 0 or more, got {getattr(review, key)}"
            )
    if not 1 <= review.port <= 65535:
        raise ConfigError(f"{where}: [review] port must be 1..65535, got {review.port}")
    if review.session_idle_minutes < 1:
        raise ConfigError(
            f"{where}: [review] session_idle_minutes must be at least 1, got {review.session_idle_minutes}"
        )


def _validate_diarization(options: DiarizationOptions, where: str) -> None:
    if options.backend not in ("embedded", "pipeline"):
        raise ConfigError(
            f"{where}: [diarization] backend must be embedded or pipeline, got {options.backend!r}"
        )
    if not 1 <= options.min_speakers <= options.max_speakers <= 10:
        raise ConfigError(
            f"{where}: [diarization] needs 1 <= min_speakers <= max_speakers <= 10, "
            f"got min_speakers {options.min_speakers} and max_speakers {options.max_speakers}"
        )
    if not 0.0 < options.same_speaker_similarity < 1.0:
        raise ConfigError(
            f"{where}: [diarization] same_speaker_similarity must be between 0 and 1, got {options.same_speaker_similarity}"
        )
    if not 0.5 <= options.role_min_confidence <= 1.0:
        raise ConfigError(
            f"{where}: [diarization] role_min_confidence must be 0.5..1, got {options.role_min_confidence}"
        )
    if options.cpu_threads < 0:
        raise ConfigError(
            f"{where}: [diarization] cpu_threads must be 0 (torch's default) or more, got {options.cpu_threads}"
        )


def _validate_nightly(nightly: NightlyOptions, where: str) -> None:
    if problem := cron_problem(nightly.cron):
        raise ConfigError(f"{where}: [nightly] cron {problem}, got {nightly.cron!r}")
    if problem := timezone_problem(nightly.timezone):
        raise ConfigError(f"{where}: [nightly] timezone {nightly.timezone!r} {problem}")
    for key in ("workers", "max_in_flight", "retries", "retry_delay_s", "dask_workers"):
        minimum = 1 if key == "workers" else 0
        if getattr(nightly, key) < minimum:
            raise ConfigError(
                f"{where}: [nightly] {key} must be at least {minimum}, got {getattr(nightly, key)}"
            )
    if nightly.dask_address and nightly.dask_workers:
        raise ConfigError(
            f"{where}: [nightly] set dask_address (an existing cluster) or dask_workers (a local one), not both"
        )


def _load_section(where: str, name: str, cls: type, values: dict[str, Any], base: Path) -> Any:
    defaults = cls()
    known = {f.name for f in dataclasses.fields(cls)}
    for key in values:
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key '{key}' in [{name}]; known: {', '.join(sorted(known))}"
            )
    kwargs = {}
    for f in dataclasses.fields(cls):
        default = getattr(defaults, f.name)
        if f.name in values:
            kwargs[f.name] = _coerce(where, f"{name}.{f.name}", values[f.name], default, base)
        elif isinstance(default, Path):
            # Defaults are the shipped ones: relative to the project, wherever the user's file is.
            kwargs[f.name] = PROJECT_ROOT / default
    return cls(**kwargs)


def load_config(path: Path | str | None = None) -> Config:
    """Load a config file over the defaults. None means $CALLQA_CONFIG or the shipped callqa.toml."""
    if path is None:
        path = os.environ.get("CALLQA_CONFIG") or DEFAULT_CONFIG_PATH
    path = Path(path)
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc})") from None
    base = path.resolve().parent
    for name, values in raw.items():
        if name not in _SECTIONS:
            raise ConfigError(f"{where}: unknown section [{name}]; known: {', '.join(_SECTIONS)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: '{name}' must be a [section]")
    sections = {
        name: _load_section(where, name, cls, raw.get(name, {}), base)
        for name, cls in _SECTIONS.items()
    }
    config = Config(**sections, source=path.resolve())
    _validate(config, where)
    return config
