"""Ordinary talk no phrase-model column may flag: the shared corpus' read and spontaneous
sentences (news, commentary, tongue twisters), which no training set holds."""

from __future__ import annotations

import csv

from pipeline.config import PROJECT_ROOT

MANIFEST = PROJECT_ROOT.parent / "shared" / "corpus" / "zh" / "manifest.tsv"


def corpus_sentences() -> list[str]:
    """The reference texts of the shared corpus, alone and then four at a time (a long turn)."""
    with open(MANIFEST, encoding="utf-8") as handle:
        corpus = [row["reference_text"] for row in csv.DictReader(handle, delimiter="\t")]
    return corpus + ["，".join(corpus[i : i + 4]) for i in range(0, len(corpus), 4)]
