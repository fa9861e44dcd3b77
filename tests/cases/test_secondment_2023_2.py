"""Secondment as version 2023.2 of the definition reads it (issue 16), on the database:
each test is named after its provision and quotes it."""

from __future__ import annotations

from datetime import date

import pytest
from test_secondment_cases import details, entries, move_to, on_secondment, refusal

from cases.core import timers
from cases.core.db import transaction
from cases.core.models import CivilServant
from cases.people.separation import separate
from workflows import secondment
from workflows.secondment import earliest_promotion_period

RETURN = date(2029, 2, 1)  # the first day after the two-year term (to 31 Jan 2029)


def _rejoin(world, case_id: int, placement: str = "same_level") -> str:
    move_to(world, RETURN)
    extra = {"position_title": "Deputy Chief Planning Officer"} if placement == "same_level" else {}
    return world.fire(
        case_id,
        "rejoin",
        "hr",
        rejoined_on=RETURN.isoformat(),
        placement=placement,
        lpc_submitted=True,
        **extra,
    )


@pytest.mark.parametrize(
    ("rejoined", "period"),
    [
        (date(2029, 2, 1), date(2029, 7, 1)),
        (date(2029, 7, 1), date(2029, 7, 1)),
        (date(2029, 7, 2), date(2030, 1, 1)),
    ],
)
def test_10_6_1_the_earliest_promotion_period_on_or_after_rejoining(rejoined, period):
    """10.6.1 "Scheduled promotion shall normally be approved with effect from 1st January
    or 1st July"."""
    assert earliest_promotion_period(rejoined) == period


def test_13_10_5_4_a_promotion_is_effected_only_after_rejoining(world):
    """13.10.5.4 "the promotion shall be processed and effected only after he re-joins his
    Agency on reversion from secondment coinciding with the earliest promotion period": the
    return states the day (2023.1 said nothing)."""
    case_id = on_secondment(world)
    assert _rejoin(world, case_id) == "returned"
    note = world.data(case_id)["promotion_note"]
    assert "from the earliest promotion period: Sun 01 Jul 2029 (BCSR 13.10.5.4, 10.6.1)" in note
    assert details(entries(world, kind="secondment")[0])["promotion_not_before"] == "2029-07-01"
    assert secondment.PROCESS.branches("rejoin")[0].effects == ("secondment_returned",)


def test_13_5_1_5_six_months_on_the_waiting_list_after_secondment(world):
    """13.5.1.5 "i. Maximum duration for civil servant on 'Waiting List' shall be six
    months" (13.5.1.2 i, 13.10.7.3): the return onto the list keeps the case open with the
    last day stated and a deadline; 2023.1 closed it on the return."""
    case_id = on_secondment(world)
    assert _rejoin(world, case_id, "waiting_list") == "on_waiting_list"
    data = world.data(case_id)
    assert data["waiting_list_until"] == "2029-07-31"
    assert "placed by Tue 31 Jul 2029, the last day (BCSR 13.5.1.5 i)" in data["waiting_list_note"]
    assert world.deadline(case_id, "waiting_list_ends", "armed").due_on == date(2029, 7, 31)
    move_to(world, date(2029, 8, 1))
    fired = timers.sweep(world.engine, world.clock.now).fired
    assert [t for _, t in fired] == ["waiting_list_lapsed"]
    assert world.case(case_id).state == "waiting_list_over"


def test_13_10_6_5_separating_before_the_return_obligation_is_served_cuts_gratuity(world):
    """13.10.6.5 "A civil servant failing to complete his obligations, the gratuity shall be
    deducted on a pro-rata basis for the secondment obligation duration not served": the
    separation records the part not served and its share on the obligation line."""
    case_id = on_secondment(world)
    _rejoin(world, case_id)
    [obligation] = entries(world, kind="service_obligation")
    assert details(obligation)["gratuity_pro_rata"] == "13.10.6.5"
    owed_days = (obligation.end_on - obligation.start_on).days
    move_to(world, date(2030, 2, 1))
    with transaction(world.engine) as s:
        separate(s, "E100", on=date(2030, 2, 1), reason="resignation", now=world.clock.now, by="hr")
    [obligation] = entries(world, kind="service_obligation")
    d = details(obligation)
    assert obligation.status == "unserved"
    unserved = (obligation.end_on - date(2030, 2, 1)).days
    assert f"{unserved}/{owed_days} of the obligation" in d["gratuity_deduction"]
    assert d["gratuity_deduction"].endswith("(BCSR 13.10.6.5)")


def test_13_10_8_2_resigning_while_seconded_fixes_the_pay_for_retirement_benefits(world):
    """13.10.8.2 "If there has been a pay revision, the remuneration shall be fixed at the
    starting pay of the revised pay scale at the same Position Level held prior to his
    secondment or his LPC whichever is higher, for the purpose of calculating retirement
    benefits." 2023.1 had no resignation while on secondment."""
    assert "resign" not in secondment.PROCESS.triggers()
    case_id = on_secondment(world)
    move_to(world, date(2028, 3, 3))
    resign = {
        "resigned_on": "2028-03-03",
        "resignation_order_no": "MOH/HRD/RES/3",
        "lpc_pay": "52000",
        "pay_revised": True,
    }
    assert refusal(world, case_id, "resign", "hr", **resign) == ["13.10.8.2"]
    state = world.fire(case_id, "resign", "hr", **resign, revised_start_pay="54500")
    assert state == "resigned"
    data = world.data(case_id)
    assert data["pay_for_retirement_benefits"] == "54500.00"
    assert "the starting pay of the revised scale (BCSR 13.10.8.2)" in data["pay_note"]
    with world.session() as s:
        cs = s.get(CivilServant, "E100")
        assert cs.status == "separated" and cs.separated_on == date(2028, 3, 3)
    assert entries(world, kind="secondment")[0].status == "resigned"
