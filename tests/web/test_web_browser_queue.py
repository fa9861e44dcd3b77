"""In a real browser: the HRC chairperson opens the endorsement from the work queue,
endorses it (19.8.2.4(i)), and the decision letter's button, the confirmation and the
diagram's new stage appear without a reload; the submit button says "Saving..." meanwhile."""

from __future__ import annotations

import pytest
from web_helpers import sign_in

pytestmark = pytest.mark.browser


def test_the_chair_endorses_from_the_queue_and_the_letter_button_appears(
    app, world, serve_app, browser_page
) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "chair")

    queue = page.locator("#waiting-for-you")
    assert "Endorse the DC decision (HRC)" in queue.inner_text()
    queue.locator(f"a[href$='/cases/{case_id}#action-endorse_decision']").click()
    page.wait_for_url(f"{base}/cases/{case_id}#action-endorse_decision")
    assert page.locator("#documents button", has_text="Decision").count() == 0
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if r.resource_type == "document" else None)

    page.click("#action-endorse_decision summary")
    form = page.locator("form[name=endorse_decision]")
    form.locator("input[name=endorsed_on]").fill("2026-12-14")
    form.locator("input[name=hrc_meeting_no]").fill("MOH/HRC/2026/3")
    form.locator("button[type=submit]").click()

    page.locator("#documents button", has_text="Issue: Decision").wait_for()
    assert loads == []  # swapped in place, no reload
    flash = page.locator("p.flash").inner_text()
    assert flash.startswith("Recorded: Endorse the DC decision (HRC) (BCSR 19.8.2.4(i)). Next:")
    assert "Tue 22 Dec 2026" in flash
    assert page.locator("#case-state").inner_text() == "endorsed; to be communicated"
    page.locator("#diagram svg").wait_for()
    page.locator("#timeline >> text=Endorse the DC decision").wait_for()
    assert errors == []


def test_a_submit_button_says_saving_and_is_disabled_during_the_request(
    app, world, serve_app, browser_page
) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    base = serve_app(app)
    page = browser_page
    sign_in(page, base, "chair")
    page.goto(f"{base}/cases/{case_id}")
    page.click("#action-endorse_decision summary")
    form = page.locator("form[name=endorse_decision]")
    form.locator("input[name=endorsed_on]").fill("2026-12-14")
    form.locator("input[name=hrc_meeting_no]").fill("MOH/HRC/2026/3")
    seen: list[tuple[str, bool]] = []

    def hold(route):  # noqa: ANN001, ANN202 - look at the button while the request waits
        button = form.locator("button[type=submit]")
        seen.append((button.inner_text(), button.is_disabled()))
        route.continue_()

    page.route(f"**/cases/{case_id}/actions/endorse_decision", hold)
    form.locator("button[type=submit]").click()
    page.locator("p.flash").wait_for()
    assert seen == [("Saving...", True)]
