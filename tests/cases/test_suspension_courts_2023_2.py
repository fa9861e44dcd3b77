"""Who revokes a suspension the Anti-Corruption Act required (19.9.2, 19.9.12), and a
suspension during a criminal prosecution on a closed case (19.9.9, 19.11.5), as 2023.2 of
the disciplinary definition reads them."""

from __future__ import annotations

import functools

from test_disciplinary_2023_2 import PROSECUTION, refusal_of
from test_disciplinary_suspension_2023_2 import ORDER, hearing, rcsc_walk, suspensions

from workflows import registry

REVOKED = {"reasons": "The Commission lifted its order."}


def test_19_9_2_the_agency_revokes_the_suspension_it_executed_on_the_commission_s_order(world):
    """19.9.2: "The authority to suspend civil servants in ESC shall be RCSC, with the
    exception as provided in ACAB 2011"; 19.9.12: "An order of suspension shall remain in
    force as herein provided unless it is modified or revoked by the appropriate authority."
    The agency that executed the Anti-Corruption Commission's order on an executive is the
    authority that suspended, so it revokes (reading R-19.9.2-acab); a suspension the RCSC
    ordered on its own stays the RCSC's to revoke. Before, only the RCSC could revoke, even
    the agency's execution of the Commission's order."""
    world.make_servant("E301", level="EX2", position_title="Director")
    case_id = rcsc_walk(world, "E301", "investigating")
    order = {**ORDER, "suspended_from": world.today()}
    world.fire(
        case_id,
        "suspend",
        "chair",
        **order,
        ordered_under="acab",
        acc_order_no="ACC/INV/2026/41 of 11 Dec 2026",
    )
    revoke = functools.partial(
        world.fire, case_id, "revoke_suspension", "chair", revoked_on=world.today(), **REVOKED
    )
    assert revoke() == "investigating"
    assert world.data(case_id)["suspended"] is False
    assert [status for status, _ in suspensions(world, "E301")] == ["revoked"]

    # The RCSC's own order (after its hearing) is not the agency's to revoke.
    hearing(world, case_id, "rcsc_dc")
    world.fire(case_id, "suspend", "rcsc", **order, agency_notified=True)
    assert refusal_of(revoke) == ("authority", "19.9.2")
    assert world.fire(
        case_id, "revoke_suspension", "rcsc", revoked_on=world.today(), **REVOKED
    ) == ("investigating")


def test_19_9_2_the_first_version_left_every_revocation_for_an_executive_with_the_rcsc():
    """2023.1 had no exception: its revocation of an ESC respondent's suspension is the
    RCSC's only, whatever ordered the suspension."""
    first = registry.version("disciplinary", "2023.1").branches("revoke_suspension")
    assert {s.authority.__name__ for s in first} == {"suspension_body"}
    second = registry.version("disciplinary", "2023.2").branches("revoke_suspension")
    assert {s.authority.__name__ for s in second} == {"suspension_body", "acab_suspension_body"}


CHARGES_FILED = {
    "prosecution_court": "Thimphu District Court",
    "court_case_no": "TDC/CR/118",
}


def test_19_11_5_a_suspension_runs_on_a_closed_case_while_criminal_charges_await_judgement(
    world,
):
    """19.11.5: "the RCSC or any other Disciplinary Committee shall file appropriate criminal
    charges against a respondent civil servant in a Court of Law in Bhutan"; 19.9.9: "The
    subsistence allowance shall be paid until the completion of Court/disciplinary
    proceedings"; 19.9.15 "till all the administrative and/court proceedings are completed".
    The administrative case closed, the criminal proceedings filed on it are still Court
    proceedings: the hearing, the suspension and its revocation run while they await the
    Court's judgement (reading R-19.9.9-proceedings "until_final"), and not once the
    judgement is recorded."""
    case_id = world.walk_to("closed")
    assert refusal_of(lambda: hearing(world, case_id)) == ("guard", "19.9.9, 19.12.5, 19.11.5")
    world.fire(
        case_id, "forward_for_prosecution", "dc", **PROSECUTION, forwarded_to_oag_on=world.today()
    )
    world.fire(
        case_id, "record_criminal_charges", "dc", **CHARGES_FILED, charges_filed_on=world.today()
    )
    assert hearing(world, case_id) == "closed"
    order = {**ORDER, "suspended_from": world.today()}
    assert world.fire(case_id, "suspend", "chair", **order) == "closed"
    assert world.data(case_id)["suspended"] is True
    assert (
        world.fire(case_id, "revoke_suspension", "chair", revoked_on=world.today(), **REVOKED)
        == "closed"
    )
    world.fire(
        case_id,
        "record_prosecution_judgement",
        "dc",
        judgement_on=world.today(),
        prosecution_outcome="acquitted",
    )
    prosecution = world.data(case_id)["prosecution"]
    assert (prosecution["judgement_on"], prosecution["prosecution_outcome"]) == (
        world.today(),
        "acquitted",
    )
    assert refusal_of(lambda: hearing(world, case_id)) == ("guard", "19.9.9, 19.12.5, 19.11.5")
    again = functools.partial(
        world.fire,
        case_id,
        "record_prosecution_judgement",
        "dc",
        judgement_on=world.today(),
        prosecution_outcome="convicted",
    )
    assert refusal_of(again) == ("guard", "19.11.5")
