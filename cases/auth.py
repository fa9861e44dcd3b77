"""Users, passwords (argon2 through pwdlib), server-side sessions and API tokens.

Only hashes of session IDs and tokens are stored, so a copy of the database does not
let anyone sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, select

from cases.models import ApiToken, User, WebSession
from workflows import roles as R
from workflows.engine import Actor

_hasher = PasswordHash.recommended()
IDLE_TIMEOUT = timedelta(hours=8)
# A constant hash to spend the same time on unknown usernames as on known ones.
_DUMMY = _hasher.hash("drukflow-timing-equaliser")


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    username: str,
    password: str,
    roles: list[str],
    *,
    display_name: str = "",
    agency_code: str | None = None,
    employee_eid: str | None = None,
) -> User:
    unknown = set(roles) - R.ALL
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        roles=",".join(roles),
        agency_code=agency_code,
        employee_eid=employee_eid,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        _hasher.verify(password, _DUMMY)
        return None
    return user if _hasher.verify(password, user.password_hash) else None


def start_session(session: Session, user: User, now: datetime) -> tuple[str, str]:
    """Returns (cookie value, CSRF token)."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=_sha(sid),
            user_id=user.id,
            csrf_token=csrf,  # type: ignore[arg-type]
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return sid, csrf


def session_user(session: Session, sid: str, now: datetime) -> tuple[User, WebSession] | None:
    row = session.get(WebSession, _sha(sid))
    if row is None:
        return None
    last = (
        row.last_seen_at if row.last_seen_at.tzinfo else row.last_seen_at.replace(tzinfo=now.tzinfo)
    )
    if now - last > IDLE_TIMEOUT:
        session.delete(row)
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - last > timedelta(minutes=1):
        row.last_seen_at = now
        session.add(row)
    return user, row


def end_session(session: Session, sid: str) -> None:
    row = session.get(WebSession, _sha(sid))
    if row is not None:
        session.delete(row)


def issue_token(session: Session, user: User, now: datetime) -> str:
    token = "dkf_" + secrets.token_urlsafe(32)
    session.add(ApiToken(id=_sha(token), user_id=user.id, created_at=now))  # type: ignore[arg-type]
    session.flush()
    return token


def token_user(session: Session, token: str) -> User | None:
    row = session.get(ApiToken, _sha(token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id or 0,
        username=user.username,
        roles=user.role_set,
        agency=user.agency_code,
        employee_eid=user.employee_eid,
    )
