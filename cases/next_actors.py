"""Who must act next on a case: the steps open from its stage, the roles and the competent
agency each needs (19.3.4-19.3.7, 7.7.3, 8.12.16, 13.3.1), and the users who hold them.

The overdue list names the body that must act; the inbox tells each of those users. Steps
open from almost every stage (suspension, death, withdrawal) are left out: they are never
what a case is waiting for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from cases import auth, service
from cases.models import Case, User
from workflows import registry
from workflows import roles as R
from workflows.engine import Step


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


def _waiting_steps(case: Case) -> list[Step]:
    process = registry.get(case.process)
    if process.is_final(case.state):
        return []
    anywhere = {s.trigger for s in process.anywhere_steps()}
    seen: dict[str, Step] = {}
    for step in process.steps_from(case.state):
        if step.timer_only or step.trigger in anywhere:
            continue
        seen.setdefault(step.trigger, step)
    return list(seen.values())


def next_actions(session: Session, case: Case, now: datetime) -> list[NextAction]:
    """The steps the case waits for, one per action, with who may take each."""
    steps = _waiting_steps(case)
    if not steps:
        return []
    ctx = service.context(session, case, now)
    out = []
    for step in steps:
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


def users_to_act(session: Session, case: Case, now: datetime) -> dict[int, list[Step]]:
    """Active users who may take a waiting step now (user id → those steps), with recusal and
    the competent authority applied exactly as when they act."""
    steps = _waiting_steps(case)
    if not steps:
        return {}
    wanted = frozenset().union(*(s.by for s in steps)) - {R.SYSTEM}
    if any(s.by & R.RCSC_ACTS_AS for s in steps):
        wanted |= {R.RCSC}
    process = registry.get(case.process)
    ctx = service.context(session, case, now)
    triggers = {s.trigger for s in steps}
    out: dict[int, list[Step]] = {}
    for user in session.exec(select(User).where(User.active == True)).all():  # noqa: E712
        if not user.role_set & wanted:
            continue
        mine = [
            s
            for s in process.available(case.state, auth.actor_of(user), ctx)
            if s.trigger in triggers
        ]
        if mine and user.id is not None:
            out[user.id] = mine
    return out
