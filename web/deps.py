"""Request dependencies: the clock, the signed-in user, CSRF checks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlmodel import Session

from cases import auth, notifications
from cases.db import transaction
from cases.models import User
from workflows.engine import Actor

SESSION_COOKIE = "drukflow_session"
LOGIN_CSRF_COOKIE = "drukflow_login_csrf"


class LoginRequired(Exception):
    """No valid session or token (pages redirect to /login; the API answers 401)."""


class CsrfRefused(Exception):
    """A state-changing request without the session's CSRF token or from another origin."""


def now(request: Request) -> datetime:
    return request.app.state.clock()


@contextmanager
def tx(request: Request) -> Iterator[Session]:
    with transaction(request.app.state.engine) as session:
        yield session


class Viewer:
    def __init__(self, user: User, csrf: str | None, unread: int = 0):
        self.user = user
        self.csrf = csrf
        self.actor: Actor = auth.actor_of(user)
        self.unread = unread  # unread inbox notices, for the navigation of pages


def _viewer(request: Request) -> Viewer:
    header = request.headers.get("authorization", "")
    with tx(request) as s:
        if header.lower().startswith("bearer "):
            user = auth.token_user(s, header[7:].strip())
            if user is None:
                raise LoginRequired()
            return Viewer(user, None)
        sid = request.cookies.get(SESSION_COOKIE)
        found = auth.session_user(s, sid, now(request)) if sid else None
        if found is None:
            raise LoginRequired()
        user, ws = found
        # Counted here, in the transaction that reads the session, not lazily while a template
        # renders: a route may render inside its own write transaction, and a second
        # BEGIN IMMEDIATE on SQLite would wait for it. API calls (bearer tokens) skip it.
        return Viewer(user, ws.csrf_token, notifications.unread_count(s, user.id or 0))


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
