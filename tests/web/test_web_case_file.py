"""The case file over HTTP (web.case_file_pages): a committee member adds a paper from the
case page, the respondent downloads what they may read, the API takes and lists papers,
and every download is the stored bytes as an attachment."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from cases.core import file_store
from cases.review import case_file
from tests.web.web_helpers import login

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_member_adds_evidence_from_the_case_page_and_the_respondent_downloads_it(
    app: Any, world: Any
) -> None:
    case_id = world.open()
    with TestClient(app) as dc:
        csrf = login(dc, "dc")
        added = dc.post(
            f"/cases/{case_id}/files",
            data={"csrf_token": csrf, "kind": "complaint_evidence", "confidential": ""},
            files={"file": ("cctv still.pdf", PDF, "application/octet-stream")},
            follow_redirects=False,
        )
        assert added.status_code == 303 and added.headers["location"].endswith("#case-file")
        page = dc.get(added.headers["location"])
        assert "cctv still.pdf" in page.text and "Add to the case file" in page.text
        assert file_store.sha256_of(PDF)[:16] in page.text

    with TestClient(app) as respondent:
        login(respondent, "respondent")
        page = respondent.get(f"/cases/{case_id}")
        assert "cctv still.pdf" in page.text
        got = respondent.get(f"/cases/{case_id}/files/1")
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["x-paper-sha256"] == file_store.sha256_of(PDF)


def test_the_api_adds_lists_and_refuses_papers_naming_the_field(
    client: TestClient, world: Any, token: Any
) -> None:
    case_id = world.open()
    dc, respondent = token("dc"), token("respondent")
    withheld = client.post(
        f"/api/cases/{case_id}/files",
        data={"kind": "investigation_report", "confidential": "19.8.2.2(xi)"},
        files={"file": ("report.pdf", PDF, "application/pdf")},
        headers=dc,
    )
    assert withheld.status_code == 201, withheld.text
    paper = withheld.json()["file"]
    assert paper["sha256"] == file_store.sha256_of(PDF) and withheld.json()["event"]["seq"]

    assert [
        f["name"] for f in client.get(f"/api/cases/{case_id}/files", headers=dc).json()["files"]
    ] == ["report.pdf"]
    assert client.get(f"/api/cases/{case_id}/files", headers=respondent).json()["files"] == []
    hidden = client.get(f"/api/cases/{case_id}/files/{paper['id']}", headers=respondent)
    assert hidden.status_code == 404

    wrong = client.post(
        f"/api/cases/{case_id}/files",
        data={"kind": "complaint_evidence"},
        files={"file": ("evidence.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf")},
        headers=dc,
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "file"
    unknown = client.post(
        f"/api/cases/{case_id}/files",
        data={"kind": "gossip"},
        files={"file": ("a.txt", b"text", "text/plain")},
        headers=dc,
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind"

    client.app.state.file_limits = case_file.Limits(per_file=len(PDF) - 1)
    big = client.post(
        f"/api/cases/{case_id}/files",
        data={"kind": "complaint_evidence"},
        files={"file": ("big.pdf", PDF, "application/pdf")},
        headers=dc,
    )
    assert big.status_code == 413 and big.json()["limit"] == len(PDF) - 1
    assert len(client.get(f"/api/cases/{case_id}/files", headers=dc).json()["files"]) == 1


def test_a_paper_whose_stored_file_is_gone_answers_410_naming_the_check(
    client: TestClient, world: Any, token: Any, files_dir: Any
) -> None:
    case_id = world.open()
    dc = token("dc")
    added = client.post(
        f"/api/cases/{case_id}/files",
        data={"kind": "other"},
        files={"file": ("note.txt", b"a note\n", "text/plain")},
        headers=dc,
    ).json()["file"]
    file_store.LocalStore(files_dir).path(added["sha256"]).unlink()
    gone = client.get(f"/api/cases/{case_id}/files/{added['id']}", headers=dc)
    assert gone.status_code == 410 and "audit verify --files" in gone.json()["detail"]
