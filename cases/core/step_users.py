"""A step's users fields (``Field.users_from``): the accounts a form offers, and the check,
in the step's own transaction, that every name is one of them.

19.3.5: "A person related to or prejudicial against a respondent civil servant shall not be a
member of Disciplinary Committee, the Investigating Committee or as an Appellate Authority."
So investigators and members present are people with accounts, never names typed in: an
unknown or inactive account, the respondent, or a member recused on the case is refused
naming the field and 19.3.5; a name outside the pool (workflows.committees.POOLS: the
committee's members where the agency recorded it, else the competent agency's active users)
is refused naming the section that says who they are. Members present named outside a
meeting are held to the minimum the agency set on its recorded committee, as a meeting is
(rules.QUORUM_RULE: the BCSR sets none, 2.10.3 sizes the committee, not a sitting).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core.models import Case, Committee, CommitteeMember, User
from workflows import committees as rules
from workflows.context import Context, Refusal, Refused
from workflows.declarations import Field, Step

RECUSAL_CITE = "19.3.5"


@dataclass(frozen=True)
class Eligible:
    """Who a users field may name on a case, and from where (for the refusal and the form)."""

    users: tuple[User, ...]
    source: str  # "MOH HRC on 2026-12-14" or "active users of MOH"
    cite: str
    # The recorded committee deciding with those named, and the least of them it decides
    # with (the agency's minimum, rules.QUORUM_RULE); "" and 0 where none applies.
    committee: str = ""
    minimum: int = 0


def _agencies(step: Step, ctx: Context) -> tuple[str, ...]:
    """The competent agency (the step's authority), else the respondent's."""
    return step.authority(ctx).agencies if step.authority is not None else (ctx.subject.agency,)


def _day(ctx: Context, fields: dict[str, Any]) -> date:
    """Members serve on the meeting's day where the step records one, else today."""
    raw = fields.get("meeting_on") or ctx.fields.get("meeting_on")
    return date.fromisoformat(str(raw)) if raw else ctx.today


def eligible(
    session: Session,
    case: Case,
    step: Step,
    field: Field,
    ctx: Context,
    fields: dict[str, Any] | None = None,
) -> Eligible:
    """The accounts ``field`` may name: the pool's committee members serving on the day
    where the agency recorded that committee, else the competent agency's active users;
    never the respondent or a member recused on the case (19.3.5)."""
    pool = rules.POOLS[field.users_from]
    day = _day(ctx, fields or {})
    agencies = _agencies(step, ctx)
    found = select(Committee).where(Committee.kind.in_(pool.kinds))  # type: ignore[attr-defined]
    if pool.on_case:
        found = found.where(Committee.case_id == case.id)
    else:
        found = found.where(Committee.agency_code.in_(agencies))  # type: ignore[attr-defined]
    committee = session.exec(found.order_by(Committee.id)).first()  # type: ignore[arg-type]
    if committee is not None:
        stmt = (
            select(User)
            .join(CommitteeMember, CommitteeMember.user_id == User.id)  # type: ignore[arg-type]
            .where(
                CommitteeMember.committee_id == committee.id,
                CommitteeMember.start_on <= day,
                sa.or_(CommitteeMember.end_on.is_(None), CommitteeMember.end_on >= day),  # type: ignore[union-attr, operator]
                User.active.is_(True),  # type: ignore[attr-defined]
            )
        )
        source = f"the members of {committee.code} serving on {day}"
    else:
        stmt = select(User).where(
            User.agency_code.in_(agencies),  # type: ignore[union-attr]
            User.active.is_(True),  # type: ignore[attr-defined]
        )
        source = f"the active users of {' or '.join(agencies)} ({pool.words} is not recorded)"
    rows = session.exec(stmt.order_by(User.display_name, User.username)).all()  # type: ignore[arg-type]
    users = tuple(
        u
        for u in {u.username: u for u in rows}.values()
        if u.id not in ctx.recused_user_ids
        and not (u.employee_eid and u.employee_eid == ctx.subject.eid)
    )
    if committee is not None and pool.decides:
        return Eligible(users, source, pool.cite, committee.code, committee.min_present)
    return Eligible(users, source, pool.cite)


def check(session: Session, case: Case, step: Step, fields: dict[str, Any], ctx: Context) -> None:
    """Every users field of ``step`` names eligible accounts; else Refused, each bad name
    with the field and its section, before anything of the step is written."""
    refusals: list[Refusal] = []
    for f in step.fields:
        if f.type != "users" or not fields.get(f.name):
            continue
        refusals += _refusals(session, case, step, f, fields, ctx)
    if refusals:
        raise Refused(refusals)


def _refusals(
    session: Session, case: Case, step: Step, f: Field, fields: dict[str, Any], ctx: Context
) -> list[Refusal]:
    names: Sequence[str] = fields[f.name]
    rows = session.exec(select(User).where(User.username.in_(list(names)))).all()  # type: ignore[attr-defined]
    by_name = {u.username: u for u in rows}
    pool = eligible(session, case, step, f, ctx, fields)
    allowed = {u.username for u in pool.users}
    out = []
    for name in names:
        user = by_name.get(name)
        if user is None:
            why, cite = f"no user '{name[:64]}'", RECUSAL_CITE
        elif not user.active:
            why, cite = f"{name}'s account is not active", RECUSAL_CITE
        elif user.employee_eid and user.employee_eid == ctx.subject.eid:
            why, cite = f"{name} is the respondent civil servant", RECUSAL_CITE
        elif user.id in ctx.recused_user_ids:
            why, cite = f"{name} stepped aside from this case (related or prejudiced)", RECUSAL_CITE
        elif name not in allowed:
            why, cite = f"{name} is not among {pool.source}", pool.cite
        else:
            continue
        out.append(Refusal("field", cite, f"{f.label}: {why}", f.name))
    if not out and len(set(names)) < pool.minimum:
        why = (
            f"{len(set(names))} member(s) present; {pool.committee} decides with at least "
            f"{pool.minimum} (set by the agency: {rules.QUORUM_RULE})"
        )
        out.append(Refusal("field", rules.QUORUM_CITE, f"{f.label}: {why}", f.name))
    return out
