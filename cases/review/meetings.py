"""A committee's meetings: numbered per committee and year, the members present, the agenda
of cases waiting for the committee, the decisions taken in the meeting, and the minutes
issued (built and issued by ``cases.review.meeting_minutes``).

A decision in a meeting is the case's own step (``cases.core.service.fire``), taken by the
chair or the member secretary: the meeting gives the step its members present (leaving out
a member recused on that case, 19.3.5) and its meeting number, and a ``meeting_decision``
event on the case records the meeting, who sat and who was recused, in the same
transaction. Minutes are built from those events, issued once (HTML and PDF, the PDF's
SHA-256 in the chain); a correction is a new issue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from cases.core import audit, queries, service
from cases.core.models import (
    AuditEvent,
    Case,
    CivilServant,
    Committee,
    Meeting,
    MeetingItem,
    MeetingMinutes,
    Recusal,
    User,
)
from cases.inbox.work_queue import Due, Filters, work_queue
from cases.people import auth
from cases.review import committees
from workflows import committees as rules
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today, long_date
from workflows.context import Actor, Refusal, Refused
from workflows.declarations import Field
from workflows.fields import parse_values

MEETING_FIELDS = (
    Field("held_on", "date", "Meeting held on", future_ok=True),
    Field("note", "text", "Note (venue, time)", required=False),
)
DECISION = "meeting_decision"


def label(meeting: Meeting, committee: Committee) -> str:
    return rules.meeting_label(committee.code, meeting.number, meeting.year)


def _refuse(kind: str, cite: str, reason: str, field_name: str | None = None) -> Refused:
    return Refused([Refusal(kind, cite, reason, field_name)])


def require_recorder(session: Session, actor: Actor, committee: Committee, on: date) -> None:
    """The chair or the member secretary serving on the day records the meeting (2.10.6.1
    names the HR Officer as the committee's Member Secretary)."""
    seats = {
        s.member.seat
        for s in committees.members(session, committee.id or 0, on)
        if s.user.id == actor.user_id
    }
    if not seats & rules.RECORDERS:
        raise _refuse(
            "authority",
            "2.10.6.1",
            f"a meeting of {committee.code} is recorded by its Chairperson or its Member "
            f"Secretary serving on {on}",
        )


def visible(session: Session, actor: Actor, meeting_id: int) -> tuple[Meeting, Committee]:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise service.NotFound(f"meeting {meeting_id} not found")
    return meeting, committees.visible(session, actor, meeting.committee_id)


def minutes_of(session: Session, meeting_id: int) -> list[MeetingMinutes]:
    return list(
        session.exec(
            select(MeetingMinutes)
            .where(MeetingMinutes.meeting_id == meeting_id)
            .order_by(MeetingMinutes.id)  # type: ignore[arg-type]
        ).all()
    )


def _open(session: Session, meeting: Meeting, committee: Committee) -> None:
    if minutes_of(session, meeting.id or 0):
        raise _refuse(
            "state",
            "2.10.4",
            f"the minutes of {label(meeting, committee)} are issued: the meeting is closed",
        )


def meeting_event(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    committee: Committee,
    trigger: str,
    fields: dict[str, Any],
    cite: str,
    now: datetime,
    case: Case | None = None,
) -> AuditEvent:
    """The meeting's audit event (on ``case``'s chain when it concerns one): every write of a
    meeting, its minutes included, appends one."""
    return audit.append(
        session,
        case_id=case.id if case else None,
        now=now,
        actor=actor.username,
        role=next(iter(sorted(actor.roles)), ""),
        trigger=trigger,
        from_state=case.state if case else "",
        to_state=case.state if case else "",
        fields={"meeting_id": meeting.id, "meeting": label(meeting, committee), **fields},
        cite=cite,
        process=case.process if case else committees.PROCESS,
        process_version=case.process_version if case else committees.PROCESS_VERSION,
    )


def schedule(
    session: Session, actor: Actor, committee_id: int, raw: dict[str, Any], *, now: datetime
) -> Meeting:
    """The committee's next meeting: numbered after the last of its year."""
    committee = committees.visible(session, actor, committee_id)
    values, errors = parse_values(MEETING_FIELDS, raw, {}, "2.10.1")
    if errors:
        raise Refused(errors)
    held_on = date.fromisoformat(values["held_on"])
    require_recorder(session, actor, committee, held_on)
    last = session.exec(
        select(Meeting.number)
        .where(Meeting.committee_id == committee_id, Meeting.year == held_on.year)
        .order_by(Meeting.number.desc())  # type: ignore[attr-defined]
    ).first()
    meeting = Meeting(
        committee_id=committee_id,
        year=held_on.year,
        number=(last or 0) + 1,
        held_on=held_on,
        note=values.get("note") or "",
        created_by=actor.username,
        created_at=now,
    )
    session.add(meeting)
    session.flush()
    meeting_event(
        session,
        actor,
        meeting,
        committee,
        "meeting_schedule",
        {"held_on": values["held_on"], "note": meeting.note},
        "2.10.1",
        now,
    )
    return meeting


def present_ids(meeting: Meeting) -> list[int]:
    return [int(i) for i in json.loads(meeting.present or "[]")]


def record_present(
    session: Session, actor: Actor, meeting_id: int, usernames: list[str], *, now: datetime
) -> Meeting:
    """Members present, chosen from the committee's members serving on the day: a name
    that is not one of them is refused, so nobody else can be counted."""
    meeting, committee = visible(session, actor, meeting_id)
    require_recorder(session, actor, committee, meeting.held_on)
    _open(session, meeting, committee)
    serving = {
        s.user.username: s.user
        for s in committees.members(session, committee_id(meeting), meeting.held_on)
    }
    if not isinstance(usernames, list) or not all(isinstance(u, str) for u in usernames):
        raise _refuse("field", "2.10.6.1", "present: a list of usernames", "present")
    strangers = sorted({u for u in usernames if u not in serving})
    if strangers:
        raise _refuse(
            "field",
            "2.10.6.1",
            f"present: {', '.join(s[:64] for s in strangers)} not a member of "
            f"{committee.code} on {meeting.held_on}",
            "present",
        )
    ids = sorted({serving[u].id or 0 for u in usernames})
    meeting.present = audit.canonical(ids)
    session.add(meeting)
    meeting_event(
        session,
        actor,
        meeting,
        committee,
        "meeting_present",
        {"present": sorted(set(usernames))},
        "2.10.6.1",
        now,
    )
    return meeting


def committee_id(meeting: Meeting) -> int:
    return meeting.committee_id


# ------------------------------------------------------------------ agenda


@dataclass(frozen=True)
class AgendaItem:
    case: Case
    subject_name: str
    steps: tuple[Any, ...]
    due: Due | None
    status: str  # waiting, added, deferred, decided


@dataclass
class Agenda:
    waiting: list[AgendaItem] = field(default_factory=list)
    deferred: list[AgendaItem] = field(default_factory=list)
    decided: list[MeetingItem] = field(default_factory=list)


def _items(session: Session, meeting_id: int) -> list[MeetingItem]:
    return list(
        session.exec(
            select(MeetingItem).where(MeetingItem.meeting_id == meeting_id).order_by(MeetingItem.id)  # type: ignore[arg-type]
        ).all()
    )


def decided_by_committee(step: Any) -> bool:
    """A step the committee decides: one its Chairperson takes (19.3.4: the HRC "shall hear
    and decide"; the HRC approves the HR actions, 2.10.2), not a civil servant's own step
    that the committee may enter for them, nor an investigation's own steps (19.8.2.2)."""
    return R.HRC_CHAIR in step.by and not step.by & (R.SELF | {R.INVESTIGATOR})


# The most cases an agenda lists from each recorder's queue: a meeting's day, not a backlog.
AGENDA_MOST = 200


def agenda(session: Session, meeting: Meeting, committee: Committee, now: datetime) -> Agenda:
    """The cases waiting for the committee's decision, most urgent first with their
    deadlines: the work queue (cases.inbox.work_queue) of the chair and the member secretary,
    keeping the steps the committee decides (``decided_by_committee``), less what the chair
    deferred, plus what the chair added."""
    seen: dict[int, AgendaItem] = {}
    for seat in committees.members(session, committee.id or 0, meeting.held_on):
        if seat.member.seat not in rules.RECORDERS:
            continue
        queue = work_queue(
            session, auth.actor_of(seat.user), now, Filters(), others=False, per_page=AGENDA_MOST
        )
        for item in queue.mine:
            steps = tuple(s for s in item.steps if decided_by_committee(s))
            if steps and item.case.id not in seen:
                seen[item.case.id] = AgendaItem(  # type: ignore[index]
                    item.case, item.subject_name, steps, item.due, "waiting"
                )
    rows = _items(session, meeting.id or 0)
    last = {r.case_id: r.status for r in rows if r.status in ("added", "deferred")}
    out = Agenda(decided=[r for r in rows if r.status == "decided"])
    decided = {r.case_id for r in out.decided}
    for case_id, status in last.items():
        if status == "added" and case_id not in seen:
            case = session.get(Case, case_id)
            if case is not None:
                cs = session.get(CivilServant, case.subject_eid)
                seen[case_id] = AgendaItem(case, cs.name if cs else "", (), None, "added")
    for case_id, item in seen.items():
        if case_id in decided:
            continue
        if last.get(case_id) == "deferred":
            out.deferred.append(
                AgendaItem(item.case, item.subject_name, item.steps, item.due, "deferred")
            )
        else:
            out.waiting.append(item)
    out.waiting.sort(key=lambda i: (i.due is None, i.due.due_on if i.due else date.max, i.case.id))
    return out


def set_item(
    session: Session,
    actor: Actor,
    meeting_id: int,
    case_id: int,
    status: str,
    *,
    now: datetime,
) -> MeetingItem:
    """The chair adds a case to the agenda or defers one to a later meeting."""
    if status not in ("added", "deferred"):
        raise _refuse("field", "2.10.1", "status: 'added' or 'deferred'", "status")
    meeting, committee = visible(session, actor, meeting_id)
    require_recorder(session, actor, committee, meeting.held_on)
    _open(session, meeting, committee)
    case = queries.can_see(session, actor, case_id)
    if case is None:
        raise service.NotFound(f"case {case_id} not found")
    item = MeetingItem(meeting_id=meeting_id, case_id=case_id, status=status, at=now)
    session.add(item)
    session.flush()
    meeting_event(
        session,
        actor,
        meeting,
        committee,
        f"meeting_item_{status}",
        {"case_id": case_id},
        "2.10.1",
        now,
        case=case,
    )
    return item


# ------------------------------------------------------------------ deciding


@dataclass(frozen=True)
class Sitting:
    """Who sits on one item: those present less those recused on the case (19.3.5)."""

    present: tuple[User, ...]
    recused: tuple[User, ...]


def sitting(session: Session, meeting: Meeting, case_id: int) -> Sitting:
    ids = set(present_ids(meeting))
    # In the committee's order (chair first, member secretary last), as the minutes list them.
    users = [
        s.user
        for s in committees.members(session, meeting.committee_id, meeting.held_on)
        if s.user.id in ids
    ]
    recused = set(session.exec(select(Recusal.user_id).where(Recusal.case_id == case_id)).all())
    return Sitting(
        tuple(u for u in users if u is not None and u.id not in recused),
        tuple(u for u in users if u is not None and u.id in recused),
    )


# The fields a meeting fills in on the step it decides (where the step declares them).
MEETING_NUMBER_FIELDS = ("hrc_meeting_no", "receiving_hrc_meeting_no")


def decide(
    session: Session,
    actor: Actor,
    meeting_id: int,
    case_id: int,
    trigger: str,
    raw: dict[str, Any],
    *,
    now: datetime,
    expected_version: int | None,
) -> service.Fired:
    """Take the case's step in the meeting: the meeting gives the step its members present
    (recused members left out) and its number; the step's own checks follow (fire)."""
    meeting, committee = visible(session, actor, meeting_id)
    require_recorder(session, actor, committee, meeting.held_on)
    _open(session, meeting, committee)
    if meeting.held_on > bhutan_today(now):
        raise _refuse(
            "guard", "2.10.1", f"the meeting is on {long_date(meeting.held_on)}: decide in it then"
        )
    case = queries.can_see(session, actor, case_id)
    if case is None:
        raise service.NotFound(f"case {case_id} not found")
    sits = sitting(session, meeting, case_id)
    if len(sits.present) < committee.min_present:
        recused = ", ".join(u.display_name for u in sits.recused)
        raise _refuse(
            "guard",
            rules.QUORUM_CITE,
            f"{len(sits.present)} member(s) sit on this case"
            + (f" ({recused} recused, 19.3.5)" if recused else "")
            + f"; {committee.code} decides with at least {committee.min_present} "
            f"(set by the agency: {rules.QUORUM_RULE})",
            "present",
        )
    declared = {
        f.name: f.type
        for s in registry.for_case(case).steps_from(case.state, trigger)
        for f in s.fields
    }
    given = dict(raw)
    if declared.get("members_present") == "users":  # accounts, from 2023.2 (19.3.5)
        given["members_present"] = [u.username for u in sits.present]
    elif "members_present" in declared:
        given["members_present"] = ", ".join(u.display_name for u in sits.present)
    for name in MEETING_NUMBER_FIELDS:
        if name in declared:
            given[name] = label(meeting, committee)
    if "meeting_on" in declared and not given.get("meeting_on"):
        given["meeting_on"] = meeting.held_on.isoformat()
    fired = service.fire(
        session, case_id, trigger, actor, given, now=now, expected_version=expected_version
    )
    present = [u.username for u in sits.present]
    recused = [u.username for u in sits.recused]
    item = MeetingItem(
        meeting_id=meeting_id,
        case_id=case_id,
        status="decided",
        audit_seq=fired.event.seq,
        trigger=fired.step.trigger,
        present=audit.canonical(present),
        recused=audit.canonical(recused),
        at=now,
    )
    session.add(item)
    meeting_event(
        session,
        actor,
        meeting,
        committee,
        DECISION,
        {
            "step_seq": fired.event.seq,
            "step": fired.step.trigger,
            "present": present,
            "recused": recused,
        },
        fired.step.cite,
        now,
        case=fired.case,
    )
    return fired


# ------------------------------------------------------------------ reading back


@dataclass(frozen=True)
class Decided:
    """A decision taken in a meeting, as a case page, the minutes and the due-process
    report show it."""

    meeting_id: int
    meeting: str
    held_on: date
    case_id: int
    step: str
    step_label: str
    cite: str
    step_seq: int
    present: tuple[str, ...]  # display names
    recused: tuple[str, ...]
    fields: dict[str, Any]
    agency_code: str = ""  # the committee's: who may open the meeting (committees.may_see)


def _names(session: Session, usernames: list[str]) -> tuple[str, ...]:
    if not usernames:
        return ()
    rows = session.exec(select(User).where(User.username.in_(usernames))).all()  # type: ignore[attr-defined]
    by = {u.username: u.display_name for u in rows}
    return tuple(by.get(u, u) for u in usernames)


def decisions(
    session: Session, *, meeting_id: int | None = None, case_id: int | None = None
) -> list[Decided]:
    stmt = select(MeetingItem, Meeting, Committee, AuditEvent).where(
        MeetingItem.status == "decided",
        Meeting.id == MeetingItem.meeting_id,
        Committee.id == Meeting.committee_id,
        AuditEvent.seq == MeetingItem.audit_seq,
    )
    if meeting_id is not None:
        stmt = stmt.where(MeetingItem.meeting_id == meeting_id)
    if case_id is not None:
        stmt = stmt.where(MeetingItem.case_id == case_id)
    out = []
    for item, meeting, committee, ev in session.exec(stmt.order_by(MeetingItem.id)).all():  # type: ignore[arg-type]
        case = session.get(Case, item.case_id)
        step = (
            next(iter(registry.for_case(case).steps_from(ev.from_state, ev.trigger)), None)
            if case
            else None
        )
        out.append(
            Decided(
                meeting.id or 0,
                label(meeting, committee),
                meeting.held_on,
                item.case_id,
                ev.trigger,
                step.label if step else ev.trigger,
                ev.cite,
                ev.seq,
                _names(session, json.loads(item.present)),
                _names(session, json.loads(item.recused)),
                json.loads(ev.fields),
                committee.agency_code,
            )
        )
    return out


def meetings_of(session: Session, committee_id_: int) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.committee_id == committee_id_)
            .order_by(Meeting.held_on.desc(), Meeting.number.desc())  # type: ignore[attr-defined]
        ).all()
    )
