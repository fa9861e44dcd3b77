"""Every path through the chapter 19 machine, walked against a real database through
``service.fire`` and the sweep, with the clock moved as the days pass.

Each walk checks states, deadlines (kind, due date, status), the service record, and
that the audit chain still verifies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from cases.core import audit, timers
from cases.core.models import Penalty
from cases.people import record
from workflows.calendar import BHUTAN_TZ
from workflows.context import Refused


def bt(day: str, hour: int = 10) -> datetime:
    """``hour`` o'clock in Thimphu on ``day``, as the UTC instant the clock holds."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


def assert_chain_ok(world) -> None:
    with world.session() as s:
        result = audit.verify(s)
    assert result.ok, result.problem


def trail(world, case_id: int) -> list[tuple[str, str, str]]:
    with world.session() as s:
        return [(e.trigger, e.from_state, e.to_state) for e in audit.events_for(s, case_id)]


def deadlines(world, case_id: int) -> list[tuple[str, date, str]]:
    return [(d.kind, d.due_on, d.status) for d in world.deadlines(case_id)]


def penalties(world, case_id: int) -> list[tuple[int, str, str]]:
    with world.session() as s:
        rows = s.exec(select(Penalty).where(Penalty.case_id == case_id).order_by(Penalty.id))
        return [(p.charge_no, p.code, p.status) for p in rows]


# ------------------------------------------------------------------ opening and ADR


def test_path_19_5_3_a_complaint_without_the_complainants_address_is_dismissed(world):
    case_id = world.open(complainant_address=None)
    with pytest.raises(Refused) as exc:
        world.fire(case_id, "direct_enquiry", "chair")
    assert [r.cite for r in exc.value.refusals] == ["19.5.2"]

    state = world.fire(
        case_id,
        "dismiss_complaint",
        "chair",
        dismissal_ground="19.5.3",
        reasons="The complainant's address is not given (19.5.2.1).",
    )
    assert state == "dismissed"
    case = world.case(case_id)
    assert case.closed_at == world.clock.now
    assert world.deadlines(case_id) == []
    assert [t for t, *_ in trail(world, case_id)] == ["open", "dismiss_complaint"]
    assert_chain_ok(world)


def test_path_19_7_adr_resolves_the_matter(world):
    case_id = world.open()
    assert (
        world.fire(case_id, "refer_to_adr", "chair", adr_method="counselling", adr_officer="Sonam")
        == "adr"
    )
    assert (
        world.fire(case_id, "adr_resolved", "dc", resolution="Agreed to attend on time")
        == "resolved_by_adr"
    )
    assert world.case(case_id).closed_at is not None
    assert penalties(world, case_id) == []
    assert_chain_ok(world)


def test_path_19_7_8_adr_terminated_goes_to_the_dc_for_an_enquiry(world):
    case_id = world.open()
    world.fire(case_id, "refer_to_adr", "chair", adr_method="mediation", adr_officer="Sonam")
    state = world.fire(
        case_id,
        "terminate_adr",
        "chair",
        termination_ground="19.7.8",
        reasons="The misconduct is more serious than first thought.",
    )
    assert state == "enquiry_directed"
    world.drive(case_id, "notice_served")
    assert [t for t, *_ in trail(world, case_id)] == [
        "open",
        "refer_to_adr",
        "terminate_adr",
        "serve_notice",
    ]
    assert_chain_ok(world)


# ------------------------------------------------------------------ step 1: notice


def test_path_19_8_2_1_iii_dismissed_after_the_explanation(world):
    case_id = world.walk_to("explained")
    state = world.fire(
        case_id,
        "dismiss_case",
        "chair",
        reasons="Leave had been granted; the register was wrong.",
        beyond_reasonable_doubt=True,
    )
    assert state == "dismissed"
    assert deadlines(world, case_id) == [("explanation_due", date(2026, 12, 22), "met")]
    assert penalties(world, case_id) == []
    assert_chain_ok(world)


def test_path_19_8_2_1_explanation_lapses_and_the_dc_decides_on_the_evidence(world, clock):
    case_id = world.walk_to("notice_served")
    clock.now = bt("2026-12-23")
    report = timers.sweep(world.engine, clock.now)
    assert [trigger for _, trigger in report.fired] == ["explanation_lapsed"]
    assert world.case(case_id).state == "explained"

    assert world.fire(case_id, "convene_meeting", "dc", reasons="Facts are simple") == "dc_meeting"
    clock.now = bt("2026-12-28")
    state = world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on="2026-12-28",
        hearing="did_not_respond",
        members_present="dc, dc2, chair",
        findings=[
            {"charge": 1, "finding": "guilty", "penalty": "fine", "amount": "5000"},
            {"charge": 2, "finding": "not_guilty", "penalty": None},
        ],
        decision_reasons="Decided on the evidence (19.8.2.3(v)).",
        # 2023.2 (19.11.13.2, 19.11.1): the fine's amount within a month's salary, and the
        # day it is payable by.
        monthly_salary="40000",
        fine_payable_by="2027-01-28",
    )
    assert state == "awaiting_endorsement"
    # 19.8.2.3(vi) counts the meeting's 30 days from an investigation report; there is none.
    assert deadlines(world, case_id) == [("explanation_due", date(2026, 12, 22), "missed")]
    assert [t for t, *_ in trail(world, case_id)][-4:] == [
        "deadline_missed:explanation_due",
        "explanation_lapsed",
        "convene_meeting",
        "record_decision",
    ]
    assert_chain_ok(world)


# ------------------------------------------------ the long way: steps 2 to 4 and finality


def test_path_investigated_escalated_extended_returned_and_final_when_the_window_closes(
    world, clock
):
    case_id = world.walk_to("enquiry_directed")
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11", "15"],
        particulars="p",
        prima_facie=True,
        notice_received_on="2026-12-14",
    )

    clock.now = bt("2026-12-15")
    world.fire(case_id, "submit_explanation", "respondent", explanation="I was unwell")
    world.fire(
        case_id,
        "order_investigation",
        "dc",
        investigated_by="member_secretary",
        investigators="secretary",
        directive_on="2026-12-15",
        directive_received_on="2026-12-15",
    )

    clock.now = bt("2026-12-18")
    assert (
        world.fire(case_id, "commence_investigation", "secretary", commenced_on="2026-12-18")
        == "investigating"
    )

    # 19.8.2.2(iv): the member secretary finds it serious; it moves to the committee once
    clock.now = bt("2026-12-21")
    world.fire(
        case_id,
        "escalate_to_committee",
        "secretary",
        reasons="Procurement records involved",
        investigators="investigator, dc2",
    )
    assert world.data(case_id)["investigated_by"] == "investigation_committee"
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id,
            "escalate_to_committee",
            "investigator",
            reasons="again",
            investigators="investigator",
        )
    assert [r.cite for r in exc.value.refusals] == ["19.8.2.2(iv)"]

    # 19.8.2.2(vi): extended to 30 days from commencement, not beyond
    with pytest.raises(Refused):
        world.fire(case_id, "extend_investigation", "dc", total_days=31, extension_reason="x")
    world.fire(
        case_id, "extend_investigation", "dc", total_days=30, extension_reason="Witness on tour"
    )
    assert [(d.kind, d.due_on, d.status, d.note) for d in world.deadlines(case_id)][-2:] == [
        ("investigation_completion_due", date(2027, 1, 2), "cancelled", "superseded"),
        ("investigation_completion_due", date(2027, 1, 17), "armed", ""),
    ]

    clock.now = bt("2027-01-11")
    world.fire(
        case_id,
        "complete_investigation",
        "investigator",
        completed_on="2027-01-11",
        respondent_participated=True,
    )
    clock.now = bt("2027-01-13")
    world.fire(
        case_id,
        "submit_report",
        "investigator",
        report_findings="Absence proven",
        report_received_on="2027-01-13",
        copy_to_respondent_on="2027-01-13",
    )

    clock.now = bt("2027-01-25")
    first = [
        {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
        {"charge": 2, "finding": "guilty", "penalty": "dismissal"},
    ]
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on="2027-01-25",
        hearing="heard",
        members_present="dc, dc2, chair",
        findings=first,
        decision_reasons="r",
    )
    assert (
        world.fire(
            case_id, "return_to_dc", "chair", reasons="Dismissal is too harsh for a first offence"
        )
        == "dc_meeting"
    )
    second = [
        {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
        {"charge": 2, "finding": "guilty", "penalty": "fine", "amount": "3000"},
    ]
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on="2027-01-25",
        hearing="heard",
        members_present="dc, dc2, chair",
        findings=second,
        decision_reasons="r",
        monthly_salary="40000",  # 2023.2: a fine within a month's salary (19.11.13.2)
        fine_payable_by="2027-02-25",  # and the day it is payable by (19.11.1)
    )

    clock.now = bt("2027-01-26")
    world.fire(
        case_id, "endorse_decision", "chair", endorsed_on="2027-01-26", hrc_meeting_no="HRC/3"
    )
    clock.now = bt("2027-01-28")
    assert penalties(world, case_id) == []
    world.fire(
        case_id,
        "communicate_decision",
        "chair",
        letter_no="MOH/HR/9",
        decision_received_on="2027-01-28",
        copy_to_rcsc=True,
    )
    assert penalties(world, case_id) == [(1, "reprimand", "in_force"), (2, "fine", "in_force")]

    assert deadlines(world, case_id) == [
        ("explanation_due", date(2026, 12, 22), "met"),
        ("investigation_commencement_due", date(2026, 12, 23), "met"),
        ("investigation_completion_due", date(2027, 1, 2), "cancelled"),
        ("investigation_completion_due", date(2027, 1, 17), "met"),
        ("report_due", date(2027, 1, 18), "met"),
        ("meeting_conclusion_due", date(2027, 2, 12), "met"),
        # no second meeting clock after the HRC's return: 19.8.2.3(vi) counts from a report
        ("decision_communication_due", date(2027, 2, 2), "met"),
        # 10 working days from 28 January skip two weekends and Losar (8 February)
        ("appeal_window", date(2027, 2, 12), "armed"),
    ]

    clock.now = bt("2027-02-12", hour=23)  # the last day of the window
    assert timers.sweep(world.engine, clock.now).fired == []
    clock.now = bt("2027-02-13", hour=1)
    assert [t for _, t in timers.sweep(world.engine, clock.now).fired] == ["decision_becomes_final"]
    case = world.case(case_id)
    assert (case.state, case.closed_at) == ("closed", clock.now)
    assert deadlines(world, case_id)[-1] == ("appeal_window", date(2027, 2, 12), "missed")
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id,
            "lodge_appeal",
            "respondent",
            grounds=["19.12.2.2"],
            appeal_statement="s",
            appeal_lodged_on="2027-02-12",
            appeal_received_on="2027-02-13",
        )
    assert exc.value.kind == "state"
    assert_chain_ok(world)


def test_path_19_12_2_an_appeal_after_the_window_is_refused(world, clock):
    case_id = world.walk_to("decided")  # decision received Monday 14 December
    assert world.deadline(case_id, "appeal_window").due_on == date(2026, 12, 29)
    clock.now = bt("2026-12-30")
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id,
            "lodge_appeal",
            "respondent",
            grounds=["19.12.2.1"],
            appeal_statement="s",
            appeal_lodged_on="2026-12-30",
            appeal_received_on="2026-12-30",
        )
    assert [r.cite for r in exc.value.refusals] == ["19.12.2"]
    assert world.case(case_id).state == "decided"


# ----------------------------------------------------------------------------- appeal


def decide_appeal(world, case_id: int, outcome: str) -> str:
    """The appellate decision and (2023.2, 19.8.3) its execution by the appellate
    authority's own committee; returns where the case then is."""
    world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome=outcome,
        due_process_examined=True,
        due_process_followed=outcome != "quashed",
        appeal_reasons=f"Appeal {outcome}",
    )
    return world.fire(
        case_id,
        "execute_appeal_decision",
        "rcsc",
        executed_on=world.today(),
        execution_letter_no="RCSC/AP/2",
        appeal_decision_received_on=world.today(),
    )


def test_path_19_12_4_appeal_upheld_keeps_the_penalties(world):
    case_id = world.walk_to("appeal")
    assert world.deadline(case_id, "appellate_decision_due").due_on == date(2027, 1, 13)
    assert decide_appeal(world, case_id, "upheld") == "closed"
    assert penalties(world, case_id) == [(1, "reprimand", "in_force"), (2, "demotion", "in_force")]
    assert world.deadline(case_id, "appellate_decision_due").status == "met"
    assert world.deadline(case_id, "appeal_window").status == "met"
    assert_chain_ok(world)


def test_path_19_12_4_appeal_quashed_revokes_the_penalties(world):
    case_id = world.walk_to("appeal")
    assert decide_appeal(world, case_id, "quashed") == "closed"
    assert penalties(world, case_id) == [(1, "reprimand", "revoked"), (2, "demotion", "revoked")]
    assert {f["finding"] for f in world.data(case_id)["findings"]} == {"not_guilty"}
    assert_chain_ok(world)


def test_path_19_8_3_appeal_remanded_to_the_dc_which_decides_again(world, clock):
    case_id = world.walk_to("appeal")
    clock.now = bt("2026-12-21")
    assert decide_appeal(world, case_id, "remanded") == "dc_meeting"
    assert penalties(world, case_id) == [(1, "reprimand", "revoked"), (2, "demotion", "revoked")]
    # 19.8.2.3(vi)'s 30 days run from an investigation report, not from a remand (2023.2).
    assert not [d for d in world.deadlines(case_id) if d.status == "armed"]

    world.drive(
        case_id,
        "decided",
        findings=[
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "reassignment"},
        ],
    )
    assert penalties(world, case_id) == [
        (1, "reprimand", "revoked"),
        (2, "demotion", "revoked"),
        (1, "reprimand", "in_force"),
        (2, "reassignment", "in_force"),
    ]
    assert trail(world, case_id)[-5:] == [
        ("decide_appeal", "appeal", "appeal_decided"),
        ("execute_appeal_decision", "appeal_decided", "dc_meeting"),
        ("record_decision", "dc_meeting", "awaiting_endorsement"),
        ("endorse_decision", "awaiting_endorsement", "endorsed"),
        ("communicate_decision", "endorsed", "decided"),
    ]
    assert_chain_ok(world)


# ---------------------------------------------------------------- summary proceedings


def test_19_10_1_2_summary_for_a_grave_offence_needs_the_charge_first(world):
    case_id = world.open()
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id,
            "recommend_summary",
            "chair",
            summary_ground="19.10.1.2",
            summary_evidence="Written admission of 10 December",
        )
    assert [r.cite for r in exc.value.refusals] == ["19.10.1.2"]
    assert world.case(case_id).state == "received"


def test_path_19_10_1_summary_retirement_by_the_rcsc(world):
    case_id = world.open()
    world.fire(
        case_id,
        "recommend_summary",
        "chair",
        summary_ground="19.10.1.1",
        summary_evidence="Three written warnings and two 'Poor' appraisals",
    )
    assert (
        world.fire(
            case_id,
            "summary_retire",
            "rcsc",
            order_no="RCSC/SP/1",
            effective_on="2027-01-01",
            order_received_on=world.today(),
        )
        == "retired_summarily"
    )
    assert penalties(world, case_id) == [(0, "compulsory_retirement", "in_force")]
    with world.session() as s:
        assert record.standing(s, "E100", date(2027, 1, 2)).on_negative_list
    # 2023.2: open until its appeal window lapses (19.2.4, 19.3.7; reading R-19.12.2-summary)
    assert world.case(case_id).closed_at is None
    assert_chain_ok(world)


def test_path_19_10_1_summary_proceedings_declined_the_enquiry_continues(world):
    case_id = world.walk_to("explained")
    world.fire(
        case_id,
        "recommend_summary",
        "chair",
        summary_ground="19.10.1.1",
        summary_evidence="Three years of poor ratings",
    )
    assert (
        world.fire(case_id, "decline_summary", "rcsc", reasons="Investigate first")
        == "enquiry_directed"
    )
    assert penalties(world, case_id) == []
    assert_chain_ok(world)


# ------------------------------------------------------------------------ suspension


def suspend(world, case_id: int, gross: str = "45000", professional: str | None = "5000"):
    world.fire(
        case_id,
        "hold_pre_suspension_hearing",
        "dc",
        pre_suspension_hearing_on=world.today(),
        hearing_record="Says the suspension is unnecessary",
    )
    fields = {
        "suspension_grounds": ["19.9.5.1", "19.9.4.3"],
        "office_order_no": "MOH/OO/5",
        "suspended_from": world.today(),
        "gross_pay": gross,
        "rcsc_notified": True,
    }
    if professional is not None:
        fields["professional_allowance"] = professional
    return world.fire(case_id, "suspend", "chair", **fields)


@pytest.mark.parametrize(
    ("gross", "professional", "allowance"),
    [("45000", "5000", "20000.00"), ("32001", None, "16000.50")],
)
def test_path_19_9_8_suspended_on_half_gross_pay_less_professional_allowance(
    world, gross, professional, allowance
):
    case_id = world.walk_to("investigating")
    assert suspend(world, case_id, gross, professional) == "investigating"
    data = world.data(case_id)
    assert data["suspended"] is True
    assert data["subsistence_allowance"] == allowance
    assert_chain_ok(world)


def test_path_19_9_9_acquitted_of_all_charges_the_rest_of_the_pay_is_due(world, clock):
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    world.drive(
        case_id,
        "decided",
        findings=[
            {"charge": 1, "finding": "not_guilty", "penalty": None},
            {"charge": 2, "finding": "not_guilty", "penalty": None},
        ],
    )
    clock.advance(days=30)
    timers.sweep(world.engine, clock.now)
    data = world.data(case_id)
    assert world.case(case_id).state == "closed"
    assert data["suspended"] is False
    assert data["suspension_outcome"].startswith("acquitted: remaining 50% of gross pay")
    assert "19.9.11" in data["suspension_outcome"]
    assert penalties(world, case_id) == []


def test_path_19_9_10_found_guilty_the_allowance_is_refunded(world, clock):
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    world.drive(case_id, "decided")
    clock.advance(days=30)
    timers.sweep(world.engine, clock.now)
    data = world.data(case_id)
    assert world.case(case_id).state == "closed"
    assert data["suspended"] is False
    assert data["suspension_outcome"] == "guilty: subsistence allowance to be refunded (19.9.10)"


def test_path_19_9_10_an_appeal_upheld_settles_the_suspension_as_guilty(world):
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    world.drive(case_id, "appeal")
    assert world.data(case_id)["suspended"] is True
    decide_appeal(world, case_id, "upheld")
    data = world.data(case_id)
    assert data["suspended"] is False
    assert data["suspension_outcome"] == "guilty: subsistence allowance to be refunded (19.9.10)"


def test_path_19_9_9_an_appeal_quashed_settles_the_suspension_as_acquitted(world):
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    world.drive(case_id, "appeal")
    decide_appeal(world, case_id, "quashed")
    data = world.data(case_id)
    assert data["suspended"] is False
    assert data["suspension_outcome"].startswith("acquitted")


def test_path_19_9_12_suspension_revoked_while_the_case_goes_on(world):
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    state = world.fire(
        case_id,
        "revoke_suspension",
        "chair",
        revoked_on=world.today(),
        reasons="Investigation no longer at risk",
    )
    assert state == "investigating"
    data = world.data(case_id)
    assert (data["suspended"], data["suspension_revoked_on"]) == (False, world.today())
    with pytest.raises(Refused) as exc:
        world.fire(case_id, "revoke_suspension", "chair", revoked_on=world.today(), reasons="x")
    assert [r.cite for r in exc.value.refusals] == ["19.9.12"]
    assert_chain_ok(world)


def test_path_19_9_14_the_case_is_decided_at_once_when_a_suspended_respondent_dies(world):
    case_id = world.walk_to("investigating")
    suspend(world, case_id)
    state = world.fire(
        case_id,
        "decide_on_death",
        "chair",
        died_on=world.today(),
        death_outcome="acquitted",
        reasons="Charges not established; benefits to the family",
    )
    assert state == "closed"
    data = world.data(case_id)
    assert data["suspended"] is False
    assert data["suspension_outcome"].startswith("acquitted")
    assert world.deadline(case_id, "investigation_completion_due").status == "cancelled"
    assert_chain_ok(world)


def test_19_5_3_a_complete_complaint_cannot_be_dismissed_as_incomplete(world):
    case_id = world.open()
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id, "dismiss_complaint", "chair", dismissal_ground="19.5.3", reasons="incomplete"
        )
    assert [r.cite for r in exc.value.refusals] == ["19.5.3"]
    incomplete = world.open(complainant_address=None)
    assert (
        world.fire(
            incomplete,
            "dismiss_complaint",
            "chair",
            dismissal_ground="19.5.3",
            reasons="No address of the complainant",
        )
        == "dismissed"
    )


def test_19_8_2_2_xi_the_report_records_the_respondents_copy(world):
    case_id = world.walk_to("report_due")
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id,
            "submit_report",
            "secretary",
            report_findings="f",
            report_received_on=world.today(),
        )
    assert [r.cite for r in exc.value.refusals] == ["19.8.2.2(xi)"]
    assert (
        world.fire(
            case_id,
            "submit_report",
            "secretary",
            report_findings="f",
            report_received_on=world.today(),
            withheld_parts="Witness identities (inappropriate to disclose)",
        )
        == "dc_meeting"
    )
