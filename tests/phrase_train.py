"""Train the phrase model (lexicons/phrase_model.tsv) on the labelled tuning sets, or choose its
thresholds.

    .venv/bin/python -m tests.phrase_train                  # write lexicons/phrase_model.tsv
    .venv/bin/python -m tests.phrase_train --choose tuning,tuning_more fifth,sixth

The model (pipeline.detectors.phrases.model) is one logistic regression per phrase category
over the character 1–3-gram counts of an utterance, trained on the utterances of the
category's party in every tuning set (tests/phrase_tuning*.py; never tests/phrase_heldout.py).
Training is plain stochastic gradient descent in the order of a seeded permutation, so the same
sets give the same file. N-grams seen in fewer than MIN_UTTERANCES utterances are left out;
weights are written to four decimals.

`--choose TRAIN EVAL` trains on the sets named first and prints, for a grid of thresholds,
the figures of rules + model on the sets named second, counted as tests/phrase_eval.py counts.
Only sets the rules were not tuned on tell how the model helps where the rules miss; the
thresholds written into the file (ADD, VETO) were read from such a run (see bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from pipeline.detectors import credential_request, escalation, forbidden_phrases, overpromise
from pipeline.detectors.phrases.model import (
    MODEL_FILE,
    _codes,
    gram_keys,
    gram_text,
    length_scale,
    load_model,
)
from tests.phrase_eval import LEXICONS, total, utterance_counts

SPECS = (forbidden_phrases.SPEC, overpromise.SPEC, credential_request.SPEC, escalation.SPEC)
TUNING_SETS = (  # in the order they were written; any other tests/phrase_tuning_*.py follows
    "tuning",
    "tuning_more",
    "tuning_third",
    "tuning_fourth",
    "tuning_fifth",
    "tuning_sixth",
    "tuning_seventh",
    "tuning_eighth",
)
MIN_UTTERANCES = 2
EPOCHS, RATE, L2 = 40, 0.2, 1e-3
# Chosen with --choose on sets the rules had not been tuned on (bench/RESULTS.md).
ADD, VETO = 0.8, 0.05

Utterance = tuple[str, str, frozenset[str]]


def background() -> list[Utterance]:
    """Ordinary call-center talk (tests/phrase_background.py), a negative of every category of its
    party: the tuning sets are half violations, real calls almost none."""
    try:
        module = importlib.import_module("tests.phrase_background")
    except ModuleNotFoundError:
        return []
    none: frozenset[str] = frozenset()
    return [("agent", t, none) for t in module.AGENT] + [
        ("customer", t, none) for t in module.CUSTOMER
    ]


def load_sets(names: list[str]) -> list[Utterance]:
    rows: list[Utterance] = []
    for name in names:
        assert name != "heldout", "the held-out set is never trained on"
        rows.extend(importlib.import_module(f"tests.phrase_{name}").UTTERANCES)
    return rows


def utterance_keys(text: str) -> dict[int, float]:
    """An utterance's features: each n-gram's count, times the utterance's length scale."""
    codes = _codes(text.replace("\n", " "))
    keys, _ = gram_keys(codes)
    scale = float(length_scale(np.array([int((codes != 1).sum())]))[0])
    return {key: n * scale for key, n in Counter(keys.tolist()).items()}


def train(rows: list[Utterance]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(vocabulary keys, weights (keys × categories), bias per category)."""
    features = [utterance_keys(text) for _, text, _ in rows]
    seen: Counter[int] = Counter(k for f in features for k in f)
    vocabulary = sorted(k for k, n in seen.items() if n >= MIN_UTTERANCES)
    column = {k: i for i, k in enumerate(vocabulary)}
    sparse = [
        (
            np.array([column[k] for k in f if k in column], dtype=np.int64),
            np.array([n for k, n in f.items() if k in column]),
        )
        for f in features
    ]
    weights = np.zeros((len(vocabulary), len(SPECS)))
    bias = np.zeros(len(SPECS))
    for c, spec in enumerate(SPECS):
        mine = [i for i, (role, _, _) in enumerate(rows) if role == spec.role]
        labels = np.array([float(spec.category in rows[i][2]) for i in mine])
        w, b = weights[:, c], 0.0
        order = np.random.default_rng(0)
        for _ in range(EPOCHS):
            for j in order.permutation(len(mine)):
                index, count = sparse[mine[j]]
                p = 1.0 / (1.0 + np.exp(-(w[index] @ count + b)))
                gradient = p - labels[j]
                w[index] -= RATE * (gradient * count + L2 * w[index])
                b -= RATE * gradient
        bias[c] = b
    return vocabulary, weights, bias


def write_model(path: Path, vocabulary, weights, bias, sets, add: float, veto: float) -> int:
    categories = [spec.category for spec in SPECS]
    lines = [
        "# The phrase model: a second opinion beside the phrase rules (pipeline/detectors/phrases/model.py).",
        "# Written by `python -m tests.phrase_train` from the tuning sets: "
        + ", ".join(sets)
        + (", and the ordinary talk of tests/phrase_background.py." if background() else "."),
        "# Do not edit weights by hand; retrain instead. Lines: a header (gram, then the categories),",
        "# @bias (the intercept), @add (an utterance no rule matched becomes a finding at or above this",
        "# probability; above 1: never), @veto (a rule match in an utterance below this probability is",
        "# dropped; 0: never), then one line per character n-gram (^ and $ mark the utterance's start",
        "# and end) with its weight per category. Delete this file to run the rules alone.",
        "\t".join(["gram", *categories]),
        "\t".join(["@bias", *(f"{b:.4f}" for b in bias)]),
        "\t".join(["@add", *(f"{add:g}" for _ in categories)]),
        "\t".join(["@veto", *(f"{veto:g}" for _ in categories)]),
    ]
    rows = []
    for key, row in zip(vocabulary, weights):
        values = [f"{v:.4f}" for v in row]
        if any(float(v) != 0.0 for v in values):
            rows.append("\t".join([gram_text(key), *values]))
    path.write_text("\n".join(lines + sorted(rows)) + "\n", encoding="utf-8")
    return len(rows)


def choose(train_sets: list[str], eval_sets: list[str]) -> None:
    """Rules + a model trained on `train_sets`, on `eval_sets`, for a grid of thresholds: each
    point runs the phrase detectors themselves, with the model file written for it."""
    vocabulary, weights, bias = train(load_sets(train_sets) + background())
    rows = load_sets(eval_sets)
    print(f"trained on {', '.join(train_sets)}; scored on {', '.join(eval_sets)} ({len(rows)})")
    with tempfile.TemporaryDirectory() as scratch:
        lexicons = Path(scratch) / "lexicons"
        shutil.copytree(LEXICONS, lexicons, ignore=shutil.ignore_patterns(MODEL_FILE))
        for add in (2.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5):
            for veto in (0.0, 0.02, 0.05, 0.1):
                write_model(lexicons / MODEL_FILE, vocabulary, weights, bias, [], add, veto)
                load_model.cache_clear()
                t = total(utterance_counts(rows, lexicons)[0])
                print(
                    f"  add ≥ {add:<4} veto < {veto:<4}  P {t.precision:.3f} R {t.recall:.3f} "
                    f"F1 {t.f1:.3f}  (tp {t.tp} fp {t.fp} fn {t.fn})"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--choose", nargs=2, metavar=("TRAIN", "EVAL"), help="comma lists")
    parser.add_argument("--sets", default=",".join(available_sets()), help="sets to train on")
    parser.add_argument("--out", type=Path, default=LEXICONS / MODEL_FILE, help="file to write")
    args = parser.parse_args()
    if args.choose:
        choose(args.choose[0].split(","), args.choose[1].split(","))
        return
    sets = args.sets.split(",")
    vocabulary, weights, bias = train(load_sets(sets) + background())
    n = write_model(args.out, vocabulary, weights, bias, sets, ADD, VETO)
    print(f"wrote {args.out}: {n} n-grams from {', '.join(sets)}")


def available_sets() -> list[str]:
    here = Path(__file__).parent
    found = sorted(p.stem.removeprefix("phrase_") for p in here.glob("phrase_tuning*.py"))
    return [s for s in TUNING_SETS if s in found] + [s for s in found if s not in TUNING_SETS]


if __name__ == "__main__":
    main()
