"""The adjusted score: overturned findings stop deducting, whatever card made the machine score."""

from __future__ import annotations

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.scoring.adjusted import adjusted_score
from pipeline.scoring.scorecard import load_scorecard, score_call

from .factories import finding

CARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))
FORBIDDEN = [
    ("f1", finding("c", "phrase.forbidden", start_s=1)),
    ("f2", finding("c", "phrase.forbidden", start_s=3)),
]
RED = ("r1", finding("c", "phrase.credential_request", severity="critical", start_s=5))


def machine(pairs):
    return score_call([f for _, f in pairs], CARD).score


@pytest.mark.parametrize(
    ("pairs", "machine_score", "overturned", "whole", "expected"),
    [
        (FORBIDDEN, None, set(), False, None),  # nothing overturned: the machine score as stored
        (FORBIDDEN, None, {"f1"}, False, "+10"),  # one of two forbidden phrases (10 each)
        (FORBIDDEN, None, {"f1", "f2"}, False, 100.0),
        (FORBIDDEN, None, {"other-call"}, False, None),  # an id of another call changes nothing
        (FORBIDDEN, None, set(), True, 100.0),  # the score as a whole: every deduction goes
        (
            FORBIDDEN,
            75.0,
            {"f1"},
            False,
            85.0,
        ),  # a score of an older card moves by the finding's cost
    ],
)
def test_adjusted_score(pairs, machine_score, overturned, whole, expected):
    stored = machine(pairs) if machine_score is None else machine_score
    result = adjusted_score(stored, pairs, overturned, CARD, whole)
    assert result.machine == stored
    if expected is None:
        assert result.adjusted == stored and result.overturned == ()
    elif expected == "+10":
        assert result.adjusted == stored + 10
    else:
        assert result.adjusted == expected
    assert set(result.overturned) == overturned & {fid for fid, _ in pairs}


def test_an_overturned_red_line_no_longer_fails_the_call():
    pairs = [*FORBIDDEN, RED]
    card_result = score_call([f for _, f in pairs], CARD)
    assert card_result.red_line_failed and card_result.score == 0  # lexicons/scorecard.toml
    result = adjusted_score(0.0, pairs, {"r1"}, CARD)
    assert result.adjusted == machine(FORBIDDEN) and not result.breakdown.red_line_failed
