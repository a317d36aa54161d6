"""`phrase.forbidden`: service phrases (服务禁语) the agent must not say.

Rules: lexicons/forbidden_phrases.txt (format in pipeline.detectors.phrases.engine). Only the agent's speech
is searched: a customer saying 不知道 is not a forbidden phrase. No negation window — most of
these phrases are negations themselves; benign uses are skipped with `unless=` prefixes
(您不知道的话我帮您查 is the agent reassuring, not refusing).
"""

from __future__ import annotations

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.phrases.spec import PhraseCategory
from pipeline.types import Finding

SPEC = PhraseCategory(
    category="phrase.forbidden",
    rule_prefix="forbidden",
    lexicon_file="forbidden_phrases.txt",
    role="agent",
    default_group="general",
    default_severity="minor",
)


def load_rules(lexicon_dir: str) -> phrase_rules.CompiledRules:
    return phrase_rules.load_rules(SPEC, str(lexicon_dir))


def detect(call: CallContext) -> list[Finding]:
    return phrase_rules.detect_phrases(call, SPEC)


DETECTOR = DetectorSpec(
    name="forbidden_phrases",
    detect=detect,
    check_setup=load_rules,
    categories=(SPEC.category,),
    phrase_categories=(SPEC,),
    merge_events=True,
)
