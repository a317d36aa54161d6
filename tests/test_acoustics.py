"""Acoustic analysis on calls built from real corpus clips with planted ground truth.

Agent: AISHELL speaker S0252 on channel 0; customer: S0150 on channel 1. Clips are trimmed to
their spoken part by the call builder's energy rule (not the VAD under test), so every planted
gap is a gap in speech and the truth is the placement. Each call is analysed at 16 kHz and
8 kHz, clean and with 20 dB SNR white or pink line noise. Transcripts are made from the
reference texts and placements: no speech model runs here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile

from pipeline.acoustics.activity import Span, intersect, merge_close, subtract, total, union
from pipeline.acoustics.analysis import analyse_call
from pipeline.acoustics.turns import count_chars
from pipeline.audio.decode import load_audio
from pipeline.options import AcousticOptions
from pipeline.testing.callbuilder import (
    PlacedTurn,
    PlannedTurn,
    build_call,
    line_noise,
    synth_hold_music,
    write_call,
)
from pipeline.types import Audio, AudioInfo, RateBaseline, Role, Segment, Transcript, Turn

from .conftest import CORPUS

AGENT, CUSTOMER = 0, 1
OPTIONS = AcousticOptions()
TOLERANCE_S = 0.3
CONDITIONS = [
    pytest.param(16_000, None, id="16k-clean"),
    pytest.param(16_000, "white", id="16k-white20dB"),
    pytest.param(8_000, None, id="8k-clean"),
    pytest.param(8_000, "pink", id="8k-pink20dB"),
    pytest.param(8_000, "white", id="8k-white20dB"),
]


def agent_clip(number: str) -> Path:
    return CORPUS / f"aishellsample_BAC009S0252W{number}.wav"


def customer_clip(number: str) -> Path:
    return CORPUS / f"aishellsample_BAC009S0150W{number}.wav"


def planned(
    corpus: dict, clip: Path, channel: int, gap: float, reference: str | None = None, **kwargs
) -> PlannedTurn:
    """A turn saying the clip's reference text (or `reference`, for a piece of the clip)."""
    text = corpus[clip.name]["reference_text"] if reference is None else reference
    return PlannedTurn(clip, channel, gap, text, **kwargs)


# The main call. Planted: dead air 6.0 s after the customer (agent's), 11.0 s after the agent
# (customer's), 5.5 s after the customer; pauses of 4.0 and 4.5 s that must not be reported;
# the agent talking 2.0 s over the customer (an interruption); an agent 嗯 inside a customer
# turn (a backchannel, not an interruption); the customer talking 1.0 s over the agent (an
# overlap, not the agent's interruption); one agent turn at +12 dB.
# index of the turn after the gap -> role
DEAD_AIR_PLANTED = {
    2: "agent",
    8: "customer",
    13: "agent",
}
INTERRUPTING_TURN, BACKCHANNEL_TURN, LOUD_TURN, CUSTOMER_OVERLAP_TURN = 4, 6, 7, 10


def main_call_turns(corpus: dict) -> list[PlannedTurn]:
    return [
        planned(corpus, agent_clip("0122"), AGENT, 0.0),
        planned(corpus, customer_clip("0121"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0007"), AGENT, 6.0),
        planned(corpus, customer_clip("0241"), CUSTOMER, 0.7),
        planned(corpus, agent_clip("0251"), AGENT, -2.0),
        planned(corpus, customer_clip("0161"), CUSTOMER, 4.0),
        # 嗯 at the start of "嗯变温温度设为两度", said 1.5 s into the customer's turn.
        planned(corpus, agent_clip("0001"), AGENT, -1.8, reference="嗯", clip_span=(0.3, 0.82)),
        planned(corpus, agent_clip("0126"), AGENT, 0.8, gain_db=12.0, gap_from_latest=True),
        planned(corpus, customer_clip("0013"), CUSTOMER, 11.0),
        planned(corpus, agent_clip("0090"), AGENT, 0.6),
        planned(corpus, customer_clip("0087"), CUSTOMER, -1.0),
        planned(corpus, agent_clip("0091"), AGENT, 4.5),
        planned(corpus, customer_clip("0083"), CUSTOMER, 0.7),
        planned(corpus, agent_clip("0093"), AGENT, 5.5),
    ]


def transcript_for(
    placed: list[PlacedTurn], call_id: str = "call", drop: dict[int, str] | None = None
) -> Transcript:
    """Segments at the placed times with the reference texts (`drop`: index -> text heard instead)."""
    drop = drop or {}
    segments = []
    for index, turn in enumerate(placed):
        text = drop.get(index, turn.reference)
        if not text:
            continue
        role = "agent" if turn.channel == AGENT else "customer"
        segments.append(Segment(turn.start, turn.end, f"ch{turn.channel}", role, text))
    segments.sort(key=lambda s: s.start)
    return Transcript(
        call_id, tuple(segments), AudioInfo("built.wav", "", 0.0, 16_000, 2), "reference"
    )


def write_and_load(
    path: Path, samples: np.ndarray, sample_rate: int, placed: list[PlacedTurn]
) -> Audio:
    """Through a 16-bit WAV file and the real decoder, as a recording would come in."""
    write_call(path, samples, sample_rate, placed)
    return load_audio(path)


@pytest.fixture(scope="module")
def main_call(corpus, tmp_path_factory):
    """(audio, placed, result) of the main call per condition, built and analysed once."""
    built: dict = {}

    def get(sample_rate: int, noise: str | None):
        key = (sample_rate, noise)
        if key not in built:
            samples, placed = build_call(
                main_call_turns(corpus),
                sample_rate=sample_rate,
                trim_to_speech=True,
                noise_snr_db=20.0 if noise else None,
                noise_color=noise or "white",
                noise_seed=7,
            )
            path = tmp_path_factory.mktemp("calls") / f"main_{sample_rate}_{noise}.wav"
            audio = write_and_load(path, samples, sample_rate, placed)
            built[key] = (audio, placed, analyse_call(audio, transcript_for(placed), OPTIONS))
        return built[key]

    return get


def planted_gap(placed: list[PlacedTurn], index: int) -> Span:
    """The gap in speech before turn `index`: from the latest end of any earlier turn."""
    return Span(max(t.end for t in placed[:index]), placed[index].start)


def near(finding, span: Span) -> bool:
    return (
        abs(finding.start_s - span.start) <= TOLERANCE_S
        and abs(finding.end_s - span.end) <= TOLERANCE_S
    )


def findings_of(result, category: str):
    return [f for f in result.findings if f.category == category]


def turns_flagged(result, placed: list[PlacedTurn], prefix: str) -> set[tuple[str, int]]:
    """(category, index of the planted turn starting within tolerance) of findings in `prefix`."""
    return {
        (
            f.category,
            next(i for i, p in enumerate(placed) if abs(p.start - f.start_s) <= TOLERANCE_S),
        )
        for f in result.findings
        if f.category.startswith(prefix)
    }


def speech(
    placed: list[PlacedTurn], channel: int | None = None, skip: tuple[int, ...] = ()
) -> list[Span]:
    return [
        Span(p.start, p.end)
        for i, p in enumerate(placed)
        if channel in (None, p.channel) and i not in skip
    ]


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_every_planted_dead_air_found_within_tolerance_and_attributed(
    main_call, sample_rate, noise
):
    _, placed, result = main_call(sample_rate, noise)
    dead_air = findings_of(result, "silence.dead_air")
    for index, role in DEAD_AIR_PLANTED.items():
        gap = planted_gap(placed, index)
        assert gap.duration >= OPTIONS.dead_air_s
        matches = [f for f in dead_air if near(f, gap)]
        assert len(matches) == 1, (
            f"planted gap {gap} not found in {[(f.start_s, f.end_s) for f in dead_air]}"
        )
        assert matches[0].role == role
        assert matches[0].severity == (
            "major" if gap.duration >= OPTIONS.dead_air_major_s else "minor"
        )
        assert "静默" in matches[0].evidence


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_no_gap_shorter_than_the_threshold_is_reported(main_call, sample_rate, noise):
    _, placed, result = main_call(sample_rate, noise)
    planted = [planted_gap(placed, index) for index in DEAD_AIR_PLANTED]
    silence = findings_of(result, "silence.dead_air") + findings_of(result, "silence.hold")
    assert len(silence) == len(planted)
    for finding in silence:
        assert finding.end_s - finding.start_s >= OPTIONS.dead_air_s
    # The 4.0 s and 4.5 s pauses were measured as gaps, just not reported.
    short_pauses = [planted_gap(placed, 5), planted_gap(placed, 11)]
    for pause in short_pauses:
        assert any(
            abs(g.start - pause.start) <= TOLERANCE_S and g.kind == "pause" for g in result.gaps
        )


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_speech_rate_within_ten_percent_of_reference_chars_per_voiced_second(
    main_call, sample_rate, noise
):
    _, placed, result = main_call(sample_rate, noise)
    agent_turns = [t for t in result.turns if t.role == "agent" and not t.backchannel]
    truth = [p for i, p in enumerate(placed) if p.channel == AGENT and i != BACKCHANNEL_TURN]
    assert len(agent_turns) == len(truth)
    for turn, planted_turn in zip(agent_turns, truth):
        expected = (
            60 * count_chars(planted_turn.reference) / (planted_turn.end - planted_turn.start)
        )
        assert turn.chars == count_chars(planted_turn.reference)
        assert turn.chars_per_min == pytest.approx(expected, rel=0.10), planted_turn.clip
    assert not findings_of(result, "speech_rate.fast") and not findings_of(
        result, "speech_rate.slow"
    )
    assert result.metrics.agent_chars_per_min == pytest.approx(
        60 * sum(count_chars(p.reference) for p in truth) / sum(p.end - p.start for p in truth),
        rel=0.05,
    )


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_syllable_rate_from_the_signal_tracks_the_characters(main_call, sample_rate, noise):
    _, _placed, result = main_call(sample_rate, noise)
    errors = [t.syllables / t.chars - 1 for t in result.turns if t.chars and not t.backchannel]
    assert len(errors) >= 12
    assert float(np.mean(np.abs(errors))) <= 0.15
    assert max(abs(e) for e in errors) <= 0.35


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_planted_overlaps_found_and_backchannel_not_an_interruption(main_call, sample_rate, noise):
    _, placed, result = main_call(sample_rate, noise)
    interrupting = placed[INTERRUPTING_TURN]
    interruptions = findings_of(result, "overlap.interruption")
    assert len(interruptions) == 1
    (found,) = interruptions
    assert found.role == "agent"
    assert abs(found.start_s - interrupting.start) <= TOLERANCE_S
    assert abs(found.end_s - placed[INTERRUPTING_TURN - 1].end) <= TOLERANCE_S
    assert found.details["overlap_s"] == pytest.approx(2.0, abs=TOLERANCE_S)

    backchannel = placed[BACKCHANNEL_TURN]
    assert not any(
        f.start_s <= backchannel.end and f.end_s >= backchannel.start for f in interruptions
    )
    # The customer talking over the agent is an overlap, not the agent's interruption.
    customer_over = placed[CUSTOMER_OVERLAP_TURN]
    overlaps = [o for o in result.overlaps if abs(o.start - customer_over.start) <= TOLERANCE_S]
    assert len(overlaps) == 1 and overlaps[0].incoming_role == "customer"
    assert overlaps[0].duration == pytest.approx(1.0, abs=TOLERANCE_S)
    truth_overlap = total(intersect(speech(placed, AGENT), speech(placed, CUSTOMER)))
    assert result.metrics.overlap_s == pytest.approx(truth_overlap, abs=0.5)


def test_backchannel_is_not_an_interruption_without_a_transcript_either(main_call):
    """Without text the backchannel is told apart by its length alone."""
    audio, placed, _ = main_call(8_000, "white")
    result = analyse_call(audio, None, OPTIONS)
    assert turns_flagged(result, placed, "overlap") == {("overlap.interruption", INTERRUPTING_TURN)}


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_loud_turn_flagged_and_nothing_else(main_call, sample_rate, noise):
    _, placed, result = main_call(sample_rate, noise)
    loud = findings_of(result, "loudness.raised_voice")
    assert len(loud) == 1
    (found,) = loud
    assert found.role == "agent" and found.rule_id == "raised_voice.agent"
    assert near(found, Span(placed[LOUD_TURN].start, placed[LOUD_TURN].end))
    assert found.details["over_median_db"] >= OPTIONS.raised_voice_db


@pytest.mark.parametrize("sample_rate, noise", CONDITIONS)
def test_call_metrics_match_the_placement(main_call, sample_rate, noise):
    audio, placed, result = main_call(sample_rate, noise)
    metrics = result.metrics
    agent_truth, customer_truth = total(speech(placed, AGENT)), total(speech(placed, CUSTOMER))
    talk_truth = total(speech(placed))
    assert metrics.duration_s == pytest.approx(audio.duration_s)
    assert metrics.agent_talk_s == pytest.approx(agent_truth, rel=0.08)
    assert metrics.customer_talk_s == pytest.approx(customer_truth, rel=0.08)
    assert metrics.non_talk_s == pytest.approx(audio.duration_s - talk_truth, abs=2.0)
    assert metrics.non_talk_share == pytest.approx(metrics.non_talk_s / audio.duration_s, abs=1e-3)
    assert metrics.max_gap_s == pytest.approx(11.0, abs=TOLERANCE_S)
    assert (metrics.gaps_over_5s, metrics.gaps_over_10s) == (3, 1)
    assert metrics.agent_customer_talk_ratio == pytest.approx(agent_truth / customer_truth, rel=0.1)
    assert metrics.hold_s == 0 and metrics.music_s == 0
    assert metrics.unknown_talk_s == 0


def test_every_finding_has_times_role_and_a_known_category(main_call):
    from pipeline.types import CATEGORIES

    _, _, result = main_call(16_000, None)
    assert result.findings
    for finding in result.findings:
        assert finding.category in CATEGORIES
        assert finding.role in ("agent", "customer", "both")
        assert 0 <= finding.start_s < finding.end_s
        assert finding.evidence and finding.call_id == "call"


def test_agent_channel_setting_swaps_the_roles(main_call):
    audio, placed, result = main_call(16_000, None)
    swapped = analyse_call(audio, transcript_for(placed), OPTIONS, agent_channel=1)
    assert swapped.metrics.agent_talk_s == result.metrics.customer_talk_s
    assert swapped.metrics.customer_talk_s == result.metrics.agent_talk_s
    roles = {round(f.start_s): f.role for f in findings_of(result, "silence.dead_air")}
    swapped_roles = {round(f.start_s): f.role for f in findings_of(swapped, "silence.dead_air")}
    assert swapped_roles == {
        t: {"agent": "customer", "customer": "agent"}[r] for t, r in roles.items()
    }


def test_finding_evidence_details_and_rule_data(main_call):
    from pipeline.config import PROJECT_ROOT
    from pipeline.scoring.root_causes import root_cause_for

    audio, placed, _ = main_call(16_000, None)
    lexicons = PROJECT_ROOT / "lexicons"
    result = analyse_call(
        audio,
        transcript_for(placed),
        OPTIONS,
        call_id="C1",
        ruleset_version="v9",
        lexicon_dir=lexicons,
    )
    first = min(findings_of(result, "silence.dead_air"), key=lambda f: f.start_s)
    assert first.rule_id == "dead_air.after_customer" and first.evidence.endswith(
        "秒（客户说完后）"
    )
    assert first.details["after"] == "customer" and first.details["next_speaker"] == "agent"
    for finding in result.findings:
        assert (finding.call_id, finding.ruleset_version) == ("C1", "v9")
        assert finding.root_cause == root_cause_for(lexicons, finding.rule_id)


def test_characters_backchannels_and_option_checks():
    from pipeline.acoustics.turns import backchannel_pattern, is_backchannel

    # a masked digit is still said
    assert count_chars("我的号码是138****5678，对吗？") == 5 + 11 + 2
    pattern = backchannel_pattern(OPTIONS.backchannels)
    assert is_backchannel("嗯嗯，好的。", pattern) and is_backchannel("对对对", pattern)
    assert not is_backchannel("好的，我帮您查一下", pattern) and not is_backchannel("", pattern)
    assert OPTIONS.problems() == []
    bad = replace(OPTIONS, rate_min_cpm=400.0, hold_s=3.0)
    assert [p.split(":")[0] for p in bad.problems()] == ["hold_s", "rate_min_cpm"]


def test_mono_call_split_by_the_speaker_turns(corpus, tmp_path):
    samples, placed = build_call(
        main_call_turns(corpus),
        sample_rate=8_000,
        stereo=False,
        trim_to_speech=True,
        noise_snr_db=20.0,
        noise_seed=3,
    )
    audio = write_and_load(tmp_path / "mono.wav", samples, 8_000, placed)
    roles = {AGENT: "agent", CUSTOMER: "customer"}
    diarization = [Turn(p.start, p.end, f"spk{p.channel}", roles[p.channel]) for p in placed]
    result = analyse_call(audio, transcript_for(placed), OPTIONS, turns=diarization)
    dead_air = findings_of(result, "silence.dead_air")
    assert len(dead_air) == len(DEAD_AIR_PLANTED)
    for index, role in DEAD_AIR_PLANTED.items():
        assert any(near(f, planted_gap(placed, index)) and f.role == role for f in dead_air)
    assert result.metrics.agent_talk_s == pytest.approx(total(speech(placed, AGENT)), rel=0.1)
    assert turns_flagged(result, placed, "overlap") == {("overlap.interruption", INTERRUPTING_TURN)}
    assert turns_flagged(result, placed, "loudness") == {("loudness.raised_voice", LOUD_TURN)}
    # Without turns or transcript roles all speech is one unknown party: gaps found, unattributed.
    unsplit = analyse_call(audio, None, OPTIONS)
    assert unsplit.metrics.unknown_talk_s == pytest.approx(total(speech(placed)), rel=0.1)
    unattributed = [(f.rule_id, f.role) for f in findings_of(unsplit, "silence.dead_air")]
    assert unattributed == [("dead_air.unattributed", "both")] * len(DEAD_AIR_PLANTED)


def exclusive_transcript(placed: list[PlacedTurn]) -> Transcript:
    """The transcript the mono path gives for the placement: exclusive segments (where two voices
    overlap, the later starter holds the floor, as the diarizer decides; a turn's text is split
    over its pieces by time) and the held speaker's speech there as overlaps with roles."""
    roles: dict[int, Role] = {AGENT: "agent", CUSTOMER: "customer"}
    segments, overlaps = [], []
    for turn in placed:
        whole = [Span(turn.start, turn.end)]
        taken = [
            Span(other.start, other.end)
            for other in placed
            if other.channel != turn.channel and turn.start < other.start < turn.end
        ]
        pieces, text = subtract(whole, taken), turn.reference
        spoken, said = sum(piece.duration for piece in pieces), 0.0
        speaker, role = f"spk{turn.channel}", roles[turn.channel]
        for piece in pieces:
            first = round(len(text) * said / spoken)
            said += piece.duration
            piece_text = text[first : round(len(text) * said / spoken)]
            segments.append(Segment(piece.start, piece.end, speaker, role, piece_text))
        overlaps += [Turn(o.start, o.end, speaker, role) for o in intersect(whole, taken)]
    return Transcript(
        "mono",
        tuple(sorted(segments, key=lambda s: s.start)),
        AudioInfo("built.wav", "", 0.0, 8_000, 1),
        "reference",
        overlaps=tuple(sorted(overlaps, key=lambda o: o.start)),
    )


def test_mono_overlaps_give_interruptions_and_overlap_time_as_stereo(corpus, tmp_path, main_call):
    """A mono call as the pipeline hands it over (exclusive speakers plus the diarizer's
    overlaps, no turns argument) comes out of the acoustic stage like the same call in stereo."""
    _, placed, stereo = main_call(8_000, None)
    samples, mono_placed = build_call(
        main_call_turns(corpus), sample_rate=8_000, stereo=False, trim_to_speech=True
    )
    assert mono_placed == placed
    audio = write_and_load(tmp_path / "mono.wav", samples, 8_000, placed)
    transcript = exclusive_transcript(placed)
    assert {o.role for o in transcript.overlaps} == {"agent", "customer"}
    mono = analyse_call(audio, transcript, OPTIONS)

    expected = {("overlap.interruption", INTERRUPTING_TURN)}
    assert turns_flagged(stereo, placed, "overlap") == expected
    assert turns_flagged(mono, placed, "overlap") == expected
    (found,) = findings_of(mono, "overlap.interruption")
    (truth,) = findings_of(stereo, "overlap.interruption")
    assert found.role == "agent"
    assert found.details["overlap_s"] == pytest.approx(truth.details["overlap_s"], abs=TOLERANCE_S)
    assert mono.metrics.overlap_s == pytest.approx(stereo.metrics.overlap_s, abs=0.5)
    for role in ("agent", "customer"):
        talk = f"{role}_talk_s"
        assert getattr(mono.metrics, talk) == pytest.approx(getattr(stereo.metrics, talk), rel=0.1)
    # The customer talking over the agent is an overlap the customer started, as in stereo.
    customer_over = placed[CUSTOMER_OVERLAP_TURN]
    assert [
        o.incoming_role for o in mono.overlaps if abs(o.start - customer_over.start) <= TOLERANCE_S
    ] == ["customer"]

    # Without the overlaps each word has one speaker and nobody talks over anybody.
    exclusive = analyse_call(audio, replace(transcript, overlaps=()), OPTIONS)
    assert findings_of(exclusive, "overlap.interruption") == []
    assert exclusive.metrics.overlap_s < 0.1


def rate_call_turns(corpus: dict) -> list[PlannedTurn]:
    """Agent turns at normal speed, 1.5x (fast) and 0.55x (slow); customer turns between."""
    return [
        planned(corpus, agent_clip("0251"), AGENT, 0.0),
        planned(corpus, customer_clip("0121"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0122"), AGENT, 0.8, tempo=1.5),
        planned(corpus, customer_clip("0161"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0126"), AGENT, 0.8, tempo=0.55),
        planned(corpus, customer_clip("0013"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0007"), AGENT, 0.8),
        planned(corpus, customer_clip("0241"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0090"), AGENT, 0.8),
    ]


@pytest.fixture(scope="module")
def rate_call(corpus, tmp_path_factory):
    samples, placed = build_call(
        rate_call_turns(corpus),
        sample_rate=8_000,
        trim_to_speech=True,
        noise_snr_db=20.0,
        noise_seed=11,
    )
    audio = write_and_load(tmp_path_factory.mktemp("rate") / "rate.wav", samples, 8_000, placed)
    return audio, placed


FAST_TURN, SLOW_TURN = 2, 4
BAND_FLAGS = {("speech_rate.fast", FAST_TURN), ("speech_rate.slow", SLOW_TURN)}


def test_fast_and_slow_turns_flagged_against_the_band(rate_call):
    audio, placed = rate_call
    result = analyse_call(audio, transcript_for(placed), OPTIONS)
    assert turns_flagged(result, placed, "speech_rate") == BAND_FLAGS
    fast = next(f for f in result.findings if f.category == "speech_rate.fast")
    expected = (
        60
        * count_chars(placed[FAST_TURN].reference)
        / (placed[FAST_TURN].end - placed[FAST_TURN].start)
    )
    assert fast.details["chars_per_min"] == pytest.approx(expected, rel=0.10)
    assert fast.details["rate_source"] == "text" and fast.role == "agent"


def test_rate_falls_back_to_syllables_where_asr_dropped_words(rate_call):
    audio, placed = rate_call
    # ASR heard nothing of the fast turn and only half the characters of a normal one, whose
    # text rate (~100 字/分钟) would read as slow: the signal's syllables overrule it.
    heard = transcript_for(placed, drop={FAST_TURN: "", 6: placed[6].reference[:6]})
    result = analyse_call(audio, heard, OPTIONS)
    assert turns_flagged(result, placed, "speech_rate") == BAND_FLAGS
    fast = next(f for f in result.findings if f.category == "speech_rate.fast")
    assert fast.details["rate_source"] == "signal" and fast.details["chars"] is None
    truncated = next(t for t in result.turns if abs(t.start - placed[6].start) < TOLERANCE_S)
    assert truncated.chars == 6 and truncated.syllables >= 9  # the signal still hears ~12 syllables


def test_rate_against_the_agents_own_baseline(rate_call):
    audio, placed = rate_call
    transcript = transcript_for(placed)
    # A slow-speaking agent's history: the normal turns (~180–260 字/分钟) are fast for them.
    baseline = RateBaseline(median_cpm=150.0, spread_cpm=10.0, n_calls=40)
    result = analyse_call(audio, transcript, OPTIONS, rate_baseline=baseline)
    flagged = turns_flagged(result, placed, "speech_rate")
    assert flagged == BAND_FLAGS | {("speech_rate.fast", index) for index in (0, 6, 8)}
    assert {f.rule_id for f in result.findings if f.category == "speech_rate.fast"} == {
        "speech_rate.fast.band",
        "speech_rate.fast.baseline",
    }
    too_little_history = replace(baseline, n_calls=OPTIONS.rate_baseline_min_calls - 1)
    result = analyse_call(audio, transcript, OPTIONS, rate_baseline=too_little_history)
    assert not [f for f in result.findings if f.rule_id.endswith(".baseline")]


@pytest.fixture(scope="module")
def hold_clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hold")
    clips = {}
    for name, samples in {
        "melody": synth_hold_music(20.0, style="melody", seed=1),
        "chords": synth_hold_music(20.0, style="chords"),
        "hum": (
            0.05
            * sum(
                np.sin(2 * np.pi * 50 * k * np.arange(8 * 16_000) / 16_000) / k for k in range(1, 7)
            )
        ),
    }.items():
        clips[name] = folder / f"{name}.wav"
        soundfile.write(str(clips[name]), np.asarray(samples, dtype=np.float32), 16_000)
    return clips


@pytest.mark.parametrize(
    "sample_rate, noise, style", [(16_000, None, "melody"), (8_000, "white", "chords")]
)
def test_hold_music_is_hold_not_speech_and_not_dead_air(
    corpus, hold_clips, tmp_path, sample_rate, noise, style
):
    turns = [
        planned(corpus, agent_clip("0122"), AGENT, 0.0),
        planned(corpus, customer_clip("0121"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0251"), AGENT, 0.8),  # "please hold"
        PlannedTurn(hold_clips[style], AGENT, 1.0),  # music the customer hears, on the agent's line
        planned(corpus, agent_clip("0007"), AGENT, 1.0),
        planned(corpus, customer_clip("0161"), CUSTOMER, 0.8),
        planned(corpus, agent_clip("0126"), AGENT, 35.0),  # a long silent hold
        planned(corpus, customer_clip("0013"), CUSTOMER, 0.8),
        PlannedTurn(hold_clips["hum"], CUSTOMER, 1.0),  # mains hum on the line: not music
        planned(corpus, agent_clip("0090"), AGENT, 1.0),
    ]
    samples, placed = build_call(
        turns,
        sample_rate=sample_rate,
        trim_to_speech=True,
        noise_snr_db=20.0 if noise else None,
        noise_color=noise or "white",
    )
    audio = write_and_load(tmp_path / "hold.wav", samples, sample_rate, placed)
    result = analyse_call(audio, transcript_for(placed), OPTIONS)  # music and hum have no text
    music_gap = Span(placed[2].end, placed[4].start)
    silent_gap = planted_gap(placed, 6)
    hum_gap = Span(placed[7].end, placed[9].start)
    holds = findings_of(result, "silence.hold")
    assert [f.rule_id for f in holds] == ["hold.music", "hold.long_silence"]
    assert near(holds[0], music_gap) and near(holds[1], silent_gap)
    assert holds[0].severity == "info" and "等待音乐" in holds[0].evidence
    dead_air = findings_of(result, "silence.dead_air")
    assert len(dead_air) == 1 and near(dead_air[0], hum_gap) and dead_air[0].role == "agent"
    # Music is not talk: the agent's talk time is its speech only.
    assert result.metrics.agent_talk_s == pytest.approx(
        total(speech(placed, AGENT, skip=(3,))), rel=0.08
    )
    assert result.metrics.music_s == pytest.approx(placed[3].end - placed[3].start, abs=1.0)
    assert result.metrics.hold_s == pytest.approx(music_gap.duration + silent_gap.duration, abs=1.0)


def silent_or_noise(kind: str, seconds: float, sample_rate: int, channels: int) -> np.ndarray:
    n = int(seconds * sample_rate)
    if kind == "silent":
        return np.zeros((channels, n), dtype=np.float32)
    return np.stack([line_noise(n, 0.02, kind, seed=c) for c in range(channels)])


@pytest.mark.parametrize("kind", ["silent", "white", "pink"])
@pytest.mark.parametrize("channels", [1, 2])
def test_all_silent_and_all_noise_calls_give_empty_metrics(tmp_path, kind, channels):
    path = tmp_path / f"{kind}.wav"
    soundfile.write(str(path), silent_or_noise(kind, 30.0, 8_000, channels).T, 8_000)
    audio = load_audio(path)
    result = analyse_call(audio, None, OPTIONS)
    metrics = result.metrics
    assert metrics.duration_s == pytest.approx(30.0)
    assert metrics.agent_talk_s + metrics.customer_talk_s + metrics.unknown_talk_s <= 0.5
    assert metrics.non_talk_share >= 0.98
    assert metrics.music_s == 0 and metrics.overlap_s == 0
    assert metrics.agent_customer_talk_ratio is None and metrics.agent_chars_per_min is None
    assert result.findings == ()


def test_one_second_call(corpus, tmp_path):
    turns = [
        planned(corpus, agent_clip("0122"), AGENT, 0.0, clip_span=(0.6, 1.5), reference="其判断")
    ]
    samples, placed = build_call(turns, sample_rate=8_000, lead_in_s=0.05, tail_s=0.05)
    audio = write_and_load(tmp_path / "short.wav", samples, 8_000, placed)
    assert audio.duration_s == pytest.approx(1.0, abs=0.01)
    result = analyse_call(audio, transcript_for(placed), OPTIONS)
    assert 0.5 <= result.metrics.agent_talk_s <= 1.0
    assert result.metrics.customer_talk_s == 0 and result.metrics.agent_customer_talk_ratio is None
    assert result.metrics.gaps_over_5s == 0 and result.findings == ()


def test_shortest_decodable_call_does_not_crash():
    audio = Audio((np.zeros(1600, dtype=np.float32),), 16_000, 0.1, "", 16_000, 1)
    result = analyse_call(audio, None, OPTIONS)
    assert result.metrics.duration_s == 0.1 and result.metrics.non_talk_share == 1.0


def test_span_algebra():
    a = [Span(0, 2), Span(5, 8)]
    b = [Span(1, 6), Span(7, 9)]
    assert union(a, b) == [Span(0, 9)]
    assert intersect(a, b) == [Span(1, 2), Span(5, 6), Span(7, 8)]
    assert subtract(a, b) == [Span(0, 1), Span(6, 7)]
    assert merge_close([Span(0, 1), Span(1.4, 2), Span(3, 4)], 0.5) == [Span(0, 2), Span(3, 4)]
    assert total(a + b) == 9


def test_callbuilder_keeps_its_placement_without_the_new_options(corpus):
    clips = [agent_clip("0122"), customer_clip("0121")]
    samples, placed = build_call(
        [PlannedTurn(clips[0], 0, 0.0), PlannedTurn(clips[1], 1, -0.5)], sample_rate=8_000
    )
    durations = [float(corpus[c.name]["duration_s"]) for c in clips]
    assert placed[0].start == 0.5 and placed[0].end == pytest.approx(0.5 + durations[0], abs=0.002)
    assert placed[1].start == pytest.approx(placed[0].end - 0.5, abs=0.002)
    assert samples.shape == (2, round((placed[1].end + 0.5) * 8_000))


def test_callbuilder_noise_snr_tempo_and_trim(corpus):
    clip = agent_clip("0122")
    clean, placed = build_call([PlannedTurn(clip, 0, 0.0)], trim_to_speech=True, lead_in_s=1.0)
    noisy, _ = build_call(
        [PlannedTurn(clip, 0, 0.0)], trim_to_speech=True, lead_in_s=1.0, noise_snr_db=20.0
    )
    spoken = slice(int(placed[0].start * 16_000), int(placed[0].end * 16_000))
    assert np.max(np.abs(noisy)) < 0.99  # no peak normalisation: the difference is the noise
    noise = noisy[0] - clean[0]
    snr = 10 * np.log10(np.mean(clean[0][spoken] ** 2) / np.mean(noise**2))
    assert snr == pytest.approx(20.0, abs=0.5)
    assert np.all(clean[1] == 0)
    assert placed[0].end - placed[0].start < float(corpus[clip.name]["duration_s"]) - 0.5  # trimmed
    _, faster = build_call([PlannedTurn(clip, 0, 0.0, tempo=1.5)], trim_to_speech=True)
    assert faster[0].end - faster[0].start == pytest.approx(
        (placed[0].end - placed[0].start) / 1.5, rel=0.02
    )
