"""LTT 2023.2 and separation on the database: what an HR officer following drukflow sees
change in the record: obligations counted in calendar months, the obligation end that
separation reads, dues payable from the office order for repayment, the Undertaking's
terms where higher, mixed-mode refunds, and STT dues on resignation."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from cases.core import timers
from cases.core.db import transaction
from cases.core.models import AuditEvent, ServiceEntry
from cases.people import register, repayment
from tests.cases import test_ltt_cases as base
from tests.cases.test_ltt_cases import (
    START,
    apply,
    approved,
    at,
    details,
    entries,
    on_study_leave,
    report_back,
)
from workflows.context import Refused

ltt_world = base.ltt_world  # the fixture: the LTT tests' world


def separate(w, eid: str = "E200", username: str = "hr", **fields):
    raw = {"separation_type": "voluntary_resignation", "separated_on": w.today(), **fields}
    with transaction(w.engine) as s:
        return register.record_separation(s, eid, raw, w.actors[username], w.clock.now)


def order(w, entry_id: int, username: str = "hr", eid: str = "E200", **raw):
    with transaction(w.engine) as s:
        return repayment.record_repayment_order(
            s, eid, entry_id, raw, w.actors[username], w.clock.now
        )


def add_history(w, kind: str, **fields):
    with transaction(w.engine) as s:
        return register.add_history(s, "E200", kind, fields, w.actors["rcsc"], w.clock.now)


# ------------------------------------------------------------------ 7.7.7.3 (item 2)


def test_7_7_7_3_a_case_opened_under_2023_1_keeps_its_day_multiples(ltt_world):
    """7.7.7.6: "2/3/4 times the approved duration of course". A case opened before
    2023.2 came into force keeps the first version's arithmetic: the course's 731 days
    (2027-02-01..2029-01-31, holding 29 February 2028) doubled, ending a day later than
    2023.2's four calendar years (2033-02-10, the last day owed 2033-02-09)."""
    w = ltt_world
    at(w, "2026-12-01")
    old = on_study_leave(w)
    assert w.case(old).process_version == "2023.1"
    at(w, "2029-02-10")
    report_back(w, old)
    first = w.data(old)["service_obligation"]
    assert first["until"] == (date(2029, 2, 10) + timedelta(days=731 * 2)).isoformat()
    assert first["until"] == "2033-02-11" and "last_day_owed" not in first
    # 2023.2 (every other case here, and test_ltt_cases' main path): calendar months.


# ------------------------------------------------------------------ 8.12.6 (item 3)


def test_8_12_6_a_civil_servant_who_took_eol_cannot_separate_owing_nothing(ltt_world):
    """8.12.6: "EOL shall not be counted as active service for the purpose of all HR
    actions". The obligation's recorded end (2033-02-10) is pushed back by the EOL taken
    after the return; resigning after the recorded end but before the pushed one leaves
    the due, as eligibility already said the obligation was unserved."""
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    report_back(w, case_id)
    assert details(entries(w, kind="ltt")[0])["obligation_end"] == "2033-02-10"
    at(w, "2031-01-05")
    add_history(w, "eol", start_on="2030-01-01", end_on="2030-12-31", status="completed")
    at(w, "2033-06-01")
    (owed,) = separate(w)
    assert owed.amount == Decimal("8400000.00")  # 2 x (1,200,000 + 3,000,000)
    (due,) = entries(w, kind="due")
    assert due.status == "outstanding" and details(due)["obligation"] == "ltt"


# ------------------------------------------------------------------ 7.7.7.5 (item 5)


def test_7_7_7_5_the_office_order_for_repayment_sets_the_last_day_to_pay(ltt_world):
    """7.7.7.5: "The candidate or guarantor must fulfil the financial obligation within 90
    days from the issuance of the office order for repayment." The due waits for the
    order; recording it (number, date) sets the 90th day after it, audited with 7.7.7.5."""
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    report_back(w, case_id)
    at(w, "2030-06-30")
    separate(w)
    (due,) = entries(w, kind="due")
    assert due.end_on is None
    at(w, "2030-07-20")
    with pytest.raises(Refused) as exc:
        order(w, due.id, issued_on="2030-06-01", order_no="MOH/F/7")  # before the separation
    assert [(r.cite, r.field) for r in exc.value.refusals] == [("7.7.7.5", "issued_on")]
    with pytest.raises(Refused) as exc:
        order(w, due.id, issued_on="2030-07-15")
    assert exc.value.refusals[0].field == "order_no"
    w.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    with pytest.raises(Refused) as exc:
        order(w, due.id, "moha_hr", issued_on="2030-07-15", order_no="MOH/F/7")
    assert exc.value.kind == "authority"
    assert entries(w, kind="due")[0].end_on is None  # nothing half-written

    assert order(w, due.id, issued_on="2030-07-15", order_no="MOH/F/7") == date(2030, 10, 13)
    (due,) = entries(w, kind="due")
    assert due.end_on == date(2030, 10, 13)
    assert details(due)["repayment_order_no"] == "MOH/F/7"
    with w.session() as s:
        event = s.exec(
            select(AuditEvent).where(AuditEvent.trigger == "record_repayment_order")
        ).one()
    assert event.cite.startswith("7.7.7.5") and "2030-10-13" in event.fields
    with pytest.raises(Refused) as exc:
        order(w, due.id, issued_on="2030-07-16", order_no="MOH/F/8")
    assert exc.value.kind == "state"


# ------------------------------------------------------------------ 7.7.8.1 ix (item 6)


MIXED = {"mode": "mixed_mode", "country": "bhutan", "rcsc_strategic_programme": True}


def test_7_7_8_1_ix_a_mixed_mode_refund_awaits_the_office_order(ltt_world):
    """7.7.8.1 ix: failing a mixed-mode course, "refund the tuition fee, stipend/DSA, TA/DA,
    mileage and any other expenses incurred (2/3/4 times ...)"; 7.7.7.5: within 90 days of
    the office order for repayment, not of the return. The case waits for the refund."""
    w = ltt_world
    case_id = on_study_leave(w, **MIXED)
    at(w, "2029-02-10")
    assert (
        report_back(
            w,
            case_id,
            outcome="failed",
            days_on_campus=200,
            expenses_incurred="150000",
            documents=["training_report", "certificate"],
        )
        == "refund_due"
    )
    (due,) = entries(w, kind="due")
    assert details(due)["amount"] == "300000.00" and due.end_on is None
    assert "tuition fee, stipend/DSA, TA/DA, mileage" in details(due)["note"]
    assert entries(w, kind="ltt")[0].status == "failed"
    # The order is recorded on the case, not as a separation's due.
    with pytest.raises(Refused) as exc:
        order(w, due.id, issued_on="2029-03-01", order_no="RCSC/F/1")
    assert f"LTT case {case_id}" in exc.value.refusals[0].reason
    at(w, "2029-03-01")
    w.fire(
        case_id, "issue_refund_order", "rcsc", refund_order_no="RCSC/F/1", refund_order_on=w.today()
    )
    assert entries(w, kind="due")[0].end_on == date(2029, 5, 30)
    assert w.deadline(case_id, "refund_due", "armed").due_on == date(2029, 5, 30)
    at(w, "2029-05-20")
    assert (
        w.fire(case_id, "record_refund", "hr", refunded_on=w.today(), receipt_no="RV/12")
        == "refunded"
    )
    assert entries(w, kind="due")[0].status == "cleared"
    # Separating later owes no second refund for the same course.
    at(w, "2029-06-01")
    assert separate(w) == []


def test_7_7_8_1_ix_a_refund_not_made_in_time_delays_promotion_by_one_year(ltt_world):
    """7.7.8.1 ix: "In the event the candidate fails to refund the financial obligations
    within the stipulated period, his promotion shall be delayed by one year from the due
    date of his promotion": a timer on the 90 days from the office order (7.7.7.5)."""
    w = ltt_world
    case_id = on_study_leave(w, **MIXED)
    at(w, "2027-09-01")
    w.fire(
        case_id,
        "withdraw",
        "rcsc",
        withdrawn_on="2027-08-20",
        withdrawal_ground="within_control",
        reported_on="2027-08-30",
        expenses_incurred="80000",
        reasons="Personal choice",
    )
    assert w.case(case_id).state == "refund_due"
    w.fire(
        case_id, "issue_refund_order", "rcsc", refund_order_no="RCSC/F/2", refund_order_on=w.today()
    )
    at(w, "2027-11-30")  # the 90th day: still in time
    timers.sweep(w.engine, w.clock.now)
    assert w.case(case_id).state == "refund_due"
    at(w, "2027-12-01")
    timers.sweep(w.engine, w.clock.now)
    assert w.case(case_id).state == "refund_late"
    delay = w.data(case_id)["promotion_delay"]
    assert (delay["duration"], delay["cite"]) == ("1 year", "7.7.8.1 ix")
    assert details(entries(w, kind="ltt")[0])["promotion_delay"] == "1 year"
    assert entries(w, kind="due")[0].status == "outstanding"  # still owed


def test_7_7_8_1_ix_a_mixed_mode_return_records_the_expenses_for_separation(ltt_world):
    """7.7.8.1 ix binds "separation during and after completing LTT with study obligation"
    too: 2023.2 asks for the expenses on every mixed-mode return, and a separation with the
    obligation unserved refunds them, 2/3/4 times, not the employment-related cost."""
    w = ltt_world
    case_id = on_study_leave(w, **MIXED)
    at(w, "2029-02-10")
    with pytest.raises(Refused) as exc:
        report_back(w, case_id, days_on_campus=200)
    assert "7.7.8.1 ix" in [r.cite for r in exc.value.refusals]
    report_back(w, case_id, days_on_campus=200, expenses_incurred="150000")
    at(w, "2029-06-01")
    (owed,) = separate(w)
    assert owed.amount == Decimal("300000.00") and "7.7.8.1 ix" in owed.cite


# ------------------------------------------------------------------ 7.7.7.1-2, 7.7.7.6 i


def test_7_7_7_1_the_obligation_stated_in_the_undertaking_where_longer(ltt_world):
    """7.7.7.1: "as prescribed in Section 7.7.7.6 or as stated in the Undertaking,
    whichever is higher"; 7.7.7.2 the same for the amount; 7.7.7.6 i: the scholarship cost
    "estimated or actual ..., whichever is higher"."""
    w = ltt_world
    case_id = apply(w)
    w.fire(case_id, "recommend", "chair", hrc_meeting_no="H/1", recommended_on=w.today())
    w.fire(case_id, "approve", "rcsc", approval_order_no="R/1", approved_on=w.today())
    w.fire(
        case_id,
        "brief",
        "rcsc",
        pdb_attended_on=w.today(),
        undertaking_signed_on=w.today(),
        guarantor_name="Dorji Penjor",
        undertaking_obligation_months=72,
        undertaking_amount="9000000",
    )
    at(w, "2027-02-01")
    w.fire(
        case_id, "report_joining", "applicant", commenced_on=w.today(), joining_report_on=w.today()
    )
    at(w, "2029-02-10")
    report_back(w, case_id, actual_scholarship_cost="3600000")
    # Six years stated beat 2 x 2 years.
    assert w.data(case_id)["service_obligation"]["until"] == "2035-02-10"
    line = details(entries(w, kind="ltt")[0])
    assert line["actual_scholarship_cost"] == "3600000.00"
    at(w, "2030-01-01")
    (owed,) = separate(w)
    # 2 x (1,200,000 + max(3,000,000, 3,600,000)) = 9,600,000 beats the Undertaking's 9,000,000.
    assert owed.amount == Decimal("9600000.00") and "actual" in owed.basis


# ------------------------------------------------------------------ 7.6.3.3 (item 13)


def test_7_6_3_3_resigning_within_six_months_of_an_stt_leaves_a_due(ltt_world):
    """7.6.3.3: "serve a minimum of six months from the conclusion of their last STT, prior
    to resigning from the service ... liable to pay one month's gross pay for every
    remaining month of STT obligation". A compulsory retirement is not a resignation."""
    w = ltt_world
    add_history(w, "stt", start_on="2026-11-01", end_on="2026-11-20", status="completed")
    at(w, "2027-02-01")  # 3 months 19 days before the six months are served on 2027-05-20
    (owed,) = separate(w, gross_pay="55000")
    assert owed.kind == "stt" and owed.amount == Decimal("220000.00")  # 4 months
    with w.session() as s:
        due = s.exec(select(ServiceEntry).where(ServiceEntry.kind == "due")).one()
    assert json.loads(due.details)["cite"] == "7.6.3.3" and due.end_on is None


# ------------------------------------------------------------------ 7.7.5.3 (item 12)


def _left_without_briefing(w) -> int:
    case_id = apply(w)
    w.fire(case_id, "recommend", "chair", hrc_meeting_no="H/1", recommended_on=w.today())
    w.fire(case_id, "approve", "rcsc", approval_order_no="R/1", approved_on=w.today())
    at(w, "2027-02-03")
    w.fire(
        case_id,
        "left_without_briefing",
        "rcsc",
        left_on="2027-01-30",
        commenced_on="2027-02-01",
        remarks="Left without attending the PDB or signing the Undertaking",
    )
    return case_id


def test_7_7_5_3_leaving_without_the_pre_departure_requirements_is_recorded(ltt_world):
    """7.7.5.3: "In the event a candidate has left for LTT without completing the
    pre-departure requirements, his promotion shall be delayed by double the approved
    duration of the course from the due date of his promotion and his guarantor shall ensure
    that a signed Undertaking by the candidate is submitted within a month"."""
    w = ltt_world
    case_id = _left_without_briefing(w)
    assert w.case(case_id).state == "undertaking_awaited"
    delay = w.data(case_id)["promotion_delay"]
    assert (delay["duration"], delay["cite"]) == ("4 years", "7.7.5.3")
    line = entries(w, kind="ltt")[0]
    assert line.status == "ongoing" and details(line)["ordinal"] == 1  # 7.7.8.1 xi
    assert w.deadline(case_id, "undertaking_due", "armed").due_on == date(2027, 2, 28)
    at(w, "2027-02-21")
    w.fire(
        case_id,
        "submit_undertaking",
        "rcsc",
        undertaking_signed_on="2027-02-20",
        guarantor_name="Dorji Penjor",
    )
    assert w.case(case_id).state == "on_study_leave"
    assert w.deadline(case_id, "undertaking_due").status == "met"
    assert w.deadline(case_id, "reporting_due", "armed").due_on == date(2029, 2, 21)


def test_7_7_5_3_no_undertaking_within_a_month_proposes_compulsory_retirement(ltt_world):
    """7.7.5.3: "... within a month failing which the candidate shall be compulsorily
    retired": the timer proposes it, and it is not condoned as late reporting is."""
    w = ltt_world
    case_id = _left_without_briefing(w)
    at(w, "2027-02-28")
    timers.sweep(w.engine, w.clock.now)
    assert w.case(case_id).state == "undertaking_awaited"
    at(w, "2027-03-01")
    timers.sweep(w.engine, w.clock.now)
    assert w.case(case_id).state == "retirement_proposed"
    assert "7.7.5.3" in w.data(case_id)["retirement_ground"]
    with pytest.raises(Refused) as exc:
        w.fire(case_id, "condone", "chair", reasons="Family reasons")
    assert "7.7.5.3" in [r.cite for r in exc.value.refusals]


def test_7_7_8_1_ix_a_case_opened_under_2023_1_keeps_its_refund_due_from_the_return(ltt_world):
    """The first version, as it was: a failed mixed-mode course closes the case as failed,
    the refund due 90 days after the return, no timer and no office order; 7.7.5.3 could
    not be recorded."""
    w = ltt_world
    at(w, "2026-12-01")
    case_id = on_study_leave(w, **MIXED)
    assert w.case(case_id).process_version == "2023.1"
    at(w, "2029-02-10")
    state = report_back(
        w,
        case_id,
        outcome="failed",
        days_on_campus=200,
        expenses_incurred="150000",
        documents=["training_report", "certificate"],
    )
    assert state == "failed"
    (due,) = entries(w, kind="due")
    assert due.end_on == date(2029, 2, 10) + timedelta(days=90)
    assert "left_without_briefing" not in base_version_triggers()


def base_version_triggers() -> list[str]:
    from workflows import ltt

    return ltt.PROCESS.triggers()


# ------------------------------------------------- 7.4.7, 8.12.9, 7.7.4.2, 8.11.11, 8.11.8


def test_7_4_7_a_parented_position_needs_the_parent_agency_consulted(ltt_world):
    """7.4.7: "For positions that are parented, the Working Agency shall consult with the
    Parent Agency concerned prior to initiating LTT proposal." The HRC of a department
    parented by a ministry cannot recommend without the date the parent was consulted, on or
    before its meeting; an agency with no parent recommends as before."""
    w = ltt_world  # DOPH: a department whose parent agency is MOH (tests/conftest.py)
    w.make_servant("E210", agency="DOPH", **base.ELIGIBLE)
    w.add_user("doph_chair", ["hrc_chair"], agency="DOPH")
    w.add_user("doph_hr", ["hr_officer"], agency="DOPH")
    case_id = apply(w, "E210", "doph_hr")
    meeting = {"hrc_meeting_no": "DOPH/HRC/1", "recommended_on": w.today()}
    with pytest.raises(Refused) as exc:
        w.fire(case_id, "recommend", "doph_chair", **meeting)
    [refusal] = exc.value.refusals
    assert refusal.cite == "7.4.7" and "consults the parent agency" in refusal.reason
    at(w, "2026-12-16")
    with pytest.raises(Refused) as exc:  # consulted after the meeting: not "prior to"
        w.fire(case_id, "recommend", "doph_chair", parent_agency_consulted_on="2026-12-15",
               hrc_meeting_no="DOPH/HRC/1", recommended_on="2026-12-14")  # fmt: skip
    assert [r.cite for r in exc.value.refusals] == ["7.4.7"]
    state = w.fire(case_id, "recommend", "doph_chair", parent_agency_consulted_on="2026-12-10",
                   hrc_meeting_no="DOPH/HRC/1", recommended_on="2026-12-14")  # fmt: skip
    assert state == "recommended"
    # E200's ministry has no parent: no consultation asked.
    other = apply(w)
    assert w.fire(other, "recommend", "chair", **meeting) == "recommended"


@pytest.mark.parametrize(("end_on", "retained_ok"), [
    ("2029-01-31", False),  # two years: exceeds 12 months
    ("2028-02-01", False),  # 12 months and a day: the last day is the same date a year on
    ("2028-01-31", True),  # twelve months exactly: does not exceed
])  # fmt: skip
def test_8_12_9_a_quarter_is_vacated_on_leaving_for_an_ltt_exceeding_12_months(
    ltt_world, end_on, retained_ok
):
    """8.12.9: "A civil servant who has been provided with a government quarter shall vacate
    it when he leaves for LTT, EOL, and Secondment exceeding 12 months as per Section
    9.7.2." A course from 1 Feb 2027 exceeds twelve calendar months when its last day is
    1 Feb 2028 or later."""
    w = ltt_world
    case_id = approved(w, end_on=end_on)
    w.fire(case_id, "brief", "rcsc", pdb_attended_on=w.today(),
           undertaking_signed_on=w.today(), guarantor_name="Dorji Penjor")  # fmt: skip
    at(w, START)
    joining = {"commenced_on": START, "joining_report_on": START}
    if retained_ok:
        w.fire(case_id, "report_joining", "applicant", government_quarter="retained", **joining)
        return
    with pytest.raises(Refused) as exc:
        w.fire(case_id, "report_joining", "applicant", government_quarter="retained", **joining)
    [refusal] = exc.value.refusals
    assert refusal.cite == "8.12.9" and "9.7.2" in refusal.reason
    assert w.case(case_id).state == "briefed"  # nothing half-written
    w.fire(case_id, "report_joining", "applicant", government_quarter="vacated", **joining)
    assert w.case(case_id).state == "on_study_leave"


def _bachelors_on_study_leave(w) -> int:
    w.make_servant("E301", level="S2", **base.CLASS_XII)
    case_id = apply(w, "E301", "hr", level="bachelors", country="india", relevant_to_work=False)
    w.fire(case_id, "recommend", "chair", hrc_meeting_no="MOH/HRC/9", recommended_on=w.today())
    w.fire(case_id, "approve", "chair", approval_order_no="MOH/HRD/9", approved_on=w.today())
    w.fire(case_id, "brief", "hr", pdb_attended_on=w.today(), undertaking_signed_on=w.today(),
           guarantor_name="Dorji Penjor")  # fmt: skip
    at(w, START)
    w.fire(case_id, "report_joining", "hr", commenced_on=START, joining_report_on=START)
    at(w, "2029-02-10")
    return case_id


def test_7_7_4_2_after_a_bachelors_with_no_vacancy_the_waiting_list_runs_six_months(ltt_world):
    """7.7.4.2: "he will be allowed to pursue Bachelor's degree ... and upon completion of
    study, shall be placed on the waiting list if there is no vacant position as per Section
    13.5"; 8.11.11: "the position shall not be protected while pursuing a Bachelor's
    degree"; 13.5.1.5 i: "Maximum duration ... on 'Waiting List' shall be six months". The
    return must state the placement; with none vacant the case waits on the list to Thu 9
    Aug 2029, the last day, and is closed by the placement."""
    w = ltt_world
    case_id = _bachelors_on_study_leave(w)
    with pytest.raises(Refused) as exc:
        report_back(w, case_id, "hr")
    assert [r.cite for r in exc.value.refusals] == ["7.7.4.2, 8.11.11"]
    assert report_back(w, case_id, "hr", placement="waiting_list") == "on_waiting_list"
    data = w.data(case_id)
    assert data["waiting_list_until"] == "2029-08-09"
    assert "placed by Thu 09 Aug 2029, the last day (BCSR 13.5.1.5 i)" in data["waiting_list_note"]
    assert "not protected during the bachelor's degree, BCSR 8.11.11" in data["placement_note"]
    assert w.deadline(case_id, "waiting_list_ends", "armed").due_on == date(2029, 8, 9)
    line = entries(w, "E301", kind="ltt")[0]
    assert line.status == "completed"
    at(w, "2029-05-02")
    state = w.fire(case_id, "place_from_waiting_list", "hr", placed_on="2029-05-01",
                   placed_how="transfer", position_title="Assistant Engineer")  # fmt: skip
    assert state == "completed"
    assert w.deadline(case_id, "waiting_list_ends").status == "met"


def test_8_11_11_service_protection_keeps_a_masters_off_the_waiting_list(ltt_world):
    """8.11.11: "Service protection shall be ensured for civil servants on Study Leave.
    However, the position shall not be protected while pursuing a Bachelor's degree." A
    master's returnee keeps the position: the Waiting List is refused, and no placement is
    asked; the list follows only completion (7.7.4.2 "upon completion of study")."""
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    with pytest.raises(Refused) as exc:
        report_back(w, case_id, placement="waiting_list")
    assert [r.cite for r in exc.value.refusals] == ["8.11.11"]
    with pytest.raises(Refused) as exc:
        report_back(w, case_id, outcome="pending_completion", placement="waiting_list",
                    documents=["training_report"])  # fmt: skip
    assert "7.7.4.2" in [r.cite for r in exc.value.refusals]
    assert report_back(w, case_id) == "completed"


def test_8_11_8_the_study_leave_counted_for_promotion_is_recorded_on_return(ltt_world):
    """8.11.8.1: "Study Leave up to 18 months for any single LTT shall be considered as
    active for the purpose of promotion." A two-year master's from 1 Feb 2027: 18 months
    count, to Mon 31 Jul 2028, the last day counted; the rest does not."""
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2029-02-10")
    report_back(w, case_id)
    promotion = w.data(case_id)["promotion_service"]
    assert promotion["counted_to"] == "2028-07-31"
    assert promotion["not_counted_from"] == "2028-08-01"
    assert "to Mon 31 Jul 2028, the last day counted" in promotion["note"]
    assert "from Tue 01 Aug 2028 to Wed 31 Jan 2029 not counted" in promotion["note"]
    line = details(entries(w, kind="ltt")[0])
    assert line["promotion_active_until"] == "2028-07-31"


def test_8_11_8_a_withdrawal_counts_the_study_leave_to_the_withdrawal(ltt_world):
    """8.11.8.1 "Study Leave up to 18 months for any single LTT": seven months studied
    before a withdrawal all count, to the day of the withdrawal."""
    w = ltt_world
    case_id = on_study_leave(w)
    at(w, "2027-09-01")
    w.fire(case_id, "withdraw", "rcsc", withdrawn_on="2027-08-20",
           withdrawal_ground="beyond_control", reported_on="2027-08-30",
           reasons="Medical board report")  # fmt: skip
    promotion = w.data(case_id)["promotion_service"]
    assert (promotion["counted_to"], promotion["not_counted_from"]) == ("2027-08-20", None)


def test_8_12_9_leaving_without_the_pre_departure_requirements_vacates_the_quarter_too(ltt_world):
    """8.12.9 "shall vacate it when he leaves for LTT ... exceeding 12 months": recording a
    departure without the pre-departure requirements (7.7.5.3) asks the same of the quarter."""
    w = ltt_world
    case_id = apply(w)
    w.fire(case_id, "recommend", "chair", hrc_meeting_no="H/1", recommended_on=w.today())
    w.fire(case_id, "approve", "rcsc", approval_order_no="R/1", approved_on=w.today())
    at(w, "2027-02-03")
    left = {"left_on": "2027-01-30", "commenced_on": "2027-02-01", "remarks": "No PDB"}
    with pytest.raises(Refused) as exc:
        w.fire(case_id, "left_without_briefing", "rcsc", government_quarter="retained", **left)
    assert [r.cite for r in exc.value.refusals] == ["8.12.9"]
    w.fire(case_id, "left_without_briefing", "rcsc", government_quarter="vacated", **left)
    assert w.case(case_id).state == "undertaking_awaited"
