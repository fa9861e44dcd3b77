"""Letters and orders (cases.review.documents) issued from real cases driven through ``fire``: each
document is refused before its step and to the wrong role with its section, and once issued
its audit event carries the SHA-256 of the very PDF stored, whose text states the case's facts.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from cases.core import audit, service
from cases.core.db import transaction
from cases.core.models import Agency, AuditEvent, Document
from cases.review import documents, printing
from cases.review.letters.kit import day
from tests.applications import eol_application, ltt_application
from workflows import roles as R
from workflows.context import Refused
from workflows.offences import BY_NUMBER

# ------------------------------------------------------------------ helpers


def issue(world, case_id: int, kind: str, username: str) -> Document:
    with transaction(world.engine) as s:
        return documents.issue(s, case_id, kind, world.actors[username], now=world.clock.now)


def refused(world, case_id: int, kind: str, username: str) -> Refused:
    with pytest.raises(Refused) as exc:
        issue(world, case_id, kind, username)
    return exc.value


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def counts(world) -> tuple[int, int]:
    with world.session() as s:
        docs = s.exec(select(func.count()).select_from(Document)).one()
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return docs, events


def assert_issued(world, doc: Document, case_id: int, facts: list[str]) -> str:
    """The audit event names the document and carries the PDF's hash; the PDF states the facts
    and the reference; the chain still verifies. Returns the PDF's text."""
    decl = documents.DOCUMENTS[doc.kind]
    case = world.case(case_id)
    with world.session() as s:
        event = s.get(AuditEvent, doc.audit_seq)
        chain = audit.verify(s)
    assert chain.ok, chain.problem
    assert event is not None and event.case_id == case_id
    fields = json.loads(event.fields)
    assert event.trigger == "issue_document" and event.cite == decl.cite
    assert (event.from_state, event.to_state) == (case.state, case.state)
    assert (event.process, event.process_version) == (case.process, case.process_version)
    assert fields == {
        "document": doc.kind,
        "title": decl.title,
        "reference": doc.reference,
        "sha256": hashlib.sha256(doc.pdf).hexdigest(),
        "html_sha256": hashlib.sha256(doc.html.encode()).hexdigest(),
    }
    assert doc.sha256 == fields["sha256"]
    with world.session() as s:
        stored = s.get(Document, doc.id)
    assert stored is not None and stored.pdf == doc.pdf  # the bytes hashed are the bytes kept
    text = pdf_text(doc.pdf)
    for fact in [doc.reference, f"section {decl.cite}", *facts]:
        assert fact in text, f"{fact!r} not in the {doc.kind} PDF"
    return text


# ------------------------------------------------------------------ notice of charges (19.8.2.1)


def test_notice_of_charges_states_the_charges_and_the_five_working_days(world):
    case_id = world.walk_to("enquiry_directed")
    early = refused(world, case_id, "notice_of_charges", "dc")
    assert early.kind == "state" and "19.8.2.1(i)" in str(early)

    world.drive(case_id, "notice_served")  # notice received on Monday 14 December 2026
    for who in ("hr", "respondent"):
        wrong = refused(world, case_id, "notice_of_charges", who)
        assert wrong.kind == "authority" and "19.8.2.1(i)" in str(wrong)

    doc = issue(world, case_id, "notice_of_charges", "dc")
    assert doc.reference == f"MOH/NC/2026/{case_id}-1"
    text = assert_issued(
        world,
        doc,
        case_id,
        [
            "Dorji Wangchuk",
            "EID E100",
            "Motithang, Thimphu",
            BY_NUMBER[11].nature,
            BY_NUMBER[3].nature,
            "within five working days from the receipt of this notification",
            # 17 December (National Day) and the weekend are not counted.
            "your explanation is due by 22 December 2026",
            "Charges as per the complaint",
        ],
    )
    assert "19.8.2.1(iii)" in text


def test_another_agencys_officer_gets_not_found(world):
    world.add_user("moha_dc", (R.DC_MEMBER,), agency="MOHA")
    case_id = world.walk_to("notice_served")
    with pytest.raises(service.NotFound):
        issue(world, case_id, "notice_of_charges", "moha_dc")
    doc = issue(world, case_id, "notice_of_charges", "dc")
    with world.session() as s, pytest.raises(service.NotFound):
        documents.visible_document(s, world.actors["moha_dc"], case_id, doc.id)  # type: ignore[arg-type]


def test_a_document_of_another_process_is_not_found(world):
    case_id = world.walk_to("notice_served")
    with pytest.raises(service.NotFound):
        issue(world, case_id, "transfer_order", "dc")


# ------------------------------------------------------------------ decision letter (19.8.2.4)


def test_only_the_hrc_chairperson_signs_the_decision_letter(world):
    case_id = world.walk_to("awaiting_endorsement")
    early = refused(world, case_id, "decision_letter", "chair")
    assert early.kind == "state" and "19.8.2.4" in str(early)

    world.drive(case_id, "endorsed")
    for who in ("dc", "secretary", "hr"):
        wrong = refused(world, case_id, "decision_letter", who)
        assert wrong.kind == "authority"
        assert "only the HRC chairperson signs the decision letter" in str(wrong)
        assert "19.8.2.4(iii)" in str(wrong)

    doc = issue(world, case_id, "decision_letter", "chair")
    text = assert_issued(
        world,
        doc,
        case_id,
        [
            "Dorji Wangchuk",
            "EID E100",
            "Reprimand (minor penalty, BCSR 19.11.13.1)",
            "Demotion to a lower Position Level/Position (major penalty, BCSR 19.11.14.5)",
            "The evidence establishes the charges.",
            "within 10 working days from the receipt of this decision",
            "Agency RCSC",  # the appellate authority of a ministry's decision (19.3.7)
            "Chairperson, Human Resource Committee",
            "Negative List",
        ],
    )
    assert "19.8.2.4(iv)" in text  # the copy to the RCSC


def test_the_communicated_letter_carries_its_number_and_the_appeal_date(world):
    case_id = world.walk_to("decided")  # letter MOH/HR/7, received on Monday 14 December
    doc = issue(world, case_id, "decision_letter", "chair")
    assert doc.reference == "MOH/HR/7"
    # 10 working days after 14 December: National Day (17th) and the weekends are skipped.
    due = world.deadline(case_id, "appeal_window").due_on
    assert_issued(world, doc, case_id, [f"by {day(due)}"])
    world.drive(case_id, "appeal")
    late = refused(world, case_id, "decision_letter", "chair")
    assert late.kind == "state" and "19.8.2.4" in str(late)


# ------------------------------------------------------------------ suspension order (19.9.6)


def suspend(world, case_id: int) -> None:
    world.fire(
        case_id,
        "hold_pre_suspension_hearing",
        "dc",
        pre_suspension_hearing_on=world.today(),
        hearing_record="Says the suspension is unnecessary",
    )
    world.fire(
        case_id,
        "suspend",
        "chair",
        suspension_grounds=["19.9.5.1", "19.9.4.3"],
        office_order_no="MOH/OO/5",
        suspended_from=world.today(),
        gross_pay="45000",
        professional_allowance="5000",
        rcsc_notified=True,
    )


def test_the_suspension_office_order_states_grounds_and_subsistence_allowance(world):
    case_id = world.walk_to("investigating")
    early = refused(world, case_id, "suspension_order", "chair")
    assert early.kind == "state" and "19.9.6" in str(early)

    suspend(world, case_id)
    wrong = refused(world, case_id, "suspension_order", "hr")
    assert wrong.kind == "authority" and "19.9.6" in str(wrong)

    doc = issue(world, case_id, "suspension_order", "chair")
    assert doc.reference == "MOH/OO/5"
    assert_issued(
        world,
        doc,
        case_id,
        [
            "Dorji Wangchuk",
            "EID E100",
            "with effect from 14 December 2026",
            "Continuance in office will prejudice the disciplinary process (BCSR 19.9.5.1)",
            "Nu 20,000.00 per month",  # (45,000 - 5,000) / 2 (19.9.8)
            "BCSR 19.9.12",
            "19.9.10",
        ],
    )

    world.fire(case_id, "revoke_suspension", "chair", revoked_on=world.today(), reasons="Done")
    after = refused(world, case_id, "suspension_order", "chair")
    assert after.kind == "state" and "not under suspension" in str(after)


# ------------------------------------------------------------------ EOL and Form 8/B (8.12.10)

EOL_START, EOL_END = date(2027, 1, 4), date(2027, 8, 31)


def test_the_eol_grant_carries_the_form_8b_undertaking(world):
    case_id = world.open_case(
        "eol",
        "E100",
        "hr",
        eol_application(start_on=EOL_START.isoformat(), end_on=EOL_END.isoformat()),
    )
    early = refused(world, case_id, "eol_approval", "chair")
    assert early.kind == "state" and "8.12.10" in str(early)

    world.fire(case_id, "approve", "chair", decided_on=world.today(), hrc_meeting_no="HRC/2026/12")
    wrong = refused(world, case_id, "eol_approval", "hr")
    assert wrong.kind == "authority" and "8.12.16" in str(wrong)

    doc = issue(world, case_id, "eol_approval", "chair")
    text = assert_issued(
        world,
        doc,
        case_id,
        [
            "Dorji Wangchuk",
            "Employee ID E100",
            "4 January 2027 to 31 August 2027",
            "240 days",
            "Form 8/B",
            "UNDERTAKING FOR EXTRAORDINARY LEAVE",
            "A sabbatical to write a history of the health service.",
            "major administrative action if I am found to breach this Undertaking (BCSR 8.12.11)",
            "until 3 July 2027",  # the position is protected six months (8.12.14)
            "rejoin the service on 1 September 2027",
        ],
    )
    assert "8.12.13" in text and "8.12.15" in text
    assert len(PdfReader(io.BytesIO(doc.pdf)).pages) >= 2  # the undertaking on its own page


# ------------------------------------------------------------------ transfer order (Form 14/1a)


@pytest.fixture
def tw(world):
    world.add_user("doph_hr", (R.HR_OFFICER,), agency="DOPH")
    world.make_servant(
        "E200",
        name="Tashi Dema",
        position_title="Planning Officer",
        date_of_birth=date(1988, 4, 2),
        appointment_date=date(2012, 1, 2),
        position_since=date(2018, 3, 1),
        place_of_posting="Thimphu",
    )
    return world


def test_the_transfer_order_on_form_14_1a(tw):
    case_id = tw.open_case(
        "transfer",
        "E200",
        "hr",
        {
            "transfer_kind": "planned",
            "receiving_agency": "DOPH",
            "new_position": "Planning Officer",
            "new_station": "Gelephu",
            "effective_on": "2027-07-01",
            "distance_km": "250",
            "change_of_residence": True,
            "reasons": "Planned rotation",
        },
    )
    tw.fire(
        case_id,
        "agree_list",
        "hr",
        agreed_on=tw.today(),
        list_ref="MOH/TL/2027",
        working_agency_consulted=True,
    )
    early = refused(tw, case_id, "transfer_order", "chair")
    assert early.kind == "state" and "13.9.3" in str(early)

    tw.fire(case_id, "issue_order", "chair", order_no="MOH/TO/2026/77", order_date=tw.today())
    # The receiving department sees the case but is not the competent authority (13.3.1).
    wrong = refused(tw, case_id, "transfer_order", "doph_hr")
    assert wrong.kind == "authority" and "13.3.1" in str(wrong)
    wrong = refused(tw, case_id, "transfer_order", "dc")
    assert wrong.kind == "authority" and "13.9.3" in str(wrong)

    doc = issue(tw, case_id, "transfer_order", "hr")
    assert doc.reference == "MOH/TO/2026/77"
    assert_issued(
        tw,
        doc,
        case_id,
        [
            "Tashi Dema",
            "E200",
            "Form 14/1a",
            "Agency DOPH",
            "Gelephu",
            "1 July 2027",
            "13 January 2027",  # relieved within 30 days of the order (13.9.3)
            "five working days of preparatory leave",
            "BCSR 13.4.17",
            "BCSR 13.9.4",
        ],
    )


# ------------------------------------------------------------------ secondment (13.10.2.1)

SEC_START, SEC_END = date(2027, 2, 1), date(2029, 1, 31)


def test_the_rcsc_approval_of_a_secondment(world):
    case_id = world.open_case(
        "secondment",
        "E100",
        "chair",
        {
            "organisation": "World Health Organization, South-East Asia Regional Office",
            "post": "National Professional Officer (Health Systems)",
            "location": "outside",
            "programme": "established",
            "start_on": SEC_START.isoformat(),
            "end_on": SEC_END.isoformat(),
            "nominated_on": world.today(),
            "hrc_meeting_no": "MOH/HRC/2026/21",
        },
    )
    world.fire(
        case_id,
        "validate",
        "rcsc",
        validated_on=world.today(),
        organisation_consulted=True,
        record_verified=True,
        organisation_criteria_met=True,
        validation_note="Best on merit.",
    )
    world.fire(
        case_id,
        "record_selection",
        "rcsc",
        selection="selected",
        decision_received_on=world.today(),
    )
    early = refused(world, case_id, "secondment_approval", "rcsc")
    assert early.kind == "state" and "13.10.2.1" in str(early)

    world.fire(
        case_id,
        "approve",
        "rcsc",
        approved_on=world.today(),
        approval_order_no="RCSC/SEC/2026/14",
        organisation="World Health Organization, South-East Asia Regional Office",
        location="outside",
        start_on=SEC_START.isoformat(),
        end_on=SEC_END.isoformat(),
    )
    wrong = refused(world, case_id, "secondment_approval", "chair")
    assert wrong.kind == "authority" and "13.10.2.1" in str(wrong)

    doc = issue(world, case_id, "secondment_approval", "rcsc")
    assert doc.reference == "RCSC/SEC/2026/14"
    assert_issued(
        world,
        doc,
        case_id,
        [
            "Dorji Wangchuk",
            "World Health Organization",
            "1 February 2027 to 31 January 2029",
            "shall not be extended (BCSR 13.10.5.1)",
            "double the duration of the secondment",
            "BCSR 13.10.6.1",
            "BCSR 13.10.6.4",
            "for the Royal Civil Service Commission",
        ],
    )


# ------------------------------------------------------------------ LTT award and reporting (7.7)

LTT_APPLICATION: dict[str, Any] = ltt_application()


@pytest.fixture
def lw(world):
    with transaction(world.engine) as s:
        s.add(Agency(code="MOE", name="Ministry of Education", kind="ministry"))
    world.make_servant(
        "E300",
        name="Karma Choden",
        appointment_date=date(2015, 1, 1),
        probation_end=date(2015, 12, 31),
        position_category="PMC",
        performance_rating="very_good",
        drug_test="cleared",
        qualification="bachelors",
        bcse_selected=True,
    )
    world.add_user("applicant", (R.CIVIL_SERVANT,), employee_eid="E300")
    return world


def approved_ltt(w) -> int:
    case_id = w.open_case("ltt", "E300", "applicant", {**LTT_APPLICATION, "applied_on": w.today()})
    w.fire(case_id, "recommend", "chair", hrc_meeting_no="MOH/HRC/21", recommended_on=w.today())
    early = refused(w, case_id, "ltt_award", "rcsc")
    assert early.kind == "state" and "7.7.3" in str(early)
    w.fire(case_id, "approve", "rcsc", approval_order_no="RCSC/HRD/LTT/88", approved_on=w.today())
    return case_id


def test_the_ltt_award_letter(lw):
    case_id = approved_ltt(lw)
    # The agency's HRC chair may decide some LTTs, but a master's abroad is the RCSC's (7.7.3).
    wrong = refused(lw, case_id, "ltt_award", "chair")
    assert wrong.kind == "authority" and "7.7.3" in str(wrong)
    assert refused(lw, case_id, "ltt_award", "applicant").kind == "authority"

    doc = issue(lw, case_id, "ltt_award", "rcsc")
    assert doc.reference == "RCSC/HRD/LTT/88"
    assert_issued(
        lw,
        doc,
        case_id,
        [
            "Karma Choden",
            "Master of Public Health",
            "University of Queensland, Brisbane, Australia",
            "1 February 2027 to 31 January 2029",
            "within 21 days",
            "by 21 February 2029",  # 21 calendar days after the course end (7.7.6.1)
            "BCSR 7.7.5.1",
            "BCSR 8.13.2.2",
            "BCSR 7.7.8.1 v",
        ],
    )


def test_the_ltt_reporting_letter_states_the_service_obligation(lw):
    case_id = approved_ltt(lw)
    lw.fire(
        case_id,
        "brief",
        "rcsc",
        pdb_attended_on=lw.today(),
        undertaking_signed_on=lw.today(),
        guarantor_name="Dorji Penjor",
    )
    lw.clock.now += timedelta(days=49)  # Monday 1 February 2027: the course starts
    lw.fire(
        case_id,
        "report_joining",
        "applicant",
        commenced_on="2027-02-01",
        joining_report_on="2027-02-01",
    )
    early = refused(lw, case_id, "ltt_reporting", "rcsc")
    assert early.kind == "state" and "7.7.6.1" in str(early)

    lw.clock.now += timedelta(days=740)  # Saturday 10 February 2029
    lw.fire(
        case_id,
        "report_back",
        "rcsc",
        reported_on=lw.today(),
        outcome="completed",
        documents=["training_report", "certificate"],
    )
    assert refused(lw, case_id, "ltt_reporting", "chair").kind == "authority"
    doc = issue(lw, case_id, "ltt_reporting", "rcsc")
    obligation = lw.data(case_id)["service_obligation"]
    assert obligation["multiplier"] == 2
    assert_issued(
        lw,
        doc,
        case_id,
        [
            "Karma Choden",
            "on 10 February 2029",
            "Course completed successfully",
            # 2023.2: the last day owed, and the length in calendar years (7.7.7.3).
            f"from 10 February 2029 to {day(obligation['last_day_owed'])}, the last day owed "
            "(4 years)",
            "2 times the duration of the course",
            "BCSR 7.7.7.8",
        ],
    )


# ------------------------------------------------------------------ all or nothing, re-issue


def test_a_pdf_failure_leaves_neither_document_nor_event(world, monkeypatch):
    case_id = world.walk_to("notice_served")
    before = counts(world)

    def broken(html: str) -> bytes:
        raise RuntimeError("pango is missing")

    monkeypatch.setattr(printing, "pdf_of", broken)
    with pytest.raises(RuntimeError):
        issue(world, case_id, "notice_of_charges", "dc")
    assert counts(world) == before


def test_a_failure_after_the_event_rolls_the_event_back_too(world, monkeypatch):
    case_id = world.walk_to("notice_served")
    before = counts(world)

    append = audit.append

    def appended_then_broken(session, **kw: Any) -> AuditEvent:
        append(session, **kw)  # the event is flushed at the chain head...
        raise RuntimeError("disk full")  # ...and the document row is never written

    monkeypatch.setattr(audit, "append", appended_then_broken)
    with pytest.raises(RuntimeError):
        issue(world, case_id, "notice_of_charges", "dc")
    assert counts(world) == before
    with world.session() as s:
        assert audit.verify(s).ok


def test_a_reissue_is_a_new_document_and_the_first_is_kept(world):
    case_id = world.walk_to("notice_served")
    first = issue(world, case_id, "notice_of_charges", "dc")
    world.clock.advance(days=1)
    second = issue(world, case_id, "notice_of_charges", "dc2")
    assert second.id != first.id and second.audit_seq > first.audit_seq
    assert second.reference == f"MOH/NC/2026/{case_id}-2"
    assert "re-issue no. 2" in pdf_text(second.pdf)
    with world.session() as s:
        kept = s.get(Document, first.id)
    assert kept is not None and kept.pdf == first.pdf and kept.sha256 == first.sha256
    assert_issued(world, first, case_id, [])
    assert_issued(world, second, case_id, [])


# ------------------------------------------------------------------ the case page's panel


def test_the_panel_offers_what_the_viewer_may_issue_and_shows_everyone_what_was_issued(world):
    case_id = world.walk_to("notice_served")

    def panel(username: str) -> dict[str, Any]:
        with world.session() as s:
            case = service.load(s, case_id)
            return documents.for_viewer(s, case, world.actors[username], world.clock.now)

    assert [d["kind"] for d in panel("dc")["issuable"]] == ["notice_of_charges"]
    assert panel("respondent") == {"issued": [], "issuable": [], "declared": True}
    assert panel("hr")["issuable"] == []

    doc = issue(world, case_id, "notice_of_charges", "dc")
    seen = panel("respondent")["issued"]
    assert [(d["id"], d["sha256"], d["audit_seq"]) for d in seen] == [
        (doc.id, doc.sha256, doc.audit_seq)
    ]
    assert panel("dc")["issuable"][0]["reissue"] is True
