"""The review store: users, verdicts, appeals, decisions, sign-offs, re-checks, access log.

Every write is one transaction, durable when the method returns. Records are append-only (a
user's password and disabled flag are the only updates), so the history of who decided what
and when is never rewritten. Thread-safe: the threads of a process share one connection.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipeline.config import PROJECT_ROOT, Config
from pipeline.errors import (
    AppealClosed,
    ReviewInputError,
    ReviewPermissionError,
    UnknownAppeal,
    UnknownUser,
    UserExists,
)
from pipeline.review.backends import Backend, DuplicateRecord, open_backend
from pipeline.review.passwords import check_new_password, hash_password, verify_password
from pipeline.review.records import (
    DECISIONS,
    ROLES,
    VERDICTS,
    AccessEntry,
    Appeal,
    Recheck,
    SignOff,
    User,
    Verdict,
)

# Who may write what (the web app checks scope — which calls — on top of these).
ROLE_MAY: dict[str, tuple[str, ...]] = {
    "verdict": ("reviewer", "senior", "lead", "admin"),
    "decision": ("senior", "lead", "admin"),
    "signoff": ("lead", "admin"),
    "recheck": ("senior", "lead", "admin"),
    "appeal": ROLES,
}


def now_text() -> str:
    """UTC now in the store's one fixed-width text form (text order = time order)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def time_text(moment: datetime | date) -> str:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def store_location(config: Config) -> tuple[str, Path]:
    """The [review] store value and the folder its relative path is read from."""
    base = config.source.parent if config.source else PROJECT_ROOT
    return config.review.store, base


def open_review_store(config: Config) -> ReviewStore:
    store, base = store_location(config)
    return ReviewStore(open_backend(store, base))


def _require(choice: str, allowed: tuple[str, ...], what: str) -> None:
    if choice not in allowed:
        raise ReviewInputError(f"{what} must be one of {', '.join(allowed)}, got {choice!r}")


class ReviewStore:
    def __init__(self, backend: Backend):
        self.backend = backend
        self.where = backend.where

    # users ---------------------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        role: str,
        password: str,
        agent_id: str | None = None,
        team: str | None = None,
    ) -> User:
        name = name.strip()
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise ReviewInputError(f"a user name needs 1-64 characters and no spaces, got {name!r}")
        _require(role, ROLES, "a user's role")
        if role == "agent" and not agent_id:
            raise ReviewInputError(
                f"user {name!r} is an agent: give the agent id of their calls (--agent-id)"
            )
        if problem := check_new_password(password):
            raise ReviewInputError(f"user {name!r}: {problem}")
        params = dict(name=name, role=role, agent_id=agent_id or None, team=team or None)
        params.update(password_hash=hash_password(password), now=now_text())
        try:
            with self.backend.write() as db:
                db.rows("insert_user", params)
        except DuplicateRecord:
            raise UserExists(name) from None
        return User(name, role, agent_id or None, team or None, False)

    def _update_user(self, query: str, name: str, **params: Any) -> None:
        with self.backend.write() as db:
            if not db.rows("get_user", {"name": name}):
                raise UnknownUser(name)
            db.rows(query, {"name": name, "now": now_text(), **params})

    def set_password(self, name: str, password: str) -> None:
        if problem := check_new_password(password):
            raise ReviewInputError(f"user {name!r}: {problem}")
        self._update_user("set_password", name, password_hash=hash_password(password))

    def disable_user(self, name: str) -> None:
        self._update_user("disable_user", name)

    def get_user(self, name: str) -> User | None:
        rows = self.backend.rows("get_user", {"name": name})
        return _user(rows[0][:5]) if rows else None

    def list_users(self) -> list[User]:
        return [_user(row) for row in self.backend.rows("list_users", {})]

    def authenticate(self, name: str, password: str) -> User | None:
        """The user, or None for an unknown, disabled or wrong one (all take the same time)."""
        rows = self.backend.rows("get_user", {"name": name})
        stored = rows[0][5] if rows else None
        if not verify_password(password, stored) or not rows:
            return None
        user = _user(rows[0][:5])
        return None if user.disabled else user

    # review records --------------------------------------------------------------------------
    def _check_may(self, action: str, user: User) -> None:
        current = self.get_user(user.name)
        if current is None:
            raise UnknownUser(user.name)
        if current.disabled:
            raise ReviewPermissionError(f"user {user.name!r} is disabled")
        if current.role not in ROLE_MAY[action]:
            raise ReviewPermissionError(
                f"user {user.name!r} is {_article(current.role)}: a {action} needs the role "
                f"{' or '.join(ROLE_MAY[action])}"
            )

    def _insert(
        self, action: str, user: User, query: str, params: dict[str, Any]
    ) -> tuple[int, datetime]:
        """Checks the user may, writes one record; its new id and time."""
        self._check_may(action, user)
        now = now_text()
        with self.backend.write() as db:
            rows = db.rows(query, {**params, "user_name": user.name, "now": now})
        return int(rows[0][0]), _time(now)

    def add_verdict(
        self,
        finding_id: str,
        call_id: str,
        rule_id: str,
        category: str,
        verdict: str,
        note: str,
        user: User,
        ruleset_version: str | None = None,
    ) -> Verdict:
        _require(verdict, VERDICTS, "a verdict")
        params: dict[str, Any] = dict(finding_id=finding_id, call_id=call_id, rule_id=rule_id)
        params["category"] = category
        params.update(verdict=verdict, note=note or "", ruleset_version=ruleset_version)
        verdict_id, at = self._insert("verdict", user, "insert_verdict", params)
        return Verdict(
            verdict_id,
            finding_id,
            call_id,
            rule_id,
            category,
            verdict,
            note or "",
            user.name,
            at,
            ruleset_version,
        )

    def add_appeal(self, call_id: str, finding_id: str | None, reason: str, user: User) -> Appeal:
        if not reason.strip():
            raise ReviewInputError("an appeal needs a reason")
        params = dict(call_id=call_id, finding_id=finding_id, reason=reason.strip())
        params["agent_id"] = user.agent_id
        appeal_id, _ = self._insert("appeal", user, "insert_appeal", params)
        found = self.appeal(appeal_id)
        assert found is not None
        return found

    def decide_appeal(self, appeal_id: int, decision: str, note: str, user: User) -> Appeal:
        _require(decision, DECISIONS, "a decision")
        self._check_may("decision", user)
        params = dict(appeal_id=appeal_id, decision=decision, note=note or "")
        try:
            with self.backend.write() as db:
                if self.appeal(appeal_id) is None:
                    raise UnknownAppeal(appeal_id)
                db.rows("insert_decision", {**params, "decided_by": user.name, "now": now_text()})
        except DuplicateRecord:
            earlier = self.appeal(appeal_id)
            assert earlier is not None and earlier.decision is not None
            raise AppealClosed(appeal_id, earlier.decision, earlier.decided_by or "?") from None
        decided = self.appeal(appeal_id)
        assert decided is not None
        return decided

    def add_signoff(self, batch_id: str, note: str, user: User) -> SignOff:
        if not batch_id.strip():
            raise ReviewInputError("a sign-off needs the id of the batch it signs off")
        params = dict(batch_id=batch_id.strip(), note=note or "")
        signoff_id, at = self._insert("signoff", user, "insert_signoff", params)
        return SignOff(signoff_id, params["batch_id"], params["note"], user.name, at)

    def add_recheck(self, agent_id: str, n_calls: int, user: User) -> Recheck:
        if not agent_id or n_calls < 1:
            raise ReviewInputError(
                f"a re-check needs an agent id and at least one call, got {agent_id!r}, {n_calls}"
            )
        params = dict(agent_id=agent_id, n_calls=int(n_calls))
        recheck_id, at = self._insert("recheck", user, "insert_recheck", params)
        return Recheck(recheck_id, agent_id, int(n_calls), user.name, at)

    def log_access(
        self, user: User | str, action: str, call_id: str | None, detail: str = ""
    ) -> None:
        """One access-log entry. `user` may be a bare name: a failed login names whoever tried,
        known user or not."""
        name = user if isinstance(user, str) else user.name
        params = dict(user_name=name, action=action, call_id=call_id, detail=detail or "")
        with self.backend.write() as db:
            db.rows("insert_access", {**params, "now": now_text()})

    # reads -----------------------------------------------------------------------------------
    def verdicts(self, call_id: str | None = None) -> list[Verdict]:
        rows = self.backend.rows("verdicts", {"call_id": call_id})
        return [
            Verdict(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], _time(r[8]), r[9]) for r in rows
        ]

    def appeals(self, call_id: str | None = None, agent_id: str | None = None) -> list[Appeal]:
        params = {"call_id": call_id, "agent_id": agent_id, "appeal_id": None}
        return [_appeal(row) for row in self.backend.rows("appeals", params)]

    def appeal(self, appeal_id: int) -> Appeal | None:
        params = {"call_id": None, "agent_id": None, "appeal_id": int(appeal_id)}
        rows = self.backend.rows("appeals", params)
        return _appeal(rows[0]) if rows else None

    def signoffs(self) -> list[SignOff]:
        return [
            SignOff(row[0], row[1], row[2], row[3], _time(row[4]))
            for row in self.backend.rows("signoffs", {})
        ]

    def rechecks(self) -> list[Recheck]:
        return [
            Recheck(row[0], row[1], row[2], row[3], _time(row[4]))
            for row in self.backend.rows("rechecks", {})
        ]

    def access_log(
        self,
        user_name: str | None = None,
        call_id: str | None = None,
        since: datetime | date | None = None,
    ) -> list[AccessEntry]:
        params = dict(user_name=user_name, call_id=call_id)
        params["since"] = time_text(since) if since is not None else None
        rows = self.backend.rows("access_log", params)
        return [AccessEntry(row[0], row[1], row[2], row[3], row[4], _time(row[5])) for row in rows]

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _article(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role


def _user(row: tuple[Any, ...]) -> User:
    name, role, agent_id, team, disabled = row
    return User(name, role, agent_id, team, bool(disabled))


def _appeal(row: tuple[Any, ...]) -> Appeal:
    decided_at = _time(row[10]) if row[10] is not None else None
    appeal_id, call_id, finding_id, reason, agent_id, user_name = row[:6]
    created_at = _time(row[6])
    return Appeal(
        appeal_id,
        call_id,
        finding_id,
        reason,
        agent_id,
        user_name,
        created_at,
        row[7],
        row[8],
        row[9],
        decided_at,
    )
