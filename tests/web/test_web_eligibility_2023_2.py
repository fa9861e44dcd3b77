"""GET /api/employees/{eid}/eligibility/{process} answers with the sections 2023.2 of EOL
and transfer cite (issue 16), the last day owed stated in the reason."""

from __future__ import annotations

from datetime import date

from cases.core.db import transaction


def test_7_7_7_7_the_transfer_answer_names_13_4_5_2_and_the_last_day(client, world, token):
    """7.7.7.7 "as per Section 13.4.5.2": an 18-month course reported back from on 20 Feb
    2026 bars a transfer to Thu 19 Aug 2027, whatever the 2x obligation."""
    world.add_entry(
        kind="ltt",
        start_on=date(2024, 8, 1),
        end_on=date(2026, 1, 31),
        status="completed",
        level="masters",
        mode="full_time",
        course="MPH",
        reported_on="2026-02-20",
        obligation_end="2029-02-20",
    )
    url = "/api/employees/E100/eligibility/transfer?transfer_kind=planned&effective_on="
    barred = client.get(url + "2027-08-19", headers=token("hr")).json()
    [unmet] = [u for u in barred["unmet"] if "7.7.7.7" in u["cite"]]
    assert unmet["cite"] == "13.4.5.2, 7.7.7.7"
    assert "Thu 19 Aug 2027, the last day owed" in unmet["reason"]
    free = client.get(url + "2027-08-20", headers=token("hr")).json()
    assert not [u for u in free["unmet"] if "7.7.7.7" in u["cite"]]


def test_8_12_3_the_eol_answer_names_study_leave(client, world, token):
    """8.12.3 and 7.7.6.2: study leave not yet reported back from bars EOL, dates or not."""
    world.add_entry(
        kind="ltt",
        start_on=date(2024, 7, 1),
        end_on=date(2027, 6, 30),
        status="ongoing",
        level="bachelors",
        mode="full_time",
        course="BSc Nursing",
    )
    body = client.get("/api/employees/E100/eligibility/eol", headers=token("hr")).json()
    assert body["eligible"] is False
    assert [u["cite"] for u in body["unmet"]] == ["8.12.3, 7.7.6.2"]
    assert "not yet reported back (7.7.6.2)" in body["unmet"][0]["reason"]


def test_13_7_1_the_osa_answer_admits_a_p1_specialist(client, world, token):
    """13.7.1 "A civil servant in PMC (up to P2) and Specialist": asked about an OSA for a P1,
    the answer cites 13.7.1 unless the proposal says the position is a P1 Specialist."""
    from cases.core.models import CivilServant

    with transaction(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        cs.position_level = "P1"
        s.add(cs)
    url = "/api/employees/E100/eligibility/transfer?transfer_kind=osa&effective_on=2027-06-30"
    manager = client.get(url, headers=token("hr")).json()
    [unmet] = [u for u in manager["unmet"] if u["cite"] == "13.7.1"]
    assert "reading R-13.7.1" in unmet["reason"]
    specialist = client.get(url + "&p1_specialist=true", headers=token("hr")).json()
    assert not [u for u in specialist["unmet"] if u["cite"] == "13.7.1"]
