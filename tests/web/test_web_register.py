"""Register pages and API: the record, its edits (16.3.7), CSV export, eligibility, queue."""

from __future__ import annotations

from sqlmodel import select
from web_helpers import login

from cases.core.db import transaction
from cases.core.models import AuditEvent, CivilServant
from cases.people import auth


def bearer(world, username: str) -> dict[str, str]:
    with transaction(world.engine) as s:
        tok = auth.issue_token(s, world.users[username], world.clock.now)
    return {"Authorization": f"Bearer {tok}"}


def test_servant_page_shows_the_record_and_an_edit_form(client, world) -> None:
    login(client, "hr")
    page = client.get("/servants/E100")
    assert page.status_code == 200
    assert "Service history" in page.text and "Record" in page.text
    assert 'name="place_of_posting"' in page.text  # editable by the agency
    assert 'name="position_level"' not in page.text  # sensitive: shown, not editable
    assert "16.3.7" in page.text


def test_hr_officer_edits_the_record_from_the_page(client, world) -> None:
    csrf = login(client, "hr")
    page = client.get("/servants/E100")
    assert page.status_code == 200
    resp = client.post(
        "/servants/E100/edit",
        data={"csrf_token": csrf, "place_of_posting": "Mongar", "performance_rating": "good"},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = client.get("/servants/E100")
    assert "Mongar" in page.text and "Changes to this record" in page.text
    with world.session() as s:
        assert s.get(CivilServant, "E100").place_of_posting == "Mongar"


def test_a_refused_edit_is_shown_inline_with_its_section(client, world) -> None:
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    csrf = login(client, "moha_hr")
    resp = client.post("/servants/E100/edit", data={"csrf_token": csrf, "place_of_posting": "Paro"})
    # another agency's officer cannot even see the record (404, not 403)
    assert resp.status_code == 404
    csrf = login(client, "hr")
    resp = client.post(
        "/servants/E100/edit", data={"csrf_token": csrf, "probation_end": "not a date"}
    )
    assert resp.status_code == 422
    assert "Probation ends" in resp.text and "BCSR" in resp.text


def test_csv_export(client, world) -> None:
    login(client, "hr")
    resp = client.get("/servants.csv")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    lines = resp.text.splitlines()
    assert lines[0].startswith("eid,name,date_of_birth,position_title,position_level")
    assert any(line.startswith("E100,") for line in lines[1:])


def test_history_form_adds_a_line(client, world) -> None:
    csrf = login(client, "hr")
    assert "Court case" in client.get("/servants/E100/history/new?kind=court_case").text
    resp = client.post(
        "/servants/E100/history",
        data={
            "csrf_token": csrf,
            "kind": "court_case",
            "start_on": "2026-02-02",
            "status": "pending",
            "official_functions": "on",
            "note": "<b>bold</b>",
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = client.get("/servants/E100")
    assert "Court case" in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text  # user text is escaped


def test_api_record_and_edit(client, world) -> None:
    hr = bearer(world, "hr")
    body = client.get("/api/employees/E100", headers=hr).json()
    assert body["eid"] == "E100" and body["position_level"] == "P3" and body["history"] == []
    resp = client.patch(
        "/api/employees/E100", headers=hr, json={"fields": {"position_level": "P1"}}
    )
    assert resp.status_code == 403
    assert resp.json()["refusals"][0]["cite"] == "16.3.7"
    resp = client.patch(
        "/api/employees/E100",
        headers=bearer(world, "rcsc"),
        json={"fields": {"position_level": "P1"}},
    )
    assert resp.json() == {"eid": "E100", "changes": {"position_level": ["P3", "P1"]}}
    with world.session() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.process == "register")).one()
    assert event.actor == "rcsc"


def test_api_eligibility_errors(client, world) -> None:
    hr = bearer(world, "hr")
    assert client.get("/api/employees/E999/eligibility/eol", headers=hr).status_code == 404
    resp = client.get("/api/employees/E100/eligibility/nothing", headers=hr)
    assert resp.status_code == 404
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    resp = client.get("/api/employees/E100", headers=bearer(world, "moha_hr"))
    assert resp.status_code == 404  # another agency's record is out of reach


def test_retirement_queue_page(client, world) -> None:
    login(client, "rcsc")
    page = client.get("/queues/retirement")
    assert page.status_code == 200 and "Compulsory retirement proposals" in page.text


def test_new_case_offers_every_process(client, world) -> None:
    login(client, "hr")
    page = client.get("/cases/new")
    assert page.status_code == 200
    assert "process=disciplinary" in page.text


def test_api_eligibility_for_an_eol_application(client, world) -> None:
    world.make_servant("E300", appointment_date=world.clock.today, probation_end=world.clock.today)
    hr = bearer(world, "hr")
    ok = client.get(
        "/api/employees/E100/eligibility/eol?start_on=2027-01-04&end_on=2027-02-26", headers=hr
    ).json()
    assert ok["eligible"] is True and ok["unmet"] == []
    body = client.get("/api/employees/E300/eligibility/eol", headers=hr).json()
    assert body["eligible"] is False
    assert "8.12.4.1" in [u["cite"] for u in body["unmet"]]
    assert all(set(u) == {"cite", "reason"} for u in body["unmet"])
    resp = client.get("/api/employees/E100/eligibility/eol?start_on=soon", headers=hr)
    assert resp.status_code == 422
    assert resp.json()["refusals"][0]["field"] == "start_on"


def test_separation_form(client, world) -> None:
    csrf = login(client, "hr")
    assert 'id="separation-form"' in client.get("/servants/E100").text
    resp = client.post(
        "/servants/E100/separation",
        data={"csrf_token": csrf, "separation_type": "", "separated_on": world.today()},
    )
    assert resp.status_code == 422 and "Type of separation is required" in resp.text
    resp = client.post(
        "/servants/E100/separation",
        data={
            "csrf_token": csrf,
            "separation_type": "voluntary_resignation",
            "separated_on": world.today(),
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = client.get("/servants/E100").text
    assert "Separated on Mon 14 Dec 2026" in page and 'id="separation-form"' not in page


def test_the_register_list_shows_only_whom_one_may_see(client, world) -> None:
    world.make_servant("E400", name="Thimphu Clerk", agency="THIMPHU")
    login(client, "respondent")
    page = client.get("/servants").text
    assert "E100" in page and "E400" not in page
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    login(client, "moha_hr")
    page = client.get("/servants").text
    assert "E400" in page and "E100" not in page  # THIMPHU is a dzongkhag under MOHA


def test_saving_the_record_says_what_was_saved_after_the_redirect(client) -> None:
    """A plain form post redirects to the record, which confirms the save (audited)."""
    csrf = login(client, "hr")
    form = {"csrf_token": csrf, "place_of_posting": "Paro"}
    resp = client.post("/servants/E100/edit", data=form, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].endswith("?saved=record")
    page = client.get(resp.headers["location"]).text
    assert "Saved: the record&#39;s changes are in its history below" in page
    again = client.post("/servants/E100/edit", data=form, follow_redirects=False)
    assert "Nothing changed" in client.get(again.headers["location"]).text
    assert 'id="saved"' not in client.get("/servants/E100?saved=<script>").text
