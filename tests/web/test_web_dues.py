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


def test_7_7_7_5_the_record_page_records_the_office_order_for_repayment(client, world):
    """7.7.7.5: "The candidate or guarantor must fulfil the financial obligation within 90
    days from the issuance of the office order for repayment." An HR officer records the
    order from the record page, without the API: the same authority check (another agency's
    officer is refused) and the same audit event; a bad field is named on the form and
    nothing is written."""
    from cases.core.models import AuditEvent
    from tests.web.web_helpers import login

    due = _due(world)
    form_url = f"/servants/E100/dues/{due}/repayment-order"
    csrf = login(client, "hr")
    page = client.get("/servants/E100").text
    assert form_url in page
    assert "Record the office order for repayment (BCSR 7.7.7.5)" in page
    form = client.get(form_url)
    assert form.status_code == 200 and 'id="repayment-order-form"' in form.text

    bad = client.post(form_url, data={"csrf_token": csrf, "order_no": "MOH/F/1", "issued_on": ""})
    assert bad.status_code == 422 and "(BCSR 7.7.7.5)" in bad.text and "Not recorded" in bad.text
    with world.session() as s:
        assert s.get(ServiceEntry, due).end_on is None  # nothing half-written

    chair = login(client, "chair")  # sees the record, does not keep it (16.3.3)
    assert 'id="repayment-order-form"' not in client.get(form_url).text
    refused = client.post(
        form_url, data={"csrf_token": chair, "order_no": "X/1", "issued_on": world.today()}
    )
    assert refused.status_code == 403 and "(BCSR 16.3.3)" in refused.text
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    other = login(client, "moha_hr")
    refused = client.post(
        form_url, data={"csrf_token": other, "order_no": "X/1", "issued_on": world.today()}
    )
    assert refused.status_code == 404  # another agency's record: not theirs to see

    csrf = login(client, "hr")
    ok = client.post(
        form_url,
        data={"csrf_token": csrf, "order_no": "MOH/F/1", "issued_on": world.today()},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = client.get(ok.headers["location"]).text
    assert "the 90 days to pay run from it (BCSR 7.7.7.5)" in page
    assert "Record the office order for repayment" not in page
    with world.session() as s:
        assert s.get(ServiceEntry, due).end_on.isoformat() == "2027-03-14"
        event = s.exec(
            select(AuditEvent).where(AuditEvent.trigger == "record_repayment_order")
        ).one()
    assert event.cite.startswith("7.7.7.5")
    assert 'id="order-recorded"' in client.get(form_url).text
    again = client.post(
        form_url, data={"csrf_token": csrf, "order_no": "MOH/F/2", "issued_on": world.today()}
    )
    assert again.status_code == 409 and "already recorded" in again.text
    assert client.get("/servants/E100/dues/999999/repayment-order").status_code == 404
