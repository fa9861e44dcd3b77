"""Papers sent with the step that records them (a step's file fields, workflows.fields): the
step form and the API's multipart call put them on the case file in the step's own
transaction, so a refused step leaves no paper and a refused paper leaves no step."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from cases.core import file_store
from cases.core.models import AuditEvent, Case, CaseFile
from tests.applications import eol_application
from tests.conftest import COMPLAINT
from tests.web.web_helpers import login

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REPORT = b"Investigation report: absence on 2 and 3 December established.\n"
WITHHELD = b"Statement of a witness who asked not to be named.\n"


def _rows(world: Any, model: Any) -> list[Any]:
    with world.session() as s:
        return list(s.exec(select(model)).all())


def _stored(files_dir: Any) -> list[str]:
    return sorted(p.name for p in files_dir.rglob("*") if p.is_file())


def test_the_complaint_form_files_its_evidence_with_the_complaint(
    app: Any, world: Any, files_dir: Any
) -> None:
    """19.5.1.2: "On written complaint supported with sufficient documentary evidence": the
    papers are attached on the form that records the complaint, filed as its evidence."""
    with TestClient(app) as dc:
        csrf = login(dc, "dc")
        form = dc.get("/cases/new?process=disciplinary").text
        assert 'enctype="multipart/form-data"' in form and 'name="evidence_files"' in form
        fields = {**COMPLAINT, "evidence": "", "received_on": world.today()}
        made = dc.post(
            "/cases",
            data={"csrf_token": csrf, "process": "disciplinary", "subject_eid": "E100", **fields},
            files=[("evidence_files", ("attendance register.pdf", PDF, "application/pdf"))],
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        page = dc.get(made.headers["location"])
        assert "attendance register.pdf" in page.text

    [paper] = _rows(world, CaseFile)
    assert (paper.kind, paper.name) == ("complaint_evidence", "attendance register.pdf")
    events = {e.trigger: e for e in _rows(world, AuditEvent)}
    step = json.loads(events["open"].fields)
    assert step["evidence_files"] == [
        {"name": "attendance register.pdf", "sha256": file_store.sha256_of(PDF), "size": len(PDF)}
    ]
    added = json.loads(events["add_file"].fields)
    assert (added["step"], added["step_seq"]) == ("open", events["open"].seq)
    assert events["add_file"].seq > events["open"].seq
    assert events["add_file"].cite == "19.5.1.2"


def test_a_refused_step_files_no_paper(app: Any, world: Any, files_dir: Any) -> None:
    """A step refused (here 19.5.1.2: a written complaint without its evidence is not the
    refusal; a missing date of receipt is) writes nothing: no case, no paper, no stored file."""
    with TestClient(app) as dc:
        csrf = login(dc, "dc")
        refused = dc.post(
            "/cases",
            data={"csrf_token": csrf, "process": "disciplinary", "subject_eid": "E100"}
            | {k: v for k, v in COMPLAINT.items()},
            files=[("evidence_files", ("register.pdf", PDF, "application/pdf"))],
        )
        assert refused.status_code == 422 and "Received on is required" in refused.text
    assert _rows(world, Case) == [] and _rows(world, CaseFile) == []
    assert _stored(files_dir) == []


def test_a_refused_paper_refuses_its_step(
    client: TestClient, world: Any, token: Any, files_dir: Any
) -> None:
    """A paper of a type the case file does not take refuses the step it came with, naming
    the field: the case stays where it was (one transition, one transaction)."""
    case_id = world.walk_to("report_due")
    before = world.case(case_id)
    sent = client.post(
        f"/api/cases/{case_id}/actions/submit_report/with-papers",
        data={
            "version": str(before.version),
            "fields": json.dumps(
                {
                    "report_findings": "Absence established",
                    "report_received_on": world.today(),
                    "copy_to_respondent_on": world.today(),
                }
            ),
        },
        files=[("report_files", ("report.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf"))],
        headers=token("secretary"),
    )
    assert sent.status_code == 422 and sent.json()["field"] == "report_files", sent.text
    after = world.case(case_id)
    assert (after.state, after.version) == (before.state, before.version)
    assert _rows(world, CaseFile) == []


def test_withheld_papers_of_a_step_follow_19_8_2_2_xi(
    client: TestClient, world: Any, token: Any
) -> None:
    """19.8.2.2(xi): the respondent gets "a complete copy of the investigation report"
    save the parts "inappropriate to disclose": the report's paper reaches them, the paper
    filed as withheld does not (nor its name in the step's facts)."""
    case_id = world.walk_to("report_due")
    sent = client.post(
        f"/api/cases/{case_id}/actions/submit_report/with-papers",
        data={
            "version": str(world.case(case_id).version),
            "fields": json.dumps(
                {
                    "report_findings": "Absence established",
                    "report_received_on": world.today(),
                    "withheld_parts": "A witness statement",
                }
            ),
        },
        files=[
            ("report_files", ("report.txt", REPORT, "text/plain")),
            ("withheld_files", ("witness.txt", WITHHELD, "text/plain")),
        ],
        headers=token("secretary"),
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["state"] == "dc_meeting"

    def names(who: str) -> list[str]:
        listed = client.get(f"/api/cases/{case_id}/files", headers=token(who)).json()
        return sorted(f["name"] for f in listed["files"])

    assert names("dc") == ["report.txt", "witness.txt"]
    assert names("respondent") == ["report.txt"]
    events = client.get(f"/api/cases/{case_id}/events", headers=token("respondent")).json()
    shown = next(e for e in events if e["trigger"] == "submit_report")["fields"]
    assert "withheld_files" not in shown and shown["report_files"][0]["name"] == "report.txt"
    papers = {p.name: p for p in _rows(world, CaseFile)}
    assert papers["witness.txt"].confidential == "19.8.2.2(xi)"
    assert papers["report.txt"].kind == papers["witness.txt"].kind == "investigation_report"


def test_a_paper_named_in_json_is_refused(client: TestClient, world: Any, token: Any) -> None:
    """A paper is its bytes: JSON naming one (a file name, a hash) is refused, naming the
    field, so a step never records a paper the case file does not hold."""
    case_id = world.walk_to("decided")
    sent = client.post(
        f"/api/cases/{case_id}/actions/lodge_appeal",
        json={
            "version": world.case(case_id).version,
            "fields": {
                "grounds": ["19.12.2.2"],
                "appeal_statement": "Not supported by the evidence.",
                "appeal_lodged_on": world.today(),
                "appeal_received_on": world.today(),
                "appeal_files": "memorandum.pdf",
            },
        },
        headers=token("respondent"),
    )
    assert sent.status_code == 422 and sent.json()["field"] == "appeal_files", sent.text
    assert "multipart" in sent.json()["detail"]


def test_the_appeal_memorandum_is_filed_by_the_respondent_with_the_appeal(
    client: TestClient, world: Any, token: Any
) -> None:
    """19.12.2: the respondent appeals "stating the grounds"; the memorandum goes on the case
    file as the appeal's paper, for the appellate body to read on the record (19.12.2.2)."""
    case_id = world.walk_to("decided")
    sent = client.post(
        f"/api/cases/{case_id}/actions/lodge_appeal/with-papers",
        data={
            "version": str(world.case(case_id).version),
            "fields": json.dumps(
                {
                    "grounds": ["19.12.2.2"],
                    "appeal_statement": "Not supported by the evidence.",
                    "appeal_lodged_on": world.today(),
                    "appeal_received_on": world.today(),
                }
            ),
        },
        files=[("appeal_files", ("memorandum.pdf", PDF, "application/pdf"))],
        headers=token("respondent"),
    )
    assert sent.status_code == 200, sent.text
    listed = client.get(f"/api/cases/{case_id}/files", headers=token("rcsc")).json()["files"]
    assert [(f["name"], f["kind"], f["added_by"]) for f in listed] == [
        ("memorandum.pdf", "appeal", "respondent")
    ]


def test_an_application_is_opened_through_the_api_with_its_form_8b(
    client: TestClient, world: Any, token: Any
) -> None:
    """8.12.10: "shall be submitted with the completed Form 8/B": the signed undertaking
    goes on the case file with the application (2023.2), filed as the application's paper."""
    world.make_servant("E300")
    opened = client.post(
        "/api/cases/with-papers",
        data={
            "process": "eol",
            "subject_eid": "E300",
            "fields": json.dumps(eol_application()),
        },
        files=[("application_files", ("form 8B signed.pdf", PDF, "application/pdf"))],
        headers=token("hr"),
    )
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    listed = client.get(f"/api/cases/{case_id}/files", headers=token("hr")).json()["files"]
    assert [(f["name"], f["kind"]) for f in listed] == [("form 8B signed.pdf", "application")]
    assert opened.json()["process_version"] == "2023.2"
