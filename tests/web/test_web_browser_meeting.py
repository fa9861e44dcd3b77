"""In a real browser: the MOH HRC chairperson opens the committee's next meeting, records
who is present, sees the agenda of the cases waiting for the committee (19.3.4), records
two decisions in the meeting and issues the minutes, which list both (2.10, 19.3.5)."""

from __future__ import annotations

import re

import pytest
from web_helpers import sign_in

from cases.core.db import transaction
from cases.review import committees

pytestmark = pytest.mark.browser

SEATS = {
    "chair": "chair",
    "dc": "director",
    "dc2": "specialist",
    "hr": "planning_officer",
    "secretary": "member_secretary",
}


def test_chair_opens_the_meeting_decides_two_items_and_issues_the_minutes(
    app, world, serve_app, browser_page
) -> None:
    with transaction(world.engine) as s:
        c = committees.create(
            s,
            world.actors["hr"],
            {"agency_code": "MOH", "kind": "hrc", "code": "MOH HRC", "name": "MOH HRC"},
            now=world.clock.now,
        )
        for user, seat in SEATS.items():
            committees.add_member(
                s,
                world.actors["hr"],
                c.id,
                {"username": user, "seat": seat, "start_on": "2026-01-01"},
                now=world.clock.now,
            )
    endorse = world.walk_to("awaiting_endorsement")
    received = world.open()
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "chair")

    page.click("#nav-committees")
    page.click("text=MOH HRC")
    assert "meets 2.10.3 and 2.10.6.1" in page.locator("#composition-summary").inner_text()
    page.click("text=Open the next meeting")
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    assert "Meeting MOH HRC 1/2026" in page.locator("h1").inner_text()
    for user in SEATS:
        page.check(f"input[name=present][value={user}]")
    page.click("text=Record members present")

    agenda = page.locator("#agenda-items")
    assert f"#{endorse}" in agenda.inner_text() and f"#{received}" in agenda.inner_text()
    page.click(f"#agenda-items a.decide[href$='/cases/{endorse}/endorse_decision']")
    assert "Sitting on this case: chair, dc, dc2, hr, secretary" in page.content()
    page.fill("input[name=endorsed_on]", world.today())
    page.click("#meeting-decide button[type=submit]")
    assert (
        f"Recorded the decision on case #{endorse}" in page.locator("#decided-flash").inner_text()
    )

    page.click(f"#agenda-items a.decide[href$='/cases/{received}/direct_enquiry']")
    page.fill("textarea[name=reasons]", "Not suitable for ADR")
    page.click("#meeting-decide button[type=submit]")
    assert f"#{received}" in page.locator("#meeting-decisions").inner_text()

    page.click("text=Issue the minutes")
    page.click("#minutes a >> nth=0")
    minutes = page.locator("#minutes-items").inner_text()
    assert f"#{endorse}" in minutes and f"#{received}" in minutes
    assert "BCSR 19.8.2.4(i)" in minutes and "BCSR 19.8.2" in minutes
    assert world.data(endorse)["hrc_meeting_no"] == "MOH HRC 1/2026"
    assert errors == []
