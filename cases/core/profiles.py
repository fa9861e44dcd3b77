"""Build a civil servant's Profile (workflows.profile) from the register and the history.

Every process reads the others through this one place: penalties and pending
disciplinary cases (13.10.3.1), LTT and secondment obligations (7.7.7.8, 13.4.5.2),
EOL and secondment periods (8.12.6, 13.10.5.8) and the cases still open per process.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core.models import Agency, Case, CivilServant, Penalty, ServiceEntry
from workflows.profile import Entry, Profile
from workflows.values import as_date


def entry_of(row: ServiceEntry) -> Entry:
    return Entry(
        kind=row.kind,
        start=row.start_on,
        end=row.end_on,
        status=row.status,
        details=json.loads(row.details or "{}"),
        case_id=row.case_id,
        id=row.id,
    )


def profile_of(session: Session, eid: str, today: date) -> Profile | None:
    cs = session.get(CivilServant, eid)
    if cs is None:
        return None
    agency = session.get(Agency, cs.agency_code)
    rows = session.exec(
        select(ServiceEntry)
        .where(ServiceEntry.eid == eid)
        .order_by(ServiceEntry.start_on, ServiceEntry.id)  # type: ignore[arg-type]
    ).all()
    penalties = session.exec(
        select(Penalty).where(Penalty.eid == eid, Penalty.status == "in_force")
    ).all()
    in_force = sum(1 for p in penalties if p.term_ends_on is None or p.term_ends_on >= today)
    open_cases = dict(
        session.exec(
            select(Case.process, sa.func.count())
            .where(Case.subject_eid == eid, Case.closed_at.is_(None))  # type: ignore[union-attr]
            .group_by(Case.process)
        ).all()
    )
    return Profile(
        eid=cs.eid,
        name=cs.name,
        date_of_birth=cs.date_of_birth,
        level=cs.position_level,
        agency=cs.agency_code,
        appointment_date=cs.appointment_date,
        category=cs.position_category,
        parent_agency=agency.parent_code if agency else None,
        super_structure=cs.super_structure,
        occupational_group=cs.occupational_group,
        employment_type=cs.employment_type,
        probation_end=cs.probation_end,
        position_since=cs.position_since,
        place_of_posting=cs.place_of_posting,
        nationality=cs.nationality,
        performance_rating=cs.performance_rating,
        drug_test=cs.drug_test,
        qualification=cs.qualification,
        bcse_selected=cs.bcse_selected,
        status=cs.status,
        entries=tuple(entry_of(r) for r in rows),
        penalties_in_force=in_force,
        penalties_on_record=len(penalties),
        minor_penalties_on_record=sum(1 for p in penalties if p.severity == "minor"),
        pending_disciplinary=int(open_cases.get("disciplinary", 0)),
        open_cases=open_cases,
    )


def add_entry(
    session: Session,
    *,
    eid: str,
    kind: str,
    now: datetime,
    by: str,
    start_on: date | str | None = None,
    end_on: date | str | None = None,
    status: str = "",
    case_id: int | None = None,
    **details: Any,
) -> ServiceEntry:
    """A history line written by a step's effect (or the register form), in its transaction."""
    row = ServiceEntry(
        eid=eid,
        kind=kind,
        start_on=as_date(start_on),
        end_on=as_date(end_on),
        status=status,
        details=json.dumps(details, sort_keys=True, default=str),
        case_id=case_id,
        recorded_at=now,
        recorded_by=by,
    )
    session.add(row)
    session.flush()
    return row


def case_entry(session: Session, case_id: int, kind: str) -> ServiceEntry | None:
    """The history line a case wrote (an EOL case's EOL period, an LTT case's LTT)."""
    return session.exec(
        select(ServiceEntry)
        .where(ServiceEntry.case_id == case_id, ServiceEntry.kind == kind)
        .order_by(ServiceEntry.id.desc())  # type: ignore[union-attr]
    ).first()


def update_entry(
    session: Session,
    row: ServiceEntry,
    *,
    start_on: date | str | None = None,
    end_on: date | str | None = None,
    status: str | None = None,
    **details: Any,
) -> ServiceEntry:
    if start_on is not None:
        row.start_on = as_date(start_on)
    if end_on is not None:
        row.end_on = as_date(end_on)
    if status is not None:
        row.status = status
    if details:
        merged = json.loads(row.details or "{}")
        merged.update(details)
        row.details = json.dumps(merged, sort_keys=True, default=str)
    session.add(row)
    session.flush()
    return row
