"""What the phrase model changes in a category's findings: vetoed matches and added utterances.

pipeline.detectors.phrases.model scores every utterance of a call once; here the scores meet
the rules' matches. A match in an utterance the model scores below the category's `veto` is
dropped. An utterance of the category's party where the rules found nothing, not even a
candidate they turned down, and that the model scores at least `add` becomes a finding of its
own: rule `<prefix>.model` at the category's default severity, the whole utterance as its
evidence, and in its details the score, the threshold and the n-grams that weighed most (from
the masked text, so an explanation never shows a digit of a number).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.detectors.phrases.model import PhraseModel, line_scores, strongest_grams
from pipeline.detectors.phrases.spec import PhraseCategory, PhraseMatch
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.joined import JoinedSegments
from pipeline.text.spans import evidence_snippet
from pipeline.types import Finding, Segment, Transcript

if TYPE_CHECKING:
    from pipeline.detectors.base import CallContext

# The last few transcripts' scores: the phrase categories of one call share them. Keyed by id()
# with the transcript kept alongside, so an id is never reused while its entry lives.
_SCORES: dict[int, tuple[Transcript, np.ndarray, dict[int, int]]] = {}
_SCORES_KEPT = 16


# The model learnt from utterances of up to about 60 characters, and its sum over n-grams grows
# with length: a long ASR segment of harmless words would add up past any threshold. So a
# segment longer than WINDOW + STEP characters is scored as windows of WINDOW characters, STEP
# apart (each part of it in a window of about a training utterance's size), and takes the
# highest window's score; shorter ones are scored whole, as in training.
WINDOW, STEP = 40, 20


def utterance_windows(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """(the texts to score, the index of each text's first one among them)."""
    lines: list[str] = []
    first = np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        first[i] = len(lines)
        if len(text) <= WINDOW + STEP:
            lines.append(text)
        else:
            lines.extend(text[start : start + WINDOW] for start in range(0, len(text) - STEP, STEP))
    return lines, first


def call_scores(model: PhraseModel, transcript: Transcript) -> tuple[np.ndarray, dict[int, int]]:
    """The model's probabilities (segments × categories) of every segment of a call, in one
    pass over its text, and each segment's row by id()."""
    cached = _SCORES.get(id(transcript))
    if cached is not None and cached[0] is transcript:
        return cached[1], cached[2]
    segments = transcript.segments
    lines, first_line = utterance_windows([s.text.replace("\n", " ") for s in segments])
    per_line = line_scores(model, "\n".join(lines), len(lines))
    scores = np.maximum.reduceat(per_line, first_line, axis=0) if len(lines) else per_line
    row_of = {id(segment): i for i, segment in enumerate(segments)}
    if len(_SCORES) >= _SCORES_KEPT:
        oldest = next(iter(_SCORES), None)
        if oldest is not None:
            _SCORES.pop(oldest, None)
    _SCORES[id(transcript)] = (transcript, scores, row_of)
    return scores, row_of


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
    all_scores, row_of = call_scores(model, call.transcript)
    scores = all_scores[:, model.column(spec.category)]
    veto, add = model.veto[spec.category], model.add[spec.category]
    kept = [m for m in matches if scores[row_of[id(m.segment)]] >= veto]
    judged = {row_of[id(m.segment)] for m in kept}
    judged.update(row_of[id(joined.segments[i])] for i in rejected)
    segments = call.transcript.segments
    added = [
        _model_finding(call, spec, model, segments[i], float(scores[i]))
        for i in np.flatnonzero(scores >= add).tolist()
        if i not in judged and segments[i].role == spec.role and segments[i].text
    ]
    return kept, added


def _model_finding(
    call: CallContext, spec: PhraseCategory, model: PhraseModel, segment: Segment, score: float
) -> Finding:
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
