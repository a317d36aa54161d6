"""Floors of the shipped lexicons (rules, phrase model and its signals) on the labelled sets
(tests/phrase_eval.py counts): a lexicon or model change that loses what they catch fails here.
"""

from __future__ import annotations

from importlib import import_module

from tests import phrase_heldout
from tests.phrase_eval import call_counts, total, utterance_counts
from tests.phrase_train import available_sets, available_signal_sets, load_sets


# Floors of the shipped lexicons (rules and the phrase model): the tuning sets are what the
# lexicons were extended against and the model trained on; the held-out set was written before
# and never tuned on (figures in bench/RESULTS.md).
def test_tuning_set_floor():
    sets = available_sets()
    counts, errors = utterance_counts(load_sets(sets))
    assert total(counts).f1 >= 0.99, errors
    calls = [
        c for name in sets for c in getattr(import_module(f"tests.phrase_{name}"), "CALLS", ())
    ]
    tally, wrong = call_counts(calls)
    assert tally.f1 >= 0.93, wrong


def test_disclosure_sets_floor():
    """The calls of the disclosure sets, whose labelled questions and answers the phrase
    model's signals learnt from (the calls themselves are no training data)."""
    calls = [
        c
        for name in available_signal_sets()
        for c in import_module(f"tests.phrase_disclosure_{name}").CALLS
    ]
    tally, wrong = call_counts(calls)
    assert len(calls) >= 160 and tally.f1 >= 0.90, wrong


def test_heldout_set_floor():
    counts, _ = utterance_counts(phrase_heldout.UTTERANCES)
    overall = total(counts)
    assert overall.precision >= 0.97 and overall.recall >= 0.9 and overall.f1 >= 0.95, overall
    calls, _ = call_counts(phrase_heldout.CALLS)
    assert calls.f1 >= 0.78, calls
