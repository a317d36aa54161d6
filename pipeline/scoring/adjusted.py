"""The adjusted score: the call's score once the findings overturned on appeal stop deducting.

The machine score stays what the nightly run stored; the adjusted score is shown beside it. A
finding overturned by a senior (申诉 upheld for the agent) no longer counts; an appeal of the
call's score as a whole that is overturned removes every deduction of the call.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pipeline.scoring.scorecard import Scorecard, score_call
from pipeline.types import CallScore, Finding


@dataclass(frozen=True)
class AdjustedScore:
    machine: float | None  # as stored by the run
    adjusted: float | None  # after the overturned findings stop deducting
    overturned: tuple[str, ...]  # finding ids that no longer deduct
    whole_call_overturned: bool
    breakdown: CallScore | None  # the re-scored breakdown; None when nothing was overturned


def adjusted_score(
    machine: float | None,
    findings: Sequence[tuple[str, Finding]],
    overturned_ids: Collection[str],
    scorecard: Scorecard,
    whole_call_overturned: bool = False,
) -> AdjustedScore:
    """`findings`: (finding_id, Finding) of one call. The adjusted score is the machine score
    plus what the overturned findings deduct under `scorecard` (the difference of scoring the
    call's findings with and without them): a score made with an older card then moves by what
    these findings cost, not by the card's other changes. A red line they caused no longer
    fails the call. Nothing overturned: the machine score itself. The same figure as the
    snapshot's adjusted_scores (pipeline.review.publish)."""
    overturned = tuple(fid for fid, _ in findings if fid in overturned_ids)
    if not overturned and not whole_call_overturned:
        return AdjustedScore(machine, machine, (), False, None)
    kept = [] if whole_call_overturned else [f for fid, f in findings if fid not in overturned_ids]
    before = score_call([f for _, f in findings], scorecard)
    after = score_call(kept, scorecard)
    adjusted = machine
    if machine is not None and before.score is not None and after.score is not None:
        adjusted = min(100.0, max(0.0, machine + after.score - before.score))
    elif machine is None and after.score is not None:
        adjusted = after.score  # e.g. the overturned finding was what left the call unscored
    return AdjustedScore(machine, adjusted, overturned, whole_call_overturned, after)
