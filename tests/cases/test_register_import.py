"""The register's CSV import: the edit form's authority (16.3.3, 16.3.7), one audit event
per created or changed record (replayable), absent columns left alone, one ID format, bad
bytes and oversized cells refused by line, nothing half-written."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from cases.core import audit
from cases.core.db import transaction
from cases.core.models import AuditEvent, CivilServant
from cases.people import register, register_import, register_reads
from cases.review import replay
from web import cli

HEADER = "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date"
E100 = "E100,Dorji Wangchuk,1990-01-01,Officer,P3,MOH,2015-01-01"


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def run(world, data: str | bytes, username: str = "hr") -> register_import.ImportResult:
    return register_import.import_csv(world.engine, data, world.actors[username], world.clock.now)


def record(world, eid: str = "E100") -> CivilServant | None:
    with world.session() as s:
        return s.get(CivilServant, eid)


def register_events(world) -> list[AuditEvent]:
    with world.session() as s:
        return list(
            s.exec(
                select(AuditEvent).where(AuditEvent.process == "register").order_by(AuditEvent.seq)  # type: ignore[arg-type]
            ).all()
        )


def snapshot(world) -> dict[str, dict]:
    with world.session() as s:
        return {cs.eid: cs.model_dump() for cs in s.exec(select(CivilServant)).all()}


# ------------------------------------------------------------------ authority (16.3.3, 16.3.7)


def test_rows_of_another_agencys_civil_servants_refuse_the_whole_file(world) -> None:
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    before = snapshot(world)
    result = run(
        world,
        csv(
            "E500,Pema Lhamo,1991-03-03,Clerk,S2,MOHA,2016-01-01",  # its own: fine alone
            "E100,Dorji Wangchuk,1970-01-01,Secretary,EX1,MOH,2015-01-01",
        ),
        "moha_hr",
    )
    assert (result.created, result.updated) == (0, 0)
    ((line, eid, cite),) = [(e.line, e.eid, e.cite) for e in result.errors]
    assert (line, eid, cite) == (3, "E100", "16.3.3")
    assert snapshot(world) == before and register_events(world) == []


def test_a_new_record_for_another_agency_is_refused(world) -> None:
    result = run(world, csv("E501,Pema,1991-03-03,Clerk,S2,MOHA,2016-01-01"), "hr")
    assert [(e.line, e.eid, e.cite) for e in result.errors] == [(2, "E501", "16.3.3")]
    assert record(world, "E501") is None


def test_sensitive_columns_changed_without_the_rcsc_refuse_the_whole_file(world) -> None:
    header = HEADER + ",place_of_posting"
    result = run(
        world,
        csv("E100,Dorji Wangchuk,1970-01-01,Secretary,EX1,MOH,2015-01-01,Gelephu", header=header),
    )
    refused = {(e.line, e.eid, e.field, e.cite) for e in result.errors}
    assert refused == {
        (2, "E100", "date_of_birth", "16.3.7"),
        (2, "E100", "position_level", "16.3.7"),
        (2, "E100", "position_title", "16.3.7"),
        (2, "E100", "position_category", "16.3.7"),  # follows the level
    }
    cs = record(world)
    assert cs is not None
    assert (cs.position_level, cs.place_of_posting) == ("P3", "")  # nothing half-written
    # The RCSC may; the agency's officer may change the rest, sensitive columns unchanged.
    assert run(world, csv(E100 + ",Gelephu", header=header)).updated == 1
    assert record(world).place_of_posting == "Gelephu"  # type: ignore[union-attr]
    rcsc = run(world, csv("E100,Dorji Wangchuk,1970-01-01,Secretary,EX1,MOH,2015-01-01"), "rcsc")
    assert (rcsc.updated, rcsc.errors) == (1, [])
    assert record(world).position_category == "ESC"  # type: ignore[union-attr]


def test_an_administrator_is_not_the_register_keeper(world) -> None:
    result = run(world, csv(E100.replace("Officer", "Chief")), "admin")
    assert [e.cite for e in result.errors] == ["16.3.3"]


# ------------------------------------------------------------------ audit and replay


def test_every_created_or_changed_record_is_an_audit_event_replay_rebuilds(world) -> None:
    header = HEADER + ",place_of_posting"
    result = run(
        world,
        csv(
            E100 + ",Mongar",
            "E600,Sonam,1992-02-02,Nurse,P4,MOH,2017-01-01,Paro",
            "E601,Karma,1993-03-03,Nurse,P5,MOH,2018-01-01,",
            header=header,
        ),
    )
    assert (result.created, result.updated, result.errors) == (2, 1, [])
    events = register_events(world)
    assert [e.trigger for e in events] == ["register_import"] * 3
    assert all(e.actor == "hr" and e.cite == "16.3.7" for e in events)
    assert '"changes":{"place_of_posting":["","Mongar"]}' in events[0].fields
    with world.session() as s:
        assert audit.verify(s).ok
        rebuilt = replay.rebuild_register(s)
        assert replay.register_drift(s) == []
    assert rebuilt["E100"]["place_of_posting"][0] == "Mongar"
    assert rebuilt["E600"]["date_of_birth"][0] == "1992-02-02"
    assert rebuilt["E601"]["position_category"][0] == "PMC"


def test_replay_reports_a_register_row_that_differs_from_its_events(
    world, db_url, monkeypatch, capsys
) -> None:
    run(world, csv("E600,Sonam,1992-02-02,Nurse,P4,MOH,2017-01-01"))
    with transaction(world.engine) as s:  # a write behind the application's back
        s.execute(sa.text("UPDATE civil_servant SET position_level = 'EX1' WHERE eid = 'E600'"))
    with world.session() as s:
        (drift,) = replay.register_drift(s)
    assert (drift.eid, drift.column, drift.live, drift.rebuilt) == (
        "E600",
        "position_level",
        "EX1",
        "P4",
    )
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    capsys.readouterr()
    assert cli.main(["audit", "replay"]) == 1
    out = capsys.readouterr().out
    assert "record E600: position_level is 'EX1', its events say 'P4'" in out


def test_replay_follows_the_record_edits_too(world) -> None:
    with transaction(world.engine) as s:
        register.edit(s, "E100", {"place_of_posting": "Haa"}, world.actors["hr"], world.clock.now)
    with transaction(world.engine) as s:
        register.edit(s, "E100", {"place_of_posting": ""}, world.actors["hr"], world.clock.now)
    with world.session() as s:
        assert replay.rebuild_register(s)["E100"]["place_of_posting"][0] == ""
        assert replay.register_drift(s) == []


# ------------------------------------------------------------------ absent columns


def test_a_column_absent_from_the_file_leaves_the_field_as_it_is(world) -> None:
    world.make_servant(
        "E700", bcse_selected=True, head_of_agency=True, place_of_posting="Paro", nationality="X"
    )
    result = run(world, csv("E700,Civil servant E700,1990-01-01,Chief,P3,MOH,2015-01-01"), "rcsc")
    assert (result.updated, result.errors) == (1, [])
    cs = record(world, "E700")
    assert cs is not None and cs.position_title == "Chief"
    assert (cs.bcse_selected, cs.head_of_agency, cs.place_of_posting, cs.nationality) == (
        True,
        True,
        "Paro",
        "X",
    )
    # An empty cell leaves it too; a column present says what it is.
    header = HEADER + ",bcse_selected,head_of_agency"
    text = csv("E700,Civil servant E700,1990-01-01,Chief,P3,MOH,2015-01-01,,no", header=header)
    assert run(world, text, "rcsc").updated == 1
    cs = record(world, "E700")
    assert (cs.bcse_selected, cs.head_of_agency) == (True, False)  # type: ignore[union-attr]


# ------------------------------------------------------------------ the ID's format

BAD_IDS = ["E1/2", "E100%", "E=1", "E 1", "E" * 21, "É1", "E1;drop", "-E1"]


@pytest.mark.parametrize("eid", BAD_IDS)
def test_employee_ids_outside_the_format_are_refused_by_line(world, eid: str) -> None:
    text = csv(
        "E800,Pema,1990-01-01,Officer,P4,MOH,2018-02-01",
        f'"{eid}",Pema,1990-01-01,O,P4,MOH,2018-02-01',
    )
    result = run(world, text)
    ((line, field, cite),) = [(e.line, e.field, e.cite) for e in result.errors]
    assert (line, field, cite) == (3, "eid", "16.3.7")
    assert "letters, digits and hyphens" in result.errors[0].reason
    assert record(world, "E800") is None


def test_the_demo_ids_fit_the_format() -> None:
    from cases.demo import seed
    from workflows.record import eid_problem

    assert [eid for eid, *_ in seed.SERVANTS if eid_problem(eid)] == []


@pytest.mark.parametrize("eid", BAD_IDS)
def test_a_case_about_an_id_outside_the_format_is_refused(world, eid: str) -> None:
    from workflows.context import Refused

    with pytest.raises(Refused) as exc:
        world.open(eid)
    (refusal,) = exc.value.refusals
    assert (refusal.field, refusal.cite) == ("subject_eid", "16.3.7")


def test_the_cli_refuses_a_user_whose_eid_is_outside_the_format(world_cli, capsys) -> None:
    argv = ["user", "add", "x", "--role", "respondent", "--eid", "E1/2", "--password", "pw"]
    assert cli.main(argv) == 1
    assert "letters, digits and hyphens" in capsys.readouterr().err


@pytest.fixture
def world_cli(world, db_url, monkeypatch):
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    return world


# ------------------------------------------------------------------ bytes and widths


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(world) -> None:
    data = csv(E100, "E801,Pema,1990-01-01,Officer,P4,MOH,2018-02-01").encode()
    data = data.replace(b"Pema", "Pemä".encode("latin-1"))
    result = run(world, data)
    ((line, reason),) = [(e.line, e.reason) for e in result.errors]
    assert line == 3 and "UTF-8" in reason
    assert record(world, "E801") is None


def test_oversized_cells_are_refused_naming_line_and_column(world) -> None:
    result = run(
        world,
        csv(
            "E802," + "N" * 201 + ",1990-01-01,Officer,P4,MOH,2018-02-01",
            "E803,Pema,1990-01-01,Officer," + "P" * 100_000 + ",MOH,2018-02-01",
        ),
    )
    assert [(e.line, e.field) for e in result.errors] == [(2, "name"), (3, "position_level")]
    assert all(len(str(e)) < 300 for e in result.errors)  # the cell is not echoed
    assert record(world, "E802") is None


def test_a_file_that_is_not_csv_is_refused_naming_the_line(world) -> None:
    result = run(world, csv(E100, "E804,Pe\x00ma,1990-01-01,Officer,P4,MOH,2018-02-01"))
    assert [e.line for e in result.errors] == [3]
    assert record(world, "E804") is None


# ------------------------------------------------------------------ one short write


def test_a_record_changed_while_the_file_is_checked_is_checked_again(world, monkeypatch) -> None:
    """The file is checked outside the write lock; a record moved to another agency in the
    meantime is refused, not overwritten."""
    header = HEADER + ",place_of_posting"
    real = register_import._existing
    calls = []

    def existing_then_moved(session, eids):
        found = real(session, eids)
        if not calls:
            with transaction(world.engine) as s:
                register.edit(
                    s, "E100", {"agency_code": "MOHA"}, world.actors["rcsc"], world.clock.now
                )
        calls.append(1)
        return found

    monkeypatch.setattr(register_import, "_existing", existing_then_moved)
    result = run(world, csv(E100 + ",Gelephu", header=header))
    assert [(e.eid, e.cite) for e in result.errors] == [("E100", "16.3.3")]
    assert len(calls) == 2
    cs = record(world)
    assert (cs.agency_code, cs.place_of_posting) == ("MOHA", "")  # type: ignore[union-attr]


def test_a_failed_write_changes_nothing(world, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "insert_rows", broken)
    before = snapshot(world)
    with pytest.raises(RuntimeError):
        run(
            world,
            csv(E100.replace("Dorji", "Dorjee"), "E805,P,1990-01-01,O,P4,MOH,2018-02-01"),
            "rcsc",
        )
    assert snapshot(world) == before and register_events(world) == []


def test_dates_become_dates(world) -> None:
    run(world, csv("E806,Pema,1990-01-01,Officer,P4,MOH,2018-02-01"))
    assert record(world, "E806").date_of_birth == date(1990, 1, 1)  # type: ignore[union-attr]


def test_the_cli_import_runs_with_a_named_users_authority(world_cli, tmp_path, capsys) -> None:
    world_cli.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    path = tmp_path / "r.csv"
    path.write_text(csv("E100,Dorji Wangchuk,1970-01-01,Secretary,EX1,MOH,2015-01-01"))
    assert cli.main(["import-register", str(path)]) != 0  # --as is required
    assert "required: --as" in capsys.readouterr().err
    assert cli.main(["import-register", str(path), "--as", "nobody"]) == 1
    assert cli.main(["import-register", str(path), "--as", "moha_hr"]) == 1
    err = capsys.readouterr().err
    assert "r.csv: line 2 (E100): only the HR officer of the civil servant's agency" in err
    assert "(BCSR 16.3.3)" in err and "nothing imported" in err
    assert cli.main(["import-register", str(path), "--as", "rcsc"]) == 0
    (event,) = register_events(world_cli)
    assert (event.actor, event.role, event.trigger) == ("rcsc", "rcsc", "register_import")


def test_a_file_exported_with_formula_prefixes_imports_back_unchanged(world) -> None:
    """A title typed as "=HYPERLINK(...)" or "-acting-" is exported with a quote in front
    (cases.people.csv_cells, against formula injection); importing that export changes nothing."""
    header = HEADER
    text = csv("E900,=Pema Lhamo,1990-01-01,-acting- Officer,P4,MOH,2018-02-01", header=header)
    assert run(world, text).created == 1
    with world.session() as s:
        exported = register_reads.export_csv(s, "MOH")
    assert "'=Pema Lhamo" in exported and "'-acting- Officer" in exported
    before = snapshot(world)
    result = run(world, exported)
    assert (result.errors, result.updated) == ([], 0)
    assert snapshot(world) == before
    cs = record(world, "E900")
    assert (cs.name, cs.position_title) == ("=Pema Lhamo", "-acting- Officer")  # type: ignore[union-attr]
