"""`phrase.overpromise`: the agent guarantees what nobody may guarantee (保本, 稳赚不赔, 肯定能批).

Rules: lexicons/overpromise.txt. Agent speech only. Negations are compliant and skipped:
不能保证收益, 不是保本的, 哪有保本的理财, 保本是不可能的 (cues in lexicons/negation_cues.txt).
The window before a match is wide enough for 不敢说/不能跟您说 between cue and phrase.
"""

from __future__ import annotations

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.phrases.spec import PhraseCategory
from pipeline.types import Finding

SPEC = PhraseCategory(
    category="phrase.overpromise",
    rule_prefix="overpromise",
    lexicon_file="overpromise.txt",
    role="agent",
    default_group="guarantee",
    default_severity="major",
    negation_before=6,
    negation_after=6,
)


def load_rules(lexicon_dir: str) -> phrase_rules.CompiledRules:
    return phrase_rules.load_rules(SPEC, str(lexicon_dir))


def detect(call: CallContext) -> list[Finding]:
    return phrase_rules.detect_phrases(call, SPEC)


DETECTOR = DetectorSpec(
    name="overpromise",
    detect=detect,
    check_setup=load_rules,
    categories=(SPEC.category,),
    phrase_categories=(SPEC,),
    merge_events=True,
)
