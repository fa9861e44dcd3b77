"""Chapter 19 as version 2023.2 of the disciplinary definition reads it, on the database:
what a committee following drukflow now sees happen to the civil servant's record."""

from __future__ import annotations

import pytest

from cases.core.db import reading, transaction
from cases.core.models import CivilServant
from cases.review import documents
from workflows.engine import Refused


def test_19_11_14_a_dismissal_once_executed_separates_the_civil_servant_from_2023_2(world):
    """19.11.14 "Dismissal or termination of service without post-retirement and other
    benefits": once the decision is executed (19.8.2.4(ii)), the register shows the civil
    servant separated, with the penalty and its section (2023.2)."""
    case_id = world.walk_to(
        "decided",
        findings=[
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "dismissal"},
        ],
    )
    assert world.case(case_id).process_version == "2023.2"
    with reading(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        assert cs.status == "separated" and cs.separated_on == world.clock.today
        assert cs.separation_reason.startswith("Dismissal or termination of service")
        assert "(BCSR 19.11.14" in cs.separation_reason


def test_19_9_14_an_acquittal_on_death_replaces_the_earlier_findings(world):
    """19.9.14: "the administrative case against him shall be immediately decided so that
    whatever benefits decided in his favour may be availed of by his family or legal
    nominees." Earlier guilty findings and their penalties do not outlive the decision."""
    from sqlmodel import select

    from cases.core.models import Penalty

    case_id = world.walk_to("decided")
    assert any(f["finding"] == "guilty" for f in world.data(case_id)["findings"])
    world.fire(
        case_id,
        "decide_on_death",
        "dc",
        died_on=world.today(),
        death_outcome="acquitted",
        reasons="Charges not established beyond the record.",
    )
    assert world.case(case_id).state == "closed"
    assert {f["finding"] for f in world.data(case_id)["findings"]} == {"not_guilty"}
    with reading(world.engine) as s:
        statuses = {p.status for p in s.exec(select(Penalty).where(Penalty.case_id == case_id))}
    assert statuses == {"revoked"}


def html_of(world, case_id: int, kind: str, username: str) -> str:
    """The issued letter's text as printed (its HTML, whitespace folded)."""
    with transaction(world.engine) as s:
        doc = documents.issue(s, case_id, kind, world.actors[username], now=world.clock.now)
    return " ".join(doc.html.split())


def _minor_penalties(world, eid: str, count: int) -> None:
    """``count`` reprimands already on the record, from an earlier case."""
    from cases.core.models import Penalty

    earlier = world.walk_to("received", eid)
    with transaction(world.engine) as s:
        for n in range(count):
            s.add(
                Penalty(
                    case_id=earlier,
                    eid=eid,
                    charge_no=n + 1,
                    offence_no=11,
                    code="reprimand",
                    severity="minor",
                    imposed_on=world.clock.today,
                )
            )


def _decide(world, case_id: int, findings: list[dict], **extra) -> None:
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, dc2, chair, secretary",
        findings=findings,
        decision_reasons="The evidence establishes the charges.",
        **extra,
    )


def test_19_11_13_4_the_decision_records_that_repeated_minor_penalties_led_to_a_major_one(world):
    """19.11.13.4: "Three or more reprimands or minor penalties would lead to a major
    penalty": a fourth proven failure to declare a conflict of interest (row 11, Minor) is
    met with a major penalty, and the decision and its letter say why."""
    _minor_penalties(world, "E100", 3)
    case_id = world.walk_to("dc_meeting", charges=["11"])
    _decide(world, case_id, [{"charge": 1, "finding": "guilty", "penalty": "withhold_promotion"}])
    assert world.data(case_id)["repeated_minor"]["minor_on_record"] == 3
    world.drive(case_id, "decided")
    letter = html_of(world, case_id, "decision_letter", "chair")
    assert "holds 3 reprimands or minor penalties" in letter and "(BCSR 19.11.13.4)" in letter


def test_19_11_1_an_unpaid_fine_is_owed_on_the_record_with_24_percent_a_year(world):
    """19.11.13.2: "Fine of an amount not exceeding one month's salary"; 19.11.1: "failure
    to comply with such obligation within the specified time frame, shall levy 24 percent
    penalty per annum on the initial amount"."""
    from datetime import date, timedelta

    from cases.people import register_reads

    case_id = world.walk_to("dc_meeting", charges=["11"])
    _decide(
        world,
        case_id,
        [{"charge": 1, "finding": "guilty", "penalty": "fine", "amount": "36500"}],
        monthly_salary="40000",
        fine_payable_by="2027-01-14",
    )
    world.drive(case_id, "decided")
    with reading(world.engine) as s:
        [due] = [h for h in register_reads.history_rows(s, "E100") if h["row"].kind == "due"]
        assert due["row"].status == "outstanding" and due["details"]["amount"] == "36500.00"
        assert due["row"].end_on == date(2027, 1, 14) and "19.11.1" in due["details"]["note"]
        on_time = register_reads.history_rows(s, "E100", date(2027, 1, 14))
        late = register_reads.history_rows(s, "E100", date(2027, 1, 14) + timedelta(days=100))
    assert not [k for h in on_time for k in h["details"] if k.startswith("owed today")]
    owed = [v for h in late for k, v in h["details"].items() if k.startswith("owed today")]
    assert owed == ["Nu 38,900.00"]  # 36,500 + 24% x 100/365 of 36,500


def test_19_11_11_another_offence_is_charged_decided_and_printed_as_outside_the_schedule(world):
    """19.11.11: "A civil servant can be charged with any other offences which are not
    covered in the Rule ... with a comparison to those offences/penalties covered in the
    Rule"."""
    case_id = world.open()
    world.fire(case_id, "direct_enquiry", "chair", reasons="Not suitable for ADR")
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars="As per the complaint",
        prima_facie=True,
        notice_received_on=world.today(),
        other_offence="Running a private tuition centre during office hours",
        other_classification="Major",
        other_rule_breached="BCSR 3.3.6",
        other_compared_with="5",
    )
    charges = world.data(case_id)["charges"]
    assert [(c["no"], c["offence"], c["classification"]) for c in charges] == [
        (1, 11, "Minor"),
        (2, 0, "Major"),
    ]
    assert charges[1]["breaches"] == "BCSR 3.3.6" and charges[1]["cite"] == "19.11.11"
    notice = html_of(world, case_id, "notice_of_charges", "dc")
    assert (
        "not in Schedule 19/A, BCSR 19.11.11; breaches BCSR 3.3.6; compared with Sl. No. 5"
        in notice
    )
    world.drive(case_id, "dc_meeting")
    _decide(
        world,
        case_id,
        [
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "reassignment"},
        ],
    )
    assert world.case(case_id).state == "awaiting_endorsement"


def test_19_9_7_the_rcsc_s_suspension_order_goes_to_the_agency_concerned(world):
    """19.9.7: "The civil servant and the Agency concerned shall be notified if the
    Suspension Order is issued by the RCSC." The step asks for it and the order is copied
    to the agency."""
    world.make_servant("E300", level="ES1")
    case_id = world.open("E300", username="rcsc")
    world.fire(case_id, "direct_enquiry", "rcsc", reasons="Not suitable for ADR")
    world.fire(
        case_id,
        "serve_notice",
        "rcsc",
        charges=["24"],
        particulars="Gross neglect",
        prima_facie=True,
        notice_received_on=world.today(),
    )
    world.fire(
        case_id,
        "hold_pre_suspension_hearing",
        "rcsc",
        pre_suspension_hearing_on=world.today(),
        hearing_record="Heard.",
    )
    order = {
        "suspension_grounds": ["19.9.5.1"],
        "office_order_no": "RCSC/OO/9",
        "suspended_from": world.today(),
        "gross_pay": "90000",
    }
    with pytest.raises(Refused) as refused:
        world.fire(case_id, "suspend", "rcsc", **order)
    assert [r.cite for r in refused.value.refusals] == ["19.9.7"]
    world.fire(case_id, "suspend", "rcsc", agency_notified=True, **order)
    text = html_of(world, case_id, "suspension_order", "rcsc")
    assert "This order of the RCSC is notified to you and to Agency MOH (BCSR 19.9.7)" in text
    assert "<li>Agency MOH (BCSR 19.9.7)</li>" in text


def test_19_3_5_an_objection_upheld_by_the_chair_takes_the_member_off_the_case(world):
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of Disciplinary Committee, the Investigating Committee or as an
    Appellate Authority." The respondent objects, the HRC chair decides, the audit chain
    and the due-process report show it, and the member can neither act nor be listed as
    present at the meeting."""
    from sqlmodel import select

    from cases.core.models import AuditEvent
    from cases.review import due_process

    case_id = world.walk_to("dc_meeting", charges=["11"])
    world.fire(
        case_id,
        "object_to_member",
        "respondent",
        objected_member="dc2",
        objection_grounds="He is married to my sister.",
        objection_raised_on=world.today(),
    )
    assert world.data(case_id)["objections"][0]["status"] == "pending"
    with pytest.raises(Refused) as refused:  # only the HRC chair decides it
        world.fire(
            case_id,
            "decide_objection",
            "dc2",
            objected_member="dc2",
            objection_decision="dismissed",
            objection_reasons="No.",
        )
    assert refused.value.kind == "authority"
    world.fire(
        case_id,
        "decide_objection",
        "chair",
        objected_member="dc2",
        objection_decision="upheld",
        objection_reasons="Related by marriage.",
    )
    assert world.data(case_id)["objections"][0]["status"] == "upheld"
    with pytest.raises(Refused) as refused:
        _decide(world, case_id, [{"charge": 1, "finding": "guilty", "penalty": "reprimand"}])
    assert refused.value.refusals[0].cite == "19.3.5"
    assert "dc2 stepped aside from this case" in refused.value.refusals[0].reason
    with pytest.raises(Refused) as refused:
        world.fire(
            case_id,
            "record_decision",
            "dc2",
            meeting_on=world.today(),
            hearing="heard",
            members_present="dc, chair",
            findings=[{"charge": 1, "finding": "guilty", "penalty": "reprimand"}],
            decision_reasons="Proven.",
        )
    assert refused.value.kind == "recusal"
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, chair, secretary",
        findings=[{"charge": 1, "finding": "guilty", "penalty": "reprimand"}],
        decision_reasons="Proven.",
    )
    with reading(world.engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.case_id == case_id)).all()
        report = due_process.build(s, world.case(case_id), world.clock.now, world.actors["rcsc"])
    assert {(e.trigger, e.cite) for e in events} >= {
        ("object_to_member", "19.3.5"),
        ("decide_objection", "19.3.5"),
    }
    [recusal] = report.recusals
    assert recusal.username == "dc2" and "objection upheld by the HRC chair" in recusal.reason
    meeting = next(d for d in report.decisions if d.trigger == "record_decision")
    assert meeting.recused_before == ("dc2",) and meeting.flags == ()


def test_19_14_3_1_a_case_opened_on_a_conviction_puts_the_civil_servant_on_the_negative_list(
    world,
):
    """19.14.3.1: "Been convicted by the Court of Law, he shall automatically be included in
    the Negative List": the judgement that opens the case (19.5.1.3) is recorded as a
    conviction on the register, before any penalty."""
    from datetime import date

    from cases.people import record

    case_id = world.open(opened_by="court_judgement", narration="Convicted of forgery.")
    with reading(world.engine) as s:
        standing = record.standing(s, "E100", date(2027, 1, 1))
    assert standing.on_negative_list and not standing.penalties
    assert standing.negative_list_reason == "convicted by a Court of Law (BCSR 19.14.3.1)"
    assert world.case(case_id).state == "received"
