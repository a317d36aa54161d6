"""The JSON API of the workbench, the one its own pages call (documented at /api/docs).

Every route but POST /api/login needs a session (the guard in pipeline.review.web.app), and
every state-changing one the session's CSRF token in the X-CSRF-Token header.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from pipeline.review.records import User
from pipeline.review.web.access import (
    MAY_DECIDE,
    MAY_READ_ACCESS_LOG,
    MAY_RECHECK,
    MAY_SIGNOFF,
    MAY_VERDICT,
    STAFF,
)
from pipeline.review.web.calls import appeal_json
from pipeline.review.web.snapshot import QueueFilter
from pipeline.review.web.state import Workbench

COOKIE = "callqa_session"
NOT_FOUND = "not found"  # the same words for an unknown call and one outside the user's scope
MEDIA_TYPES = {
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".mp3": "audio/mpeg",
}

router = APIRouter()


class LoginRequest(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class VerdictRequest(BaseModel):
    verdict: Literal["confirmed", "rejected", "unsure"]
    note: str = Field("", max_length=2000)


class AppealRequest(BaseModel):
    finding_id: str | None = None
    reason: str = Field(min_length=1, max_length=2000)


class DecisionRequest(BaseModel):
    decision: Literal["upheld", "overturned"]
    note: str = Field("", max_length=2000)


class SignoffRequest(BaseModel):
    note: str = Field("", max_length=2000)


class RecheckRequest(BaseModel):
    n_calls: int | None = Field(None, ge=1, le=1000)


def bench(request: Request) -> Workbench:
    return request.app.state.workbench


def current_user(request: Request) -> User:
    return request.state.user


def require_role(user: User, roles: tuple[str, ...], what: str) -> None:
    if user.role not in roles:
        raise HTTPException(403, f"{what} needs the role {' or '.join(roles)}")


def require_level(workbench: Workbench, level: str) -> None:
    if level not in workbench.config.review.levels:
        raise HTTPException(409, f"this site does not use the {level} level ([review] levels)")


@router.post("/api/login", tags=["session"])
def login(body: LoginRequest, request: Request) -> JSONResponse:
    """Log in: sets the session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token.
    After 5 failed tries for a name from one address in 15 minutes: 429 with Retry-After."""
    workbench = bench(request)
    client = request.client.host if request.client else "?"
    wait = workbench.throttle.retry_after(body.username, client)
    if wait is not None:
        raise HTTPException(429, "too many failed logins; try later", {"Retry-After": str(wait)})
    user = workbench.store.authenticate(body.username, body.password)
    if user is None:
        workbench.throttle.failed(body.username, client)
        known = workbench.store.get_user(body.username)
        if known is not None:
            workbench.store.log_access(known, "login_failed", None, client)
        raise HTTPException(401, "wrong user name or password")
    workbench.throttle.succeeded(body.username, client)
    session = workbench.sessions.create(user.name)
    workbench.store.log_access(user, "login", None, client)
    response = JSONResponse(
        {"csrf_token": session.csrf_token, "user": {"name": user.name, "role": user.role}}
    )
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="strict",
        secure=workbench.config.review.cookie_secure,
        path="/",
    )
    return response


@router.post("/api/logout", tags=["session"])
def logout(request: Request) -> JSONResponse:
    workbench = bench(request)
    workbench.sessions.drop(request.state.session.token)
    workbench.store.log_access(current_user(request), "logout", None)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/api/me", tags=["session"])
def me(request: Request) -> dict[str, Any]:
    user = current_user(request)
    return {"name": user.name, "role": user.role, "agent_id": user.agent_id, "team": user.team}


@router.get("/api/calls", tags=["calls"])
def list_calls(
    request: Request,
    flagged: bool | None = None,
    sampled: bool | None = Query(None, description="in the sampling review queue (or a re-check)"),
    reviewed: bool | None = None,
    day: Annotated[date | None, Query(alias="date", description="call date, YYYY-MM-DD")] = None,
    team: str | None = None,
    agent: str | None = None,
    category: str | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """The user's calls, worst first: red lines, then unscored, then lowest score."""
    wanted = QueueFilter(flagged, sampled, reviewed, day, team, agent, category, page, page_size)
    result = bench(request).queue(current_user(request), wanted)
    return {
        "calls": result.rows,
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
    }


@router.get("/api/calls/{call_id}", tags=["calls"])
def get_call(call_id: str, request: Request) -> dict[str, Any]:
    """The call, its masked transcript, findings (with finding_id), score, verdicts, appeals."""
    found = bench(request).call(current_user(request), call_id)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    return found


@router.get("/calls/{call_id}/audio", tags=["calls"])
def call_audio(call_id: str, request: Request) -> FileResponse:
    """The recording (HTTP range requests: 206): original for staff, redacted for agents."""
    workbench = bench(request)
    user = current_user(request)
    recording = workbench.recording(user, call_id)
    if recording is None:
        raise HTTPException(404, NOT_FOUND)
    wanted = request.headers.get("range", "")
    # one log line per playback: a player's first request starts at byte 0, seeks do not
    if not wanted or wanted.replace(" ", "").startswith("bytes=0-"):
        workbench.store.log_access(user, "play", call_id, recording.kind)
    return FileResponse(
        recording.path,
        media_type=MEDIA_TYPES.get(recording.path.suffix.lower(), "application/octet-stream"),
        headers={"Cache-Control": "private, no-store"},
    )


@router.post("/api/findings/{finding_id}/verdict", tags=["review"])
def post_verdict(finding_id: str, body: VerdictRequest, request: Request) -> dict[str, Any]:
    workbench, user = bench(request), current_user(request)
    require_level(workbench, "verdict")
    require_role(user, MAY_VERDICT, "a verdict")
    call = workbench.finding_call(user, finding_id)
    if call is None:
        raise HTTPException(404, NOT_FOUND)
    finding = next(f for f in call["findings"] if f["finding_id"] == finding_id)
    verdict = workbench.store.add_verdict(
        finding_id,
        call["call"]["call_id"],
        finding["rule_id"],
        finding["category"],
        body.verdict,
        body.note,
        user,
        ruleset_version=finding["ruleset_version"],  # a later rule change makes it stale
    )
    workbench.mark_reviewed(verdict.call_id)
    return {"verdict_id": verdict.verdict_id, "finding_id": finding_id, "verdict": body.verdict}


@router.post("/api/calls/{call_id}/appeals", tags=["review"])
def post_appeal(call_id: str, body: AppealRequest, request: Request) -> dict[str, Any]:
    """An agent appeals (申诉) a finding of their own call, or its score (finding_id null)."""
    workbench, user = bench(request), current_user(request)
    require_level(workbench, "decision")
    require_role(user, ("agent",), "an appeal")
    call = workbench.call(user, call_id, log=False)
    if call is None:
        raise HTTPException(404, NOT_FOUND)
    if body.finding_id is not None and body.finding_id not in {
        f["finding_id"] for f in call["findings"]
    }:
        raise HTTPException(404, NOT_FOUND)
    if not call["permissions"]["appeal"]:
        raise HTTPException(
            409, f"the appeal window of {workbench.config.review.appeal_days} days has closed"
        )
    return appeal_json(workbench.store.add_appeal(call_id, body.finding_id, body.reason, user))


@router.post("/api/appeals/{appeal_id}/decision", tags=["review"])
def post_decision(appeal_id: int, body: DecisionRequest, request: Request) -> dict[str, Any]:
    workbench, user = bench(request), current_user(request)
    require_level(workbench, "decision")
    require_role(user, MAY_DECIDE, "a decision")
    appeal = workbench.store.appeal(appeal_id)
    if appeal is None or workbench.call(user, appeal.call_id, log=False) is None:
        raise HTTPException(404, NOT_FOUND)
    return appeal_json(workbench.store.decide_appeal(appeal_id, body.decision, body.note, user))


@router.get("/api/appeals", tags=["review"])
def list_appeals(request: Request, open_only: bool = False) -> dict[str, Any]:
    """Appeals the user may see: an agent's own; staff those of the calls in their scope."""
    found = bench(request).appeals(current_user(request), open_only)
    return {"appeals": [appeal_json(a) for a in found]}


@router.post("/api/batches/{batch_id}/signoff", tags=["review"])
def post_signoff(batch_id: str, body: SignoffRequest, request: Request) -> dict[str, Any]:
    """A lead signs off a review batch (e.g. a day's queue: its date)."""
    workbench, user = bench(request), current_user(request)
    require_level(workbench, "signoff")
    require_role(user, MAY_SIGNOFF, "a sign-off")
    signoff = workbench.store.add_signoff(batch_id, body.note, user)
    return {
        "signoff_id": signoff.signoff_id,
        "batch_id": signoff.batch_id,
        "user_name": signoff.user_name,
        "created_at": signoff.created_at.isoformat(),
    }


@router.post("/api/agents/{agent_id}/recheck", tags=["review"])
def post_recheck(agent_id: str, body: RecheckRequest, request: Request) -> dict[str, Any]:
    """Queue an agent's next N calls for re-check (复检) after coaching."""
    workbench, user = bench(request), current_user(request)
    require_role(user, MAY_RECHECK, "a re-check")
    scope = workbench.scope(user)
    if not scope.every_call:
        # staff with teams may order re-checks of agents whose calls they can see
        wanted = QueueFilter(agent=agent_id, page_size=1)
        if workbench.queue(user, wanted).total == 0:
            raise HTTPException(404, NOT_FOUND)
    n_calls = body.n_calls or workbench.config.review.recheck_calls
    order = workbench.store.add_recheck(agent_id, n_calls, user)
    return {"recheck_id": order.recheck_id, "agent_id": agent_id, "n_calls": order.n_calls}


@router.get("/api/rules/precision", tags=["quality"])
def get_precision(request: Request) -> dict[str, Any]:
    """Confirmed vs rejected per rule and category, Wilson 95 % interval, weekly trend, and
    links to the rejected examples."""
    require_role(current_user(request), STAFF, "rule precision")
    return {"rules": bench(request).precision()}


@router.get("/api/recheck", tags=["quality"])
def get_recheck(request: Request) -> dict[str, Any]:
    """Re-check orders and the pass rate per agent and team."""
    user = current_user(request)
    require_role(user, STAFF, "the re-check pass rate")
    return bench(request).rechecks(user)


@router.get("/api/access-log", tags=["admin"])
def get_access_log(
    request: Request, user: str | None = None, call_id: str | None = None
) -> dict[str, Any]:
    """Who viewed or played which call, and who logged in, when (admins only)."""
    require_role(current_user(request), MAY_READ_ACCESS_LOG, "the access log")
    entries = bench(request).store.access_log(user_name=user, call_id=call_id)
    return {
        "entries": [
            {
                "entry_id": e.entry_id,
                "user_name": e.user_name,
                "action": e.action,
                "call_id": e.call_id,
                "detail": e.detail,
                "at": e.at.isoformat(),
            }
            for e in entries
        ]
    }
