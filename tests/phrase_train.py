"""Train the phrase model (lexicons/phrase_model.tsv) on the labelled tuning sets, or choose its
thresholds.

    .venv/bin/python -m tests.phrase_train                  # write lexicons/phrase_model.tsv
    .venv/bin/python -m tests.phrase_train --choose tuning,tuning_more fifth,sixth
    .venv/bin/python -m tests.phrase_train --choose-signals a,b disclosure_c,disclosure_d

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

The signal columns (SIGNALS: signal.risk_question, signal.risk_disclosure) learn from the
labelled questions and answers of tests/phrase_disclosure_*.py, the tuning sets' other
violations and the ordinary talk, over a vocabulary of their own, so they leave the phrase
categories' weights as they are. `--choose-signals TRAIN EVAL` trains them on the disclosure
sets named first (a,b) and prints each signal's precision and recall on the labelled
utterances of the sets named second, then the calls' figures for a grid of thresholds.
N-grams of two or more digits are never features: a model file holds no piece of a number.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from pipeline.detectors import credential_request, escalation, forbidden_phrases, overpromise
from pipeline.detectors.phrases.model import (
    MODEL_FILE,
    _codes,
    gram_keys,
    gram_text,
    length_scale,
    line_scores,
    load_model,
)
from pipeline.text.digits import DIGIT_CHARS
from tests.phrase_eval import LEXICONS, call_counts, total, utterance_counts

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
    "tuning_ninth",
    "tuning_tenth",
    "tuning_eleventh",
    "tuning_twelfth",
)
# The phrase model's signals (columns signal.<name>, read by rules.txt's when_signal= and
# require_signal=): (column, party, the list of tests/phrase_disclosure_*.py it learns from).
SIGNALS = (
    ("signal.risk_question", "customer", "QUESTIONS"),
    ("signal.risk_disclosure", "agent", "ANSWERS"),
)
# Labels of the tuning sets whose utterances are negatives of the signals of their party.
NOT_SIGNALS = {
    "customer": frozenset({"phrase.escalation"}),
    "agent": frozenset({"phrase.forbidden", "phrase.overpromise", "phrase.credential_request"}),
}
MIN_UTTERANCES = 2
EPOCHS, RATE, L2 = 40, 0.2, 1e-3
# Chosen with --choose: trained on the first eight tuning sets and the ordinary talk, judged on
# the ninth to twelfth (1,200 utterances nothing had been tuned on; bench/RESULTS.md).
ADD, VETO = 0.6, 0.05
# (add, veto) of the signals, from a run of --choose-signals trained on the disclosure sets
# a-d and judged on the calls of e-h and of the ninth to twelfth tuning sets (bench/RESULTS.md):
# a veto below 0.2 and a disclosure at 0.6 did best; the question's add is the lowest step of
# 0.1 at which neither the shared corpus (tests/test_rule_signals.py) nor the ordinary talk of
# tests/phrase_ordinary_*.py makes an anchor (at 0.3 two ordinary lines did).
SIGNAL_THRESHOLDS = {
    "signal.risk_question": (0.4, 0.2),
    "signal.risk_disclosure": (0.6, 0.0),
}

Utterance = tuple[str, str, frozenset[str]]


def background() -> list[Utterance]:
    """Ordinary call-center talk (tests/phrase_background*.py), a negative of every category of
    its party: the tuning sets are half violations, real calls almost none. The ordinary talk of
    tests/phrase_ordinary_*.py is never trained on: it measures false alarms."""
    none: frozenset[str] = frozenset()
    rows: list[Utterance] = []
    for path in sorted(Path(__file__).parent.glob("phrase_background*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        rows += [("agent", t, none) for t in module.AGENT]
        rows += [("customer", t, none) for t in module.CUSTOMER]
    return rows


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


def _piece_of_a_number(key: int) -> bool:
    """An n-gram of two or more digits (一三, 五三八): it says nothing of meaning, and the model
    file, like every file callqa writes, must hold no piece of a number read out."""
    return sum(ch in DIGIT_CHARS for ch in gram_text(key)) >= 2


def train(
    rows: list[Utterance], columns: tuple[tuple[str, str], ...] | None = None
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(vocabulary keys, weights (keys × columns), bias per column). `columns`: (label, party)
    of each column, the phrase categories by default; a row is a positive of the columns whose
    label it lists, a negative of the others of its party."""
    columns = columns or tuple((spec.category, spec.role) for spec in SPECS)
    features = [utterance_keys(text) for _, text, _ in rows]
    seen: Counter[int] = Counter(k for f in features for k in f)
    vocabulary = sorted(
        k for k, n in seen.items() if n >= MIN_UTTERANCES and not _piece_of_a_number(k)
    )
    column = {k: i for i, k in enumerate(vocabulary)}
    sparse = [
        (
            np.array([column[k] for k in f if k in column], dtype=np.int64),
            np.array([n for k, n in f.items() if k in column]),
        )
        for f in features
    ]
    weights = np.zeros((len(vocabulary), len(columns)))
    bias = np.zeros(len(columns))
    for c, (label, party) in enumerate(columns):
        mine = [i for i, (role, _, _) in enumerate(rows) if role == party]
        labels = np.array([float(label in rows[i][2]) for i in mine])
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


def signal_rows(names: list[str]) -> list[Utterance]:
    """The labelled utterances of the signals, from tests/phrase_disclosure_<name>.py, and as
    negatives the tuning sets' violations of the other kinds: a customer's complaint or threat
    (E) asks nothing about a product's risk, and an agent's refusal, promise or request for a
    code (F, O, C) discloses none."""
    none: frozenset[str] = frozenset()
    rows: list[Utterance] = [
        (role, text, none)
        for role, text, labels in load_sets(available_sets())
        if labels & NOT_SIGNALS[role]
    ]
    for name in names:
        module = importlib.import_module(f"tests.phrase_disclosure_{name}")
        for label, party, listing in SIGNALS:
            rows.extend(
                (party, text, frozenset({label} if flagged else ()))
                for text, flagged in getattr(module, listing)
            )
    return rows


def train_all(
    sets: list[str], signal_sets: list[str]
) -> tuple[list[int], np.ndarray, np.ndarray, list[str]]:
    """The phrase categories trained on the tuning sets, the signals on the disclosure sets,
    each over its own vocabulary (so a signal's data leaves the categories' weights as they
    were), side by side: (keys, weights (keys × columns), bias, column names)."""
    extra = background()
    vocabulary, weights, bias = train(load_sets(sets) + extra)
    names = [spec.category for spec in SPECS]
    if not signal_sets:
        return vocabulary, weights, bias, names
    signals = tuple((label, party) for label, party, _ in SIGNALS)
    # A false anchor makes a finding, a false response only hides one: so the customer's
    # question learns from all the ordinary talk (the agent's lines too, as more of what people
    # say), the agent's disclosure from the agent's.
    ordinary = extra + [("customer", text, none) for party, text, none in extra if party == "agent"]
    s_vocabulary, s_weights, s_bias = train(signal_rows(signal_sets) + ordinary, signals)
    keys = sorted(set(vocabulary) | set(s_vocabulary))
    row = {k: i for i, k in enumerate(keys)}
    merged = np.zeros((len(keys), len(names) + len(signals)))
    merged[[row[k] for k in vocabulary], : len(names)] = weights
    merged[[row[k] for k in s_vocabulary], len(names) :] = s_weights
    return keys, merged, np.concatenate((bias, s_bias)), names + [c for c, _ in signals]


def write_model(
    path: Path,
    vocabulary,
    weights,
    bias,
    names: list[str],
    sets: list[str],
    signal_sets: list[str],
    thresholds: dict[str, tuple[float, float]],
) -> int:
    """Write the model file; `thresholds`: (add, veto) per column (ADD, VETO by default)."""
    add = [thresholds.get(name, (ADD, VETO))[0] for name in names]
    veto = [thresholds.get(name, (ADD, VETO))[1] for name in names]
    lines = [
        "# The phrase model: a second opinion beside the phrase rules (pipeline/detectors/phrases/model.py).",
        "# Written by `python -m tests.phrase_train` from the tuning sets: "
        + ", ".join(sets)
        + (", and the ordinary talk of tests/phrase_background*.py" if background() else "")
        + (
            f"; the signals from tests/phrase_disclosure_{{{','.join(signal_sets)}}}.py."
            if signal_sets
            else "."
        ),
        "# Do not edit weights by hand; retrain instead. Lines: a header (gram, then the categories),",
        "# @bias (the intercept), @add (an utterance no rule matched becomes a finding at or above this",
        "# probability; above 1: never), @veto (a rule match in an utterance below this probability is",
        "# dropped; 0: never), then one line per character n-gram (^ and $ mark the utterance's start",
        "# and end) with its weight per category. A signal.<name> column is no category: rules.txt's",
        "# when_signal= / require_signal= read it (pipeline/detectors/rule_signals.py), @add and @veto",
        "# alike. Delete this file to run the rules alone.",
        "\t".join(["gram", *names]),
        "\t".join(["@bias", *(f"{b:.4f}" for b in bias)]),
        "\t".join(["@add", *(f"{a:g}" for a in add)]),
        "\t".join(["@veto", *(f"{v:g}" for v in veto)]),
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
    vocabulary, weights, bias, names = train_all(train_sets, available_signal_sets())
    rows = load_sets(eval_sets)
    print(f"trained on {', '.join(train_sets)}; scored on {', '.join(eval_sets)} ({len(rows)})")
    with scratch_lexicons() as lexicons:
        for add in (2.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5):
            for veto in (0.0, 0.02, 0.05, 0.1):
                point = {spec.category: (add, veto) for spec in SPECS}
                write_model(lexicons / MODEL_FILE, vocabulary, weights, bias, names, [], [], point)
                load_model.cache_clear()
                t = total(utterance_counts(rows, lexicons)[0])
                print(
                    f"  add ≥ {add:<4} veto < {veto:<4}  P {t.precision:.3f} R {t.recall:.3f} "
                    f"F1 {t.f1:.3f}  (tp {t.tp} fp {t.fp} fn {t.fn})"
                )


def choose_signals(train_sets: list[str], eval_sets: list[str]) -> None:
    """The signals trained on the disclosure sets `train_sets`, judged on `eval_sets` (any
    tests/phrase_<name>.py): each signal alone on the labelled utterances, then the rules'
    calls (script.response_missing) for a grid of thresholds."""
    vocabulary, weights, bias, names = train_all(available_sets(), train_sets)
    modules = [importlib.import_module(f"tests.phrase_{name}") for name in eval_sets]
    calls = [c for m in modules for c in getattr(m, "CALLS", ())]
    print(f"signals trained on {', '.join(train_sets)}; judged on {', '.join(eval_sets)}")
    with scratch_lexicons() as lexicons:
        write_model(lexicons / MODEL_FILE, vocabulary, weights, bias, names, [], [], {})
        load_model.cache_clear()
        model = load_model(str(lexicons))
        assert model is not None
        for label, _, listing in SIGNALS:
            rows = [r for m in modules for r in getattr(m, listing, ())]
            if not rows:
                continue
            probability = line_scores(model, "\n".join(t for t, _ in rows), len(rows))
            scores = probability[:, model.column(label)]
            for threshold in (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3):
                said = scores >= threshold
                truth = np.array([flagged for _, flagged in rows])
                tp, fp = int((said & truth).sum()), int((said & ~truth).sum())
                fn = int((~said & truth).sum())
                print(
                    f"  {label} ≥ {threshold}: P {tp / max(1, tp + fp):.3f} "
                    f"R {tp / max(1, tp + fn):.3f}  (tp {tp} fp {fp} fn {fn} of {len(rows)})"
                )
        if not calls:
            return
        for question in (2.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3):
            for disclosure in (2.0, 0.95, 0.9, 0.8, 0.6):
                for veto in (0.0, 0.05, 0.1, 0.2, 0.3):
                    point = {
                        "signal.risk_question": (question, veto),
                        "signal.risk_disclosure": (disclosure, 0.0),
                    }
                    write_model(
                        lexicons / MODEL_FILE, vocabulary, weights, bias, names, [], [], point
                    )
                    load_model.cache_clear()
                    t, _ = call_counts(calls, lexicons)
                    print(
                        f"  question ≥ {question:<4} veto < {veto:<4} disclosure ≥ {disclosure:<4}"
                        f"  P {t.precision:.3f} R {t.recall:.3f} F1 {t.f1:.3f}"
                        f"  (tp {t.tp} fp {t.fp} fn {t.fn})"
                    )


@contextmanager
def scratch_lexicons() -> Iterator[Path]:
    """A copy of the shipped lexicons without the model file, for a model written per point."""
    with tempfile.TemporaryDirectory() as scratch:
        lexicons = Path(scratch) / "lexicons"
        shutil.copytree(LEXICONS, lexicons, ignore=shutil.ignore_patterns(MODEL_FILE))
        yield lexicons
    load_model.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--choose", nargs=2, metavar=("TRAIN", "EVAL"), help="comma lists")
    parser.add_argument("--choose-signals", nargs=2, metavar=("TRAIN", "EVAL"), help="comma lists")
    parser.add_argument("--sets", default=",".join(available_sets()), help="sets to train on")
    parser.add_argument(
        "--signal-sets",
        default=",".join(available_signal_sets()),
        help="disclosure sets the signals learn from",
    )
    parser.add_argument("--out", type=Path, default=LEXICONS / MODEL_FILE, help="file to write")
    args = parser.parse_args()
    if args.choose:
        choose(args.choose[0].split(","), args.choose[1].split(","))
        return
    if args.choose_signals:
        choose_signals(args.choose_signals[0].split(","), args.choose_signals[1].split(","))
        return
    sets = args.sets.split(",")
    signal_sets = [s for s in args.signal_sets.split(",") if s]
    vocabulary, weights, bias, names = train_all(sets, signal_sets)
    n = write_model(
        args.out, vocabulary, weights, bias, names, sets, signal_sets, SIGNAL_THRESHOLDS
    )
    print(f"wrote {args.out}: {n} n-grams from {', '.join(sets + signal_sets)}")


def available_signal_sets() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        p.stem.removeprefix("phrase_disclosure_") for p in here.glob("phrase_disclosure_*.py")
    )


def available_sets() -> list[str]:
    here = Path(__file__).parent
    found = sorted(p.stem.removeprefix("phrase_") for p in here.glob("phrase_tuning*.py"))
    return [s for s in TUNING_SETS if s in found] + [s for s in found if s not in TUNING_SETS]


if __name__ == "__main__":
    main()
