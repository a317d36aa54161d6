"""What one `callqa review` server holds: config, review store, snapshot reader, sessions —
and the reads that both the pages and the JSON API make (so they always agree)."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.batch.names import load_or_create_key
from pipeline.batch.redaction import recording_path, redact_call
from pipeline.config import Config
from pipeline.errors import CallqaError
from pipeline.review.records import Appeal, User
from pipeline.review.store import ReviewStore
from pipeline.review.web.access import hears_original, scope_of
from pipeline.review.web.calls import call_json
from pipeline.review.web.sessions import LoginThrottle, SessionStore
from pipeline.review.web.snapshot import (
    QueueFilter,
    QueuePage,
    Scope,
    SnapshotReader,
    call_of_finding,
    call_visible,
    queue_page,
    recheck_calls,
    rules_of_findings,
    stored_call,
    teams_of_agents,
)
from pipeline.review.web.stats import recheck_summary, rule_precision
from pipeline.scoring.scorecard import Scorecard, load_scorecard
from pipeline.store.recordings import pii_spans, stored_recording

REVIEWED_TTL_S = 10.0


@dataclass(frozen=True)
class Recording:
    path: Path
    kind: str  # original | redacted


class Workbench:
    def __init__(self, config: Config, store: ReviewStore):
        self.config = config
        self.store = store
        self.reader = SnapshotReader(
            config.paths.snapshot, config.review.new_hire_days, config.review.sample_percent
        )
        self.sessions = SessionStore(config.review.session_idle_minutes * 60.0)
        self.throttle = LoginThrottle()
        self.scorecard: Scorecard = load_scorecard(str(config.paths.lexicons))
        self._redact_lock = threading.Lock()
        self._reviewed_lock = threading.Lock()
        self._reviewed: set[str] | None = None
        self._reviewed_at = 0.0

    def close(self) -> None:
        self.reader.close()
        self.store.close()

    def scope(self, user: User) -> Scope:
        return scope_of(user, self.store.list_users() if user.role != "agent" else ())

    def queue(self, user: User, wanted: QueueFilter) -> QueuePage:
        page = queue_page(
            self.reader, self.scope(user), wanted, self.reviewed_ids(), self.recheck_call_ids()
        )
        teams = self.agent_teams()
        for row in page.rows:
            row["team"] = row["team"] or teams.get(row["agent_id"])
        return page

    def agent_teams(self) -> dict[str, str]:
        """The team the review store's users give an agent (shown where agents.team has none)."""
        return {u.agent_id: u.team for u in self.store.list_users() if u.agent_id and u.team}

    def reviewed_ids(self) -> list[str]:
        """Calls with a verdict. Read from the store at most every REVIEWED_TTL_S (a mature site
        has many verdicts); this server's own verdicts count at once (mark_reviewed), another
        server's after the next read."""
        now = time.monotonic()
        with self._reviewed_lock:
            if self._reviewed is None or now - self._reviewed_at > REVIEWED_TTL_S:
                self._reviewed = {v.call_id for v in self.store.verdicts()}
                self._reviewed_at = now
            return list(self._reviewed)

    def mark_reviewed(self, call_id: str) -> None:
        with self._reviewed_lock:
            if self._reviewed is not None:
                self._reviewed.add(call_id)

    def recheck_call_ids(self) -> list[str]:
        ids: set[str] = set()
        for order in self.store.rechecks():
            calls = recheck_calls(self.reader, order.agent_id, order.created_at, order.n_calls)
            ids.update(c["call_id"] for c in calls)
        return sorted(ids)

    def call(self, user: User, call_id: str, log: bool = True) -> dict[str, Any] | None:
        """The call as `user` may see it, or None (unknown or outside the scope: the same)."""
        stored = stored_call(self.reader, self.scope(user), call_id)
        if stored is None:
            return None
        if log:
            self.store.log_access(user, "view", call_id)
        appeals = self.store.appeals(call_id=call_id)
        if not stored.call["team"]:
            stored.call["team"] = self.agent_teams().get(stored.call["agent_id"])
        return call_json(
            stored, user, self.store.verdicts(call_id), appeals, self.scorecard, self.config
        )

    def finding_call(self, user: User, finding_id: str) -> dict[str, Any] | None:
        """The call of a finding the user may see, without logging a view."""
        call_id = call_of_finding(self.reader, finding_id)
        return None if call_id is None else self.call(user, call_id, log=False)

    def appeals(self, user: User, open_only: bool = False) -> list[Appeal]:
        """An agent's own appeals; for staff, those of the calls in their scope."""
        if user.role == "agent":
            found = self.store.appeals(agent_id=user.agent_id or "")
        else:
            scope = self.scope(user)
            found = [
                a
                for a in self.store.appeals()
                if (not open_only or a.decision is None)
                and call_visible(self.reader, scope, a.call_id)
            ]
        return [a for a in found if not open_only or a.decision is None]

    def precision(self) -> list[dict[str, Any]]:
        verdicts = self.store.verdicts()
        current = rules_of_findings(self.reader, sorted({v.finding_id for v in verdicts}))
        return rule_precision(verdicts, current)

    def rechecks(self, user: User) -> dict[str, Any]:
        orders = self.store.rechecks()
        scope = self.scope(user)
        if not scope.every_call:
            allowed = set(scope.team_agents)
            teams = teams_of_agents(self.reader, sorted({o.agent_id for o in orders}))
            orders = [
                o for o in orders if o.agent_id in allowed or teams.get(o.agent_id) in scope.teams
            ]
        agent_ids = sorted({o.agent_id for o in orders})
        teams = teams_of_agents(self.reader, agent_ids)
        user_teams = {u.agent_id: u.team for u in self.store.list_users() if u.agent_id}

        def calls_after(agent_id: str, since: datetime, n: int) -> list[dict[str, Any]]:
            return recheck_calls(self.reader, agent_id, since, n)

        return recheck_summary(
            orders, calls_after, lambda a: teams.get(a) or user_teams.get(a) or None
        )

    # audio -----------------------------------------------------------------------------------
    def recording(self, user: User, call_id: str) -> Recording | None:
        """The file `user` may hear: the original for staff, the redacted copy for agents."""
        if stored_call(self.reader, self.scope(user), call_id) is None:
            return None
        with self.reader.cursor() as cur:
            stored = stored_recording(cur, call_id)
            spans = pii_spans(cur, call_id)
        if stored is None or stored.status != "ok":
            return None
        if hears_original(user):
            path = recording_path(stored, load_or_create_key(self.config.paths.id_key))
            if not path.is_file():
                raise CallqaError(f"call {call_id!r}: its recording is not in the archive")
            return Recording(path, "original")
        # the copy is keyed by the recording and the spans: a rescore that finds more makes a new one
        key = hashlib.sha256(
            repr((call_id, stored.audio_sha256, [tuple(vars(s).values()) for s in spans])).encode()
        ).hexdigest()[:32]
        out = Path(self.config.review.audio_cache) / f"{key}.wav"
        with self._redact_lock:
            if not out.is_file():
                # from the snapshot this server reads: opening the run's database, even read-only,
                # would keep a nightly run from taking it
                redact_call(self.config, self.config.paths.snapshot, call_id, out)
        return Recording(out, "redacted")
