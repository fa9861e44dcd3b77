"""Extraordinary leave as version 2023.2 of the definition reads it (issue 16), on the
database: each test is named after its provision and quotes it."""

from __future__ import annotations

from datetime import date

from test_eol_cases import (
    END,
    START,
    apply,
    deadlines,
    eol_line,
    first_working_day_after,
    grant,
    move_to,
    refused,
    sweep,
)

from cases.core import profiles
from cases.core.db import transaction
from cases.core.models import CivilServant
from workflows import eol
from workflows.eligibility import evaluate


def _ltt(world, eid: str = "E100", **kw) -> None:
    row = {
        "kind": "ltt",
        "start_on": date(2024, 7, 1),
        "end_on": date(2027, 6, 30),
        "status": "ongoing",
        "level": "bachelors",
        "mode": "full_time",
        "course": "BSc Nursing",
        **kw,
    }
    with transaction(world.engine) as s:
        profiles.add_entry(s, eid=eid, now=world.clock.now, by="register", **row)


def test_8_12_3_and_7_7_6_2_no_eol_adjoining_study_leave(world):
    """8.12.3 "Prefixing and suffixing other forms of leave to EOL shall not be allowed";
    7.7.6.2 "A civil servant after completion of LTT shall not avail any other form of leave
    before completing the reporting requirements". A bachelor's (no obligation, so 7.7.7.8
    does not bar) still on study leave, or study leave ending the day before, bars the EOL;
    2023.1 read only the leave lines and let both through."""
    _ltt(world)
    assert refused(apply, world) == ["8.12.3, 7.7.6.2"]
    with world.session() as s:
        p = profiles.profile_of(s, "E100", world.clock.today)
    proposal = {"start_on": START.isoformat(), "end_on": END.isoformat()}
    [unmet] = evaluate(eol.V2.rules, p, proposal, world.clock.today)
    assert "study leave (BSc Nursing) from 2024-07-01, not yet reported back (7.7.6.2)" in (
        unmet.reason
    )
    assert evaluate(eol.PROCESS.rules, p, proposal, world.clock.today) == []
    # Reported back on the EOL's first day: the study leave ended the day before.
    world.make_servant("E200")
    _ltt(world, "E200", status="completed", end_on=date(2026, 12, 20), reported_on="2027-01-04")
    assert refused(apply, world, "E200") == ["8.12.3, 7.7.6.2"]
    assert apply(world, "E200", start_on="2027-01-05")  # a day between: not adjoining


def _on_leave(world) -> int:
    case_id = apply(world)
    grant(world, case_id)
    move_to(world, START)
    world.fire(case_id, "commence", "hr", commenced_on=START.isoformat())
    return case_id


def test_8_12_7_no_pay_for_the_days_of_eol_is_on_the_record(world):
    """8.12.7 "Remuneration and other benefits of the post shall not be granted to a civil
    servant for the days of EOL": the stop is written to the EOL line when the leave
    begins, and the days without pay when the civil servant rejoins."""
    case_id = _on_leave(world)
    details = eol_line(world, case_id)[4]
    assert (details["pay_stopped_from"], details["pay_cite"]) == (START.isoformat(), "8.12.7")
    assert "(BCSR 8.12.7)" in world.data(case_id)["pay_note"]
    move_to(world, date(2027, 2, 15))
    world.fire(case_id, "rejoin", "hr", rejoined_on="2027-02-15", placement="own_position")
    details = eol_line(world, case_id)[4]
    assert (details["pay_resumes_on"], details["days_without_pay"]) == ("2027-02-15", 42)
    assert "42 days of EOL" in world.data(case_id)["pay_note"]


def test_8_12_8_a_promotion_approved_during_eol_takes_effect_only_on_rejoining(world):
    """8.12.8 "Promotion processed prior to availing EOL, and if the approval is received
    during the period of EOL, the promotion shall be effected only on rejoining the
    service." 2023.1 had no way to record it."""
    assert "record_promotion" not in eol.PROCESS.triggers()
    case_id = _on_leave(world)
    promotion = {
        "promotion_processed_on": "2026-11-20",
        "promotion_approved_on": "2027-01-20",
        "promotion_order_no": "RCSC/PROM/2027/1",
        "new_level": "P2",
    }
    move_to(world, date(2027, 1, 21))
    during = {**promotion, "promotion_processed_on": START.isoformat()}
    assert refused(world.fire, case_id, "record_promotion", "hr", **during) == ["8.12.8"]
    assert world.fire(case_id, "record_promotion", "hr", **promotion) == "on_leave"
    with world.session() as s:
        assert s.get(CivilServant, "E100").position_level != "P2"  # not while on EOL
    move_to(world, date(2027, 2, 15))
    world.fire(case_id, "rejoin", "hr", rejoined_on="2027-02-15", placement="own_position")
    with world.session() as s:
        assert s.get(CivilServant, "E100").position_level == "P2"
    assert world.data(case_id)["promotion"]["effective_on"] == "2027-02-15"


def test_13_5_1_5_six_months_on_the_waiting_list_after_eol(world):
    """13.5.1.5 "i. Maximum duration for civil servant on 'Waiting List' shall be six
    months" (13.5.1.2 ii: "On completion of EOL, beyond six months"): the case waits on the
    list with the last day stated and a deadline; unplaced, the options of 13.5.1.5 iii are
    recorded; 2023.1 closed the case on the return."""
    case_id = _on_leave(world)
    move_to(world, date(2027, 7, 4))
    sweep(world)  # the position is no longer protected (8.12.14)
    due = first_working_day_after(world, END)  # Wed 1 Sep 2027
    move_to(world, due)
    state = world.fire(
        case_id, "rejoin", "hr", rejoined_on=due.isoformat(), placement="waiting_list"
    )
    assert state == "on_waiting_list"
    data = world.data(case_id)
    assert (data["waiting_list_since"], data["waiting_list_until"]) == ("2027-09-01", "2028-02-29")
    assert "placed by Tue 29 Feb 2028, the last day (BCSR 13.5.1.5 i)" in data["waiting_list_note"]
    assert ("waiting_list_ends", date(2028, 2, 29), "armed") in deadlines(world, case_id)
    move_to(world, date(2028, 2, 29))
    assert sweep(world).fired == []
    move_to(world, date(2028, 3, 1))
    assert [t for _d, t in sweep(world).fired] == ["waiting_list_lapsed"]
    assert world.case(case_id).state == "waiting_list_over"
    assert "13.5.1.5 iii" in world.data(case_id)["waiting_list_note"]
    placed = world.fire(
        case_id,
        "place_from_waiting_list",
        "hr",
        placed_on="2028-03-01",
        placed_how="transfer",
        position_title="Health Assistant",
    )
    assert placed == "rejoined"
    with world.session() as s:
        assert s.get(CivilServant, "E100").position_title == "Health Assistant"
