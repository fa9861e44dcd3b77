"""Every path through the LTT machine (BCSR 7.7, 8.11, 8.13.2.2), walked against a real
database through ``service.open_case``/``fire`` and the sweep, with the clock moved as the
course runs: the service record it writes (LTT line, preparatory leave, service obligation,
dues), the deadlines, and refusals naming their sections.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session, select

from cases.core import audit, profiles, timers
from cases.core.db import engine_for, transaction
from cases.core.models import Agency, Case, CivilServant, ServiceEntry
from cases.demo import seed
from cases.people.separation import separate
from tests.applications import ltt_application
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ
from workflows.context import Refused

ELIGIBLE = {
    "date_of_birth": date(1990, 1, 1),
    "appointment_date": date(2015, 1, 1),
    "probation_end": date(2015, 12, 31),
    "position_category": "PMC",
    "performance_rating": "very_good",
    "drug_test": "cleared",
    "qualification": "bachelors",
    "bcse_selected": True,
}

# A supervisory-category candidate with Class XII: eligible for a bachelor's (7.7.4).
CLASS_XII = {
    **ELIGIBLE,
    "qualification": "class_xii",
    "bcse_selected": False,
    "position_category": "SSC",
    "appointment_date": date(2012, 1, 1),
    "probation_end": date(2012, 12, 31),
}

START, END = "2027-02-01", "2029-01-31"  # a two-year master's in Australia

APPLICATION: dict[str, Any] = ltt_application(start_on=START, end_on=END, applied_on="2026-12-14")


@pytest.fixture
def ltt_world(world):
    with transaction(world.engine) as s:
        s.add(
            Agency(code="MOE", name="Ministry of Education and Skills Development", kind="ministry")
        )
    world.make_servant("E200", name="Karma Choden", **ELIGIBLE)
    world.add_user("applicant", (R.CIVIL_SERVANT,), employee_eid="E200")
    world.add_user("moe_chair", (R.HRC_CHAIR,), agency="MOE")
    world.add_user("moe_hr", (R.HR_OFFICER,), agency="MOE")
    return world


def at(world, day: str) -> None:
    """Move the clock to 10:00 in Thimphu on ``day``."""
    d = date.fromisoformat(day)
    world.clock.now = datetime(d.year, d.month, d.day, 10, tzinfo=BHUTAN_TZ).astimezone(UTC)


def apply(world, eid: str = "E200", username: str = "applicant", **over: Any) -> int:
    raw = {**APPLICATION, "applied_on": world.today(), **over}
    raw = {k: v for k, v in raw.items() if v is not None}
    return world.open_case("ltt", eid, username, raw)


def refusal_cites(world, fn, *args, **kwargs) -> list[str]:
    with pytest.raises(Refused) as exc:
        fn(*args, **kwargs)
    return [r.cite for r in exc.value.refusals]


def entries(world, eid: str = "E200", kind: str | None = None) -> list[ServiceEntry]:
    with world.session() as s:
        stmt = select(ServiceEntry).where(ServiceEntry.eid == eid)
        if kind:
            stmt = stmt.where(ServiceEntry.kind == kind)
        return list(s.exec(stmt.order_by(ServiceEntry.id)).all())  # type: ignore[arg-type]


def details(row: ServiceEntry) -> dict[str, Any]:
    return json.loads(row.details)


def approved(world, approver: str = "rcsc", **over: Any) -> int:
    case_id = apply(world, **over)
    world.fire(
        case_id,
        "recommend",
        "chair",
        hrc_meeting_no="MOH/HRC/2026/21",
        recommended_on=world.today(),
    )
    world.fire(
        case_id, "approve", approver, approval_order_no="RCSC/HRD/LTT/88", approved_on=world.today()
    )
    return case_id


def on_study_leave(world, approver: str = "rcsc", recorder: str = "rcsc", **over: Any) -> int:
    case_id = approved(world, approver, **over)
    start = over.get("start_on", START)
    world.fire(
        case_id,
        "brief",
        recorder,
        pdb_attended_on=world.today(),
        undertaking_signed_on=world.today(),
        guarantor_name="Dorji Penjor",
    )
    at(world, start)
    world.fire(case_id, "report_joining", "applicant", commenced_on=start, joining_report_on=start)
    return case_id


RETURNED = {
    "outcome": "completed",
    "documents": ["training_report", "certificate"],
}


def report_back(world, case_id: int, who: str = "rcsc", **over: Any) -> str:
    return world.fire(
        case_id, "report_back", who, reported_on=world.today(), **{**RETURNED, **over}
    )


# ------------------------------------------------------------------ the main path


def test_path_rcsc_full_time_masters_completed_with_extension_and_obligation(ltt_world):
    w = ltt_world
    case_id = apply(w)
    assert w.case(case_id).state == "applied"
    data = w.data(case_id)
    assert data["approving_agency"] == "RCSC" and data["approving_cite"] == "7.7.3"
    pay = data["study_leave_pay"]
    assert pay["cite"] == "8.11.4" and pay["full_pay_until"] == "2028-01-31"
    assert pay["half_pay_from"] == "2028-02-01" and pay["monthly_half"] == "30000.00"

    # 8.11.12: the HRC of the agency recommends; the applicant cannot.
    assert refusal_cites(
        w, w.fire, case_id, "recommend", "applicant", hrc_meeting_no="1", recommended_on=w.today()
    ) == ["8.11.12"]
    w.fire(
        case_id, "recommend", "chair", hrc_meeting_no="MOH/HRC/2026/21", recommended_on=w.today()
    )
    assert w.data(case_id)["hrc_meeting_no"] == "MOH/HRC/2026/21"
    # 7.7.3: full-time master's abroad is the RCSC's; the agency's HRC chair cannot approve.
    assert refusal_cites(
        w, w.fire, case_id, "approve", "chair", approval_order_no="X", approved_on=w.today()
    ) == ["7.7.3"]
    w.fire(case_id, "approve", "rcsc", approval_order_no="RCSC/LTT/88", approved_on=w.today())
    (line,) = entries(w, kind="ltt")
    assert line.status == "approved" and details(line)["level"] == "masters"

    # 7.7.5.1: a guarantor and a signed Undertaking.
    assert "7.7.5.1" in refusal_cites(
        w,
        w.fire,
        case_id,
        "brief",
        "rcsc",
        pdb_attended_on=w.today(),
        undertaking_signed_on=w.today(),
        guarantor_name="",
    )
    w.fire(
        case_id,
        "brief",
        "rcsc",
        pdb_attended_on=w.today(),
        undertaking_signed_on=w.today(),
        guarantor_name="Dorji Penjor",
    )
    at(w, "2027-01-20")
    assert w.fire(case_id, "grant_preparatory_leave", "hr", granted_on=w.today()) == (
        "preparatory_leave"
    )
    (prep,) = entries(w, kind="leave")
    assert (prep.start_on, prep.end_on) == (date(2027, 1, 27), date(2027, 1, 31))  # 8.13.2.2
    assert details(prep)["leave_type"] == "preparatory"

    at(w, START)
    w.fire(case_id, "report_joining", "applicant", commenced_on=START, joining_report_on=START)
    line = entries(w, kind="ltt")[0]
    assert line.status == "ongoing" and details(line)["ordinal"] == 1  # 7.7.8.1 xi
    assert w.deadline(case_id, "reporting_due", "armed").due_on == date(2029, 2, 21)

    # An extension must be later and is approved by the RCSC; it moves the reporting date.
    at(w, "2028-10-01")
    assert refusal_cites(
        w,
        w.fire,
        case_id,
        "extend_course",
        "rcsc",
        end_on="2028-12-31",
        extension_letter_no="L1",
        extension_reasons="Thesis",
    ) == ["7.7.7.6"]
    w.fire(
        case_id,
        "extend_course",
        "rcsc",
        end_on="2029-07-31",
        extension_letter_no="RCSC/EXT/4",
        extension_reasons="Field work delayed",
    )
    assert w.deadline(case_id, "reporting_due", "armed").due_on == date(2029, 8, 21)
    assert entries(w, kind="ltt")[0].end_on == date(2029, 7, 31)

    at(w, "2029-08-10")
    # 7.7.6.3: the Schedule 7/D report is needed.
    assert "7.7.6.3 i" in refusal_cites(
        w,
        w.fire,
        case_id,
        "report_back",
        "rcsc",
        reported_on=w.today(),
        outcome="completed",
        documents=["certificate"],
    )
    assert report_back(w, case_id) == "completed"
    assert w.deadline(case_id, "reporting_due").status == "met"
    line = entries(w, kind="ltt")[0]
    assert line.status == "completed"
    # 7.7.7.3 (2023.2): twice the course (2027-02-01..2029-07-31, 2 years 6 months) is 5
    # years of service from the report: the last day owed 2034-08-09.
    expected = date(2034, 8, 10)
    assert details(line)["obligation_end"] == expected.isoformat()
    assert details(line)["obligation_last_day"] == "2034-08-09"
    (obligation,) = entries(w, kind="service_obligation")
    assert obligation.status == "running" and obligation.end_on == expected
    served = w.data(case_id)["service_obligation"]
    assert served["multiplier"] == 2 and served["duration"] == "5 years"
    assert served["last_day_owed"] == "2034-08-09"
    assert w.case(case_id).closed_at is not None
    with w.session() as s:
        assert audit.verify(s).ok


def test_19_11_1_separation_before_the_obligation_is_served_costs_twice_the_costs(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    report_back(w, case_id)
    separated_on = date(2030, 6, 30)
    with transaction(w.engine) as s:
        owed = separate(s, "E200", on=separated_on, reason="resignation", now=w.clock.now, by="hr")
    (o,) = owed
    assert o.amount == Decimal("8400000.00")  # 2 x (1,200,000 + 3,000,000), 7.7.7.6
    assert o.due_on is None  # 7.7.7.5: counted from the office order for repayment
    (due,) = entries(w, kind="due")
    assert due.status == "outstanding" and details(due)["amount"] == "8400000.00"
    assert due.end_on is None and "office order for repayment" in details(due)["note"]
    with w.session() as s:
        assert s.get(CivilServant, "E200").status == "separated"  # type: ignore[union-attr]


def test_19_11_1_no_financial_obligation_once_the_obligation_is_served(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    report_back(w, case_id)
    with transaction(w.engine) as s:
        owed = separate(
            s, "E200", on=date(2034, 1, 1), reason="resignation", now=w.clock.now, by="hr"
        )
    assert owed == []


# ------------------------------------------------------------------ approving authority


def test_7_7_3_moesd_approves_a_teachers_in_country_masters(ltt_world):
    w = ltt_world
    w.make_servant("E300", agency="MOE", occupational_group="Teaching", **ELIGIBLE)
    w.add_user("teacher", (R.CIVIL_SERVANT,), employee_eid="E300")
    w.add_user("moe_hrc", (R.DC_MEMBER,), agency="MOE")
    case_id = apply(
        w,
        "E300",
        "teacher",
        country="bhutan",
        institute="Paro College of Education",
        funding="private",
        documents=[*APPLICATION["documents"], "funding_assurance"],
    )
    data = w.data(case_id)
    assert data["approving_agency"] == "MOE" and data["saarc"] is True
    assert data["study_leave_pay"]["cite"] == "8.11.5"  # full pay in a SAARC country
    w.fire(case_id, "recommend", "moe_hrc", hrc_meeting_no="MOE/HRC/3", recommended_on=w.today())
    assert refusal_cites(
        w, w.fire, case_id, "approve", "rcsc", approval_order_no="X", approved_on=w.today()
    ) == ["7.7.3"]
    assert (
        w.fire(
            case_id, "approve", "moe_chair", approval_order_no="MOE/HRD/5", approved_on=w.today()
        )
        == "approved"
    )


def test_7_7_3_the_working_agency_approves_a_bachelors_without_pay(ltt_world):
    w = ltt_world
    w.make_servant("E301", level="S2", **CLASS_XII)
    case_id = apply(w, "E301", "hr", level="bachelors", country="india", relevant_to_work=False)
    data = w.data(case_id)
    assert data["approving_agency"] == "MOH"
    assert data["study_leave_pay"]["cite"] == "8.11.3"
    assert data["study_leave_pay"]["estimated_total"] == "0.00"
    w.fire(case_id, "recommend", "chair", hrc_meeting_no="MOH/HRC/9", recommended_on=w.today())
    assert refusal_cites(
        w, w.fire, case_id, "approve", "rcsc", approval_order_no="X", approved_on=w.today()
    ) == ["7.7.3"]
    assert (
        w.fire(case_id, "approve", "chair", approval_order_no="MOH/HRD/9", approved_on=w.today())
        == "approved"
    )


def test_7_7_1_mixed_mode_is_for_teachers_approved_by_moesd(ltt_world):
    w = ltt_world
    assert "7.7.1 ii" in refusal_cites(w, apply, w, mode="mixed_mode", country="bhutan")
    assert "7.7.1" in refusal_cites(w, apply, w, mode="mixed_mode", country="india")
    case_id = apply(w, mode="mixed_mode", country="bhutan", teaching_profession=True)
    assert w.data(case_id)["approving_agency"] == "MOE"
    # An RCSC special/strategic programme for a non-teacher: the RCSC approves.
    other = apply(w, mode="mixed_mode", country="bhutan", rcsc_strategic_programme=True)
    assert w.data(other)["approving_agency"] == "RCSC"
    assert w.data(other)["approving_cite"] == "7.7.1"


def test_7_7_1_continuing_education_is_in_country_for_the_listed_levels(ltt_world):
    w = ltt_world
    assert "7.7.1" in refusal_cites(
        w, apply, w, mode="continuing_education", level="phd", country="bhutan"
    )
    case_id = apply(w, mode="continuing_education", country="bhutan")
    assert w.data(case_id)["approving_agency"] == "MOH"
    assert w.data(case_id)["study_leave_pay"]["cite"] == "8.11.10"


# ------------------------------------------------------------------ eligibility


def test_7_7_4_an_ineligible_civil_servant_is_refused_with_every_section(ltt_world):
    w = ltt_world
    w.make_servant(
        "E400",
        **{
            **ELIGIBLE,
            "date_of_birth": date(1975, 5, 5),
            "performance_rating": "needs_improvement",
            "drug_test": "not_cleared",
        },
    )
    cites = refusal_cites(w, apply, w, "E400", "hr")
    assert cites == ["7.7.4.3", "7.7.4.7", "7.7.4.8"]


def test_application_documents_are_checked(ltt_world):
    w = ltt_world
    assert refusal_cites(w, apply, w, documents=["admission"]) == ["8.11.1"]
    assert "8.11.1" in refusal_cites(w, apply, w, funding="private")  # funding assurance
    assert "7.7.2" in refusal_cites(w, apply, w, scholarship_cost=None)


def test_7_7_4_2_relevance_is_declared_except_for_a_bachelors(ltt_world):
    assert refusal_cites(ltt_world, apply, ltt_world, relevant_to_work=False) == ["7.7.4.2"]


def test_7_5_2_iv_a_second_ltt_waits_for_the_first_obligation(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    # 7.5.2 iv: not while an LTT is under way.
    assert "7.7.4.5, 7.5.2 iv" in refusal_cites(
        w, apply, w, level="phd", start_on="2030-01-01", end_on="2033-01-01"
    )
    at(w, "2029-02-10")
    report_back(w, case_id)
    cites = refusal_cites(w, apply, w, level="masters", start_on="2030-01-01", end_on="2031-01-01")
    assert "7.7.4.4" in cites and "7.7.4.5, 7.5.2 iv" in cites


# ------------------------------------------------------------------ late reporting


def test_7_7_8_1_v_not_reporting_in_21_days_goes_to_the_retirement_queue_and_retires(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-21")  # the 21st day after the end date: still in time
    timers.sweep(w.engine, w.clock.now)
    assert w.case(case_id).state == "on_study_leave"
    at(w, "2029-02-22")
    report = timers.sweep(w.engine, w.clock.now)
    assert report.fired and report.fired[0][1] == "fail_to_report"
    case = w.case(case_id)
    assert case.state == "retirement_proposed"
    data = w.data(case_id)
    assert "7.7.8.1 v" in data["retirement_ground"]
    # The agency proposes; the retirement is decided by the agency for a P3 (19.3.6).
    assert refusal_cites(w, w.fire, case_id, "retire", "rcsc", order_no="X") == ["19.3.6"]
    assert w.fire(case_id, "retire", "chair", order_no="MOH/HRD/CR/1") == "retired"
    # Separation during study leave: 2 x the costs (7.7.8.1 vii), due 90 days after the
    # office order for repayment (7.7.7.5), not yet issued.
    (due,) = entries(w, kind="due")
    assert details(due)["amount"] == "8400000.00"
    assert due.end_on is None
    with w.session() as s:
        cs = s.get(CivilServant, "E200")
        assert cs.status == "separated" and cs.separated_on == date(2029, 2, 22)  # type: ignore[union-attr]
    assert "separated_on" in details(entries(w, kind="ltt")[0])


def test_7_7_6_1_a_late_report_is_refused_and_the_agency_proposes_retirement(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-01-20")
    # Too early to propose retirement: the 21 days have not passed.
    with pytest.raises(Refused) as exc:
        w.fire(case_id, "propose_retirement", "hr", remarks="Not back")
    assert exc.value.refusals[0].cite == "7.7.6.1"
    at(w, "2029-02-25")  # the sweep has not run yet
    assert refusal_cites(w, report_back, w, case_id) == ["7.7.6.1"]
    assert w.fire(case_id, "propose_retirement", "hr", remarks="Reported on the 25th") == (
        "retirement_proposed"
    )
    assert w.deadline(case_id, "reporting_due").status == "missed"
    # Condoned: the report is then taken without the 21-day check.
    assert w.fire(case_id, "condone", "chair", reasons="Flight cancelled; proof produced") == (
        "reporting_condoned"
    )
    assert report_back(w, case_id) == "completed"
    assert entries(w, kind="ltt")[0].status == "completed"


# ------------------------------------------------------------------ outcomes


def test_7_7_8_1_iii_pending_completion_blocks_a_new_ltt_then_evidence_completes_it(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    assert (
        report_back(w, case_id, outcome="pending_completion", documents=["training_report"])
        == "pending_completion"
    )
    assert entries(w, kind="ltt")[0].status == "pending_completion"
    with w.session() as s:
        record = profiles.profile_of(s, "E200", w.clock.today)
    assert record is not None and record.of("ltt", "pending_completion")
    assert "7.7.8.1 iii" in refusal_cites(
        w, apply, w, level="phd", start_on="2036-01-01", end_on="2039-01-01"
    )
    assert refusal_cites(
        w,
        w.fire,
        case_id,
        "submit_completion_evidence",
        "rcsc",
        outcome="completed",
        evidence_on=w.today(),
        documents=[],
    ) == ["7.7.6.3 ii"]
    assert (
        w.fire(
            case_id,
            "submit_completion_evidence",
            "rcsc",
            outcome="completed",
            evidence_on=w.today(),
            documents=["certificate"],
        )
        == "completed"
    )
    assert entries(w, kind="ltt")[0].status == "completed"


def test_7_7_8_1_i_failing_delays_promotion_by_double_the_course(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    assert report_back(w, case_id, outcome="failed") == "failed"
    delay = w.data(case_id)["promotion_delay"]
    assert delay["duration"] == "4 years" and delay["cite"] == "7.7.8.1 i a"  # 2 x 2 years
    line = entries(w, kind="ltt")[0]
    assert line.status == "failed" and details(line)["promotion_delay"] == "4 years"
    assert details(line)["obligation_end"]  # the study obligation stands (7.7.8.1)


def test_7_7_8_1_iii_evidence_of_failure(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    report_back(w, case_id, outcome="pending_completion", documents=["training_report"])
    assert (
        w.fire(
            case_id,
            "submit_completion_evidence",
            "rcsc",
            outcome="failed",
            evidence_on=w.today(),
            documents=["certificate"],
        )
        == "failed"
    )
    assert w.data(case_id)["promotion_delay"]["months"] == 48


def test_7_7_7_6_v_withdrawal_beyond_control_has_no_obligation_or_penalty(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2027-09-01")
    state = w.fire(
        case_id,
        "withdraw",
        "rcsc",
        withdrawn_on="2027-08-20",
        withdrawal_ground="beyond_control",
        medical_grounds=True,
        reported_on="2027-08-30",
        reasons="Medical board report",
    )
    assert state == "withdrawn"
    data = w.data(case_id)
    assert data["service_obligation"] is None and data["promotion_delay"] is None
    line = entries(w, kind="ltt")[0]
    assert line.status == "withdrawn" and details(line)["withdrawn_beyond_control"] is True
    assert entries(w, kind="service_obligation") == []
    # 7.7.4.14: the next application needs the medical board's fitness certificate.
    cites = refusal_cites(w, apply, w, level="phd", start_on="2028-06-01", end_on="2031-06-01")
    assert "7.7.4.14" in cites


def test_7_7_8_1_i_b_withdrawal_within_control(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2027-09-01")
    w.fire(
        case_id,
        "withdraw",
        "rcsc",
        withdrawn_on="2027-07-31",
        withdrawal_ground="within_control",
        reported_on="2027-08-15",
        reasons="Personal choice",
    )
    data = w.data(case_id)
    assert data["promotion_delay"]["duration"] == "4 years"
    # Obligation for the period studied (2027-02-01..2027-07-31 = 6 months), twice.
    assert data["service_obligation"]["until"] == "2028-08-15"


def test_7_7_8_1_iv_change_of_course_cancels_the_study_leave(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2027-10-01")
    assert (
        w.fire(
            case_id,
            "cancel_study_leave",
            "rcsc",
            changed_to="MBA, another university",
            study_leave_cancelled_on="2027-10-01",
            cancellation_order_no="RCSC/C/1",
            report_within_days=30,
        )
        == "recalled"
    )
    assert w.deadline(case_id, "reporting_due", "armed").due_on == date(2027, 10, 31)
    # The course report is not the way back now.
    with pytest.raises(Refused) as exc:
        report_back(w, case_id)
    assert exc.value.kind == "state"
    at(w, "2027-10-20")
    assert (
        w.fire(case_id, "report_after_cancellation", "rcsc", reported_on=w.today()) == "cancelled"
    )
    data = w.data(case_id)
    assert (
        data["promotion_delay"]["duration"] == "2 years"
        and data["promotion_delay"]["cite"] == "7.7.8.1 iv"
    )
    line = entries(w, kind="ltt")[0]
    assert line.status == "withdrawn" and "7.7.8.1 iv" in details(line)["cancelled_for"]


def test_7_7_8_1_iv_not_reporting_after_cancellation_goes_to_the_retirement_queue(ltt_world):
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2027-10-01")
    w.fire(
        case_id,
        "cancel_study_leave",
        "rcsc",
        changed_to="MBA",
        study_leave_cancelled_on="2027-10-01",
        cancellation_order_no="RCSC/C/1",
        report_within_days=30,
    )
    at(w, "2027-11-01")
    timers.sweep(w.engine, w.clock.now)
    assert w.case(case_id).state == "retirement_proposed"
    assert "7.7.8.1 iv" in w.data(case_id)["retirement_ground"]
    w.fire(case_id, "condone", "chair", reasons="Visa delays")
    assert (
        w.fire(case_id, "report_after_cancellation", "rcsc", reported_on=w.today()) == "cancelled"
    )


# ------------------------------------------------------------------ not availed


def test_not_recommended_not_approved_and_withdrawn_before_commencement(ltt_world):
    w = ltt_world
    first = apply(w)
    assert (
        w.fire(
            first,
            "not_recommend",
            "chair",
            hrc_meeting_no="MOH/HRC/22",
            decision_on=w.today(),
            reasons="Succession plan not in place",
        )
        == "not_approved"
    )
    second = apply(w)
    w.fire(second, "recommend", "chair", hrc_meeting_no="MOH/HRC/23", recommended_on=w.today())
    assert (
        w.fire(second, "decline", "rcsc", decision_on=w.today(), reasons="Not a priority area")
        == "not_approved"
    )
    third = approved(w)
    assert (
        w.fire(third, "withdraw_application", "applicant", decision_on=w.today(), reasons="Family")
        == "not_availed"
    )
    assert entries(w, kind="ltt")[0].status == "cancelled"  # never counted (7.7.8.1 xi)
    # 7.7.8.1 xi: a later LTT is still the first.
    fourth = on_study_leave(w)
    assert w.data(fourth)["ordinal"] == 1


def test_7_7_5_3_the_briefing_precedes_the_course(ltt_world):
    w = ltt_world
    case_id = approved(w)
    at(w, "2027-02-05")
    assert "7.7.5.3" in refusal_cites(
        w,
        w.fire,
        case_id,
        "brief",
        "rcsc",
        pdb_attended_on=w.today(),
        undertaking_signed_on=w.today(),
        guarantor_name="Dorji",
    )


def test_7_7_8_1_xi_the_second_ltt_is_counted_second(ltt_world):
    w = ltt_world
    with transaction(w.engine) as s:
        profiles.add_entry(
            s,
            eid="E200",
            kind="ltt",
            now=w.clock.now,
            by="register",
            start_on="2017-01-01",
            end_on="2018-12-31",
            status="completed",
            level="pg_diploma",
            mode="full_time",
            funding="rgob",
            ordinal=1,
            obligation_end="2022-12-31",
        )
    case_id = on_study_leave(w)
    assert w.data(case_id)["ordinal"] == 2
    at(w, "2029-02-10")
    report_back(w, case_id)
    assert w.data(case_id)["service_obligation"]["multiplier"] == 3


# ------------------------------------------------------------------ the demo


def test_demo_builds_the_ltt_cases(db_url):
    engine = engine_for(db_url)
    try:
        summary = seed.build(engine, datetime(2026, 12, 14, 4, 0, tzinfo=UTC))
        ltt_cases = {c["key"]: c["state"] for c in summary["cases"] if c["process"] == "ltt"}
        assert ltt_cases == {
            "ltt_applied": "applied",
            "ltt_approved": "approved",
            "ltt_studying": "on_study_leave",
            "ltt_not_reported": "retirement_proposed",
            "ltt_completed": "completed",
        }
        with Session(engine) as s:
            assert audit.verify(s).ok
            done = next(c for c in summary["cases"] if c["key"] == "ltt_completed")
            row = profiles.case_entry(s, done["id"], "ltt")
            assert row is not None and row.status == "completed"
            assert json.loads(row.details)["obligation_end"]
            assert profiles.case_entry(s, done["id"], "service_obligation") is not None
            queue = s.get(
                Case, next(c["id"] for c in summary["cases"] if c["key"] == "ltt_not_reported")
            )
            assert "7.7.8.1 v" in json.loads(queue.data)["retirement_ground"]  # type: ignore[union-attr]
    finally:
        engine.dispose()
