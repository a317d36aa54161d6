"""Agent / customer roles of diarized speakers, and words assigned to speakers.

On transcripts (hand-made segments, no audio): greeting present or absent, customer first,
agent talking less, no cue at all. End to end on mono calls built from real clips: the real
whisper model, the real diarizer and the shipped lexicons (one extra accepted greeting in a
copied lexicon folder, since no public clip is a call-center greeting).
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import soundfile

from pipeline.config import PROJECT_ROOT
from pipeline.parties.assign import assign_speakers, join_words
from pipeline.parties.roles import apply_roles, decide_roles
from pipeline.types import Recording, Segment, Turn, Word
from tests.conftest import CORPUS
from tests.diarize_calls import AGENT, NARRATOR, S0252, CallPlan, build_mono

LEXICONS = PROJECT_ROOT / "lexicons"


def seg(start: float, end: float, speaker: str, text: str) -> Segment:
    return Segment(start=start, end=end, speaker=speaker, role="unknown", text=text)


def roles_of(segments, **kwargs):
    return decide_roles(segments, LEXICONS, opening_window_s=15, **kwargs)


GREETING_CALL = [
    seg(0.5, 4.0, "spk0", "您好，很高兴为您服务，请问有什么可以帮您？"),
    seg(4.8, 9.0, "spk1", "我想问一下我的卡为什么被冻结了"),
    seg(9.5, 13.0, "spk0", "请稍等，我帮您查一下"),
]


def test_greeting_names_the_agent():
    decision = roles_of(GREETING_CALL)
    assert decision.roles == {"spk0": "agent", "spk1": "customer"}
    assert decision.agent == "spk0" and decision.confidence >= 0.95
    assert "opening" in decision.reason
    labelled = apply_roles(GREETING_CALL, decision)
    assert [s.role for s in labelled] == ["agent", "customer", "agent"]


def test_decision_names_its_cues_and_never_quotes_the_words():
    """What decided is kept and logged (pipeline.parties.mono): cue names and figures only."""
    decision = roles_of(GREETING_CALL)
    assert decision.cue_names[0] == "opening"
    assert {"at_your_service", "offer_help"} <= set(decision.cue_names)
    said = [e.cues for e in decision.evidence] + [(decision.reason, 0.0)]
    assert not any("\u4e00" <= ch <= "\u9fff" for item in said for ch in str(item))
    unsure = roles_of(GREETING_CALL, min_confidence=0.999)
    assert unsure.agent is None and unsure.candidate == "spk0"
    assert unsure.cue_names == decision.cue_names  # the likeliest agent's, for the record


def test_customer_speaks_first_and_the_greeting_still_decides():
    segments = [
        seg(0.2, 1.0, "spk0", "喂，你好"),
        seg(1.5, 5.0, "spk1", "您好，工号三八二七为您服务"),
        seg(5.5, 9.0, "spk0", "我想咨询一下你们的信用卡分期"),
        seg(9.5, 12.0, "spk1", "好的，我帮您查一下"),
    ]
    decision = roles_of(segments)
    assert decision.roles == {"spk0": "customer", "spk1": "agent"}
    assert decision.confidence >= 0.9


def test_agent_who_talks_less_than_the_customer():
    segments = [
        seg(0.5, 3.0, "spk0", "您好，很高兴为您服务"),
        seg(
            3.5,
            30.0,
            "spk1",
            "我上个月在网上买了一台洗衣机到现在还没有到货打了好几次电话都没有人处理这个事情",
        ),
        seg(30.5, 32.0, "spk0", "好的"),
    ]
    decision = roles_of(segments)
    agent = next(e for e in decision.evidence if e.speaker == "spk0")
    assert agent.talk_share < 0.2
    assert decision.roles == {"spk0": "agent", "spk1": "customer"} and decision.confidence >= 0.9


def test_greeting_absent_but_service_phrases_name_the_agent():
    segments = [
        seg(0.5, 3.0, "spk0", "喂"),
        seg(3.5, 8.0, "spk1", "请问是王先生吗？这边给您办理的业务已经好了，请您稍等"),
        seg(8.5, 10.0, "spk0", "哦，好的"),
    ]
    decision = roles_of(segments)
    assert decision.agent == "spk1" and decision.roles["spk0"] == "customer"
    assert "opening" not in decision.reason  # no greeting was said: a weaker, still clear call
    assert 0.75 <= decision.confidence < roles_of(GREETING_CALL).confidence


@pytest.mark.parametrize(
    "segments",
    [
        pytest.param(
            [
                seg(0.5, 3.0, "spk0", "设定二十九度"),
                seg(3.5, 20.0, "spk1", "换一首歌，今天天气怎么样，明天会下雨吗"),
                seg(20.5, 22.0, "spk0", "好"),
            ],
            id="two-speakers-no-cue",
        ),
        pytest.param(
            [seg(0.5, 3.0, "spk0", "观察中国新增人口曲线会发现")], id="one-speaker-no-cue"
        ),
        pytest.param([], id="empty"),
    ],
)
def test_no_cue_at_all_is_unknown(segments):
    decision = roles_of(segments)
    assert decision.agent is None and set(decision.roles.values()) <= {"unknown"}
    assert all(s.role == "unknown" for s in apply_roles(segments, decision))


def test_both_greet_is_unknown_and_a_high_bar_is_respected():
    both = [
        seg(0.5, 3.0, "spk0", "您好，很高兴为您服务"),
        seg(3.5, 6.0, "spk1", "您好，很高兴为您服务"),
    ]
    assert roles_of(both).agent is None
    assert roles_of(GREETING_CALL, min_confidence=0.999).agent is None


def test_one_speaker_with_a_greeting_is_the_agent():
    decision = roles_of([seg(0.5, 4.0, "spk0", "您好，欢迎致电，工号一二三四")])
    assert decision.roles == {"spk0": "agent"}


def test_goodbye_alone_says_nothing():
    decision = roles_of([seg(0.5, 2.0, "spk0", "好的再见"), seg(2.5, 4.0, "spk1", "嗯")])
    assert decision.agent is None


# --- words to speakers ---


def words(*spans):
    return tuple(Word(a, b, text) for a, b, text in spans)


def test_segment_spanning_a_speaker_change_is_split():
    turns = [Turn(0.5, 2.0, "spk0", "unknown"), Turn(2.4, 5.0, "spk1", "unknown")]
    segment = Segment(
        0.5,
        4.0,
        "ch0",
        "unknown",
        "设定29度其判断",
        words=words((0.5, 1.0, "设定"), (1.0, 1.9, "29度"), (1.9, 2.6, "其"), (2.6, 4.0, "判断")),
        confidence=0.8,
    )
    out = assign_speakers([segment], turns)
    assert [(s.speaker, s.text, s.start, s.end) for s in out] == [
        ("spk0", "设定29度", 0.5, 1.9),
        ("spk1", "其判断", 1.9, 4.0),
    ]
    assert all(s.confidence == 0.8 for s in out)


def test_unsplit_segments_keep_their_text_and_wordless_ones_go_by_overlap():
    turns = [Turn(0.0, 3.0, "spk0", "unknown"), Turn(3.5, 9.0, "spk1", "unknown")]
    whole = Segment(
        0.2,
        2.8,
        "ch0",
        "unknown",
        "您好，请讲。",
        words=words((0.2, 1.0, "您好，"), (1.0, 2.8, "请讲。")),
    )
    wordless = Segment(2.5, 8.0, "ch0", "unknown", "我想问一下")
    out = assign_speakers([whole, wordless], turns)
    assert [(s.speaker, s.text) for s in out] == [("spk0", "您好，请讲。"), ("spk1", "我想问一下")]
    # A word in a pause goes to the nearest turn.
    stray = Segment(9.5, 9.8, "ch0", "unknown", "嗯", words=words((9.5, 9.8, "嗯")))
    assert assign_speakers([stray], turns)[0].speaker == "spk1"
    assert assign_speakers([stray], []) == [stray]


def test_join_words():
    assert (
        join_words(
            words((0, 1, "三星"), (1, 2, "SAMSUNG"), (2, 3, "PAY"), (3, 4, "20"), (4, 5, "15"))
        )
        == "三星SAMSUNG PAY2015"
    )


# --- end to end on mono audio ---


@pytest.fixture()
def lexicons_with_a_greeting(tmp_path):
    """The shipped lexicons plus one accepted opening that a corpus speaker actually says."""
    folder = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, folder)
    with open(folder / "script_opening.txt", "a", encoding="utf-8") as handle:
        handle.write("大家好\n")
    return folder


def truth_speaker(placed, segment) -> int | None:
    middle = (segment.start + segment.end) / 2
    best = min(
        placed,
        key=lambda t: (
            0 if t.start <= middle <= t.end else min(abs(t.start - middle), abs(t.end - middle))
        ),
    )
    return best.channel


@pytest.mark.asr
@pytest.mark.parametrize("sample_rate", [16_000, 8_000])
def test_mono_call_end_to_end(sample_rate, corpus, config, tmp_path, lexicons_with_a_greeting):
    from pipeline.process import transcribe_recording

    plan = CallPlan(
        f"mono-{sample_rate}",
        sample_rate,
        (
            (NARRATOR[0], AGENT, None),
            (S0252[0], 1, None),
            (NARRATOR[1], AGENT, None),
            (S0252[1], 1, None),
            (NARRATOR[2], AGENT, None),
        ),
    )
    samples, placed = build_mono(plan, CORPUS)
    wav = tmp_path / "mono.wav"
    soundfile.write(str(wav), samples, sample_rate)
    recording = Recording(wav, "mono-call")

    site = replace(config, paths=replace(config.paths, lexicons=lexicons_with_a_greeting))
    transcript = transcribe_recording(recording, site)
    speakers = {s.speaker for s in transcript.segments}
    assert speakers == {"spk0", "spk1"}
    # Every segment's speaker is the party who said it (spk0 = channel 0, who spoke first).
    chars = sum(len(s.text) for s in transcript.segments)
    right = sum(
        len(s.text) for s in transcript.segments if f"spk{truth_speaker(placed, s)}" == s.speaker
    )
    assert right / chars >= 0.9, [(s.start, s.end, s.speaker, s.text) for s in transcript.segments]
    assert {s.speaker: s.role for s in transcript.segments} == {"spk0": "agent", "spk1": "customer"}

    # With the shipped lexicons nobody says a known greeting or service phrase: roles stay unknown.
    from pipeline.parties.diarize import diarize
    from pipeline.parties.mono import speakers_and_roles

    plain = [replace(s, speaker="ch0", role="unknown") for s in transcript.segments]
    diarization = diarize(load_mono(wav), config.diarization, str(wav))
    labelled, decision = speakers_and_roles(plain, diarization, config)
    assert decision.agent is None and {s.role for s in labelled} == {"unknown"}
    assert {s.speaker for s in labelled} == {"spk0", "spk1"}


def load_mono(path):
    from pipeline.audio.decode import load_audio

    return load_audio(path).channels[0]
