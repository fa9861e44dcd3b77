"""Committees as records: who sits on an agency's HRC (and its other committees), in which
seat and from when to when, and whether the composition meets 2.10.3 and 2.10.6.1 or the
RCSC approved another (2.10.6.2).

Every change is a write like a step: one authority check (``may_manage``), the caller's
transaction, and one audit event in the chain (process "committee", no case unless the
committee is an Investigation Committee for one), so the history of a committee is in the
same trail as the cases it decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import audit
from cases.core.models import Agency, Case, Committee, CommitteeMember, Recusal, User
from cases.core.queries import can_see
from cases.core.service import NotFound
from workflows import committees as rules
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor, Refusal, Refused
from workflows.fields import parse_values

PROCESS = "committee"
PROCESS_VERSION = "2023.1"


def _field(field: str, reason: str, cite: str = "2.10") -> Refused:
    return Refused([Refusal("field", cite, f"{field}: {reason}", field)])


def may_see(actor: Actor, agency_code: str) -> bool:
    """An agency's committees are read by its own officers, the RCSC and an administrator."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles:
        return True
    return actor.agency == agency_code and bool(actor.roles & R.AGENCY_STAFF)


def may_see_committees(actor: Actor) -> bool:
    """Whether the navigation shows the committees (to those who read some)."""
    return bool(actor.roles & (R.AGENCY_STAFF | {R.ADMIN, R.RCSC}))


def may_manage(actor: Actor, agency_code: str) -> bool:
    """2.10.1: the agency institutes its HRC, so its HR officer and HRC chairperson keep the
    membership; the RCSC (2.10.3: it "reserves the rights to participate in the HRC") and an
    administrator (1.7) may too."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles:
        return True
    return actor.agency == agency_code and bool(actor.roles & {R.HR_OFFICER, R.HRC_CHAIR})


def _check_manage(actor: Actor, agency_code: str) -> None:
    if not may_manage(actor, agency_code):
        raise Refused(
            [
                Refusal(
                    "authority",
                    "2.10.1",
                    f"the committees of {agency_code} are kept by its HR officer or HRC "
                    "chairperson, the RCSC or an administrator",
                )
            ]
        )


def visible(session: Session, actor: Actor, committee_id: int) -> Committee:
    """The committee, if ``actor`` may read it; else NotFound (as a case one may not see)."""
    found = session.get(Committee, committee_id)
    if found is None or not may_see(actor, found.agency_code):
        raise NotFound(f"committee {committee_id} not found")
    return found


def listed(session: Session, actor: Actor) -> list[Committee]:
    rows = session.exec(select(Committee).order_by(Committee.agency_code, Committee.code)).all()  # type: ignore[arg-type]
    return [c for c in rows if may_see(actor, c.agency_code)]


def _audit(
    session: Session,
    actor: Actor,
    committee: Committee,
    trigger: str,
    fields: dict[str, Any],
    cite: str,
    now: datetime,
) -> None:
    """An event of the chain; an Investigation Committee's is on its case (as any other
    event on a case: in the case's state, process and version, so replay reads it)."""
    case = session.get(Case, committee.case_id) if committee.case_id else None
    audit.append(
        session,
        case_id=committee.case_id,
        now=now,
        actor=actor.username,
        role=next(iter(sorted(actor.roles)), ""),
        trigger=trigger,
        from_state=case.state if case else "",
        to_state=case.state if case else "",
        fields={"committee_id": committee.id, "committee": committee.code, **fields},
        cite=cite,
        process=case.process if case else PROCESS,
        process_version=case.process_version if case else PROCESS_VERSION,
    )


def _parsed(fields: tuple, raw: dict[str, Any], cite: str) -> dict[str, Any]:
    values, errors = parse_values(fields, raw, {}, cite)
    if errors:
        raise Refused(errors)
    return values


def create(session: Session, actor: Actor, raw: dict[str, Any], *, now: datetime) -> Committee:
    """A new committee of an agency (2.10.1: "Agencies shall institute an HRC")."""
    v = _parsed(rules.COMMITTEE_FIELDS, raw, "2.10.1")
    case_id = v.get("case_id")
    if (v["kind"] == rules.INVESTIGATION) != (case_id is not None):
        raise _field(
            "case_id",
            "an Investigation Committee is formed on one case, and only it (19.8.2.2)",
            "19.8.2.2",
        )
    if case_id is not None:
        case = can_see(session, actor, case_id) if 0 < case_id < 2**31 else None
        if case is None:
            raise NotFound(f"case {case_id} not found")
        v["agency_code"] = case.agency_code
    if not v.get("agency_code"):
        raise _field("agency_code", "the agency whose committee it is is required", "2.10.1")
    agency = session.get(Agency, v["agency_code"])
    if agency is None:
        raise _field("agency_code", f"no agency '{v['agency_code'][:32]}'", "2.10.1")
    _check_manage(actor, agency.code)
    code = v["code"]
    if session.exec(select(Committee.id).where(Committee.code == code)).first() is not None:
        raise _field("code", f"'{code}' already names a committee; meetings are numbered under it")
    min_present = v.get("min_present") or rules.DEFAULT_MIN_PRESENT
    if not 1 <= min_present <= 100:
        raise _field("min_present", "between 1 and 100 members", rules.QUORUM_CITE)
    committee = Committee(
        agency_code=agency.code,
        kind=v["kind"],
        code=code,
        name=v["name"],
        min_present=min_present,
        case_id=case_id,
        created_at=now,
    )
    session.add(committee)
    session.flush()
    _audit(
        session,
        actor,
        committee,
        "committee_create",
        {
            "agency": agency.code,
            "kind": committee.kind,
            "name": committee.name,
            "min_present": min_present,
        },
        rules.KINDS[committee.kind][1],
        now,
    )
    return committee


def set_min_present(
    session: Session, actor: Actor, committee_id: int, raw: dict[str, Any], *, now: datetime
) -> Committee:
    """The agency's own minimum present for a decision (the BCSR sets none)."""
    committee = visible(session, actor, committee_id)
    _check_manage(actor, committee.agency_code)
    v = _parsed(rules.SETTINGS_FIELDS, raw, rules.QUORUM_CITE)
    n = v.get("min_present")
    if n is None or not 1 <= n <= 100:
        raise _field("min_present", "between 1 and 100 members", rules.QUORUM_CITE)
    before = committee.min_present
    committee.min_present = n
    session.add(committee)
    _audit(
        session,
        actor,
        committee,
        "committee_min_present",
        {"before": before, "after": n},
        rules.QUORUM_CITE,
        now,
    )
    return committee


def add_member(
    session: Session, actor: Actor, committee_id: int, raw: dict[str, Any], *, now: datetime
) -> CommitteeMember:
    """A user takes a seat from ``start_on`` (to ``end_on``). A member is a person with an
    account, never a name typed in, so a recusal (19.3.5) can find them."""
    committee = visible(session, actor, committee_id)
    _check_manage(actor, committee.agency_code)
    v = _parsed(rules.MEMBER_FIELDS, raw, "2.10.6.1")
    user = session.exec(select(User).where(User.username == v["username"])).first()
    if user is None or not user.active:
        raise _field("username", f"no active user '{v['username'][:64]}'", "2.10.6.1")
    if committee.case_id is not None:
        _not_conflicted(session, committee.case_id, user)
    elif user.agency_code not in (committee.agency_code, R.RCSC_AGENCY):
        raise _field(
            "username",
            f"{user.username} is not an officer of {committee.agency_code} (the RCSC may "
            "participate, 2.10.3)",
            "2.10.6.1",
        )
    start = date.fromisoformat(v["start_on"])
    end = date.fromisoformat(v["end_on"]) if v.get("end_on") else None
    if end is not None and end < start:
        raise _field("end_on", "cannot be before the membership starts", "2.10.6.1")
    for other in _overlapping(session, committee.id or 0, start, end):
        if other.user_id == user.id:
            raise _field("username", f"{user.username} already sits on this committee then")
        if other.seat == v["seat"] and v["seat"] in rules.SINGLE_SEATS:
            raise _field(
                "seat",
                f"the committee has one {rules.SEATS[v['seat']]} at a time; end the current "
                "membership first",
                "2.10.6.1",
            )
    member = CommitteeMember(
        committee_id=committee.id,  # type: ignore[arg-type]
        user_id=user.id,  # type: ignore[arg-type]
        seat=v["seat"],
        start_on=start,
        end_on=end,
    )
    session.add(member)
    session.flush()
    _audit(
        session,
        actor,
        committee,
        "committee_member_add",
        {
            "member_id": member.id,
            "user": user.username,
            "seat": member.seat,
            "start_on": v["start_on"],
            "end_on": v.get("end_on"),
        },
        "2.10.6.1",
        now,
    )
    return member


def _not_conflicted(session: Session, case_id: int, user: User) -> None:
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of ... the Investigating Committee": not a member recused on the case,
    nor the civil servant it is about. An investigator may come from any agency."""
    case = session.get(Case, case_id)
    recused = session.exec(
        select(Recusal.id).where(Recusal.case_id == case_id, Recusal.user_id == user.id)
    ).first()
    if recused is not None or (case is not None and user.employee_eid == case.subject_eid):
        raise _field(
            "username",
            f"{user.username} stepped aside from this case (or is its respondent) and cannot "
            "sit on its Investigation Committee",
            "19.3.5",
        )


def end_member(
    session: Session,
    actor: Actor,
    committee_id: int,
    member_id: int,
    raw: dict[str, Any],
    *,
    now: datetime,
) -> CommitteeMember:
    """A membership ends on ``end_on`` (kept: the meetings it sat in stay readable)."""
    committee = visible(session, actor, committee_id)
    _check_manage(actor, committee.agency_code)
    member = session.get(CommitteeMember, member_id)
    if member is None or member.committee_id != committee.id:
        raise NotFound(f"no membership {member_id} on committee {committee_id}")
    v = _parsed(rules.END_FIELDS, raw, "2.10.6.1")
    end = date.fromisoformat(v["end_on"])
    if end < member.start_on:
        raise _field("end_on", "cannot be before the membership starts", "2.10.6.1")
    before = member.end_on.isoformat() if member.end_on else None
    member.end_on = end
    session.add(member)
    user = session.get(User, member.user_id)
    _audit(
        session,
        actor,
        committee,
        "committee_member_end",
        {
            "member_id": member.id,
            "user": user.username if user else "",
            "seat": member.seat,
            "before": before,
            "end_on": v["end_on"],
        },
        "2.10.6.1",
        now,
    )
    return member


def record_exception(
    session: Session, actor: Actor, committee_id: int, raw: dict[str, Any], *, now: datetime
) -> Committee:
    """2.10.6.2: "Agencies which do not meet the composition requirement specified in
    Section 2.10.6.1 shall form HRC/Selection Committee with the relevant staff with prior
    approval from the RCSC": the RCSC records its approval."""
    committee = visible(session, actor, committee_id)
    if R.RCSC not in actor.roles:
        raise Refused(
            [
                Refusal(
                    "authority",
                    "2.10.6.2",
                    "only the RCSC approves a composition other than 2.10.6.1's",
                )
            ]
        )
    v = _parsed(rules.EXCEPTION_FIELDS, raw, "2.10.6.2")
    committee.exception_ref = v["exception_ref"]
    committee.exception_on = date.fromisoformat(v["exception_on"])
    session.add(committee)
    _audit(session, actor, committee, "committee_exception", v, "2.10.6.2", now)
    return committee


def _overlapping(
    session: Session, committee_id: int, start: date, end: date | None
) -> list[CommitteeMember]:
    rows = session.exec(
        select(CommitteeMember).where(
            CommitteeMember.committee_id == committee_id,
            sa.or_(CommitteeMember.end_on.is_(None), CommitteeMember.end_on >= start),  # type: ignore[union-attr, operator]
        )
    ).all()
    return [m for m in rows if end is None or m.start_on <= end]


def of_case(session: Session, case_id: int) -> list[tuple[Committee, list[Seat]]]:
    """A case's Investigation Committees (19.8.2.2) with their members: people, not text."""
    rows = session.exec(select(Committee).where(Committee.case_id == case_id)).all()
    return [(c, members(session, c.id or 0)) for c in rows]


@dataclass(frozen=True)
class Seat:
    member: CommitteeMember
    user: User

    @property
    def seat_label(self) -> str:
        return rules.SEATS.get(self.member.seat, self.member.seat)


def members(session: Session, committee_id: int, on: date | None = None) -> list[Seat]:
    """The memberships (all, or those current ``on`` a day), chair first."""
    stmt = (
        select(CommitteeMember, User)
        .join(User, User.id == CommitteeMember.user_id)  # type: ignore[arg-type]
        .where(CommitteeMember.committee_id == committee_id)
    )
    rows = [Seat(m, u) for m, u in session.exec(stmt).all()]
    if on is not None:
        rows = [
            r
            for r in rows
            if r.member.start_on <= on and (r.member.end_on is None or on <= r.member.end_on)
        ]
    order = list(rules.SEATS)
    return sorted(rows, key=lambda r: (order.index(r.member.seat), r.user.display_name))


@dataclass(frozen=True)
class Composition:
    """Whether the members serving on a day meet 2.10.3 and 2.10.6.1, and the RCSC's
    approval of another composition (2.10.6.2) where recorded."""

    shortfalls: tuple[rules.Shortfall, ...]
    exception_ref: str
    exception_on: date | None

    @property
    def meets(self) -> bool:
        return not self.shortfalls

    @property
    def approved_otherwise(self) -> bool:
        return bool(self.shortfalls and self.exception_ref)

    def summary(self) -> str:
        if self.meets:
            return "meets 2.10.3 and 2.10.6.1"
        if self.approved_otherwise:
            return (
                f"does not meet 2.10.6.1; formed with the RCSC's prior approval "
                f"{self.exception_ref} of {self.exception_on} (2.10.6.2)"
            )
        return "does not meet " + "; ".join(f"{s.cite} ({s.reason})" for s in self.shortfalls)


def composition(session: Session, committee: Committee, on: date) -> Composition:
    agency = session.get(Agency, committee.agency_code)
    seats = [s.member.seat for s in members(session, committee.id or 0, on)]
    found = rules.composition_shortfalls(committee.kind, agency.kind if agency else "", seats)
    return Composition(tuple(found), committee.exception_ref, committee.exception_on)


def today_of(now: datetime) -> date:
    return bhutan_today(now)
