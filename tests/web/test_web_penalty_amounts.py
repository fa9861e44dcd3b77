"""The decision form from disciplinary 2023.2: a fine's amount and the increments deducted
per charge (19.11.13.2-3, 19.11.14.2), the warning that repeated minor penalties lead to a
major one (19.11.13.4), and the fine owed on the civil servant's page (19.11.1)."""

from __future__ import annotations

from web_helpers import login

from cases.core.db import transaction
from cases.core.models import Penalty


def decision_form(csrf: str, version: int, **over: str) -> dict[str, object]:
    form = {
        "csrf_token": csrf,
        "version": str(version),
        "meeting_on": "2026-12-14",
        "hearing": "heard",
        "members_present": "dc, dc2, chair, secretary",
        "findings__1__finding": "guilty",
        "findings__1__penalty": "fine",
        "findings__1__amount": "45000",
        "monthly_salary": "40000",
        "fine_payable_by": "2027-01-14",
        "decision_reasons": "The evidence establishes the charge.",
    }
    form.update(over)
    return form


def test_19_11_13_2_a_fine_above_one_month_s_salary_is_refused_on_the_form(client, world):
    """19.11.13.2: "Fine of an amount not exceeding one month's salary"."""
    case_id = world.walk_to("dc_meeting", charges=["11"])
    csrf = login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert 'name="findings__1__amount"' in page.text
    assert 'name="findings__1__increments"' in page.text
    version = world.case(case_id).version
    resp = client.post(
        f"/cases/{case_id}/actions/record_decision", data=decision_form(csrf, version)
    )
    assert resp.status_code == 422 and "BCSR 19.11.13.2" in resp.text
    assert world.case(case_id).state == "dc_meeting"
    resp = client.post(
        f"/cases/{case_id}/actions/record_decision",
        data=decision_form(csrf, version, findings__1__amount="36500"),
    )
    assert resp.status_code == 200
    assert world.data(case_id)["findings"][0]["amount"] == "36500.00"


def test_19_11_1_the_civil_servant_s_page_shows_an_unpaid_fine_owed_with_24_percent(
    client, world, clock
):
    """19.11.1: "failure to comply with such obligation within the specified time frame,
    shall levy 24 percent penalty per annum on the initial amount"."""
    case_id = world.walk_to("dc_meeting", charges=["11"])
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, dc2",
        findings=[{"charge": 1, "finding": "guilty", "penalty": "fine", "amount": "36500"}],
        monthly_salary="40000",
        fine_payable_by=world.today(31),
        decision_reasons="Proven.",
    )
    world.drive(case_id, "decided")
    login(client, "dc")
    page = client.get("/servants/E100")
    assert "Fine on charge 1 (BCSR 19.11.13.2)" in page.text and "owed today" not in page.text
    clock.advance(days=131)  # 100 days after the day it was payable by
    login(client, "dc")  # a new day's session
    page = client.get("/servants/E100")
    assert "owed today (24% a year after the due day, BCSR 19.11.1): Nu 38,900.00" in page.text


def test_19_11_13_4_the_case_page_tells_the_committee_a_major_penalty_is_due(client, world):
    """19.11.13.4: "Three or more reprimands or minor penalties would lead to a major
    penalty"."""
    earlier = world.open()
    with transaction(world.engine) as s:
        for n in range(3):
            s.add(
                Penalty(
                    case_id=earlier,
                    eid="E100",
                    charge_no=n + 1,
                    offence_no=11,
                    code="reprimand",
                    severity="minor",
                    imposed_on=world.clock.today,
                )
            )
    case_id = world.walk_to("dc_meeting", charges=["11"])
    login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert "3 minor penalties on record" in page.text
    assert "The decision must impose a major penalty" in page.text
