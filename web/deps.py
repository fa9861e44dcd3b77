"""Request dependencies: the clock, the signed-in user, CSRF checks, the client's address."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlmodel import Session

from cases.core.db import read_connection, reading, transaction
from cases.core.models import User
from cases.inbox import notifications
from cases.inbox.notifications import NAV_MOST
from cases.people import auth
from cases.people import security_log as SL
from workflows.context import Actor

SESSION_COOKIE = "drukflow_session"
LOGIN_CSRF_COOKIE = "drukflow_login_csrf"


class LoginRequired(Exception):
    """No valid session or token (pages redirect to /login; the API answers 401).
    ``ended`` says why a session that existed has just ended (shown on the login page)."""

    def __init__(self, ended: str = "") -> None:
        super().__init__(ended or "sign in")
        self.ended = ended


class CsrfRefused(Exception):
    """A state-changing request without the session's CSRF token or from another origin."""


def now(request: Request) -> datetime:
    return request.app.state.clock()


@contextmanager
def tx(request: Request) -> Iterator[Session]:
    """The request's unit of work. A GET or HEAD changes nothing (tests/web/test_web_security.py
    walks every page to check), so on SQLite it reads WAL's snapshot without queueing for
    the write lock behind transitions and the sweep; anything else writes."""
    if request.method in ("GET", "HEAD"):
        with reading(request.app.state.engine) as session:
            yield session
        return
    with transaction(request.app.state.engine) as session:
        yield session


class Viewer:
    def __init__(self, user: User, csrf: str | None, unread: int = 0):
        self.user = user
        self.csrf = csrf
        self.actor: Actor = auth.actor_of(user)
        self.unread = unread  # unread inbox notices, for the navigation of pages

    @property
    def unread_shown(self) -> str:
        """The navigation's count: "99+" past ``notifications.NAV_MOST``."""
        most = notifications.NAV_MOST
        return f"{most}+" if self.unread > most else str(self.unread)


def client_ip(request: Request) -> str:
    """The peer's address. Behind a reverse proxy, run uvicorn with --proxy-headers and
    --forwarded-allow-ips so that this is the user's address, not the proxy's; a raw
    X-Forwarded-For header is never trusted here (anyone can send one)."""
    return request.client.host if request.client else ""


def session_policy(request: Request) -> auth.SessionPolicy:
    return getattr(request.app.state, "session_policy", None) or auth.DEFAULT_POLICY


def secure_cookie(request: Request) -> bool:
    """Whether this request's cookies get ``Secure`` (DRUKFLOW_COOKIE_SECURE; by default when
    the request came over HTTPS, as uvicorn --proxy-headers reports behind a proxy)."""
    return session_policy(request).secure_cookie(request.url.scheme)


def _where(request: Request) -> dict[str, str]:
    """Where a refused or ended sign-in came from, for the security log (only then: most
    requests pass, and building the URL is not free)."""
    return {"ip": client_ip(request), "method": request.method, "path": request.url.path}


def _viewer(request: Request) -> Viewer:
    """Session expiry is logged in this transaction, which commits (the expired row's
    deletion with it); LoginRequired is raised only after it has ended. Refused tokens are
    counted (``token_refusals``), never one write each."""
    header = request.headers.get("authorization", "")
    at = now(request)
    ended = ""
    bearer = header.lower().startswith("bearer ")
    if bearer:
        # An API call only reads its token: outside the write lock on SQLite. A refused one
        # is counted, and logged once per address and minute (SL.TokenRefusals).
        with read_connection(request.app.state.engine) as conn:
            user, why = auth.token_lookup(conn, header[7:].strip())
        if user is not None and not why:
            return Viewer(user, None)
        token_refusals(request).refused(
            request.app.state.engine,
            at=at,
            why=why,
            username=user.username if user else "",
            user_id=user.id if user else None,
            **_where(request),
        )
        raise LoginRequired()
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        # Most page views find their session valid and fresh: read it outside the write lock.
        with reading(request.app.state.engine) as s:
            fresh = auth.valid_session_unchanged(s, sid, at, session_policy(request))
            if fresh is not None and fresh.user is not None and fresh.row is not None:
                unread = notifications.unread_count(s, fresh.user.id or 0, NAV_MOST)
                return Viewer(fresh.user, fresh.row.csrf_token, unread)
    with transaction(request.app.state.engine) as s:
        found = auth.check_session(s, sid, at, session_policy(request)) if sid else None
        if found is not None and found.user is not None and found.row is not None:
            user = found.user
            # Counted here, in the transaction that reads the session, not lazily while a
            # template renders: a route may render inside its own write transaction, and a
            # second BEGIN IMMEDIATE on SQLite would wait for it. API calls skip it.
            unread = notifications.unread_count(s, user.id or 0, NAV_MOST)
            return Viewer(user, found.row.csrf_token, unread)
        if found is not None and found.ended:
            ended = found.ended
            SL.record(
                s,
                SL.SESSION_EXPIRED,
                at=at,
                username=found.user.username if found.user else "",
                user_id=found.user.id if found.user else None,
                detail=ended,
                **_where(request),
            )
    raise LoginRequired(ended)


def token_refusals(request: Request) -> SL.TokenRefusals:
    """This app's tally of refused bearer tokens (web.security_pages.install makes it; the
    sweep and the security page flush it)."""
    return request.app.state.token_refusals


def current_viewer(request: Request) -> Viewer:
    viewer = _viewer(request)
    request.state.viewer = viewer
    return viewer


async def csrf_protect(
    request: Request, viewer: Annotated[Viewer, Depends(current_viewer)]
) -> None:
    """Every state change through a browser session carries the session's token."""
    if viewer.csrf is None:  # bearer-token API calls carry no cookies to forge
        return
    check_origin(request)
    token = request.headers.get("x-csrf-token")
    if token is None:
        form = await request.form()
        token = str(form.get("csrf_token") or "")
    if not secrets.compare_digest(token or "", viewer.csrf):
        raise CsrfRefused()


def check_origin(request: Request) -> None:
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRefused()
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise CsrfRefused()


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
CsrfChecked = Annotated[None, Depends(csrf_protect)]


def mark_refusal(request: Request, kind: str, detail: str = "") -> None:
    """Name the refusal this request ends in, for the security log written after the
    response (web.security_pages.RefusalLog), once the request's own transaction is over."""
    request.state.security_refusal = (kind, detail)
