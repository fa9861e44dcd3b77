"""In a real browser: the appellate authority opens a case's due-process report (BCSR 19.12.3)
from the case page and downloads its PDF, which carries the case number and the audit chain
head to check the copy against the system later."""

from __future__ import annotations

import io

import pypdf
import pytest
from web_helpers import sign_in

from cases.core import audit

pytestmark = pytest.mark.browser


def test_appellate_authority_opens_the_report_and_downloads_its_pdf(
    app, world, serve_app, browser_page, clock, tmp_path
) -> None:
    case_id = world.walk_to("investigation_ordered")
    clock.advance(days=15)  # the investigation has not commenced within 5 working days
    world.drive(case_id, "appeal")
    with world.session() as s:
        _seq, head_hash = audit.head(s)
    base = serve_app(app)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "rcsc")

    page.goto(f"{base}/cases/{case_id}")
    summary = page.locator("#due-process")
    assert "Due process (BCSR 19.12.3)" in summary.inner_text()
    assert "Investigation commenced" in summary.locator(".due-process-problems").inner_text()
    page.click("#due-process-link")
    page.wait_for_url(f"{base}/cases/{case_id}/due-process")

    report = page.locator("#due-process-report")
    assert f"Due-process report: case {case_id}" in report.locator("h1").inner_text()
    row = report.locator("tr.check-investigation_commenced")
    assert "missed by 5 working days" in row.inner_text()
    assert "BCSR 19.8.2.2(v)" in row.inner_text()
    assert page.locator("#chain-head").inner_text() == head_hash

    with page.expect_download() as info:
        page.click("#due-process-pdf")
    download = info.value
    assert download.suggested_filename == f"due-process-case-{case_id}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert head_hash in text
    assert f"Due-process report: case {case_id}" in text
    assert f"drukflow audit verify --head {head_hash}" in text
    assert errors == []
