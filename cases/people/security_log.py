"""The security log: who signed in, who was turned away, and which sessions ended.

A security officer reads it to spot password guessing, probing of other agencies' cases and
forged requests; login throttling (cases.people.auth) counts its rows. A refusal is logged even
though the refused request's own transaction rolled back: ``record_apart`` writes the row
in a short transaction of its own, opened only after the failed one has ended (on SQLite a
second BEGIN IMMEDIATE inside an open one would wait for itself).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cases.core.db import transaction
from cases.core.models import SecurityEvent
from workflows import bounds
from workflows.calendar import BHUTAN_TZ

log = logging.getLogger("drukflow.security")

LOGIN_OK = "login_ok"
LOGIN_FAILED = "login_failed"
LOGIN_THROTTLED = "login_throttled"
LOGOUT = "logout"
SESSION_EXPIRED = "session_expired"
ACCOUNT_DISABLED = "account_disabled"
TOKEN_REFUSED = "token_refused"  # a bearer token that is unknown or whose user is disabled
FORBIDDEN = "forbidden"  # 403: the role, agency or recusal does not allow it
NOT_VISIBLE = "not_visible"  # 404 for a case that exists but is not this user's to see
NOT_FOUND = "not_found"  # 404 for a case or record that does not exist (probing shows here)
CSRF_REFUSED = "csrf_refused"

KINDS: dict[str, str] = {
    LOGIN_OK: "signed in",
    LOGIN_FAILED: "sign-in failed",
    LOGIN_THROTTLED: "sign-in throttled",
    LOGOUT: "signed out",
    SESSION_EXPIRED: "session expired",
    ACCOUNT_DISABLED: "account disabled",
    TOKEN_REFUSED: "API token refused",
    FORBIDDEN: "refused (403)",
    NOT_VISIBLE: "not visible (404)",
    NOT_FOUND: "not found (404)",
    CSRF_REFUSED: "CSRF refused",
}

# Sizes of the columns (cases.core.models.SecurityEvent): PostgreSQL enforces them.
_SHORT = {"username": 64, "ip": 64, "method": 8}
PAGE_SIZE = 50


def record(
    session: Session,
    kind: str,
    *,
    at: datetime,
    username: str = "",
    user_id: int | None = None,
    ip: str = "",
    method: str = "",
    path: str = "",
    status: int | None = None,
    detail: str = "",
) -> SecurityEvent:
    """Add one row to the log in the caller's transaction (it commits with the caller)."""
    if kind not in KINDS:
        raise ValueError(f"kind: '{kind}' is not a security event kind ({', '.join(KINDS)})")
    values = {"username": username, "ip": ip, "method": method}
    values = {k: v[: _SHORT[k]] for k, v in values.items()}
    row = SecurityEvent(
        at=at,
        kind=kind,
        user_id=user_id,
        path=path[:2000],
        status=status,
        detail=detail[:2000],
        **values,
    )
    session.add(row)
    session.flush()
    log.info("%s user=%r ip=%s %s %s %s", kind, username, ip, method, path, detail)
    return row


def record_apart(engine: Engine, kind: str, *, at: datetime, **fields: object) -> None:
    """Record in a transaction of its own, for a request whose own work was rolled back.

    Call it only when no transaction of this thread is open. A log that cannot be written
    (the database is down or busy) must not turn the refusal into a 500: it goes to the
    server log instead."""
    try:
        with transaction(engine) as s:
            record(s, kind, at=at, **fields)  # type: ignore[arg-type]
    except Exception:
        log.exception("could not write the security log (%s %r)", kind, fields)


def settle_login(session: Session, event_id: int, user_id: int | None) -> None:
    """Turn the attempt recorded as failed (before its password was checked, so that parallel
    guesses all count towards the throttle) into the sign-in it turned out to be."""
    row = session.get(SecurityEvent, event_id)
    if row is None or row.kind != LOGIN_FAILED:
        raise ValueError(f"event {event_id} is not a pending sign-in attempt")
    row.kind, row.status, row.user_id = LOGIN_OK, 303, user_id
    session.add(row)
    log.info("%s user=%r ip=%s (settled)", LOGIN_OK, row.username, row.ip)


def count_since(
    session: Session,
    kind: str,
    since: datetime,
    *,
    username: str | None = None,
    ip: str | None = None,
    after_id: int = 0,
) -> tuple[int, datetime | None]:
    """How many events of ``kind`` since ``since`` (by username and/or address), and the
    newest one's time. The (kind, username, at) and (kind, ip, at) indexes serve this."""
    stmt = select(func.count(), func.max(SecurityEvent.at)).where(
        SecurityEvent.kind == kind, SecurityEvent.at > since, col(SecurityEvent.id) > after_id
    )
    if username is not None:
        stmt = stmt.where(SecurityEvent.username == username)
    if ip is not None:
        stmt = stmt.where(SecurityEvent.ip == ip)
    n, newest = session.exec(stmt).one()
    return int(n or 0), newest


def last_id(session: Session, kind: str, *, username: str, ip: str) -> int:
    """The id of the newest event of ``kind`` for this username from this address (0: none)."""
    stmt = select(func.max(SecurityEvent.id)).where(
        SecurityEvent.kind == kind, SecurityEvent.username == username, SecurityEvent.ip == ip
    )
    return int(session.exec(stmt).one() or 0)


# ------------------------------------------------------------------ refused tokens, in aggregate


@dataclass
class _Tally:
    """Refused tokens of one (address, minute, owner, reason) in this process: the row that
    shows them, once written, and how many it says."""

    at: datetime  # the first refusal's time
    fields: dict[str, object]
    why: str
    count: int = 0
    row_id: int | None = None
    written: int = 0


def tally_detail(why: str, count: int) -> str:
    """The log line's reason, with how many refusals it stands for."""
    return why if count == 1 else f"{why} ({count} in this minute)"


class TokenRefusals:
    """Refused bearer tokens, logged as one row per address and minute with a count.

    A flood of bad tokens (a script with a revoked token, a scan) would otherwise write one
    row per request, each waiting for SQLite's write lock like a case transition and slowing
    every one of them. Here a refusal only counts in memory; the row of its (address,
    minute) is written when the first refusal of that minute arrives (so the log shows the
    flood at once) and updated with the final count once the minute is over, by the next
    refusal, the deadline sweep (``flush`` every minute) or the security page. A refusal
    never waits for the database: while another thread writes, it only counts."""

    def __init__(self) -> None:
        self._tallies: dict[tuple[str, datetime, str, str], _Tally] = {}
        self._count_lock = threading.Lock()
        self._write_lock = threading.Lock()

    def refused(
        self,
        engine: Engine,
        *,
        at: datetime,
        why: str,
        ip: str,
        username: str = "",
        user_id: int | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        minute = at.replace(second=0, microsecond=0)
        key = (ip, minute, username, why)
        with self._count_lock:
            tally = self._tallies.get(key)
            first = tally is None
            if tally is None:
                fields = {"username": username, "user_id": user_id, "ip": ip}
                fields |= {"method": method, "path": path}
                tally = self._tallies[key] = _Tally(at, fields, why)
            tally.count += 1
            ended = any(k[1] < minute for k in self._tallies)
        if first or ended:
            self.flush(engine, at, wait=False)

    def flush(self, engine: Engine, now: datetime, *, wait: bool = True) -> None:
        """Write every count not yet in the log; forget the minutes that are over. With
        ``wait=False`` (a refused request) it returns at once if another thread writes."""
        if not self._write_lock.acquire(blocking=wait):
            return
        try:
            with self._count_lock:
                due = [(k, t, t.count) for k, t in self._tallies.items() if t.count != t.written]
            if due:
                try:
                    with transaction(engine) as s:
                        for _, tally, count in due:
                            self._write(s, tally, count)
                except Exception:  # the log must not turn a 401 into a 500
                    log.exception("could not write the security log (%d refused tokens)", len(due))
                    return
                for _, tally, count in due:
                    tally.written = count
            minute = now.replace(second=0, microsecond=0)
            with self._count_lock:
                for key in [k for k, t in self._tallies.items() if k[1] < minute]:
                    if self._tallies[key].count == self._tallies[key].written:
                        del self._tallies[key]
        finally:
            self._write_lock.release()

    @staticmethod
    def _write(session: Session, tally: _Tally, count: int) -> None:
        detail = tally_detail(tally.why, count)
        row = session.get(SecurityEvent, tally.row_id) if tally.row_id else None
        if row is None:
            row = record(
                session, TOKEN_REFUSED, at=tally.at, status=401, detail=detail, **tally.fields
            )  # type: ignore[arg-type]
            tally.row_id = row.id
        else:
            row.detail = detail
            session.add(row)


@dataclass(frozen=True)
class Page:
    events: list[SecurityEvent]
    page: int
    pages: int
    total: int
    kind: str
    username: str
    from_day: date | None = None
    to_day: date | None = None


def _day(name: str, text: str) -> date | None:
    """A filter's day (YYYY-MM-DD, within the years the system counts in); None if blank."""
    if not text:
        return None
    try:
        return bounds.check_date(date.fromisoformat(text))
    except ValueError as exc:
        reason = str(exc) if "plausible" in str(exc) else f"'{text}' is not a date (YYYY-MM-DD)"
        raise ValueError(f"{name}: {reason}") from None


def _bhutan_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BHUTAN_TZ)


def listing(
    session: Session,
    *,
    kind: str = "",
    username: str = "",
    from_day: str = "",
    to_day: str = "",
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> Page:
    """Newest first, filtered by kind, exact username and the days ``from_day`` to ``to_day``
    (both included, YYYY-MM-DD, days in Bhutan as the log shows its times); ``page``
    counts from 1. A bad filter is a ValueError naming it ("from_day: ...")."""
    if kind and kind not in KINDS:
        raise ValueError(f"kind: '{kind}' is not a security event kind ({', '.join(KINDS)})")
    if page < 1:
        raise ValueError("page: must be 1 or more")
    since, until = _day("from_day", from_day), _day("to_day", to_day)
    if since and until and until < since:
        raise ValueError(f"to_day: {until.isoformat()} is before from_day {since.isoformat()}")
    where: list[object] = []
    if kind:
        where.append(SecurityEvent.kind == kind)
    if username:
        where.append(SecurityEvent.username == username)
    if since:
        where.append(col(SecurityEvent.at) >= _bhutan_midnight(since))
    if until:
        where.append(col(SecurityEvent.at) < _bhutan_midnight(until + timedelta(days=1)))
    total = int(session.exec(select(func.count()).select_from(SecurityEvent).where(*where)).one())
    pages = max(1, -(-total // per_page))
    rows = session.exec(
        select(SecurityEvent)
        .where(*where)
        .order_by(col(SecurityEvent.at).desc(), col(SecurityEvent.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return Page(list(rows), page, pages, total, kind, username, since, until)


def line(e: SecurityEvent, fmt: Callable[[datetime], str] = lambda d: d.isoformat()) -> str:
    """One event as a line of text (the CLI listing)."""
    parts = [fmt(e.at), f"{e.kind:<16}", e.username or "-", e.ip or "-"]
    if e.method or e.path:
        parts.append(f"{e.method} {e.path}".strip())
    if e.status:
        parts.append(str(e.status))
    if e.detail:
        parts.append(e.detail)
    return "  ".join(parts)
