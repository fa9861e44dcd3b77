"""One place maps refusals to HTTP: 403 authority/recusal/CSRF, 409 stale or wrong state,
422 bad field or unmet rule, 404 unknown or invisible case, 503 (with Retry-After) when the
database cannot be reached. Routes never catch these."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import exc as sa_exc

from cases import security_log as SL
from cases.service import NotFound, Stale
from web import api, pages
from web.deps import CsrfRefused, LoginRequired, mark_refusal
from workflows.engine import Refused

security_log = logging.getLogger("drukflow.security")
log = logging.getLogger("drukflow.web")

RETRY_AFTER_S = 5
# Built without the database or the templates' context: it is what answers when they fail.
UNAVAILABLE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Unavailable - drukflow</title></head><body><h1>Unavailable for a moment</h1>"
    "<p>The database could not be reached. Nothing was changed. "
    f"Please try again in {RETRY_AFTER_S} seconds.</p></body></html>"
)

STATUS = {"authority": 403, "recusal": 403, "state": 409, "field": 422, "guard": 422}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    api.declare_errors(app)  # the OpenAPI names what the handlers below answer

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        status = STATUS[exc.kind]
        if status == 403:
            security_log.warning("refused %s %s: %s", request.method, request.url.path, exc)
            mark_refusal(request, SL.FORBIDDEN, str(exc))
        body = {"detail": str(exc), "refusals": [r.as_dict() for r in exc.refusals]}
        if is_api(request):
            return JSONResponse(body, status_code=status)
        return await pages.render_refusal(request, status, exc.refusals)

    @app.exception_handler(Stale)
    async def stale(request: Request, exc: Stale) -> Response:
        body = {
            "detail": str(exc),
            "current_version": exc.current_version,
            "refusals": [{"kind": "stale", "cite": "", "reason": str(exc), "field": "version"}],
        }
        if is_api(request):
            return JSONResponse(body, status_code=409)
        return await pages.render_refusal(request, 409, [], message=str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        mark_refusal(request, SL.NOT_FOUND, str(exc))  # or not_visible, if it exists
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return pages.message_page(request, 404, "Not found", str(exc))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if is_api(request):
            return JSONResponse(
                {"detail": "sign in: send 'Authorization: Bearer <token>'"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login?ended=1" if exc.ended else "/login", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, exc: CsrfRefused) -> Response:
        security_log.warning("CSRF refused %s %s", request.method, request.url.path)
        mark_refusal(request, SL.CSRF_REFUSED, "missing or wrong token, or a cross-site origin")
        detail = "the form's security token is missing or does not match; reload the page"
        if is_api(request):
            return JSONResponse({"detail": detail}, status_code=403)
        return pages.message_page(request, 403, "Refused", detail)

    @app.exception_handler(sa_exc.OperationalError)
    @app.exception_handler(sa_exc.InterfaceError)
    @app.exception_handler(sa_exc.DisconnectionError)
    async def database_unavailable(request: Request, exc: Exception) -> Response:
        """The database went away (a PostgreSQL restart, a lost connection) or stayed locked
        (SQLite): the request's transaction was rolled back, nothing half-done is kept, and
        the pool replaces dead connections (pool_pre_ping), so asking again shortly works."""
        log.warning("database unavailable for %s %s: %s", request.method, request.url.path, exc)
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        detail = "the database is unavailable for a moment; nothing was changed, try again"
        if is_api(request):
            return JSONResponse({"detail": detail}, status_code=503, headers=headers)
        return HTMLResponse(UNAVAILABLE_PAGE, status_code=503, headers=headers)
