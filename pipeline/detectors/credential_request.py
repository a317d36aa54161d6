"""`phrase.credential_request`: the agent asks for a password, PIN, SMS code or card security code.

Rules: lexicons/credential_request.txt, mostly patterns of a request and a credential
(告诉…验证码, 密码是多少). Agent speech only. The agent warning the customer is the opposite and
is skipped through negation cues before, inside or after the match: 请不要告诉任何人验证码,
我们不会索要您的密码, CVV千万不要透露.
"""

from __future__ import annotations

from pipeline.detectors.base import CallContext, DetectorSpec
from pipeline.detectors.phrases import engine as phrase_rules
from pipeline.detectors.phrases.spec import PhraseCategory
from pipeline.types import Finding

SPEC = PhraseCategory(
    category="phrase.credential_request",
    rule_prefix="credential",
    lexicon_file="credential_request.txt",
    role="agent",
    default_group="password",
    default_severity="critical",
    negation_before=8,
    negation_after=6,
)


def load_rules(lexicon_dir: str) -> phrase_rules.CompiledRules:
    return phrase_rules.load_rules(SPEC, str(lexicon_dir))


def detect(call: CallContext) -> list[Finding]:
    return phrase_rules.detect_phrases(call, SPEC)


DETECTOR = DetectorSpec(
    name="credential_request",
    detect=detect,
    check_setup=load_rules,
    categories=(SPEC.category,),
    phrase_categories=(SPEC,),
    merge_events=True,
)
