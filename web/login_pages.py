"""Signing in and out: the login form with its own CSRF cookie, throttled attempts
(cases.people.auth.login_waits) and every attempt in the security log."""

from __future__ import annotations

import math
import secrets
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from cases.people import auth
from cases.people import security_log as SL
from web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfChecked,
    CsrfRefused,
    CurrentViewer,
    check_origin,
    client_ip,
    now,
    secure_cookie,
    tx,
)
from web.pages import render
from workflows.calendar import BHUTAN_TZ

router = APIRouter(include_in_schema=False)


@router.get("/login", name="login")
def login_form(request: Request, ended: str = "") -> Response:
    notice = "Your session has ended; please sign in again." if ended else None
    return _login_page(request, notice, 200)


def _login_page(
    request: Request, error: str | None, status: int, headers: dict[str, str] | None = None
) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(
        request, "pages/login.html", {"login_csrf": token, "error": error}, status, headers=headers
    )
    resp.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookie(request)
    )
    return resp


def _throttled(request: Request, until: datetime, scope: str) -> Response:
    """The 429 login page: how long to wait, and when, in Bhutan time."""
    seconds = max(1, math.ceil((until - now(request)).total_seconds()))
    minutes = math.ceil(seconds / 60)
    wait = f"{seconds} seconds" if seconds < 60 else f"{minutes} minute" + "s" * (minutes > 1)
    text = (
        f"Too many failed sign-ins {scope}. "
        f"Try again in {wait} (at {until.astimezone(BHUTAN_TZ):%H:%M:%S} Bhutan time)."
    )
    return _login_page(request, text, 429, headers={"Retry-After": str(seconds)})


@router.post("/login")
async def login(request: Request) -> Response:
    """Throttled per (username, address) and per address (cases.people.auth.login_waits); every
    attempt is in the security log. The password is checked between two short transactions
    so that argon2's deliberate slowness never holds the database's write lock."""
    form = await request.form()
    check_origin(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, str(form.get("csrf_token") or "")):
        raise CsrfRefused()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    at, ip = now(request), client_ip(request)
    where = {"username": username, "ip": ip, "method": "POST", "path": request.url.path}
    attempt: int | None = None
    with tx(request) as s:
        waits = auth.login_waits(s, username, ip, at)
        if waits.pair is not None:
            detail = f"until {waits.pair.isoformat(timespec='seconds')}"
            SL.record(s, SL.LOGIN_THROTTLED, at=at, status=429, detail=detail, **where)
        else:
            # Counted as failed before the password is checked, in this serialised
            # transaction, so that guesses sent in parallel all count; a success is settled.
            attempt = SL.record(s, SL.LOGIN_FAILED, at=at, status=401, **where).id
        user = None if waits.pair else auth.find_user(s, username)
    if waits.pair is not None:
        return _throttled(request, waits.pair, "for this username from your address")
    ok = await run_in_threadpool(auth.password_matches, user, password)
    with tx(request) as s:
        user = auth.find_user(s, username) if ok else None
        if user is not None and user.active:
            sid, _csrf = auth.start_session(s, user, at)
            SL.settle_login(s, attempt or 0, user.id)
        else:
            user = None
    if user is None:
        if waits.address is not None:  # many usernames failed from here: wrong ones wait
            return _throttled(request, waits.address, "from your address")
        return _login_page(request, "Wrong username or password.", 401)
    resp = RedirectResponse(request.url_for("dashboard"), status_code=303)
    secure = secure_cookie(request)
    resp.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=secure)
    resp.delete_cookie(LOGIN_CSRF_COOKIE, secure=secure, httponly=True, samesite="strict")
    return resp


@router.post("/logout", name="logout")
def logout(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    """The session's row is deleted now, not when the cookie expires."""
    with tx(request) as s:
        auth.end_session(s, request.cookies.get(SESSION_COOKIE, ""))
        SL.record(
            s,
            SL.LOGOUT,
            at=now(request),
            username=viewer.user.username,
            user_id=viewer.user.id,
            ip=client_ip(request),
            method="POST",
            path=request.url.path,
        )
    resp = RedirectResponse(request.url_for("login"), status_code=303)
    resp.delete_cookie(SESSION_COOKIE, secure=secure_cookie(request), httponly=True, samesite="lax")
    return resp
