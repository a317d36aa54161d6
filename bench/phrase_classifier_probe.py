"""Would a small learned stage beside the phrase rules help? An offline probe, not a detector.

Per phrase category, a logistic regression over the character 1–3-grams of an utterance
(hashed with CRC32 into 2^15 buckets, so the figures repeat across processes), trained on the
four tuning sets only (the role the category's detector reads). Two ways of combining it with
the rules are scored on the held-out set, totals only (its errors are not to be looked at):
- add: an utterance where no rule fired counts as found when the model gives ≥ `add`;
- veto: a rule finding is dropped when the model gives < `veto` (-1: never).
Counting as tests/phrase_eval.py does. Pure numpy, deterministic, ~1 minute:

    .venv/bin/python -m bench.phrase_classifier_probe
"""

from __future__ import annotations

import zlib
from collections import Counter

import numpy as np

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.registry import call_context, run_detectors
from tests import (
    phrase_heldout,
    phrase_tuning,
    phrase_tuning_fourth,
    phrase_tuning_more,
    phrase_tuning_third,
)
from tests.phrase_eval import PHRASE_CATEGORIES, PHRASE_DETECTORS, Counts, transcript_of

ROLE = {
    "phrase.forbidden": "agent",
    "phrase.overpromise": "agent",
    "phrase.credential_request": "agent",
    "phrase.escalation": "customer",
}
BUCKETS = 1 << 15
SETTINGS = [(add, veto) for add in (1.1, 0.95, 0.9, 0.8, 0.7) for veto in (-1.0, 0.05, 0.1)]


def features(text: str) -> np.ndarray:
    kept = "".join(ch for ch in text if not ch.isspace() and ch not in "，。？！,.?!")
    padded = f"^{kept}$"
    grams = {padded[i : i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1)}
    return np.array(sorted({zlib.crc32(g.encode()) % BUCKETS for g in grams}), dtype=np.int64)


def train(rows: list[np.ndarray], labels: np.ndarray, epochs: int = 60) -> tuple[np.ndarray, float]:
    """Plain SGD on the log loss with a little L2, in a fixed order of a seeded permutation."""
    weights, bias, rate, l2 = np.zeros(BUCKETS), 0.0, 0.5, 1e-3
    order = np.random.default_rng(0)
    for _ in range(epochs):
        for k in order.permutation(len(rows)):
            x = rows[k]
            p = 1.0 / (1.0 + np.exp(-(weights[x].sum() + bias)))
            gradient = p - labels[k]
            weights[x] -= rate * (gradient + l2 * weights[x])
            bias -= rate * gradient
    return weights, bias


def main() -> None:
    tuning = (
        phrase_tuning.UTTERANCES
        + phrase_tuning_more.UTTERANCES
        + phrase_tuning_third.UTTERANCES
        + phrase_tuning_fourth.UTTERANCES
    )
    models = {}
    for category in PHRASE_CATEGORIES:
        rows = [
            (features(t), category in labels)
            for role, t, labels in tuning
            if role == ROLE[category]
        ]
        models[category] = train([r[0] for r in rows], np.array([float(r[1]) for r in rows]))
    heldout = phrase_heldout.UTTERANCES
    found = []
    for i, (role, text, _labels) in enumerate(heldout):
        call = call_context(
            transcript_of(f"u{i}", [(role, text)]), PROJECT_ROOT / "lexicons", "eval"
        )
        found.append(Counter(f.category for f in run_detectors(call, PHRASE_DETECTORS)))
    for add, veto in SETTINGS:
        tally = Counts()
        for (role, text, labels), by_rules in zip(heldout, found):
            x = features(text)
            for category in PHRASE_CATEGORIES:
                n = by_rules.get(category, 0)
                if role == ROLE[category]:
                    weights, bias = models[category]
                    p = 1.0 / (1.0 + np.exp(-(weights[x].sum() + bias)))
                    n = 1 if n == 0 and p >= add else (0 if n and p < veto else n)
                wanted = category in labels
                tally.tp += int(wanted and n > 0)
                tally.fn += int(wanted and n == 0)
                tally.fp += max(0, n - int(wanted))
        print(
            f"held-out, rules + model (add ≥ {add}, veto < {veto}): "
            f"P {tally.precision:.3f} R {tally.recall:.3f} F1 {tally.f1:.3f}"
        )


if __name__ == "__main__":
    main()
