"""The application form's eligibility panel (BCSR 8.12.4 for EOL): it says "Eligible" only
once the rules have the proposal they read; before that it asks for it."""

from __future__ import annotations

from web_helpers import login


def test_the_panel_asks_for_the_dates_before_it_says_eligible(client) -> None:
    login(client, "hr")
    asked = client.get("/eligibility?process=eol&subject_eid=E100")
    assert asked.status_code == 200
    assert "Enter leave from and leave to (last day) to check eligibility." in asked.text
    assert "<strong>Eligible</strong>" not in asked.text
    given = client.get(
        "/eligibility?process=eol&subject_eid=E100&start_on=2027-01-04&end_on=2027-02-26"
    )
    assert "<strong>Eligible</strong>" in given.text and "to check eligibility" not in given.text
