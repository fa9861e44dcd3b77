"""POST /api/employees/{eid}/dues/{id}/repayment-order: the office order for repayment of a
due a separation left, from which its 90 days run (BCSR 7.7.7.5)."""

from __future__ import annotations

import json

from sqlmodel import select

from cases.core.db import transaction
from cases.core.models import ServiceEntry
from cases.people import register

LTT = {
    "start_on": "2022-01-01",
    "end_on": "2023-12-31",
    "status": "completed",
    "level": "masters",
    "mode": "full_time",
    "funding": "private",
    "ordinal": "1",
    "obligation_end": "2028-01-01",
    "employment_cost": "1000000",
}


def _due(world) -> int:
    with transaction(world.engine) as s:
        register.add_history(s, "E100", "ltt", dict(LTT), world.actors["rcsc"], world.clock.now)
        raw = {"separation_type": "voluntary_resignation", "separated_on": world.today()}
        register.record_separation(s, "E100", raw, world.actors["hr"], world.clock.now)
    with world.session() as s:
        return s.exec(select(ServiceEntry).where(ServiceEntry.kind == "due")).one().id


def test_7_7_7_5_the_office_order_for_repayment_sets_the_last_day_to_pay(client, world, token):
    """7.7.7.5: "within 90 days from the issuance of the office order for repayment"."""
    due = _due(world)
    url = f"/api/employees/E100/dues/{due}/repayment-order"
    bad = client.post(url, headers=token("hr"), json={"order_no": "F/1", "issued_on": "2026-1"})
    assert bad.status_code == 422 and "issued_on" in bad.text
    ok = client.post(
        url, headers=token("hr"), json={"order_no": "MOH/F/1", "issued_on": world.today()}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["payable_by"] == "2027-03-14" and ok.json()["cite"] == "7.7.7.5"
    with world.session() as s:
        row = s.get(ServiceEntry, due)
    assert row.end_on.isoformat() == "2027-03-14"
    assert json.loads(row.details)["repayment_order_no"] == "MOH/F/1"
    again = client.post(
        url, headers=token("hr"), json={"order_no": "MOH/F/2", "issued_on": world.today()}
    )
    assert again.status_code == 409 and "7.7.7.5" in again.text
    missing = client.post(
        "/api/employees/E100/dues/999999/repayment-order",
        headers=token("hr"),
        json={"order_no": "X", "issued_on": world.today()},
    )
    assert missing.status_code == 404
