"""Decisions recorded before committees were records: their free-text "HRC meeting number"
becomes a meeting where the number and the date agree, and the rest are listed.

A decision's text stays as it was (the trail is never edited). For each step event that
carries ``hrc_meeting_no`` (or ``receiving_hrc_meeting_no``), the number is read as
"<anything>/<year>/<n>" or "<anything> <n>/<year>"; the day is the step's own date field
(``decided_on``, ``endorsed_on``...), else the day of the event. All events naming one
number of one committee must give one day, in that number's year; the committee is the
HRC of the agency whose meeting it was (the case's agency; the receiving agency for
``receiving_hrc_meeting_no``). Each meeting created, and each decision linked to it, is an
audit event; a second run links nothing twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from cases.core import audit
from cases.core.models import AuditEvent, Case, CaseAgency, Committee, Meeting, MeetingItem
from cases.review import committees
from workflows import committees as rules
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor, Refusal, Refused

NUMBER_FIELDS = {"hrc_meeting_no": "", "receiving_hrc_meeting_no": "receiving"}
_SLASHED = re.compile(r"/(\d{4})/0*(\d{1,4})\s*$")
_OVER = re.compile(r"(?:^|\s)0*(\d{1,4})/(\d{4})\s*$")


def parse_number(text: str) -> tuple[int, int] | None:
    """(year, number) of "MOH/HRC/2026/05" or "MOH HRC 5/2026"; None if neither."""
    m = _SLASHED.search(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _OVER.search(text)
    if m:
        return int(m.group(2)), int(m.group(1))
    return None


@dataclass(frozen=True)
class Found:
    seq: int
    case_id: int
    text: str
    agency: str
    day: date


@dataclass
class Plan:
    created: list[str] = field(default_factory=list)  # meeting labels
    linked: list[tuple[int, str]] = field(default_factory=list)  # (event seq, meeting)
    left: list[tuple[int, int, str, str]] = field(default_factory=list)  # seq, case, text, why


def _day(ev: AuditEvent, fields: dict) -> date:
    try:
        steps = registry.version(ev.process, ev.process_version).steps_from(
            ev.from_state, ev.trigger
        )
    except KeyError:
        steps = []
    for step in steps:
        for f in step.fields:
            if f.type == "date" and fields.get(f.name):
                try:
                    return date.fromisoformat(str(fields[f.name]))
                except ValueError:
                    continue
    return bhutan_today(datetime.fromisoformat(ev.at.replace("Z", "+00:00")))


def _found(session: Session) -> list[Found]:
    linked = set(session.exec(select(MeetingItem.audit_seq)).all())
    out = []
    rows = session.exec(
        select(AuditEvent, Case)
        .join(Case, Case.id == AuditEvent.case_id)  # type: ignore[arg-type]
        .where(AuditEvent.fields.contains("hrc_meeting_no"))  # type: ignore[attr-defined]
        .order_by(AuditEvent.seq)  # type: ignore[arg-type]
    ).all()
    for ev, case in rows:
        if ev.seq in linked:
            continue
        fields = json.loads(ev.fields)
        for name, part in NUMBER_FIELDS.items():
            text = str(fields.get(name) or "").strip()
            if not text:
                continue
            agency = case.agency_code
            if part:
                other = session.exec(
                    select(CaseAgency.agency_code).where(
                        CaseAgency.case_id == case.id, CaseAgency.part == part
                    )
                ).first()
                agency = other or agency
            out.append(Found(ev.seq, case.id or 0, text, agency, _day(ev, fields)))
    return out


def migrate(session: Session, actor: Actor, *, now: datetime, dry_run: bool = False) -> Plan:
    """Create the meetings the free-text numbers agree on and link their decisions; list
    the rest with the reason (the RCSC or an administrator, as a version migration, 1.7)."""
    if not actor.roles & {R.ADMIN, R.RCSC}:
        raise Refused(
            [Refusal("authority", "1.7", "the RCSC or an administrator moves old records")]
        )
    plan = Plan()
    hrc = {
        c.agency_code: c
        for c in session.exec(select(Committee).where(Committee.kind == rules.HRC)).all()
    }
    groups: dict[tuple[str, int, int], list[Found]] = {}
    for f in _found(session):
        parsed = parse_number(f.text)
        if parsed is None:
            plan.left.append((f.seq, f.case_id, f.text, "the number names no year and number"))
        elif f.agency not in hrc:
            plan.left.append((f.seq, f.case_id, f.text, f"no HRC of {f.agency} is recorded"))
        elif parsed[0] != f.day.year:
            plan.left.append(
                (
                    f.seq,
                    f.case_id,
                    f.text,
                    f"the number's year {parsed[0]} is not the date's, {f.day}",
                )
            )
        else:
            groups.setdefault((f.agency, *parsed), []).append(f)
    for (agency, year, number), found in sorted(groups.items()):
        committee = hrc[agency]
        days = {f.day for f in found}
        existing = session.exec(
            select(Meeting).where(
                Meeting.committee_id == committee.id, Meeting.year == year, Meeting.number == number
            )
        ).first()
        if len(days) > 1 or (existing is not None and existing.held_on not in days):
            held = sorted(days | ({existing.held_on} if existing else set()))
            why = "the decisions naming it give different days: " + ", ".join(map(str, held))
            plan.left.extend((f.seq, f.case_id, f.text, why) for f in found)
            continue
        label = rules.meeting_label(committee.code, number, year)
        if dry_run:
            plan.created += [] if existing else [label]
            plan.linked += [(f.seq, label) for f in found]
            continue
        meeting = existing or _create(session, actor, committee, year, number, days.pop(), now)
        if existing is None:
            plan.created.append(label)
        for f in found:
            _link(session, actor, meeting, committee, f, now)
            plan.linked.append((f.seq, label))
    return plan


def _create(
    session: Session,
    actor: Actor,
    committee: Committee,
    year: int,
    number: int,
    held_on: date,
    now: datetime,
) -> Meeting:
    meeting = Meeting(
        committee_id=committee.id,  # type: ignore[arg-type]
        year=year,
        number=number,
        held_on=held_on,
        note="from the meeting numbers recorded on its decisions",
        created_by=actor.username,
        created_at=now,
    )
    session.add(meeting)
    session.flush()
    audit.append(
        session,
        case_id=None,
        now=now,
        actor=actor.username,
        role=next(iter(sorted(actor.roles)), ""),
        trigger="meeting_from_record",
        from_state="",
        to_state="",
        fields={
            "meeting_id": meeting.id,
            "meeting": rules.meeting_label(committee.code, number, year),
            "held_on": held_on.isoformat(),
        },
        cite="2.10.1",
        process=committees.PROCESS,
        process_version=committees.PROCESS_VERSION,
    )
    return meeting


def _link(
    session: Session, actor: Actor, meeting: Meeting, committee: Committee, f: Found, now: datetime
) -> None:
    ev = session.get(AuditEvent, f.seq)
    case = session.get(Case, f.case_id)
    assert ev is not None and case is not None
    session.add(
        MeetingItem(
            meeting_id=meeting.id,  # type: ignore[arg-type]
            case_id=f.case_id,
            status="decided",
            audit_seq=f.seq,
            trigger=ev.trigger,
            at=now,
        )
    )
    audit.append(
        session,
        case_id=f.case_id,
        now=now,
        actor=actor.username,
        role=next(iter(sorted(actor.roles)), ""),
        trigger="meeting_decision",
        from_state=case.state,
        to_state=case.state,
        fields={
            "meeting_id": meeting.id,
            "meeting": rules.meeting_label(committee.code, meeting.number, meeting.year),
            "step_seq": f.seq,
            "step": ev.trigger,
            "present": [],
            "recused": [],
            "from_record": f.text,
        },
        cite=ev.cite,
        process=case.process,
        process_version=case.process_version,
    )
