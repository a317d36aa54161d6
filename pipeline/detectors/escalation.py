"""`phrase.escalation`: the customer signals a complaint, a regulator, the media or a lawsuit.

Rules: lexicons/escalation.txt (投诉, 12315, 12378, 曝光, 起诉 …). Customer speech only: the agent
quoting the complaint (您是说要投诉是吧) is not the customer escalating. The negation window is
two characters, enough for 不投诉 / 不想投诉 / 没投诉 but not for threats such as
再不处理我就去投诉, where 不 belongs to another verb.
"""

from __future__ import annotations

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.phrases.spec import PhraseCategory
from pipeline.types import Finding

SPEC = PhraseCategory(
    category="phrase.escalation",
    rule_prefix="escalation",
    lexicon_file="escalation.txt",
    role="customer",
    default_group="complaint",
    default_severity="major",
    negation_before=2,
)


def load_rules(lexicon_dir: str) -> phrase_rules.CompiledRules:
    return phrase_rules.load_rules(SPEC, str(lexicon_dir))


def detect(call: CallContext) -> list[Finding]:
    return phrase_rules.detect_phrases(call, SPEC)


DETECTOR = DetectorSpec(
    name="escalation",
    detect=detect,
    check_setup=load_rules,
    categories=(SPEC.category,),
    phrase_categories=(SPEC,),
    merge_events=True,
)
