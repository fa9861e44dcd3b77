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
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cases.core import service, waiting
from cases.core.models import Case, User, UserRole
from cases.core.waiting import takers, waiting_steps
from workflows import registry
from workflows import roles as R
from workflows.context import Actor, Context
from workflows.declarations import Authority, Step
from workflows.engine import check_authority


@dataclass(frozen=True)
class NextAction:
    trigger: str
    label: str
    cite: str
    roles: frozenset[str]
    agencies: tuple[str, ...]  # empty: no agency test (e.g. the respondent's own step)
    authority_cite: str
    # (role, usernames): a role whose holders take the step only if the case names them
    # (19.8.2.2(v): the investigators the Disciplinary Committee chose).
    named: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def who(self) -> str:
        """ "HRC chairperson of MOH", "the respondent, or HR officer of MOH or RCSC",
        "DC member of MOH, or the investigator chosen on the case (pema)"."""
        named = dict(self.named)
        own = [f"the {R.LABELS[r].split(' (')[0]}" for r in sorted(self.roles & R.SELF)]
        plain = [r for r in sorted(self.roles - R.SELF) if r not in named]
        staff = " or ".join(R.LABELS.get(r, r) for r in plain)
        if staff and self.agencies:
            staff += f" of {' or '.join(self.agencies)}"
        chosen = [
            f"the {R.LABELS.get(r, r)} chosen on the case ({', '.join(names) or 'none named'})"
            for r, names in sorted(named.items())
        ]
        return ", or ".join(p for p in (*own, staff, *chosen) if p)

    def may_be(self, roles: frozenset[str], agency: str | None, username: str) -> bool:
        """Whether a staff user holding ``roles`` in ``agency`` is one who must act."""
        named = dict(self.named)
        if self.agencies and agency not in self.agencies:
            return False
        if roles & (self.roles - R.SELF - named.keys()):
            return True
        return any(r in roles and username in names for r, names in named.items())


def next_actions(
    session: Session, case: Case, now: datetime, ctx: Context | None = None
) -> list[NextAction]:
    """The steps the case waits for, one per action, with who may take each (``ctx``: the
    case's context when the caller has built it, e.g. the work queue for many cases)."""
    if registry.for_case(case).is_final(case.state):
        return []
    ctx = ctx or service.context(session, case, now)
    out = []
    process = registry.for_case(case)
    for step in waiting_steps(case, ctx.due):
        found = step.authority(ctx) if step.authority else None
        guards = [g for g in step.guards if g.named_in and g.precheck and process.binds(g)]
        agency = found.agencies[0] if found and found.agencies else ""
        named = tuple(
            (role, tuple(users))
            for role in sorted(step.by - R.SELF - {R.SYSTEM})
            if (users := takers(guards, role, agency, ctx)) != [""]
        )
        out.append(
            NextAction(
                step.trigger,
                step.label,
                step.cite,
                step.by - {R.SYSTEM},
                found.agencies if found else (),
                found.cite if found else "",
                named,
            )
        )
    return out


def users_to_act(
    session: Session, case: Case, now: datetime, ctx: Context | None = None
) -> dict[int, list[Step]]:
    """Active users who may take a waiting step now (user id → those steps), with recusal,
    the competent authority and the guards checked before a step is offered applied exactly
    as when they act (``Process.available``): a step the case gives to the people it named
    waits for them only (19.8.2.2(v)-(x): "The Investigator or Investigating Committee" the
    Disciplinary Committee directed, not every investigator of the agency), so a notice
    goes only to users who could take the step.

    An RCSC officer who may stand in for an agency's committee or HR officer (19.3.6, 19.3.7)
    is counted only where the RCSC alone is competent: where the agency may also act (an
    appeal it records, 19.12.1; a complaint it receives, 19.5.1) the case waits for the agency.

    The cost follows the waiting steps, not the users in the service: each step's competent
    authority and its user-independent guards are worked out once for the case, and the
    holders are found in SQL by role and competent agency (index on the user's agency), so
    only the few users who may act are read and checked.
    """
    if registry.for_case(case).is_final(case.state):
        return {}
    ctx = ctx or service.context(session, case, now)
    # Checked once here for the case, and again for each user, as who acts (a step the case
    # gives to the people it named, 19.8.2.2).
    branches = waiting.branches(case, ctx, dated=True)
    if not branches:
        return {}
    agencies = sorted({a for _, found, _ in branches if found for a in found.agencies})
    staff = frozenset().union(*(_staff(step) for step, _, _ in branches))
    own = frozenset().union(*(step.by & R.SELF for step, _, _ in branches))
    anywhere = any(found is None and _staff(step) for step, found, _ in branches)
    query = _candidates(staff, own, anywhere)
    if query is None:
        return {}
    params = {"agencies": agencies, "eid": case.subject_eid or ""}
    rows = session.connection().execute(query, params).all()
    recused = ctx.recused_user_ids
    wanted = frozenset().union(*(step.by for step, _, _ in branches)) | {R.RCSC}
    guarded = any(prechecks for _, _, prechecks in branches)
    out: dict[int, list[Step]] = {}
    for user_id, username, roles, agency, eid in rows:
        held = frozenset(r for r in roles.split(",") if r)
        if not held & wanted or user_id in recused:
            continue
        actor = Actor(user_id, username, held, agency, eid)
        as_them = replace(ctx, actor=actor) if guarded else ctx
        mine: dict[str, Step] = {}
        for step, found, prechecks in branches:
            if step.trigger in mine or check_authority(step, actor, ctx, found):
                continue
            if any(not g.check(as_them) for g in prechecks):
                continue
            if expected(step, held, ctx, found):
                mine[step.trigger] = step
        if mine:
            out[user_id] = list(mine.values())
    return out


def _staff(step: Step) -> frozenset[str]:
    """The roles of ``step`` held by officers of an agency (the RCSC may stand in for an
    agency's committee or HR officer, 19.3.6-19.3.7)."""
    staff = step.by - R.SELF - {R.SYSTEM}
    return staff | {R.RCSC} if step.by & R.RCSC_ACTS_AS else staff


@lru_cache(maxsize=256)
def _candidates(staff: frozenset[str], own: frozenset[str], anywhere: bool) -> Any:
    """The users who could hold a waiting step's role, found in SQL by role and agency:
    holders of one of the ``staff`` roles in the competent agencies (user_role, indexed on
    role and agency; in any agency where a step names none), and the case's subject for an
    ``own`` role (app_user indexed on employee ID). Built once per combination of roles, so
    each step reuses one compiled statement; who of them may act is still decided by
    ``check_authority``, as when they act."""
    u = User.__table__.c  # type: ignore[attr-defined]
    r = UserRole.__table__.c  # type: ignore[attr-defined]
    terms = []
    if staff:
        holders = sa.select(r.user_id).where(r.role.in_(sorted(staff)))
        if not anywhere:
            holders = holders.where(r.agency_code.in_(sa.bindparam("agencies", expanding=True)))
        terms.append(u.id.in_(holders))
    if own:
        terms.append(u.employee_eid == sa.bindparam("eid"))
    if not terms:
        return None
    return sa.select(u.id, u.username, u.roles, u.agency_code, u.employee_eid).where(
        u.active == sa.true(), sa.or_(*terms)
    )


def expected(
    step: Step, roles: Collection[str], ctx: Context, found: Authority | None = None
) -> bool:
    """Whether the case waits for a holder of ``roles`` on ``step`` (not merely lets an RCSC
    officer act); ``found``: the step's competent authority, if worked out already."""
    if set(roles) & step.by:
        return True
    found = found or (step.authority(ctx) if step.authority else None)
    return found is not None and set(found.agencies) == {R.RCSC_AGENCY}
