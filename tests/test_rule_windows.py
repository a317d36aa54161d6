"""What a when= rule's window counts: turns (runs of the party's consecutive segments) or
utterances (every segment), with or without seconds; and the shipped disclosure rules, which
count utterances, so a disclosure given only after returns, terms and fees is too late.
"""

from __future__ import annotations

import pytest

from pipeline.detectors.rule_file import load_file_rules
from pipeline.errors import LexiconError
from tests.test_rule_language import LEXICONS, rule_ids, site_lexicons

ASKED = ("customer", "我要退货")
ACK = ("agent", "好的")
FILLER = ("agent", "请稍等")
# Three agent fillers, each followed by a customer's backchannel: the reply is the agent's
# fourth turn and fourth utterance.
BACKCHANNELED = [
    ASKED,
    FILLER,
    ("customer", "嗯"),
    FILLER,
    ("customer", "嗯"),
    FILLER,
    ("customer", "嗯"),
    ACK,
]


def window_rule(within: str) -> str:
    return (
        "wait.ack  custom.ack_missing  minor  when=customer:我要退货  require=agent:好的  "
        f"within={within}  cause=service.acknowledgement\n"
    )


WINDOWS = [
    # one agent turn of four segments: the fourth is in the first turn, not in the first three
    # utterances
    pytest.param("3turns", [ASKED, FILLER, FILLER, FILLER, ACK], 0, id="turns-one-long-turn"),
    pytest.param("3utterances", [ASKED, FILLER, FILLER, FILLER, ACK], 1, id="utterances-late"),
    pytest.param("3utterances", [ASKED, FILLER, FILLER, ACK], 0, id="utterances-third"),
    pytest.param("1utterance", [ASKED, ACK], 0, id="one-utterance"),
    # a customer's backchannel splits turns; utterances count the agent's segments only
    pytest.param(
        "3turns",
        BACKCHANNELED,
        1,
        id="turns-split-by-backchannels",
    ),
    pytest.param(
        "4utterances",
        BACKCHANNELED,
        0,
        id="utterances-ignore-backchannels",
    ),
    # both limits hold: the third utterance comes after 5 s (a 20-character turn lasts 5 s)
    pytest.param("3utterances,5s", [ASKED, ("agent", "嗯" * 24), ACK], 1, id="seconds-too"),
    pytest.param("3utterances,60s", [ASKED, ("agent", "嗯" * 24), ACK], 0, id="seconds-enough"),
]


@pytest.mark.parametrize("within,turns,n", WINDOWS)
def test_window_units(tmp_path, within, turns, n):
    folder = site_lexicons(tmp_path, rules=window_rule(within))
    assert rule_ids(turns, ("rules",), folder) == [("custom.ack_missing", "wait.ack")] * n


@pytest.mark.parametrize("within", ["3utterance", "3utterances", "12utterances,90s", "2turn"])
def test_window_units_parse(tmp_path, within):
    folder = site_lexicons(tmp_path, rules=window_rule(within))
    (rule,) = load_file_rules(str(folder))
    assert rule.within_utterances == within.startswith(("3utter", "12utter"))


@pytest.mark.parametrize("within", ["0utterances", "3utts", "utterances", "3utterances,0s"])
def test_window_units_refused(tmp_path, within):
    folder = site_lexicons(tmp_path, rules=window_rule(within))
    with pytest.raises(LexiconError, match=r"rules\.txt:1: within="):
        load_file_rules(str(folder))


QUESTION = ("customer", "这个美元理财会不会亏啊")
DISCLOSED = ("agent", "它有汇率风险 也不保本")
FACTS = [("agent", "美元现在收益挺高的"), ("agent", "起购一千美元"), ("agent", "期限是六个月")]

SHIPPED = [
    pytest.param([QUESTION, DISCLOSED], 0, id="at-once"),
    pytest.param([QUESTION, *FACTS[:2], DISCLOSED], 0, id="third-utterance"),
    pytest.param([QUESTION, *FACTS, DISCLOSED], 1, id="after-returns-terms-and-fees"),
    pytest.param([QUESTION, FACTS[0], ("customer", "嗯"), *FACTS[1:], DISCLOSED], 1, id="split"),
]


@pytest.mark.parametrize("turns,n", SHIPPED)
def test_shipped_disclosure_counts_utterances(turns, n):
    found = [r for r in rule_ids(turns, ("rules",), LEXICONS) if r[0] == "script.response_missing"]
    assert len(found) == n, found
