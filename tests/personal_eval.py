"""Precision and recall of the name and address masking (pipeline/text/personal.py).

Each utterance of a set is (text, expected masked text); in the expected text `*` marks a
masked name character and `#` a masked address character. Figures per kind:

- characters: a masked character of the right kind is a true positive, one masked that should
  not be (or as the other kind) a false positive, one left visible a false negative;
- spans: the maximal runs of masked characters of one kind; a span found exactly (same start
  and end) is a true positive, every other span found a false positive, every expected span not
  found exactly a false negative. `overlap` counts a span as found when it overlaps an expected
  one of its kind (the boundaries need not agree).

    .venv/bin/python -m tests.personal_eval              # the tuning set, with its errors
    .venv/bin/python -m tests.personal_eval heldout      # the held-out set: figures only
    .venv/bin/python -m tests.personal_eval timing       # CPU time per 1,500-character call
"""

from __future__ import annotations

import importlib
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.text.personal import ADDRESS, NAME, personal_spans
from tests.phrase_eval import Counts  # the same tallies as the phrase rules' figures

KINDS = (NAME, ADDRESS)
MARKS = {"*": NAME, "#": ADDRESS}


@dataclass
class Figures:
    chars: Counts = field(default_factory=Counts)
    spans: Counts = field(default_factory=Counts)
    overlap: Counts = field(default_factory=Counts)


def expected_labels(text: str, masked: str) -> list[str | None]:
    """The kind of every character of `text` as the expected masked text says."""
    if len(text) != len(masked):
        raise ValueError(f"expected text of another length: {text!r} / {masked!r}")
    labels: list[str | None] = []
    for char, mark in zip(text, masked):
        if mark in MARKS and mark != char:
            labels.append(MARKS[mark])
        elif mark == char:
            labels.append(None)
        else:
            raise ValueError(f"expected text differs beyond its masks: {text!r} / {masked!r}")
    return labels


def found_labels(text: str) -> list[str | None]:
    labels: list[str | None] = [None] * len(text)
    for start, end, kind in personal_spans(text):
        labels[start:end] = [kind] * (end - start)
    return labels


def runs(labels: Sequence[str | None]) -> set[tuple[int, int, str]]:
    found, start = set(), 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] is not None:
                found.add((start, i, labels[start]))
            start = i
    return found


def masked_text(text: str, labels: Sequence[str | None]) -> str:
    marks = {NAME: "*", ADDRESS: "#"}
    return "".join(marks[label] if label else char for char, label in zip(text, labels))


def evaluate(utterances: Iterable[tuple[str, str]]) -> tuple[dict[str, Figures], list[str]]:
    """Figures per kind, and the utterances masked wrongly (expected / found)."""
    figures = {kind: Figures() for kind in KINDS}
    errors = []
    for text, masked in utterances:
        want, got = expected_labels(text, masked), found_labels(text)
        if want != got:
            errors.append(f"  want {masked}\n  got  {masked_text(text, got)}")
        for kind in KINDS:
            tally = figures[kind].chars
            for w, g in zip(want, got):
                tally.tp += w == kind and g == kind
                tally.fp += g == kind and w != kind
                tally.fn += w == kind and g != kind
            want_runs = {r for r in runs(want) if r[2] == kind}
            got_runs = {r for r in runs(got) if r[2] == kind}
            exact = want_runs & got_runs
            figures[kind].spans.tp += len(exact)
            figures[kind].spans.fp += len(got_runs - exact)
            figures[kind].spans.fn += len(want_runs - exact)
            hit = {g for g in got_runs if any(_overlaps(g, w) for w in want_runs)}
            covered = {w for w in want_runs if any(_overlaps(g, w) for g in got_runs)}
            figures[kind].overlap.tp += len(covered)
            figures[kind].overlap.fp += len(got_runs - hit)
            figures[kind].overlap.fn += len(want_runs - covered)
    return figures, errors


def _overlaps(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def table(title: str, figures: dict[str, Figures]) -> str:
    lines = [title, f"  {'kind':8} {'level':8} {'n':>4} {'P':>6} {'R':>6}"]
    for kind, f in figures.items():
        for level, c in (("chars", f.chars), ("spans", f.spans), ("overlap", f.overlap)):
            n = c.tp + c.fn
            lines.append(f"  {kind:8} {level:8} {n:>4} {c.precision:6.3f} {c.recall:6.3f}")
    return "\n".join(lines)


# Lines with names and addresses mixed into the timing calls, as in real calls.
PERSONAL_LINES = (
    "您好，请问是张建华先生吗？",
    "我叫王小明，收件人写我老婆李娜。",
    "地址是四川省成都市武侯区人民南路四段12号3栋502。",
    "寄到北京市朝阳区建国路88号，谢谢。",
)


def timing(n_calls: int = 300) -> dict:
    """CPU time of personal_spans on the detector benchmark's synthetic calls (~1,500
    characters of corpus sentences and call-center phrases) with names and addresses mixed in,
    segment by segment as masking will call it. `cold`: the tagger's cache of new words is
    emptied before each call, as if no name of a call had been seen in an earlier one. For
    scale, the same calls cut whole by jieba's plain tokenizer."""
    from bench.bench_detectors import corpus_sentences, synthetic_call
    from pipeline.text import personal

    rng = random.Random(11)
    pool = corpus_sentences() + list(PERSONAL_LINES)
    calls = [[s.text for s in synthetic_call(i, rng, pool).segments] for i in range(n_calls)]
    started = time.process_time()
    personal_spans("我叫张伟。")  # loads the surnames, jieba and its tagger
    load_s = time.process_time() - started
    result: dict = {"calls": n_calls, "load_s": round(load_s, 2)}
    result["mean_chars"] = round(sum(len(t) for call in calls for t in call) / n_calls)
    for mode in ("warm", "cold"):
        started = time.process_time()
        found = 0
        for call in calls:
            if mode == "cold":
                personal._new_word_tags.cache_clear()
            found += sum(len(personal_spans(text)) for text in call)
        cpu_s = time.process_time() - started
        result[f"{mode}_ms_per_call"] = round(1000 * cpu_s / n_calls, 2)
    result["spans_per_call"] = round(found / n_calls, 1)
    cut = personal.load_personal().pos.tokenizer.cut  # a reference: jieba cutting all the text
    started = time.process_time()
    for call in calls:
        for text in call:
            list(cut(text))
    result["jieba_cut_all_ms_per_call"] = round(1000 * (time.process_time() - started) / n_calls, 2)
    return result


def main() -> None:
    names = sys.argv[1:] or ["tuning"]
    for name in names:
        if name == "timing":
            print(timing())
            continue
        module = importlib.import_module(f"tests.personal_info_{name}")
        figures, errors = evaluate(module.UTTERANCES)
        sizes = ", ".join(
            f"{len(getattr(module, group))} {group.lower()}"
            for group in ("NAMES", "ADDRESSES", "NEGATIVES")
        )
        print(table(f"{name}: {len(module.UTTERANCES)} utterances ({sizes})", figures))
        if name != "heldout":
            print(f"{len(errors)} utterances masked wrongly:")
            print("\n".join(errors))


if __name__ == "__main__":
    main()
