"""The demo's committees: each agency's HRC with its members (BCSR 2.10.6.1), the RCSC's
Commission, the meetings the demo cases' recorded meeting numbers agree on (two of them
with their minutes issued) and the MOH HRC's meeting of today, whose agenda holds the
demo cases waiting for its decision.

Built through the same services as the pages (cases.review.committees, meetings,
meeting_records), so every change is in the audit chain.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from cases.review import committees, meeting_minutes, meeting_records, meetings
from workflows.calendar import bhutan_today
from workflows.context import Actor

# code -> (agency, name, kind, minimum present, [(username, seat)], RCSC exception)
COMMITTEES: dict[str, tuple[str, str, str, int, tuple[tuple[str, str], ...], tuple[str, str]]] = {
    "MOH HRC": (
        "MOH",
        "Human Resource Committee, Ministry of Health",
        "hrc",
        3,
        (
            ("chair", "chair"),
            ("dc", "director"),
            ("dc2", "director"),
            ("hr", "member"),
            ("secretary", "member_secretary"),
        ),
        # 2.10.6.2: no specialist nor planning officer among the demo's users.
        ("RCSC/HRMD/2026/112", "2026-02-02"),
    ),
    "MOESD HRC": (
        "MOE",
        "Human Resource Committee, Ministry of Education and Skills Development",
        "hrc",
        3,
        (
            ("eol_moe_chair", "chair"),
            ("secondment_moe_chair", "director"),
            ("transfer_moe_chair", "director"),
            ("ltt_moe_chair", "specialist"),
            ("ltt_moe_hr", "planning_officer"),
            ("eol_moe_hr", "member_secretary"),
        ),
        ("", ""),
    ),
    "THIMPHU HRC": (
        "THIMPHU",
        "Human Resource Committee, Thimphu Dzongkhag Administration",
        "hrc",
        3,
        (("transfer_thimphu_hr", "member_secretary"),),
        ("", ""),
    ),
    "RCSC CM": (
        "RCSC",
        "The Commission, Royal Civil Service Commission",
        "commission",
        1,
        (("rcsc", "chair"),),
        ("", ""),
    ),
}


def build(session: Session, actors: dict[str, Actor], now: datetime) -> dict[str, Any]:
    today = bhutan_today(now)
    rcsc, admin = actors["rcsc"], actors["admin"]
    ids: dict[str, int] = {}
    for code, (agency, name, kind, minimum, seats, exception) in COMMITTEES.items():
        c = committees.create(
            session,
            rcsc,
            {
                "agency_code": agency,
                "kind": kind,
                "code": code,
                "name": name,
                "min_present": minimum,
            },
            now=now,
        )
        ids[code] = c.id or 0
        for username, seat in seats:
            committees.add_member(
                session,
                rcsc,
                c.id or 0,
                {"username": username, "seat": seat, "start_on": date(2024, 1, 1).isoformat()},
                now=now,
            )
        if exception[0]:
            committees.record_exception(
                session,
                rcsc,
                c.id or 0,
                {"exception_ref": exception[0], "exception_on": exception[1]},
                now=now,
            )
    # The meetings the recorded numbers agree on; the rest stay listed (meeting_records).
    plan = meeting_records.migrate(session, admin, now=now)
    # Minutes of the two latest MOH HRC meetings so made (the chair issues them).
    moh = [
        m
        for m in meetings.meetings_of(session, ids["MOH HRC"])
        if meetings.decisions(session, meeting_id=m.id)
    ][:2]
    for m in moh:
        meeting_minutes.issue_minutes(
            session, actors["chair"], m.id or 0, now=now - timedelta(minutes=1)
        )
    # Today's meeting of the MOH HRC, its members present recorded by the member secretary.
    upcoming = meetings.schedule(
        session,
        actors["secretary"],
        ids["MOH HRC"],
        {"held_on": today.isoformat(), "note": "Conference hall, 10:00"},
        now=now,
    )
    meetings.record_present(
        session,
        actors["secretary"],
        upcoming.id or 0,
        ["chair", "dc", "dc2", "hr", "secretary"],
        now=now,
    )
    return {
        "committees": len(ids),
        "meetings_from_records": plan.created,
        "left": len(plan.left),
        "upcoming": upcoming.id,
    }
