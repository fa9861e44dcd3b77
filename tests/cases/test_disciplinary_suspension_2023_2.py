"""Suspension as version 2023.2 of the disciplinary definition reads BCSR 19.9: through the
appeal and the courts (19.9.9, 19.9.15), the exception of the Anti-Corruption Act (19.9.2)
and the position held for a suspended incumbent on the record (19.9.15)."""

from __future__ import annotations

import functools

from sqlmodel import select
from test_disciplinary_2023_2 import DISMISSED, court_judgement, decide, refusal_of
from test_paths import suspend

from cases.core.db import reading
from cases.core.models import ServiceEntry
from workflows import roles as R

ORDER = {
    "suspension_grounds": ["19.9.5.4"],
    "office_order_no": "MOH/OO/11",
    "gross_pay": "90000",
    "rcsc_notified": True,
}


def suspensions(world, eid: str = "E100") -> list[tuple[str, dict]]:
    """The suspension lines of the civil servant's record: (status, details)."""
    import json

    with reading(world.engine) as s:
        rows = s.exec(
            select(ServiceEntry)
            .where(ServiceEntry.eid == eid, ServiceEntry.kind == "suspension")
            .order_by(ServiceEntry.id)  # type: ignore[arg-type]
        ).all()
        return [(r.status, json.loads(r.details)) for r in rows]


def hearing(world, case_id: int, username: str = "dc") -> str:
    return world.fire(
        case_id,
        "hold_pre_suspension_hearing",
        username,
        pre_suspension_hearing_on=world.today(),
        hearing_record="Says the suspension is unnecessary",
    )


def test_19_9_9_a_suspension_is_ordered_during_the_appeal_and_settled_when_it_is_executed(
    world, clock
):
    """19.9.9: "The subsistence allowance shall be paid until the completion of Court/
    disciplinary proceedings"; 19.9.15: "till all the administrative and/court proceedings
    are completed and the final decision against the incumbent is taken" (reading
    R-19.9.9-proceedings "until_final"). Under appeal the civil servant is suspended; the
    appellate decision upholding the penalties, once executed, settles it as guilty
    (19.9.10) and ends it on the record. 2023.1 suspended only during the enquiry (not
    even with the decision awaiting the HRC's endorsement)."""
    clock.advance(days=-10)
    old = world.walk_to("explained")
    world.fire(old, "convene_meeting", "dc", reasons="Facts are simple")
    decide(world, old, FINDINGS)
    assert world.case(old).process_version == "2023.1"
    assert refusal_of(lambda: hearing(world, old)) == ("state", "19.9.3")
    clock.advance(days=10)

    case_id = world.walk_to("appeal")
    assert suspend(world, case_id) == "appeal"
    [(status, line)] = suspensions(world)
    assert status == "in_force" and "(BCSR 19.9.15)" in line["no_recruitment"]
    world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome="upheld",
        due_process_examined=True,
        appeal_reasons="The record supports the decision.",
    )
    assert world.execute_appeal(case_id) == "closed"
    data = world.data(case_id)
    assert data["suspended"] is False
    assert data["suspension_outcome"].startswith("guilty: subsistence allowance to be refunded")
    [(status, line)] = suspensions(world)
    assert status == "ended" and line["outcome"] == data["suspension_outcome"]


def test_19_9_1_a_civil_servant_the_case_separated_is_not_suspended(world):
    """19.9.1: suspension "is a means to prevent one from hampering the ongoing
    investigation while the person is in the office": once the dismissal is executed
    (19.11.14) there is no office to suspend the civil servant from, appeal or not."""
    case_id = world.walk_to("decided", findings=DISMISSED)
    assert refusal_of(lambda: hearing(world, case_id)) == ("guard", "19.9.1")


def rcsc_walk(world, eid: str, state: str) -> int:
    """An EX/ES civil servant's case along the main path to ``state``: the RCSC's committee
    decides (19.3.6), the Tribunal hears the appeal (19.3.7) and its own committee executes
    (19.8.3); reprimand and demotion, so the civil servant stays in service."""
    for name, role, agency in (
        ("rcsc_dc", R.DC_MEMBER, "RCSC"),
        ("rcsc_chair", R.HRC_CHAIR, "RCSC"),
        ("at_dc", R.DC_MEMBER, "AT"),
    ):
        if name not in world.users:
            world.add_user(name, (role,), agency=agency)
    who = {"chair": "rcsc_chair", "dc": "rcsc_dc", "secretary": "rcsc_dc", "rcsc": "tribunal"}
    by_step = {"submit_explanation": "rcsc_dc", "lodge_appeal": "hr", "execute": "at_dc"}
    case_id = world.open(eid)
    here = "received"
    for trigger, username, fields in world.main_path_steps(["11", "3"], FINDINGS):
        if here == state:
            break
        user = by_step.get(trigger.removesuffix("_appeal_decision"), who.get(username, username))
        # 2023.2 (19.3.5): the investigators and members present are the RCSC's own users.
        named = {"investigators": "rcsc_dc", "members_present": "rcsc_dc, rcsc_chair"}
        fields = {k: named.get(k, v) for k, v in fields.items()}
        here = world.fire(case_id, trigger, user, **fields)
    assert here == state
    return case_id


FINDINGS = [
    {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
    {"charge": 2, "finding": "guilty", "penalty": "demotion"},
]


def test_19_9_9_a_suspension_is_ordered_on_a_closed_case_while_a_court_appeal_is_pending(world):
    """19.9.9 "until the completion of Court/disciplinary proceedings" with 19.12.5 (the
    Tribunal's decision appealed to the High Court or Supreme Court): on the closed case a
    suspension is ordered only while the court appeal awaits judgement, and the judgement
    upholding the Tribunal settles it (19.9.10)."""
    world.make_servant("E300", level="ES1")
    case_id = rcsc_walk(world, "E300", "closed")
    assert refusal_of(lambda: hearing(world, case_id, "rcsc_dc")) == (
        "guard",
        "19.9.9, 19.12.5, 19.11.5",
    )
    world.fire(
        case_id,
        "lodge_court_appeal",
        "hr",
        appeal_court="high_court",
        court_appeal_filed_on=world.today(),
        court_appeal_no="HC/ADM/9",
    )
    assert hearing(world, case_id, "rcsc_dc") == "closed"
    order = {**ORDER, "suspended_from": world.today(), "agency_notified": True}
    assert world.fire(case_id, "suspend", "rcsc", **order) == "closed"
    assert world.data(case_id)["suspended"] is True
    court_judgement(world, case_id, "upheld", "The Tribunal's decision stands.")
    data = world.data(case_id)
    assert data["suspended"] is False and data["suspension_outcome"].startswith("guilty")
    assert [status for status, _ in suspensions(world, "E300")] == ["ended"]


def test_19_9_2_the_agency_executes_the_anti_corruption_commission_s_suspension_order(world, clock):
    """19.9.2: "The authority to suspend civil servants in ESC shall be RCSC, with the
    exception as provided in ACAB 2011" (reading R-19.9.2-acab "commission_order"). The
    agency may not suspend an executive on its own order; on the Anti-Corruption
    Commission's order it executes the suspension, naming the order, without the
    committee's hearing. 19.9.15: the record holds the Executive position for the
    incumbent, and says from which day the RCSC may fill it ("beyond 6 months": suspended
    Monday 14 December 2026, the six months end on Sunday 13 June 2027). 2023.1 let only
    the RCSC suspend an executive."""
    world.make_servant("E301", level="EX2", position_title="Director")
    clock.advance(days=-10)
    old = rcsc_walk(world, "E301", "explained")
    assert world.case(old).process_version == "2023.1"
    clock.advance(days=10)
    order = {**ORDER, "suspended_from": world.today()}
    assert refusal_of(lambda: world.fire(old, "suspend", "chair", **order)) == (
        "authority",
        "19.9.2",
    )

    case_id = rcsc_walk(world, "E301", "investigating")
    fire = functools.partial(world.fire, case_id, "suspend", "chair", **order)
    assert refusal_of(fire) == ("authority", "19.9.2")  # the agency's own order
    assert refusal_of(functools.partial(fire, ordered_under="acab")) == ("guard", "19.9.2")
    assert fire(ordered_under="acab", acc_order_no="ACC/INV/2026/41 of 11 Dec 2026") == (
        "investigating"
    )  # no pre-suspension hearing was held
    [(status, line)] = suspensions(world, "E301")
    assert status == "in_force"
    assert line["order"] == (
        "on the Anti-Corruption Commission's order ACC/INV/2026/41 of 11 Dec 2026 under "
        "ACAB 2011 (BCSR 19.9.2)"
    )
    assert line["position"] == "Director (EX2), MOH"
    assert line["executive_position"] == (
        "Executive position: six months of suspension end on 2027-06-13; from 2027-06-14 "
        "the RCSC may recruit or transfer a civil servant to fill it (BCSR 19.9.15)"
    )


def test_19_9_15_a_suspension_revoked_frees_the_position_on_the_record(world):
    """19.9.15 holds the position "when the incumbent is under suspension"; 19.9.12: the
    order stays in force "unless it is modified or revoked". Revoked, the record's line
    ends on the day of revocation; an officer's position has no Executive line."""
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    [(_, line)] = suspensions(world)
    assert "executive_position" not in line
    assert line["position"] == "Officer (P3), MOH" and line["order"] == (
        "office order MOH/OO/5 (BCSR 19.9.6)"
    )
    world.fire(
        case_id, "revoke_suspension", "chair", revoked_on=world.today(), reasons="Evidence secured."
    )
    assert [status for status, _ in suspensions(world)] == ["revoked"]
