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
    """`findings`: (finding_id, Finding) of one call. With nothing overturned the adjusted score
    is the machine score itself (even if the scorecard changed since the run); otherwise the
    remaining findings are scored again with `scorecard`."""
    overturned = tuple(fid for fid, _ in findings if fid in overturned_ids)
    if not overturned and not whole_call_overturned:
        return AdjustedScore(machine, machine, (), False, None)
    kept = [] if whole_call_overturned else [f for fid, f in findings if fid not in overturned_ids]
    rescored = score_call(kept, scorecard)
    return AdjustedScore(machine, rescored.score, overturned, whole_call_overturned, rescored)
