"""What SQLite lets pass and PostgreSQL does not: the app behaves the same on both.

PostgreSQL enforces a VARCHAR's length (SQLite stores any length), its LIKE minds case
(SQLite's ignores ASCII case), and it hands back timestamptz in the session's zone.
"""

from __future__ import annotations

import re
from datetime import UTC

from fastapi.testclient import TestClient

from cases.core.models import CivilServant
from cases.people import register_import
from web import cli

HEADER = "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date"


def test_an_employee_id_longer_than_its_column_is_refused_by_name(world) -> None:
    long_eid = "E" * 33
    text = f"{HEADER}\n{long_eid},Pema,1990-01-01,Officer,P4,MOH,2018-02-01\n"
    result = register_import.import_csv(world.engine, text, world.actors["hr"], world.clock.now)
    ((line, field, cite),) = [(e.line, e.field, e.cite) for e in result.errors]
    assert (line, field, cite) == (2, "eid", "16.3.7")
    assert "1 to 20 characters" in result.errors[0].reason
    with world.session() as s:
        assert s.get(CivilServant, long_eid) is None


def test_the_cli_refuses_codes_and_names_longer_than_their_columns(world, db_url, monkeypatch):
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    code = "A" * 33
    assert cli.main(["agency", "add", code, "--name", "Too long", "--kind", "ministry"]) == 1
    assert cli.main(["user", "add", "u" * 65, "--role", "admin", "--password", "pw"]) == 1


def test_searching_the_register_ignores_case(world, db_url, clock) -> None:
    from web.app import create_app

    world.make_servant("E300", name="Sonam Dorji")
    with TestClient(create_app(db_url, clock=clock, run_sweeper=False)) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": "hr", "password": "pw", "csrf_token": token})
        for q in ("sonam dorji", "SONAM", "e300"):
            assert "E300" in client.get("/servants", params={"q": q}).text, q


def test_stored_times_come_back_in_utc(world) -> None:
    case_id = world.open()
    opened = world.case(case_id).opened_at
    assert opened == world.clock.now
    assert opened.utcoffset() == UTC.utcoffset(None)
