"""The scorecard computes the documented score for hand-built finding sets."""

from __future__ import annotations

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.errors import LexiconError
from pipeline.scoring.scorecard import load_scorecard, parse_scorecard, score_call

from .factories import finding

SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))

# (findings as (category, severity, role), score, red line, flagged) — from lexicons/scorecard.toml:
# forbidden 10 each cap 30; dead air 3 each cap 9; opening 5; overpromise 15 cap 30;
# agent critical ID/card = red line; credential request = red line; flag under 80; escalation always flags.
CASES = [
    ([], 100, False, False),
    ([("phrase.forbidden", "minor", "agent")], 90, False, False),
    ([("phrase.forbidden", "major", "agent")] * 2, 80, False, False),
    ([("phrase.forbidden", "minor", "agent")] * 5, 70, False, True),  # capped at 30
    (
        [("silence.dead_air", "minor", "agent")] * 4
        + [("script.opening_missing", "minor", "agent")],
        86,
        False,
        False,
    ),
    ([("phrase.overpromise", "major", "agent")] * 3, 70, False, True),
    ([("pii.id_card", "critical", "agent")], 0, True, True),
    (
        [("pii.bank_card", "critical", "agent"), ("phrase.forbidden", "minor", "agent")],
        0,
        True,
        True,
    ),
    # the customer giving it is no deduction
    (
        [("pii.id_card", "info", "customer")],
        100,
        False,
        False,
    ),
    ([("phrase.credential_request", "critical", "agent")], 0, True, True),
    # the customer read a code the agent asked for: the same red line; read unasked: flagged only
    ([("pii.credential", "critical", "customer")], 0, True, True),
    ([("pii.credential", "major", "customer")], 100, False, True),
    ([("phrase.escalation", "major", "customer")], 100, False, True),
    ([("pii.phone", "critical", "agent")] * 3, 80, False, False),  # capped at 20
]


@pytest.mark.parametrize("spec, score, red_line, flagged", CASES)
def test_documented_scores(spec, score, red_line, flagged):
    findings = [
        finding("c1", category, severity=severity, role=role) for category, severity, role in spec
    ]
    result = score_call(findings, SCORECARD)
    assert (result.score, result.red_line_failed, result.flagged) == (score, red_line, flagged)
    assert result.scorecard_version == SCORECARD.version
    if not red_line:
        assert result.score == 100 - sum(item.deduction for item in result.items)


def test_breakdown_names_items_and_groups():
    findings = [
        finding("c1", "phrase.forbidden"),
        finding("c1", "silence.dead_air"),
        finding("c1", "silence.dead_air"),
    ]
    items = {i.item_id: i for i in score_call(findings, SCORECARD).items}
    assert (
        items["forbidden_phrase"].group == "服务禁忌" and items["forbidden_phrase"].deduction == 10
    )
    assert (
        items["dead_air"].group == "沟通技巧"
        and items["dead_air"].n_findings == 2
        and items["dead_air"].deduction == 6
    )


BASE = {
    "version": "t",
    "item": [
        {"id": "a", "group": "g", "name": "n", "categories": ["phrase.forbidden"], "deduction": 1}
    ],
}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("version"), "'version' (a string) is required"),
        (
            lambda d: d["item"][0].update(categories=["phrase.nonsense"]),
            "unknown category 'phrase.nonsense'",
        ),
        (lambda d: d["item"][0].update(deduction="ten"), "'deduction' must be a number"),
        (lambda d: d["item"][0].update(min_severity="huge"), "min_severity must be one of"),
        (lambda d: d["item"].append(dict(d["item"][0])), "id 'a' is used twice"),
        (lambda d: d.update(extra=1), "unknown key(s) extra"),
    ],
)
def test_invalid_scorecards_are_named(change, message):
    import copy

    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(LexiconError) as caught:
        parse_scorecard(data, "scorecard.toml")
    assert str(caught.value).startswith("scorecard.toml") and message in str(caught.value)


def test_malformed_scorecard_file_stops_with_file(tmp_path):
    (tmp_path / "scorecard.toml").write_text("version = \n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"scorecard\.toml: not valid TOML"):
        load_scorecard(str(tmp_path))
