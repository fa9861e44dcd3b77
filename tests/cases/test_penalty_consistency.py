"""Like offences, like penalties (cases.review.penalty_consistency): BCSR 19.12.1 "In the
event an aggrieved civil servant or oversight Agency has observed inconsistencies in the
disciplinary action, the case may be appealed to the Appellate Authority." Tests on a
generated history of decisions across two agencies and three years."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from cases.core.db import reading, transaction
from cases.core.models import Case, Penalty
from cases.review import penalty_consistency as pc
from workflows.engine import Refused

# (agency, year, offence, penalty, status): a history an oversight officer might face.
HISTORY = [
    ("MOH", 2024, 15, "reprimand", "in_force"),
    ("MOH", 2025, 15, "reprimand", "in_force"),
    ("MOHA", 2025, 15, "demotion", "revoked"),
    ("MOHA", 2026, 15, "reprimand", "in_force"),
    ("MOHA", 2026, 3, "fine", "in_force"),
]


@pytest.fixture
def history(world: Any) -> dict[str, list[int]]:
    world.make_servant("E200", agency="MOHA")
    made: dict[str, list[int]] = {"MOH": [], "MOHA": []}
    with transaction(world.engine) as s:
        for agency, year, offence, code, status in HISTORY:
            at = datetime(year, 6, 1, tzinfo=UTC)
            case = Case(
                process="disciplinary",
                process_version="2023.1",
                subject_eid="E100" if agency == "MOH" else "E200",
                agency_code=agency,
                state="closed",
                opened_at=at,
                updated_at=at,
                closed_at=at,
            )
            s.add(case)
            s.flush()
            s.add(
                Penalty(
                    case_id=case.id,
                    eid=case.subject_eid,
                    charge_no=1,
                    offence_no=offence,
                    code=code,
                    severity="major" if code == "demotion" else "minor",
                    imposed_on=date(year, 6, 1),
                    status=status,
                )
            )
            made[agency].append(case.id)
    return made


def _line(lines: list[pc.OffenceLine], offence: int) -> pc.OffenceLine:
    return next(x for x in lines if x.offence == offence)


def test_the_rcsc_sees_every_penalty_for_an_offence_with_shares_and_cases_named(world, history):
    with reading(world.engine) as s:
        lines = pc.table(s, world.actors["rcsc"])
    absence = _line(lines, 15)
    assert absence.total == 4 and absence.penalties == {"reprimand": 3, "demotion": 1}
    assert absence.share("reprimand") == 0.75 and absence.revoked == 1
    assert sorted(d.case_id for d in absence.decided) == sorted(
        history["MOH"] + history["MOHA"][:2]
    )
    assert [x.offence for x in lines] == [3, 15]  # schedule order


def test_a_committee_sees_other_agencies_counted_but_not_named(world, history):
    with reading(world.engine) as s:
        lines = pc.table(s, world.actors["dc"])
    absence = _line(lines, 15)
    assert absence.total == 4  # the same counts: consistency is across agencies
    named = {d.case_id for d in absence.decided if d.case_id is not None}
    assert named == set(history["MOH"])
    assert all(d.agency == "" for d in absence.decided if d.case_id is None)


def test_filters_narrow_by_agency_year_and_offence(world, history):
    with reading(world.engine) as s:
        moha_2026 = pc.table(s, world.actors["rcsc"], agency="MOHA", year_from=2026)
        only_3 = pc.table(s, world.actors["rcsc"], offence=3)
    assert {(x.offence, x.total) for x in moha_2026} == {(3, 1), (15, 1)}
    assert [x.offence for x in only_3] == [3]


def test_a_respondent_is_refused_citing_19_12_1(world, history):
    with reading(world.engine) as s, pytest.raises(Refused, match="19.12.1"):
        pc.table(s, world.actors["respondent"])


def test_the_csv_has_a_line_per_offence_and_penalty(world, history):
    with reading(world.engine) as s:
        rows = pc.csv_rows(pc.table(s, world.actors["rcsc"]))
    assert ("15", "reprimand", 3, "0.75", 0) == (str(rows[1][0]), rows[1][3], *rows[1][4:])
    assert len(rows) == 3


def test_the_committee_deciding_sees_what_was_decided_before_for_the_offence(world, history):
    """Guidance on the decision step, never a rule."""
    with reading(world.engine) as s:
        said = pc.guidance(s, world.actors["dc"], [15])
    assert len(said) == 1 and "decided before 4 times: 3 reprimand, 1 demotion" in said[0]
    assert "1 revoked on appeal" in said[0] and "guidance only" in said[0]
