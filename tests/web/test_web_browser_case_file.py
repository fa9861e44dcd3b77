"""In a real browser: a committee member attaches the complaint's evidence while recording
the complaint (19.5.1.2), the respondent downloads it from their case page, and the RCSC
finds it, with its hash, in the due-process report (19.12.3)."""

from __future__ import annotations

import pytest
from web_helpers import sign_in

from cases.core import file_store

pytestmark = pytest.mark.browser

EVIDENCE = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_evidence_attached_by_the_committee_with_the_complaint_is_downloaded_and_listed(
    app, world, serve_app, browser_page, tmp_path
) -> None:
    """19.5.1.2: the complaint is "supported with sufficient documentary evidence": the DC
    member attaches it on the form that records the complaint (2023.2)."""
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    sign_in(page, base, "dc")
    page.goto(f"{base}/cases/new?process=disciplinary")
    page.select_option("select[name=subject_eid]", "E100")
    page.select_option("select[name=opened_by]", "written_complaint")
    page.fill("input[name=complainant_name]", "Karma Wangmo")
    page.fill("input[name=complainant_address]", "Changzamtog, Thimphu")
    page.fill("input[name=respondent_address]", "Motithang, Thimphu")
    page.fill("textarea[name=narration]", "Absent on 2 and 3 December without leave.")
    page.fill("input[name=received_on]", world.today())
    page.set_input_files(
        "input[name=evidence_files]",
        files=[
            {"name": "attendance register.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}
        ],
    )
    page.click("#application button[type=submit]")
    page.wait_for_url(f"{base}/cases/*?recorded=*")
    case_id = int(page.url.split("/cases/")[1].split("?")[0])
    world.drive(case_id, "notice_served")
    page.goto(f"{base}/cases/{case_id}")
    row = page.locator("#paper-1")
    assert "attendance register.pdf" in row.inner_text()
    assert "Documentary evidence of the complaint" in row.inner_text()
    digest = file_store.sha256_of(EVIDENCE)
    assert row.locator("code").get_attribute("title") == digest

    def another_user() -> object:
        """A second browser session, as another person at another desk."""
        return page.context.browser.new_context().new_page()

    respondent = another_user()
    sign_in(respondent, base, "respondent")
    respondent.goto(f"{base}/cases/{case_id}")
    with respondent.expect_download() as info:
        respondent.click("#paper-1 a")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert info.value.suggested_filename == "attendance register.pdf"
    assert saved.read_bytes() == EVIDENCE

    rcsc = another_user()
    sign_in(rcsc, base, "rcsc")
    rcsc.goto(f"{base}/cases/{case_id}/due-process")
    listed = rcsc.locator("#due-process-papers")
    assert "attendance register.pdf" in listed.inner_text()
    assert digest in listed.inner_text() and "BCSR 19.5.1.2" in listed.inner_text()
    assert errors == []
