"""Long calls in windows: spooled decoding, block-wise frame features, windowed ASR.

A call longer than `audio.IN_MEMORY_MAX_S` is decoded to temporary files and read back by
window; ASR runs in `[asr] window_s` windows and the acoustic stage in blocks. These tests
shrink both limits so that a few minutes of real corpus speech cross several windows, and
check the results against the same call processed whole. Memory itself is measured side by
side in bench/bench_memory.py.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest

import pipeline.audio.decode as audio_module
from pipeline.acoustics.features import channel_features
from pipeline.asr.whisper import window_bounds
from pipeline.audio.decode import load_audio
from pipeline.audio.spool import SpooledChannel
from pipeline.process import process_call
from pipeline.testing.callbuilder import PlannedTurn, build_call, write_call
from pipeline.types import Recording

from .cer import cer
from .conftest import CORPUS

AGENT = ("0122", "0251", "0126", "0090")
CUSTOMER = ("0121", "0241", "0161", "0013")
PAIR_GAP_S = 40.0  # silence after each customer turn: the call is about 4 minutes


@pytest.fixture(scope="module")
def long_call(tmp_path_factory, corpus):
    """An 8 kHz stereo call: four agent / customer pairs 40 s apart, line noise 30 dB down."""
    turns = []
    for index, (agent, customer) in enumerate(zip(AGENT, CUSTOMER)):
        agent_clip = CORPUS / f"aishellsample_BAC009S0252W{agent}.wav"
        customer_clip = CORPUS / f"aishellsample_BAC009S0150W{customer}.wav"
        turns.append(
            PlannedTurn(
                agent_clip,
                0,
                PAIR_GAP_S if index else 0.0,
                corpus[agent_clip.name]["reference_text"],
            )
        )
        turns.append(
            PlannedTurn(customer_clip, 1, 0.8, corpus[customer_clip.name]["reference_text"])
        )
    samples, placed = build_call(
        turns, sample_rate=8_000, trim_to_speech=True, noise_snr_db=30.0, tail_s=20.0
    )
    path = tmp_path_factory.mktemp("long") / "long_call.wav"
    write_call(path, samples, 8_000, placed)
    return path, placed


def test_spooled_decoding_equals_decoding_in_memory(long_call):
    path, _ = long_call
    whole = load_audio(path)
    spooled = load_audio(path, in_memory_max_s=30)
    assert all(isinstance(channel, SpooledChannel) for channel in spooled.channels)
    assert (spooled.duration_s, spooled.sha256, spooled.source_sample_rate) == (
        whole.duration_s,
        whole.sha256,
        whole.source_sample_rate,
    )
    for kept, read in zip(whole.channels, spooled.channels):
        # the streaming resampler may round the end differently
        assert abs(len(read) - len(kept)) <= 2
        n = min(len(read), len(kept))
        window = slice(16_000 * 10, 16_000 * 70)  # a minute from inside the call
        assert np.max(np.abs(read[window] - kept[window])) < 1e-3
        assert np.asarray(read).shape == (len(read),)
        assert float(np.sqrt(np.mean(np.asarray(read)[:n] ** 2))) == pytest.approx(
            float(np.sqrt(np.mean(kept[:n] ** 2))), rel=1e-3
        )
    with pytest.raises(TypeError):
        spooled.channels[0][::2]


def test_frame_features_in_blocks_equal_one_pass(long_call):
    path, _ = long_call
    samples = load_audio(path).channels[0]
    # About 4.3 minutes: blocks of 10,000 frames (320 s) would be one block; pad past two blocks.
    samples = np.concatenate([samples, samples, samples[: 16_000 * 60]])
    in_blocks = channel_features(samples, block_frames=10_000)
    one_pass = channel_features(samples, block_frames=40_000)
    for name in ("speech_prob", "level_db", "spectral_change", "tonality_db"):
        np.testing.assert_allclose(
            getattr(in_blocks, name), getattr(one_pass, name), atol=1e-4, err_msg=name
        )
    assert in_blocks.noise_floor_db == pytest.approx(one_pass.noise_floor_db)


def test_window_cuts_fall_in_silence(long_call):
    path, placed = long_call
    channel = load_audio(path).channels[0]
    bounds = window_bounds(channel, 60)
    assert len(bounds) >= 4 and bounds[0][0] == 0 and bounds[-1][1] == len(channel)
    assert all(a[1] == b[0] for a, b in pairwise(bounds))
    for _, cut in bounds[:-1]:
        at = cut / 16_000
        assert not any(
            turn.start - 0.1 < at < turn.end + 0.1 for turn in placed if turn.channel == 0
        ), at


@pytest.mark.asr
def test_long_call_windowed_matches_whole(long_call, config, monkeypatch):
    """The same call through process_call twice: whole, and spooled with 60 s ASR windows."""
    path, placed = long_call
    recording = Recording(path=path, call_id="long")
    whole = process_call(recording, replace(config, asr=replace(config.asr, window_s=0)))
    monkeypatch.setattr(audio_module, "IN_MEMORY_MAX_S", 60.0)
    windowed = process_call(recording, replace(config, asr=replace(config.asr, window_s=60)))
    assert whole.status == windowed.status == "ok", (whole.error, windowed.error)

    for result in (whole, windowed):
        segments = result.transcript.segments
        starts = [s.start for s in segments]
        assert starts == sorted(starts)
        assert all(0 <= s.start <= s.end <= result.transcript.audio.duration_s for s in segments)
        errors = total = 0
        for turn in placed:
            role = "agent" if turn.channel == 0 else "customer"
            said = [
                s
                for s in segments
                if s.role == role and s.end > turn.start - 0.5 and s.start < turn.end + 0.5
            ]
            assert said, f"no {role} segment at {turn.start:.1f}-{turn.end:.1f} s"
            # Segment times are where the words are (no word mapped to another VAD chunk).
            assert abs(said[0].start - turn.start) < 1.0, (said[0].start, turn.start, said[0].text)
            e, n = cer(turn.reference, "".join(s.text for s in said))
            errors, total = errors + e, total + n
        assert errors / total < 0.3

    metrics_whole, metrics_windowed = whole.metrics, windowed.metrics
    for name in ("agent_talk_s", "customer_talk_s", "max_gap_s"):
        assert getattr(metrics_windowed, name) == pytest.approx(
            getattr(metrics_whole, name), abs=0.1
        ), name
    # the silence after the last words is no gap
    assert metrics_windowed.gaps_over_10s == metrics_whole.gaps_over_10s == len(AGENT) - 1
    assert sorted(
        f.category for f in windowed.findings if f.category.startswith("silence")
    ) == sorted(f.category for f in whole.findings if f.category.startswith("silence"))
