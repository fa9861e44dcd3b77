"""Letters and orders through the web: issued from the case page with the session's CSRF
token, read as printable HTML, downloaded as the very PDF whose hash the audit trail holds,
listed by the API, and hidden (404) from users of other agencies."""

from __future__ import annotations

import hashlib
import io
import json

from pypdf import PdfReader
from sqlmodel import func, select
from web_helpers import login

from cases.core.models import AuditEvent, Document
from workflows import roles as R


def documents_of(world, case_id: int) -> list[Document]:
    with world.session() as s:
        return list(s.exec(select(Document).where(Document.case_id == case_id)).all())


def event_fields(world, seq: int) -> dict:
    with world.session() as s:
        event = s.get(AuditEvent, seq)
        assert event is not None
        return json.loads(event.fields)


def test_the_dc_issues_the_notice_from_the_case_page_and_downloads_the_hashed_pdf(
    client, world
) -> None:
    case_id = world.walk_to("notice_served")
    csrf = login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert [d["kind"] for d in page.context["documents"]["issuable"]] == ["notice_of_charges"]
    assert f'action="http://testserver/cases/{case_id}/documents/notice_of_charges"' in page.text

    resp = client.post(
        f"/cases/{case_id}/documents/notice_of_charges",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    [doc] = documents_of(world, case_id)
    assert resp.headers["location"].endswith(f"/cases/{case_id}/documents/{doc.id}")

    html = client.get(resp.headers["location"])
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Dorji Wangchuk" in html.text and "@page" in html.text and doc.reference in html.text
    assert (
        hashlib.sha256(html.text.encode()).hexdigest()
        == event_fields(world, doc.audit_seq)["html_sha256"]
    )

    pdf = client.get(f"/cases/{case_id}/documents/{doc.id}.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "private, no-store"
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="case-{case_id}-notice_of_charges-{doc.id}.pdf"'
    )
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert digest == event_fields(world, doc.audit_seq)["sha256"] == doc.sha256
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Dorji Wangchuk" in text and "19.8.2.1(i)" in text

    # The case page lists it, with its hash and audit event, and offers a re-issue.
    page = client.get(f"/cases/{case_id}")
    assert doc.sha256[:16] in page.text and f"audit event #{doc.audit_seq}" in page.text
    assert "Re-issue: Notice of administrative charges" in page.text


def test_issuing_needs_the_csrf_token(client, world) -> None:
    case_id = world.walk_to("notice_served")
    login(client, "dc")
    resp = client.post(f"/cases/{case_id}/documents/notice_of_charges", data={})
    assert resp.status_code == 403
    assert documents_of(world, case_id) == []


def test_htmx_issue_returns_the_panel_and_signals_the_timeline(client, world) -> None:
    case_id = world.walk_to("notice_served")
    csrf = login(client, "dc")
    resp = client.post(
        f"/cases/{case_id}/documents/notice_of_charges",
        data={"csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 200
    assert resp.template.name == "partials/case_documents.html"
    assert resp.headers["HX-Trigger"] == "case-changed"
    assert '<section id="documents">' in resp.text and "<html" not in resp.text
    assert "Issued: Notice of administrative charges" in resp.text
    [doc] = documents_of(world, case_id)
    assert f"/cases/{case_id}/documents/{doc.id}.pdf" in resp.text


def test_the_decision_letter_is_refused_to_a_dc_member_with_its_section(client, world) -> None:
    case_id = world.walk_to("endorsed")
    csrf = login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert page.context["documents"]["issuable"] == []
    resp = client.post(f"/cases/{case_id}/documents/decision_letter", data={"csrf_token": csrf})
    assert resp.status_code == 403
    assert "only the HRC chairperson signs the decision letter" in resp.text
    assert "19.8.2.4(iii)" in resp.text
    assert documents_of(world, case_id) == []


def test_the_respondent_reads_and_downloads_but_cannot_issue(client, world) -> None:
    case_id = world.walk_to("notice_served")
    dc = login(client, "dc")
    client.post(f"/cases/{case_id}/documents/notice_of_charges", data={"csrf_token": dc})
    [doc] = documents_of(world, case_id)
    client.cookies.clear()

    csrf = login(client, "respondent")
    page = client.get(f"/cases/{case_id}")
    assert page.context["documents"]["issuable"] == []
    assert [d["id"] for d in page.context["documents"]["issued"]] == [doc.id]
    assert client.get(f"/cases/{case_id}/documents/{doc.id}").status_code == 200
    pdf = client.get(f"/cases/{case_id}/documents/{doc.id}.pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == doc.sha256
    resp = client.post(f"/cases/{case_id}/documents/notice_of_charges", data={"csrf_token": csrf})
    assert resp.status_code == 403 and "19.8.2.1(i)" in resp.text


def test_another_agencys_user_gets_404_everywhere(client, world) -> None:
    world.add_user("moha_dc", (R.DC_MEMBER,), agency="MOHA")
    case_id = world.walk_to("notice_served")
    dc = login(client, "dc")
    client.post(f"/cases/{case_id}/documents/notice_of_charges", data={"csrf_token": dc})
    [doc] = documents_of(world, case_id)
    client.cookies.clear()

    csrf = login(client, "moha_dc")
    assert client.get(f"/cases/{case_id}/documents/{doc.id}").status_code == 404
    assert client.get(f"/cases/{case_id}/documents/{doc.id}.pdf").status_code == 404
    assert client.get(f"/api/cases/{case_id}/documents").status_code == 404
    resp = client.post(f"/cases/{case_id}/documents/notice_of_charges", data={"csrf_token": csrf})
    assert resp.status_code == 404
    with world.session() as s:
        assert s.exec(select(func.count()).select_from(Document)).one() == 1


def test_a_document_of_another_case_is_not_served_under_this_one(client, world) -> None:
    first = world.walk_to("notice_served")
    other = world.walk_to("enquiry_directed")
    dc = login(client, "dc")
    client.post(f"/cases/{first}/documents/notice_of_charges", data={"csrf_token": dc})
    [doc] = documents_of(world, first)
    assert client.get(f"/cases/{other}/documents/{doc.id}").status_code == 404
    assert client.get(f"/cases/{other}/documents/{doc.id}.pdf").status_code == 404


def test_the_api_lists_documents_with_hash_and_audit_event(client, world) -> None:
    case_id = world.walk_to("notice_served")
    dc = login(client, "dc")
    client.post(f"/cases/{case_id}/documents/notice_of_charges", data={"csrf_token": dc})
    client.post(f"/cases/{case_id}/documents/notice_of_charges", data={"csrf_token": dc})
    listed = client.get(f"/api/cases/{case_id}/documents").json()
    assert [d["kind"] for d in listed] == ["notice_of_charges", "notice_of_charges"]
    newest, first = listed
    assert newest["id"] > first["id"] and newest["audit_seq"] > first["audit_seq"]
    for row in listed:
        assert event_fields(world, row["audit_seq"])["sha256"] == row["sha256"]
        assert row["cite"] == "19.8.2.1(i)" and row["issued_by"] == "dc"
        pdf = client.get(row["pdf_url"])
        assert hashlib.sha256(pdf.content).hexdigest() == row["sha256"]
    assert "/api/cases/{case_id}/documents" in client.app.openapi()["paths"]
