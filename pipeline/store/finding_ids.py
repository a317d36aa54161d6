"""The stable identity of a finding (findings.finding_id), which reviewers' verdicts refer to.

finding_index is the finding's place in its call and shifts whenever a rescore adds or drops a
finding before it; a verdict must stay with what was found. So the id is a hash of what names
the event: the call, the category, whose words or sound it concerns and when it starts (to a
tenth of a second, so a float written and read back the same way never splits it). The rule_id
is left out on purpose: a rule renamed or refined still finds the same event, and the verdict
given under the old rule is then marked stale at publication instead of being lost.
Migration 010 defines the same as the SQL macro finding_id_of, which every insert uses.
"""

from __future__ import annotations

import hashlib


def finding_id(call_id: str, category: str, role: str, start_s: float) -> str:
    key = f"{call_id}|{category}|{role}|{start_s:.1f}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
