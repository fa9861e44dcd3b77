"""The work queue, every user's home page: what waits for me, and by when.

"Waiting for you": the open cases where a step the case waits for (``next_actors``) is open
to this user now, with role, competent agency and recusal applied exactly as when they act
(``Process.available``, 19.3.4-19.3.7, 19.3.5); most urgent first, by the deadline the step
settles. "Waiting for others": the open cases the user follows (their own, those they acted
on, those they were told about) that wait for someone else, with who that is.

A queue costs a fixed number of queries, however many cases it holds: the candidate cases
are narrowed in SQL to the stages where one of the user's roles may act, and their
contexts (subject, recusals, armed deadlines) are read in one query each for all of them,
not case by case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import calendar_store, deadlines, profiles, queries, service
from cases.core.models import (
    Agency,
    AuditEvent,
    Case,
    CivilServant,
    Deadline,
    Notification,
    Recusal,
    User,
)
from cases.inbox.next_actors import NextAction, expected, next_actions, waiting_steps
from workflows import registry
from workflows import roles as R
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.context import Actor, Context
from workflows.declarations import Step

LIMIT = 200  # rows per tab; the counts say how many there are in all


@dataclass(frozen=True)
class Due:
    """The deadline a waiting step settles, as the queue shows it."""

    label: str
    cite: str
    due_on: date
    left: int  # negative: overdue by that many
    unit: str  # "working days" or "days", as the rule counts

    @property
    def overdue(self) -> bool:
        return self.left < 0

    def phrase(self) -> str:
        """ "3 working days left", "due today", "overdue by 2 days"."""
        n = abs(self.left)
        unit = self.unit[:-1] if n == 1 else self.unit
        if self.left == 0:
            return "due today"
        return f"overdue by {n} {unit}" if self.left < 0 else f"{n} {unit} left"


@dataclass(frozen=True)
class Holder:
    """Who must act next: the role and agency, and the active users holding them."""

    who: str
    step: str
    cite: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    case: Case
    subject_name: str
    state_label: str
    steps: tuple[Step, ...] = ()  # Waiting for you: the steps open to the viewer
    holders: tuple[Holder, ...] = ()  # Waiting for others: who must act
    due: Due | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due.overdue


@dataclass
class Queue:
    mine: list[Item] = field(default_factory=list)
    others: list[Item] = field(default_factory=list)
    empty_reason: str = ""
    mine_total: int = 0  # the lists show at most LIMIT rows each
    others_total: int = 0


@dataclass(frozen=True)
class Filters:
    process: str | None = None
    state: str | None = None
    overdue: bool = False
    agency: str | None = None

    def any(self) -> bool:
        return bool(self.process or self.state or self.overdue or self.agency)


def work_queue(session: Session, actor: Actor, now: datetime, filters: Filters) -> Queue:
    """The viewer's two lists, most urgent first."""
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    candidates = _open_cases(session, actor, filters, _stages_for(actor))
    contexts = _contexts(session, [c for c, _ in candidates], now)
    armed = _armed_rows(session, [c.id for c, _ in candidates])  # type: ignore[misc]
    mine: list[Item] = []
    for case, name in candidates:
        ctx = contexts[case.id]  # type: ignore[index]
        process = registry.for_case(case)
        waits = {s.trigger for s in waiting_steps(case, ctx.due)}
        steps = [
            s
            for s in process.available(case.state, actor, ctx)
            if s.trigger in waits and expected(s, actor.roles, ctx)
        ]
        if steps:
            due = _due_for(steps, armed.get(case.id, []), cal, today)  # type: ignore[arg-type]
            if filters.overdue and not (due and due.overdue):
                continue
            mine.append(Item(case, name, process.state(case.state).label, tuple(steps), due=due))
    mine_ids = {i.case.id for i in mine}
    followed = [
        (c, n)
        for c, n in _open_cases(session, actor, filters, None, following=True)
        if c.id not in mine_ids
    ]
    contexts.update(_contexts(session, [c for c, _ in followed if c.id not in contexts], now))
    armed.update(_armed_rows(session, [c.id for c, _ in followed if c.id not in armed]))  # type: ignore[misc]
    actions = {c.id: next_actions(session, c, now, contexts[c.id]) for c, _ in followed}  # type: ignore[index]
    people = _people(session, [a for acts in actions.values() for a in acts])
    others: list[Item] = []
    for case, name in followed:
        acts = actions[case.id]
        if not acts:
            continue
        kinds = {
            k
            for a in acts
            for s in registry.for_case(case).steps_from(case.state, a.trigger)
            for k in s.settles
        }
        rows = [r for r in armed.get(case.id, []) if r.kind in kinds]  # type: ignore[arg-type]
        due = due_of(min(rows, key=lambda r: r.due_on), cal, today) if rows else None
        if filters.overdue and not (due and due.overdue):
            continue
        holders = tuple(
            Holder(a.who(), a.label, a.cite, tuple(people.get((a.roles, a.agencies), ())))
            for a in acts
        )
        others.append(
            Item(
                case,
                name,
                registry.for_case(case).state(case.state).label,
                holders=holders,
                due=due,
            )
        )
    mine.sort(key=_urgency)
    others.sort(key=_urgency)
    return Queue(
        mine[:LIMIT],
        others[:LIMIT],
        "" if mine else empty_reason(session, actor, filters),
        len(mine),
        len(others),
    )


def _urgency(item: Item) -> tuple[int, date, int]:
    """Overdue and soonest first; then cases with no deadline, oldest first."""
    if item.due is None:
        return (1, date.max, item.case.id or 0)
    return (0, item.due.due_on, item.case.id or 0)


def empty_reason(session: Session, actor: Actor, filters: Filters) -> str:
    """Why nothing waits for this user, in the words of what they do."""
    if filters.any():
        return "No case matching these filters waits for you."
    if R.APPELLATE in actor.roles and actor.agency and not actor.roles & R.AGENCY_STAFF:
        agency = session.get(Agency, actor.agency)
        body = agency.name if agency else actor.agency
        if R.RCSC not in actor.roles:
            return f"No appeal is before the {body}."
    if actor.roles <= R.SELF:
        return "Nothing waits for you: no step in your own cases is yours to take now."
    if R.INVESTIGATOR in actor.roles and not actor.roles & R.COMMITTEE:
        return "No investigation waits for you."
    return "No step is open to you on any case you can see."


# ------------------------------------------------------------------ reading in bulk


def _stages_for(actor: Actor) -> list[tuple[str, str]]:
    """(process, state) pairs where one of the actor's roles may take a step (an RCSC officer
    also where the RCSC may stand in): only these cases are read."""
    roles = set(actor.roles)
    if R.RCSC in roles:
        roles |= R.RCSC_ACTS_AS
    return sorted(
        {
            (p.key, src)
            for p in registry.every_version()
            for step in p.steps
            if not step.timer_only and step.by & roles
            for src in step.sources
        }
    )


def _open_cases(
    session: Session,
    actor: Actor,
    filters: Filters,
    stages: Sequence[tuple[str, str]] | None,
    *,
    following: bool = False,
) -> list[tuple[Case, str]]:
    where: list[sa.ColumnElement[bool]] = [
        queries.visibility(actor),
        Case.closed_at.is_(None),  # type: ignore[union-attr]
    ]
    if filters.process:
        where.append(Case.process == filters.process)  # type: ignore[arg-type]
    if filters.state:
        where.append(Case.state == filters.state)  # type: ignore[arg-type]
    if filters.agency:
        where.append(Case.agency_code == filters.agency)  # type: ignore[arg-type]
    if stages is not None:
        if not stages:
            return []
        where.append(
            sa.or_(*[sa.and_(Case.process == p, Case.state == st) for p, st in stages])  # type: ignore[arg-type]
        )
    if following:
        follows: list[sa.ColumnElement[bool]] = [
            Case.id.in_(  # type: ignore[union-attr]
                select(Notification.case_id).where(Notification.user_id == actor.user_id)
            ),
            Case.id.in_(  # type: ignore[union-attr]
                select(AuditEvent.case_id).where(AuditEvent.actor == actor.username)
            ),
        ]
        if actor.employee_eid:
            follows.append(Case.subject_eid == actor.employee_eid)  # type: ignore[arg-type]
        where.append(sa.or_(*follows))
    stmt = (
        select(Case, CivilServant.name)
        .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        .where(*where)
        .order_by(Case.id)
    )
    return list(session.exec(stmt).all())  # type: ignore[call-overload]


def _contexts(session: Session, cases: Sequence[Case], now: datetime) -> dict[int, Context]:
    """Each case's context as ``service.context`` builds it, three queries for all."""
    if not cases:
        return {}
    ids = [c.id for c in cases]
    eids = {c.subject_eid for c in cases}
    subjects = {
        cs.eid: service.subject_from(cs, agency)
        for cs, agency in session.exec(
            select(CivilServant, Agency)
            .outerjoin(Agency, Agency.code == CivilServant.agency_code)  # type: ignore[arg-type]
            .where(CivilServant.eid.in_(eids))  # type: ignore[attr-defined]
        ).all()
    }
    recused: dict[int, set[int]] = {}
    for case_id, user_id in session.exec(
        select(Recusal.case_id, Recusal.user_id).where(Recusal.case_id.in_(ids))  # type: ignore[attr-defined]
    ).all():
        recused.setdefault(case_id, set()).add(user_id)
    armed = _armed_rows(session, ids)  # type: ignore[arg-type]
    today = bhutan_today(now)
    read: dict[str, Any] = {}
    return {
        c.id: Context(  # type: ignore[misc]
            subject=subjects[c.subject_eid],
            data=json.loads(c.data),
            fields={},
            today=today,
            recused_user_ids=frozenset(recused.get(c.id, ())),  # type: ignore[arg-type]
            due=deadlines.due_dates(armed.get(c.id, [])),  # type: ignore[arg-type]
            record_loader=_loader(session, c.subject_eid, today, read),
        )
        for c in cases
    }


def _loader(session: Session, eid: str, today: date, read: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The record a rule reads (an LTT authority reads the subject's record), once per
    civil servant however many of their cases the queue holds."""

    def load() -> Any:
        if eid not in read:
            read[eid] = profiles.profile_of(session, eid, today)
        return read[eid]

    return load


def _armed_rows(session: Session, ids: Iterable[int]) -> dict[int, list[Deadline]]:
    ids = list(ids)
    out: dict[int, list[Deadline]] = {}
    if not ids:
        return out
    for row in session.exec(
        select(Deadline).where(Deadline.case_id.in_(ids), Deadline.status == deadlines.ARMED)  # type: ignore[attr-defined]
    ).all():
        out.setdefault(row.case_id, []).append(row)
    return out


def due_of(row: Deadline, cal: WorkingCalendar, today: date) -> Due:
    reckoning = deadlines.reckon(cal, row)
    if reckoning.unit_name == "calendar_days":
        left, unit = (row.due_on - today).days, "days"
    else:
        left, unit = deadlines.days_left(cal, row, today), "working days"
    return Due(row.label, row.cite, row.due_on, left, unit)


def _due_for(
    steps: Sequence[Step], rows: Sequence[Deadline], cal: WorkingCalendar, today: date
) -> Due | None:
    """The soonest armed deadline that one of ``steps`` settles."""
    kinds = {k for s in steps for k in s.settles}
    owed = [r for r in rows if r.kind in kinds]
    return due_of(min(owed, key=lambda r: r.due_on), cal, today) if owed else None


def _people(
    session: Session, actions: Sequence[NextAction]
) -> dict[tuple[frozenset[str], tuple[str, ...]], list[str]]:
    """The active users holding each action's role in its agency, one query for all (the
    respondent or applicant is named by the role: "the respondent")."""
    staff_roles = frozenset().union(*(a.roles for a in actions)) - R.SELF if actions else set()
    if not staff_roles:
        return {}
    users = session.exec(
        select(User).where(
            User.active == True,  # noqa: E712
            sa.or_(*[User.roles.like(f"%{r}%") for r in sorted(staff_roles)]),  # type: ignore[attr-defined]
        )
    ).all()
    out: dict[tuple[frozenset[str], tuple[str, ...]], list[str]] = {}
    for a in actions:
        key = (a.roles, a.agencies)
        if key not in out:
            out[key] = sorted(
                {
                    u.display_name or u.username
                    for u in users
                    if u.role_set & a.roles - R.SELF
                    and (not a.agencies or u.agency_code in a.agencies)
                }
            )
    return out
