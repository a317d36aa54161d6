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

from pipeline.types import SEVERITIES, Finding, Segment

# What each match contributes to the merged finding's list.
MATCH_FIELDS = ("phrase", "heard", "matched_by", "lexicon")


def _utterance(finding: Finding, segments: Sequence[Segment]) -> int | None:
    """Index of the segment of the finding's party that holds its span, if one does."""
    for index, segment in enumerate(segments):
        if (
            segment.role == finding.role
            and segment.start - 1e-3 <= finding.start_s
            and finding.end_s <= segment.end + 1e-3
        ):
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
    by_kind: dict[tuple[str, str], list[tuple[Finding, int | None]]] = {}
    for finding in findings:
        key = (finding.category, finding.role)
        by_kind.setdefault(key, []).append((finding, _utterance(finding, segments)))
    merged: list[Finding] = []
    for members in by_kind.values():
        members.sort(key=lambda m: (m[0].start_s, m[0].end_s, m[0].rule_id))
        group: list[Finding] = []
        utterances: set[int] = set()
        group_end = float("-inf")
        for finding, utterance in members:
            joins = group and (
                (utterance is not None and utterance in utterances) or finding.start_s < group_end
            )
            if group and not joins:
                merged.append(_merged(group))
                group, utterances, group_end = [], set(), float("-inf")
            group.append(finding)
            if utterance is not None:
                utterances.add(utterance)
            group_end = max(group_end, finding.end_s)
        merged.append(_merged(group))
    return merged
