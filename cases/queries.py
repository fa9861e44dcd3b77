"""Read-side queries for pages and the API: which cases a user may see, and their deadlines.

Object-level visibility: a respondent sees only their own cases; an agency's committee,
HR officer and investigators see their agency's cases; an appellate authority sees the
cases it would hear (19.3.7); the RCSC and administrators see all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.models import Agency, Case, CaseAgency, CivilServant, Deadline
from workflows import registry
from workflows import roles as R
from workflows.engine import Actor


def visibility(actor: Actor) -> sa.ColumnElement[bool]:
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return sa.true()
    rules: list[sa.ColumnElement[bool]] = []
    if actor.roles & R.SELF and actor.employee_eid:
        rules.append(Case.subject_eid == actor.employee_eid)
    if actor.roles & R.AGENCY_STAFF and actor.agency:
        rules.append(Case.agency_code == actor.agency)
        parties = select(CaseAgency.case_id).where(CaseAgency.agency_code == actor.agency)
        rules.append(Case.id.in_(parties))  # type: ignore[union-attr]
    if R.APPELLATE in actor.roles and actor.agency:
        if actor.agency == R.TRIBUNAL_AGENCY:
            esc = select(CivilServant.eid).where(
                sa.or_(
                    CivilServant.position_level.like("EX%"),  # type: ignore[attr-defined]
                    CivilServant.position_level.like("ES%"),
                )  # type: ignore[attr-defined]
            )
            rules.append(Case.subject_eid.in_(esc))  # type: ignore[attr-defined]
        else:
            children = select(Agency.code).where(Agency.parent_code == actor.agency)
            rules.append(Case.agency_code.in_(children))  # type: ignore[attr-defined]
    return sa.or_(*rules) if rules else sa.false()


def outstanding() -> sa.ColumnElement[bool]:
    """A deadline still owed: armed, or missed by the sweep but the step not yet taken."""
    return sa.or_(
        Deadline.status == "armed",
        sa.and_(
            Deadline.status == "missed",
            Deadline.settled_at.is_(None),  # type: ignore[union-attr]
            Deadline.fired_at.is_(None),
        ),  # type: ignore[union-attr]
    )


@dataclass(frozen=True)
class CaseRow:
    case: Case
    subject_name: str
    next_kind: str | None
    next_label: str | None
    next_due: date | None
    next_cite: str | None


def list_cases(
    session: Session,
    actor: Actor,
    *,
    process: str | None = None,
    state: str | None = None,
    overdue_on: date | None = None,
    include_closed: bool = False,
    limit: int = 200,
) -> list[CaseRow]:
    """Visible cases with their next armed deadline, most urgent first."""
    nxt = (
        select(Deadline.case_id, sa.func.min(Deadline.due_on).label("due"))
        .where(outstanding())
        .group_by(Deadline.case_id)
        .subquery()
    )
    stmt = (
        select(Case, CivilServant.name, nxt.c.due)
        .join(CivilServant, CivilServant.eid == Case.subject_eid)
        .outerjoin(nxt, nxt.c.case_id == Case.id)
        .where(visibility(actor))
    )
    if process:
        stmt = stmt.where(Case.process == process)
    if state:
        stmt = stmt.where(Case.state == state)
    elif not include_closed:
        stmt = stmt.where(Case.closed_at.is_(None))  # type: ignore[union-attr]
    if overdue_on is not None:
        stmt = stmt.where(nxt.c.due < overdue_on)
    stmt = stmt.order_by(
        sa.case((nxt.c.due.is_(None), 1), else_=0), nxt.c.due, Case.id.desc()
    ).limit(limit)  # type: ignore[union-attr]
    rows = session.exec(stmt).all()  # type: ignore[call-overload]
    ids = [c.id for c, _, due in rows if due is not None]
    firsts: dict[int, Deadline] = {}
    if ids:
        for d in session.exec(
            select(Deadline)
            .where(
                Deadline.case_id.in_(ids),  # type: ignore[attr-defined]
                outstanding(),
            )
            .order_by(Deadline.due_on)
        ).all():  # type: ignore[arg-type]
            firsts.setdefault(d.case_id, d)
    out = []
    for case, name, _due in rows:
        d = firsts.get(case.id)  # type: ignore[arg-type]
        out.append(
            CaseRow(
                case,
                name,
                d.kind if d else None,
                d.label if d else None,
                d.due_on if d else None,
                d.cite if d else None,
            )
        )
    return out


def can_see(session: Session, actor: Actor, case_id: int) -> Case | None:
    return session.exec(select(Case).where(Case.id == case_id, visibility(actor))).first()


def sees_servant(actor: Actor, cs: CivilServant, agency_parent: str | None = None) -> bool:
    """Whose record a user may read (16.3.3): the RCSC and administrators all; an agency's
    officers their agency's civil servants (and a parent agency those of its departments
    and dzongkhags); a civil servant their own."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return True
    if actor.employee_eid and actor.employee_eid == cs.eid:
        return True
    if actor.roles & (R.AGENCY_STAFF | {R.APPELLATE}) and actor.agency:
        return actor.agency in (cs.agency_code, agency_parent)
    return False


def servant_visibility(actor: Actor) -> sa.ColumnElement[bool]:
    """The register rows ``sees_servant`` allows, as a query filter (for lists)."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return sa.true()
    rules: list[sa.ColumnElement[bool]] = []
    if actor.employee_eid:
        rules.append(CivilServant.eid == actor.employee_eid)
    if actor.roles & (R.AGENCY_STAFF | {R.APPELLATE}) and actor.agency:
        children = select(Agency.code).where(Agency.parent_code == actor.agency)
        rules.append(CivilServant.agency_code == actor.agency)
        rules.append(CivilServant.agency_code.in_(children))  # type: ignore[attr-defined]
    return sa.or_(*rules) if rules else sa.false()


def servant_for(session: Session, actor: Actor, eid: str) -> CivilServant | None:
    """The civil servant ``eid`` if ``actor`` may read the record, else None (answered 404)."""
    cs = session.get(CivilServant, eid)
    if cs is None:
        return None
    agency = session.get(Agency, cs.agency_code)
    return cs if sees_servant(actor, cs, agency.parent_code if agency else None) else None


def queue(session: Session, actor: Actor, name: str, limit: int = 200) -> list[tuple[Case, str]]:
    """Cases waiting in a shared queue (State.queue) across processes, oldest first."""
    states = [
        (p.key, s.name) for p in registry.PROCESSES.values() for s in p.states if s.queue == name
    ]
    if not states:
        return []
    stmt = (
        select(Case, CivilServant.name)
        .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        .where(
            sa.or_(*[sa.and_(Case.process == p, Case.state == st) for p, st in states]),
            visibility(actor),
        )
        .order_by(Case.updated_at)
        .limit(limit)
    )
    return list(session.exec(stmt).all())  # type: ignore[call-overload]
