"""In a real browser: a committee member signs in, serves a notice through the htmx form,
and sees the explanation deadline appear (BCSR 19.8.2.1(i))."""

from __future__ import annotations

import pytest
from web_helpers import sign_in

pytestmark = pytest.mark.browser


def test_serve_notice_through_htmx_shows_the_deadline(app, world, serve_app, browser_page, clock):
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "dc")
    page.goto(f"{base}/cases/{case_id}")
    assert page.locator("#case-state").inner_text() == "enquiry directed; notice to be served"
    page.click("#action-serve_notice summary")
    form = page.locator("form[name=serve_notice]")
    form.locator("input[value='11']").check()
    form.locator("textarea[name=particulars]").fill("Failed to declare a conflict of interest")
    form.locator("input[name=prima_facie]").check()
    form.locator("input[name=notice_received_on]").fill("2026-12-15")
    documents: list[str] = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    form.locator("button[type=submit]").click()
    row = page.locator("tr.deadline-explanation_due")
    row.wait_for()
    assert "Wed 23 Dec 2026" in row.inner_text()  # National Day (17 Dec) skipped
    row.locator("details.why summary").click()  # "Why 2026-12-23?" opens the count
    assert "National Day" in row.inner_text()
    assert page.locator("#case-state").inner_text() == "notice served; explanation awaited"
    # The panel was swapped in place (no page load) and the timeline reloaded itself.
    assert documents == []
    page.locator("#timeline >> text=Serve the notice of charges").wait_for()
    # The state diagram rendered, with the current state highlighted.
    page.locator("#diagram svg").wait_for()
    assert errors == []
    assert world.case(case_id).state == "notice_served"


def test_refusal_is_shown_inline_in_the_browser(app, world, serve_app, browser_page, clock):
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    base = serve_app(app)
    page = browser_page
    sign_in(page, base, "dc")
    page.goto(f"{base}/cases/{case_id}")
    page.click("#action-serve_notice summary")
    form = page.locator("form[name=serve_notice]")
    form.locator("input[value='11']").check()
    form.locator("textarea[name=particulars]").fill("p")
    form.locator("input[name=notice_received_on]").fill("2026-12-15")
    form.locator("button[type=submit]").click()  # prima facie not confirmed
    alert = page.locator("#action-serve_notice .error")
    alert.wait_for()
    assert "BCSR 19.8.2.1(i)" in alert.inner_text()
    assert world.case(case_id).state == "enquiry_directed"
