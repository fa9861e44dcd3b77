"""Chapter 19 as version 2023.2 of the disciplinary definition reads it, on the database:
what a committee following drukflow now sees happen to the civil servant's record."""

from __future__ import annotations

from cases.core.db import reading
from cases.core.models import CivilServant


def test_19_11_14_a_dismissal_once_executed_separates_the_civil_servant_from_2023_2(world):
    """19.11.14 "Dismissal or termination of service without post-retirement and other
    benefits": once the decision is executed (19.8.2.4(ii)), the register shows the civil
    servant separated, with the penalty and its section (2023.2)."""
    case_id = world.walk_to(
        "decided",
        findings=[
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "dismissal"},
        ],
    )
    assert world.case(case_id).process_version == "2023.2"
    with reading(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        assert cs.status == "separated" and cs.separated_on == world.clock.today
        assert cs.separation_reason.startswith("Dismissal or termination of service")
        assert "(BCSR 19.11.14" in cs.separation_reason


def test_19_9_14_an_acquittal_on_death_replaces_the_earlier_findings(world):
    """19.9.14: "the administrative case against him shall be immediately decided so that
    whatever benefits decided in his favour may be availed of by his family or legal
    nominees." Earlier guilty findings and their penalties do not outlive the decision."""
    from sqlmodel import select

    from cases.core.models import Penalty

    case_id = world.walk_to("decided")
    assert any(f["finding"] == "guilty" for f in world.data(case_id)["findings"])
    world.fire(
        case_id,
        "decide_on_death",
        "dc",
        died_on=world.today(),
        death_outcome="acquitted",
        reasons="Charges not established beyond the record.",
    )
    assert world.case(case_id).state == "closed"
    assert {f["finding"] for f in world.data(case_id)["findings"]} == {"not_guilty"}
    with reading(world.engine) as s:
        statuses = {p.status for p in s.exec(select(Penalty).where(Penalty.case_id == case_id))}
    assert statuses == {"revoked"}
