"""The drukflow command line (web/cli.py), run in-process against a database of the test's own
(a temporary SQLite file, or a PostgreSQL database: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from cases.core.db import engine_for
from cases.core.models import Agency, CivilServant
from cases.people import auth
from web import cli


@pytest.fixture
def empty_db(empty_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DRUKFLOW_DATABASE_URL pointing at a database with no tables yet."""
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", empty_db_url)
    monkeypatch.delenv("DRUKFLOW_PASSWORD", raising=False)
    yield empty_db_url
    engine_for(empty_db_url).dispose()


@pytest.fixture
def world_db(world: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The shared test world (tests/conftest.py), with the CLI pointed at its database."""
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    monkeypatch.delenv("DRUKFLOW_PASSWORD", raising=False)
    return world


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tables(url: str) -> set[str]:
    return set(sa.inspect(engine_for(url)).get_table_names())


# ------------------------------------------------------------------ migrate / serve


def test_migrate_on_an_empty_database_creates_the_tables(empty_db: str, capsys) -> None:
    assert not tables(empty_db)
    code, out, _ = run(capsys, "migrate")
    assert code == 0
    assert "up to date" in out
    assert {"case", "deadline", "audit_event", "app_user", "alembic_version"} <= tables(empty_db)
    assert run(capsys, "migrate")[0] == 0  # again: nothing to do


def test_serve_migrates_then_runs_the_app_factory(empty_db: str, capsys, monkeypatch) -> None:
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append((a, kw)))
    assert run(capsys, "serve", "--port", "8123")[0] == 0
    ((target,), options) = calls[0]
    assert target == "web.app:create_app" and len(calls) == 1
    assert options["factory"] and (options["host"], options["port"]) == ("127.0.0.1", 8123)
    # Logs are JSON lines, with drukflow's own line per request instead of uvicorn's.
    assert options["log_config"]["formatters"]["json"]["()"].__name__ == "JsonFormatter"
    assert "case" in tables(empty_db)


def test_usage_errors_exit_2_and_bad_times_exit_1(empty_db: str, capsys) -> None:
    assert run(capsys, "bogus")[0] == 2
    code, _, err = run(capsys, "tick", "--now", "next tuesday")
    assert code == 1
    assert err.strip() == "drukflow: --now: 'next tuesday' is not an ISO date or datetime"


# ---------------------------------------------------------------------------- tick


def test_tick_misses_the_deadline_and_fires_its_timeout_exactly_once(world_db, capsys) -> None:
    case_id = world_db.walk_to("notice_served")  # notice received Mon 2026-12-14
    due = world_db.deadline(case_id, "explanation_due")
    assert due.due_on == date(2026, 12, 22)  # 5 working days; National Day (17th) skipped

    # No timezone means Bhutan time: 23:00 on the due day is not yet past it (in UTC it
    # would already be 05:00 on the 23rd in Thimphu).
    code, out, _ = run(capsys, "tick", "--now", "2026-12-22T23:00")
    assert code == 0
    assert "nothing fired" in out
    assert world_db.case(case_id).state == "notice_served"

    code, out, _ = run(capsys, "tick", "--now", "2026-12-23T00:30")
    assert code == 0
    assert f"missed: case {case_id} explanation_due (due 2026-12-22, BCSR 19.8.2.1(i))" in out
    assert f"fired:  case {case_id} explanation_lapsed -> explained" in out
    assert "1 missed, 1 fired, 0 refused" in out
    assert world_db.case(case_id).state == "explained"
    assert world_db.deadline(case_id, "explanation_due").status == "missed"

    code, out, _ = run(capsys, "tick", "--now", "2026-12-23T00:31")
    assert code == 0
    assert "nothing fired" in out
    assert world_db.case(case_id).version == 4  # open, direct, serve, lapse: one fire each


def test_queue_rebuild_writes_again_what_a_change_made_outside_drukflow_lost(
    world_db, capsys
) -> None:
    """A row of who a case waits for lost to a change made in SQL (no step, no audit event)
    comes back with ``queue rebuild``: the chairperson's queue lists the case again."""
    from cases.core.models import CaseWaiting
    from cases.inbox import work_queue

    case_id = world_db.walk_to("awaiting_endorsement")
    chair = world_db.actors["chair"]

    def listed() -> list[int]:
        with world_db.session() as s:
            queue = work_queue.work_queue(s, chair, world_db.clock.now, work_queue.Filters())
            return [i.case.id for i in queue.mine]

    assert listed() == [case_id]
    with world_db.engine.begin() as conn:
        conn.execute(sa.delete(CaseWaiting))
    assert listed() == []

    code, out, _ = run(capsys, "queue", "rebuild", "--now", "2026-12-14T10:00")

    assert code == 0
    assert "1 open cases: who each waits for written again" in out
    assert listed() == [case_id]


# --------------------------------------------------------------------------- audit


def test_audit_verify_passes_on_a_fresh_chain(world_db, capsys) -> None:
    world_db.walk_to("explained")
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0
    assert out.startswith("ok: 4 events, head ")
    head = out.split()[-1]
    assert len(head) == 64
    assert run(capsys, "audit", "verify", "--head", head)[0] == 0


def test_audit_verify_names_the_tampered_event(world_db, db_url: str, capsys) -> None:
    world_db.walk_to("explained")
    engine = world_db.engine
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE audit_event SET actor = 'x' WHERE seq = 2")
    with engine.begin() as conn:  # behind the trigger's back, as the database's owner could
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        conn.exec_driver_sql("UPDATE audit_event SET actor = actor || 'x' WHERE seq = 2")
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 1
    assert out.strip() == "broken at event 2: its content does not match its hash"


def test_audit_verify_with_an_unknown_head_fails(world_db, capsys) -> None:
    world_db.walk_to("enquiry_directed")
    code, out, _ = run(capsys, "audit", "verify", "--head", "ab" * 32)
    assert code == 1
    assert "not in the chain" in out


# ------------------------------------------------------------------- users / tokens


def test_user_add_then_token_resolves_to_that_user(
    world_db, db_url: str, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("DRUKFLOW_PASSWORD", "s3cret-enough")
    argv = "user add pema --role dc_member --role hrc_chair --agency MOH --name".split()
    code, out, err = run(capsys, *argv, "Pema Lhamo")
    assert (code, err) == (0, "")
    assert "user pema added (dc_member, hrc_chair, MOH)" in out

    code, out, _ = run(capsys, "token", "pema")
    assert code == 0
    token = out.strip()
    with Session(engine_for(db_url)) as s:
        user = auth.token_user(s, token)
        assert user is not None and user.username == "pema"
        assert user.role_set == {"dc_member", "hrc_chair"}
        assert user.display_name == "Pema Lhamo"
        assert auth.authenticate(s, "pema", "s3cret-enough") is not None

    assert run(capsys, "user", "disable", "pema")[0] == 0
    with Session(engine_for(db_url)) as s:
        assert auth.token_user(s, token) is None
    code, _, err = run(capsys, "token", "pema")
    assert code == 1
    assert "disabled" in err


def test_token_for_an_unknown_user_fails(world_db, capsys) -> None:
    code, out, err = run(capsys, "token", "nobody")
    assert (code, out) == (1, "")
    assert err.strip() == "drukflow: no user 'nobody'"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "dc_member"], "need --agency"),
        (["--role", "respondent"], "need --eid"),
        (["--role", "wizard", "--agency", "MOH"], "unknown role(s) wizard"),
        (["--role", "dc_member", "--agency", "NOPE"], "no agency 'NOPE'"),
        (["--role", "respondent", "--eid", "E999"], "no civil servant"),
    ],
)
def test_user_add_refuses_incomplete_users(world_db, capsys, monkeypatch, argv, message) -> None:
    monkeypatch.setenv("DRUKFLOW_PASSWORD", "pw")
    code, _, err = run(capsys, "user", "add", "someone", *argv)
    assert code == 1
    assert message in err


def test_user_add_existing_username_and_missing_password(world_db, capsys) -> None:
    code, _, err = run(capsys, "user", "add", "hr", "--role", "admin", "--password", "x")
    assert code == 1 and "already exists" in err
    # No --password, no DRUKFLOW_PASSWORD, and stdin is not a terminal under pytest.
    code, _, err = run(capsys, "user", "add", "new", "--role", "admin")
    assert code == 1 and "DRUKFLOW_PASSWORD" in err


# ------------------------------------------------------------------------ calendar


def test_calendar_add_moves_the_due_date_of_a_new_deadline(world_db, capsys) -> None:
    before = world_db.deadline(world_db.walk_to("notice_served"), "explanation_due")
    assert before.due_on == date(2026, 12, 22)

    code, out, _ = run(capsys, "calendar", "add", "2026-12-16", "--note", "Snow closure")
    assert code == 0 and "closure" in out
    after = world_db.deadline(world_db.walk_to("notice_served"), "explanation_due")
    assert after.due_on == date(2026, 12, 23)

    code, out, _ = run(capsys, "calendar", "list", "--year", "2026")
    assert code == 0
    assert "2026-12-16  Wed  Snow closure" in out
    assert "2026-12-17  Thu  National Day" in out
    assert "2026-12-16  closure" in out


def test_calendar_remove_and_clear(world_db, capsys) -> None:
    code, _, _ = run(capsys, "calendar", "remove", "2026-12-17", "--note", "Moved to Friday")
    assert code == 0
    removed = world_db.deadline(world_db.walk_to("notice_served"), "explanation_due")
    assert removed.due_on == date(2026, 12, 21)  # the 17th now counts

    assert run(capsys, "calendar", "clear", "2026-12-17")[0] == 0
    restored = world_db.deadline(world_db.walk_to("notice_served"), "explanation_due")
    assert restored.due_on == date(2026, 12, 22)

    code, _, err = run(capsys, "calendar", "clear", "2026-12-17")
    assert code == 1 and "no correction" in err
    code, _, err = run(capsys, "calendar", "remove", "2026-12-18", "--note", "x")
    assert code == 1 and "2026-12-18: that date is not a listed holiday" in err
    code, _, err = run(capsys, "calendar", "add", "18/12/2026", "--note", "x")
    assert code == 1 and "not a date" in err


# ----------------------------------------------------------------- import-register

HEADER = "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date\n"


def servants(url: str) -> int:
    with Session(engine_for(url)) as s:
        return s.exec(select(func.count()).select_from(CivilServant)).one()


def test_import_register_all_or_nothing(empty_db: str, tmp_path: Path, capsys) -> None:
    assert run(capsys, "migrate")[0] == 0
    with Session(engine_for(empty_db)) as s:
        s.add(Agency(code="MOH", name="Ministry of Health", kind="ministry"))
        s.commit()
    hr = ["user", "add", "moh_hr", "--role", "hr_officer", "--agency", "MOH", "--password", "pw"]
    assert run(capsys, *hr)[0] == 0

    good = tmp_path / "good.csv"
    good.write_text(
        HEADER
        + "E1,Sonam Dorji,1990-01-01,Planning Officer,P3,MOH,2015-01-01\n"
        + "E2,Pema Wangmo,1992-02-02,Nurse,s2,MOH,2016-03-01\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import-register", str(good), "--as", "moh_hr")
    assert code == 0
    assert out.strip() == "good.csv: 2 created, 0 updated"

    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "E3,Karma Tenzin,1985-05-05,Driver,O2,MOH,2005-01-01\n"
        + "E4,Ugyen Dema,1988-13-01,Clerk,Z9,MOH,2010-01-01\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import-register", str(bad), "--as", "moh_hr")
    assert code == 1
    assert (
        "bad.csv: line 3 (E4): column position_level: Position level: 'Z9' is not a permitted"
        in err
    )
    assert "bad.csv: line 3 (E4): column date_of_birth: Date of birth: must be a date" in err
    assert "nothing imported" in err
    assert servants(empty_db) == 2  # E3 was fine but the file is all or nothing

    code, _, err = run(capsys, "import-register", str(tmp_path / "missing.csv"), "--as", "moh_hr")
    assert code == 1 and "cannot read" in err


def test_agency_add_then_import_register_on_a_fresh_database(empty_db, tmp_path, capsys):
    from web.cli import main

    assert main(["agency", "add", "MOHA", "--name", "Home Affairs", "--kind", "ministry"]) == 0
    assert main(["agency", "add", "TDA", "--name", "Thimphu", "--kind", "dzongkhag"]) == 1
    assert "needs its ministry" in capsys.readouterr().err
    assert (
        main(
            ["agency", "add", "TDA", "--name", "Thimphu", "--kind", "dzongkhag", "--parent", "MOHA"]
        )
        == 0
    )
    csv_file = tmp_path / "r.csv"
    csv_file.write_text(
        "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date\n"
        "T1,Pema,1990-01-01,Officer,P4,TDA,2018-02-01\n"
    )
    hr = ["user", "add", "tda_hr", "--role", "hr_officer", "--agency", "TDA", "--password", "pw"]
    assert main(hr) == 0
    assert main(["import-register", str(csv_file), "--as", "tda_hr"]) == 0
    assert main(["agency", "list"]) == 0
    assert "TDA" in capsys.readouterr().out
