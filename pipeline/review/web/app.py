"""The workbench's FastAPI application: the guard every request passes, errors, assets.

The guard admits only the login page, POST /api/login and the static assets without a session;
everything else answers 401 (API, audio) or redirects to /login (pages). State-changing
requests also need the session's CSRF token in X-CSRF-Token (403 otherwise).
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline import __version__
from pipeline.config import Config
from pipeline.errors import (
    AppealClosed,
    CallqaError,
    ReviewInputError,
    ReviewPermissionError,
    UnknownAppeal,
)
from pipeline.review.store import ReviewStore
from pipeline.review.web import api, pages
from pipeline.review.web.sessions import csrf_matches
from pipeline.review.web.state import Workbench

HERE = Path(__file__).parent
PUBLIC = frozenset({"/login", "/api/login"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Only this server's own scripts, styles and media; no inline script, no framing.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'"
)
log = logging.getLogger(__name__)


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return (
        request.method in SAFE_METHODS
        and not path.startswith("/api/")
        and not path.endswith("/audio")
    )


def _harden(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def create_app(config: Config, store: ReviewStore) -> FastAPI:
    app = FastAPI(
        title="callqa review workbench",
        version=__version__,
        description="Verdicts, appeals (申诉), decisions, sign-offs and re-checks on the calls "
        "callqa inspected. Log in with POST /api/login; send the returned csrf_token as "
        "X-CSRF-Token on every state-changing request.",
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: /api/docs is local
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    workbench = Workbench(config, store)
    pages.set_timezone(config.archive.timezone)
    app.state.workbench = workbench

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        if path in PUBLIC or path.startswith("/static/"):
            return _harden(await call_next(request))
        session = workbench.sessions.get(request.cookies.get(api.COOKIE))
        user = (
            await run_in_threadpool(workbench.store.get_user, session.user_name)
            if session
            else None
        )
        if session is None or user is None or user.disabled:
            if session is not None:
                workbench.sessions.drop(session.token)
            if _wants_page(request):
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            return JSONResponse({"detail": "log in first"}, status_code=401)
        if request.method not in SAFE_METHODS and not csrf_matches(
            session, request.headers.get("x-csrf-token")
        ):
            return JSONResponse({"detail": "missing or wrong X-CSRF-Token"}, status_code=403)
        request.state.user = user
        request.state.session = session
        response: Response = await call_next(request)
        response.headers.setdefault("Cache-Control", "no-store")
        return _harden(response)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # never echo the submitted values (a password could be among them)
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    def answer(request: Request, status: int, detail: str, headers=None) -> Response:
        """JSON for the API and the audio; a page for a person's browser."""
        if _wants_page(request) and request.url.path != "/login":
            return pages.render(request, "error.html", status, status=status, detail=detail)
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return answer(request, exc.status_code, str(exc.detail), exc.headers)

    def handler(status: int):
        async def handle(request: Request, exc: Exception) -> Response:
            return answer(request, status, str(exc))

        return handle

    app.add_exception_handler(ReviewPermissionError, handler(403))
    app.add_exception_handler(ReviewInputError, handler(422))
    app.add_exception_handler(UnknownAppeal, handler(404))
    app.add_exception_handler(AppealClosed, handler(409))
    app.add_exception_handler(CallqaError, handler(503))

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.router.add_event_handler("shutdown", workbench.close)
    return app
