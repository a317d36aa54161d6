"""Root-cause mapping: rule_id (or a dotted prefix of it) -> the cause analysts count in Pareto.

lexicons/root_causes.txt lines are `rule_id_prefix  root_cause`; the longest matching prefix wins.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError
from pipeline.text.lexicon import read_lexicon

ROOT_CAUSES_FILE = "root_causes.txt"
UNMAPPED = "unmapped"


@lru_cache(maxsize=4)
def load_root_causes(lexicon_dir: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for line in read_lexicon(Path(lexicon_dir) / ROOT_CAUSES_FILE, min_columns=2, max_columns=2):
        prefix, cause = line.columns
        if prefix in mapping:
            raise LexiconError(f"{line.where}: {prefix!r} is mapped twice")
        mapping[prefix] = cause
    return mapping


# Cached like the mapping it reads: every finding of every call asks, for a few hundred rules.
@lru_cache(maxsize=4096)
def root_cause_for(lexicon_dir: Path | str, rule_id: str) -> str:
    mapping = load_root_causes(str(lexicon_dir))
    parts = rule_id.split(".")
    for n in range(len(parts), 0, -1):
        cause = mapping.get(".".join(parts[:n]))
        if cause:
            return cause
    return UNMAPPED
