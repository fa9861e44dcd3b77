"""Read-side queries for pages and the API: which cases a user may see, and their deadlines.

Object-level visibility: a respondent sees only their own cases; an agency's committee,
HR officer and investigators see their agency's cases; an appellate authority sees the
cases appealed to it (19.12, 19.3.7); the RCSC and administrators see all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlmodel import Session, select

from cases.core.deadlines import Term, term
from cases.core.models import Agency, AuditEvent, Case, CaseAgency, CivilServant, Deadline
from workflows import disciplinary, registry
from workflows import roles as R
from workflows.context import Actor
from workflows.engine import Process


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
        # 19.12, 19.3.7: an appellate authority sees a case once it is appealed to it.
        appealed = select(AuditEvent.case_id).where(
            AuditEvent.trigger.in_(disciplinary.APPEAL_TRIGGERS)  # type: ignore[attr-defined]
        )
        if actor.agency == R.TRIBUNAL_AGENCY:
            esc = select(CivilServant.eid).where(
                sa.or_(
                    CivilServant.position_level.like("EX%"),  # type: ignore[attr-defined]
                    CivilServant.position_level.like("ES%"),
                )  # type: ignore[attr-defined]
            )
            heard = Case.subject_eid.in_(esc)  # type: ignore[attr-defined]
        else:
            children = select(Agency.code).where(Agency.parent_code == actor.agency)
            heard = Case.agency_code.in_(children)  # type: ignore[attr-defined]
        rules.append(sa.and_(heard, Case.id.in_(appealed)))  # type: ignore[union-attr]
        # From 2023.2 the appeal records its appellate body (19.3.7, by who decided).
        named = select(CaseAgency.case_id).where(
            CaseAgency.agency_code == actor.agency, CaseAgency.part == "appellate"
        )
        rules.append(Case.id.in_(named))  # type: ignore[union-attr]
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
    next_term: Term | None = None  # how next_due is counted (amount, unit, from which day)


@dataclass(frozen=True)
class After:
    """Where a page of the case list ended, in the list's own order, so the next page starts
    just after it: a case owing a deadline first due ``due`` (these come first, by that date,
    then by case id), or, ``due`` None, a case owing nothing (these come last, newest first).
    A position, not an offset: cases opened meanwhile neither repeat nor push one off a page."""

    due: date | None
    case_id: int


# How many owed deadlines the most-urgent-first walk reads before it concludes the viewer
# sees few of them and lists the viewer's cases directly instead.
WALK_BATCHES = 3


def list_cases(
    session: Session,
    actor: Actor,
    *,
    process: str | None = None,
    state: str | None = None,
    overdue_on: date | None = None,
    include_closed: bool = False,
    limit: int = 200,
    after: After | None = None,
) -> list[CaseRow]:
    """Visible cases, most urgent first: by the due date of the first deadline still owed
    (ties: the older case first), then cases owing nothing, newest first; from just after
    ``after`` when a page is asked for (``page``).

    Two plans give the same list. A viewer who sees much of the database (an agency's
    committee, the RCSC) gets a walk of the partial index of owed deadlines in due order,
    stopping once ``limit`` cases are found. A viewer who sees little (a respondent, an
    appellate body) would make that walk long, so after a few batches it lists the viewer's
    own cases instead. Either way a page costs what it shows, not the settled deadlines
    and closed cases of past years.

    A filter the walk cannot stop early for would cost every owed deadline: a process with
    few of them (the walk then reads the process's own index), or a final state (closed
    cases owe nothing, so there is nothing to walk)."""
    scope = _Scope(actor, process, state, include_closed)
    if scope.owes_nothing():  # and so nothing overdue (but see _newest_first)
        return [] if overdue_on is not None else _newest_first(session, scope, limit, after)
    out: list[CaseRow] = []
    if after is not None and after.due is None:  # past the owed cases already
        return [] if overdue_on is not None else _owing_nothing(session, scope, limit, after)
    seen: set[int] = set()
    batch = limit + 20  # most viewers see most owed deadlines; a sparse view reads more
    walked_to: tuple[date, int, int] | None = None
    for _ in range(WALK_BATCHES):
        owed = (
            select(
                Deadline.due_on,
                Deadline.case_id,
                Deadline.id,
                Deadline.kind,
                Deadline.label,
                Deadline.cite,
                Deadline.basis_on,
                Deadline.amount,
                Deadline.unit,
            )
            .select_from(DeadlineFirst(Deadline.__table__, Case.__table__))  # type: ignore[attr-defined]
            .where(outstanding(), *scope.walk_filters(), *scope.filters())
        )
        if overdue_on is not None:
            owed = owed.where(Deadline.due_on < overdue_on)
        if walked_to is not None:
            owed = owed.where(sa.tuple_(Deadline.due_on, Deadline.case_id, Deadline.id) > walked_to)
        elif after is not None:
            owed = owed.where(
                sa.tuple_(Deadline.due_on, Deadline.case_id) > (after.due, after.case_id)
            )
        walked = session.exec(
            owed.order_by(Deadline.due_on, Deadline.case_id, Deadline.id).limit(batch)  # type: ignore[arg-type]
        ).all()
        ids = [w.case_id for w in walked if w.case_id not in seen]
        cases = {c.id: (c, name) for c, name in session.exec(scope.cases(ids)).all()}
        if after is not None:
            seen.update(_listed_before(session, list(cases), after))
        for w in walked:
            if w.case_id in cases and w.case_id not in seen and len(out) < limit:
                seen.add(w.case_id)
                case, name = cases[w.case_id]
                out.append(CaseRow(case, name, w.kind, w.label, w.due_on, w.cite, term(w)))
        if len(out) >= limit or len(walked) < batch:
            break
        walked_to = tuple(walked[-1][:3])  # type: ignore[assignment]
        batch *= 4
    else:
        return _cases_first(session, scope, overdue_on, limit, after)
    if len(out) < limit and overdue_on is None:
        out.extend(_owing_nothing(session, scope, limit - len(out), None))
    return out


def page(
    session: Session,
    actor: Actor,
    *,
    process: str | None = None,
    state: str | None = None,
    overdue_on: date | None = None,
    include_closed: bool = False,
    limit: int,
    after: After | None = None,
) -> tuple[list[CaseRow], After | None]:
    """A page of ``list_cases`` and where the next one starts (None: this is the last). One
    row more than the page is read to know whether another page follows."""
    rows = list_cases(
        session,
        actor,
        process=process,
        state=state,
        overdue_on=overdue_on,
        include_closed=include_closed,
        limit=limit + 1,
        after=after,
    )
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    newest_first = _Scope(actor, process, state, include_closed).owes_nothing()
    return rows[:limit], After(None if newest_first else last.next_due, last.case.id)  # type: ignore[arg-type]


class DeadlineFirst(sa.sql.expression.Join):
    """deadline JOIN case, with the deadline table driving the join. SQLite's planner would
    start from a case filter (its agency, its process) and sort every owed deadline of the
    matching cases; ``CROSS JOIN`` is SQLite's way of fixing the order, so the walk reads the
    partial index of owed deadlines in due order and stops at the page's end. PostgreSQL,
    with statistics and the LIMIT, plans this itself: there it is a plain join."""

    inherit_cache = True

    def __init__(self, deadline: sa.Table, case: sa.Table) -> None:
        super().__init__(deadline, case, deadline.c.case_id == case.c.id)


@compiles(DeadlineFirst, "sqlite")
def _deadline_first_sqlite(join: DeadlineFirst, compiler: Any, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(join.left, **kw)
    right = compiler.process(join.right, **kw)
    return f"{left} CROSS JOIN {right} ON {compiler.process(join.onclause, **kw)}"


@dataclass(frozen=True)
class _Scope:
    """The cases a list may show: visible to the actor, and matching its filters."""

    actor: Actor
    process: str | None
    state: str | None
    include_closed: bool

    def filters(self) -> list[sa.ColumnElement[bool]]:
        out = [visibility(self.actor)]
        if self.process:
            out.append(Case.process == self.process)  # type: ignore[arg-type]
        if self.state:
            out.append(Case.state == self.state)  # type: ignore[arg-type]
        elif not self.include_closed:
            out.append(Case.closed_at.is_(None))  # type: ignore[union-attr]
        return out

    def processes(self) -> list[Process]:
        """The process versions whose cases the filters admit: every version of the one
        named, or those having the state named (empty: any process)."""
        if self.process:
            return list(registry.VERSIONS.get(self.process, ()))
        if self.state:
            return [p for p in registry.every_version() if self.state in p.state_by_name]
        return []

    def walk_filters(self) -> list[sa.ColumnElement[bool]]:
        """What the walk can test on the deadline row itself. One process: the walk reads
        that process's owed deadlines (ix_deadline_outstanding_process_due) instead of every
        process's. (Several would need a sort of all of theirs: no better than the walk.)"""
        keys = {p.key for p in self.processes()}
        if len(keys) == 1:
            return [Deadline.process == keys.pop()]  # type: ignore[list-item]
        return []

    def owes_nothing(self) -> bool:
        """The state asked for is final in every process that has it: as a case reaches a
        final state ``service.fire`` cancels its armed deadlines and closes its missed ones
        (``deadlines.cancel_all``), so these cases owe nothing and the walk would read every
        owed deadline to find none."""
        procs = self.processes()
        if not self.state or not procs:
            return False
        return all(self.state in p.state_by_name and p.is_final(self.state) for p in procs)

    def narrow(self, stmt: Any) -> Any:
        stmt = stmt.join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        return stmt.where(*self.filters())

    def cases(self, ids: list[int]) -> Any:
        return self.narrow(select(Case, CivilServant.name).where(Case.id.in_(ids)))  # type: ignore[union-attr]

    def owing_nothing(self, n: int, after: After | None) -> Any:
        owed = select(Deadline.id).where(Deadline.case_id == Case.id, outstanding())
        stmt = self.narrow(select(Case, CivilServant.name).where(~owed.exists()))
        if after is not None:
            stmt = stmt.where(Case.id < after.case_id)  # type: ignore[operator]
        return stmt.order_by(Case.id.desc()).limit(n)  # type: ignore[union-attr]

    def newest(self, n: int, after: After | None) -> Any:
        stmt = self.narrow(select(Case, CivilServant.name))
        if after is not None:
            stmt = stmt.where(Case.id < after.case_id)  # type: ignore[operator]
        return stmt.order_by(Case.id.desc()).limit(n)  # type: ignore[union-attr]


def _owing_nothing(session: Session, scope: _Scope, n: int, after: After | None) -> list[CaseRow]:
    """The cases owing nothing, newest first (the list's tail)."""
    return [_row(case, name, None) for case, name in session.exec(scope.owing_nothing(n, after))]


def _newest_first(
    session: Session, scope: _Scope, limit: int, after: After | None
) -> list[CaseRow]:
    """Cases in a final state, newest first. Such a case owes nothing, unless it closed
    before closing also closed missed deadlines (databases from before migration 0005): it
    is listed with that deadline, in its place by age."""
    rows = session.exec(scope.newest(limit, after)).all()
    firsts = _firsts(session, [c.id for c, _ in rows])  # type: ignore[misc]
    return [_row(case, name, firsts.get(case.id)) for case, name in rows]  # type: ignore[arg-type]


def _firsts(session: Session, ids: list[int]) -> dict[int, Deadline]:
    """Each case's first deadline still owed (through the case/status/due index)."""
    firsts: dict[int, Deadline] = {}
    if ids:
        for d in session.exec(
            select(Deadline)
            .where(Deadline.case_id.in_(ids), outstanding())  # type: ignore[attr-defined]
            .order_by(Deadline.due_on, Deadline.id)
        ).all():
            firsts.setdefault(d.case_id, d)
    return firsts


def _listed_before(session: Session, ids: list[int], after: After) -> set[int]:
    """Of the cases the walk met past ``after``, those whose first owed deadline comes at
    or before it: they were on an earlier page (a case owing two deadlines is met twice).
    Read case by case (the case/status/due index), not along the walk's index up to the
    page, which would cost more the deeper the page."""
    at = (after.due, after.case_id)
    return {cid for cid, d in _firsts(session, ids).items() if (d.due_on, cid) <= at}


def _row(case: Case, name: str, d: Deadline | None) -> CaseRow:
    if d is None:
        return CaseRow(case, name, None, None, None, None)
    return CaseRow(case, name, d.kind, d.label, d.due_on, d.cite, term(d))


def _cases_first(
    session: Session, scope: _Scope, overdue_on: date | None, limit: int, after: After | None
) -> list[CaseRow]:
    """The same list read from the viewer's cases (each case's first owed deadline through
    the case/status/due index): cheap when the viewer sees few cases."""
    first = (
        select(sa.func.min(Deadline.due_on))
        .where(Deadline.case_id == Case.id, outstanding())
        .scalar_subquery()
    )
    stmt = scope.narrow(select(Case, CivilServant.name, first.label("due")))
    if overdue_on is not None:
        stmt = stmt.where(first < overdue_on)
    if after is not None and after.due is None:
        stmt = stmt.where(first.is_(None), Case.id < after.case_id)  # type: ignore[operator]
    elif after is not None:
        stmt = stmt.where(
            sa.or_(
                first.is_(None),
                first > after.due,
                sa.and_(first == after.due, Case.id > after.case_id),  # type: ignore[operator]
            )
        )
    stmt = stmt.order_by(
        first.is_(None),
        first,
        sa.case((first.is_(None), -Case.id), else_=Case.id),  # type: ignore[operator]
    ).limit(limit)
    rows = session.exec(stmt).all()  # type: ignore[call-overload]
    firsts = _firsts(session, [c.id for c, _, due in rows if due is not None])
    return [_row(case, name, firsts.get(case.id)) for case, name, _due in rows]  # type: ignore[arg-type]


def can_see(session: Session, actor: Actor, case_id: int) -> Case | None:
    """The case if ``visibility`` lets ``actor`` see it. The rules a loaded case answers by
    itself (all cases, one's own, one's agency's) are checked on it, so the common request
    reads the case by its key alone; the others ask the database."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    if _sees_plainly(actor, case):
        return case
    return session.exec(select(Case).where(Case.id == case_id, visibility(actor))).first()


def _sees_plainly(actor: Actor, case: Case) -> bool:
    """The first rules of ``visibility``, on a loaded case (a subset: never more)."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return True
    if actor.roles & R.SELF and actor.employee_eid and case.subject_eid == actor.employee_eid:
        return True
    return bool(actor.roles & R.AGENCY_STAFF and actor.agency and case.agency_code == actor.agency)


def sees_servant(actor: Actor, cs: CivilServant, agency_parent: str | None = None) -> bool:
    """Whose record a user may read (16.3.3): the RCSC and administrators all; an agency's
    officers their agency's civil servants (and a parent agency those of its departments
    and dzongkhags); a civil servant their own."""
    return sees_record(actor, cs.eid, cs.agency_code, agency_parent)


def sees_record(actor: Actor, eid: str, agency_code: str, agency_parent: str | None) -> bool:
    """``sees_servant`` from the record's employee ID, agency and the agency's parent."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return True
    if actor.employee_eid and actor.employee_eid == eid:
        return True
    if actor.roles & (R.AGENCY_STAFF | {R.APPELLATE}) and actor.agency:
        return actor.agency in (agency_code, agency_parent)
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
    states = list(
        dict.fromkeys(
            (p.key, s.name) for p in registry.every_version() for s in p.states if s.queue == name
        )
    )
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
