"""One place maps refusals to HTTP: 403 authority/recusal/CSRF, 409 stale or wrong state,
422 bad field or unmet rule, 404 unknown or invisible case. Routes never catch these."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from cases.service import NotFound, Stale
from web import pages
from web.deps import CsrfRefused, LoginRequired
from workflows.engine import Refused

security_log = logging.getLogger("drukflow.security")

STATUS = {"authority": 403, "recusal": 403, "state": 409, "field": 422, "guard": 422}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        status = STATUS[exc.kind]
        if status == 403:
            security_log.warning("refused %s %s: %s", request.method, request.url.path, exc)
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
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, exc: CsrfRefused) -> Response:
        security_log.warning("CSRF refused %s %s", request.method, request.url.path)
        detail = "the form's security token is missing or does not match; reload the page"
        if is_api(request):
            return JSONResponse({"detail": detail}, status_code=403)
        return pages.message_page(request, 403, "Refused", detail)
