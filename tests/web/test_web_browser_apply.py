"""In a real browser: an HR officer applies for extraordinary leave; the eligibility panel
answers as the form is filled (BCSR 8.12.4), and an eligible application opens the case."""

from __future__ import annotations

from datetime import date

import pytest
from web_helpers import sign_in

pytestmark = pytest.mark.browser


def test_eligibility_panel_follows_the_form_and_the_application_opens_a_case(
    app, world, serve_app, browser_page, clock
) -> None:
    world.make_servant(
        "E300",
        name="Probationer Pema",
        appointment_date=date(2026, 6, 1),
        probation_end=date(2027, 5, 31),
    )
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "hr")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/eligibility" in r.url else None)
    page.goto(f"{base}/cases/new?process=eol")
    panel = page.locator("#eligibility-panel")
    panel.wait_for()
    form = page.locator("form#application")
    form.locator("select[name=subject_eid]").select_option("E300")
    page.locator("#eligibility-panel >> text=Not eligible").wait_for()
    assert "8.12.4.1" in panel.inner_text()  # on probation

    form.locator("select[name=subject_eid]").select_option("E100")
    # Until the dates the rules read are given, the panel asks for them, not "Eligible".
    page.locator("#eligibility-panel >> text=to check eligibility").wait_for()
    assert "leave from and leave to" in panel.inner_text().lower()
    form.locator("input[name=start_on]").fill("2027-01-04")
    form.locator("input[name=end_on]").fill("2027-02-26")
    form.locator("input[name=end_on]").dispatch_event("change")
    page.locator("#eligibility-panel >> text=Eligible").wait_for()
    assert asked and not [u for u in asked if "csrf_token" in u]  # the token stays in the form

    form.locator("select[name=purpose]").select_option("career_break")
    form.locator("textarea[name=specific_reasons]").fill("To care for an ailing parent.")
    form.locator("input[name=undertaking_signed]").check()
    form.locator("input[name=no_conflicting_employment]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/*")
    assert "applied" in page.locator("#case-state").inner_text().lower()
    assert errors == []


def test_the_applicant_applies_and_sees_who_decides(app, world, serve_app, browser_page) -> None:
    """The civil servant applies for themselves; the button says "Submit application" and the
    case page confirms the submission and who decides (8.12.16)."""
    from workflows import roles as R

    world.add_user("applicant", (R.CIVIL_SERVANT,), employee_eid="E100")
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "applicant")
    page.goto(f"{base}/cases/new?process=eol")
    form = page.locator("form#application")
    form.locator("select[name=subject_eid]").select_option("E100")
    form.locator("input[name=start_on]").fill("2027-01-04")
    form.locator("input[name=end_on]").fill("2027-02-26")
    form.locator("select[name=purpose]").select_option("career_break")
    form.locator("textarea[name=specific_reasons]").fill("To care for an ailing parent.")
    form.locator("input[name=undertaking_signed]").check()
    form.locator("input[name=no_conflicting_employment]").check()
    button = form.locator("button[type=submit]")
    assert button.inner_text() == "Submit application"
    button.click()
    page.wait_for_url(f"{base}/cases/*")
    flash = page.locator("p.flash").inner_text()
    assert flash.startswith("Application submitted: Apply for extraordinary leave")
    assert "Grant the extraordinary leave" in flash and "HRC chairperson" in flash
    assert page.locator("p.subject").inner_text().startswith("Applicant: Dorji Wangchuk")
    assert errors == []
