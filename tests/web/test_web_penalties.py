"""Penalty consistency over HTTP (web.penalty_pages): the page, its CSV and its JSON, and
the guidance a committee sees when it decides (BCSR 19.12.1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.cases.test_penalty_consistency import history  # noqa: F401 - the fixture
from tests.web.web_helpers import login


def test_the_page_csv_and_api_agree(client: TestClient, world: Any, history, token) -> None:  # noqa: F811
    login(client, "rcsc")
    page = client.get("/oversight/penalties")
    assert page.status_code == 200
    assert 'data-offence="15"' in page.text and "Reprimand: 3 (75%)" in page.text
    csv = client.get("/oversight/penalties.csv?offence=15")
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("offence,nature")
    assert len(csv.text.splitlines()) == 3  # header, reprimand, demotion
    api = client.get("/api/oversight/penalties", headers=token("rcsc")).json()
    assert [o["offence"] for o in api["offences"]] == [3, 15]
    assert api["offences"][1]["penalties"]["reprimand"] == {"count": 3, "share": 0.75}
    bad = client.get("/api/oversight/penalties?offence=99", headers=token("rcsc"))
    assert bad.status_code == 422 and bad.json()["field"] == "offence"
    refused = client.get("/api/oversight/penalties", headers=token("respondent"))
    assert refused.status_code == 403 and "19.12.1" in refused.text


def test_the_committee_sees_past_penalties_for_the_charged_offence_when_deciding(
    client: TestClient,
    world: Any,
    history,  # noqa: F811
) -> None:
    case_id = world.walk_to("dc_meeting", charges=["15"])
    login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert "record_decision" in page.text
    assert "decided before 4 times: 3 reprimand, 1 demotion" in page.text
