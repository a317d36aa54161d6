"""Least privilege: which calls a user may see, and what each role may do on them.

Agents see their own calls (users.agent_id) and hear only the redacted recording; reviewers,
seniors and leads see the calls of their teams (users.team, several separated by commas; no
team: every team) and hear the original; admins see everything. A team of a call is its
agent's agents.team, or the team the review store gives to the agent's user.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.review.records import User
from pipeline.review.web.snapshot import Scope

STAFF = ("reviewer", "senior", "lead", "admin")
MAY_VERDICT = ("reviewer", "senior", "lead", "admin")
MAY_DECIDE = ("senior", "lead", "admin")
MAY_SIGNOFF = ("lead", "admin")
MAY_RECHECK = ("senior", "lead", "admin")
MAY_READ_ACCESS_LOG = ("admin",)


def teams_of(user: User) -> tuple[str, ...]:
    return tuple(t.strip() for t in (user.team or "").split(",") if t.strip())


def scope_of(user: User, users: Iterable[User]) -> Scope:
    if user.role == "agent":
        # an agent without an agent id sees nothing: "" matches no call
        return Scope(agent_id=user.agent_id or "")
    teams = teams_of(user)
    if user.role == "admin" or not teams:
        return Scope(every_call=True)
    team_agents = tuple(
        sorted(
            {
                other.agent_id
                for other in users
                if other.role == "agent" and other.agent_id and set(teams_of(other)) & set(teams)
            }
        )
    )
    return Scope(teams=teams, team_agents=team_agents)


def hears_original(user: User) -> bool:
    """Staff hear the recording itself; agents the copy with personal data toned out."""
    return user.role in STAFF
