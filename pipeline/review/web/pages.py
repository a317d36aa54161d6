"""The workbench's pages: server-side Jinja2 templates over the same reads as the JSON API.
Their buttons call the API with fetch() (static/workbench.js), sending the CSRF token that each
page carries in a <meta> tag."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from pipeline.review.web.access import MAY_DECIDE, MAY_READ_ACCESS_LOG, MAY_RECHECK, STAFF
from pipeline.review.web.api import NOT_FOUND, bench, current_user, require_role
from pipeline.review.web.snapshot import QueueFilter

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def set_timezone(zone: str) -> None:
    """Times on the pages read in the site's zone ([archive] timezone): the `local` filter."""
    tz = ZoneInfo(zone)

    def local(value: str | datetime | None) -> str:
        if not value:
            return ""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    templates.env.filters["local"] = local


router = APIRouter(include_in_schema=False)

ROLE_NAMES = {
    "agent": "坐席 agent",
    "reviewer": "质检员 reviewer",
    "senior": "质检主管 senior",
    "lead": "团队负责人 lead",
    "admin": "管理员 admin",
}


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    session = getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "role_name": ROLE_NAMES.get(user.role, user.role) if user else "",
            "csrf_token": session.csrf_token if session else "",
            "staff": bool(user and user.role in STAFF),
            "levels": bench(request).config.review.levels,
            **context,
        },
        status_code=status_code,
    )


def _flag(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get((value or "").lower())


@router.get("/login")
def login_page(request: Request, next: str = "/queue") -> HTMLResponse:
    # only a path of this site: no scheme, no //host, no \ (browsers read /\host as //host)
    local = next.startswith("/") and not next.startswith("//") and "\\" not in next
    safe_next = next if local and ":" not in next.split("?")[0] else "/queue"
    return render(request, "login.html", next=safe_next)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_page(
    request: Request,
    flagged: str | None = None,
    sampled: str | None = None,
    reviewed: str | None = None,
    day: str | None = Query(None, alias="date"),
    team: str | None = None,
    agent: str | None = None,
    category: str | None = None,
    page: int = Query(1, ge=1),
) -> HTMLResponse:
    user = current_user(request)
    try:
        when = date.fromisoformat(day) if day else None
    except ValueError:
        when = None
    if user.role == "agent":
        wanted = QueueFilter(None, None, _flag(reviewed), when, None, None, category, page)
    else:
        flag = _flag(flagged) if flagged is not None else True
        wanted = QueueFilter(
            flag,
            _flag(sampled),
            _flag(reviewed),
            when,
            team or None,
            agent or None,
            category or None,
            page,
        )
    result = bench(request).queue(user, wanted)
    filters = {
        "flagged": "" if wanted.flagged is None else str(wanted.flagged).lower(),
        "sampled": sampled or "",
        "reviewed": reviewed or "",
        "date": day or "",
        "team": team or "",
        "agent": agent or "",
        "category": category or "",
    }
    pages = max(1, -(-result.total // result.page_size))
    # an agent's appeals with their answers; a senior's open appeals to decide
    appeals = (
        bench(request).appeals(user, open_only=user.role != "agent")
        if user.role == "agent" or user.role in MAY_DECIDE
        else []
    )
    return render(
        request, "queue.html", result=result, filters=filters, pages=pages, appeals=appeals[-50:]
    )


@router.get("/calls/{call_id}")
def call_page(call_id: str, request: Request) -> HTMLResponse:
    user = current_user(request)
    found = bench(request).call(user, call_id)
    if found is None:
        raise HTTPException(404, NOT_FOUND)
    appeals_by_finding: dict[str | None, list[dict[str, Any]]] = {}
    for appeal in found["appeals"]:
        appeals_by_finding.setdefault(appeal["finding_id"], []).append(appeal)
    return render(
        request,
        "call.html",
        c=found,
        appeals_by_finding=appeals_by_finding,
        may_decide=user.role in MAY_DECIDE,
        may_recheck=user.role in MAY_RECHECK,
    )


@router.get("/rules")
def rules_page(request: Request) -> HTMLResponse:
    require_role(current_user(request), STAFF, "rule precision")
    return render(request, "rules.html", rules=bench(request).precision())


@router.get("/recheck")
def recheck_page(request: Request) -> HTMLResponse:
    user = current_user(request)
    require_role(user, STAFF, "the re-check pass rate")
    return render(
        request,
        "recheck.html",
        summary=bench(request).rechecks(user),
        may_recheck=user.role in MAY_RECHECK,
    )


@router.get("/access-log")
def access_log_page(request: Request, user: str | None = None) -> HTMLResponse:
    require_role(current_user(request), MAY_READ_ACCESS_LOG, "the access log")
    entries = bench(request).store.access_log(user_name=user or None)
    return render(request, "access_log.html", entries=entries[-500:][::-1], who=user or "")


@router.get("/api/docs")
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI description rendered locally (no CDN)."""
    return render(request, "api_docs.html")
