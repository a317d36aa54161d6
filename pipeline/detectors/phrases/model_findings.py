"""What the phrase model changes in a category's findings: vetoed matches and added utterances.

pipeline.detectors.phrases.model scores every utterance of the category's party; here the
scores meet the rules' matches. A match in an utterance the model scores below the category's
`veto` is dropped; an utterance where the rules found nothing, not even a candidate they turned
down, that the model scores at least `add` becomes a finding of its own, rule `<prefix>.model` at the category's default severity, its evidence
the whole utterance and its details the score, the thresholds and the n-grams that weighed
most (from the masked text, so an explanation never shows a digit of a number).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.detectors.phrases.model import PhraseModel, line_scores, strongest_grams
from pipeline.detectors.phrases.spec import PhraseCategory, PhraseMatch
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.joined import JoinedSegments
from pipeline.text.spans import evidence_snippet
from pipeline.types import Finding

if TYPE_CHECKING:
    from pipeline.detectors.base import CallContext

# The last few parties' scores: the phrase categories of one call share them. Keyed by id()
# with the joined text kept alongside, so an id is never reused while its entry lives.
_SCORES: dict[int, tuple[JoinedSegments, object]] = {}
_SCORES_KEPT = 16


def party_scores(model: PhraseModel, joined: JoinedSegments):
    """The model's probabilities (utterances × categories) of one party's joined utterances."""
    cached = _SCORES.get(id(joined))
    if cached is not None and cached[0] is joined:
        return cached[1]
    text = joined.text
    if text.count("\n") != len(joined.segments) - 1:  # an utterance holding a line break
        text = "\n".join(s.text.replace("\n", " ") for s in joined.segments)
    scores = line_scores(model, text, len(joined.segments))
    if len(_SCORES) >= _SCORES_KEPT:
        oldest = next(iter(_SCORES), None)
        if oldest is not None:
            _SCORES.pop(oldest, None)
    _SCORES[id(joined)] = (joined, scores)
    return scores


def judge(
    call: CallContext,
    spec: PhraseCategory,
    model: PhraseModel,
    joined: JoinedSegments,
    matches: list[PhraseMatch],
    rejected: set[int],
) -> tuple[list[PhraseMatch], list[Finding]]:
    """(the matches the model lets stand, findings of the utterances it adds).

    `rejected`: utterances where the rules turned a candidate down for its context (并非保本,
    12315 inside an order number). The rules' explicit no stands: the model adds none of them.
    """
    column = model.column(spec.category)
    scores = party_scores(model, joined)[:, column]
    veto, add = model.veto[spec.category], model.add[spec.category]
    index_of = {id(segment): i for i, segment in enumerate(joined.segments)}
    kept = [m for m in matches if scores[index_of[id(m.segment)]] >= veto]
    matched = {index_of[id(m.segment)] for m in kept}
    added = [
        _model_finding(call, spec, model, joined, i, float(scores[i]))
        for i in range(len(joined.segments))
        if scores[i] >= add and i not in matched and i not in rejected
    ]
    return kept, added


def _model_finding(
    call: CallContext,
    spec: PhraseCategory,
    model: PhraseModel,
    joined: JoinedSegments,
    index: int,
    score: float,
) -> Finding:
    segment = joined.segments[index]
    masked = call.masked_text(segment)
    rule_id = f"{spec.rule_prefix}.model"
    return Finding(
        call_id=call.call_id,
        category=spec.category,
        rule_id=rule_id,
        severity=spec.default_severity,
        role=spec.role,
        start_s=segment.start,
        end_s=segment.end,
        evidence=evidence_snippet(segment.text, 0, len(segment.text), context=0, masked=masked),
        details={
            "model": {
                "score": round(score, 4),
                "add": model.add[spec.category],
                # masked digits (*) and the digits a masked number keeps say nothing of meaning
                "grams": [
                    g
                    for g in strongest_grams(model, masked, spec.category, top=8)
                    if not any(ch.isdigit() or ch == "*" for ch in g)
                ][:5],
                "file": model.where.rsplit("/", 1)[-1],
            },
            "speaker": segment.speaker,
        },
        root_cause=root_cause_for(call.lexicon_dir, rule_id),
        ruleset_version=call.ruleset_version,
    )
