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

from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, compress, count
from typing import TYPE_CHECKING

import numpy as np

from pipeline.detectors.phrases.model import (
    PhraseModel,
    line_scores,
    near_line_logits,
    strongest_grams,
)
from pipeline.detectors.phrases.spec import PhraseCategory, PhraseMatch
from pipeline.scoring.root_causes import root_cause_for
from pipeline.text.joined import JoinedSegments
from pipeline.text.per_call import PerCall
from pipeline.text.spans import evidence_snippet
from pipeline.types import Finding, Role, Segment, Transcript

if TYPE_CHECKING:
    from pipeline.detectors.base import CallContext


@dataclass(eq=False)
class _Scored:
    # categories × segments: scored at or above the category's veto (a match there stands)
    at_or_above_veto: np.ndarray
    segments: tuple[Segment, ...]  # the call's, a row each
    above_add: list[list[int]]  # per category: the rows scored at least its add, in order
    # per category: the rows scored at least its veto or its add (worth_searching), in order
    searchable: list[list[int]]
    _rows: dict[int, int] | None = None  # id() of a segment → its row, made when first asked

    def row_of(self, segment: Segment) -> int:
        """The row of one of the call's segments (most calls ask none: no match, no add)."""
        if self._rows is None:
            self._rows = dict(zip(map(id, self.segments), range(len(self.segments))))
        return self._rows[id(segment)]


# The last few transcripts' scores: the phrase categories (and signal rules) of a call share them.
_SCORES: PerCall[_Scored] = PerCall()


# The model learnt from utterances of up to about 60 characters, and its sum over n-grams grows
# with length: a long ASR segment of harmless words would add up past any threshold. So a
# segment longer than WINDOW + STEP characters is scored as windows of WINDOW characters, STEP
# apart (each part of it in a window of about a training utterance's size), and takes the
# highest window's score; shorter ones are scored whole, as in training.
WINDOW, STEP = 40, 20


def utterance_windows(texts: list[str]) -> tuple[list[str], list[int] | None]:
    """(the texts to score, the index of each text's first one among them; None when every
    text is scored whole, as most segments are)."""
    lengths = list(map(len, texts))
    if max(lengths, default=0) <= WINDOW + STEP:
        return texts, None
    lines: list[str] = []
    counts = [1] * len(texts)  # lines of each text
    done = 0
    for i in compress(count(), map((WINDOW + STEP).__lt__, lengths)):  # the long ones
        windows = [texts[i][at : at + WINDOW] for at in range(0, lengths[i] - STEP, STEP)]
        lines += texts[done:i]
        lines += windows
        counts[i] = len(windows)
        done = i + 1
    lines += texts[done:]
    return lines, list(accumulate(counts, initial=0))[:-1]


def _scored(model: PhraseModel, transcript: Transcript) -> _Scored:
    """What the model's scores of every segment of a call decide, from one pass over its
    text: per column, the rows at or above its veto, its add, and either.

    Exactly what line_scores' probabilities (exact_scores) decide: the call's logits are summed
    in a faster order (near_line_logits), and where one is within model.logit_rounding of a
    threshold's logit, that segment is decided by line_scores. A score shown takes
    exact_scores.
    """
    return _SCORES.get(transcript, model, lambda: _call_scores(model, transcript.segments))


def exact_scores(model: PhraseModel, text: str) -> np.ndarray:
    """The probabilities (categories) of one segment's text, as training sums them."""
    return _scores(line_scores, model, [text])[0]


def _call_scores(model: PhraseModel, segments: tuple[Segment, ...]) -> _Scored:
    if not segments:
        none: list[list[int]] = [[] for _ in model.bias]
        return _Scored(np.zeros((len(model.categories), 0), dtype=bool), segments, none, none)
    texts = [s.text for s in segments]
    # logits, compared with the thresholds' logits: the same order as the probabilities', less
    # a sigmoid (and the highest window's logit is the highest window's probability's)
    logits = _scores(near_line_logits, model, texts)
    # (add, min(veto, add), veto) × categories × segments: each logit less each threshold's
    # (C order: a row's booleans side by side for _rows_at_or_above's one flat nonzero)
    above = np.subtract(logits.T, model.logit_floors[:, :, None], order="C")
    at_or_above = above >= 0.0
    if np.abs(above).min() < model.logit_rounding:  # seldom: a logit too near to tell
        near = (np.abs(above) < model.logit_rounding).any(axis=(0, 1))
        rows = near.nonzero()[0]
        exact = _scores(line_scores, model, [texts[i] for i in rows.tolist()])
        at_or_above[:, :, rows] = np.greater_equal(exact.T, model.floors[:, :, None])
    above_add, searchable = _rows_at_or_above(at_or_above[:2])
    return _Scored(at_or_above[2], segments, above_add, searchable)


def _rows_at_or_above(above: np.ndarray) -> tuple[list[list[int]], list[list[int]]]:
    """above: (2, columns, rows) booleans, C order. For each of the two, per column: the rows
    where it holds, in order. One nonzero for all of them, of the flat array (nonzero of a 2-d
    array costs several times more; each numpy call more than the lists it makes)."""
    groups, rows = np.divmod(above.ravel().nonzero()[0], above.shape[2])
    ends = list(accumulate(np.bincount(groups, minlength=2 * above.shape[1]).tolist()))
    found = rows.tolist()
    lists = [found[start:end] for start, end in zip([0, *ends], ends)]
    return lists[: above.shape[1]], lists[above.shape[1] :]


def _scores(
    score: Callable[[PhraseModel, str, int], np.ndarray], model: PhraseModel, texts: list[str]
) -> np.ndarray:
    """`score` of texts, long ones by windows (the highest window's)."""
    lines, first = utterance_windows(texts)
    text = "\n".join(lines)
    if text.count("\n") != len(lines) - 1:  # a line break inside a text is a space to the model
        lines, first = utterance_windows([t.replace("\n", " ") for t in texts])
        text = "\n".join(lines)
    if first is None:
        return score(model, text, len(lines))
    return np.maximum.reduceat(score(model, text, len(lines)), first, axis=0)


def judge(
    call: CallContext,
    spec: PhraseCategory,
    model: PhraseModel,
    joined: JoinedSegments,
    matches: list[PhraseMatch],
    rejected: set[int],
) -> tuple[list[PhraseMatch], list[Finding]]:
    """(the matches the model lets stand, findings of the utterances it adds): verdicts()."""
    kept, added = verdicts(
        model, call.transcript, spec.category, spec.role, joined, matches, rejected
    )
    return kept, [_model_finding(call, spec, model, segment) for segment in added]


def verdicts(
    model: PhraseModel,
    transcript: Transcript,
    column: str,
    role: Role,
    joined: JoinedSegments,
    matches: list[PhraseMatch],
    rejected: set[int],
) -> tuple[list[PhraseMatch], list[Segment]]:
    """What a column of the model says of a call beside the rules (a phrase category's, or a
    signal's of rules.txt): (the matches in utterances it scores at or above its veto, the
    utterances of `role` it scores at or above its add where no kept match stands).

    `rejected`: indices into joined.segments of utterances where the rules turned a candidate
    down for its context (并非保本, 12315 inside an order number). The rules' explicit no
    stands: the model adds none of them.
    """
    scored = _scored(model, transcript)
    k = model.column(column)
    kept_in = scored.at_or_above_veto[k]
    kept = [m for m in matches if kept_in[scored.row_of(m.segment)]]
    segments = transcript.segments
    candidates = [i for i in scored.above_add[k] if segments[i].role == role and segments[i].text]
    if not candidates:  # most calls: nothing for the model to add
        return kept, []
    judged = {scored.row_of(m.segment) for m in kept}
    judged.update(scored.row_of(joined.segments[i]) for i in rejected)
    return kept, [segments[i] for i in candidates if i not in judged]


def worth_searching(
    model: PhraseModel, transcript: Transcript, column: str, joined: JoinedSegments
) -> list[int] | None:
    """The utterances of joined.segments (indices, in order) where a rule match could count for
    the column: scored at or above its veto, or at or above its add (there a match, even one
    turned down, keeps the model from adding the utterance). None: all of them (no veto)."""
    if model.veto[column] <= 0:
        return None
    rows = _scored(model, transcript).searchable[model.column(column)]
    if not rows:  # most calls, for most categories
        return []
    index = _index_of(transcript, joined)
    segments = transcript.segments
    return sorted(i for row in rows if (i := index.get(id(segments[row]))) is not None)


# id() of each segment of a party's joined text -> its index there, for the last few calls:
# the categories of one party ask for the same one.
_INDEXES: PerCall[tuple[JoinedSegments, dict[int, int]]] = PerCall()


def _index_of(transcript: Transcript, joined: JoinedSegments) -> dict[int, int]:
    def index() -> tuple[JoinedSegments, dict[int, int]]:
        return joined, dict(zip(map(id, joined.segments), count()))

    kept = _INDEXES.get(transcript, id(joined), index)
    return kept[1] if kept[0] is joined else index()[1]


def _model_finding(
    call: CallContext, spec: PhraseCategory, model: PhraseModel, segment: Segment
) -> Finding:
    score = float(exact_scores(model, segment.text)[model.column(spec.category)])
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
