"""Deadlines as rows: armed by a step, settled by a later one, missed by the sweep.

Every deadline keeps the day counting started from, the amount and unit, and its
section, so "why is this due on X?" can always be answered from the row and the
calendar.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from cases.models import Deadline
from workflows.calendar import Count, WorkingCalendar
from workflows.engine import Arm

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


def armed(session: Session, case_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline).where(Deadline.case_id == case_id, Deadline.status == ARMED)
        ).all()
    )


def for_case(session: Session, case_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id)  # type: ignore[arg-type]
        ).all()
    )


def arm(
    session: Session,
    case_id: int,
    spec: Arm,
    fields: dict[str, Any],
    data: dict[str, Any],
    cal: WorkingCalendar,
    now: datetime,
    today: date,
) -> Deadline:
    """Arm ``spec``; an armed deadline of the same kind is superseded (e.g. an extension)."""
    for old in armed(session, case_id):
        if old.kind == spec.kind:
            old.status, old.settled_at, old.note = CANCELLED, now, "superseded"
            session.add(old)
    basis, amount, unit = basis_and_amount(spec, fields, data, today)
    row = Deadline(
        case_id=case_id,
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
    return row


def settle(
    session: Session, case_id: int, kinds: tuple[str, ...], now: datetime, today: date
) -> list[Deadline]:
    """Mark deadlines met (or late, if the day is past the due date)."""
    done = []
    rows = (
        session.exec(
            select(Deadline).where(
                Deadline.case_id == case_id,
                Deadline.kind.in_(kinds),  # type: ignore[attr-defined]
                Deadline.status.in_((ARMED, MISSED)),  # type: ignore[attr-defined]
                Deadline.settled_at.is_(None),
            )  # type: ignore[union-attr]
        ).all()
        if kinds
        else []
    )
    for row in rows:
        if row.status == ARMED:
            row.status = MET if today <= row.due_on else MISSED
        row.settled_at = now
        session.add(row)
        done.append(row)
    return done


def cancel(
    session: Session, case_id: int, kinds: tuple[str, ...], now: datetime, note: str
) -> None:
    """Armed deadlines a step makes moot (no longer owed, neither met nor missed)."""
    for row in armed(session, case_id):
        if row.kind in kinds:
            row.status, row.settled_at, row.note = CANCELLED, now, note
            session.add(row)


def cancel_all(session: Session, case_id: int, now: datetime, note: str) -> None:
    for row in armed(session, case_id):
        row.status, row.settled_at, row.note = CANCELLED, now, note
        session.add(row)


def days_left(cal: WorkingCalendar, row: Deadline, today: date) -> int:
    """Working days left (negative: overdue by that many working days)."""
    return cal.working_days_between(today, row.due_on)
