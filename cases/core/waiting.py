"""Who each open case waits for, kept beside it (table ``case_waiting``): one row per role
and competent agency that may take a waiting step (19.3.4-19.3.7, 7.7.3, 8.12.16, 13.3.1)
and, where the case names who takes a step, per user named (19.8.2.2(v): the investigators
the Disciplinary Committee chose); each with the soonest due date of the deadlines those
steps settle. Which steps they are, the queue works out for the cases it shows.

Why a table: the work queue asks "which cases wait for me, most urgent first?" of every
user on every page. Worked out case by case, that costs every case the user may see (at
100,000 cases, 25,000 for a committee member: seconds); read from these rows by the user's
roles and agency (an index), it costs the page it shows.

The rows follow every change to the case, in the change's own transaction: every change
appends to the audit chain, ``audit.append`` marks the case here, and the commit rewrites
the rows of every case it marked (``service``); a step rewrites its own case's rows at once,
from the context it ran in. A change to a civil servant's record (a transfer's new agency,
a register import) marks their open cases, whose competent authority may have moved.

What a row cannot say is checked by the queue for each case it shows, as when the user acts
(``Process.available``): recusal (19.3.5, also in SQL), the complainant, and the guards whose
answer moves with the day (``Guard.dated``: a row keeps such a step whatever the day).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from cases.core.models import Case, CaseWaiting, CivilServant
from workflows import registry
from workflows import roles as R
from workflows.context import Actor, Context
from workflows.declarations import Authority, Guard, Step

NO_DUE = date(9999, 12, 31)  # a step no running deadline settles sorts after every due date
TABLE = CaseWaiting.__table__  # type: ignore[attr-defined]
_STALE = "drukflow.waiting.stale"  # session.info: case id -> the time of its change
_SERVANTS = "drukflow.waiting.servants"  # session.info: civil servants changed


@dataclass(frozen=True, order=True)
class Wait:
    role: str
    agency_code: str
    username: str
    due_on: date


def waiting_steps(case: Case, armed: Collection[str]) -> list[Step]:
    """The steps the case waits for; ``armed``: the kinds of the case's armed deadlines.
    While a deadline runs, the case waits for the steps that settle it (the rule's clock says
    what is owed: 19.8.2.1(i), 8.12.15, 13.9.3...); otherwise for every step open from its
    stage except those open from almost every stage (suspension, death, withdrawal)."""
    process = registry.for_case(case)
    if process.is_final(case.state):
        return []
    here = [s for s in process.steps_from(case.state) if not s.timer_only]
    owed = [s for s in here if set(s.settles) & set(armed)]
    if not owed:
        owed = [s for s in here if s.trigger not in process.anywhere_triggers]
    seen: dict[str, Step] = {}
    for step in owed:
        seen.setdefault(step.trigger, step)
    return list(seen.values())


class Branch(NamedTuple):
    """A waiting step the case itself does not rule out, with its competent authority
    (None: the step names none) and the prechecks it passed for the case."""

    step: Step
    found: Authority | None
    prechecks: tuple[Guard, ...]


def branches(case: Case, ctx: Context, *, dated: bool) -> list[Branch]:
    """Every branch of a step the case waits for, in the order ``Process.available`` tries
    them, whose competent authority is found (19.3.4-19.3.7, 7.7.3, 8.12.16, 13.3.1) and
    whose prechecks pass for the case (``ctx``: its context, no user). Worked out once per
    case for the rows here and for the notices (``next_actors.users_to_act``), which then
    check each user. ``dated``: also the guards whose answer moves with the day: a notice is
    sent today, while a row keeps its step whatever the day (``Guard.dated``)."""
    process = registry.for_case(case)
    if process.is_final(case.state):
        return []
    triggers = {s.trigger for s in waiting_steps(case, ctx.due)}
    out = []
    for step in process.steps_from(case.state):
        if step.trigger not in triggers or step.timer_only:
            continue
        found = step.authority(ctx) if step.authority else None
        if found is not None and found.problem:
            continue
        prechecks = tuple(
            g for g in step.guards if g.precheck and process.binds(g) and (dated or not g.dated)
        )
        if any(not g.check(ctx) for g in prechecks):
            continue
        out.append(Branch(step, found, prechecks))
    return out


def waits(case: Case, ctx: Context) -> list[Wait]:
    """The rows for ``case`` in ``ctx`` (its context, no user): who may take each waiting
    step by role and competent agency, as ``Process.available`` would let them. A guard
    that gives a step to the people the case names (``Guard.named_in``) gives a role's row
    to each of them, unless the role passes it without being named (the committee's
    members, 19.8.2.2(iii))."""
    out: dict[tuple[str, str, str], date] = {}

    def put(role: str, agency: str, user: str, due: date) -> None:
        key = (role, agency, user)
        out[key] = min(due, out.get(key, NO_DUE))

    for branch in branches(case, ctx, dated=False):
        step, found = branch.step, branch.found
        due = min((ctx.due[k] for k in step.settles if k in ctx.due), default=NO_DUE)
        named = [g for g in branch.prechecks if g.named_in]
        agencies = found.agencies if found else ("",)
        for role in sorted(step.by - {R.SYSTEM}):
            if role in R.SELF:  # the case's own subject: matched by employee ID
                put(role, "", "", due)
                continue
            for agency in agencies:
                for user in takers(named, role, agency, ctx):
                    put(role, agency, user, due)
        if found and set(found.agencies) == {R.RCSC_AGENCY} and step.by & R.RCSC_ACTS_AS:
            put(R.RCSC, R.RCSC_AGENCY, "", due)  # the RCSC stands in (19.3.6)
    return sorted(Wait(*key, due) for key, due in out.items())


def takers(named: Sequence[Guard], role: str, agency: str, ctx: Context) -> list[str]:
    """ "" (any holder of ``role``), or the usernames the case names for a guard that a
    holder of ``role`` alone does not pass unnamed."""
    if not named:
        return [""]
    probe = replace(ctx, actor=Actor(0, "", frozenset({role}), agency or None, None))
    failing = [g for g in named if not g.check(probe)]
    if not failing:
        return [""]
    users: set[str] = set()
    for g in failing:
        value = ctx.data.get(g.named_in)
        users |= {u for u in value if isinstance(u, str)} if isinstance(value, list) else set()
    return sorted(users)


def write(session: Session, case: Case, ctx: Context) -> None:
    """Rewrite ``case``'s rows from ``ctx``, in the session's transaction; the case is no
    longer marked."""
    session.info.get(_STALE, {}).pop(case.id, None)
    rows = [] if registry.for_case(case).is_final(case.state) else waits(case, ctx)
    conn = session.connection()
    conn.execute(TABLE.delete().where(TABLE.c.case_id == case.id))
    if rows:
        first = min(rows, key=lambda w: (w.due_on, w.role, w.agency_code, w.username))
        conn.execute(
            TABLE.insert(),
            [
                {
                    "case_id": case.id,
                    "role": w.role,
                    "agency_code": w.agency_code,
                    "username": w.username,
                    "due_on": w.due_on,
                    "soonest": w is first,
                }
                for w in rows
            ],
        )


def mark(session: Session, case_id: int, now: datetime) -> None:
    """The case changed in this transaction: its rows are rewritten before it commits."""
    session.info.setdefault(_STALE, {})[case_id] = now


def mark_servants(session: Session, eids: Iterable[str], now: datetime) -> None:
    """These civil servants' records changed (agency, level, status): their open cases'
    competent authority may have moved, so their rows are rewritten before the commit."""
    eids = sorted(set(eids))
    cases = Case.__table__.c  # type: ignore[attr-defined]
    for start in range(0, len(eids), 5000):  # within any database's limit of parameters
        ids = session.connection().execute(
            sa.select(cases.id).where(
                cases.subject_eid.in_(eids[start : start + 5000]), cases.closed_at.is_(None)
            )
        )
        for case_id in ids.scalars():
            mark(session, case_id, now)


def note_servants(session: Session) -> None:
    """Before a flush: remember the civil servants changed through the session."""
    changed = [o.eid for o in session.dirty if isinstance(o, CivilServant)]
    if changed:
        session.info.setdefault(_SERVANTS, set()).update(changed)


def take_stale(session: Session) -> dict[int, datetime]:
    """The cases marked (and those of the civil servants changed), unmarked: the caller
    rewrites them, each as of the time of its change."""
    servants = session.info.pop(_SERVANTS, None)
    if servants:
        stale = session.info.get(_STALE) or {}
        mark_servants(session, servants, max(stale.values(), default=datetime.now(UTC)))
    return session.info.pop(_STALE, None) or {}
