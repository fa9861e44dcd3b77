"""Every path through the extraordinary-leave machine (BCSR 8.12, 8.14), walked against a
real database through ``service.open_case``/``fire`` and the sweep, with the clock moved
as the days pass: states, deadlines, the EOL line of the service record, the disciplinary
case a breach opens, the compulsory-retirement queue and the separation it ends in.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from cases.core import audit, calendar_store, profiles, queries, timers
from cases.core.db import transaction
from cases.core.models import Agency, Case, CivilServant
from cases.processes import applications
from tests.applications import eol_application
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ
from workflows.engine import Refused

START = date(2027, 1, 4)  # the clock starts on Monday 2026-12-14
END = date(2027, 8, 31)  # about eight months: longer than the six protected


def bt(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


def application(**kw: Any) -> dict[str, Any]:
    return eol_application(**{"start_on": START.isoformat(), "end_on": END.isoformat(), **kw})


def apply(world, eid: str = "E100", username: str = "hr", **kw: Any) -> int:
    return world.open_case("eol", eid, username, application(**kw))


def refused(fn, *args, **kw) -> list[str]:
    with pytest.raises(Refused) as exc:
        fn(*args, **kw)
    return [r.cite for r in exc.value.refusals]


def grant(world, case_id: int, username: str = "chair", **kw: Any) -> str:
    fields = {"decided_on": world.today(), "hrc_meeting_no": "MOH/HRC/2026/12", **kw}
    return world.fire(case_id, "approve", username, **fields)


def move_to(world, day: date, hour: int = 10) -> None:
    world.clock.now = bt(day, hour)


def sweep(world) -> timers.SweepReport:
    return timers.sweep(world.engine, world.clock.now)


def eol_line(world, case_id: int):
    with world.session() as s:
        row = profiles.case_entry(s, case_id, "eol")
        if row is None:
            return None
        return row.kind, row.start_on, row.end_on, row.status, json.loads(row.details)


def record(world, eid: str = "E100", day: date | None = None):
    with world.session() as s:
        return profiles.profile_of(s, eid, day or world.clock.today)


def first_working_day_after(world, day: date) -> date:
    with world.session() as s:
        return calendar_store.load(s).add_working_days(day, 1)


def trail(world, case_id: int) -> list[str]:
    with world.session() as s:
        return [e.trigger for e in audit.events_for(s, case_id)]


def deadlines(world, case_id: int) -> list[tuple[str, date, str]]:
    return [(d.kind, d.due_on, d.status) for d in world.deadlines(case_id)]


def chain_ok(world) -> None:
    with world.session() as s:
        result = audit.verify(s)
    assert result.ok, result.problem


@pytest.fixture
def applicant(world):
    return world.add_user("dorji", (R.CIVIL_SERVANT,), employee_eid="E100")


# ------------------------------------------------------------------ the main path


def test_main_path_applied_by_the_civil_servant_granted_on_leave_unprotected_rejoined(
    world, applicant
):
    case_id = apply(world, username="dorji")
    assert world.case(case_id).state == "applied"
    data = world.data(case_id)
    assert data["submitted_by"] == "applicant" and data["applied_days"] == 240
    assert eol_line(world, case_id) is None  # nothing on the record until it is granted

    assert grant(world, case_id) == "approved"
    kind, start, end, status, details = eol_line(world, case_id)
    assert (kind, start, end, status) == ("eol", START, END, "approved")
    assert details["decision_ref"] == "MOH/HRC/2026/12"
    assert world.data(case_id)["approving_authority"] == "HRC of MOH (BCSR 8.12.16(iii))"
    assert deadlines(world, case_id) == [("leave_commences", START, "armed")]

    move_to(world, START)
    assert world.fire(case_id, "commence", "hr", commenced_on=START.isoformat()) == "on_leave"
    assert eol_line(world, case_id)[3] == "on_leave"
    due = first_working_day_after(world, END)
    assert deadlines(world, case_id) == [
        ("leave_commences", START, "met"),
        ("rejoin_due", due, "armed"),
        ("position_protection", date(2027, 7, 3), "armed"),
    ]
    # 8.12.6: EOL is not active service.
    assert record(world, day=date(2027, 3, 4)).inactive_days(date(2027, 3, 4), "eol") == 60

    # 8.12.14: six months on, the sweep records that the position is no longer protected.
    move_to(world, date(2027, 7, 3))
    assert sweep(world).fired == []
    move_to(world, date(2027, 7, 4))
    report = sweep(world)
    assert [t for _d, t in report.fired] == ["protection_lapses"]
    assert world.case(case_id).state == "on_leave"
    data = world.data(case_id)
    assert data["position_protected"] is False
    assert "Waiting List (13.5.1.2 ii)" in data["position_note"]
    assert eol_line(world, case_id)[4]["position_protected"] is False

    move_to(world, due)
    state = world.fire(
        case_id, "rejoin", "hr", rejoined_on=due.isoformat(), placement="waiting_list"
    )
    assert state == "on_waiting_list"  # 2023.2: its six months run (13.5.1.5)
    kind, start, end, status, details = eol_line(world, case_id)
    assert (start, end, status) == (START, due - timedelta(days=1), "completed")
    assert details["placement"] == "waiting_list"
    assert world.data(case_id)["waiting_list"] is True
    assert record(world).eol_days() == (due - START).days
    assert [s for _k, _d, s in deadlines(world, case_id)] == ["met", "met", "missed", "armed"]
    assert trail(world, case_id) == [
        "open",
        "approve",
        "commence",
        "deadline_missed:position_protection",
        "protection_lapses",
        "rejoin",
    ]
    chain_ok(world)


def test_early_return_cuts_the_eol_to_the_day_before_rejoining(world):
    case_id = apply(world)
    grant(world, case_id)
    move_to(world, START)
    world.fire(case_id, "commence", "hr", commenced_on=START.isoformat())
    move_to(world, date(2027, 2, 15))
    with pytest.raises(Refused) as exc:  # still protected: no waiting list
        world.fire(case_id, "rejoin", "hr", rejoined_on="2027-02-15", placement="waiting_list")
    assert [r.cite for r in exc.value.refusals] == ["8.12.14"]
    state = world.fire(case_id, "rejoin", "hr", rejoined_on="2027-02-15", placement="own_position")
    assert state == "rejoined"
    assert eol_line(world, case_id)[2] == date(2027, 2, 14)
    assert world.data(case_id)["eol_days_taken"] == 42
    assert all(s != "armed" for _k, _d, s in deadlines(world, case_id))


def test_the_leave_begins_by_itself_on_the_day_granted(world):
    case_id = apply(world)
    grant(world, case_id)
    move_to(world, START, 18)
    assert sweep(world).fired == []  # the HR officer has the start day to relieve
    move_to(world, START + timedelta(days=1), 1)
    assert [t for _d, t in sweep(world).fired] == ["leave_begins"]
    assert world.case(case_id).state == "on_leave"
    assert world.data(case_id)["commenced_on"] == START.isoformat()
    assert eol_line(world, case_id)[1:4] == (START, END, "on_leave")
    kinds = {k: s for k, _d, s in deadlines(world, case_id)}
    assert kinds == {
        "leave_commences": "missed",
        "rejoin_due": "armed",
        "position_protection": "armed",
    }


# ------------------------------------------------------------------ refusal, withdrawal


def test_rejection_needs_reasons_and_leaves_no_record(world):
    case_id = apply(world)
    fields = {"decided_on": world.today(), "hrc_meeting_no": "MOH/HRC/2026/12"}
    assert refused(world.fire, case_id, "reject", "chair", **fields) == ["8.12.16"]
    state = world.fire(
        case_id, "reject", "chair", rejection_reasons="The unit is short-staffed.", **fields
    )
    assert state == "rejected"
    assert eol_line(world, case_id) is None
    assert world.case(case_id).closed_at is not None


def test_withdrawal_by_the_applicant_before_a_decision(world, applicant):
    case_id = apply(world)
    assert world.fire(case_id, "withdraw", "dorji", withdrawal_reasons="Father recovered") == (
        "withdrawn"
    )
    assert eol_line(world, case_id) is None


def test_withdrawal_is_refused_once_the_leave_begins(world):
    case_id = apply(world)
    grant(world, case_id)
    move_to(world, START)
    assert refused(world.fire, case_id, "withdraw", "hr") == ["8.12.10"]


def test_withdrawn_granted_leave_keeps_its_planned_dates_but_counts_no_days(world):
    case_id = apply(world)
    grant(world, case_id)
    assert world.fire(case_id, "withdraw", "hr") == "withdrawn"
    kind, start, end, status, details = eol_line(world, case_id)
    assert (start, end, status) == (None, None, "revoked")
    assert details["planned_start_on"] == START.isoformat()
    assert "withdrawn before the leave began" in details["note"]
    assert record(world).eol_days() == 0
    assert deadlines(world, case_id) == [("leave_commences", START, "cancelled")]


# ------------------------------------------------------------------ eligibility at opening


def test_a_second_eol_waits_until_the_first_is_over(world):
    first = apply(world)
    grant(world, first)
    assert refused(apply, world, start_on="2027-10-01", end_on="2027-10-31") == ["8.12.1"]


@pytest.mark.parametrize(
    ("overrides", "history", "cites"),
    [
        ({"probation_end": date(2027, 3, 31), "appointment_date": date(2026, 4, 1)}, [], None),
        ({"employment_type": "contract"}, [], ["8 (Leave Types and Eligibility)"]),
        (
            {},
            [
                {
                    "kind": "ltt",
                    "start_on": date(2022, 8, 1),
                    "end_on": date(2024, 7, 31),
                    "status": "completed",
                    "level": "masters",
                    "mode": "full_time",
                    "obligation_end": "2028-07-31",
                }
            ],
            ["7.7.7.8, 8.12.4.3"],
        ),
        (
            {},
            [
                {
                    "kind": "ltt",
                    "start_on": date(2024, 1, 1),
                    "end_on": date(2024, 12, 31),
                    "status": "pending_completion",
                    "level": "bachelors",
                    "mode": "full_time",
                }
            ],
            ["7.7.8.1 iii"],
        ),
        (
            {},
            [
                {
                    "kind": "stt",
                    "start_on": date(2026, 11, 2),
                    "end_on": date(2026, 11, 13),
                    "status": "completed",
                }
            ],
            ["7.6.3.3, 8.12.4.3"],
        ),
        (
            {},
            [
                {
                    "kind": "eol",
                    "start_on": date(2016, 1, 1),
                    "end_on": date(2017, 6, 30),
                    "status": "completed",
                }
            ],
            ["8.12.1, 8.12.2"],
        ),
        (
            {},
            [
                {
                    "kind": "leave",
                    "start_on": date(2026, 12, 28),
                    "end_on": date(2027, 1, 3),
                    "status": "taken",
                    "leave_type": "earned",
                }
            ],
            ["8.12.3, 7.7.6.2"],
        ),
    ],
    ids=["probation", "contract", "ltt-obligation", "ltt-pending", "stt", "cap", "adjoining"],
)
def test_eligibility_is_enforced_when_applying(world, overrides, history, cites):
    world.make_servant("E200", **overrides)
    with transaction(world.engine) as s:
        for h in history:
            profiles.add_entry(s, eid="E200", now=world.clock.now, by="register", **h)
    got = refused(apply, world, "E200")
    if cites is None:  # on probation and, for eight months, without five years of service
        assert got == ["8.12.4.1", "8.12.4.2"]
    else:
        assert got == cites


def test_a_court_case_on_official_functions_is_only_a_warning(world):
    with transaction(world.engine) as s:
        profiles.add_entry(
            s,
            eid="E100",
            kind="court_case",
            now=world.clock.now,
            by="register",
            start_on=date(2026, 6, 1),
            status="pending",
            official_functions=True,
            note="Tender dispute",
        )
        found = applications.eligibility(
            s,
            "eol",
            "E100",
            {"start_on": START.isoformat(), "end_on": END.isoformat()},
            world.clock.today,
        )
    assert found.eligible
    assert [w.cite for w in found.warnings] == ["8.12.4.4"]
    assert "Tender dispute" in found.warnings[0].reason
    assert apply(world)  # the authority weighs it


def test_the_eligibility_query_copes_without_dates(world):
    world.make_servant("E200", probation_end=date(2027, 6, 30), appointment_date=date(2026, 7, 1))
    with world.session() as s:
        found = applications.eligibility(s, "eol", "E200", {}, world.clock.today)
    assert [u.cite for u in found.unmet] == ["8.12.4.1"]


# ------------------------------------------------------------------ the competent authority


def test_8_12_16_the_rcsc_grants_an_executives_leave(world):
    world.make_servant("E300", level="ES1")
    case_id = apply(world, "E300")
    fields = {"decided_on": world.today(), "hrc_meeting_no": "MOH/HRC/1"}
    assert refused(world.fire, case_id, "approve", "chair", **fields) == ["8.12.16(i)"]
    assert refused(world.fire, case_id, "approve", "rcsc", decided_on=world.today()) == [
        "8.12.16(i)"
    ]
    assert (
        world.fire(
            case_id, "approve", "rcsc", decided_on=world.today(), rcsc_decision_ref="RCSC/EOL/7"
        )
        == "approved"
    )
    assert eol_line(world, case_id)[4]["decision_ref"] == "RCSC/EOL/7"
    assert world.data(case_id)["approving_authority"] == "RCSC (BCSR 8.12.16(i))"


def test_8_12_16_a_constitutional_office_grants_its_own_ex2_leave(world):
    with transaction(world.engine) as s:
        s.add(Agency(code="ECB", name="Election Commission of Bhutan", kind="constitutional"))
    world.make_servant("E400", level="EX2", agency="ECB")
    world.add_user("ecb_hr", (R.HR_OFFICER,), agency="ECB")
    world.add_user("ecb_chair", (R.HRC_CHAIR,), agency="ECB")
    case_id = apply(world, "E400", username="ecb_hr")
    fields = {"decided_on": world.today(), "rcsc_decision_ref": "RCSC/1"}
    assert refused(world.fire, case_id, "approve", "rcsc", **fields) == ["8.12.16(ii)"]
    assert grant(world, case_id, "ecb_chair") == "approved"


# ------------------------------------------------------------------ failing to rejoin


def on_leave(world, **kw: Any) -> int:
    case_id = apply(world, **kw)
    grant(world, case_id)
    start = date.fromisoformat(world.data(case_id)["start_on"])
    move_to(world, start)
    world.fire(case_id, "commence", "hr", commenced_on=start.isoformat())
    return case_id


def test_8_12_15_the_sweep_proposes_retirement_and_the_hrc_retires(world):
    case_id = on_leave(world, end_on="2027-03-31")
    due = first_working_day_after(world, date(2027, 3, 31))
    move_to(world, due + timedelta(days=1))
    assert [t for _d, t in sweep(world).fired] == ["rejoin_missed"]
    assert world.case(case_id).state == "retirement_proposed"
    data = world.data(case_id)
    assert data["retirement_ground"] == (
        "Did not rejoin the service on completion of extraordinary leave "
        f"(due by {due.isoformat()}) (BCSR 8.12.15)"
    )
    assert eol_line(world, case_id)[3] == "not_rejoined"
    with world.session() as s:
        queued = queries.queue(s, world.actors["chair"], "compulsory_retirement")
    assert [c.id for c, _name in queued] == [case_id]

    assert refused(world.fire, case_id, "retire", "hr", order_no="X") == ["8.12.15"]
    state = world.fire(case_id, "retire", "chair", order_no="MOH/HRC/CR/3")
    assert state == "retired"
    with world.session() as s:
        cs = s.get(CivilServant, "E100")
        assert cs.status == "separated" and cs.separated_on == world.clock.today
        assert "8.12.15" in cs.separation_reason
    kind, start, end, status, details = eol_line(world, case_id)
    assert (end, status, details["retirement_order_no"]) == (
        date(2027, 3, 31),
        "not_rejoined",
        "MOH/HRC/CR/3",
    )
    chain_ok(world)


def test_8_12_15_the_hr_officer_reports_a_failure_to_rejoin_without_waiting(world):
    case_id = on_leave(world, end_on="2027-03-31")
    due = first_working_day_after(world, date(2027, 3, 31))
    move_to(world, due)
    assert refused(world.fire, case_id, "report_not_rejoined", "hr") == ["8.12.15"]
    move_to(world, due + timedelta(days=1), 8)
    assert world.fire(case_id, "report_not_rejoined", "hr") == "retirement_proposed"
    assert ("rejoin_due", due, "missed") in deadlines(world, case_id)
    assert sweep(world).fired == []


def test_8_12_15_condoned_the_civil_servant_rejoins_and_the_absence_is_not_eol(world):
    case_id = on_leave(world, end_on="2027-03-31")
    due = first_working_day_after(world, date(2027, 3, 31))
    move_to(world, due + timedelta(days=1), 8)
    world.fire(case_id, "report_not_rejoined", "hr")
    move_to(world, date(2027, 4, 6))
    assert refused(world.fire, case_id, "condone", "chair") == ["8.12.15"]
    state = world.fire(case_id, "condone", "chair", reasons="Roads closed by landslides.")
    assert state == "to_rejoin"
    rejoin_by = date.fromisoformat(world.data(case_id)["rejoin_by"])
    with world.session() as s:
        assert rejoin_by == calendar_store.load(s).add_working_days(date(2027, 4, 6), 5)
    assert ("rejoin_due", rejoin_by, "armed") in deadlines(world, case_id)
    assert "retirement_ground" not in world.data(case_id)

    move_to(world, date(2027, 4, 8))
    state = world.fire(case_id, "rejoin", "hr", rejoined_on="2027-04-08", placement="own_position")
    assert state == "rejoined"
    kind, start, end, status, details = eol_line(world, case_id)
    assert (end, status) == (date(2027, 3, 31), "completed")
    assert details["absent_without_leave"].startswith("2027-04-01 to 2027-04-07")


# ------------------------------------------------------------------ revocation (8.14)


def test_8_14_revoked_before_it_begins(world):
    case_id = apply(world)
    grant(world, case_id)
    state = world.fire(
        case_id,
        "revoke",
        "chair",
        revoked_on=world.today(),
        revocation_order_no="MOH/HRC/REV/2",
        revocation_reasons="Every nurse is needed for the measles campaign.",
    )
    assert state == "revoked"
    kind, start, end, status, details = eol_line(world, case_id)
    assert (start, end, status) == (None, None, "revoked")
    assert "revoked (8.14.1) before the leave began" in details["note"]
    assert record(world).eol_days() == 0


def test_8_14_revoked_during_the_leave_the_rejoining_counts_from_the_date_set(world):
    case_id = on_leave(world)
    move_to(world, date(2027, 2, 1))
    revoke = {
        "revoked_on": "2027-02-01",
        "revocation_order_no": "MOH/HRC/REV/3",
        "revocation_reasons": "Outbreak response.",
    }
    assert refused(world.fire, case_id, "revoke", "chair", rejoin_by="2026-12-31", **revoke) == [
        "8.14.1",
        "8.14.1",
    ]
    assert world.fire(case_id, "revoke", "chair", rejoin_by="2027-02-15", **revoke) == "to_rejoin"
    assert eol_line(world, case_id)[2] == date(2027, 2, 14)
    armed = [d for d in deadlines(world, case_id) if d[2] == "armed"]
    assert ("rejoin_due", date(2027, 2, 15), "armed") in armed
    assert ("rejoin_due", first_working_day_after(world, END), "cancelled") in deadlines(
        world, case_id
    )
    move_to(world, date(2027, 2, 12))
    state = world.fire(case_id, "rejoin", "hr", rejoined_on="2027-02-12", placement="own_position")
    assert state == "rejoined"
    assert eol_line(world, case_id)[2:4] == (date(2027, 2, 11), "revoked")


def test_8_14_a_recalled_civil_servant_who_does_not_rejoin_is_proposed_for_retirement(world):
    case_id = on_leave(world)
    move_to(world, date(2027, 2, 1))
    world.fire(
        case_id,
        "revoke",
        "chair",
        revoked_on="2027-02-01",
        revocation_order_no="R/4",
        revocation_reasons="Exigencies",
        rejoin_by="2027-02-15",
    )
    move_to(world, date(2027, 2, 16))
    assert [t for _d, t in sweep(world).fired] == ["rejoin_missed"]
    assert world.case(case_id).state == "retirement_proposed"
    assert "due by 2027-02-15" in world.data(case_id)["retirement_ground"]


# ------------------------------------------------------------------ breach (8.12.11)


def test_8_12_11_a_breach_opens_a_disciplinary_case_linked_from_the_eol(world):
    case_id = on_leave(world)
    move_to(world, date(2027, 3, 1))
    breach = {
        "breach": "conflicting_employment",
        "breach_particulars": "Found working full time for a private clinic in Phuentsholing.",
        "evidence": "Clinic duty roster; statement of the clinic manager",
        "breach_found_on": "2027-02-26",
    }
    assert world.fire(case_id, "report_breach", "hr", **breach) == "on_leave"
    linked = world.data(case_id)["disciplinary_case_id"]
    disciplinary = world.case(linked)
    assert (disciplinary.process, disciplinary.state, disciplinary.subject_eid) == (
        "disciplinary",
        "received",
        "E100",
    )
    data = json.loads(disciplinary.data)
    assert data["opened_by"] == "agency" and data["received_on"] == "2027-02-26"
    assert "8.12.11" in data["narration"] and "private clinic" in data["narration"]
    assert eol_line(world, case_id)[4]["disciplinary_case"] == linked
    assert record(world).pending_disciplinary == 1
    assert refused(world.fire, case_id, "report_breach", "hr", **breach) == ["8.12.11"]
    chain_ok(world)


# ------------------------------------------------------------------ the demo


def test_the_demo_builds_the_eol_cases_and_eligibility_panels(engine):
    from cases.demo import seed

    summary = seed.build(engine, datetime.now(UTC))
    cases = {c["key"]: c for c in summary["cases"] if c["process"] == "eol"}
    assert {k: c["state"] for k, c in cases.items()} == {
        "eol_applied": "applied",
        "eol_rcsc": "approved",
        "eol_on_leave": "on_leave",
        "eol_not_rejoined": "retirement_proposed",
        "eol_rejoined": "rejoined",
    }
    assert cases["eol_on_leave"]["next_deadline"]["kind"] == "position_protection"
    assert cases["eol_on_leave"]["next_deadline"]["overdue"] is True
    with Session(engine) as s:
        today = datetime.now(UTC).date()
        unmet = {
            eid: [u.cite for u in applications.eligibility(s, "eol", eid, {}, today).unmet]
            for eid in ("E8126", "E8127", "E8128", "E8129")
        }
        warned = applications.eligibility(s, "eol", "E8127", {}, today).warnings
        queued = s.exec(select(Case).where(Case.state == "retirement_proposed")).all()
    assert unmet["E8126"] == ["8.12.4.1"]
    assert unmet["E8127"] == ["7.6.3.3, 8.12.4.3", "7.7.7.8, 8.12.4.3"]
    assert unmet["E8128"] == ["7.7.8.1 iii"]
    assert unmet["E8129"] == ["8 (Leave Types and Eligibility)"]
    assert [w.cite for w in warned] == ["8.12.4.4"]
    assert any(json.loads(c.data).get("retirement_ground") for c in queued)
