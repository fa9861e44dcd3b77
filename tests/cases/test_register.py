"""The register of civil servants (position level and agency decide the competent
authorities, 19.3.6 and 19.3.7), imported from CSV all-or-nothing.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from cases.core.models import CivilServant
from cases.people import register_import

HEADER = "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date"


def csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def run_import(world, text: str, username: str = "rcsc") -> register_import.ImportResult:
    return register_import.import_csv(world.engine, text, world.actors[username], world.clock.now)


def servants(world) -> dict[str, CivilServant]:
    with world.session() as s:
        return {cs.eid: cs for cs in s.exec(select(CivilServant)).all()}


def test_import_creates_civil_servants(world):
    result = run_import(
        world,
        csv(
            "E201,Tashi Dema,1988-04-02,Nurse,p4,DOPH,2012-07-01",
            "E202,Ugyen Tshering,1975-11-20,Director,EX2,MOH,2000-01-01",
        ),
    )
    assert result == register_import.ImportResult(created=2, updated=0, errors=[])
    rows = servants(world)
    assert rows["E201"].position_level == "P4"  # levels are normalised
    assert rows["E201"].agency_code == "DOPH"
    assert rows["E201"].date_of_birth == date(1988, 4, 2)
    assert rows["E202"].position_level == "EX2"


def test_import_updates_an_existing_civil_servant(world):
    result = run_import(
        world, csv("E100,Dorji Wangchuk,1990-01-01,Chief Officer,P1,DOPH,2015-01-01")
    )
    assert result == register_import.ImportResult(created=0, updated=1, errors=[])
    row = servants(world)["E100"]
    assert (row.position_level, row.agency_code, row.position_title) == (
        "P1",
        "DOPH",
        "Chief Officer",
    )


def test_import_reads_the_optional_head_of_agency_column(world):
    text = csv(
        "E203,Pema,1970-01-01,Secretary,EX1,MOH,1995-01-01,yes",
        header=HEADER + ",head_of_agency",
    )
    assert run_import(world, text).created == 1
    assert servants(world)["E203"].head_of_agency is True


def test_a_bad_row_changes_nothing_and_names_line_and_column(world):
    before = {eid: cs.model_dump() for eid, cs in servants(world).items()}
    result = run_import(
        world,
        csv(
            "E201,Tashi Dema,1988-04-02,Nurse,P4,DOPH,2012-07-01",
            "E100,Dorji Wangchuk,1990-01-01,Officer,P9,MOH,2015-01-01",
            "E202,Ugyen,20-11-1975,Director,EX2,NOWHERE,2000-01-01",
            "E203,,1980-01-01,Clerk,S1,MOH,2010-01-01",
        ),
    )
    assert (result.created, result.updated) == (0, 0)
    assert [str(e) for e in result.errors] == [
        "line 3 (E100): column position_level: Position level: 'P9' is not a permitted choice "
        "(BCSR 16.3.7)",
        "line 4 (E202): column date_of_birth: Date of birth: must be a date (YYYY-MM-DD) "
        "(BCSR 16.3.7)",
        "line 4 (E202): column agency_code: Working agency: 'NOWHERE' is not a known agency "
        "(BCSR 16.3.7)",
        "line 5 (E203): column name: missing (BCSR 16.3.7)",
    ]
    assert {eid: cs.model_dump() for eid, cs in servants(world).items()} == before


def test_a_header_without_a_required_column_is_refused(world):
    result = run_import(world, "eid,name\nE201,Tashi\n")
    assert result.created == 0
    assert [str(e) for e in result.errors] == [
        "line 1: header lacks column(s): date_of_birth, position_title, position_level, "
        "agency_code, appointment_date (BCSR 16.3.7)"
    ]
    assert "E201" not in servants(world)


def test_an_employee_id_repeated_in_one_file_is_refused(world):
    result = run_import(
        world,
        csv(
            "E201,Tashi Dema,1988-04-02,Nurse,P4,DOPH,2012-07-01",
            "E201,Tashi Dema,1988-04-02,Senior Nurse,P3,DOPH,2012-07-01",
        ),
    )
    assert (result.created, result.updated) == (0, 0)
    assert [str(e) for e in result.errors] == [
        "line 3 (E201): column eid: employee ID repeats line 2 (BCSR 16.3.7)"
    ]
    assert "E201" not in servants(world)
