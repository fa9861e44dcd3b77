"""In a real browser, the pages people use every day at a phone's width and to WCAG 2.2 AA:
nothing scrolls sideways at 390 px, axe-core finds no violation, a refused step takes the
focus to its refusal with the input tied to its error, and the skip link, the navigation's
aria-current and the favicon are there (issue 17)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from a11y import assert_accessible, sideways_overflow
from playwright.sync_api import expect
from sqlmodel import select
from web_helpers import sign_in

from cases.core import timers
from cases.core.db import transaction
from cases.core.models import Case, Committee, Meeting
from cases.demo import seed
from web.app import create_app

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(db_url, engine, clock, serve_app) -> tuple[str, Callable[[str], int]]:  # noqa: ANN001
    """The demo world served with the test's clock: its base URL and ``case_in(state)``."""
    seed.build(engine, clock.now)
    timers.sweep(engine, clock.now)

    def case_in(state: str) -> int:
        with transaction(engine) as s:
            return s.exec(select(Case.id).where(Case.state == state).order_by(Case.id)).first()

    def hrc_pages() -> list[str]:
        """The MOH HRC's page and its meeting of today (the demo's committees, issue 21)."""
        with transaction(engine) as s:
            hrc = s.exec(select(Committee.id).where(Committee.code == "MOH HRC")).one()
            today = s.exec(
                select(Meeting.id).where(Meeting.committee_id == hrc).order_by(Meeting.id.desc())
            ).first()
        return [f"/committees/{hrc}", f"/meetings/{today}"]

    case_in.hrc_pages = hrc_pages  # type: ignore[attr-defined]
    return serve_app(create_app(db_url, clock=clock, run_sweeper=False)), case_in


def daily_pages(case_in: Callable[[str], int]) -> list[tuple[str, str]]:
    """(user, path): the dashboard, a case page, the apply form, the register, oversight,
    the inbox, the committees, a committee and its meeting, each as the user who works
    there."""
    return [
        ("chair", "/"),
        ("chair", f"/cases/{case_in('awaiting_endorsement')}"),
        ("hr", "/cases/new?process=eol"),
        ("hr", "/servants"),
        ("rcsc", "/oversight"),
        ("chair", "/inbox"),
        ("chair", "/committees"),
        *[("chair", path) for path in case_in.hrc_pages()],  # type: ignore[attr-defined]
    ]


def visit(page, base: str, path: str) -> None:  # noqa: ANN001
    response = page.goto(base + path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    page.wait_for_load_state("networkidle")  # htmx panels (due process, eligibility) loaded


def each_daily_page(page, base: str, case_in: Callable[[str], int]) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    """Each of the daily pages loaded as the user who works there (signed in again only when
    the user changes); yields (user, path) while the page is shown."""
    signed_in = None
    for username, path in daily_pages(case_in):
        if username != signed_in:
            page.context.clear_cookies()
            sign_in(page, base, username, seed.PASSWORD)
            signed_in = username
        visit(page, base, path)
        yield username, path


def test_no_page_scrolls_sideways_at_phone_width_and_axe_finds_nothing(demo, browser_page) -> None:
    base, case_in = demo
    page = browser_page
    page.set_viewport_size(PHONE)
    for username, path in each_daily_page(page, base, case_in):
        assert sideways_overflow(page) == 0, f"{path} as {username} scrolls sideways"
        nav = page.locator("header.site nav").bounding_box()
        assert nav is not None and nav["height"] < 48, f"{path}: the navigation is one row"
        assert_accessible(page, f"{path} as {username} at 390 px")


def test_axe_finds_nothing_on_the_daily_pages_at_desktop_width(demo, browser_page) -> None:
    base, case_in = demo
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    for username, path in each_daily_page(page, base, case_in):
        assert_accessible(page, f"{path} as {username}")


def test_a_refused_step_takes_the_focus_to_its_refusal_and_ties_the_error_to_the_input(
    app, world, serve_app, browser_page, clock
) -> None:
    """The DC member serves a notice dated tomorrow: the panel is swapped in place, the
    focus is on the refusal (read once: the field's own message is its description, not a
    second alert), the date input is aria-invalid and described by its error, and axe finds
    nothing on the case page before and after. Corrected, the focus is on the confirmation."""
    clock.advance(days=1)  # Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    base = serve_app(app)
    page = browser_page
    sign_in(page, base, "dc")
    visit(page, base, f"/cases/{case_id}")
    assert_accessible(page, "the case page before the step")
    page.click("#action-serve_notice summary")
    form = page.locator("form[name=serve_notice]")
    form.locator("input[value='11']").check()
    form.locator("textarea[name=particulars]").fill("Failed to declare a conflict of interest")
    form.locator("input[name=prima_facie]").check()
    form.locator("input[name=notice_received_on]").fill("2026-12-16")
    form.locator("button[type=submit]").click()
    refusal = page.locator("#action-serve_notice > .error")
    refusal.wait_for()
    expect(refusal).to_be_focused()
    assert "cannot be later than today" in refusal.inner_text()
    date_input = page.locator("form[name=serve_notice] input[name=notice_received_on]")
    assert date_input.get_attribute("aria-invalid") == "true"
    described = page.locator("#" + date_input.get_attribute("aria-describedby"))
    assert "cannot be later than today" in described.inner_text()
    assert page.locator("#panels [role=alert]").count() == 0
    assert world.case(case_id).state == "enquiry_directed"
    assert_accessible(page, "the case page after a refused step")
    # Corrected and sent again: the focus moves to the confirmation.
    page.locator("form[name=serve_notice] input[name=notice_received_on]").fill("2026-12-15")
    page.locator("form[name=serve_notice] button[type=submit]").click()
    expect(page.locator("#panels .flash")).to_be_focused()
    assert world.case(case_id).state == "notice_served"


def test_skip_link_navigation_and_favicon(demo, browser_page) -> None:
    base, case_in = demo
    page = browser_page
    favicon = page.request.get(base + "/favicon.ico")
    assert favicon.status == 200 and "svg" in favicon.headers["content-type"]
    sign_in(page, base, "chair", seed.PASSWORD)
    visit(page, base, "/inbox")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon if icon.startswith("http") else base + icon).status == 200
    assert page.locator("nav a[aria-current=page]").all_inner_texts() == [
        page.locator("#nav-inbox").inner_text()
    ]
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_oversight_shows_one_part_at_a_time_and_a_summary_link_opens_its_tab(
    demo, browser_page
) -> None:
    base, _ = demo
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "rcsc", seed.PASSWORD)
    visit(page, base, "/oversight")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the oversight page is {height} px tall"
    assert page.locator("section.tab-panel:visible").count() == 1
    assert page.locator("#steps").is_visible()
    page.click("#tat-summary a[href='#overdue']")
    # The tab opens on the hashchange event, which the browser delivers after the click.
    page.locator("#overdue").wait_for(state="visible")
    page.locator("#steps").wait_for(state="hidden")
    tab = page.locator("nav[data-tabs] a[href='#overdue']")
    assert tab.get_attribute("aria-selected") == "true"
    tab.focus()
    page.keyboard.press("ArrowRight")
    page.locator("#due-soon").wait_for(state="visible")
    assert page.evaluate("location.hash") == "#due-soon"
    assert_accessible(page, "oversight, due-soon tab")
    # Every chart label at a legible size, even on a phone (the chart scrolls in its box).
    page.set_viewport_size(PHONE)
    page.click("nav[data-tabs] a[href='#steps']")
    sizes = page.eval_on_selector_all(
        "svg.chart text", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 14
    assert sideways_overflow(page) == 0
