"""Users, passwords (argon2 through pwdlib), server-side sessions, API tokens and login
throttling.

Only hashes of session IDs and tokens are stored, so a copy of the database does not
let anyone sign in. A session ends after a spell of inactivity and, whatever the activity,
a fixed time after sign-in, so a stolen cookie or an unlocked desk is useful for hours,
not weeks. Disabling an account ends its sessions and tokens at once.

Throttling slows password guessing without letting an attacker lock a real user out: the
back-off is per (username, address), so failures from the attacker's address do not stop the
user signing in from theirs; a looser per-address cap slows wrong passwords from one address
trying many usernames, but never refuses a right one (an office shares one address behind
NAT). Nothing is ever locked permanently; every refusal says when to try again.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from pwdlib import PasswordHash
from sqlmodel import Session, col, delete, select

from cases.core.models import ApiToken, User, WebSession
from cases.people import security_log as SL
from workflows import roles as R
from workflows.context import Actor

_hasher = PasswordHash.recommended()
IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
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


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def password_matches(user: User | None, password: str) -> bool:
    """Spends an argon2 verification even on an unknown or disabled user, so the time taken
    does not tell which usernames exist. Needs no transaction: the login route calls it
    between two, so a slow hash never holds the database's write lock."""
    if user is None or not user.active:
        _hasher.verify(password, _DUMMY)
        return False
    return _hasher.verify(password, user.password_hash)


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = find_user(session, username)
    return user if password_matches(user, password) else None


# ------------------------------------------------------------------ sessions


def _env_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}: '{raw}' is not a whole number") from None
    if value < 1:
        raise ValueError(f"{name}: must be 1 or more, not {value}")
    return value


# DRUKFLOW_COOKIE_SECURE: "auto" marks the cookie Secure when the request came over HTTPS
# (behind a reverse proxy, uvicorn --proxy-headers takes the scheme from X-Forwarded-Proto);
# "on" always (HTTPS terminated somewhere uvicorn cannot tell); "off" never.
COOKIE_SECURE_CHOICES = ("auto", "on", "off")


@dataclass(frozen=True)
class SessionPolicy:
    """How long a browser session lives: ``idle`` since its last request, ``absolute`` since
    sign-in whatever the activity; and whether its cookie is sent only over HTTPS
    (``cookie_secure``, see ``COOKIE_SECURE_CHOICES``). Configured by
    DRUKFLOW_SESSION_IDLE_MINUTES (480), DRUKFLOW_SESSION_MAX_HOURS (12) and
    DRUKFLOW_COOKIE_SECURE (auto)."""

    idle: timedelta = IDLE_TIMEOUT
    absolute: timedelta = ABSOLUTE_TIMEOUT
    cookie_secure: str = "auto"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SessionPolicy:
        env = os.environ if env is None else env
        idle_default = int(IDLE_TIMEOUT.total_seconds() // 60)
        idle = _env_number(env, "DRUKFLOW_SESSION_IDLE_MINUTES", idle_default)
        hours_default = int(ABSOLUTE_TIMEOUT.total_seconds() // 3600)
        hours = _env_number(env, "DRUKFLOW_SESSION_MAX_HOURS", hours_default)
        secure = env.get("DRUKFLOW_COOKIE_SECURE", "").strip().lower() or "auto"
        if secure not in COOKIE_SECURE_CHOICES:
            choices = ", ".join(COOKIE_SECURE_CHOICES)
            raise ValueError(f"DRUKFLOW_COOKIE_SECURE: '{secure}' is not one of {choices}")
        return cls(
            idle=timedelta(minutes=idle), absolute=timedelta(hours=hours), cookie_secure=secure
        )

    def secure_cookie(self, scheme: str) -> bool:
        """Whether a cookie set on a request of this URL scheme gets ``Secure``."""
        return self.cookie_secure == "on" or (self.cookie_secure == "auto" and scheme == "https")


DEFAULT_POLICY = SessionPolicy()


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


def _aware(value: datetime, now: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=now.tzinfo)


@dataclass(frozen=True)
class SessionCheck:
    """A cookie looked up: ``row`` when the session is valid; ``ended`` says why a session
    that existed has ended now (its row is deleted); both empty for an unknown cookie."""

    user: User | None = None
    row: WebSession | None = None
    ended: str = ""


# The idle timeout's bookkeeping (last_seen_at) is written at most this often.
SEEN_EVERY = timedelta(minutes=1)


def _why_ended(row: WebSession, user: User | None, now: datetime, policy: SessionPolicy) -> str:
    if user is None or not user.active:
        return "account disabled"
    if now - _aware(row.created_at, now) > policy.absolute:
        return f"signed in more than {_span(policy.absolute)} ago"
    if now - _aware(row.last_seen_at, now) > policy.idle:
        return f"idle for more than {_span(policy.idle)}"
    return ""


def _session_of(session: Session, sid: str) -> tuple[WebSession, User | None] | None:
    row = session.get(WebSession, _sha(sid))
    return None if row is None else (row, session.get(User, row.user_id))


def _seen_long_ago(row: WebSession, now: datetime) -> bool:
    return now - _aware(row.last_seen_at, now) > SEEN_EVERY


def check_session(
    session: Session, sid: str, now: datetime, policy: SessionPolicy = DEFAULT_POLICY
) -> SessionCheck:
    found = _session_of(session, sid)
    if found is None:
        return SessionCheck()
    row, user = found
    ended = _why_ended(row, user, now, policy)
    if ended:
        session.delete(row)
        return SessionCheck(user, None, ended)
    if _seen_long_ago(row, now):
        row.last_seen_at = now
        session.add(row)
    return SessionCheck(user, row)


def valid_session_unchanged(
    session: Session, sid: str, now: datetime, policy: SessionPolicy = DEFAULT_POLICY
) -> SessionCheck | None:
    """The session when it is valid and this request has nothing to write for it (no
    expiry to record, last_seen_at fresh): most page views, which can then read without
    the write lock. None otherwise: ``check_session`` in a write transaction decides."""
    found = _session_of(session, sid)
    if found is None:
        return None
    row, user = found
    if _why_ended(row, user, now, policy) or _seen_long_ago(row, now):
        return None
    return SessionCheck(user, row)


def _span(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minutes"
    return f"{minutes // 60} hour{'s' if minutes != 60 else ''}"


def session_user(
    session: Session, sid: str, now: datetime, policy: SessionPolicy = DEFAULT_POLICY
) -> tuple[User, WebSession] | None:
    found = check_session(session, sid, now, policy)
    if found.row is None or found.user is None:
        return None
    return found.user, found.row


def end_session(session: Session, sid: str) -> User | None:
    """Sign out: the session's row goes at once, so the cookie is worthless even if kept."""
    row = session.get(WebSession, _sha(sid))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    session.delete(row)
    return user


def disable_user(session: Session, user: User, now: datetime, by: str) -> tuple[int, int]:
    """Disable an account and end every session and API token it holds at once; returns
    (sessions ended, tokens revoked). Re-enabling the account later does not revive them."""
    user.active = False
    session.add(user)
    sessions = session.exec(
        delete(WebSession).where(col(WebSession.user_id) == user.id)  # type: ignore[call-overload]
    ).rowcount
    tokens = session.exec(
        delete(ApiToken).where(col(ApiToken.user_id) == user.id)  # type: ignore[call-overload]
    ).rowcount
    SL.record(
        session,
        SL.ACCOUNT_DISABLED,
        at=now,
        username=user.username,
        user_id=user.id,
        detail=f"by {by}: {sessions} session(s) ended, {tokens} API token(s) revoked",
    )
    return int(sessions or 0), int(tokens or 0)


def issue_token(session: Session, user: User, now: datetime) -> str:
    token = "dkf_" + secrets.token_urlsafe(32)
    session.add(ApiToken(id=_sha(token), user_id=user.id, created_at=now))  # type: ignore[arg-type]
    session.flush()
    return token


_USER_TABLE = User.__table__  # type: ignore[attr-defined]
_TOKEN_TABLE = ApiToken.__table__  # type: ignore[attr-defined]
# Built once: every API call runs it (a reused statement keeps its compiled form). Core rows,
# not ORM objects: the caller only reads the account, and the ORM's load costs about as
# much again as the query itself.
_TOKEN_OWNER = (
    sa.select(_TOKEN_TABLE.c.user_id, *_USER_TABLE.c)
    .outerjoin(_USER_TABLE, _USER_TABLE.c.id == _TOKEN_TABLE.c.user_id)
    .where(_TOKEN_TABLE.c.id == sa.bindparam("token_id"))
)
_USER_COLUMNS = tuple(_USER_TABLE.c.keys())


def token_lookup(conn: sa.Connection, token: str) -> tuple[User | None, str]:
    """(user, "") for a valid token; (the owner if known, why not) for a refused one. The
    user is a copy of the account's row, attached to no session (nothing writes it)."""
    found = conn.execute(_TOKEN_OWNER, {"token_id": _sha(token)}).first()
    if found is None:
        return None, "unknown API token"
    row = found._mapping
    if row[_USER_TABLE.c.id] is None:
        return None, "the token's account is disabled"
    user = User.model_construct(**{k: row[_USER_TABLE.c[k]] for k in _USER_COLUMNS})
    if not user.active:
        return user, "the token's account is disabled"
    return user, ""


def token_user(session: Session, token: str) -> User | None:
    user, refused = token_lookup(session.connection(), token)
    return None if refused else user


# ------------------------------------------------------------------ throttling


@dataclass(frozen=True)
class LoginThrottle:
    """Failed sign-ins within ``window`` are counted per (username, address), since that
    pair's last success, and per address. Past the free attempts each further one waits
    ``first_delay``, doubling, up to ``max_delay`` after the newest failure."""

    window: timedelta = timedelta(hours=1)
    free_per_user_ip: int = 5
    free_per_ip: int = 30
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=30)

    def delay(self, failures: int, free: int) -> timedelta | None:
        if failures < free:
            return None
        return min(self.first_delay * 2 ** min(failures - free, 20), self.max_delay)


THROTTLE = LoginThrottle()


@dataclass(frozen=True)
class LoginWait:
    """Until when sign-ins are held back. ``pair``: this username from this address has
    failed too often; every attempt waits, the right password too (it may be the attacker's
    lucky guess). ``address``: many usernames failed from this address (perhaps an office
    behind one NAT); a wrong password waits, a right one signs in, so colleagues' typos
    never keep a user out."""

    pair: datetime | None = None
    address: datetime | None = None


def login_waits(
    session: Session, username: str, ip: str, now: datetime, throttle: LoginThrottle = THROTTLE
) -> LoginWait:
    since = now - throttle.window
    reset = SL.last_id(session, SL.LOGIN_OK, username=username, ip=ip)

    def until(failures: int, newest: datetime | None, free: int) -> datetime | None:
        wait = throttle.delay(failures, free)
        if not wait or newest is None:
            return None
        end = _aware(newest, now) + wait
        return end if end > now else None

    pair = SL.count_since(session, SL.LOGIN_FAILED, since, username=username, ip=ip, after_id=reset)
    from_ip = SL.count_since(session, SL.LOGIN_FAILED, since, ip=ip)
    return LoginWait(
        pair=until(*pair, throttle.free_per_user_ip),
        address=until(*from_ip, throttle.free_per_ip),
    )


def login_wait(
    session: Session, username: str, ip: str, now: datetime, throttle: LoginThrottle = THROTTLE
) -> datetime | None:
    """When this username may next try a wrong password from this address, if not now."""
    waits = login_waits(session, username, ip, now, throttle)
    return max((w for w in (waits.pair, waits.address) if w is not None), default=None)


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id or 0,
        username=user.username,
        roles=user.role_set,
        agency=user.agency_code,
        employee_eid=user.employee_eid,
    )
