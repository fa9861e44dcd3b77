"""The due-process report on the web (BCSR 19.12.3): the case page summary, the printable page,
the PDF and the JSON, who may read them, and the chain head each copy carries."""

from __future__ import annotations

import io

import pypdf
from web_helpers import login

from cases.core import audit
from cases.core.db import transaction
from cases.people import auth


def bearer(world, username: str) -> dict[str, str]:  # noqa: ANN001
    with transaction(world.engine) as s:
        tok = auth.issue_token(s, world.users[username], world.clock.now)
    return {"Authorization": f"Bearer {tok}"}


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def head(world) -> tuple[int, str]:  # noqa: ANN001
    with world.session() as s:
        return audit.head(s)


def test_the_case_page_summarises_due_process_for_the_hrc_only(client, world) -> None:
    case_id = world.walk_to("decided")
    login(client, "chair")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert page.context["due_process_panel"]
    loads = f'hx-get="http://testserver/cases/{case_id}/due-process/summary"'
    assert loads in page.text  # the summary is loaded after the page, and on each change
    panel = client.get(f"/cases/{case_id}/due-process/summary")
    summary = panel.context["due_process"]
    assert summary.case_id == case_id and summary.counts["missed"] == 0
    assert 'id="due-process-link"' in panel.text
    assert f'href="http://testserver/cases/{case_id}/due-process"' in panel.text
    assert "0 missed" in panel.text
    client.post("/logout", data={"csrf_token": page.context["viewer"].csrf})

    login(client, "hr")  # the agency's HR officer sees the case, not the review
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert not page.context["due_process_panel"]
    assert "due-process" not in page.text
    panel = client.get(f"/cases/{case_id}/due-process/summary")
    assert panel.status_code == 200 and "due-process-link" not in panel.text


def test_the_printable_page_shows_each_step_and_the_chain_head(client, world, clock) -> None:
    case_id = world.walk_to("investigation_ordered")
    clock.advance(days=15)  # commencement due 22 December; now 29 December: overdue
    login(client, "rcsc")
    page = client.get(f"/cases/{case_id}/due-process")
    assert page.status_code == 200
    assert page.template.name == "pages/due_process.html"
    report = page.context["report"]
    assert report.case_id == case_id
    assert [c.key for c, _ in report.problems] == ["investigation_commenced"]
    seq, hash_ = head(world)
    assert (report.chain.head_seq, report.chain.head_hash) == (seq, hash_)
    assert f"drukflow audit verify --head {hash_}" in page.text
    assert "overdue by 5 working days" in page.text
    assert "BCSR 19.8.2.2(v)" in page.text
    assert 'id="due-process-pdf"' in page.text


def test_the_pdf_carries_the_case_number_and_the_chain_head(client, world) -> None:
    case_id = world.walk_to("closed")
    login(client, "rcsc")
    resp = client.get(f"/cases/{case_id}/due-process.pdf")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/pdf"
    assert (
        resp.headers["content-disposition"]
        == f"attachment; filename=due-process-case-{case_id}.pdf"
    )
    assert resp.content.startswith(b"%PDF-")
    text = pdf_text(resp.content)
    _seq, hash_ = head(world)
    assert hash_ in text
    assert f"Due-process report: case {case_id}" in text
    assert "19.12.3" in text and "19.8.2.2(x)" in text


def test_the_json_report_through_the_api_verifies_against_the_chain(client, world) -> None:
    case_id = world.walk_to("appeal")
    resp = client.get(f"/api/cases/{case_id}/due-process", headers=bearer(world, "rcsc"))
    assert resp.status_code == 200
    body = resp.json()
    assert body["case"]["id"] == case_id and body["cite"] == "19.12.3"
    keys = [c["key"] for c in body["checks"]]
    assert keys[:3] == ["notice", "explanation", "investigation_ordered"]
    appellate = next(c for c in body["checks"] if c["key"] == "appellate_decision")
    assert appellate["occurrences"][0]["verdict"] == "pending"
    assert appellate["occurrences"][0]["required_on"] == "2027-01-13"
    with world.session() as s:
        assert audit.verify(s, body["chain"]["head_hash"]).ok
        assert not audit.verify(s, "0" * 63 + "1").ok

    pdf = client.get(f"/api/cases/{case_id}/due-process.pdf", headers=bearer(world, "chair"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert body["chain"]["head_hash"] in pdf_text(pdf.content)


def test_who_is_refused_and_how(client, world) -> None:
    case_id = world.walk_to("decided")
    assert client.get(f"/api/cases/{case_id}/due-process").status_code == 401
    for username, status in (("respondent", 403), ("hr", 404), ("investigator", 404)):
        resp = client.get(f"/api/cases/{case_id}/due-process", headers=bearer(world, username))
        assert resp.status_code == status, username
        resp = client.get(f"/api/cases/{case_id}/due-process.pdf", headers=bearer(world, username))
        assert resp.status_code == status, username
    refused = client.get(f"/api/cases/{case_id}/due-process", headers=bearer(world, "respondent"))
    assert [r["cite"] for r in refused.json()["refusals"]] == ["19.12.3"]
    missing = client.get("/api/cases/9999/due-process", headers=bearer(world, "rcsc"))
    assert missing.status_code == 404

    login(client, "respondent")
    page = client.get(f"/cases/{case_id}/due-process")
    assert page.status_code == 403 and "BCSR 19.12.3" in page.text
    assert client.get(f"/cases/{case_id}/due-process.pdf").status_code == 403


def test_the_api_routes_are_documented_and_the_pages_are_not(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/cases/{case_id}/due-process" in paths
    assert "/api/cases/{case_id}/due-process.pdf" in paths
    assert "/cases/{case_id}/due-process" not in paths
    assert "/cases/{case_id}/due-process.pdf" not in paths
    assert paths["/api/cases/{case_id}/due-process"]["get"]["tags"] == ["api"]
