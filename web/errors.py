"""One place maps refusals to HTTP: 403 authority/recusal/CSRF, 409 stale or wrong state,
422 bad field or unmet rule, 404 unknown or invisible case, 503 (with Retry-After) when the
database cannot be reached; 400 malformed JSON, 413 a body too large, 422 a path or query
value out of its type or bounds (web/request_checks.py, web/params.py). Routes never catch
these. Under /api every answer has one shape (web/error_body.py); elsewhere it is the HTML
message page (a bad value in a page's path is 404: there is no such page)."""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware

from cases.core.service import NotFound, Stale
from cases.people import security_log as SL
from web import api, pages, request_checks
from web.deps import CsrfRefused, LoginRequired, mark_refusal
from web.error_body import api_error
from web.request_checks import InputRefused
from workflows.engine import Refusal, Refused

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
SERVER_ERROR_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Error - drukflow</title></head><body><h1>Something went wrong</h1>"
    "<p>An error on drukflow's side stopped this request. Nothing was changed.</p>"
    "<p>If it happens again, tell your administrator this reference: "
    "<strong>{rid}</strong></p></body></html>"
)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    api.declare_errors(app)  # the OpenAPI names what the handlers below answer

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        status = exc.status
        if status == 403:
            security_log.warning("refused %s %s: %s", request.method, request.url.path, exc)
            mark_refusal(request, SL.FORBIDDEN, str(exc))
        if is_api(request):
            return api_error(status, str(exc), refusals=exc.refusals)
        return await pages.render_refusal(request, status, exc.refusals)

    @app.exception_handler(Stale)
    async def stale(request: Request, exc: Stale) -> Response:
        if is_api(request):
            return api_error(
                409,
                str(exc),
                refusals=[Refusal("stale", "", str(exc), "version")],
                current_version=exc.current_version,
            )
        return await pages.render_refusal(request, 409, [], message=str(exc))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        mark_refusal(request, SL.NOT_FOUND, str(exc))  # or not_visible, if it exists
        if is_api(request):
            return api_error(404, str(exc))
        return pages.message_page(request, 404, "Not found", str(exc))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if is_api(request):
            return api_error(
                401,
                "sign in: send 'Authorization: Bearer <token>'",
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
            return api_error(403, detail)
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
            return api_error(503, detail, headers=headers)
        return HTMLResponse(UNAVAILABLE_PAGE, status_code=503, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """FastAPI's own refusals (a path or query value out of its type or bounds, a body
        that does not fit its model) in the shape of every other refusal."""
        return await input_refused(request, _from_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """No such address (404), a method it does not take (405), a form that cannot be
        read (400)."""
        if is_api(request):
            return api_error(exc.status_code, str(exc.detail), headers=exc.headers)
        return pages.message_page(
            request, exc.status_code, _TITLES.get(exc.status_code, "Refused"), str(exc.detail)
        )

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """A fault of drukflow's, not of the request: the user gets the request id to quote
        (web.observability logs the traceback under it); the transaction was rolled back."""
        rid = getattr(request.state, "request_id", "")
        detail = f"an error on drukflow's side; nothing was changed. Quote reference {rid}"
        if is_api(request):
            return api_error(500, detail, request_id=rid)
        return HTMLResponse(SERVER_ERROR_PAGE.format(rid=html.escape(rid)), status_code=500)

    # Innermost of the app's middleware: the headers and the security log wrap its answers.
    app.user_middleware.append(Middleware(request_checks.RequestChecks, answer=input_refused))


_TITLES = {404: "Not found", 413: "Too large", 400: "Not understood"}


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "fields", "reasons") -> "fields.reasons"; ("path", "case_id") -> "case_id"."""
    return ".".join(str(p) for p in loc[1:]) or str(loc[0])


def _from_validation(exc: RequestValidationError) -> InputRefused:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return InputRefused(400, "the body is not well-formed JSON")
    refusals = [
        Refusal("field", "", f"{_location(e['loc'])}: {_sentence(e['msg'])}", _location(e["loc"]))
        for e in errors
    ]
    in_path = any(e["loc"][:1] == ("path",) for e in errors)
    return InputRefused(
        422,
        "; ".join(r.reason for r in refusals),
        refusals[0].field if refusals else None,
        refusals,
        page_status=404 if in_path else None,
    )


def _sentence(msg: str) -> str:
    return msg[:1].lower() + msg[1:]


async def input_refused(request: Request, exc: InputRefused) -> Response:
    """A request refused before its route ran (web/request_checks.py, web/params.py)."""
    if is_api(request):
        return api_error(exc.status, exc.detail, field=exc.field, refusals=exc.refusals)
    title = _TITLES.get(exc.page_status, "Refused")
    return pages.message_page(request, exc.page_status, title, exc.detail)
