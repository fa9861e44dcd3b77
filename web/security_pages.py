"""The security log in the web app: the page a security officer reads (/security) and the
middleware that writes a refused request's row once that request's own work is over.

Refusals are logged after the response, in a transaction of their own: the refused request's
transaction has rolled back by then (and on SQLite a transaction opened inside it would wait
for it). web/errors.py names each refusal (web.deps.mark_refusal); a 403 that no handler named
(a page that renders its own refusal) is logged too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.core.db import transaction
from cases.core.models import Case, CivilServant
from cases.people import security_log as SL
from web.deps import CurrentViewer, Viewer, now, token_refusals, tx
from web.pages import raise_refusal, render
from web.params import MAX_PAGE
from workflows import roles as R

router = APIRouter(include_in_schema=False)

# Who reads the log: the administrator who runs the system and the RCSC, which oversees
# HR administration across agencies.
READERS = frozenset({R.ADMIN, R.RCSC})


def may_read(viewer: Viewer) -> bool:
    return bool(viewer.actor.roles & READERS)


@router.get("/security", name="security_log")
def security_page(
    request: Request,
    viewer: CurrentViewer,
    kind: str = "",
    username: str = "",
    from_day: str = "",
    to_day: str = "",
    page: str = "1",
) -> Response:
    if not may_read(viewer):
        raise_refusal("only an administrator or the RCSC reads the security log")
    filters = {
        "kind": kind.strip(),
        "username": username.strip(),
        "from_day": from_day.strip(),
        "to_day": to_day.strip(),
    }
    ctx: dict[str, Any] = {"kinds": SL.KINDS, "filters": filters, "error": None, "log": None}
    try:
        number = int(page)
    except ValueError:
        number = 0
    try:
        if not 1 <= number <= MAX_PAGE:
            raise ValueError(f"page: '{page}' is not a page number (1 to {MAX_PAGE:,})")
        # Refused tokens still being counted are written first, so the page shows them all.
        token_refusals(request).flush(request.app.state.engine, now(request))
        with tx(request) as s:
            log = SL.listing(s, **filters, page=number)
    except ValueError as exc:
        ctx["error"] = str(exc)
        return render(request, "pages/security.html", ctx, 422)
    query = {k: v for k, v in filters.items() if v}
    ctx["log"] = log
    ctx["page_url"] = lambda n: "?" + urlencode({**query, "page": n})
    return render(request, "pages/security.html", ctx)


# ------------------------------------------------------------------ logging refusals


class RefusalLog:
    """Pure ASGI (it does not buffer responses): watches the status of each response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        mark = state.get("security_refusal")
        if mark is None and status != 403:
            return
        kind, detail = mark or (SL.FORBIDDEN, "")
        await run_in_threadpool(_write, scope, state, kind, detail, status)


def _write(scope: Scope, state: dict[str, Any], kind: str, detail: str, status: int) -> None:
    app = scope["app"]
    viewer = state.get("viewer")
    user = viewer.user if viewer is not None else None
    client = scope.get("client")
    fields: dict[str, Any] = {
        "username": user.username if user else "",
        "user_id": user.id if user else None,
        "ip": client[0] if client else "",
        "method": scope.get("method", ""),
        "path": scope.get("path", ""),
        "status": status or None,
        "detail": detail,
    }
    if kind == SL.NOT_FOUND and _exists(app.state.engine, scope.get("path_params") or {}):
        kind = SL.NOT_VISIBLE
    SL.record_apart(app.state.engine, kind, at=app.state.clock(), **fields)


def _exists(engine: Any, params: dict[str, Any]) -> bool:
    """Whether the case or civil servant a 404 was about exists: then the 404 meant "not
    yours to see" (cases.core.queries.visibility), not "no such thing"."""
    with transaction(engine) as s:
        if "case_id" in params:
            try:
                return s.get(Case, int(params["case_id"])) is not None
            except (TypeError, ValueError):
                return False
        if "eid" in params:
            return s.get(CivilServant, str(params["eid"])) is not None
    return False


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.add_middleware(RefusalLog)
    app.state.token_refusals = SL.TokenRefusals()
