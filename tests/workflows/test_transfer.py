"""BCSR 2023 chapter 13 (transfer) as rule tables: eligibility per section, the competent
authority of 13.3.1, who may take each step, the guards of each step, and the joining time
of 13.11. No database: hand-built profiles, subjects, actors and contexts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from workflows import roles as R
from workflows.calendar import WorkingCalendar
from workflows.context import Actor, Context, Refused, Subject
from workflows.eligibility import evaluate
from workflows.profile import Entry, Profile
from workflows.transfer import PROCESS, RULES, competent_authority, joining_time

TODAY = date(2026, 12, 15)  # a Tuesday
D = TODAY.isoformat()
LATER = "2027-06-30"  # a proposed effective date


def profile(**kw: Any) -> Profile:
    values: dict[str, Any] = {
        "eid": "E100",
        "name": "Dorji",
        "date_of_birth": date(1985, 1, 1),
        "level": "P3",
        "agency": "MOH",
        "appointment_date": date(2012, 1, 2),
        "position_since": date(2018, 3, 1),
        "place_of_posting": "Thimphu",
    }
    values.update(kw)
    return Profile(**values)


def transfer(kind: str, start: date, status: str = "completed", end: date | None = None) -> Entry:
    return Entry("transfer", start, end, status, {"transfer_kind": kind})


def ltt(start: date, end: date, obligation_end: str | None = None, **details: Any) -> Entry:
    d = {"level": "masters", "mode": "full_time", "course": "MPH", **details}
    if obligation_end:
        d["obligation_end"] = obligation_end
    return Entry("ltt", start, end, "completed", d)


def unmet(p: Profile, **proposal: Any) -> list[tuple[str, bool]]:
    proposal.setdefault("effective_on", LATER)
    return [(u.cite, u.advisory) for u in evaluate(RULES, p, proposal, TODAY)]


# ------------------------------------------------------------------ eligibility per section


@pytest.mark.parametrize(
    ("since", "effective", "expected"),
    [
        (date(2024, 6, 30), "2027-06-30", [("13.4.6", True)]),  # three years that very day
        (date(2024, 7, 1), "2027-06-30", [("13.4.5.1", False), ("13.4.6", True)]),
        (date(2022, 6, 30), "2027-06-30", []),  # five years: no warning either
        (date(2023, 7, 1), "2027-06-30", [("13.4.6", True)]),  # 13.4.6 is advisory ("may")
    ],
)
def test_13_4_5_1_three_years_in_the_position_by_the_effective_date(since, effective, expected):
    got = unmet(profile(position_since=since), effective_on=effective, transfer_kind="planned")
    assert got == expected


def test_13_4_14_initial_appointment_counts_from_the_appointment_with_probation():
    p = profile(appointment_date=date(2024, 8, 1), position_since=None)
    reasons = evaluate(RULES, p, {"effective_on": LATER}, TODAY)
    assert reasons[0].cite == "13.4.5.1"
    assert "since 2024-08-01" in reasons[0].reason and "2027-08-01" in reasons[0].reason
    assert unmet(profile(appointment_date=date(2024, 6, 1), position_since=None))[0] == (
        "13.4.6",
        True,
    )


def test_13_4_5_2_an_ltt_period_must_be_served_in_the_position():
    # A two-year master's ending 2025-12-31 (731 days): served in the position on 2028-01-01.
    course = ltt(date(2024, 1, 1), date(2025, 12, 31))
    p = profile(position_since=date(2015, 1, 1), entries=(course,))
    assert unmet(p, effective_on="2027-06-30") == [("13.4.5.2", False)]
    assert unmet(p, effective_on="2028-01-02") == []
    why = evaluate(RULES, p, {"effective_on": "2027-06-30"}, TODAY)[0].reason
    assert "MPH" in why and "served on 2028-01-01" in why
    # Reported back later than the course end: the period counts from the reporting.
    late = ltt(date(2024, 1, 1), date(2025, 12, 31), reported_on="2026-03-01")
    assert unmet(
        profile(position_since=date(2015, 1, 1), entries=(late,)), effective_on="2028-01-02"
    ) == [("13.4.5.2", False)]


def test_7_7_7_7_an_unserved_ltt_service_obligation_bars_transfer():
    course = ltt(date(2020, 1, 1), date(2020, 12, 31), obligation_end="2027-12-31")
    p = profile(position_since=date(2015, 1, 1), entries=(course,))
    assert unmet(p, effective_on="2027-06-30") == [("7.7.7.7", False)]
    assert unmet(p, effective_on="2028-01-01") == []
    why = evaluate(RULES, p, {"effective_on": "2027-06-30"}, TODAY)[0].reason
    assert "until 2027-12-31" in why


@pytest.mark.parametrize(
    ("born", "level", "effective", "barred"),
    [
        (date(1967, 6, 30), "P3", "2026-06-29", False),  # 60 on 2027-06-30: a year and a day
        (date(1967, 6, 30), "P3", "2026-07-01", True),  # within the year before 60 (PMC)
        (date(1968, 3, 1), "S2", "2024-06-01", True),  # 57 for S5-S1 (15.3.1) on 2025-03-01
        (date(1968, 3, 1), "SS2", "2024-06-01", False),  # 59 for SS4-SSS: 2027-03-01
        (date(1965, 1, 1), "EX2", "2026-12-31", False),  # 63 for ESC: 2028-01-01
    ],
)
def test_13_4_13_not_within_a_year_of_superannuation(born, level, effective, barred):
    p = profile(date_of_birth=born, level=level, position_since=date(2010, 1, 1))
    assert (("13.4.13", False) in unmet(p, effective_on=effective)) is barred


def test_13_4_5_a_change_of_super_structure_only_as_an_osa():
    p = profile(position_since=date(2010, 1, 1), appointment_date=date(2005, 1, 1))
    assert unmet(p, transfer_kind="planned", super_structure_change=True) == [("13.4.5.4", False)]
    assert unmet(p, transfer_kind="osa", super_structure_change=True) == []
    assert unmet(p, transfer_kind="planned", super_structure_change=False) == []


def test_13_4_10_two_years_after_a_transfer_on_request():
    p = profile(
        position_since=date(2015, 1, 1), entries=(transfer("on_request", date(2025, 8, 1)),)
    )
    assert ("13.4.10", False) in unmet(p, effective_on="2027-07-31", transfer_kind="planned")
    assert ("13.4.10", False) not in unmet(p, effective_on="2027-08-01", transfer_kind="planned")
    # Only the transfer last joined counts; an ordered (not joined) one does not.
    later = profile(
        position_since=date(2015, 1, 1),
        entries=(
            transfer("on_request", date(2025, 8, 1)),
            transfer("planned", date(2026, 1, 1), status="ordered"),
        ),
    )
    assert ("13.4.10", False) in unmet(later, effective_on="2027-01-01")


def test_13_6_6_two_years_at_the_place_of_posting_before_another_lateral_transfer():
    p = profile(position_since=date(2015, 1, 1), entries=(transfer("lateral", date(2025, 9, 1)),))
    assert ("13.6.6", False) in unmet(p, effective_on="2027-06-30", transfer_kind="lateral")
    assert ("13.6.6", False) not in unmet(p, effective_on="2027-06-30", transfer_kind="planned")
    assert ("13.6.6", False) not in unmet(p, effective_on="2027-09-01", transfer_kind="lateral")


@pytest.mark.parametrize(
    ("level", "ok"),
    [("P1", False), ("P2", True), ("P5", True), ("ES2", True), ("EX3", False), ("S1", False)],
)
def test_13_7_1_osa_for_pmc_up_to_p2_and_specialists(level, ok):
    p = profile(level=level, position_since=date(2010, 1, 1), date_of_birth=date(1980, 1, 1))
    assert (("13.7.1", False) not in unmet(p, transfer_kind="osa")) is ok
    assert ("13.7.1", False) not in unmet(p, transfer_kind="planned")


def test_13_7_2_osa_at_most_twice_and_three_years_apart():
    first = transfer("osa", date(2016, 1, 1), end=date(2018, 12, 31))
    second = transfer("osa", date(2022, 1, 1), end=date(2024, 12, 31))
    base = {"position_since": date(2010, 1, 1)}
    assert unmet(profile(**base, entries=(first,)), transfer_kind="osa") == []
    twice = unmet(profile(**base, entries=(first, second)), transfer_kind="osa")
    assert ("13.7.2", False) in twice
    recent = transfer("osa", date(2023, 1, 1), end=date(2025, 12, 31))
    gap = evaluate(
        RULES,
        profile(**base, entries=(recent,)),
        {"transfer_kind": "osa", "effective_on": LATER},
        TODAY,
    )
    assert [(u.cite, u.reason.split(":")[0]) for u in gap] == [
        ("13.7.2", "a gap of three years between two OSAs")
    ]
    assert "2025-12-31" in gap[0].reason


def test_13_7_3_osa_needs_five_years_of_service():
    p = profile(appointment_date=date(2023, 1, 1), position_since=date(2023, 1, 1))
    assert ("13.7.3", False) in unmet(p, transfer_kind="osa", effective_on="2027-06-30")
    assert ("13.7.3", False) in unmet(p, transfer_kind="osa", effective_on="2027-12-31")
    assert ("13.7.3", False) not in unmet(p, transfer_kind="osa", effective_on="2028-01-01")


def test_rules_cope_with_an_empty_proposal():
    p = profile(position_since=date(2010, 1, 1))
    assert evaluate(RULES, p, {}, TODAY) == []


# ------------------------------------------------------------------ 13.3.1 authority


@pytest.mark.parametrize(
    ("level", "agency", "data", "parent", "expected"),
    [
        ("EX2", "MOH", {"receiving_agency": "MOH"}, None, (("RCSC",), "13.3.1")),
        (
            "P3",
            "MOH",
            {"receiving_agency": "MOH", "super_structure_change": True},
            None,
            (("RCSC",), "13.3.1, 13.7.11"),
        ),
        (
            "P2",
            "MOH",
            {"receiving_agency": "MOE", "transfer_kind": "osa"},
            None,
            (("RCSC",), "13.3.1, 13.7.11"),
        ),
        (
            "P1",
            "THIMPHU",
            {"receiving_agency": "MOE", "parent_agency": "MOE"},
            "MOHA",
            (("MOE",), "13.3.1"),
        ),
        ("P3", "DOPH", {"receiving_agency": "MOH"}, "MOH", (("MOH",), "13.3.1")),
        ("P3", "MOH", {"receiving_agency": "MOE"}, None, (("RCSC",), "13.4.7")),
        ("P3", "DOPH", {"receiving_agency": "DOPH"}, "MOH", (("DOPH",), "13.3.1")),
        ("ES1", "MOH", {"receiving_agency": "MOH"}, None, (("MOH",), "13.3.1")),
    ],
)
def test_13_3_1_competent_authority(level, agency, data, parent, expected):
    auth = competent_authority(level, agency, data, parent)
    assert (auth.agencies, auth.cite) == expected


# ------------------------------------------------------------------ steps: who and when


def subject(level: str = "P3", agency: str = "MOH", parent: str | None = None) -> Subject:
    kind = "department" if parent else "ministry"
    return Subject("E100", "Dorji", level, agency, kind, parent)


def actor(uid: int, roles: set[str], agency: str | None, eid: str | None = None) -> Actor:
    return Actor(uid, f"user{uid}", frozenset(roles), agency, eid)


HR = actor(1, {R.HR_OFFICER}, "MOH")
CHAIR = actor(2, {R.HRC_CHAIR}, "MOH")
MOE_HR = actor(3, {R.HR_OFFICER}, "MOE")
MOE_CHAIR = actor(4, {R.HRC_CHAIR}, "MOE")
RCSC = actor(5, {R.RCSC, R.APPELLATE}, "RCSC")
SELF = actor(6, {R.CIVIL_SERVANT}, None, "E100")
MOHA_HR = actor(7, {R.HR_OFFICER}, "MOHA")
DC = actor(8, {R.DC_MEMBER}, "MOH")

LATERAL = {
    "transfer_kind": "lateral",
    "receiving_agency": "MOE",
    "from_agency": "MOH",
    "effective_on": LATER,
    "vacancy_ref": "MOE/HR/VAC/12",
    "vacancy_announced_on": "2026-11-02",
    "new_station": "Thimphu",
}
OPEN = {
    "transfer_kind": "on_request",
    "receiving_agency": "MOE",
    "new_position": "Planning Officer",
    "new_station": "Thimphu",
    "effective_on": LATER,
    "distance_km": "0",
    "reasons": "Spouse posted to Thimphu",
}


def ctx(data: dict[str, Any] | None = None, subj: Subject | None = None, **kw: Any) -> Context:
    return Context(
        subject=subj or subject(),
        data=data or {},
        fields={},
        today=TODAY,
        record=kw.pop("record", profile(position_since=date(2015, 1, 1))),
        **kw,
    )


def refused(state, trigger, who, data, raw, **kw) -> list[str]:
    with pytest.raises(Refused) as exc:
        PROCESS.check(state, trigger, who, ctx(data, **kw), raw)
    return [r.cite for r in exc.value.refusals]


def dest(state, trigger, who, data, raw, **kw) -> str:
    step, _ = PROCESS.check(state, trigger, who, ctx(data, **kw), raw)
    return step.dest


def test_the_working_agency_its_parent_the_rcsc_or_the_civil_servant_propose():
    assert dest("new", "open", HR, {}, OPEN) == "proposed"
    assert dest("new", "open", SELF, {}, OPEN) == "proposed"
    assert dest("new", "open", RCSC, {}, OPEN) == "proposed"
    assert refused("new", "open", MOE_HR, {}, OPEN) == ["13.4.1"]
    dept = subject(agency="DOPH", parent="MOH")
    assert dest("new", "open", HR, {}, OPEN, subj=dept) == "proposed"


def test_opening_checks_eligibility_and_the_proposal():
    young = profile(position_since=date(2025, 1, 1))
    assert refused("new", "open", HR, {}, OPEN, record=young) == ["13.4.5.1"]
    # 13.4.3: same agency and station is no transfer.
    same = {**OPEN, "receiving_agency": "moh", "new_station": "thimphu"}
    assert refused("new", "open", HR, {}, same) == ["13.4.3"]
    assert refused("new", "open", HR, {}, {**OPEN, "distance_km": "-3"}) == ["13.11.1"]
    lateral = {**OPEN, "transfer_kind": "lateral"}
    assert refused("new", "open", HR, {}, lateral) == ["13.6.1"]
    early = {**lateral, "vacancy_ref": "V1", "vacancy_announced_on": D, "applied_on": "2026-12-01"}
    assert refused("new", "open", HR, {}, early) == ["13.6"]
    osa = {**OPEN, "transfer_kind": "osa", "term_end_on": "2030-07-01"}
    assert refused("new", "open", HR, {}, osa) == ["13.7.2"]
    assert dest("new", "open", HR, {}, {**osa, "term_end_on": "2030-06-30"}) == "proposed"
    assert refused("new", "open", HR, {}, {**OPEN, "transfer_kind": "foreign"}) == ["13.7.2"]


def test_the_planned_opening_arms_the_list_agreement_six_months_ahead():
    step, _ = PROCESS.check("new", "open", HR, ctx(), {**OPEN, "transfer_kind": "planned"})
    assert [a.kind for a in step.arms] == ["list_agreement_due"]
    step, _ = PROCESS.check("new", "open", HR, ctx(), OPEN)
    assert step.arms == ()


def test_13_9_2_the_planned_list_is_agreed_six_months_before_the_effective_date():
    data = {"transfer_kind": "planned", "effective_on": "2027-06-15", "receiving_agency": "MOH"}
    raw = {"agreed_on": D, "list_ref": "L1", "working_agency_consulted": True}
    assert dest("proposed", "agree_list", HR, data, raw) == "awaiting_order"
    assert refused(
        "proposed", "agree_list", HR, data, {**raw, "working_agency_consulted": False}
    ) == ["13.9.2"]
    late = {**data, "effective_on": "2027-06-14"}
    assert refused("proposed", "agree_list", HR, late, {**raw, "agreed_on": D}) == ["13.4.2"]
    # The parent agency agrees (a department's ministry): not the department itself.
    dept = subject(agency="DOPH", parent="MOH")
    dept_hr = actor(9, {R.HR_OFFICER}, "DOPH")
    agree = {**raw, "agreed_on": "2026-12-01"}
    assert refused("proposed", "agree_list", dept_hr, data, agree, subj=dept) == ["13.9.2"]
    assert dest("proposed", "agree_list", HR, data, agree, subj=dept) == "awaiting_order"
    # Only a planned transfer has a list.
    available = PROCESS.available("proposed", HR, ctx({**data, "transfer_kind": "on_request"}))
    assert "agree_list" not in {s.trigger for s in available}


def test_13_6_the_lateral_path_noc_endorsement_and_the_receiving_agencys_choice():
    raw = {"noc_no": "NOC/7", "noc_recommended_on": D}
    assert dest("proposed", "recommend_noc", HR, LATERAL, raw) == "noc_recommended"
    assert refused("proposed", "recommend_noc", MOE_HR, LATERAL, raw) == ["13.9.3"]
    endorse = {"noc_endorsed_on": D, "hrc_meeting_no": "HRC/3"}
    assert refused("noc_recommended", "endorse_noc", HR, LATERAL, endorse) == ["13.6.3"]
    assert dest("noc_recommended", "endorse_noc", CHAIR, LATERAL, endorse) == "awaiting_acceptance"
    parented = {**LATERAL, "parent_agency": "MOHA"}
    assert refused("noc_recommended", "endorse_noc", CHAIR, parented, endorse) == ["13.6.3"]

    accept = {"selected_on": "2026-11-16", "applicants": "1", "receiving_hrc_meeting_no": "M/1"}
    assert dest("awaiting_acceptance", "accept_candidate", MOE_CHAIR, LATERAL, accept) == (
        "awaiting_order"
    )
    assert refused("awaiting_acceptance", "accept_candidate", CHAIR, LATERAL, accept) == ["13.6.5"]
    early = {**accept, "selected_on": "2026-11-15"}
    assert refused("awaiting_acceptance", "accept_candidate", MOE_CHAIR, LATERAL, early) == [
        "13.6.1"
    ]
    several = {**accept, "applicants": "3"}
    assert refused("awaiting_acceptance", "accept_candidate", MOE_CHAIR, LATERAL, several) == [
        "13.6.4"
    ]
    chosen = {**several, "selection_procedure": "Interview by the HRC"}
    assert dest("awaiting_acceptance", "accept_candidate", MOE_CHAIR, LATERAL, chosen) == (
        "awaiting_order"
    )
    refuse = {"refusal_reasons": "Not the profile needed"}
    assert dest("awaiting_acceptance", "refuse_candidate", MOE_CHAIR, LATERAL, refuse) == "refused"


def test_13_7_5_the_receiving_agency_submits_an_osa_and_the_rcsc_orders_it():
    data = {"transfer_kind": "osa", "receiving_agency": "MOE", "from_agency": "MOH"}
    raw = {"vacancy_available": True, "relieving_agency_consulted": True, "submitted_on": D}
    assert dest("proposed", "submit_osa", MOE_HR, data, raw) == "awaiting_order"
    assert refused("proposed", "submit_osa", MOE_HR, data, {**raw, "vacancy_available": False}) == [
        "13.7.4"
    ]
    order = {"order_no": "RCSC/OSA/1", "order_date": D}
    assert refused("awaiting_order", "issue_order", HR, data, order) == ["13.3.1, 13.7.11"]
    assert dest("awaiting_order", "issue_order", RCSC, data, order) == "ordered"


def test_13_8_2_a_foreign_posting_follows_open_competition_by_the_parent_agency():
    data = {"transfer_kind": "foreign", "receiving_agency": "MOH", "from_agency": "MOH"}
    raw = {"open_competition": True, "post_approved": True, "selected_on": D}
    assert dest("proposed", "record_selection", HR, data, raw) == "awaiting_order"
    assert refused("proposed", "record_selection", HR, data, {**raw, "post_approved": False}) == [
        "13.8.2.1"
    ]


def test_only_the_kind_s_own_preparation_is_offered():
    for kind, trigger in [
        ("planned", "agree_list"),
        ("on_request", "recommend_request"),
        ("lateral", "recommend_noc"),
        ("osa", "submit_osa"),
        ("foreign", "record_selection"),
    ]:
        data = {"transfer_kind": kind, "receiving_agency": "MOH", "from_agency": "MOH"}
        offered = {s.trigger for s in PROCESS.available("proposed", CHAIR, ctx(data))}
        offered |= {s.trigger for s in PROCESS.available("proposed", HR, ctx(data))}
        prep = {
            "agree_list",
            "recommend_request",
            "recommend_noc",
            "submit_osa",
            "record_selection",
        }
        assert offered & prep == {trigger}, kind


def test_only_an_application_can_be_withdrawn_by_the_applicant():
    data = {**LATERAL}
    assert dest("awaiting_acceptance", "withdraw", SELF, data, {}) == "withdrawn"
    planned = {**LATERAL, "transfer_kind": "planned"}
    assert refused("proposed", "withdraw", SELF, planned, {}) == ["13.4.10"]


def test_13_3_1_the_competent_authority_issues_the_order():
    intra = {"transfer_kind": "planned", "receiving_agency": "MOH", "from_agency": "MOH"}
    order = {"order_no": "MOH/TO/1", "order_date": D}
    assert dest("awaiting_order", "issue_order", HR, intra, order) == "ordered"
    assert refused("awaiting_order", "issue_order", DC, intra, order) == ["13.9.3"]
    inter = {**intra, "receiving_agency": "MOE"}
    assert refused("awaiting_order", "issue_order", HR, inter, order) == ["13.4.7"]
    assert dest("awaiting_order", "issue_order", RCSC, inter, order) == "ordered"
    ex = subject("EX3")
    assert refused("awaiting_order", "issue_order", HR, intra, order, subj=ex) == ["13.3.1"]
    future = {**order, "order_date": "2026-12-16"}
    assert refused("awaiting_order", "issue_order", HR, intra, future) == ["13.9.3"]


ORDERED = {
    "transfer_kind": "planned",
    "receiving_agency": "MOE",
    "from_agency": "MOH",
    "parent_agency": "MOH",
    "order_date": "2026-12-01",
    "effective_on": LATER,
}


def test_13_9_3_relief_after_handing_over_charge():
    raw = {"relieved_on": D, "handing_over_confirmed": True, "travel_days": "1"}
    assert dest("ordered", "relieve", HR, ORDERED, raw) == "relieved"
    assert refused("ordered", "relieve", HR, ORDERED, {**raw, "handing_over_confirmed": False}) == [
        "13.4.18"
    ]
    assert refused("ordered", "relieve", HR, ORDERED, {**raw, "relieved_on": "2026-11-30"}) == [
        "13.9.3"
    ]
    assert refused("ordered", "relieve", HR, ORDERED, {**raw, "travel_days": "-1"}) == ["13.11.2"]
    assert refused("ordered", "relieve", MOE_HR, ORDERED, raw) == ["13.9.3"]


def test_13_9_3_only_the_receiving_agency_extends_the_joining_time():
    data = {**ORDERED, "relieved_on": "2026-12-10", "joining_due_on": "2026-12-18"}
    raw = {"joining_due_on": "2026-12-24", "extension_reasons": "Road blocked"}
    assert dest("relieved", "extend_joining", MOE_HR, data, raw) == "relieved"
    assert refused("relieved", "extend_joining", HR, data, raw) == ["13.6.5"]
    assert refused(
        "relieved", "extend_joining", MOE_HR, data, {**raw, "joining_due_on": "2026-12-18"}
    ) == ["13.9.3"]


def test_13_9_4_salary_is_withheld_only_after_the_joining_time():
    data = {**ORDERED, "relieved_on": "2026-12-08", "joining_due_on": "2026-12-15"}
    offered = {s.trigger for s in PROCESS.available("relieved", HR, ctx(data))}
    assert "withhold_salary" not in offered  # due today: not yet over
    over = {**data, "joining_due_on": "2026-12-14"}
    assert dest("relieved", "withhold_salary", HR, over, {"withholding_order_no": "W/1"}) == (
        "salary_withheld"
    )
    step = next(s for s in PROCESS.steps if s.trigger == "joining_lapsed")
    assert step.timer_only and step.dest == "salary_withheld"


def test_reporting_leads_by_kind_and_by_the_personal_file():
    data = {**ORDERED, "relieved_on": "2026-12-08"}
    raw = {"reported_on": D}
    assert dest("relieved", "report_joining", MOE_HR, data, raw) == "joined"
    sent = {**data, "personal_file_sent_on": "2026-12-10"}
    assert dest("relieved", "report_joining", MOE_HR, sent, raw) == "completed"
    osa = {**data, "transfer_kind": "osa"}
    assert dest("salary_withheld", "report_joining", MOE_HR, osa, raw) == "on_assignment"
    assert refused("relieved", "report_joining", HR, data, raw) == ["13.6.5"]
    assert refused("relieved", "report_joining", MOE_HR, data, {"reported_on": "2026-12-07"}) == [
        "13.9.3"
    ]


def test_13_4_17_the_relieving_agency_sends_the_personal_file_once():
    data = {**ORDERED, "relieved_on": "2026-12-08"}
    raw = {"personal_file_sent_on": D}
    assert dest("joined", "send_personal_file", HR, data, raw) == "completed"
    assert dest("relieved", "send_personal_file", HR, data, raw) == "relieved"
    assert refused("relieved", "send_personal_file", MOE_HR, data, raw) == ["13.9.3"]
    done = {**data, "personal_file_sent_on": "2026-12-09"}
    assert "send_personal_file" not in {
        s.trigger for s in PROCESS.available("relieved", HR, ctx(done))
    }


def test_13_9_6_cancellation_needs_special_circumstances():
    raw = {"cancellation_order_no": "C/1"}
    assert refused("ordered", "cancel_order", CHAIR, ORDERED, raw) == ["13.9.6"]
    ok = {**raw, "special_circumstances": "Medical emergency of the spouse"}
    assert dest("relieved", "cancel_order", CHAIR, ORDERED, ok) == "cancelled"
    assert refused("ordered", "cancel_order", MOE_CHAIR, ORDERED, ok) == ["13.3.1"]


def test_13_12_2_the_relieving_agency_refers_a_refusal_once():
    raw = {"conduct": "refused_order", "particulars": "Declined in writing"}
    assert dest("ordered", "refer_for_action", CHAIR, ORDERED, raw) == "ordered"
    assert refused("ordered", "refer_for_action", MOE_CHAIR, ORDERED, raw) == ["13.12.2"]
    done = {**ORDERED, "disciplinary_case_id": 7}
    assert "refer_for_action" not in {
        s.trigger for s in PROCESS.available("ordered", CHAIR, ctx(done))
    }


def test_13_7_10_return_after_the_assignment():
    data = {**ORDERED, "transfer_kind": "osa", "reported_on": "2026-01-05"}
    assert dest("on_assignment", "record_return", HR, data, {"returned_on": D}) == "returned"
    assert refused("on_assignment", "record_return", HR, data, {"returned_on": "2026-01-05"}) == [
        "13.7.10"
    ]


# ------------------------------------------------------------------ 13.11 joining time


CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("relieved", "km", "residence", "travel", "prep", "due"),
    [
        # Fri 2026-12-11: five working days Mon 14 - Mon 21 (National Day 17 Dec skipped).
        ("2026-12-11", 120, True, 2, 5, "2026-12-23"),
        ("2026-12-11", 120, False, 2, 0, "2026-12-13"),  # no change of residence: travel only
        ("2026-12-11", 9, True, 0, 0, "2026-12-14"),  # under 10 km: the next working day
        ("2026-12-11", 10, True, 0, 5, "2026-12-21"),
    ],
)
def test_13_11_joining_time(relieved, km, residence, travel, prep, due):
    jt = joining_time(CAL, date.fromisoformat(relieved), km, residence, travel)
    assert (jt.preparatory_days, jt.due.isoformat()) == (prep, due)
    if prep:
        assert jt.preparatory_from == date(2026, 12, 14)
        assert "13.11.1" in jt.explain
