"""Detector registry. A detector is a module with `detect(call: CallContext) -> list[Finding]`.

Adding one = a module in this package + a line in DETECTORS + its lexicon + a table test.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from pipeline.detectors import credential_request, escalation, forbidden_phrases, overpromise, script_compliance
from pipeline.detectors import pii
from pipeline.detectors.base import CallContext
from pipeline.types import CATEGORIES, Finding

Detector = Callable[[CallContext], list[Finding]]

# name -> detect function; names are what [detectors] enabled lists in callqa.toml.
DETECTORS: dict[str, Detector] = {
    "forbidden_phrases": forbidden_phrases.detect,
    "overpromise": overpromise.detect,
    "credential_request": credential_request.detect,
    "escalation": escalation.detect,
    "script_compliance": script_compliance.detect,
    "pii": pii.detect,
}


def run_detectors(call: CallContext, enabled: tuple[str, ...]) -> list[Finding]:
    findings: list[Finding] = []
    for name in enabled:
        for finding in DETECTORS[name](call):
            if finding.category not in CATEGORIES:
                raise ValueError(f"detector {name} produced unknown category {finding.category!r}")
            findings.append(finding)
    return sorted(findings, key=attrgetter("start_s", "category", "rule_id"))


__all__ = ["CallContext", "DETECTORS", "Detector", "run_detectors"]
