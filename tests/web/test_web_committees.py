"""Committees and meetings over /api and the pages: the same authority and audit as the
service (cases.review.committees, cases.review.meetings), 4xx naming the field and rule."""

from __future__ import annotations

import hashlib
import re

from sqlmodel import select

from cases.core.db import transaction
from cases.core.models import AuditEvent
from tests.cases.test_committees import MOH_SEATS
from tests.conftest import DECISION
from tests.web.web_helpers import login


def api_committee(client, token) -> int:  # noqa: ANN001
    hr = token("hr")
    resp = client.post(
        "/api/committees",
        json={"agency_code": "MOH", "kind": "hrc", "code": "MOH HRC", "name": "MOH HRC"},
        headers=hr,
    )
    assert resp.status_code == 201, resp.text
    cid = resp.json()["id"]
    for user, seat in MOH_SEATS.items():
        resp = client.post(
            f"/api/committees/{cid}/members",
            json={"username": user, "seat": seat, "start_on": "2026-01-01"},
            headers=hr,
        )
        assert resp.status_code == 201, resp.text
    assert resp.json()["composition"]["meets"] is True
    return cid


def test_api_meeting_from_agenda_to_minutes(client, world, token) -> None:  # noqa: ANN001
    """The chair opens the meeting, records who is present, takes a decision from the
    agenda and issues the minutes, whose PDF hashes to the audit event's SHA-256."""
    cid = api_committee(client, token)
    case_id = world.walk_to("dc_meeting")
    chair = token("chair")
    resp = client.post(
        f"/api/committees/{cid}/meetings", json={"held_on": world.today()}, headers=chair
    )
    assert resp.status_code == 201, resp.text
    mid = resp.json()["id"]
    assert resp.json()["label"] == "MOH HRC 1/2026"
    resp = client.post(
        f"/api/meetings/{mid}/present", json={"present": list(MOH_SEATS)}, headers=chair
    )
    assert resp.status_code == 200
    assert resp.json()["quorum"] == {
        "rule": resp.json()["quorum"]["rule"],
        "cite": "2.10.3, 19.3.5",
        "present": 5,
        "holds": True,
    }
    agenda = resp.json()["agenda"]
    assert [a["case_id"] for a in agenda] == [case_id]
    assert agenda[0]["steps"][0]["trigger"] == "record_decision"
    resp = client.post(
        f"/api/meetings/{mid}/decisions",
        json={
            "case_id": case_id,
            "trigger": "record_decision",
            "version": agenda[0]["version"],
            "fields": DECISION,
        },
        headers=chair,
    )
    assert resp.status_code == 200, resp.text
    resp = client.post(f"/api/meetings/{mid}/minutes", headers=chair)
    assert resp.status_code == 201
    minutes = resp.json()
    pdf = client.get(f"/api/meetings/{mid}/minutes/{minutes['id']}.pdf", headers=chair)
    assert hashlib.sha256(pdf.content).hexdigest() == minutes["sha256"]
    with transaction(world.engine) as s:
        assert s.get(AuditEvent, minutes["audit_seq"]).trigger == "issue_minutes"
    got = client.get(f"/api/meetings/{mid}", headers=token("hr")).json()
    assert got["decisions"][0]["present"] == ["chair", "dc", "dc2", "hr", "secretary"]


def test_api_bad_input_class_names_the_field_and_rule(client, world, token) -> None:  # noqa: ANN001
    """Each class of bad input is a 4xx naming the field (and the section), nothing written."""
    cid = api_committee(client, token)
    hr, chair = token("hr"), token("chair")
    with transaction(world.engine) as s:
        before = len(s.exec(select(AuditEvent)).all())
    cases = [
        (
            "post",
            "/api/committees",
            hr,
            {"agency_code": "MOH", "kind": "club", "code": "X", "name": "X"},
            422,
            "kind",
        ),
        (
            "post",
            "/api/committees",
            hr,
            {"agency_code": "MOH", "kind": "hrc", "code": "MOH HRC", "name": "X"},
            422,
            "code",
        ),
        (
            "post",
            f"/api/committees/{cid}/members",
            hr,
            {"username": "ghost", "seat": "member", "start_on": "2026-01-01"},
            422,
            "username",
        ),
        (
            "post",
            f"/api/committees/{cid}/members",
            hr,
            {"username": "dc", "seat": "member", "start_on": "2026-13-01"},
            422,
            "start_on",
        ),
        ("post", f"/api/committees/{cid}/meetings", chair, {"held_on": "someday"}, 422, "held_on"),
        (
            "post",
            f"/api/committees/{cid}/exception",
            hr,
            {"exception_ref": "x", "exception_on": "2026-01-01"},
            403,
            None,
        ),
        (
            "post",
            f"/api/committees/{cid}/meetings",
            token("dc"),
            {"held_on": "2026-12-14"},
            403,
            None,
        ),
    ]
    for method, url, headers, body, status, field in cases:
        resp = getattr(client, method)(url, json=body, headers=headers)
        assert resp.status_code == status, (url, body, resp.text)
        if field:
            assert field in (resp.json()["field"] or ""), resp.json()
    with transaction(world.engine) as s:
        assert len(s.exec(select(AuditEvent)).all()) == before


def test_api_committees_of_another_agency_are_not_found(client, world, token) -> None:  # noqa: ANN001
    """Read as the cases are: another agency's officer and the respondent get 404 (never 403),
    the RCSC reads every committee."""
    cid = api_committee(client, token)
    world.add_user("moha_hr", ("hr_officer",), agency="MOHA")
    assert client.get(f"/api/committees/{cid}", headers=token("moha_hr")).status_code == 404
    assert client.get(f"/api/committees/{cid}", headers=token("respondent")).status_code == 404
    assert client.get("/api/committees", headers=token("moha_hr")).json() == {"committees": []}
    assert client.get(f"/api/committees/{cid}", headers=token("rcsc")).status_code == 200


def test_pages_decide_in_a_meeting_and_show_it_on_the_case(client, world, token) -> None:  # noqa: ANN001
    """The chair's pages: the meeting's agenda links the step's form; its refusal re-renders
    the form naming the field; the decision lands on the case page with its meeting."""
    cid = api_committee(client, token)
    case_id = world.walk_to("dc_meeting")
    csrf = login(client, "chair")
    page = client.post(
        f"/committees/{cid}/meetings", data={"csrf_token": csrf, "held_on": world.today()}
    )
    assert page.status_code == 200 and "Meeting MOH HRC 1/2026" in page.text
    mid = int(re.search(r"/meetings/(\d+)", str(page.url)).group(1))
    page = client.post(
        f"/meetings/{mid}/present", data={"csrf_token": csrf, "present": list(MOH_SEATS)}
    )
    link = f"/meetings/{mid}/cases/{case_id}/record_decision"
    assert link in page.text
    assert "5 present: enough to decide" in page.text
    form = client.get(link)
    assert "members_present" not in form.text and "Sitting on this case" in form.text
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    bad = client.post(link, data={"csrf_token": csrf, "version": version, "hearing": "heard"})
    assert (
        bad.status_code == 422 and "decision_reasons" in bad.text or "Written reasons" in bad.text
    )
    data = {
        "csrf_token": csrf,
        "version": version,
        "hearing": "heard",
        "decision_reasons": "Established.",
        "accountable_supervisor": "Sonam",
        "findings__1__finding": "guilty",
        "findings__1__penalty": "reprimand",
        "findings__2__finding": "guilty",
        "findings__2__penalty": "demotion",
    }
    done = client.post(link, data=data)
    assert done.status_code == 200, done.text[:2000]
    assert f"Recorded the decision on case #{case_id}" in done.text
    case_page = client.get(f"/cases/{case_id}")
    assert "MOH HRC 1/2026" in case_page.text


def test_access_matrix_rows_for_committees_and_meetings(client, world, token) -> None:  # noqa: ANN001
    """docs/access-matrix.md "Committees and meetings", cell by cell through the API: read
    by the agency's officers, the RCSC and admin (else 404); membership kept by the HR
    officer, the HRC chairperson, the RCSC and admin (422 here: the authority passed and
    the bad seat was refused); the exception by the RCSC only (2.10.6.2); meetings opened
    by the Chairperson or Member Secretary by seat (2.10.6.1)."""
    cid = api_committee(client, token)
    world.add_user("moha_hr", ("hr_officer",), agency="MOHA")
    who = [
        "hr",
        "chair",
        "secretary",
        "dc",
        "investigator",
        "rcsc",
        "admin",
        "respondent",
        "moha_hr",
    ]
    seen: dict[str, tuple[int, ...]] = {}
    for user in who:
        h = token(user)
        seen[user] = (
            client.get(f"/api/committees/{cid}", headers=h).status_code,
            client.post(
                f"/api/committees/{cid}/members",
                json={"username": "dc", "seat": "king", "start_on": "2026-01-01"},
                headers=h,
            ).status_code,
            client.post(
                f"/api/committees/{cid}/exception",
                json={"exception_ref": "R/1", "exception_on": "2026-13-01"},
                headers=h,
            ).status_code,
            client.post(
                f"/api/committees/{cid}/meetings", json={"held_on": world.today()}, headers=h
            ).status_code,
        )
    assert seen == {
        "hr": (200, 422, 403, 403),
        "chair": (200, 422, 403, 201),
        "secretary": (200, 403, 403, 201),
        "dc": (200, 403, 403, 403),
        "investigator": (200, 403, 403, 403),
        "rcsc": (200, 422, 422, 403),
        "admin": (200, 422, 403, 403),
        "respondent": (404, 404, 404, 404),
        "moha_hr": (404, 404, 404, 404),
    }


def test_case_page_names_its_investigation_committee_members(client, world, token) -> None:  # noqa: ANN001
    """19.8.2.2: the Investigation Committee formed on the case (API) is shown on the case
    page as people, with their seats."""
    case_id = world.walk_to("investigation_ordered")
    hr = token("hr")
    resp = client.post(
        "/api/committees",
        json={"kind": "investigation", "code": "IC 7", "name": "IC of case 7", "case_id": case_id},
        headers=hr,
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["agency"] == "MOH" and resp.json()["case_id"] == case_id
    resp = client.post(
        f"/api/committees/{resp.json()['id']}/members",
        json={"username": "investigator", "seat": "chair", "start_on": world.today()},
        headers=hr,
    )
    assert resp.status_code == 201
    login(client, "chair")
    page = client.get(f"/cases/{case_id}").text
    assert "Investigation Committee (BCSR 19.8.2.2)" in page
    assert "investigator (Chairperson)" in page


def test_page_chair_adds_and_defers_agenda_items(client, world, token) -> None:  # noqa: ANN001
    """The chair adds a case the agenda did not find and defers one it did; a case number
    that is none is refused naming ``case_id``, nothing written."""
    cid = api_committee(client, token)
    waiting = world.walk_to("dc_meeting")
    extra = world.walk_to("investigating")  # waits for the investigators, not the committee
    csrf = login(client, "chair")
    page = client.post(
        f"/committees/{cid}/meetings", data={"csrf_token": csrf, "held_on": world.today()}
    )
    mid = int(re.search(r"/meetings/(\d+)", str(page.url)).group(1))
    bad = client.post(
        f"/meetings/{mid}/items", data={"csrf_token": csrf, "case_id": "x1", "status": "added"}
    )
    assert bad.status_code == 422 and "case_id: &#39;x1&#39; is no case" in bad.text
    client.post(
        f"/meetings/{mid}/items",
        data={"csrf_token": csrf, "case_id": str(extra), "status": "added"},
    )
    page = client.post(
        f"/meetings/{mid}/items",
        data={"csrf_token": csrf, "case_id": str(waiting), "status": "deferred"},
    )
    agenda = page.text.split('id="agenda-items"', 1)[1].split("</table>", 1)[0]
    assert f"#{extra}" in agenda and "added by the chair" in agenda
    assert f"#{waiting}" not in agenda
    assert "Deferred" in page.text
