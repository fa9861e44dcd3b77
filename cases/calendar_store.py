"""The administrator's corrections to Bhutan's holiday calendar, kept in the database.

Some lunar holidays after 2026 are estimates in the `holidays` package, and agencies
close for declared days; the working-day count of every deadline must follow both.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from cases.models import CalendarOverride
from workflows.calendar import WorkingCalendar, calendar_from

_cache: dict[tuple, WorkingCalendar] = {}


def load(session: Session) -> WorkingCalendar:
    rows = session.exec(select(CalendarOverride).order_by(CalendarOverride.day)).all()
    key = tuple((r.day, r.kind, r.note) for r in rows)
    cal = _cache.get(key)
    if cal is None:
        _cache.clear()
        cal = _cache[key] = calendar_from(key)
    return cal


def set_override(
    session: Session, day: date, kind: str, note: str, by: str, now: datetime
) -> CalendarOverride:
    if kind not in ("added", "removed"):
        raise ValueError("kind must be 'added' (a closure) or 'removed' (not a holiday)")
    row = session.get(CalendarOverride, day)
    if row is None:
        row = CalendarOverride(day=day, kind=kind, note=note, created_by=by, created_at=now)
    else:
        row.kind, row.note, row.created_by, row.created_at = kind, note, by, now
    session.add(row)
    session.flush()
    return row


def clear_override(session: Session, day: date) -> bool:
    row = session.get(CalendarOverride, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def overrides(session: Session) -> list[CalendarOverride]:
    return list(session.exec(select(CalendarOverride).order_by(CalendarOverride.day)).all())
