"""Precision and recall of the phrase rules on labelled utterances, per category.

An utterance is one segment of its speaker; the detectors of the phrase categories run on it
as on a call. A category listed for the utterance and found once is a true positive; every
further finding of it in the utterance is a false positive (one event is one finding), as is
any finding of a category not listed. Calls (for the response rules) count whether a
script.response_missing finding was given.

    .venv/bin/python -m tests.phrase_eval                 # the tuning set, with its errors
    .venv/bin/python -m tests.phrase_eval heldout         # the held-out set: figures only
    .venv/bin/python -m tests.phrase_eval --rules-only tuning_fifth   # without the phrase model
    .venv/bin/python -m tests.phrase_eval ordinary_a ordinary_b   # false alarms on ordinary talk

The ordinary talk of tests/phrase_ordinary_*.py (AGENT and CUSTOMER lines no inspector flags,
never trained on) counts false alarms: every phrase finding on a line, and every risk-disclosure
finding on a customer line taken as a call of its own (a false anchor).
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.registry import call_context, run_detectors
from pipeline.process import sort_findings
from pipeline.types import AudioInfo, Segment, Transcript
from tests.lexicon_dirs import rules_only

LEXICONS = PROJECT_ROOT / "lexicons"
PHRASE_CATEGORIES = (
    "phrase.forbidden",
    "phrase.overpromise",
    "phrase.credential_request",
    "phrase.escalation",
)
PHRASE_DETECTORS = ("credential_request", "escalation", "forbidden_phrases", "overpromise")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def transcript_of(name: str, turns: Iterable[tuple[str, str]]) -> Transcript:
    segments, t = [], 0.5
    for role, text in turns:
        duration = max(1.0, len(text) / 4.0)
        segments.append(Segment(t, t + duration, "ch0" if role == "agent" else "ch1", role, text))
        t += duration + 0.6
    return Transcript(name, tuple(segments), AudioInfo("x.wav", "0" * 64, t, 8000, 2), "eval")


def utterance_counts(
    utterances: Iterable[tuple[str, str, frozenset[str]]],
    lexicon_dir: Path = LEXICONS,
    detectors: tuple[str, ...] = PHRASE_DETECTORS,
) -> tuple[dict[str, Counts], list[tuple[str, str, str, int]]]:
    """(counts per category, the errors: (kind fp/fn, category, text, findings of it))."""
    counts = {category: Counts() for category in PHRASE_CATEGORIES}
    errors = []
    for i, (role, text, labels) in enumerate(utterances):
        call = call_context(transcript_of(f"u{i}", [(role, text)]), lexicon_dir, "eval")
        found = Counter(f.category for f in sort_findings(run_detectors(call, detectors)))
        for category in PHRASE_CATEGORIES:
            n, wanted = found.get(category, 0), category in labels
            tally = counts[category]
            if wanted and n:
                tally.tp += 1
            elif wanted:
                tally.fn += 1
                errors.append(("fn", category, text, 0))
            extra = n - (1 if wanted else 0)
            if extra > 0:
                tally.fp += extra
                errors.append(("fp", category, text, n))
    return counts, errors


def call_counts(
    calls: Iterable[tuple[str, tuple[tuple[str, str], ...], bool]], lexicon_dir: Path = LEXICONS
) -> tuple[Counts, list[str]]:
    """script.response_missing on whole calls: (counts, names of the calls judged wrongly)."""
    counts, wrong = Counts(), []
    for name, turns, missing in calls:
        call = call_context(transcript_of(name, turns), lexicon_dir, "eval")
        found = any(
            f.category == "script.response_missing" for f in run_detectors(call, ("rules",))
        )
        if found and missing:
            counts.tp += 1
        elif found:
            counts.fp += 1
            wrong.append(f"fp {name}")
        elif missing:
            counts.fn += 1
            wrong.append(f"fn {name}")
    return counts, wrong


def ordinary_false_alarms(
    module, lexicon_dir: Path = LEXICONS
) -> tuple[int, list[tuple[str, str, str]]]:
    """(number of lines, the false alarms: (role, category, text)) on a module's ordinary talk."""
    lines = [("agent", t) for t in module.AGENT] + [("customer", t) for t in module.CUSTOMER]
    alarms = []
    for i, (role, text) in enumerate(lines):
        call = call_context(transcript_of(f"o{i}", [(role, text)]), lexicon_dir, "eval")
        for finding in run_detectors(call, (*PHRASE_DETECTORS, "rules")):
            if finding.category in PHRASE_CATEGORIES or role == "customer":
                alarms.append((role, finding.category, text))
    return len(lines), alarms


def total(counts: dict[str, Counts]) -> Counts:
    return Counts(
        sum(c.tp for c in counts.values()),
        sum(c.fp for c in counts.values()),
        sum(c.fn for c in counts.values()),
    )


def table(title: str, counts: dict[str, Counts]) -> str:
    lines = [f"{title}", f"  {'category':28} {'n':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for category, c in [*counts.items(), ("all", total(counts))]:
        n = c.tp + c.fn
        lines.append(f"  {category:28} {n:>4} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}")
    return "\n".join(lines)


def main() -> None:
    """Figures of the tuning sets with each error; of the held-out set (`heldout`) figures only,
    since its errors are not to be looked at one by one."""
    import sys

    names = [a for a in sys.argv[1:] if a != "--rules-only"] or ["tuning"]
    lexicon_dir = rules_only() if "--rules-only" in sys.argv else LEXICONS
    for name in names:
        report(name, lexicon_dir)


def report(name: str, lexicon_dir: Path) -> None:
    module = importlib.import_module(f"tests.phrase_{name}")
    if name.startswith("ordinary"):
        n, alarms = ordinary_false_alarms(module, lexicon_dir)
        print(f"{name}: {len(alarms)} false alarms on {n} lines of ordinary talk")
        for role, category, text in alarms:
            print(f"    {role:8} {category:26} {text}")
        return
    counts, errors = utterance_counts(module.UTTERANCES, lexicon_dir)
    print(table(f"{name}: {len(module.UTTERANCES)} utterances", counts))
    if name != "heldout":
        for kind, category, text, n in errors:
            print(f"    {kind} {category:26} {n} {text}")
    calls = getattr(module, "CALLS", ())
    if calls:
        tally, wrong = call_counts(calls, lexicon_dir)
        print(table(f"{name}: {len(calls)} calls", {"script.response_missing": tally}))
        if name != "heldout":
            for line in wrong:
                print(f"    {line}")


if __name__ == "__main__":
    main()
