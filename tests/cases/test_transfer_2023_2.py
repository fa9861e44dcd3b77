"""Chapter 13 transfers as version 2023.2 of the definition reads them (issue 16), on the
database: each test is named after its provision and quotes it."""

from __future__ import annotations

import json
from datetime import date

from test_transfer_cases import entries, open_transfer, proposal, refusal, servant, tw  # noqa: F401

from cases.core import profiles
from cases.core.db import transaction
from cases.core.models import Agency
from cases.processes import applications
from workflows import roles as R
from workflows import transfer


def _recommended(tw, **kw) -> int:  # noqa: F811
    case_id = open_transfer(tw, **proposal(**kw))
    tw.fire(
        case_id,
        "recommend_request",
        "chair",
        recommended_on=tw.today(),
        hrc_meeting_no="MOH/HRC/22",
        recommendation="Recommended",
    )
    return case_id


def test_13_3_2_into_a_constitutional_office_by_the_parent_agency_after_consulting_it(tw):  # noqa: F811
    """13.3.2 "Any transfer into and out of Constitutional Offices shall be executed by the
    Parent Agency in consultation with such offices." 2023.1 sent an inter-agency transfer
    with no parent agency to the RCSC (13.4.7) and asked for no consultation."""
    with transaction(tw.engine) as s:
        s.add(Agency(code="ACC", name="Anti-Corruption Commission", kind="constitutional"))
    order = {"order_no": "MOH/TO/5", "order_date": tw.today()}
    no_parent = _recommended(tw, receiving_agency="ACC")
    assert tw.data(no_parent)["constitutional_office"] is True
    assert refusal(tw.fire, no_parent, "issue_order", "rcsc", **order) == ["13.3.2"]
    case_id = _recommended(tw, receiving_agency="ACC", parent_agency="MOH")
    assert refusal(tw.fire, case_id, "issue_order", "hr", **order) == ["13.3.2"]
    consulted = {**order, "constitutional_office_consulted": True}
    assert refusal(tw.fire, case_id, "issue_order", "rcsc", **consulted) == ["13.3.2"]
    assert (
        tw.fire(case_id, "issue_order", "hr", **order, constitutional_office_consulted=True)
        == "ordered"
    )
    assert tw.data(case_id)["competent_authority"] == "MOH (BCSR 13.3.2)"
    data = {"receiving_agency": "ACC", "from_agency": "MOH", "constitutional_office": True}
    assert transfer.competent_authority("P3", "MOH", data).agencies == (R.RCSC_AGENCY,)


def test_13_4_16_pay_on_a_transfer_to_a_lower_position_level(tw, clock):  # noqa: F811
    """13.4.16.1 "When a transfer is in the public interest, the employee shall be entitled
    to maintain his existing salary"; 13.4.16.2 "When a transfer is of the employee's
    personal choice, remuneration will be based on the new Position Title and Position
    Level." A transfer on request is the civil servant's choice; a planned one the public
    interest's. The new level enters the register on joining (2023.1 kept the old one)."""
    planned = open_transfer(tw, **proposal("planned", new_level="P4", effective_on="2027-07-15"))
    assert "existing salary is maintained (13.4.16.1)" in tw.data(planned)["pay_on_lower_level"]
    higher = open_transfer(tw, **proposal(new_level="P2"))
    assert "pay_on_lower_level" not in tw.data(higher)
    case_id = _recommended(tw, new_level="P4")
    assert "new position title and level (13.4.16.2)" in tw.data(case_id)["pay_on_lower_level"]
    tw.fire(case_id, "issue_order", "rcsc", order_no="RCSC/TO/9", order_date=tw.today())
    tw.fire(case_id, "relieve", "hr", relieved_on=tw.today(), handing_over_confirmed=True)
    tw.fire(case_id, "report_joining", "moe_hr", reported_on=tw.today())
    assert servant(tw).position_level == "P4"
    [row] = entries(tw)
    assert "13.4.16.2" in json.loads(row.details)["pay"]


def test_13_6_6_transfer_benefits_only_after_five_years_at_the_lateral_posting(tw, clock):  # noqa: F811
    """13.6.6 "However, he shall be eligible for transfer benefits only if he serves a
    minimum of five years in the same place of posting": a warning before, and the case
    records it; 2023.1 said nothing."""
    with transaction(tw.engine) as s:
        profiles.add_entry(
            s,
            eid="E200",
            kind="transfer",
            now=tw.clock.now,
            by="register",
            start_on=date(2023, 3, 1),
            status="completed",
            transfer_kind="lateral",
        )
    with tw.session() as s:
        found = applications.eligibility(
            s, "transfer", "E200", {"transfer_kind": "on_request", "effective_on": "2027-01-15"},
            clock.today,
        )  # fmt: skip
    assert found.eligible
    [warning] = [w for w in found.warnings if w.cite == "13.6.6"]
    assert "five years at that place of posting are served on 2028-03-01" in warning.reason
    case_id = open_transfer(tw, **proposal())
    assert tw.data(case_id)["transfer_benefits"].endswith("(BCSR 13.6.6)")
    assert "13.6.6" not in {r.cite for r in transfer.PROCESS.rules if r.advisory}
