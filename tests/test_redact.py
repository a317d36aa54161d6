"""`callqa redact`: the PII spans of a stored call toned out on the speaker's channel.

Table tests of the pure `redact_samples` (channels, padding, silence, overlaps, blocks), the WAV
copy (sample formats kept, atomic), then a real stereo call of corpus speech — the customer reads
two mobile numbers, the agent speaks no number — processed by `callqa run`, redacted by `callqa
redact` and transcribed again: no run of 4+ digits of a planted number is heard, the agent's
speech is heard as before, and the refusals name the call, the file and the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pytest
import soundfile

from pipeline.audio.decode import open_source
from pipeline.audio.encode import wav_format_for, write_wav_atomically
from pipeline.audio.redact import (
    TONE_AMPLITUDE,
    RedactionSpan,
    covered_ranges,
    redact_samples,
)
from pipeline.batch.redaction import agent_channel, redact_call, span_channel
from pipeline.config import PROJECT_ROOT, load_config
from pipeline.errors import (
    CallNotFoundError,
    CallNotProcessedError,
    RecordingChangedError,
    RecordingNotFoundError,
)
from pipeline.process import transcribe_recording
from pipeline.store.recordings import StoredRecording
from pipeline.testing.callbuilder import PlannedTurn, build_call
from pipeline.text.digits import find_digit_runs
from pipeline.types import Recording

from .conftest import CORPUS

CALLQA = [sys.executable, "-m", "pipeline.cli"]
RATE = 8000
AGENT_CLIPS = ["aishellsample_BAC009S0252W0122.wav", "aishellsample_BAC009S0252W0251.wav"]
# AISHELL speaker S0150 reads mobile numbers (the reference texts of the corpus manifest).
CUSTOMER_CLIPS = ["aishellsample_BAC009S0150W0082.wav", "aishellsample_BAC009S0150W0083.wav"]


def noise(n_channels=2, n=RATE, dtype=np.float32, seed=0) -> np.ndarray:
    samples = np.random.default_rng(seed).uniform(-0.5, 0.5, (n_channels, n))
    if np.issubdtype(dtype, np.integer):
        return np.round(samples * np.iinfo(dtype).max).astype(dtype)
    return samples.astype(dtype)


# --- redact_samples: table tests --------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.int32])
def test_a_span_on_one_channel_leaves_the_other_bit_for_bit(dtype):
    samples = noise(dtype=dtype)
    out = redact_samples(samples, RATE, [RedactionSpan(0.25, 0.5, channel=1)], "tone")
    assert out.dtype == samples.dtype and out.shape == samples.shape
    assert out[0].tobytes() == samples[0].tobytes()
    start, end = int(0.25 * RATE), int(0.5 * RATE)
    assert out[1, :start].tobytes() == samples[1, :start].tobytes()
    assert out[1, end:].tobytes() == samples[1, end:].tobytes()
    tone = out[1, start:end].astype(np.float64)
    if np.issubdtype(dtype, np.integer):
        tone /= np.iinfo(dtype).max
    middle = tone[100:-100]  # past the 5 ms fades
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(TONE_AMPLITUDE / np.sqrt(2), rel=0.01)
    spectrum = np.abs(np.fft.rfft(middle))
    assert np.fft.rfftfreq(len(middle), 1 / RATE)[np.argmax(spectrum)] == pytest.approx(1000, abs=5)
    assert abs(tone[0]) < 0.01 and abs(tone[-1]) < 0.01  # faded in and out: no click
    assert samples[1, start:end].tobytes() != out[1, start:end].tobytes()


@pytest.mark.parametrize(
    "span, pad_s, expected",
    [
        (RedactionSpan(0.05, 0.1), 0.3, (0, int(0.4 * RATE))),  # clipped at the start
        (RedactionSpan(0.9, 0.95), 0.3, (int(0.6 * RATE), RATE)),  # clipped at the end
        (RedactionSpan(-1.0, 2.0), 0.0, (0, RATE)),  # beyond both ends
        (RedactionSpan(0.4, 0.5), 0.1, (int(0.3 * RATE), int(0.6 * RATE))),
        (RedactionSpan(0.5, 0.5), 0.0, None),  # empty: nothing
        (RedactionSpan(2.0, 3.0), 0.3, None),  # after the end: nothing
    ],
)
def test_padding_is_clipped_at_both_ends(span, pad_s, expected):
    samples = noise(n_channels=1)
    ranges = covered_ranges([span], RATE, 1, RATE, pad_s)
    assert ranges == [[expected] if expected else []]
    out = redact_samples(samples, RATE, [span], "silence", pad_s=pad_s)
    assert out.shape == samples.shape
    silent = np.flatnonzero(out[0] == 0)
    if expected is None:
        assert out.tobytes() == samples.tobytes()
    else:
        assert (silent[0], silent[-1] + 1) == expected and len(silent) == expected[1] - expected[0]


def test_silence_mode_writes_digital_zeros_on_the_span_only():
    samples = noise(dtype=np.int16)
    out = redact_samples(samples, RATE, [RedactionSpan(0.2, 0.3, channel=0)], "silence", pad_s=0.05)
    start, end = int(0.15 * RATE), int(0.35 * RATE)
    assert not out[0, start:end].any()
    assert out[0, :start].tobytes() == samples[0, :start].tobytes()
    assert out[0, end:].tobytes() == samples[0, end:].tobytes()
    assert out[1].tobytes() == samples[1].tobytes()


def test_overlapping_spans_are_one_continuous_tone():
    samples = noise()
    spans = [RedactionSpan(0.2, 0.5, 1), RedactionSpan(0.4, 0.7, 1), RedactionSpan(0.7, 0.8, 1)]
    out = redact_samples(samples, RATE, spans, "tone", pad_s=0.01)
    one = redact_samples(samples, RATE, [RedactionSpan(0.2, 0.8, 1)], "tone", pad_s=0.01)
    assert out.tobytes() == one.tobytes()  # no fade where the spans meet
    assert covered_ranges(spans, RATE, 2, RATE, 0.01) == [
        [],
        [(int(0.19 * RATE), int(0.81 * RATE))],
    ]


def test_a_span_without_channel_covers_every_channel_and_blocks_give_the_whole():
    samples = noise(n=3 * RATE)
    spans = [RedactionSpan(0.9, 1.6), RedactionSpan(2.2, 2.3, 0)]
    whole = redact_samples(samples, RATE, spans, "tone", pad_s=0.2)
    blocks = [
        redact_samples(samples[:, s : s + 1000], RATE, spans, "tone", pad_s=0.2, first_sample=s)
        for s in range(0, samples.shape[1], 1000)
    ]
    assert np.concatenate(blocks, axis=1).tobytes() == whole.tobytes()
    covered = int(0.7 * RATE), int(1.8 * RATE)
    assert (
        whole[0, covered[0] : covered[1]].tobytes() == whole[1, covered[0] : covered[1]].tobytes()
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: RedactionSpan(1.0, 0.5), "ends"),
        (lambda: RedactionSpan(float("nan"), 1.0), "finite"),
        (lambda: redact_samples(noise(1), RATE, [RedactionSpan(0, 1, 1)]), "channel 1"),
        (lambda: redact_samples(noise(), RATE, [], "beep"), "mode"),  # type: ignore[arg-type]
        (lambda: redact_samples(noise()[0], RATE, []), "shape"),
        (lambda: redact_samples(noise().astype(np.uint8), RATE, []), "signed"),
        (lambda: redact_samples(noise(), RATE, [], pad_s=-0.1), "0 or more"),
    ],
)
def test_bad_arguments_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_party_gives_the_channel():
    call = StoredRecording("c", "ok", None, "c.wav", None, None, 2, "ch1", None)
    assert agent_channel(call, 2, configured=0) == 1  # as processed, not as configured now
    assert (
        agent_channel(StoredRecording("c", "ok", None, "c.wav", None, None, 2, None, None), 2, 1)
        == 1
    )
    assert [span_channel(role, 2, 1) for role in ("agent", "customer", "both")] == [1, 0, None]
    assert [span_channel(role, 1, 0) for role in ("agent", "customer", "both")] == [None] * 3


# --- the WAV copy ------------------------------------------------------------------------------


@pytest.mark.parametrize("subtype", ["PCM_16", "PCM_24", "PCM_U8", "ULAW", "FLOAT"])
def test_the_copy_keeps_rate_channels_length_and_sample_format(tmp_path, subtype):
    source = tmp_path / "call.wav"
    soundfile.write(str(source), noise(n=2 * RATE + 17).T, RATE, subtype=subtype)
    copy = tmp_path / "copy.wav"
    span = RedactionSpan(0.5, 0.8, channel=1)
    with open_source(source) as audio:
        container, written_subtype = wav_format_for(audio.format, audio.subtype)
        blocks = (redact_samples(b, audio.sample_rate, [span]) for b in audio.blocks)
        n = write_wav_atomically(
            copy, blocks, audio.sample_rate, audio.n_channels, container, written_subtype
        )
    info, original = soundfile.info(str(copy)), soundfile.info(str(source))
    assert (info.samplerate, info.channels, info.frames, info.format, info.subtype) == (
        original.samplerate,
        original.channels,
        original.frames,
        "WAV",
        subtype,
    )
    assert n == original.frames
    dtype = "float32" if subtype == "FLOAT" else "int32"
    before, _ = soundfile.read(str(source), dtype=dtype, always_2d=True)
    after, _ = soundfile.read(str(copy), dtype=dtype, always_2d=True)
    assert after[:, 0].tobytes() == before[:, 0].tobytes()
    outside = np.r_[0 : int(0.5 * RATE), int(0.8 * RATE) : len(before)]
    assert after[outside, 1].tobytes() == before[outside, 1].tobytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.wav", "copy.wav"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.wav"
    target.write_bytes(b"previous")

    def blocks():
        yield noise()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_wav_atomically(target, blocks(), RATE, 2)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.wav"]


def test_other_formats_become_16_bit_pcm_wav():
    assert wav_format_for("FLAC", "PCM_24") == ("WAV", "PCM_24")
    assert wav_format_for("MPEG", "MPEG_LAYER_III") == ("WAV", "PCM_16")
    assert wav_format_for("WAV", "IMA_ADPCM") == ("WAV", "PCM_16")
    assert wav_format_for(None, None) == ("WAV", "PCM_16")
    assert wav_format_for("WAVEX", "PCM_16") == ("WAVEX", "PCM_16")


# --- a real call, processed and redacted ------------------------------------------------------


def planted_numbers(corpus) -> list[str]:
    numbers = [
        run.digits
        for c in CUSTOMER_CLIPS
        for run in find_digit_runs(corpus[c]["reference_text"], 7)
    ]
    assert len(numbers) == 2, numbers
    return numbers


def digits_of_planted(text: str, numbers: list[str]) -> list[str]:
    """Each run of 4+ digits heard in `text` that shares 4 digits in a row with a planted number."""
    return [
        run.digits
        for run in find_digit_runs(text, min_digits=4)
        if any(run.digits[i : i + 4] in n for n in numbers for i in range(len(run.digits) - 3))
    ]


def transcript(path: Path, config):
    return transcribe_recording(Recording(path, path.stem), config)


@pytest.fixture(scope="module")
def processed(tmp_path_factory, corpus, config):
    root = tmp_path_factory.mktemp("redact")
    archive = root / "archive"
    archive.mkdir()
    turns = []
    for agent, customer in zip(AGENT_CLIPS, CUSTOMER_CLIPS):
        turns += [PlannedTurn(CORPUS / agent, 0, 0.8), PlannedTurn(CORPUS / customer, 1, 0.8)]
    samples, _ = build_call(turns, sample_rate=16000)
    soundfile.write(str(archive / "pii-call.wav"), samples.T, 16000)
    (archive / "broken.wav").write_bytes(b"RIFF this is not audio at all" * 10)
    site = root / "site.toml"
    site.write_text(
        f'[paths]\noutput_dir = "{root / "out"}"\ndb = "{root / "qa.duckdb"}"\n'
        f'snapshot = "{root / "qa-read.duckdb"}"\n'
        f'[models]\nwhisper = "{PROJECT_ROOT / "models" / "whisper-base"}"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [*CALLQA, "--config", str(site), "run", str(archive), "-q"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return root, site


def redact(site, *args):
    return subprocess.run(
        [*CALLQA, "--config", str(site), "redact", *args], capture_output=True, text=True
    )


@pytest.mark.asr
def test_no_planted_number_is_heard_in_the_redacted_call(processed, corpus, config):
    root, site = processed
    numbers = planted_numbers(corpus)
    original = transcript(root / "archive" / "pii-call.wav", config)
    heard = digits_of_planted(" ".join(s.text for s in original.segments), numbers)
    assert heard, f"ASR heard no planted number: the test would prove nothing ({heard})"
    found = phone_findings(root)  # whisper writes a number in words or in dashed digits
    assert found >= 1
    for mode in ([], ["--silence"]):
        out = root / f"redacted{'-'.join(mode)}.wav"
        done = redact(site, "pii-call", "-o", str(out), "--db", str(root / "qa.duckdb"), *mode)
        assert done.returncode == 0, done.stderr
        spans = "1 PII span" if found == 1 else f"{found} PII spans"
        assert f"{spans} (pii.phone {found})" in done.stdout and "1 customer" in done.stdout
        printed = done.stdout + done.stderr
        assert digits_of_planted(printed, numbers) == []
        assert not any(s.text[:4] in printed for s in original.segments)  # no speech text
        redacted = transcript(out, config)
        text = " ".join(s.text for s in redacted.segments)
        print(
            f"{mode or ['tone']}: original heard {heard}; redacted heard "
            f"{[r.digits for r in find_digit_runs(text, min_digits=4)]}"
        )
        left = digits_of_planted(text, numbers)
        # Every number the detectors found is gone; one they missed (ASR variance) may stay.
        assert len(left) <= len(numbers) - found and len(left) < len(heard)
        # The agent's channel is bit for bit the original: the same words are heard.
        agent = [s.text for s in redacted.segments if s.role == "agent"]
        assert agent == [s.text for s in original.segments if s.role == "agent"]
        assert "行业政策环境" in text and "有关部门负责人" in text
        before, rate = soundfile.read(str(root / "archive" / "pii-call.wav"), dtype="int16")
        after, after_rate = soundfile.read(str(out), dtype="int16")
        assert after_rate == rate and after.shape == before.shape
        assert (
            soundfile.info(str(out)).subtype
            == soundfile.info(str(root / "archive" / "pii-call.wav")).subtype
        )
        assert after[:, 0].tobytes() == before[:, 0].tobytes()
        assert after[:, 1].tobytes() != before[:, 1].tobytes()


@pytest.mark.asr
def test_every_pii_category_is_covered_on_its_speakers_channel(processed, tmp_path):
    """A category under pii. that the detectors do not make yet (pii.credential) is covered by
    the prefix; other categories are not."""
    root, site = processed
    db = tmp_path / "qa.duckdb"
    shutil.copy(root / "qa.duckdb", db)
    con = duckdb.connect(str(db))
    con.execute(
        "INSERT INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, "
        "end_s, evidence) VALUES ('pii-call', 99, 'pii.credential', 'pii.credential', 'critical', "
        "'agent', 1.0, 2.0, '(test)')"
    )
    con.close()
    config = load_config(site)
    found = phone_findings(root)
    summary = redact_call(config, db, "pii-call", tmp_path / "out.wav", pad_s=0.0)
    assert summary.spans_by_category == {"pii.credential": 1, "pii.phone": found}
    assert summary.channel_roles == ("agent", "customer")
    assert summary.covered_s_by_channel[0] == pytest.approx(1.0, abs=0.001)
    assert 2.0 * found < summary.covered_s_by_channel[1] < 7.0  # a few seconds a number
    assert summary.covered_s == pytest.approx(sum(summary.covered_s_by_channel), abs=0.001)
    assert (summary.sample_rate, summary.n_channels, summary.subtype) == (16000, 2, "PCM_16")
    assert summary.warnings == ()
    # A call processed with the pii detector off: redacted as far as it goes, with a warning.
    con = duckdb.connect(str(db))
    con.execute("""UPDATE runs SET config = '{"detectors": {"enabled": ["rules"]}}'""")
    con.close()
    summary = redact_call(config, db, "pii-call", tmp_path / "out.wav")
    assert summary.n_spans == 1 + found and "did not run the pii detector" in summary.warnings[0]


def phone_findings(root: Path) -> int:
    con = duckdb.connect(str(root / "qa.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FROM findings WHERE call_id = 'pii-call' AND category = 'pii.phone'"
        ).fetchone()[0]
    finally:
        con.close()


@contextmanager
def moved_away(path: Path, replacement: bytes | None = None):
    aside = path.with_name(path.name + ".aside")
    os.replace(path, aside)
    try:
        if replacement is not None:
            path.write_bytes(replacement)
        yield
    finally:
        os.replace(aside, path)


@pytest.mark.asr
def test_refusals_name_the_call_the_file_and_the_reason(processed, tmp_path):
    root, site = processed
    config = load_config(site)
    db, out = root / "qa.duckdb", tmp_path / "out.wav"
    with pytest.raises(CallNotFoundError, match=r"no call with id 'no-such-call' in .*qa\.duckdb"):
        redact_call(config, db, "no-such-call", out)
    with pytest.raises(
        CallNotProcessedError, match=r"call 'broken' failed processing.*broken\.wav"
    ):
        redact_call(config, db, "broken", out)
    recording = root / "archive" / "pii-call.wav"
    with moved_away(recording), pytest.raises(RecordingNotFoundError) as caught:
        redact_call(config, db, "pii-call", out)
    assert str(recording) in str(caught.value) and "'pii-call'" in str(caught.value)
    with moved_away(recording, replacement=b""):
        soundfile.write(str(recording), noise(n=16000).T, 16000)  # other audio, same name
        with pytest.raises(RecordingChangedError, match="sha256 differs"):
            redact_call(config, db, "pii-call", out)
    assert not out.exists()
    # the same through the command: one sentence, exit 2
    done = redact(site, "no-such-call", "-o", str(out))
    assert done.returncode == 2 and "no call with id 'no-such-call'" in done.stderr
    for pad in ("-0.1", "nan", "soon"):
        done = redact(site, "pii-call", "-o", str(out), "--pad", pad)
        assert done.returncode == 2 and "--pad" in done.stderr, done.stderr
    done = redact(site, "pii-call", "-o", str(recording))
    assert done.returncode == 2 and "is the recording of call 'pii-call' itself" in done.stderr
    done = redact(site, "pii-call", "-o", str(tmp_path / "out.mp3"))
    assert done.returncode == 2 and "name it *.wav" in done.stderr
    assert not out.exists()
