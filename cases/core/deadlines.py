"""Deadlines as rows: armed by a step, settled by a later one, missed by the sweep.

Every deadline keeps the day counting started from, the amount and unit, and its
section, so "why is this due on X?" can always be answered from the row and the
calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core.models import Deadline
from workflows.calendar import Count, SkippedDay, WorkingCalendar
from workflows.declarations import Arm

ARMED, MET, MISSED, CANCELLED = "armed", "met", "missed", "cancelled"


def basis_and_amount(
    arm: Arm, fields: dict[str, Any], data: dict[str, Any], today: date
) -> tuple[date, int, str]:
    raw = fields.get(arm.from_field) or data.get(arm.from_field) if arm.from_field else None
    basis = date.fromisoformat(raw) if raw else today
    if arm.working_days is not None:
        return basis, arm.working_days, "working_days"
    if arm.days_field:
        return basis, int(fields.get(arm.days_field) or data[arm.days_field]), "days"
    assert arm.days is not None, f"{arm.kind} declares no length"
    return basis, arm.days, "days"


def count(cal: WorkingCalendar, basis: date, amount: int, unit: str) -> Count:
    if unit == "working_days":
        return cal.count_working_days(basis, amount)
    return cal.count_days(basis, amount)


# A row's unit as the API names it: the rules say "working days" or plain "days", and plain
# days are calendar days (weekends and holidays count), which the name says outright.
UNIT_NAMES = {"working_days": "working_days", "days": "calendar_days"}


@dataclass(frozen=True)
class Term:
    """What a deadline's date is made of: ``amount`` days of ``unit`` counted from the day
    after ``counted_from``; ``due_on`` is the last day counted, the last day on time.
    Read from the row alone (no calendar), so a list of cases can show it for free."""

    amount: int
    unit: str  # as the row stores it: "working_days" or "days"
    counted_from: date
    due_on: date

    @property
    def unit_name(self) -> str:
        """The unit as the API names it: working_days or calendar_days."""
        return UNIT_NAMES[self.unit]

    @property
    def unit_text(self) -> str:
        """The unit as a sentence says it: working days or calendar days."""
        return self.unit_name.replace("_", " ")

    def as_json(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "unit": self.unit_name,
            "counted_from": self.counted_from.isoformat(),
            "due_on": self.due_on.isoformat(),
        }


def term(row: Any) -> Term:
    """The term of a deadline row (or of any row with its ``basis_on``, ``amount``, ``unit``
    and ``due_on``, e.g. a case list's walk)."""
    return Term(row.amount, row.unit, row.basis_on, row.due_on)


@dataclass(frozen=True)
class Reckoning(Term):
    """The answer to "Why is this due on X?": the term with the first day counted and each
    day skipped (a weekend, a holiday, a declared closure) and why. The case page and every
    API answer that shows a case's deadlines take it from ``reckon``, so they cannot
    disagree."""

    first_counted_on: date
    skipped: tuple[SkippedDay, ...]
    why: str

    def as_json(self) -> dict[str, Any]:
        return {
            **super().as_json(),
            "first_counted_on": self.first_counted_on.isoformat(),
            "skipped": [{"day": s.day.isoformat(), "reason": s.reason} for s in self.skipped],
            "why": self.why,
        }


def reckon(cal: WorkingCalendar, row: Deadline) -> Reckoning:
    """The count behind ``row``'s due date on ``cal``. ``due_on`` is the row's: a calendar
    correction moves an armed deadline's row with its count (calendar_store.recompute_armed)."""
    counted = count(cal, row.basis_on, row.amount, row.unit)
    return Reckoning(
        amount=row.amount,
        unit=row.unit,
        counted_from=row.basis_on,
        due_on=row.due_on,
        first_counted_on=counted.counted[0] if counted.counted else row.due_on,
        skipped=counted.skipped,
        why=counted.explain(),
    )


# Built once: every step and every case page runs them, and a statement object reused
# keeps its compiled form and cache key instead of being rebuilt per call.
_CASE = sa.bindparam("case_id")
_ARMED = select(Deadline).where(Deadline.case_id == _CASE, Deadline.status == ARMED)
_UNSETTLED = select(Deadline).where(
    Deadline.case_id == _CASE,
    Deadline.status.in_((ARMED, MISSED)),  # type: ignore[attr-defined]
    Deadline.settled_at.is_(None),  # type: ignore[union-attr]
)


def armed(session: Session, case_id: int) -> list[Deadline]:
    return list(session.exec(_ARMED, params={"case_id": case_id}).all())


_ALL_ROWS = sa.select(*Deadline.__table__.c).where(Deadline.case_id == _CASE).order_by(Deadline.id)  # type: ignore[attr-defined, arg-type]


def for_case(session: Session, case_id: int) -> list[Deadline]:
    """Every deadline row of the case, oldest first, to read (each case page and each step's
    answer shows them): plain rows with the columns as attributes, not tracked objects. The
    session's pending changes are written first, as a query through the session would."""
    session.flush()
    return list(session.connection().execute(_ALL_ROWS, {"case_id": case_id}).all())  # type: ignore[arg-type]


def arm(
    session: Session,
    open_rows: list[Deadline],
    case_id: int,
    process: str,
    spec: Arm,
    fields: dict[str, Any],
    data: dict[str, Any],
    cal: WorkingCalendar,
    now: datetime,
    today: date,
) -> Deadline:
    """Arm ``spec``; an armed deadline of the same kind is superseded (e.g. an extension).
    ``open_rows`` is the case's ``unsettled`` rows as the step has them, read once for the
    whole step; the new row joins it.
    ``process`` is the case's, copied onto the row for the dashboard's per-process walk."""
    for old in open_rows:
        if old.kind == spec.kind and old.status == ARMED:
            old.status, old.settled_at, old.note = CANCELLED, now, "superseded"
            session.add(old)
    basis, amount, unit = basis_and_amount(spec, fields, data, today)
    row = Deadline(
        case_id=case_id,
        process=process,
        kind=spec.kind,
        label=spec.label,
        cite=spec.cite,
        basis_on=basis,
        amount=amount,
        unit=unit,
        due_on=count(cal, basis, amount, unit).due,
        status=ARMED,
        on_timeout=spec.on_timeout,
        armed_at=now,
    )
    session.add(row)
    open_rows.append(row)
    return row


def unsettled(session: Session, case_id: int) -> list[Deadline]:
    """The case's deadlines a step may still settle: armed, or missed and not yet answered
    (a late reply settles a missed deadline as late). ``fire`` reads them once and settles,
    cancels and arms on this list."""
    return list(session.exec(_UNSETTLED, params={"case_id": case_id}).all())


def settle(
    session: Session, open_rows: list[Deadline], kinds: tuple[str, ...], now: datetime, today: date
) -> list[Deadline]:
    """Mark deadlines met (or late, if the day is past the due date), among the case's
    ``unsettled`` rows."""
    done = []
    for row in open_rows:
        if row.kind not in kinds or row.settled_at is not None:
            continue
        if row.status not in (ARMED, MISSED):
            continue
        if row.status == ARMED:
            row.status = MET if today <= row.due_on else MISSED
        row.settled_at = now
        session.add(row)
        done.append(row)
    return done


def cancel(
    session: Session, open_rows: list[Deadline], kinds: tuple[str, ...], now: datetime, note: str
) -> None:
    """Armed deadlines a step makes moot (no longer owed, neither met nor missed), among the
    case's ``unsettled`` rows."""
    for row in open_rows:
        if row.status == ARMED and row.kind in kinds:
            row.status, row.settled_at, row.note = CANCELLED, now, note
            session.add(row)


def cancel_all(session: Session, open_rows: list[Deadline], now: datetime, note: str) -> None:
    """A case that reaches a final state owes nothing more: its armed deadlines are
    cancelled, and one the sweep marked missed and no step answered is closed as it stands
    (still missed, for the record) instead of being owed by a closed case for ever."""
    for row in open_rows:
        if row.status == ARMED:
            row.status, row.settled_at, row.note = CANCELLED, now, note
        elif row.status == MISSED and row.settled_at is None:
            row.settled_at, row.note = now, note
        else:
            continue
        session.add(row)


def due_dates(rows: list[Deadline]) -> dict[str, date]:
    """Kind -> due date of the rows still armed: what guards and the next actors read."""
    return {d.kind: d.due_on for d in rows if d.status == ARMED}


def days_left(cal: WorkingCalendar, row: Deadline, today: date) -> int:
    """Working days left (negative: overdue by that many working days)."""
    return cal.working_days_between(today, row.due_on)
