"""The administrator's corrections to Bhutan's holiday calendar, kept in the database.

Some lunar holidays after 2026 are estimates in the `holidays` package, and agencies
close for declared days; the working-day count of every deadline must follow both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import audit
from cases.core.deadlines import count
from cases.core.models import AuditEvent, CalendarOverride, Case, Deadline
from cases.core.queries import visibility
from workflows.calendar import WorkingCalendar, bhutan_today, calendar_from
from workflows.context import Actor
from workflows.declarations import Field

_cache: dict[tuple, WorkingCalendar] = {}


_SESSION_KEY = "drukflow_calendar"
# The corrections as plain rows (every step that arms a deadline reads them).
_ROWS = sa.select(CalendarOverride.day, CalendarOverride.kind, CalendarOverride.note).order_by(
    CalendarOverride.day
)


def load(session: Session) -> WorkingCalendar:
    """The calendar with the corrections as this transaction sees them: read once per
    transaction (a step arms its deadlines and its answer shows them with one read), built
    once per set of corrections."""
    tx = session.get_transaction()
    kept = session.info.get(_SESSION_KEY)
    if kept is not None and tx is not None and kept[0] is tx:
        return kept[1]
    key = tuple(tuple(r) for r in session.connection().execute(_ROWS))
    cal = _cache.get(key)
    if cal is None:
        _cache.clear()
        cal = _cache[key] = calendar_from(key)
    session.info[_SESSION_KEY] = (tx, cal)
    return cal


@dataclass(frozen=True)
class Moved:
    """One armed deadline a calendar change moved."""

    case_id: int
    kind: str
    label: str
    cite: str
    was: date
    due: date
    original: date


@dataclass(frozen=True)
class Change:
    """A correction saved (or cleared) and the deadlines it moved."""

    day: date
    kind: str  # added, removed, cleared
    moved: tuple[Moved, ...]


# What an administrator's correction states (the calendar page's form): the day, within the
# years the rules count in (workflows.bounds), and a note kept with it and in each moved
# deadline's audit event.
CORRECTION_FIELDS = (
    Field("day", "date", "Date", future_ok=True),
    Field("note", "text", "Note", required=False),
)


class CorrectionRefused(ValueError):
    """A correction that names no real change: ``field`` is the form field at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


_LISTED = WorkingCalendar()  # Bhutan's holidays as the `holidays` package lists them


def listed_holiday(day: date) -> str | None:
    """The name of the listed holiday on ``day`` (before any correction), else None."""
    return _LISTED.holiday_name(day)


def set_override(
    session: Session, day: date, kind: str, note: str, by: str, now: datetime
) -> Change:
    """Save a closure (``added``) or strike a listed holiday (``removed``). Removing a day
    that is not a listed holiday would record a correction that changes nothing, so it is
    refused, naming the field (the administrator most likely picked the wrong date)."""
    if kind not in ("added", "removed"):
        raise CorrectionRefused("kind", "must be 'added' (a closure) or 'removed' (not a holiday)")
    if kind == "removed" and listed_holiday(day) is None:
        raise CorrectionRefused("day", f"{day.isoformat()}: that date is not a listed holiday")
    row = session.get(CalendarOverride, day)
    if row is None:
        row = CalendarOverride(day=day, kind=kind, note=note, created_by=by, created_at=now)
    else:
        row.kind, row.note, row.created_by, row.created_at = kind, note, by, now
    session.add(row)
    session.flush()
    session.info.pop(_SESSION_KEY, None)
    reason = f"{'closure added' if kind == 'added' else 'holiday removed'}: {note}"
    return Change(day, kind, recompute_armed(session, day, reason=reason, by=by, now=now))


def clear_override(session: Session, day: date, *, by: str, now: datetime) -> Change | None:
    """Withdraw a correction; None when there was none on ``day``."""
    row = session.get(CalendarOverride, day)
    if row is None:
        return None
    session.delete(row)
    session.flush()
    session.info.pop(_SESSION_KEY, None)
    reason = f"correction withdrawn ({row.note})"
    return Change(day, "cleared", recompute_armed(session, day, reason=reason, by=by, now=now))


def recompute_armed(
    session: Session, day: date, *, reason: str, by: str, now: datetime
) -> tuple[Moved, ...]:
    """Move every armed working-day deadline whose count the changed ``day`` can touch.

    A deadline counted from before ``day`` may now end earlier or later. Its row keeps the
    date first computed (``original_due_on``), and the change is audited on its case with
    the old, new and original dates and the new count, so "why is this due on X?" still has
    an answer after the calendar moved under it.
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
    moved: list[Moved] = []
    for row in rows:
        counted = count(cal, row.basis_on, row.amount, row.unit)
        if counted.due == row.due_on:
            continue
        was = row.due_on
        row.original_due_on = row.original_due_on or was
        row.due_on = counted.due
        row.note = f"moved from {was} on {bhutan_today(now)}: calendar change of {day} ({reason})"
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
                "change": reason,
                "was": was.isoformat(),
                "now": counted.due.isoformat(),
                "original": row.original_due_on.isoformat(),
                "why": counted.explain(),
            },
            cite=row.cite,
            process=case.process,
            process_version=case.process_version,
        )
        moved.append(
            Moved(row.case_id, row.kind, row.label, row.cite, was, counted.due, row.original_due_on)
        )
    session.flush()
    return tuple(moved)


def recent_moves(session: Session, actor: Actor, limit: int = 50) -> list[AuditEvent]:
    """The latest deadline recomputations on cases ``actor`` may see, for the calendar page
    (newest first). A move names its case and dates, so it is shown by the same rule as the
    case itself (``queries.visibility``): a respondent sees only their own cases' moves."""
    return list(
        session.exec(
            select(AuditEvent)
            .join(Case, Case.id == AuditEvent.case_id)  # type: ignore[arg-type]
            .where(
                AuditEvent.trigger.startswith("deadline_recomputed:"),  # type: ignore[attr-defined]
                visibility(actor),
            )
            .order_by(AuditEvent.seq.desc())  # type: ignore[union-attr]
            .limit(limit)
        ).all()
    )


def overrides(session: Session) -> list[CalendarOverride]:
    return list(session.exec(select(CalendarOverride).order_by(CalendarOverride.day)).all())
