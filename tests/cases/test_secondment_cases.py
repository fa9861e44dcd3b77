"""Secondment (BCSR 13.10) against a real database: every path through ``service.open_case``
and ``service.fire``, the deadlines armed and missed by the sweep as the clock moves, and
what each step writes to the service record.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from cases.core import audit, profiles, service, timers
from cases.core.db import engine_for, transaction
from cases.core.models import Case, CivilServant, ServiceEntry
from cases.demo import seed
from workflows import roles as R
from workflows.context import Refused
from workflows.obligations import add_months

TODAY = date(2026, 12, 14)  # the world's clock: Monday, 10:00 in Thimphu
START = date(2027, 2, 1)
END = add_months(START, 24) - timedelta(days=1)  # 2029-01-31: two years


def nomination(**overrides: Any) -> dict[str, Any]:
    raw = {
        "organisation": "World Health Organization, South-East Asia Regional Office",
        "post": "National Professional Officer (Health Systems)",
        "location": "outside",
        "programme": "established",
        "start_on": START.isoformat(),
        "end_on": END.isoformat(),
        "nominated_on": TODAY.isoformat(),
        "hrc_meeting_no": "MOH/HRC/2026/21",
        "merit_note": "Highest appraisal ratings among the eligible officers.",
    }
    raw.update(overrides)
    return {k: v for k, v in raw.items() if v is not None}


def open_case(world, eid: str = "E100", username: str = "chair", **overrides: Any) -> int:
    return world.open_case("secondment", eid, username, nomination(**overrides))


def refusal(world, case_id: int, trigger: str, username: str, **fields: Any) -> list[str]:
    with pytest.raises(Refused) as exc:
        world.fire(case_id, trigger, username, **fields)
    return [r.cite for r in exc.value.refusals]


def refused_by_authority(world, case_id: int, trigger: str, username: str, **fields: Any) -> bool:
    with pytest.raises(Refused) as exc:
        world.fire(case_id, trigger, username, **fields)
    return exc.value.kind == "authority"


def open_refusal(world, eid: str, username: str = "chair", **overrides: Any) -> list[str]:
    with pytest.raises(Refused) as exc:
        open_case(world, eid, username, **overrides)
    return [r.cite for r in exc.value.refusals]


VALIDATION = {
    "organisation_consulted": True,
    "record_verified": True,
    "organisation_criteria_met": True,
    "validation_note": "Meets the WHO's terms of reference; best on merit.",
}


def to_selected(world, case_id: int) -> None:
    assert (
        world.fire(case_id, "validate", "rcsc", validated_on=world.today(), **VALIDATION)
        == "validated"
    )
    assert (
        world.fire(
            case_id,
            "record_selection",
            "rcsc",
            selection="selected",
            decision_received_on=world.today(),
            organisation_ref="WHO/SEARO/HR/2026/88",
        )
        == "selected"
    )


def approval(start: date = START, end: date = END, **overrides: Any) -> dict[str, Any]:
    return {
        "approved_on": TODAY.isoformat(),
        "approval_order_no": "RCSC/SEC/2026/14",
        "organisation": "World Health Organization, South-East Asia Regional Office",
        "location": "outside",
        "start_on": start.isoformat(),
        "end_on": end.isoformat(),
        **overrides,
    }


def relief(world, **overrides: Any) -> dict[str, Any]:
    return {
        "relieved_on": world.today(),
        "takes_up_post_on": START.isoformat(),
        "relieving_order_no": "MOH/HRD/REL/07",
        "pay_stopped": True,
        "government_quarter": "vacated",
        **overrides,
    }


def on_secondment(world, eid: str = "E100", **approval_overrides: Any) -> int:
    case_id = open_case(world, eid)
    to_selected(world, case_id)
    assert world.fire(case_id, "approve", "rcsc", **approval(**approval_overrides)) == "approved"
    assert world.fire(case_id, "relieve", "hr", **relief(world)) == "on_secondment"
    return case_id


def entries(world, eid: str = "E100", kind: str | None = None) -> list[ServiceEntry]:
    with world.session() as s:
        stmt = select(ServiceEntry).where(ServiceEntry.eid == eid).order_by(ServiceEntry.id)
        return [r for r in s.exec(stmt).all() if kind is None or r.kind == kind]


def details(row: ServiceEntry) -> dict[str, Any]:
    return json.loads(row.details)


def armed(world, case_id: int) -> dict[str, date]:
    return {d.kind: d.due_on for d in world.deadlines(case_id) if d.status == "armed"}


def move_to(world, day: date, hour: int = 10) -> None:
    """Set the clock to ``hour`` o'clock in Thimphu on ``day``."""
    world.clock.now = datetime(day.year, day.month, day.day, hour - 6, tzinfo=UTC)


def assert_chain_ok(world) -> None:
    with world.session() as s:
        assert audit.verify(s).ok


def trail(world, case_id: int) -> list[str]:
    with world.session() as s:
        return [e.trigger for e in audit.events_for(s, case_id)]


# ----------------------------------------------------------------- the main path


def test_path_nomination_to_return_writes_the_secondment_and_its_obligation(world):
    case_id = open_case(world)
    assert world.case(case_id).state == "nominated"
    to_selected(world, case_id)
    assert world.fire(case_id, "approve", "rcsc", **approval()) == "approved"
    assert armed(world, case_id) == {"relief_due": START}  # 13.10.4.1 vi
    assert entries(world, kind="secondment") == []  # nothing on record before relief

    assert world.fire(case_id, "relieve", "hr", **relief(world)) == "on_secondment"
    [row] = entries(world, kind="secondment")
    assert (row.start_on, row.end_on, row.status, row.case_id) == (
        START,
        END,
        "on_secondment",
        case_id,
    )
    assert details(row)["location"] == "outside"
    assert details(row)["organisation"].startswith("World Health Organization")
    assert armed(world, case_id) == {
        "end_of_term_notice_due": date(2028, 10, 31),  # three months before 2029-01-31
        "appraisal_due": date(2028, 2, 1),  # a year after the start (13.10.5.5)
        "rejoining_due": date(2029, 2, 1),  # the first working day after the term
    }
    assert world.deadline(case_id, "relief_due").status == "met"

    # First annual appraisal: the next is due at the end of the (two-year) term.
    move_to(world, date(2028, 1, 30))
    world.fire(
        case_id,
        "receive_appraisal",
        "hr",
        received_on=world.today(),
        appraisal_period="February 2027 - January 2028",
        appraisal_result="Fully meets expectations",
    )
    assert world.deadline(case_id, "appraisal_due", "met").due_on == date(2028, 2, 1)
    assert armed(world, case_id)["appraisal_due"] == END

    # 13.10.7.2: notified in time; a second notice of the same end is not offered.
    move_to(world, date(2028, 10, 20))
    world.fire(
        case_id, "notify_end_of_term", "hr", notified_on=world.today(), notice_letter_no="L/1"
    )
    assert world.deadline(case_id, "end_of_term_notice_due").status == "met"
    assert refusal(
        world,
        case_id,
        "notify_end_of_term",
        "hr",
        notified_on=world.today(),
        notice_letter_no="L/2",
    ) == ["13.10.7.2"]

    # The last appraisal (the second year) re-arms nothing.
    move_to(world, date(2029, 1, 25))
    world.fire(
        case_id,
        "receive_appraisal",
        "hr",
        received_on=world.today(),
        appraisal_period="February 2028 - January 2029",
        appraisal_result="Exceeds expectations",
    )
    assert "appraisal_due" not in armed(world, case_id)
    assert json.loads(world.case(case_id).data)["appraisals_received"] == 2

    # 13.10.7.1: rejoining before the end needs a reversion or a recall first.
    assert "13.10.7.1" in refusal(
        world,
        case_id,
        "rejoin",
        "hr",
        rejoined_on=world.today(),
        placement="waiting_list",
        lpc_submitted=True,
    )

    move_to(world, date(2029, 2, 1))
    # 13.10.8.1: a placement at the same level names the position.
    assert refusal(
        world,
        case_id,
        "rejoin",
        "hr",
        rejoined_on=world.today(),
        placement="same_level",
        lpc_submitted=True,
    ) == ["13.10.8.1"]
    state = world.fire(
        case_id,
        "rejoin",
        "hr",
        rejoined_on=world.today(),
        placement="same_level",
        position_title="Deputy Chief Planning Officer",
        lpc_submitted=True,
        retirement_benefits_drawn=False,
    )
    assert state == "returned"
    case = world.case(case_id)
    assert case.closed_at is not None
    assert armed(world, case_id) == {}
    assert world.deadline(case_id, "rejoining_due").status == "met"

    # 13.10.6.1 (2023.2, R-13.10.6.1-duration): twice the two years, four calendar years
    # from the return (the first version doubled 731 days, 2028 a leap year: 2033-02-02).
    expected = date(2033, 2, 1)
    [row] = entries(world, kind="secondment")
    assert row.status == "returned"
    assert details(row)["obligation_end"] == expected.isoformat()
    assert details(row)["placement"] == "same_level"
    assert details(row)["counts_for_gratuity"] is True
    [obligation] = entries(world, kind="service_obligation")
    assert (obligation.start_on, obligation.end_on, obligation.status) == (
        date(2029, 2, 1),
        expected,
        "running",
    )
    assert "13.10.6.1" in details(obligation)["source"]
    with world.session() as s:
        cs = s.get(CivilServant, "E100")
        assert cs is not None
        assert (cs.position_title, cs.position_since) == (
            "Deputy Chief Planning Officer",
            date(2029, 2, 1),
        )
    data = world.data(case_id)
    assert data["obligation_end"] == expected.isoformat()
    assert "13.10.8.1" in data["placement_note"]

    with world.session() as s:
        profile = profiles.profile_of(s, "E100", date(2029, 3, 1))
    assert profile is not None
    assert [e.kind for e in profile.unserved_obligations(date(2029, 3, 1), "secondment")] == [
        "secondment"
    ]
    assert trail(world, case_id) == [
        "open",
        "validate",
        "record_selection",
        "approve",
        "relieve",
        "receive_appraisal",
        "notify_end_of_term",
        "receive_appraisal",
        "rejoin",
    ]
    assert_chain_ok(world)


def test_13_10_6_2_inside_bhutan_obligation_equals_the_term_capped_at_superannuation(world):
    # P3 (superannuation at 60, 15.3.1): born 1969-03-01, superannuates 2029-03-01.
    world.make_servant("E301", date_of_birth=date(1969, 3, 1), appointment_date=date(1995, 1, 2))
    case_id = on_secondment(world, "E301", location="inside")
    move_to(world, date(2029, 2, 1))
    world.fire(
        case_id,
        "rejoin",
        "hr",
        rejoined_on=world.today(),
        placement="interim_transfer_list",
        lpc_submitted=False,
    )
    [row] = entries(world, "E301", kind="secondment")
    assert details(row)["obligation_end"] == "2029-03-01"  # superannuation comes first
    assert details(row)["counts_for_gratuity"] is False  # 13.10.6.3: no LPC submitted
    [obligation] = entries(world, "E301", kind="service_obligation")
    assert "capped at superannuation" in details(obligation)["source"]
    assert "13.10.6.2" in details(obligation)["source"]
    assert "13.5.2.2" in world.data(case_id)["placement_note"]


def test_13_10_6_2_inside_bhutan_serves_once_the_term(world):
    case_id = on_secondment(world, location="inside")
    move_to(world, date(2029, 2, 1))
    world.fire(
        case_id, "rejoin", "hr", rejoined_on=world.today(), placement="waiting_list",
        lpc_submitted=True,
    )  # fmt: skip
    [row] = entries(world, kind="secondment")
    assert details(row)["obligation_end"] == "2031-02-01"  # two calendar years (2023.2)


# ----------------------------------------------------------------- not rejoining


def test_13_10_6_4_the_sweep_proposes_retirement_and_the_rcsc_retires_from_the_end(world):
    case_id = on_secondment(world)
    move_to(world, date(2029, 2, 1), hour=18)
    assert timers.sweep(world.engine, world.clock.now).fired == []  # still the rejoining day

    # Late: the rejoining day has passed; the HR officer cannot record a timely return.
    move_to(world, date(2029, 2, 2), hour=9)
    assert "13.10.6.4" in refusal(
        world,
        case_id,
        "rejoin",
        "hr",
        rejoined_on=world.today(),
        placement="waiting_list",
        lpc_submitted=True,
    )
    report = timers.sweep(world.engine, world.clock.now)
    assert [t for _, t in report.fired] == ["not_rejoined"]
    case = world.case(case_id)
    assert case.state == "retirement_proposed"
    data = world.data(case_id)
    assert data["retirement_effective_on"] == END.isoformat()
    assert "13.10.6.4" in data["retirement_ground"]
    [row] = entries(world, kind="secondment")
    assert row.status == "not_rejoined"

    # The shared queue shows it.
    from cases.core import queries

    with world.session() as s:
        queued = queries.queue(s, world.actors["rcsc"], "compulsory_retirement")
    assert [c.id for c, _name in queued] == [case_id]

    # 13.10.6.4: effective from the end of the approved period, not another day.
    assert refusal(
        world, case_id, "retire", "rcsc", effective_on=world.today(), order_no="RCSC/CR/1"
    ) == ["13.10.6.4"]
    assert refused_by_authority(world, case_id, "retire", "hr", order_no="RCSC/CR/1")
    assert world.fire(case_id, "retire", "rcsc", order_no="RCSC/CR/1") == "retired"
    with world.session() as s:
        cs = s.get(CivilServant, "E100")
        assert cs is not None
        assert (cs.status, cs.separated_on) == ("separated", END)
    assert world.data(case_id)["separated_on"] == END.isoformat()
    assert trail(world, case_id)[-3:] == ["deadline_missed:rejoining_due", "not_rejoined", "retire"]
    assert_chain_ok(world)


def test_13_10_6_4_condoned_late_rejoining_then_recorded(world):
    case_id = on_secondment(world)
    move_to(world, date(2029, 2, 5))
    timers.sweep(world.engine, world.clock.now)
    assert world.case(case_id).state == "retirement_proposed"
    state = world.fire(
        case_id,
        "condone",
        "rcsc",
        reasons="Flights from Delhi cancelled for four days; reported on 2029-02-05.",
    )
    assert state == "return_condoned"
    assert entries(world, kind="secondment")[0].status == "on_secondment"
    assert "retirement_ground" not in world.data(case_id)
    assert world.deadline(case_id, "rejoining_due", "armed").due_on == date(2029, 2, 12)
    state = world.fire(
        case_id, "rejoin", "hr", rejoined_on=world.today(), placement="waiting_list",
        lpc_submitted=True,
    )  # fmt: skip
    assert state == "on_waiting_list"  # 2023.2: the six months of 13.5.1.5 run
    assert entries(world, kind="secondment")[0].status == "returned"


def test_13_10_6_4_condoned_but_still_absent_goes_back_to_the_queue(world):
    case_id = on_secondment(world)
    move_to(world, date(2029, 2, 5))
    timers.sweep(world.engine, world.clock.now)
    world.fire(case_id, "condone", "rcsc", reasons="Medical certificate from Bangkok.")
    move_to(world, date(2029, 2, 13))
    assert [t for _, t in timers.sweep(world.engine, world.clock.now).fired] == ["not_rejoined"]
    assert world.case(case_id).state == "retirement_proposed"


def test_13_10_6_4_the_agency_reports_a_civil_servant_who_has_not_rejoined(world):
    case_id = on_secondment(world)
    assert refusal(world, case_id, "report_not_rejoined", "hr", particulars="x") == ["13.10.6.4"]
    with world.session() as s:
        case = service.load(s, case_id)
        offered = {
            st.trigger
            for st in service.available_steps(s, case, world.actors["hr"], world.clock.now)
        }
    assert "report_not_rejoined" not in offered
    move_to(world, date(2029, 2, 2), hour=8)  # before the nightly sweep
    state = world.fire(
        case_id, "report_not_rejoined", "hr", particulars="No reply to calls or letters."
    )
    assert state == "retirement_proposed"
    assert world.deadline(case_id, "rejoining_due").status == "missed"  # settled late
    assert world.data(case_id)["retirement_effective_on"] == END.isoformat()


# ----------------------------------------------------------------- reversion and recall


def test_13_10_7_1_early_reversion_needs_three_months_notice_and_moves_the_end(world):
    case_id = on_secondment(world)
    move_to(world, date(2027, 9, 1))
    notice = {"notified_on": "2027-09-01", "reasons": "The project was closed early."}
    assert refusal(world, case_id, "revert_early", "rcsc", new_end_on="2027-11-30", **notice) == [
        "13.10.7.1"
    ]
    assert refused_by_authority(
        world, case_id, "revert_early", "hr", new_end_on="2027-12-01", **notice
    )
    assert world.fire(case_id, "revert_early", "rcsc", new_end_on="2027-12-01", **notice) == (
        "on_secondment"
    )
    [row] = entries(world, kind="secondment")
    assert row.end_on == date(2027, 12, 1)
    assert details(row)["ended_early_by"] == "revert_early"
    data = world.data(case_id)
    assert (data["end_on"], data["approved_end_on"]) == ("2027-12-01", END.isoformat())
    assert armed(world, case_id) == {
        "end_of_term_notice_due": date(2027, 9, 1),  # three months before: today
        "appraisal_due": date(2027, 12, 1),  # the only appraisal, at the new end
        "rejoining_due": date(2027, 12, 2),
    }
    # The notice of the new end can be given now.
    world.fire(case_id, "notify_end_of_term", "hr", notified_on="2027-09-01", notice_letter_no="L")
    assert world.deadline(case_id, "end_of_term_notice_due").status == "met"

    move_to(world, date(2027, 12, 2))
    world.fire(
        case_id, "rejoin", "hr", rejoined_on=world.today(), placement="waiting_list",
        lpc_submitted=True,
    )  # fmt: skip
    [row] = entries(world, kind="secondment")
    # 2027-02-01..2027-12-01 is 10 months and a day; twice that, on the calendar (2023.2).
    assert details(row)["obligation_end"] == "2029-08-04"


def test_13_10_7_4_recall_by_the_rcsc_cannot_extend_the_term(world):
    case_id = on_secondment(world)
    notice = {"notified_on": world.today(), "reasons": "Needed for the health sector reform."}
    assert refusal(world, case_id, "recall", "rcsc", new_end_on="2029-06-30", **notice) == [
        "13.10.5.1"
    ]
    assert refusal(world, case_id, "recall", "rcsc", new_end_on="2027-01-31", **notice) == [
        "13.10.7.4"
    ]
    assert refused_by_authority(world, case_id, "recall", "hr", new_end_on="2027-06-30", **notice)
    assert world.fire(case_id, "recall", "rcsc", new_end_on="2027-06-30", **notice) == (
        "on_secondment"
    )
    assert world.data(case_id)["ended_early_by"] == "recall"
    assert armed(world, case_id)["rejoining_due"] == date(2027, 7, 1)


def test_a_new_end_resets_an_earlier_notice(world):
    case_id = on_secondment(world)
    move_to(world, date(2028, 10, 20))
    world.fire(case_id, "notify_end_of_term", "hr", notified_on=world.today(), notice_letter_no="L")
    world.fire(
        case_id, "recall", "rcsc", notified_on=world.today(), new_end_on="2029-01-20",
        reasons="Reform programme.",
    )  # fmt: skip
    assert armed(world, case_id)["end_of_term_notice_due"] == date(2028, 10, 20)
    world.fire(case_id, "notify_end_of_term", "hr", notified_on=world.today(), notice_letter_no="M")


# ----------------------------------------------------------------- ending before relief


def test_withdrawal_by_the_agency_before_approval(world):
    case_id = open_case(world)
    assert "13.10.4.1(i)" in refusal(world, case_id, "withdraw", "hr", reasons="x")
    assert world.fire(case_id, "withdraw", "chair", reasons="Needed for the COVID response.") == (
        "withdrawn"
    )
    assert world.case(case_id).closed_at is not None

    case_id = open_case(world)
    to_selected(world, case_id)
    assert world.fire(case_id, "withdraw", "secretary", reasons="Officer declined.") == "withdrawn"

    case_id = open_case(world)
    to_selected(world, case_id)
    world.fire(case_id, "approve", "rcsc", **approval())
    assert refusal(world, case_id, "withdraw", "chair", reasons="late") == ["13.10.4.1(i)"]


def test_the_rcsc_declines_a_nomination_or_an_approval(world):
    case_id = open_case(world)
    assert world.fire(
        case_id, "decline", "rcsc", declined_on=world.today(), reasons="Not on merit."
    ) == ("declined")
    case_id = open_case(world)
    to_selected(world, case_id)
    assert world.fire(case_id, "decline", "rcsc", declined_on=world.today(), reasons="HR gap.") == (
        "declined"
    )


def test_13_10_4_1_v_not_selected_by_the_organisation_ends_the_case(world):
    case_id = open_case(world)
    world.fire(case_id, "validate", "rcsc", validated_on=world.today(), **VALIDATION)
    state = world.fire(
        case_id, "record_selection", "rcsc", selection="not_selected",
        decision_received_on=world.today(),
    )  # fmt: skip
    assert state == "not_selected"
    assert world.case(case_id).closed_at is not None


def test_an_approval_cancelled_before_relief_leaves_no_record(world):
    case_id = open_case(world)
    to_selected(world, case_id)
    world.fire(case_id, "approve", "rcsc", **approval())
    assert world.fire(case_id, "cancel_approval", "rcsc", reasons="Offer withdrawn.") == "cancelled"
    assert entries(world, kind="secondment") == []
    open_case(world)  # still a first secondment (13.10.3.4)


# ----------------------------------------------------------------- guards on the way


def test_validation_needs_consultation_verification_and_the_organisations_criteria(world):
    case_id = open_case(world)
    cites = refusal(
        world, case_id, "validate", "rcsc", validated_on=world.today(), validation_note="ok",
        organisation_consulted=False, record_verified=False, organisation_criteria_met=False,
    )  # fmt: skip
    assert cites == ["13.10.4.1(ii)", "13.10.4.1(iii)", "13.10.3.3"]
    assert refused_by_authority(
        world, case_id, "validate", "chair", validated_on=world.today(), **VALIDATION
    )


def test_validation_refuses_a_record_that_became_unclean(world):
    case_id = open_case(world)
    world.open("E100")  # a disciplinary case opened after the nomination
    assert "13.10.3.1" in refusal(
        world, case_id, "validate", "rcsc", validated_on=world.today(), **VALIDATION
    )


def test_13_10_5_1_approval_is_for_three_years_at_most(world):
    case_id = open_case(world, start_on=None, end_on=None)
    to_selected(world, case_id)
    too_long = add_months(START, 36)  # one day over
    assert refusal(world, case_id, "approve", "rcsc", **approval(end=too_long)) == ["13.10.5.1"]
    assert refusal(
        world, case_id, "approve", "rcsc", **approval(end=START - timedelta(days=1))
    ) == ["13.10.5.1"]
    state = world.fire(case_id, "approve", "rcsc", **approval(end=too_long - timedelta(days=1)))
    assert state == "approved"


def test_relief_checks_the_start_pay_and_quarter(world):
    case_id = open_case(world)
    to_selected(world, case_id)
    world.fire(case_id, "approve", "rcsc", **approval())
    cites = refusal(
        world, case_id, "relieve", "hr",
        **relief(world, takes_up_post_on="2026-12-01", pay_stopped=False,
                 government_quarter="retained"),
    )  # fmt: skip
    assert cites == ["13.10.4.1(vi)", "13.10.5.2", "9.7.2"]
    # Taking up the post earlier than approved would stretch the term beyond three years.
    approved_end = add_months(START, 36) - timedelta(days=1)
    case2 = open_case(world)
    to_selected(world, case2)
    world.fire(case2, "approve", "rcsc", **approval(end=approved_end))
    assert "13.10.5.1" in refusal(
        world, case2, "relieve", "hr", **relief(world, takes_up_post_on="2027-01-15")
    )
    assert refused_by_authority(world, case_id, "relieve", "rcsc", **relief(world))


def test_a_second_relief_is_a_second_secondment(world):
    first = open_case(world)
    second = open_case(world)
    for case_id in (first, second):
        to_selected(world, case_id)
        world.fire(case_id, "approve", "rcsc", **approval())
    world.fire(first, "relieve", "hr", **relief(world))
    assert refusal(world, second, "relieve", "hr", **relief(world)) == ["13.10.3.4"]


# ----------------------------------------------------------------- eligibility (13.10.3)


def add_entry(world, eid: str, kind: str, status: str, **kw: Any) -> None:
    with transaction(world.engine) as s:
        profiles.add_entry(
            s, eid=eid, kind=kind, status=status, now=world.clock.now, by="register", **kw
        )


def test_13_10_3_1_a_clean_record(world):
    world.make_servant("E310")
    add_entry(world, "E310", "due", "outstanding", amount="12000.00", note="Salary advance")
    add_entry(world, "E310", "audit_memo", "pending", note="RAA memo 2026/4")
    assert open_refusal(world, "E310") == ["13.10.3.1", "13.10.3.1"]

    world.open("E100")  # a pending disciplinary case
    with pytest.raises(Refused) as exc:
        open_case(world)
    assert [(r.cite, r.reason) for r in exc.value.refusals] == [
        ("13.10.3.1", "no pending administrative disciplinary case")
    ]


def test_13_10_3_1_penalties_in_force(world):
    from cases.core.models import Penalty

    world.make_servant("E311")
    disciplinary = world.open("E311")
    with transaction(world.engine) as s:
        s.add(
            Penalty(
                case_id=disciplinary, eid="E311", charge_no=1, offence_no=11, code="reprimand",
                severity="minor", imposed_on=date(2026, 1, 1), term_ends_on=date(2027, 6, 30),
            )
        )  # fmt: skip
        case = s.get(Case, disciplinary)
        case.closed_at = world.clock.now  # type: ignore[union-attr]
        case.state = "closed"  # type: ignore[union-attr]
    assert open_refusal(world, "E311") == ["13.10.3.1"]


def test_13_10_3_2_five_years_of_active_service_including_probation(world):
    world.make_servant("E312", appointment_date=date(2022, 1, 3))
    assert open_refusal(world, "E312") == ["13.10.3.2"]
    world.make_servant("E313", appointment_date=date(2021, 12, 1))
    assert open_case(world, "E313")
    # Extraordinary leave is not active service (8.12.6).
    world.make_servant("E314", appointment_date=date(2021, 6, 1))
    add_entry(
        world, "E314", "eol", "completed", start_on=date(2023, 1, 1), end_on=date(2023, 12, 31)
    )
    assert open_refusal(world, "E314") == ["13.10.3.2"]


def test_13_10_3_4_only_the_first_secondment(world):
    world.make_servant("E315")
    add_entry(
        world, "E315", "secondment", "returned", start_on=date(2018, 1, 1),
        end_on=date(2019, 12, 31), organisation="UNDP Bhutan", location="inside",
    )  # fmt: skip
    assert open_refusal(world, "E315") == ["13.10.3.4"]


def test_13_10_3_5_not_a_contract_employee(world):
    world.make_servant("E316", employment_type="contract")
    assert open_refusal(world, "E316") == ["13.10.3.5"]


def test_7_7_8_1_iii_an_ltt_pending_completion_bars_secondment(world):
    world.make_servant("E317")
    add_entry(
        world, "E317", "ltt", "pending_completion", start_on=date(2022, 8, 1),
        end_on=date(2024, 7, 31), level="masters", mode="full_time", funding="rgob",
    )  # fmt: skip
    assert open_refusal(world, "E317") == ["7.7.8.1(iii)"]


def test_13_10_5_1_and_13_10_4_2_on_nomination(world):
    assert open_refusal(world, "E100", end_on=add_months(START, 36).isoformat()) == ["13.10.5.1"]
    assert open_refusal(world, "E100", programme="new") == ["13.10.4.2"]
    assert open_case(world, programme="new", programme_approval_ref="RCSC/PRG/2026/3")


def test_who_nominates(world):
    world.add_user("moha_chair", (R.HRC_CHAIR,), agency="MOHA")
    assert "13.10.4.1(i)" in open_refusal(world, "E100", "moha_chair")
    assert "13.10.4.1(i)" in open_refusal(world, "E100", "hr")  # the HRC nominates
    # Executives and specialists: the RCSC (its officers act as the HRC).
    world.make_servant("E320", level="ES2")
    assert "13.10.4.1(i)" in open_refusal(world, "E320", "chair")
    assert open_case(world, "E320", "rcsc")


# ----------------------------------------------------------------- the demo


@pytest.fixture
def demo_session(db_url: str):
    engine = engine_for(db_url)
    yield engine
    engine.dispose()


def test_the_demo_builds_the_secondment_cases(demo_session):
    now = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)
    summary = seed.build(demo_session, now)
    mine = {c["key"]: c for c in summary["cases"] if c["process"] == "secondment"}
    assert {k: c["state"] for k, c in mine.items()} == {
        "secondment_nominated": "nominated",
        "secondment_notice_due": "on_secondment",
        "secondment_not_rejoined": "retirement_proposed",
        "secondment_returned": "returned",
    }
    assert mine["secondment_notice_due"]["next_deadline"]["kind"] == "end_of_term_notice_due"
    today = date(2026, 12, 14)
    due = date.fromisoformat(mine["secondment_notice_due"]["next_deadline"]["due_on"])
    assert today < due <= today + timedelta(days=21)
    with Session(demo_session) as s:
        returned = json.loads(s.get(Case, mine["secondment_returned"]["id"]).data)  # type: ignore[union-attr]
        assert returned["obligation_end"] > today.isoformat()
        kinds = {
            r.kind
            for r in s.exec(
                select(ServiceEntry).where(
                    ServiceEntry.case_id == mine["secondment_returned"]["id"]
                )
            ).all()
        }
        assert kinds == {"secondment", "service_obligation"}
        from cases.processes import applications

        contract = applications.eligibility(s, "secondment", "E13105", {}, today)
        assert [u.cite for u in contract.unmet] == ["13.10.3.5"]
        unclean = applications.eligibility(s, "secondment", "E13106", {}, today)
        assert [u.cite for u in unclean.unmet] == ["13.10.3.1", "13.10.3.1", "13.10.3.4"]
        assert audit.verify(s).ok
