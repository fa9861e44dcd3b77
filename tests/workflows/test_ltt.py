"""BCSR 2023 7.7 and 8.11 as rule tables: eligibility (7.7.4) per section, the approving
authority (7.7.3), study leave pay (8.11.3-8.11.5), guards of the machine, and the
arithmetic of workflows.obligations (7.7.7, 13.10.6, 19.11.1). No database: hand-built
Profiles, subjects, actors and contexts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.applications import ltt_application
from workflows import ltt
from workflows import roles as R
from workflows.context import Actor, Context, Refused, Subject
from workflows.eligibility import evaluate
from workflows.obligations import (
    FinancialObligation,
    add_months,
    ltt_financial_obligation,
    ltt_has_obligation,
    ltt_service_obligation_end,
    multiplier,
    secondment_obligation_end,
)
from workflows.profile import Entry, Profile

TODAY = date(2026, 12, 14)
START = "2027-02-01"

BASE = Profile(
    eid="E100",
    name="Karma",
    date_of_birth=date(1990, 1, 1),
    level="P3",
    agency="MOH",
    appointment_date=date(2015, 1, 1),
    category="PMC",
    probation_end=date(2015, 12, 31),
    performance_rating="very_good",
    drug_test="cleared",
    qualification="bachelors",
    bcse_selected=True,
)
PROPOSAL: dict[str, Any] = {"start_on": START, "level": "masters", "mode": "full_time"}


def ltt_entry(status: str = "completed", **details: Any) -> Entry:
    d = {"level": "masters", "mode": "full_time", "funding": "rgob", **details}
    return Entry("ltt", date(2018, 1, 1), date(2019, 12, 31), status, d, id=7)


def unmet(profile: Profile = BASE, **proposal: Any) -> list[str]:
    return [u.cite for u in evaluate(ltt.RULES, profile, {**PROPOSAL, **proposal}, TODAY)]


def with_(**changes: Any) -> Profile:
    return replace(BASE, **changes)


# ------------------------------------------------------------------ eligibility (7.7.4)


def test_an_eligible_civil_servant_meets_every_rule():
    assert unmet() == []
    assert unmet(BASE, start_on=None, level=None, mode=None) == []  # the API without a proposal


@pytest.mark.parametrize(
    "changes",
    [{"nationality": "Indian"}, {"employment_type": "contract"}],
)
def test_7_7_4_1_bhutanese_regular_civil_servant(changes):
    assert unmet(with_(**changes)) == ["7.7.4.1"]


@pytest.mark.parametrize(
    "level, relevant, cites",
    [
        ("masters", True, []),
        ("masters", False, ["7.7.4.2"]),
        ("bachelors", False, []),  # a bachelor's irrespective of relevance
    ],
)
def test_7_7_4_2_relevance(level, relevant, cites):
    profile = with_(qualification="class_xii") if level == "bachelors" else BASE
    assert unmet(profile, level=level, relevant_to_work=relevant) == cites


@pytest.mark.parametrize(
    "born, cites",
    [
        (date(1982, 2, 2), []),  # 44 at commencement (2027-02-01)
        (date(1981, 2, 2), []),  # 45, the day before the 46th birthday
        (date(1981, 2, 1), ["7.7.4.3"]),  # turns 46 on the commencement day
        (date(1975, 5, 5), ["7.7.4.3"]),
    ],
)
def test_7_7_4_3_age_at_commencement(born, cites):
    assert unmet(with_(date_of_birth=born)) == cites


def test_7_7_4_3_age_at_the_scholarship_deadline():
    profile = with_(date_of_birth=date(1981, 6, 1))
    assert unmet(profile, start_on="2027-08-01") == ["7.7.4.3"]
    assert unmet(profile, start_on="2027-08-01", scholarship_deadline="2027-03-01") == []


def test_7_7_4_4_one_ltt_per_level_unless_the_rcsc_makes_an_exception():
    done = with_(entries=(ltt_entry(obligation_end="2022-01-01"),))
    assert unmet(done) == ["7.7.4.4"]
    assert unmet(done, rcsc_exception=True) == []
    assert unmet(done, level="phd") == []
    beyond = with_(entries=(ltt_entry("withdrawn", withdrawn_beyond_control=True),))
    assert unmet(beyond) == []


def test_7_5_2_iii_six_months_after_the_last_stt():
    stt = Entry("stt", date(2026, 7, 1), date(2026, 8, 15), "completed")
    profile = with_(entries=(stt,))
    assert unmet(profile, start_on="2027-02-14") == ["7.7.4.5, 7.5.2 iii"]
    assert unmet(profile, start_on="2027-02-15") == []
    why = evaluate(ltt.RULES, profile, {**PROPOSAL, "start_on": "2027-01-01"}, TODAY)[0].reason
    assert "2027-02-15" in why


def test_7_5_2_iv_the_previous_ltt_obligation_must_be_complete():
    running = with_(entries=(ltt_entry(level="pg_diploma", obligation_end="2027-06-30"),))
    assert unmet(running) == ["7.7.4.5, 7.5.2 iv"]
    assert unmet(running, start_on="2027-07-01") == []
    obligation = Entry(
        "service_obligation", date(2024, 1, 1), date(2028, 1, 1), "running",
        {"obligation_end": "2028-01-01"},
    )  # fmt: skip
    assert unmet(with_(entries=(obligation,))) == ["7.7.4.5, 7.5.2 iv"]
    ongoing = with_(entries=(ltt_entry("ongoing", level="pg_diploma"),))
    assert unmet(ongoing) == ["7.7.4.5, 7.5.2 iv"]


@pytest.mark.parametrize(
    "entry",
    [
        Entry("secondment", date(2026, 1, 1), None, "on_secondment"),
        Entry("eol", date(2026, 12, 1), date(2027, 3, 1), "on_leave"),
        Entry("eol", date(2027, 1, 20), date(2027, 3, 1), "approved"),  # covers the start
        Entry("leave", date(2026, 12, 1), date(2027, 1, 30), "taken", {"leave_type": "maternity"}),
        Entry("leave", date(2026, 12, 10), date(2026, 12, 20), "taken", {"leave_type": "medical"}),
        Entry(
            "leave",
            date(2026, 12, 10),
            date(2026, 12, 20),
            "taken",
            {"leave_type": "medical_escort"},
        ),  # fmt: skip
    ],
)
def test_7_7_4_6_not_on_secondment_eol_or_those_leaves(entry):
    assert unmet(with_(entries=(entry,))) == ["7.7.4.6"]


def test_7_7_4_6_earned_leave_or_a_past_eol_does_not_count():
    earned = Entry(
        "leave", date(2026, 12, 10), date(2026, 12, 20), "taken", {"leave_type": "earned"}
    )
    past = Entry("eol", date(2025, 1, 1), date(2025, 6, 1), "completed")
    assert unmet(with_(entries=(earned, past))) == []


@pytest.mark.parametrize(
    "drug_test, cites", [("cleared", []), ("not_cleared", ["7.7.4.7"]), ("", ["7.7.4.7"])]
)
def test_7_7_4_7_drug_test(drug_test, cites):
    assert unmet(with_(drug_test=drug_test)) == cites


@pytest.mark.parametrize(
    "rating, cites",
    [
        ("outstanding", []),
        ("good", []),
        ("meeting_expectation", []),
        ("needs_improvement", ["7.7.4.8"]),
        ("poor", ["7.7.4.8"]),
        ("", ["7.7.4.8"]),
    ],
)
def test_7_7_4_8_rating(rating, cites):
    assert unmet(with_(performance_rating=rating)) == cites


@pytest.mark.parametrize(
    "bcse, appointed, cites",
    [
        (True, date(2023, 1, 2), []),  # probation to 2024-01-01, two years by 2026-01-02
        (True, date(2024, 6, 1), ["7.7.4.9, 7.7.4.10"]),
        (False, date(2021, 1, 1), []),  # four years after probation by 2027-02-01
        (False, date(2023, 1, 2), ["7.7.4.9, 7.7.4.10"]),
    ],
)
def test_7_7_4_9_and_10_active_service_after_probation(bcse, appointed, cites):
    profile = with_(
        bcse_selected=bcse,
        appointment_date=appointed,
        probation_end=appointed + timedelta(days=364),
    )
    assert unmet(profile) == cites


def test_7_7_4_9_eol_is_not_active_service():
    profile = with_(
        appointment_date=date(2022, 1, 3),
        probation_end=date(2023, 1, 2),
        bcse_selected=False,
        category="SSC",
        qualification="class_xii",
    )
    assert unmet(profile, level="diploma") == []  # 4.08 years after probation
    eol = Entry("eol", date(2024, 1, 1), date(2024, 12, 31), "completed")
    assert unmet(replace(profile, entries=(eol,)), level="diploma") == ["7.7.4.9, 7.7.4.10"]


@pytest.mark.parametrize(
    "qualification, bcse, category, level, cites",
    [
        ("bachelors", True, "PMC", "masters", []),
        ("bachelors", False, "PMC", "masters", []),  # PMC with a bachelor's
        ("bachelors", False, "SSC", "masters", ["7.7.4.11"]),
        ("diploma", True, "PMC", "phd", ["7.7.4.11"]),
        ("class_x", False, "SSC", "bachelors", ["7.7.4.12"]),
        ("class_xii", False, "SSC", "diploma", []),
    ],
)
def test_7_7_4_11_and_12_qualifications(qualification, bcse, category, level, cites):
    profile = with_(qualification=qualification, bcse_selected=bcse, category=category)
    if not bcse:
        profile = replace(
            profile, appointment_date=date(2012, 1, 1), probation_end=date(2012, 12, 31)
        )
    assert unmet(profile, level=level) == cites


def test_7_7_4_13_at_most_three_ltts_continuing_education_not_counted():
    three = tuple(
        ltt_entry(level=lvl, obligation_end="2020-01-01")
        for lvl in ("diploma", "pg_diploma", "phd")
    )
    assert unmet(with_(entries=three)) == ["7.7.4.13, 8.11.2"]
    assert unmet(with_(entries=three), mode="continuing_education") == []
    two_and_ce = three[:2] + (ltt_entry(level="class_xii", mode="continuing_education"),)
    assert unmet(with_(entries=two_and_ce)) == []


def test_7_7_4_14_fitness_certificate_after_a_medical_discontinuation():
    assert unmet(BASE, discontinued_on_medical_grounds=True) == ["7.7.4.14"]
    assert unmet(BASE, discontinued_on_medical_grounds=True, fitness_certificate=True) == []
    medical = with_(
        entries=(
            ltt_entry(
                "withdrawn", level="phd", medical_grounds=True, withdrawn_beyond_control=True
            ),
        )
    )
    assert unmet(medical) == ["7.7.4.14"]
    assert unmet(medical, fitness_certificate=True) == []


def test_7_7_8_1_iii_pending_completion_blocks_another_ltt():
    pending = with_(
        entries=(ltt_entry("pending_completion", level="phd", obligation_end="2020-01-01"),)
    )
    assert unmet(pending) == ["7.7.8.1 iii"]


# ------------------------------------------------------------------ approving authority (7.7.3)


@pytest.mark.parametrize(
    "mode, level, country, teacher, expected",
    [
        ("full_time", "masters", "bhutan", True, ("MOE", "7.7.3")),
        ("full_time", "masters", "bhutan", False, ("RCSC", "7.7.3")),
        ("full_time", "masters", "india", True, ("RCSC", "7.7.3")),
        ("mixed_mode", "masters", "bhutan", True, ("MOE", "7.7.3")),
        ("mixed_mode", "pg_diploma", "bhutan", False, ("RCSC", "7.7.1")),
        ("full_time", "bachelors", "india", False, ("MOH", "7.7.3")),
        ("continuing_education", "masters", "bhutan", False, ("MOH", "7.7.3")),
        ("full_time", "phd", "australia", False, ("RCSC", "7.7.3")),
        ("full_time", "diploma", "bhutan", False, ("RCSC", "7.7.3")),
    ],
)
def test_7_7_3_approving_authority(mode, level, country, teacher, expected):
    assert ltt.MOESD_AGENCY == "MOE"
    assert ltt.approving_agency(mode, level, country, teacher, "MOH") == expected


def test_the_teaching_profession_from_the_occupational_group_or_declared():
    assert ltt.is_teacher(with_(occupational_group="Teaching"), {})
    assert ltt.is_teacher(BASE, {"teaching_profession": True})
    assert not ltt.is_teacher(BASE, {})


# ------------------------------------------------------------------ study leave pay (8.11)


def test_8_11_4_full_pay_twelve_months_then_half():
    pay = ltt.study_leave_pay(
        "masters", "full_time", "australia", date(2027, 2, 1), date(2029, 1, 31), Decimal(60000)
    )
    assert pay["cite"] == "8.11.4"
    assert pay["full_pay_until"] == "2028-01-31" and pay["half_pay_from"] == "2028-02-01"
    assert pay["course_months"] == "24.02"
    assert pay["estimated_total"] == "1080600.00"  # 12 x 60,000 + 12.02 x 30,000


def test_8_11_4_a_course_of_under_a_year_is_on_full_pay():
    pay = ltt.study_leave_pay(
        "pg_diploma", "full_time", "japan", date(2027, 2, 1), date(2027, 11, 30), Decimal(50000)
    )
    assert pay["half_pay_from"] is None and pay["full_pay_until"] == "2027-11-30"


def test_8_11_5_full_pay_throughout_in_a_saarc_country():
    pay = ltt.study_leave_pay(
        "masters", "full_time", "india", date(2027, 2, 1), date(2029, 1, 31), Decimal(60000)
    )
    assert pay["cite"] == "8.11.5" and pay["half_pay_from"] is None


def test_8_11_3_a_bachelors_is_without_pay():
    pay = ltt.study_leave_pay(
        "bachelors", "full_time", "australia", date(2027, 2, 1), date(2030, 1, 31), Decimal(30000)
    )
    assert pay["cite"] == "8.11.3" and pay["estimated_total"] == "0.00"


def test_8_11_10_continuing_education_after_office_hours():
    pay = ltt.study_leave_pay(
        "masters", "continuing_education", "bhutan", date(2027, 2, 1), date(2029, 1, 31), None
    )
    assert pay["cite"] == "8.11.10"


def test_7_7_8_1_promotion_delay():
    delay = ltt.promotion_delay(date(2027, 2, 1), date(2029, 1, 31), 2, "7.7.8.1 i a")
    assert delay["days"] == 1462 and delay["cite"] == "7.7.8.1 i a"


# ------------------------------------------------------------------ the machine's rules

SUBJECT = Subject("E100", "Karma", "P3", "MOH", "ministry")


def actor(uid: int, roles: set[str], agency: str | None, eid: str | None = None) -> Actor:
    return Actor(uid, f"user{uid}", frozenset(roles), agency, eid)


APPLICANT = actor(1, {R.CIVIL_SERVANT}, None, "E100")
OTHER_APPLICANT = actor(2, {R.CIVIL_SERVANT}, None, "E200")
HR = actor(3, {R.HR_OFFICER}, "MOH")
CHAIR = actor(4, {R.HRC_CHAIR}, "MOH")
RCSC = actor(5, {R.RCSC}, "RCSC")
MOE_CHAIR = actor(6, {R.HRC_CHAIR}, "MOE")
SYSTEM = actor(0, {R.SYSTEM}, None)

APPLICATION: dict[str, Any] = ltt_application(
    course="MPH",
    institute="UQ",
    start_on=START,
    employment_cost="1000000",
    applied_on=TODAY.isoformat(),
)
COMMENCED = {**APPLICATION, "commenced_on": START, "pdb_attended_on": "2027-01-10"}


def ctx(data: dict[str, Any] | None = None, record: Profile = BASE, **kw: Any) -> Context:
    return Context(
        subject=kw.pop("subject", SUBJECT),
        data=data or {},
        fields={},
        today=kw.pop("today", TODAY),
        record=record,
        **kw,
    )


def check(state: str, trigger: str, who: Actor, raw: dict[str, Any], c: Context) -> str:
    """The destination, or the sections of the refusal."""
    try:
        step, fields = ltt.PROCESS.check(state, trigger, who, c, raw)
    except Refused as exc:
        return "refused " + ",".join(r.cite for r in exc.refusals)
    return step.dest


@pytest.mark.parametrize(
    "who, expected",
    [
        (APPLICANT, "applied"),
        (HR, "applied"),
        (OTHER_APPLICANT, "refused 8.11.1"),  # someone else's record
        (RCSC, "refused 8.11.12"),  # the RCSC acts as HR only where it is the agency
        (CHAIR, "refused 8.11.1"),
    ],
)
def test_who_applies(who, expected):
    assert check("new", "open", who, APPLICATION, ctx()) == expected


REC = {"hrc_meeting_no": "7", "recommended_on": "2026-12-14"}
APP = {"approval_order_no": "1", "approved_on": "2026-12-14"}


@pytest.mark.parametrize(
    "state, trigger, who, raw, expected",
    [
        ("applied", "recommend", CHAIR, REC, "recommended"),
        ("applied", "recommend", RCSC, REC, "refused 8.11.12"),
        ("recommended", "approve", RCSC, APP, "approved"),
        ("recommended", "approve", CHAIR, APP, "refused 7.7.3"),
        ("recommended", "approve", MOE_CHAIR, APP, "refused 7.7.3"),
        ("on_study_leave", "fail_to_report", HR, {}, "refused 7.7.8.1 v"),
        ("on_study_leave", "fail_to_report", SYSTEM, {}, "retirement_proposed"),
        ("retirement_proposed", "retire", CHAIR, {"order_no": "1"}, "retired"),
        ("retirement_proposed", "retire", RCSC, {"order_no": "1"}, "refused 19.3.6"),
        ("retirement_proposed", "condone", CHAIR, {"reasons": "ill"}, "reporting_condoned"),
    ],
)
def test_who_acts_table(state, trigger, who, raw, expected):
    assert check(state, trigger, who, raw, ctx(APPLICATION)) == expected


def test_7_7_3_a_teachers_masters_in_bhutan_is_approved_by_moesd():
    data = {**APPLICATION, "country": "bhutan", "teaching_profession": True}
    raw = {"approval_order_no": "1", "approved_on": "2026-12-14"}
    assert check("recommended", "approve", MOE_CHAIR, raw, ctx(data)) == "approved"
    assert check("recommended", "approve", RCSC, raw, ctx(data)) == "refused 7.7.3"


def test_eligibility_is_checked_again_at_approval():
    raw = {"approval_order_no": "1", "approved_on": "2026-12-14"}
    c = ctx(APPLICATION, record=with_(performance_rating="poor"))
    assert check("recommended", "approve", RCSC, raw, c) == "refused 7.7.4.8"


@pytest.mark.parametrize(
    "reported_on, condoned, expected",
    [
        ("2029-02-21", False, "completed"),  # 21 days after 2029-01-31
        ("2029-02-22", False, "refused 7.7.6.1"),
        ("2029-03-30", True, "completed"),
    ],
)
def test_7_7_6_1_twenty_one_days_to_report(reported_on, condoned, expected):
    data = {**COMMENCED, "late_reporting_condoned": condoned}
    raw = {
        "reported_on": reported_on,
        "outcome": "completed",
        "documents": ["training_report", "certificate"],
    }
    state = "reporting_condoned" if condoned else "on_study_leave"
    assert check(state, "report_back", RCSC, raw, ctx(data, today=date(2029, 4, 1))) == expected


@pytest.mark.parametrize(
    "outcome, documents, research, expected",
    [
        ("completed", ["training_report", "certificate"], False, "completed"),
        ("completed", ["certificate"], False, "refused 7.7.6.3 i"),
        ("completed", ["training_report"], False, "refused 7.7.6.3 ii"),
        ("completed", ["training_report", "certificate"], True, "refused 7.7.6.3 iii"),
        ("completed", ["training_report", "certificate", "thesis"], True, "completed"),
        ("failed", ["training_report", "certificate"], False, "failed"),
        ("pending_completion", ["training_report"], True, "pending_completion"),
    ],
)
def test_7_7_6_3_documents_on_reporting(outcome, documents, research, expected):
    data = {**COMMENCED, "research_based": research}
    raw = {"reported_on": "2029-02-10", "outcome": outcome, "documents": documents}
    assert check(
        "on_study_leave", "report_back", RCSC, raw, ctx(data, today=date(2029, 2, 10))
    ) == (expected)


def test_7_7_7_6_mixed_mode_needs_days_on_campus_and_expenses_to_refund():
    data = {**COMMENCED, "mode": "mixed_mode", "country": "bhutan", "teaching_profession": True}
    raw = {
        "reported_on": "2029-02-10",
        "outcome": "failed",
        "documents": ["training_report", "certificate"],
    }
    c = ctx(data, today=date(2029, 2, 10))
    moe_hr = actor(7, {R.HR_OFFICER}, "MOE")
    assert check("on_study_leave", "report_back", moe_hr, raw, c) == (
        "refused 7.7.7.6 ii,7.7.8.1 ix"
    )
    raw = {**raw, "days_on_campus": 120, "expenses_incurred": "200000"}
    assert check("on_study_leave", "report_back", moe_hr, raw, c) == "failed"


def test_7_7_6_1_retirement_is_proposed_only_once_the_time_has_passed():
    raw = {"remarks": "not back"}
    early = ctx(COMMENCED, today=date(2029, 2, 21), due={"reporting_due": date(2029, 2, 21)})
    late = ctx(COMMENCED, today=date(2029, 2, 22), due={"reporting_due": date(2029, 2, 21)})
    assert check("on_study_leave", "propose_retirement", HR, raw, early) == "refused 7.7.6.1"
    assert check("on_study_leave", "propose_retirement", HR, raw, late) == "retirement_proposed"


def test_7_7_5_undertaking_and_briefing_before_the_course():
    data = {**APPLICATION}
    ok = {
        "pdb_attended_on": "2026-12-14",
        "undertaking_signed_on": "2026-12-14",
        "guarantor_name": "Dorji",
    }
    assert check("approved", "brief", RCSC, ok, ctx(data)) == "briefed"
    assert check("approved", "brief", HR, ok, ctx(data)) == "refused 7.7.3"
    late = {**ok, "pdb_attended_on": "2027-02-05"}
    assert (
        check("approved", "brief", RCSC, late, ctx(data, today=date(2027, 2, 5)))
        == "refused 7.7.5.3"
    )


def test_7_7_8_1_withdrawal_branches_by_its_ground():
    raw = {
        "withdrawn_on": "2027-06-01",
        "withdrawal_ground": "beyond_control",
        "reported_on": "2027-06-10",
        "reasons": "Illness",
    }
    c = ctx(COMMENCED, today=date(2027, 6, 15))
    step, _ = ltt.PROCESS.check("on_study_leave", "withdraw", RCSC, c, raw)
    assert step.cite == "7.7.8.1 ii"
    step, _ = ltt.PROCESS.check(
        "on_study_leave", "withdraw", RCSC, c, {**raw, "withdrawal_ground": "within_control"}
    )
    assert step.cite == "7.7.8.1 i"


def test_the_retirement_state_is_in_the_shared_queue():
    state = ltt.PROCESS.state("retirement_proposed")
    assert (
        state.queue == "compulsory_retirement" and state.label == "Compulsory retirement proposed"
    )
    triggers = {s.trigger for s in ltt.PROCESS.steps_from("retirement_proposed")}
    assert triggers == {"retire", "condone"}


# ------------------------------------------------------------------ workflows/obligations.py


@pytest.mark.parametrize("ordinal, times", [(1, 2), (2, 3), (3, 4)])
def test_7_7_7_3_multiplier(ordinal, times):
    assert multiplier(ordinal) == times


@pytest.mark.parametrize("ordinal", [0, 4])
def test_7_7_4_13_no_fourth_ltt(ordinal):
    with pytest.raises(ValueError):
        multiplier(ordinal)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 15), 6, date(2027, 2, 15)),
        (date(2027, 2, 1), 12, date(2028, 2, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "level, mode, beyond, expected",
    [
        ("masters", "full_time", False, True),
        ("bachelors", "full_time", False, False),  # 7.7.7.6 iv
        ("masters", "continuing_education", False, False),  # 7.7.7.6 iii
        ("masters", "full_time", True, False),  # 7.7.7.6 v
    ],
)
def test_7_7_7_6_which_ltts_carry_an_obligation(level, mode, beyond, expected):
    assert ltt_has_obligation(level, mode, beyond) is expected


@pytest.mark.parametrize("ordinal, times", [(1, 2), (2, 3), (3, 4)])
def test_7_7_7_3_service_obligation_end(ordinal, times):
    start, end, back = date(2027, 2, 1), date(2029, 1, 31), date(2029, 2, 10)
    got = ltt_service_obligation_end(start, end, back, ordinal, "masters", "full_time")
    assert got == back + timedelta(days=731 * times)
    assert ltt_service_obligation_end(start, end, back, ordinal, "bachelors", "full_time") is None


@pytest.mark.parametrize(
    "location, expected",
    [
        ("outside", date(2030, 1, 1) + timedelta(days=1096 * 2)),
        ("inside", date(2030, 1, 1) + timedelta(days=1096)),
    ],
)
def test_13_10_6_secondment_obligation(location, expected):
    got = secondment_obligation_end(
        date(2027, 1, 1), date(2029, 12, 31), date(2030, 1, 1), location, date(2060, 1, 1)
    )
    assert got == expected
    capped = secondment_obligation_end(
        date(2027, 1, 1), date(2029, 12, 31), date(2030, 1, 1), location, date(2031, 1, 1)
    )
    assert capped == date(2031, 1, 1)  # until superannuation (13.10.6.2)


COSTED = {
    "employment_cost": "1000000",
    "scholarship_cost": "3000000",
    "obligation_end": "2033-02-10",
}


@pytest.mark.parametrize(
    "funding, ordinal, amount",
    [
        ("rgob", 1, Decimal("8000000.00")),  # 2 x (employment + scholarship)
        ("rgob", 3, Decimal("16000000.00")),  # 4 x
        ("private", 2, Decimal("3000000.00")),  # 3 x employment only
    ],
)
def test_7_7_7_6_financial_obligation_on_separation(funding, ordinal, amount):
    entry = ltt_entry(funding=funding, ordinal=ordinal, **COSTED)
    got = ltt_financial_obligation(with_(entries=(entry,)), entry, date(2030, 6, 30))
    assert got is not None
    assert got.amount == amount and got.ltt_id == 7
    assert got.due_on is None  # 7.7.7.5: 90 days from the office order for repayment, later
    assert f"LTT no. {ordinal}" in got.basis


@pytest.mark.parametrize(
    "entry",
    [
        ltt_entry(**COSTED, level="bachelors"),  # 7.7.8.1 x
        ltt_entry(**COSTED, mode="continuing_education"),  # 7.7.7.6 iii
        ltt_entry("withdrawn", **COSTED, withdrawn_beyond_control=True),  # 7.7.7.6 v
        ltt_entry("approved", **COSTED),  # never commenced
        ltt_entry("cancelled", **COSTED),
        ltt_entry(**{**COSTED, "obligation_end": "2030-01-01"}),  # served
    ],
)
def test_no_financial_obligation(entry):
    assert ltt_financial_obligation(with_(entries=(entry,)), entry, date(2030, 6, 30)) is None


def test_7_7_8_1_vii_separation_during_study_leave_owes_the_obligation():
    entry = ltt_entry("ongoing", ordinal=1, employment_cost="500000", scholarship_cost="0")
    got = ltt_financial_obligation(with_(entries=(entry,)), entry, date(2028, 1, 1))
    assert got is not None and got.amount == Decimal("1000000.00")


def test_19_11_1_twenty_four_percent_a_year_after_the_ninety_days():
    o = FinancialObligation(1, Decimal("1000000.00"), "basis", date(2030, 9, 28))
    assert o.with_penalty(date(2030, 9, 28)) == Decimal("1000000.00")
    assert o.with_penalty(date(2031, 9, 28)) == Decimal("1240000.00")
    assert o.with_penalty(date(2031, 3, 29)) == Decimal("1119671.23")  # 182 days


@pytest.mark.parametrize(("level", "end", "schedule_10b", "counted_to"), [
    ("masters", date(2029, 1, 31), False, "2028-07-31"),  # 24 months: 18 count
    ("masters", date(2028, 3, 31), False, "2028-03-31"),  # 14 months: all count
    # Schedule 10/B: "more than two years" - 24 months exactly is not, a day more is.
    ("masters", date(2029, 1, 31), True, "2028-07-31"),
    ("masters", date(2029, 2, 1), True, "2029-02-01"),
    ("bachelors", date(2031, 1, 31), False, None),  # 8.11.8.2: none
])  # fmt: skip
def test_8_11_8_study_leave_active_for_promotion(level, end, schedule_10b, counted_to):
    """8.11.8.1: "Study Leave up to 18 months for any single LTT shall be considered as
    active for the purpose of promotion. However, for a civil servant covered under Schedule
    10/B, the entire duration of the course shall be considered as active service for
    promotion provided the course duration is more than two years"; 8.11.8.2: "For a
    Bachelor's degree program, Study Leave shall not be considered as active service for the
    purpose of promotion." Months are calendar months from 1 Feb 2027."""
    got = ltt.study_leave_for_promotion(level, date(2027, 2, 1), end, schedule_10b)
    assert (got["counted_to"], got["cite"]) == (counted_to, "8.11.8")
    assert "8.11.8" in got["note"]


@pytest.mark.parametrize(("trigger", "field", "cite"), [
    ("recommend", "parent_agency_consulted_on", "7.4.7"),
    ("report_joining", "government_quarter", "8.12.9"),
    ("report_back", "placement", "7.7.4.2, 8.11.11"),
    ("report_back", "schedule_10b", None),
])  # fmt: skip
def test_7_4_7_8_12_9_7_7_4_2_8_11_8_are_2023_2_steps_2023_1_had_none(trigger, field, cite):
    """The first version, as it was: no parent agency consulted (7.4.7), no quarter asked
    (8.12.9), no placement after a bachelor's (7.7.4.2, 8.11.11), no Schedule 10/B (8.11.8)."""

    def has(process) -> bool:
        steps = process.branches(trigger)
        named = any(field in [f.name for f in s.fields] for s in steps)
        return named and (cite is None or any(g.cite == cite for s in steps for g in s.guards))

    assert (has(ltt.V2), has(ltt.PROCESS)) == (True, False)
