"""Precision and recall of the customer-emotion detector on labelled customer utterances.

Each utterance runs through the `emotion` detector as a one-utterance call. Negative (anger,
disgust or anxiety) found on a negative row is a true positive, on a `none` row a false
positive; a negative row without the finding is a false negative. `emotion_right` counts the
true positives whose emotion is the labelled one.

    .venv/bin/python -m tests.emotion_eval            # the tuning set, with its errors
    .venv/bin/python -m tests.emotion_eval heldout    # the held-out set: figures only
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.detectors.registry import call_context, run_detectors
from tests.phrase_eval import Counts, transcript_of

LEXICONS = PROJECT_ROOT / "lexicons"


@dataclass
class EmotionCounts(Counts):
    emotion_right: int = 0


def found_emotion(text: str, lexicon_dir: Path = LEXICONS) -> str | None:
    """The emotion the detector gives the utterance said by a customer, or None."""
    call = call_context(transcript_of("eval", [("customer", text)]), lexicon_dir, "eval")
    for finding in run_detectors(call, ("emotion",)):
        if finding.category == "emotion.customer_negative":
            return finding.details["emotion"]
    return None


def evaluate(
    rows: list[tuple[str, str]], lexicon_dir: Path = LEXICONS
) -> tuple[EmotionCounts, list[tuple[str, str, str | None]]]:
    """The counts and the wrong rows (text, label, found)."""
    counts, errors = EmotionCounts(), []
    for text, label in rows:
        found = found_emotion(text, lexicon_dir)
        if label != "none" and found:
            counts.tp += 1
            counts.emotion_right += found == label
        elif label == "none" and found:
            counts.fp += 1
        elif label != "none":
            counts.fn += 1
        if (label == "none") != (found is None) or (found and found != label):
            errors.append((text, label, found))
    return counts, errors


def main(argv: list[str]) -> None:
    if argv and argv[0] == "heldout":
        from tests.emotion_heldout import HELDOUT as rows
    else:
        from tests.emotion_tuning import TUNING as rows
    lexicon_dir = Path(argv[1]) if len(argv) > 1 else LEXICONS
    counts, errors = evaluate(rows, lexicon_dir)
    print(
        f"n={len(rows)} tp={counts.tp} fp={counts.fp} fn={counts.fn} "
        f"P={counts.precision:.2f} R={counts.recall:.2f} F1={counts.f1:.2f} "
        f"emotion right {counts.emotion_right}/{counts.tp}"
    )
    if not argv or argv[0] != "heldout":
        for text, label, found in errors:
            print(f"  {label:8} found {found or '-':8} {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
