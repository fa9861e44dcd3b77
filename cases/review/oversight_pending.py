"""The oversight page's lists: deadlines overdue on open cases, and those falling due in
the next five working days, each with who must act on its case now (BCSR 2.10.1, 2.9.1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import calendar_store, deadlines, queries
from cases.core.models import Case, CivilServant, Deadline
from cases.inbox.next_actors import NextAction, next_actions
from cases.review.oversight_filters import Filters, case_filters
from workflows import registry
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.context import Actor

# The overdue and due-soon lists ask who must act case by case (cases.inbox.next_actors, about
# 15-25 ms a case on a 2-core machine), so each stops at this many rows and says how many more.
LIST_LIMIT = 100
SOON_WORKING_DAYS = 5

# The two lists (``pending_list``).
OVERDUE, DUE_SOON = "overdue", "due_soon"
Which = Literal["overdue", "due_soon"]

# ------------------------------------------------------------------ overdue and due soon


@dataclass(frozen=True)
class Pending:
    """An open deadline on a list, with who must act on its case now."""

    deadline: Deadline
    case: Case
    subject_name: str
    working_days: int  # overdue by (overdue list) or left (due-soon list)
    calendar_days: int
    actions: tuple[NextAction, ...]

    def as_dict(self) -> dict[str, Any]:
        d = self.deadline
        return {
            "case_id": self.case.id,
            "process": self.case.process,
            "agency": self.case.agency_code,
            "subject_eid": self.case.subject_eid,
            "subject_name": self.subject_name,
            "kind": d.kind,
            "label": d.label,
            "cite": d.cite,
            "status": d.status,
            **deadlines.term(d).as_json(),  # amount, unit, counted_from, due_on
            "working_days": self.working_days,
            "calendar_days": self.calendar_days,
            "next": [
                {"trigger": a.trigger, "label": a.label, "cite": a.cite, "who": a.who()}
                for a in self.actions
            ],
        }


@dataclass(frozen=True)
class PendingList:
    rows: list[Pending]
    total: int  # all that match; ``rows`` stops at ``limit``
    limit: int


def _pending_query(actor: Actor, filters: Filters, where: Sequence[Any]) -> Any:
    return (
        select(Deadline, Case, CivilServant.name)
        .join(Case, Case.id == Deadline.case_id)  # type: ignore[arg-type]
        .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        .where(
            Case.closed_at.is_(None),  # type: ignore[union-attr]
            queries.visibility(actor),
            *case_filters(filters),
            *where,
        )
    )


def _settling(case: Case, deadline: Deadline, actions: list[NextAction]) -> tuple[NextAction, ...]:
    """The waiting steps that settle this deadline, if any is among them; else all of them
    (the deadline's own step may not be open yet, and the case still waits for someone)."""
    proc = registry.for_case(case)
    settles = {s.trigger for s in proc.steps if deadline.kind in s.settles}
    own = tuple(a for a in actions if a.trigger in settles)
    return own or tuple(actions)


def soon_until(cal: WorkingCalendar, today: date) -> date:
    """The last day of the due-soon window: five working days counting today if it is one
    (a Saturday's window runs to the fifth working day after it)."""
    return cal.add_working_days(today - timedelta(days=1), SOON_WORKING_DAYS)


def pending_list(
    session: Session,
    which: Which,
    actor: Actor,
    filters: Filters,
    now: datetime,
    limit: int = LIST_LIMIT,
    waiting: dict[int, list[NextAction]] | None = None,
) -> PendingList:
    """One of the oversight page's lists of open cases' deadlines, earliest due first:

    - ``OVERDUE``: still owed (armed, or marked missed by the sweep and the step not yet
      taken) and past their due date, longest overdue first; each row's days are how long
      overdue;
    - ``DUE_SOON``: armed and falling due from today to the end of the next five working
      days (``soon_until``); each row's days are how long is left.

    ``waiting`` (case id -> next actions) is shared by the lists so that who must act on a
    case is asked once."""
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    where: list[Any]
    if which == OVERDUE:
        where = [queries.outstanding(), Deadline.due_on < today]

        def distance(due: date) -> tuple[int, int]:
            return cal.working_days_between(due, today), (today - due).days

    elif which == DUE_SOON:
        where = [
            Deadline.status == "armed",
            Deadline.due_on >= today,
            Deadline.due_on <= soon_until(cal, today),
        ]

        def distance(due: date) -> tuple[int, int]:
            return cal.working_days_between(today, due), (due - today).days

    else:
        raise ValueError(f"no list '{which}' (one of {OVERDUE}, {DUE_SOON})")
    base = _pending_query(actor, filters, where)
    total = session.exec(select(sa.func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        base.order_by(Deadline.due_on, Case.id, Deadline.id).limit(limit)  # type: ignore[arg-type]
    ).all()
    waiting = {} if waiting is None else waiting
    out = []
    for deadline, case, name in rows:
        if case.id not in waiting:
            waiting[case.id] = next_actions(session, case, now)
        wd, cd = distance(deadline.due_on)
        out.append(
            Pending(deadline, case, name, wd, cd, _settling(case, deadline, waiting[case.id]))
        )
    return PendingList(out, int(total), limit)
