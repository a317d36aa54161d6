"""Operational metrics (pipeline.acoustics.operational) on calls built from corpus clips with
known turn times: first response times and response latencies within 0.3 s of the placement,
handling time and hold share, and the abnormal hang-up rule on calls that end right after the
customer (with and without the agent's closing), on hold, and normally. Transcripts are the
reference texts at the placed times: no speech model runs here."""

from __future__ import annotations

import statistics
from dataclasses import replace

import numpy as np
import pytest
import soundfile

from pipeline.acoustics.analysis import analyse_call
from pipeline.config import load_config
from pipeline.options import MetricsOptions
from pipeline.process import call_hangup, detect
from pipeline.testing.callbuilder import PlannedTurn, build_call, synth_hold_music

from .test_acoustics import (
    AGENT,
    CUSTOMER,
    OPTIONS,
    TOLERANCE_S,
    agent_clip,
    customer_clip,
    planned,
    transcript_for,
    write_and_load,
)

CONFIG = load_config()
# Gaps before each agent answer (turns 2, 4, 6): the latencies the call must report.
ANSWER_GAPS = {2: 2.5, 4: 1.2, 6: 4.0}
LEAD_IN_S, TAIL_S = 1.5, 1.0


def dialogue(corpus) -> list[PlannedTurn]:
    """Agent greets, then three customer turns, each answered after a planted gap; the customer
    has the last word and the recording ends TAIL_S after it."""
    return [
        planned(corpus, agent_clip("0122"), AGENT, 0.0),
        planned(corpus, customer_clip("0121"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0007"), AGENT, ANSWER_GAPS[2]),
        planned(corpus, customer_clip("0241"), CUSTOMER, 0.6),
        planned(corpus, agent_clip("0251"), AGENT, ANSWER_GAPS[4]),
        planned(corpus, customer_clip("0161"), CUSTOMER, 0.7),
        planned(corpus, agent_clip("0126"), AGENT, ANSWER_GAPS[6]),
        planned(corpus, customer_clip("0013"), CUSTOMER, 0.6),
    ]


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    """(placed, result) of the dialogue per condition, built and analysed once."""
    cache: dict = {}

    def get(sample_rate: int, noise: str | None):
        if (sample_rate, noise) not in cache:
            samples, placed = build_call(
                dialogue(corpus),
                sample_rate=sample_rate,
                trim_to_speech=True,
                lead_in_s=LEAD_IN_S,
                tail_s=TAIL_S,
                noise_snr_db=20.0 if noise else None,
                noise_color=noise or "white",
                noise_seed=3,
            )
            path = tmp_path_factory.mktemp("ops") / f"dialogue_{sample_rate}_{noise}.wav"
            audio = write_and_load(path, samples, sample_rate, placed)
            cache[sample_rate, noise] = (placed, analyse_call(audio, transcript_for(placed)))
        return cache[sample_rate, noise]

    return get


CONDITIONS = [
    pytest.param(16_000, None, id="16k-clean"),
    pytest.param(8_000, "white", id="8k-white20dB"),
]


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_first_response_and_latencies_match_the_placement(built, sample_rate, noise):
    placed, result = built(sample_rate, noise)
    metrics = result.metrics
    assert metrics.first_response_s == pytest.approx(placed[0].start, abs=TOLERANCE_S)
    assert placed[0].start == pytest.approx(LEAD_IN_S, abs=0.01)
    # From the end of the customer's first turn to the agent's answer: the first planted gap.
    truth_first = placed[2].start - placed[1].end
    assert truth_first == pytest.approx(ANSWER_GAPS[2], abs=0.01)
    assert metrics.first_response_after_customer_s == pytest.approx(truth_first, abs=TOLERANCE_S)
    truths = [placed[i].start - placed[i - 1].end for i in ANSWER_GAPS]
    assert metrics.n_responses == len(ANSWER_GAPS)
    assert metrics.response_latency_median_s == pytest.approx(
        statistics.median(truths), abs=TOLERANCE_S
    )
    assert metrics.response_latency_max_s == pytest.approx(max(truths), abs=TOLERANCE_S)
    assert metrics.handling_s == pytest.approx(placed[-1].end, abs=TOLERANCE_S)
    assert metrics.last_role == "customer"
    assert metrics.tail_s == pytest.approx(TAIL_S, abs=TOLERANCE_S)
    assert metrics.hold_s == 0 and metrics.hold_share == 0


def test_ending_right_after_the_customer_without_closing_is_abnormal(built):
    placed, result = built(16_000, None)
    transcript = transcript_for(placed)
    findings = detect(transcript, CONFIG)  # the real script detector: the news clips close nothing
    assert any(f.category == "script.closing_missing" for f in findings)
    verdict = call_hangup(result.metrics, findings, CONFIG)
    assert verdict.abnormal_hangup is True and verdict.hangup_reason == "after_customer"
    # The same call, the agent's last turn a closing: a normal ending.
    closed = transcript_for(placed, drop={6: "感谢您的来电，祝您生活愉快，再见"})
    findings = detect(closed, CONFIG)
    assert not any(f.category == "script.closing_missing" for f in findings)
    verdict = call_hangup(result.metrics, findings, CONFIG)
    assert verdict.abnormal_hangup is False and verdict.hangup_reason is None
    # A stricter threshold than the tail: not abnormal either.
    strict = replace(CONFIG, metrics=MetricsOptions(hangup_after_customer_s=0.3))
    assert call_hangup(result.metrics, [], strict).abnormal_hangup is False


def test_ending_on_hold_music_is_abnormal_and_agent_last_is_normal(corpus, tmp_path):
    music = tmp_path / "music.wav"
    soundfile.write(str(music), np.asarray(synth_hold_music(10.0, seed=2)), 16_000)
    turns = [
        planned(corpus, agent_clip("0122"), AGENT, 0.0),
        planned(corpus, customer_clip("0121"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0251"), AGENT, 0.9, reference="请您稍等，我帮您查询一下"),
        PlannedTurn(music, AGENT, 1.0),  # the customer hangs up while the music plays
    ]
    samples, placed = build_call(turns, sample_rate=16_000, trim_to_speech=True, tail_s=0.0)
    audio = write_and_load(tmp_path / "hold.wav", samples, 16_000, placed)
    result = analyse_call(audio, transcript_for(placed), OPTIONS)
    metrics = result.metrics
    assert metrics.last_role == "agent"
    assert metrics.handling_s == pytest.approx(placed[2].end, abs=TOLERANCE_S)
    assert metrics.tail_music_s == pytest.approx(placed[3].end - placed[3].start, abs=1.0)
    verdict = call_hangup(metrics, [], CONFIG)
    assert verdict.abnormal_hangup is True and verdict.hangup_reason == "on_hold"

    # Without the music, the agent having said the last words half a second before the end.
    samples, placed = build_call(turns[:3], sample_rate=8_000, trim_to_speech=True, tail_s=0.5)
    audio = write_and_load(tmp_path / "normal.wav", samples, 8_000, placed)
    normal = analyse_call(audio, transcript_for(placed), OPTIONS).metrics
    assert normal.last_role == "agent" and normal.tail_music_s == 0
    assert normal.first_response_after_customer_s == pytest.approx(0.9, abs=TOLERANCE_S)
    verdict = call_hangup(normal, detect(transcript_for(placed), CONFIG), CONFIG)
    assert verdict.abnormal_hangup is False
