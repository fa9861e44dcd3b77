"""Who must act next on a case: the steps open from its stage, the roles and the competent
agency each needs (19.3.4-19.3.7, 7.7.3, 8.12.16, 13.3.1), and the users who hold them.

The overdue list names the body that must act; the inbox tells each of those users. While a
deadline runs, the case waits for the steps that settle it (the rule's clock says what is
owed: 19.8.2.1(i), 8.12.15, 13.9.3...). Otherwise it waits for every step open from its
stage except those open from almost every stage (suspension, death, withdrawal), which are
never what a case is waiting for.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import service
from cases.core.models import Case, User
from cases.people import auth
from workflows import registry
from workflows import roles as R
from workflows.context import Context
from workflows.declarations import Step


@dataclass(frozen=True)
class NextAction:
    trigger: str
    label: str
    cite: str
    roles: frozenset[str]
    agencies: tuple[str, ...]  # empty: no agency test (e.g. the respondent's own step)
    authority_cite: str

    def who(self) -> str:
        """ "HRC chairperson of MOH", "the respondent, or HR officer of MOH or RCSC"."""
        own = [f"the {R.LABELS[r].split(' (')[0]}" for r in sorted(self.roles & R.SELF)]
        staff = " or ".join(R.LABELS.get(r, r) for r in sorted(self.roles - R.SELF))
        if staff and self.agencies:
            staff += f" of {' or '.join(self.agencies)}"
        return ", or ".join(p for p in (*own, staff) if p)


def waiting_steps(case: Case, armed: Collection[str]) -> list[Step]:
    """The steps the case waits for; ``armed``: the kinds of the case's armed deadlines."""
    process = registry.for_case(case)
    if process.is_final(case.state):
        return []
    here = [s for s in process.steps_from(case.state) if not s.timer_only]
    owed = [s for s in here if set(s.settles) & set(armed)]
    if not owed:
        anywhere = {s.trigger for s in process.anywhere_steps()}
        owed = [s for s in here if s.trigger not in anywhere]
    seen: dict[str, Step] = {}
    for step in owed:
        seen.setdefault(step.trigger, step)
    return list(seen.values())


def next_actions(
    session: Session, case: Case, now: datetime, ctx: Context | None = None
) -> list[NextAction]:
    """The steps the case waits for, one per action, with who may take each (``ctx``: the
    case's context when the caller has built it, e.g. the work queue for many cases)."""
    if registry.for_case(case).is_final(case.state):
        return []
    ctx = ctx or service.context(session, case, now)
    out = []
    for step in waiting_steps(case, ctx.due):
        found = step.authority(ctx) if step.authority else None
        out.append(
            NextAction(
                step.trigger,
                step.label,
                step.cite,
                step.by - {R.SYSTEM},
                found.agencies if found else (),
                found.cite if found else "",
            )
        )
    return out


def users_to_act(
    session: Session, case: Case, now: datetime, ctx: Context | None = None
) -> dict[int, list[Step]]:
    """Active users who may take a waiting step now (user id → those steps), with recusal and
    the competent authority applied exactly as when they act.

    An RCSC officer who may stand in for an agency's committee or HR officer (19.3.6, 19.3.7)
    is counted only where the RCSC alone is competent: where the agency may also act (an
    appeal it records, 19.12.1; a complaint it receives, 19.5.1) the case waits for the agency.
    """
    if registry.for_case(case).is_final(case.state):
        return {}
    ctx = ctx or service.context(session, case, now)
    steps = waiting_steps(case, ctx.due)
    if not steps:
        return {}
    wanted = frozenset().union(*(s.by for s in steps)) - {R.SYSTEM}
    if any(s.by & R.RCSC_ACTS_AS for s in steps):
        wanted |= {R.RCSC}
    process = registry.for_case(case)
    triggers = {s.trigger for s in steps}
    out: dict[int, list[Step]] = {}
    # Narrowed in SQL to users holding a wanted role (and, for one's-own-record roles, to the
    # subject), so a step's cost does not grow with every account in the service.
    holders = [
        sa.and_(User.roles.like(f"%{role}%"), User.employee_eid == case.subject_eid)  # type: ignore[attr-defined]
        if role in R.SELF
        else User.roles.like(f"%{role}%")  # type: ignore[attr-defined]
        for role in sorted(wanted)
    ]
    candidates = select(User).where(User.active == True, sa.or_(*holders))  # noqa: E712
    for user in session.exec(candidates).all():
        if not user.role_set & wanted:
            continue
        mine = [
            s
            for s in process.available(case.state, auth.actor_of(user), ctx)
            if s.trigger in triggers and expected(s, user.role_set, ctx)
        ]
        if mine and user.id is not None:
            out[user.id] = mine
    return out


def expected(step: Step, roles: Collection[str], ctx: Context) -> bool:
    """Whether the case waits for a holder of ``roles`` on ``step`` (not merely lets an RCSC
    officer act)."""
    if set(roles) & step.by:
        return True
    found = step.authority(ctx) if step.authority else None
    return found is not None and set(found.agencies) == {R.RCSC_AGENCY}
