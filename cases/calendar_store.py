"""The administrator's corrections to Bhutan's holiday calendar, kept in the database.

Some lunar holidays after 2026 are estimates in the `holidays` package, and agencies
close for declared days; the working-day count of every deadline must follow both.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from cases import audit
from cases.deadlines import count
from cases.models import CalendarOverride, Case, Deadline
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
    recompute_armed(session, day, by=by, now=now)
    return row


def clear_override(session: Session, day: date, *, by: str, now: datetime) -> bool:
    row = session.get(CalendarOverride, day)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    recompute_armed(session, day, by=by, now=now)
    return True


def recompute_armed(session: Session, day: date, *, by: str, now: datetime) -> int:
    """Move every armed working-day deadline whose count the changed ``day`` can touch.

    A deadline counted from before ``day`` may now end earlier or later; its row keeps the
    old date in its note, and the change is audited on its case. Returns how many moved.
    """
    cal = load(session)
    rows = session.exec(
        select(Deadline).where(
            Deadline.status == "armed",
            Deadline.unit == "working_days",
            Deadline.basis_on < day,
            Deadline.due_on >= day,  # a count ending before the day cannot change
        )
    ).all()
    moved = 0
    for row in rows:
        due = count(cal, row.basis_on, row.amount, row.unit).due
        if due == row.due_on:
            continue
        old = row.due_on
        row.due_on = due
        row.note = (
            f"recomputed on {now.date().isoformat()} after a calendar change of {day} (was {old})"
        )
        session.add(row)
        case = session.get(Case, row.case_id)
        assert case is not None
        audit.append(
            session,
            case_id=case.id,
            now=now,
            actor=by,
            role="admin",
            trigger=f"deadline_recomputed:{row.kind}",
            from_state=case.state,
            to_state=case.state,
            fields={
                "calendar_day": day.isoformat(),
                "was": old.isoformat(),
                "now": due.isoformat(),
            },
            cite=row.cite,
            process=case.process,
            process_version=case.process_version,
        )
        moved += 1
    session.flush()
    return moved


def overrides(session: Session) -> list[CalendarOverride]:
    return list(session.exec(select(CalendarOverride).order_by(CalendarOverride.day)).all())
