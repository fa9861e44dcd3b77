"""The service record: penalties entered at communication (19.11.9), repeated minor
penalties (19.11.13.4), and the RCSC's Negative List (19.14).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from cases.core.db import transaction
from cases.core.models import Penalty
from cases.people import record

GUILTY_REPRIMAND = [{"charge": 1, "finding": "guilty", "penalty": "reprimand"}]


def penalties(world, eid: str = "E100") -> list[Penalty]:
    with world.session() as s:
        return list(s.exec(select(Penalty).where(Penalty.eid == eid).order_by(Penalty.id)).all())


def standing(world, today: date, eid: str = "E100") -> record.Standing:
    with world.session() as s:
        return record.standing(s, eid, today)


def minor_case(world, eid: str = "E100", respondent: str = "respondent") -> int:
    """A case ending in one reprimand for offence 11 (Minor), communicated."""
    return world.walk_to(
        "decided", eid, charges=["11"], findings=GUILTY_REPRIMAND, respondent=respondent
    )


def add_penalty(world, case_id: int, severity: str, term_ends_on: date | None = None) -> None:
    with transaction(world.engine) as s:
        s.add(
            Penalty(
                case_id=case_id,
                eid="E100",
                charge_no=1,
                offence_no=15,
                code="reprimand" if severity == "minor" else "demotion",
                severity=severity,
                imposed_on=date(2026, 1, 1),
                term_ends_on=term_ends_on,
            )
        )


def test_19_11_9_penalties_enter_the_service_record_when_the_decision_is_communicated(world):
    case_id = world.walk_to("endorsed")
    assert penalties(world) == []  # decided and endorsed, but not yet communicated
    world.fire(
        case_id,
        "communicate_decision",
        "chair",
        letter_no="MOH/HR/7",
        decision_received_on=world.today(),
        copy_to_rcsc=True,
    )
    rows = penalties(world)
    assert [(p.charge_no, p.offence_no, p.code, p.severity, p.status) for p in rows] == [
        (1, 11, "reprimand", "minor", "in_force"),
        (2, 3, "demotion", "major", "in_force"),
    ]
    assert {p.case_id for p in rows} == {case_id}
    assert {p.imposed_on for p in rows} == {world.clock.today}


def test_19_11_9_a_charge_not_proven_leaves_no_penalty(world):
    world.walk_to(
        "decided",
        findings=[
            {"charge": 1, "finding": "not_guilty", "penalty": None},
            {"charge": 2, "finding": "guilty", "penalty": "reassignment"},
        ],
    )
    assert [(p.charge_no, p.code) for p in penalties(world)] == [(2, "reassignment")]


def test_19_14_6_1_the_penalty_term_recorded_by_the_dc_is_kept(world):
    case_id = world.walk_to("dc_meeting", charges=["11"])
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, dc2",
        findings=GUILTY_REPRIMAND,
        penalty_term_ends_on="2027-12-31",
        decision_reasons="Proven",
    )
    world.fire(case_id, "endorse_decision", "chair", endorsed_on=world.today(), hrc_meeting_no="1")
    world.fire(
        case_id,
        "communicate_decision",
        "chair",
        letter_no="L",
        decision_received_on=world.today(),
        copy_to_rcsc=True,
    )
    (row,) = penalties(world)
    assert row.term_ends_on == date(2027, 12, 31)


def test_19_11_13_4_three_minor_penalties_lead_to_a_major_one(world):
    today = date(2027, 1, 1)
    minor_case(world)
    minor_case(world)
    assert standing(world, today).major_due_for_repeated_minor is False
    minor_case(world)
    result = standing(world, today)
    assert result.major_due_for_repeated_minor is True
    assert result.minor_in_force == 3


def test_19_11_13_4_an_expired_minor_penalty_still_counts_towards_three(world):
    case_id = world.walk_to("received")
    add_penalty(world, case_id, "minor", term_ends_on=date(2026, 6, 30))
    add_penalty(world, case_id, "minor")
    add_penalty(world, case_id, "minor")
    assert standing(world, date(2027, 1, 1)).major_due_for_repeated_minor is True


def test_19_14_3_2_a_major_penalty_puts_the_civil_servant_on_the_negative_list(world):
    world.walk_to("decided")
    result = standing(world, date(2027, 1, 1))
    assert result.on_negative_list
    assert result.major_in_force == 1
    assert result.negative_list_reason == "1 major penalty in force (BCSR 19.14.3.2)"


def test_19_14_3_2_one_minor_penalty_does_not_list_but_repeated_ones_do(world):
    minor_case(world)
    assert standing(world, date(2027, 1, 1)).on_negative_list is False
    minor_case(world)
    result = standing(world, date(2027, 1, 1))
    assert result.on_negative_list
    assert result.negative_list_reason == "repeated minor penalties (2) (BCSR 19.14.3.2)"


def test_19_14_6_1_off_the_negative_list_once_the_term_of_the_penalty_ends(world):
    case_id = world.walk_to("received")
    add_penalty(world, case_id, "major", term_ends_on=date(2027, 6, 30))
    assert standing(world, date(2027, 6, 30)).on_negative_list is True  # last day of the term
    after = standing(world, date(2027, 7, 1))
    assert after.on_negative_list is False
    assert after.negative_list_reason == ""
    assert len(after.penalties) == 1  # the record keeps it (19.11.9)


def test_19_14_another_civil_servants_penalties_do_not_count(world):
    world.walk_to("decided")
    world.make_servant("E200")
    assert standing(world, date(2027, 1, 1), "E200").on_negative_list is False


def test_19_12_4_a_quashed_decision_revokes_its_penalties_and_the_listing(world):
    case_id = world.walk_to("appeal")
    assert penalties(world) != []
    world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome="quashed",
        due_process_examined=True,
        due_process_followed=False,
        appeal_reasons="The notice was never served",
    )
    world.execute_appeal(case_id)  # 19.8.3: the appellate authority's committee executes
    assert {p.status for p in penalties(world)} == {"revoked"}
    assert standing(world, date(2027, 1, 1)).on_negative_list is False


def court_case(world, status: str, end_on: date | None = None) -> None:
    from cases.core import profiles

    with transaction(world.engine) as s:
        profiles.add_entry(
            s,
            eid="E100",
            kind="court_case",
            now=world.clock.now,
            by="hr",
            start_on=date(2026, 3, 1),
            end_on=end_on,
            status=status,
            official_functions=False,
            note="Thimphu District Court",
        )


def test_19_14_3_1_a_court_conviction_lists_the_civil_servant_by_itself(world):
    """19.14.3.1: "Been convicted by the Court of Law, he shall automatically be included in
    the Negative List": no administrative penalty is needed; a pending case lists no one."""
    court_case(world, "pending")
    assert standing(world, date(2027, 1, 1)).on_negative_list is False
    court_case(world, "convicted", end_on=date(2027, 6, 30))
    result = standing(world, date(2027, 1, 1))
    assert result.on_negative_list and result.convicted and not result.penalties
    assert result.negative_list_reason == "convicted by a Court of Law (BCSR 19.14.3.1)"
    assert standing(world, date(2027, 7, 1)).on_negative_list is False  # 19.14.6.1


def test_19_14_5_1_special_scrutiny_shows_where_a_listed_civil_servant_is_appointed(world):
    """19.14.5.1: "A civil servant whose name is featured on the Negative List once will be
    subject to special scrutiny for promotion to a higher Position Level or appointment to
    another Position": a transfer's eligibility warns the authority; an EOL's does not."""
    from cases.processes import applications

    today = date(2027, 1, 1)
    with world.session() as s:
        before = applications.eligibility(s, "transfer", "E100", {}, today)
    assert "19.14.5.1" not in {u.cite for u in before.warnings}
    court_case(world, "convicted")
    with world.session() as s:
        transfer = applications.eligibility(s, "transfer", "E100", {}, today)
        eol = applications.eligibility(s, "eol", "E100", {}, today)
    [warning] = [u for u in transfer.warnings if u.cite == "19.14.5.1"]
    assert "special scrutiny for appointment to another position" in warning.reason
    assert "19.14.5.1" not in {u.cite for u in [*eol.warnings, *eol.unmet]}
