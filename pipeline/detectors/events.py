"""One event, one finding: the rule matches of one category in one utterance become one finding.

我要去消协投诉你们 matches escalation.regulator (消协) and escalation.complaint (投诉你们); it is
one customer threatening once, and the Pareto and the scorecard must count it once. Matches of
one category and one party that lie in the same utterance (segment) or overlap in time are
merged: the finding keeps the most severe rule (then the earliest) as its rule_id, severity
and evidence, spans all of them in time, and lists every match in `details["matches"]`
(rule id, severity, phrase, the words heard, lexicon line, times), so nothing a reviewer
needs to see is lost. Findings of different categories never merge: a promise and a
credential request in one sentence are two problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from operator import attrgetter

from pipeline.types import SEVERITIES, Finding, Segment

# What each match contributes to the merged finding's list.
MATCH_FIELDS = ("phrase", "heard", "matched_by", "lexicon")
_TIME_ORDER = attrgetter("start_s", "end_s", "rule_id")


def _utterance(finding: Finding, segments: Sequence[Segment]) -> int | None:
    """Index of the segment of the finding's party that holds its span, if one does."""
    role, start, end = finding.role, finding.start_s, finding.end_s
    for index, segment in enumerate(segments):
        if segment.role == role and segment.start - 1e-3 <= start and end <= segment.end + 1e-3:
            return index
    return None


def _match_record(finding: Finding) -> dict:
    record: dict[str, object] = {"rule_id": finding.rule_id, "severity": finding.severity}
    record.update({k: finding.details[k] for k in MATCH_FIELDS if k in finding.details})
    record.update(start_s=finding.start_s, end_s=finding.end_s)
    return record


def _merged(group: list[Finding]) -> Finding:
    if len(group) == 1:
        return group[0]
    primary = min(group, key=lambda f: (-SEVERITIES.index(f.severity), f.start_s, f.rule_id))
    return replace(
        primary,
        start_s=min(f.start_s for f in group),
        end_s=max(f.end_s for f in group),
        details={**primary.details, "matches": [_match_record(f) for f in group]},
    )


def merge_events(findings: Sequence[Finding], segments: Sequence[Segment]) -> list[Finding]:
    """The findings with each category's matches of one utterance (or overlapping) merged."""
    by_kind: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_kind.setdefault((finding.category, finding.role), []).append(finding)
    # A finding's utterance is looked up (a scan of the segments) only when a match that does
    # not overlap the group so far asks whether it shares an utterance with it: most matches
    # of one event overlap in time (投诉 in 去投诉) and need none.
    utterances: dict[int, int | None] = {}  # id(finding) -> its utterance, once asked

    def utterance(finding: Finding) -> int | None:
        if id(finding) not in utterances:
            utterances[id(finding)] = _utterance(finding, segments)
        return utterances[id(finding)]

    merged: list[Finding] = []
    for members in by_kind.values():
        members.sort(key=_TIME_ORDER)
        group: list[Finding] = []
        group_end = float("-inf")
        for finding in members:
            if group and finding.start_s >= group_end:
                index = utterance(finding)
                if index is None or all(utterance(member) != index for member in group):
                    merged.append(_merged(group))
                    group, group_end = [], float("-inf")
            group.append(finding)
            group_end = max(group_end, finding.end_s)
        merged.append(_merged(group))
    return merged
