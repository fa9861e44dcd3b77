"""The register through the web: the upload page's authority and its 422 page, LIKE
patterns taken literally, and GET /api/employees listing what the caller may read."""

from __future__ import annotations

from sqlmodel import select
from web_helpers import login

from cases.core.db import transaction
from cases.core.models import AuditEvent, CivilServant
from cases.people import auth, register

HEADER = "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date"


def upload(client, csrf: str, data: bytes | str):  # noqa: ANN001, ANN201
    if isinstance(data, str):
        data = data.encode()
    return client.post(
        "/servants/import",
        data={"csrf_token": csrf},
        files={"file": ("register.csv", data, "text/csv")},
    )


def bearer(world, username: str) -> dict[str, str]:
    with transaction(world.engine) as s:
        tok = auth.issue_token(s, world.users[username], world.clock.now)
    return {"Authorization": f"Bearer {tok}"}


def test_an_upload_of_another_agencys_civil_servant_is_refused(client, world) -> None:
    """The observed hole: MOE's officer, who gets 404 on the record, changed it by upload."""
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    csrf = login(client, "moha_hr")
    assert client.get("/api/employees/E100", headers=bearer(world, "moha_hr")).status_code == 404
    resp = upload(
        client, csrf, f"{HEADER}\nE100,Dorji Wangchuk,1970-01-01,Secretary,EX1,MOH,2015-01-01\n"
    )
    assert resp.status_code == 422
    assert "Nothing imported" in resp.text and "BCSR 16.3.3" in resp.text
    with world.session() as s:
        cs = s.get(CivilServant, "E100")
        assert (cs.position_level, cs.date_of_birth.year) == ("P3", 1990)
        assert s.exec(select(AuditEvent)).all() == []


def test_a_refused_files_page_lists_only_its_own_lines(client, world) -> None:
    world.make_servant("E900", name="Someone Of Health")
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    csrf = login(client, "moha_hr")
    resp = upload(client, csrf, f"{HEADER}\nE901,Pema,1990-01-01,Clerk,Z9,MOHA,2018-01-01\n")
    assert resp.status_code == 422
    assert "E901" in resp.text and "position_level" in resp.text
    for other in ("E100", "Dorji Wangchuk", "E900", "Someone Of Health"):
        assert other not in resp.text


def test_a_good_upload_shows_only_the_records_one_may_see(client, world) -> None:
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    csrf = login(client, "moha_hr")
    resp = upload(client, csrf, f"{HEADER}\nE902,Pema,1990-01-01,Clerk,S2,MOHA,2018-01-01\n")
    assert resp.status_code == 200 and "1 new" in resp.text
    assert "E902" in resp.text and "E100" not in resp.text


def test_an_upload_that_is_not_utf8_or_oversized_is_422_naming_the_line(client, world) -> None:
    csrf = login(client, "hr")
    latin = f"{HEADER}\nE903,Pemä,1990-01-01,Clerk,S2,MOH,2018-01-01\n".encode("latin-1")
    resp = upload(client, csrf, latin)
    assert resp.status_code == 422 and "UTF-8" in resp.text
    assert "<td>2</td>" in resp.text
    big = f"{HEADER}\nE904,{'N' * 5000},1990-01-01,Clerk,S2,MOH,2018-01-01\n"
    resp = upload(client, csrf, big)
    assert resp.status_code == 422 and "at most 200 characters" in resp.text
    assert "N" * 300 not in resp.text
    nul = f"{HEADER}\nE905,Pe\x00ma,1990-01-01,Clerk,S2,MOH,2018-01-01\n"
    assert upload(client, csrf, nul).status_code == 422
    with world.session() as s:
        assert s.exec(select(CivilServant).where(CivilServant.eid.like("E90%"))).all() == []  # type: ignore[attr-defined]


def test_an_employee_id_with_a_slash_is_refused_and_the_list_keeps_working(client, world) -> None:
    csrf = login(client, "hr")
    for eid in ("E1/2", "E%1", "E=1", "E 1"):
        resp = upload(client, csrf, f'{HEADER}\n"{eid}",Pema,1990-01-01,Clerk,S2,MOH,2018-01-01\n')
        assert resp.status_code == 422, eid
        assert "letters, digits and hyphens" in resp.text
    assert client.get("/servants").status_code == 200
    assert client.get("/").status_code == 200


def test_a_record_stored_before_the_id_format_is_listed_without_a_link(client, world) -> None:
    """A register kept before the format was checked may hold an ID with '/' (no path
    segment can carry it): the list shows the record, unlinked, instead of a 500 for all."""
    world.make_servant("E7/1", name="Old Style Record")
    login(client, "hr")
    resp = client.get("/servants")
    assert resp.status_code == 200
    assert "Old Style Record" in resp.text and 'href="/servants/E7/1"' not in resp.text


def test_a_case_opened_through_the_api_about_a_bad_id_is_422(client, world) -> None:
    resp = client.post(
        "/api/cases",
        headers=bearer(world, "hr"),
        json={"process": "disciplinary", "subject_eid": "E1/2", "fields": {}},
    )
    assert resp.status_code == 422
    assert resp.json()["refusals"][0]["field"] == "subject_eid"


# ------------------------------------------------------------------ LIKE taken literally


def test_record_history_takes_percent_and_underscore_literally(client, world) -> None:
    """A record whose ID is a LIKE wildcard (one left from before IDs had a format) shows
    its own edits only, not every agency's."""
    world.make_servant("%", agency="MOHA")
    world.make_servant("_", agency="MOHA")
    with transaction(world.engine) as s:
        register.edit(
            s, "E100", {"place_of_posting": "Gelephu"}, world.actors["hr"], world.clock.now
        )
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    login(client, "moha_hr")
    for path in ("/servants/%25", "/servants/_"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Gelephu" not in page.text and "E100" not in page.text, path


def test_servant_search_takes_percent_and_underscore_literally(client, world) -> None:
    world.make_servant("E910", name="Tashi_Dorji")
    world.make_servant("E911", name="TashiXDorji")
    world.make_servant("E912", name="Pema 100% Wangmo")
    login(client, "hr")
    page = client.get("/servants", params={"q": "Tashi_D"}).text
    assert "E910" in page and "E911" not in page
    page = client.get("/servants", params={"q": "%"}).text
    assert "E912" in page and "E911" not in page and "E100" not in page


# ------------------------------------------------------------------ GET /api/employees


def test_api_lists_the_employees_the_caller_may_see_paged_and_filtered(client, world) -> None:
    for i in range(5):
        world.make_servant(f"E20{i}", name=f"Nurse {i}", level="P4" if i % 2 else "P5")
    world.make_servant("E300", name="Thimphu Clerk", agency="THIMPHU")
    hr = bearer(world, "hr")
    body = client.get("/api/employees", headers=hr, params={"limit": 2}).json()
    assert [e["eid"] for e in body["items"]] == ["E100", "E200"]
    assert body["limit"] == 2 and body["next_after"] == "E200"
    seen = []
    after = None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        page = client.get("/api/employees", headers=hr, params=params).json()
        seen += [e["eid"] for e in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == ["E100", "E200", "E201", "E202", "E203", "E204"]  # not THIMPHU's
    p4 = client.get("/api/employees", headers=hr, params={"level": "p4"}).json()
    assert [e["eid"] for e in p4["items"]] == ["E201", "E203"]
    named = client.get("/api/employees", headers=hr, params={"name": "nurse 3"}).json()
    assert [e["eid"] for e in named["items"]] == ["E203"]
    assert (
        client.get("/api/employees", headers=hr, params={"agency": "THIMPHU"}).json()["items"] == []
    )
    rcsc = client.get("/api/employees", headers=bearer(world, "rcsc"), params={"agency": "THIMPHU"})
    assert [e["eid"] for e in rcsc.json()["items"]] == ["E300"]
    own = client.get("/api/employees", headers=bearer(world, "respondent")).json()
    assert [e["eid"] for e in own["items"]] == ["E100"]
    assert client.get("/api/employees", headers=hr, params={"limit": 501}).status_code == 422
    bad = client.get("/api/employees", headers=hr, params={"level": "Z9"})
    assert bad.status_code == 422 and bad.json()["refusals"][0]["field"] == "level"


def test_the_employee_list_is_declared_in_the_openapi(client) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/api/employees"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"agency", "level", "name", "after", "limit"}
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/EmployeePage"}
    assert "items" in schema["components"]["schemas"]["EmployeePage"]["properties"]
