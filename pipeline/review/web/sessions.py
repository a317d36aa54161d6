"""Server-side sessions and login throttling, in the server's memory.

A session is a random token (the cookie) with its own CSRF token; it ends after an idle time or
at logout. Kept in memory on purpose: nothing to clean up, nothing to steal from disk — a
restart of `callqa review` logs everyone out.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Session:
    token: str
    user_name: str
    csrf_token: str
    created: float
    last_seen: float = field(default=0.0)


class SessionStore:
    def __init__(self, idle_s: float):
        self.idle_s = idle_s
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, user_name: str) -> Session:
        now = time.monotonic()
        session = Session(secrets.token_urlsafe(32), user_name, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._expire(now)
            self._sessions[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session of a cookie, its idle clock restarted; None when absent or expired."""
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_seen > self.idle_s:
                del self._sessions[token]
                return None
            session.last_seen = now
            return session

    def drop(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def _expire(self, now: float) -> None:
        for token in [t for t, s in self._sessions.items() if now - s.last_seen > self.idle_s]:
            del self._sessions[token]


def csrf_matches(session: Session, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf_token.encode(), (sent or "").encode())


class LoginThrottle:
    """At most `limit` failed logins per user name and client address in `window_s` seconds;
    then every try (right password or not) is refused until the oldest failure ages out."""

    def __init__(self, limit: int = 5, window_s: float = 900.0):
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, user_name: str, client: str) -> int | None:
        """Seconds to wait before the next try, or None when a try is allowed now."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent((user_name.casefold(), client), now)
            if len(failures) < self.limit:
                return None
            return max(1, int(failures[0] + self.window_s - now) + 1)

    def failed(self, user_name: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            key = (user_name.casefold(), client)
            self._recent(key, now).append(now)

    def succeeded(self, user_name: str, client: str) -> None:
        with self._lock:
            self._failures.pop((user_name.casefold(), client), None)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures
