"""Script compliance (script.opening_missing / script.closing_missing) on hand-built transcripts.

Each row is a call as (role, start, end, text) segments and which script parts must be reported
missing. Windows are the defaults unless a row says otherwise: the opening within 15 s of the
agent's first words, the closing within 30 s before the agent's last words.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.detectors import script_compliance
from pipeline.detectors.base import CallContext
from pipeline.detectors.registry import call_context
from pipeline.errors import ConfigError
from pipeline.options import ScriptOptions
from pipeline.types import AudioInfo, Segment, Transcript, Word

LEXICONS = PROJECT_ROOT / "lexicons"


def call_of(rows, script: ScriptOptions = ScriptOptions()) -> CallContext:
    segments = tuple(
        Segment(start, end, "ch0" if role == "agent" else "ch1", role, text)
        for role, start, end, text in rows
    )
    transcript = Transcript(
        "call-1", segments, AudioInfo("x.wav", "0" * 64, 300.0, 8000, 2), "test"
    )
    return call_context(transcript, LEXICONS, "test", script)


def missing(rows, script: ScriptOptions = ScriptOptions()) -> list[str]:
    return [f.category for f in script_compliance.detect(call_of(rows, script))]


GREETING = ("agent", 2.0, 6.0, "您好，工号一二三四，很高兴为您服务")
MIDDLE = [
    ("customer", 7.0, 12.0, "我想查一下我的账单"),
    ("agent", 13.0, 40.0, "好的，我这边帮您查询一下"),
]
CLOSING = ("agent", 60.0, 64.0, "感谢来电，祝您生活愉快，再见")
OPENING_MISSING, CLOSING_MISSING = "script.opening_missing", "script.closing_missing"

CASES = [
    pytest.param([GREETING, *MIDDLE, CLOSING], [], id="both-said"),
    pytest.param(
        [("agent", 2.0, 6.0, "喂，你说"), *MIDDLE, CLOSING], [OPENING_MISSING], id="no-greeting"
    ),
    pytest.param(
        [GREETING, *MIDDLE, ("agent", 60.0, 62.0, "好的")], [CLOSING_MISSING], id="no-closing"
    ),
    pytest.param(
        [("agent", 2.0, 6.0, "喂"), *MIDDLE, ("agent", 60.0, 62.0, "嗯")],
        [OPENING_MISSING, CLOSING_MISSING],
        id="neither",
    ),
    pytest.param(
        [("agent", 0.5, 3.0, "欢迎致电某某银行"), *MIDDLE, CLOSING], [], id="opening-欢迎致电"
    ),
    pytest.param(
        [("agent", 0.5, 3.0, "您好，我是客服小王"), *MIDDLE, CLOSING],
        [],
        id="opening-pattern-您好…我是…客服",
    ),
    pytest.param(
        [GREETING, *MIDDLE, ("agent", 60.0, 62.0, "还有其他可以帮您的吗")],
        [],
        id="closing-还有其他可以帮您",
    ),
    # the window counts from the agent's first words, not from the start of the recording
    pytest.param(
        [
            ("customer", 0.0, 30.0, "喂喂，有人吗"),
            ("agent", 31.0, 35.0, "您好，很高兴为您服务"),
            ("customer", 36.0, 40.0, "查账单"),
            ("agent", 41.0, 50.0, "好的"),
            CLOSING,
        ],
        [],
        id="greeting-late-in-recording-but-first-for-agent",
    ),
    pytest.param(
        [
            ("agent", 2.0, 4.0, "喂"),
            *MIDDLE,
            ("agent", 41.0, 44.0, "您好，很高兴为您服务"),
            CLOSING,
        ],
        [OPENING_MISSING],
        id="greeting-after-window",
    ),
    pytest.param(
        [
            GREETING,
            *MIDDLE,
            ("agent", 45.0, 47.0, "感谢来电"),
            ("agent", 90.0, 100.0, "那我再帮您看一下别的"),
        ],
        [CLOSING_MISSING],
        id="closing-before-window",
    ),
    # only the agent's words count
    pytest.param(
        [
            ("customer", 1.0, 2.0, "您好，很高兴为您服务"),
            ("agent", 3.0, 5.0, "喂"),
            *MIDDLE,
            CLOSING,
        ],
        [OPENING_MISSING],
        id="greeting-said-by-customer",
    ),
    pytest.param(
        [GREETING, *MIDDLE, ("customer", 70.0, 72.0, "感谢来电，再见")],
        [CLOSING_MISSING],
        id="closing-said-by-customer",
    ),
    # homophones count, words that merely contain the phrase do not
    pytest.param(
        [("agent", 2.0, 6.0, "您好，很高兴为您服物"), *MIDDLE, CLOSING], [], id="homophone-服物"
    ),
    pytest.param(
        [GREETING, *MIDDLE, ("agent", 60.0, 62.0, "下次再见到您")],
        [CLOSING_MISSING],
        id="boundary-再见-in-再见到",
    ),
    # no agent speech: nothing to judge
    pytest.param([("customer", 0.0, 5.0, "喂，喂，怎么没人说话")], [], id="no-agent-speech"),
    pytest.param(
        [("agent", 0.0, 2.0, "  "), ("customer", 2.0, 5.0, "喂")], [], id="agent-only-blank"
    ),
    pytest.param([], [], id="empty-transcript"),
]


@pytest.mark.parametrize("rows,expected", CASES)
def test_script_compliance(rows, expected):
    assert missing(rows) == expected


def test_windows_come_from_the_options():
    late_greeting = [
        ("agent", 2.0, 4.0, "喂"),
        *MIDDLE,
        ("agent", 41.0, 44.0, "您好，很高兴为您服务"),
        CLOSING,
    ]
    assert missing(late_greeting, ScriptOptions(opening_window_s=40)) == []
    early_closing = [
        GREETING,
        *MIDDLE,
        ("agent", 45.0, 47.0, "感谢来电"),
        ("agent", 90.0, 100.0, "那我再帮您看一下"),
    ]
    assert missing(early_closing, ScriptOptions(closing_window_s=60)) == []
    split_greeting = [
        ("agent", 2.0, 3.0, "喂"),
        ("agent", 4.0, 6.0, "您好，很高兴为您服务"),
        *MIDDLE,
        CLOSING,
    ]
    assert missing(split_greeting, ScriptOptions(opening_window_s=1)) == [OPENING_MISSING]
    assert missing(split_greeting, ScriptOptions(opening_window_s=2)) == []


def test_window_is_held_to_word_times_inside_a_long_segment():
    words = (
        Word(2.0, 2.5, "喂"),
        Word(2.6, 8.9, "您说的我记下了"),
        Word(9.0, 10.0, "很高兴为您服务"),
    )
    segment = Segment(2.0, 10.0, "ch0", "agent", "喂，您说的我记下了，很高兴为您服务", words)
    rows_after = [("customer", 11.0, 12.0, "好"), CLOSING]

    def opening_missing(window: int) -> bool:
        call = call_of(rows_after, ScriptOptions(opening_window_s=window))
        call = replace(
            call, transcript=replace(call.transcript, segments=(segment, *call.transcript.segments))
        )
        return OPENING_MISSING in [f.category for f in script_compliance.detect(call)]

    assert opening_missing(5)  # the segment starts in the window, the greeting words do not
    assert not opening_missing(7)


def test_missing_finding_fields():
    rows = [
        ("agent", 2.0, 4.0, "喂，您说，我这边听着呢请讲请讲请讲请讲请讲请讲请讲请讲请讲"),
        *MIDDLE,
        ("agent", 60.0, 62.0, "嗯好的"),
    ]
    opening, closing = script_compliance.detect(call_of(rows, ScriptOptions(severity="major")))
    assert (opening.category, opening.rule_id, opening.role, opening.severity) == (
        OPENING_MISSING,
        "script.opening",
        "agent",
        "major",
    )
    assert (opening.start_s, opening.end_s) == (2.0, 17.0)  # first agent words + 15 s
    # what was said instead
    assert opening.evidence.startswith("【喂，您说") and opening.evidence.endswith("】…")
    assert opening.root_cause == "process_execution.opening_script"
    assert (closing.rule_id, closing.start_s, closing.end_s) == ("script.closing", 32.0, 62.0)
    assert closing.evidence == "【嗯好的】"
    assert closing.root_cause == "process_execution.closing_script"
    assert closing.details["window_s"] == [32.0, 62.0] and closing.details["expected"] == "closing"


def test_short_call_windows_stay_inside_agent_speech():
    (opening,) = [
        f
        for f in script_compliance.detect(call_of([("agent", 5.0, 8.0, "喂")]))
        if f.rule_id == "script.opening"
    ]
    assert (opening.start_s, opening.end_s) == (5.0, 8.0)


@pytest.mark.parametrize(
    "section,message",
    [
        pytest.param(
            "[script]\nopening_window_s = 0\n",
            "[script] opening_window_s must be at least 1 second",
            id="zero",
        ),
        pytest.param(
            "[script]\nclosing_window_s = -5\n",
            "[script] closing_window_s must be at least 1",
            id="negative",
        ),
        pytest.param(
            '[script]\nseverity = "huge"\n', "[script] severity must be one of", id="bad-severity"
        ),
        pytest.param(
            "[script]\nopening_window_s = 7.5\n",
            "'script.opening_window_s' must be a whole number",
            id="float",
        ),
        pytest.param(
            "[script]\nopening_window = 10\n",
            "unknown key 'opening_window' in [script]",
            id="unknown-key",
        ),
    ],
)
def test_script_config_is_validated(tmp_path, section, message):
    path = tmp_path / "callqa.toml"
    path.write_text(section, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_script_defaults_are_documented_in_the_shipped_config():
    shipped = load_config(PROJECT_ROOT / "callqa.toml")
    assert shipped.script == ScriptOptions()
    assert "script_compliance" in shipped.detectors.enabled
