"""Every path through the chapter 13 transfer machine against a real database, through
``service.open_case``/``fire`` and the sweep, with the clock moved as the days pass:
states, deadlines, the service record and register, the parties' visibility, the
disciplinary case a refusal opens, and the demo data.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from cases.core import audit, queries, timers
from cases.core.db import engine_for, transaction
from cases.core.models import Agency, Case, CaseAgency, CivilServant, ServiceEntry
from cases.demo import seed
from cases.processes import applications
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ
from workflows.engine import Refused


def bt(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


@pytest.fixture
def tw(world):
    """The world plus the Ministry of Education, its officers and two civil servants."""
    with transaction(world.engine) as s:
        s.add(Agency(code="MOE", name="Ministry of Education", kind="ministry"))
    world.add_user("moe_hr", (R.HR_OFFICER,), agency="MOE")
    world.add_user("moe_chair", (R.HRC_CHAIR,), agency="MOE")
    world.add_user("doph_hr", (R.HR_OFFICER,), agency="DOPH")
    world.make_servant(
        "E200",
        name="Tashi Dema",
        position_title="Planning Officer",
        date_of_birth=date(1988, 4, 2),
        appointment_date=date(2012, 1, 2),
        position_since=date(2018, 3, 1),
        place_of_posting="Thimphu",
    )
    world.add_user("applicant", (R.CIVIL_SERVANT,), employee_eid="E200")
    return world


def proposal(kind: str = "on_request", **kw: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "transfer_kind": kind,
        "receiving_agency": "MOE",
        "new_position": "Planning Officer",
        "new_station": "Trashigang",
        "effective_on": "2027-01-15",
        "distance_km": "550",
        "change_of_residence": True,
        "reasons": "Spouse posted to Trashigang",
    }
    raw.update(kw)
    return {k: v for k, v in raw.items() if v is not None}


def open_transfer(tw, username: str = "hr", eid: str = "E200", **raw: Any) -> int:
    return tw.open_case("transfer", eid, username, raw)


def refusal(fn, *args, **kw) -> list[str]:
    with pytest.raises(Refused) as exc:
        fn(*args, **kw)
    return [r.cite for r in exc.value.refusals]


def dl(tw, case_id: int) -> dict[str, tuple[date, str]]:
    """The newest deadline of each kind: (due, status)."""
    return {d.kind: (d.due_on, d.status) for d in tw.deadlines(case_id)}


def servant(tw, eid: str = "E200") -> CivilServant:
    with tw.session() as s:
        cs = s.get(CivilServant, eid)
        assert cs is not None
        return cs


def entries(tw, eid: str = "E200", kind: str = "transfer") -> list[ServiceEntry]:
    with tw.session() as s:
        return list(
            s.exec(select(ServiceEntry).where(ServiceEntry.eid == eid, ServiceEntry.kind == kind))
        )


def chain_ok(tw) -> None:
    with tw.session() as s:
        result = audit.verify(s)
    assert result.ok, result.problem


LATERAL = {
    "vacancy_ref": "MOE/HRD/VAC/2026/31",
    "vacancy_announced_on": "2026-11-20",
    "applied_on": "2026-12-10",
}


# ------------------------------------------------------------------ lateral transfer (13.6)


def test_path_13_6_lateral_transfer_from_application_to_joining(tw, clock):
    case_id = open_transfer(tw, "applicant", **proposal("lateral", **LATERAL))
    assert tw.case(case_id).state == "proposed"
    data = tw.data(case_id)
    assert data["from_agency"] == "MOH" and data["receiving_agency"] == "MOE"
    assert data["competent_authority"] == "RCSC (BCSR 13.4.7)"
    with tw.session() as s:
        parts = s.exec(select(CaseAgency).where(CaseAgency.case_id == case_id)).all()
        assert [(p.agency_code, p.part) for p in parts] == [("MOE", "receiving")]
        # The receiving agency's officers see the case (13.6.5).
        seen = {r.case.id for r in queries.list_cases(s, tw.actors["moe_chair"])}
        assert case_id in seen

    assert (
        tw.fire(case_id, "recommend_noc", "hr", noc_no="MOH/NOC/44", noc_recommended_on=tw.today())
        == "noc_recommended"
    )
    assert (
        tw.fire(
            case_id,
            "endorse_noc",
            "chair",
            noc_endorsed_on=tw.today(),
            hrc_meeting_no="MOH/HRC/2026/21",
        )
        == "awaiting_acceptance"
    )
    # Selection within two weeks of the announcement is refused (13.6.1).
    assert refusal(
        tw.fire,
        case_id,
        "accept_candidate",
        "moe_chair",
        selected_on="2026-12-03",
        applicants="1",
        receiving_hrc_meeting_no="MOE/HRC/9",
    ) == ["13.6.1"]
    # Only the receiving agency accepts (13.6.5).
    assert refusal(
        tw.fire,
        case_id,
        "accept_candidate",
        "chair",
        selected_on=tw.today(),
        applicants="1",
        receiving_hrc_meeting_no="MOE/HRC/9",
    ) == ["13.6.5"]
    assert (
        tw.fire(
            case_id,
            "accept_candidate",
            "moe_chair",
            selected_on=tw.today(),
            applicants="2",
            selection_procedure="Interview and document review",
            receiving_hrc_meeting_no="MOE/HRC/9",
        )
        == "awaiting_order"
    )
    # MOH to MOE, no parent agency: the RCSC effects it (13.4.7).
    assert refusal(tw.fire, case_id, "issue_order", "hr", order_no="X", order_date=tw.today()) == [
        "13.4.7"
    ]
    assert (
        tw.fire(case_id, "issue_order", "rcsc", order_no="RCSC/TO/2026/118", order_date=tw.today())
        == "ordered"
    )
    assert dl(tw, case_id)["relief_due"] == (date(2027, 1, 13), "armed")  # 30 days (13.9.3)
    [entry] = entries(tw)
    assert entry.status == "ordered" and entry.start_on == date(2027, 1, 15)

    clock.now = bt("2026-12-18")  # Friday
    assert refusal(
        tw.fire, case_id, "relieve", "hr", relieved_on="2026-12-18", handing_over_confirmed=False
    ) == ["13.4.18"]
    assert (
        tw.fire(
            case_id,
            "relieve",
            "hr",
            relieved_on="2026-12-18",
            handing_over_confirmed=True,
            travel_days="2",
        )
        == "relieved"
    )
    data = tw.data(case_id)
    # Five working days Mon 21 - Fri 25 (preparatory leave, 13.11.1) plus two days' travel:
    # the joining time ends Sun 27; report by Mon 28, the first working day after (13.9.3).
    assert data["preparatory_leave"] == {
        "from": "2026-12-21",
        "to": "2026-12-25",
        "working_days": 5,
    }
    assert data["joining_time_ends_on"] == "2026-12-27"
    assert data["joining_due_on"] == "2026-12-28"
    assert data["joining_time"].endswith(
        "(reading R-13.9.3: report by the first working day after the joining time ends; the "
        "salary is withheld from the day after that, in force since Mon 07 Dec 2026)"
    )
    due = dl(tw, case_id)
    assert due["relief_due"] == (date(2027, 1, 13), "met")
    assert due["joining_due"] == (date(2026, 12, 28), "armed")
    assert due["personal_file_due"] == (date(2027, 1, 2), "armed")  # 15 days (13.4.17)
    [leave] = entries(tw, kind="leave")
    assert json.loads(leave.details)["leave_type"] == "preparatory"

    clock.now = bt("2026-12-28")
    assert refusal(tw.fire, case_id, "report_joining", "hr", reported_on="2026-12-28") == ["13.6.5"]
    assert tw.fire(case_id, "report_joining", "moe_hr", reported_on="2026-12-27") == "joined"
    cs = servant(tw)
    assert (cs.agency_code, cs.place_of_posting, cs.position_since) == (
        "MOE",
        "Trashigang",
        date(2026, 12, 27),
    )
    [entry] = entries(tw)
    assert entry.status == "completed" and entry.start_on == date(2026, 12, 27)
    # The relieving agency still sends the file after the civil servant left its register.
    assert (
        tw.fire(
            case_id,
            "send_personal_file",
            "hr",
            personal_file_sent_on="2026-12-28",
            dispatch_ref="MOH/HRD/D/901",
        )
        == "completed"
    )
    assert dl(tw, case_id)["personal_file_due"] == (date(2027, 1, 2), "met")
    assert tw.case(case_id).closed_at is not None
    chain_ok(tw)


def test_path_13_6_5_the_receiving_agency_refuses_the_candidate(tw):
    case_id = open_transfer(tw, "applicant", **proposal("lateral", **LATERAL))
    tw.fire(case_id, "recommend_noc", "hr", noc_no="N1", noc_recommended_on=tw.today())
    tw.fire(case_id, "endorse_noc", "chair", noc_endorsed_on=tw.today(), hrc_meeting_no="H1")
    assert (
        tw.fire(
            case_id,
            "refuse_candidate",
            "moe_chair",
            refusal_reasons="The position needs a statistics background",
        )
        == "refused"
    )
    assert tw.case(case_id).closed_at is not None
    assert entries(tw) == []
    chain_ok(tw)


def test_path_withdrawal_and_declining_before_the_order(tw):
    first = open_transfer(tw, "applicant", **proposal("lateral", **LATERAL))
    assert tw.fire(first, "withdraw", "applicant", withdrawal_reasons="Family reasons") == (
        "withdrawn"
    )
    second = open_transfer(tw, "applicant", **proposal())
    assert tw.fire(second, "decline", "chair", decline_reasons="Post cannot be spared") == (
        "not_approved"
    )
    chain_ok(tw)


# ------------------------------------------------------------------ planned transfer (13.4.2)


def test_path_13_4_2_planned_transfer_refused_order_goes_to_the_dc_and_is_cancelled(tw, clock):
    raw = proposal(
        "planned", receiving_agency="DOPH", effective_on="2027-07-01", new_station="Gelephu"
    )
    case_id = open_transfer(tw, **raw)
    data = tw.data(case_id)
    assert data["parent_agency"] == "MOH"  # DOPH's parent
    assert data["agreement_due_on"] == "2027-01-01"
    assert dl(tw, case_id)["list_agreement_due"] == (date(2027, 1, 1), "armed")
    # A department's officer may not agree the list for the parent agency (13.9.2).
    assert refusal(
        tw.fire,
        case_id,
        "agree_list",
        "doph_hr",
        agreed_on=tw.today(),
        list_ref="L",
        working_agency_consulted=True,
    ) == ["13.9.2"]
    assert (
        tw.fire(
            case_id,
            "agree_list",
            "hr",
            agreed_on=tw.today(),
            list_ref="MOH/TL/2027",
            working_agency_consulted=True,
        )
        == "awaiting_order"
    )
    assert dl(tw, case_id)["list_agreement_due"][1] == "met"
    assert (
        tw.fire(case_id, "issue_order", "chair", order_no="MOH/TO/2026/77", order_date=tw.today())
        == "ordered"
    )

    # Not relieved within 30 days: the sweep marks it; no transition (13.12.1 accountability).
    clock.now = bt("2027-01-14")
    report = timers.sweep(tw.engine, clock.now)
    assert report.fired == []
    assert dl(tw, case_id)["relief_due"] == (date(2027, 1, 13), "missed")
    assert tw.case(case_id).state == "ordered"

    assert (
        tw.fire(
            case_id,
            "refer_for_action",
            "chair",
            conduct="refused_order",
            particulars="Declined the order in writing on 2027-01-10",
        )
        == "ordered"
    )
    disc_id = tw.data(case_id)["disciplinary_case_id"]
    disc = tw.case(disc_id)
    assert (disc.process, disc.state, disc.subject_eid) == ("disciplinary", "received", "E200")
    disc_data = json.loads(disc.data)
    assert disc_data["opened_by"] == "agency" and "13.12.2" in disc_data["narration"]
    assert refusal(
        tw.fire, case_id, "refer_for_action", "chair", conduct="refused_order", particulars="again"
    ) == ["13.12.2"]

    # 13.9.6: cancellation needs the special circumstances.
    assert refusal(tw.fire, case_id, "cancel_order", "chair", cancellation_order_no="C1") == [
        "13.9.6"
    ]
    assert tw.fire(
        case_id,
        "cancel_order",
        "chair",
        cancellation_order_no="MOH/TO/2027/3",
        special_circumstances="Post at Gelephu abolished on rationalisation",
    ) == ("cancelled")
    [entry] = entries(tw)
    assert entry.status == "cancelled"
    assert servant(tw).agency_code == "MOH"
    chain_ok(tw)


# ------------------------------------------------------------------ joining time (13.9.4)


def _ordered_on_request(tw, **kw: Any) -> int:
    case_id = open_transfer(tw, **proposal(**kw))
    tw.fire(
        case_id,
        "recommend_request",
        "chair",
        recommended_on=tw.today(),
        hrc_meeting_no="MOH/HRC/22",
        recommendation="Recommended on family grounds",
    )
    tw.fire(case_id, "issue_order", "rcsc", order_no="RCSC/TO/9", order_date=tw.today())
    return case_id


def test_path_13_9_4_not_reporting_in_time_withholds_salary_then_late_reporting(tw, clock):
    case_id = _ordered_on_request(tw)
    tw.fire(
        case_id,
        "relieve",
        "hr",
        relieved_on=tw.today(),
        handing_over_confirmed=True,
        travel_days="1",
    )
    # Mon 14 Dec: Tue 15 - Tue 22 (17 Dec National Day) + 1 day of travel: the joining time
    # ends Wed 23; report by Thu 24, the first working day after (13.9.3, 2023.2).
    assert tw.data(case_id)["joining_due_on"] == "2026-12-24"
    clock.now = bt("2026-12-24")
    assert timers.sweep(tw.engine, clock.now).fired == []  # due today: not yet missed
    clock.now = bt("2026-12-25")
    report = timers.sweep(tw.engine, clock.now)
    assert [t for _, t in report.fired] == ["joining_lapsed"]
    assert tw.case(case_id).state == "salary_withheld"
    data = tw.data(case_id)
    assert data["salary_withheld"] is True and data["salary_withheld_from"] == "2026-12-25"

    assert (
        tw.fire(case_id, "send_personal_file", "hr", personal_file_sent_on="2026-12-25")
        == "salary_withheld"
    )
    clock.now = bt("2026-12-29")
    assert (
        tw.fire(
            case_id,
            "report_joining",
            "moe_hr",
            reported_on="2026-12-29",
            late_reason="Road closed at Thrumshingla",
        )
        == "completed"
    )
    data = tw.data(case_id)
    assert data["salary_withheld"] is False and data["salary_released_from"] == "2026-12-29"
    assert data["reported_late_days"] == 5
    assert servant(tw).agency_code == "MOE"
    chain_ok(tw)


def test_13_9_4_the_relieving_agency_may_withhold_and_refer_before_the_sweep(tw, clock):
    case_id = _ordered_on_request(tw, distance_km="5", change_of_residence=False)
    tw.fire(case_id, "relieve", "hr", relieved_on=tw.today(), handing_over_confirmed=True)
    assert tw.data(case_id)["joining_due_on"] == "2026-12-15"  # the next working day
    assert refusal(tw.fire, case_id, "withhold_salary", "hr", withholding_order_no="W") == [
        "13.9.4"
    ]
    clock.now = bt("2026-12-16")
    assert tw.fire(case_id, "withhold_salary", "hr", withholding_order_no="MOH/HRD/W/4") == (
        "salary_withheld"
    )
    assert dl(tw, case_id)["joining_due"] == (date(2026, 12, 15), "missed")
    assert timers.sweep(tw.engine, clock.now).fired == []  # already settled: nothing to fire
    assert (
        tw.fire(
            case_id,
            "refer_for_action",
            "chair",
            conduct="not_reported",
            particulars="Not reported at Trashigang",
        )
        == "salary_withheld"
    )
    assert tw.case(tw.data(case_id)["disciplinary_case_id"]).process == "disciplinary"
    chain_ok(tw)


def test_13_9_3_the_receiving_agency_extends_the_joining_time(tw, clock):
    case_id = _ordered_on_request(tw)
    tw.fire(case_id, "relieve", "hr", relieved_on=tw.today(), handing_over_confirmed=True)
    assert tw.data(case_id)["joining_due_on"] == "2026-12-23"  # joining time ends Tue 22
    assert (
        tw.fire(
            case_id,
            "extend_joining",
            "moe_hr",
            joining_due_on="2027-01-04",
            extension_reasons="Medical treatment of a child",
        )
        == "relieved"
    )
    clock.now = bt("2026-12-30")
    assert timers.sweep(tw.engine, clock.now).fired == []
    rows = [(d.kind, d.due_on, d.status) for d in tw.deadlines(case_id) if d.kind == "joining_due"]
    assert rows == [
        ("joining_due", date(2026, 12, 23), "cancelled"),
        ("joining_due", date(2027, 1, 4), "armed"),
    ]
    # The personal file is now overdue (15 days from relief, 13.4.17): marked, no transition.
    assert dl(tw, case_id)["personal_file_due"] == (date(2026, 12, 29), "missed")
    assert tw.case(case_id).state == "relieved"


# ------------------------------------------------------------------ OSA and foreign posting


def test_path_13_7_osa_approved_by_the_rcsc_and_the_return(tw, clock):
    raw = proposal(
        "osa",
        super_structure_change=True,
        term_end_on="2029-12-31",
        effective_on="2027-01-01",
        new_position="OSA, Curriculum Development",
    )
    case_id = open_transfer(tw, **raw)
    assert tw.data(case_id)["competent_authority"] == "RCSC (BCSR 13.3.1, 13.7.11)"
    assert (
        tw.fire(
            case_id,
            "submit_osa",
            "moe_hr",
            vacancy_available=True,
            relieving_agency_consulted=True,
            submitted_on=tw.today(),
        )
        == "awaiting_order"
    )
    assert refusal(tw.fire, case_id, "issue_order", "hr", order_no="X", order_date=tw.today()) == [
        "13.3.1, 13.7.11"
    ]
    tw.fire(case_id, "issue_order", "rcsc", order_no="RCSC/OSA/2026/4", order_date=tw.today())
    [entry] = entries(tw)
    assert entry.end_on == date(2029, 12, 31)
    tw.fire(
        case_id,
        "relieve",
        "hr",
        relieved_on=tw.today(),
        handing_over_confirmed=True,
        travel_days="2",
    )
    clock.now = bt("2026-12-28")
    assert tw.fire(case_id, "report_joining", "moe_hr", reported_on="2026-12-28") == (
        "on_assignment"
    )
    assert dl(tw, case_id)["term_ends"] == (date(2029, 12, 31), "armed")
    assert (
        tw.fire(case_id, "send_personal_file", "hr", personal_file_sent_on="2026-12-28")
        == "on_assignment"
    )
    assert servant(tw).agency_code == "MOE"

    clock.now = bt("2030-01-02")
    assert tw.fire(case_id, "record_return", "hr", returned_on="2030-01-02") == "returned"
    cs = servant(tw)
    assert (cs.agency_code, cs.place_of_posting, cs.position_title, cs.position_since) == (
        "MOH",
        "Thimphu",
        "Planning Officer",
        date(2018, 3, 1),
    )
    [entry] = entries(tw)
    assert (entry.status, entry.end_on) == ("completed", date(2030, 1, 2))
    chain_ok(tw)


def test_path_13_8_foreign_posting_within_the_agency(tw):
    raw = proposal(
        "foreign",
        receiving_agency="MOH",
        new_station="Embassy of Bhutan, New Delhi",
        new_position="Attaché (Health)",
        term_end_on="2029-12-31",
        effective_on="2027-01-01",
    )
    case_id = open_transfer(tw, **raw)
    assert (
        tw.fire(
            case_id,
            "record_selection",
            "hr",
            open_competition=True,
            post_approved=True,
            selected_on=tw.today(),
        )
        == "awaiting_order"
    )
    assert (
        tw.fire(case_id, "issue_order", "chair", order_no="MOH/TO/F/1", order_date=tw.today())
        == "ordered"
    )


# ------------------------------------------------------------------ refusals at the opening


def test_opening_refuses_the_ineligible_with_their_sections(tw):
    tw.make_servant("E201", position_since=date(2025, 3, 1), place_of_posting="Thimphu")
    assert refusal(open_transfer, tw, eid="E201", **proposal()) == ["13.4.5.1"]
    tw.make_servant("E202", date_of_birth=date(1967, 5, 1), position_since=date(2010, 1, 1))
    assert refusal(open_transfer, tw, eid="E202", **proposal()) == ["13.4.13"]
    assert refusal(open_transfer, tw, **proposal(super_structure_change=True)) == ["13.4.5.4"]
    # A civil servant applies only on request or for a lateral vacancy (13.4.1).
    assert refusal(open_transfer, tw, "applicant", **proposal("planned")) == ["13.4.1"]
    assert refusal(open_transfer, tw, **proposal(receiving_agency="XYZ")) == ["13.3.1"]
    # The MOE cannot propose an MOH officer's transfer (13.4.1).
    assert refusal(open_transfer, tw, "moe_hr", **proposal()) == ["13.4.1"]
    with tw.session() as s:
        assert s.exec(select(Case).where(Case.process == "transfer")).all() == []


def test_transfer_history_bars_a_new_transfer(tw, clock):
    case_id = _ordered_on_request(tw)
    tw.fire(case_id, "relieve", "hr", relieved_on=tw.today(), handing_over_confirmed=True)
    tw.fire(case_id, "report_joining", "moe_hr", reported_on=tw.today())
    # Back in the register at MOE since today: 13.4.5.1 and 13.4.10 both apply.
    raw = proposal(receiving_agency="MOH", effective_on="2028-06-01")
    assert refusal(open_transfer, tw, "moe_hr", **raw) == ["13.4.5.1", "13.4.10"]


def test_the_eligibility_page_shows_refusals_and_warnings(tw, clock):
    tw.make_servant("E203", position_since=date(2022, 6, 1), place_of_posting="Paro")
    with tw.session() as s:
        found = applications.eligibility(
            s,
            "transfer",
            "E203",
            {"transfer_kind": "planned", "effective_on": "2027-01-15"},
            clock.today,
        )
    assert found.eligible
    assert [w.cite for w in found.warnings] == ["13.4.6"]
    with tw.session() as s:
        found = applications.eligibility(
            s, "transfer", "E203", {"super_structure_change": "true"}, clock.today
        )
    assert [u.cite for u in found.unmet] == ["13.4.5.4"]
    with tw.session() as s:
        found = applications.eligibility(
            s, "transfer", "E203", {"effective_on": "2025-01-01"}, clock.today
        )
    assert [u.cite for u in found.unmet] == ["13.4.5.1"]


# ------------------------------------------------------------------ demo data


def test_the_demo_builds_the_transfer_cases(db_url):
    engine = engine_for(db_url)
    try:
        summary = seed.build(engine, datetime(2026, 12, 14, 4, 0, tzinfo=UTC))
        cases = {c["key"]: c for c in summary["cases"] if c["process"] == "transfer"}
        assert {k: c["state"] for k, c in cases.items()} == {
            "transfer_lateral": "awaiting_acceptance",
            "transfer_ordered": "ordered",
            "transfer_file_overdue": "relieved",
            "transfer_withheld": "salary_withheld",
            "transfer_joined": "completed",
        }
        assert cases["transfer_file_overdue"]["next_deadline"]["kind"] == "personal_file_due"
        assert cases["transfer_file_overdue"]["next_deadline"]["overdue"] is True
        with Session(engine) as s:
            assert audit.verify(s).ok
            withheld = json.loads(s.get(Case, cases["transfer_withheld"]["id"]).data)  # type: ignore[union-attr]
            disc = s.get(Case, withheld["disciplinary_case_id"])
            assert disc is not None and disc.process == "disciplinary"
            joined = s.get(CivilServant, cases["transfer_joined"]["subject_eid"])
            assert joined is not None and joined.place_of_posting == "Mongar"
            for eid in ("E13406", "E13407", "E13408", "E13409"):
                found = applications.eligibility(s, "transfer", eid, {}, date(2026, 12, 14))
                assert not found.eligible, eid
    finally:
        engine.dispose()
