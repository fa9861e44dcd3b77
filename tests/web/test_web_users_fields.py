"""A step's users field on the case page and through the API (19.3.5): the page offers the
eligible accounts as checkboxes (server-rendered, no script needed), the API takes a list of
usernames, and a recused member is neither offered nor accepted."""

from __future__ import annotations

from web_helpers import login

from cases.core import service
from cases.core.db import transaction


def test_19_3_5_the_order_form_offers_the_eligible_investigators_only(client, world) -> None:
    """19.3.5 "A person related to or prejudicial against a respondent civil servant shall
    not be a member of ... the Investigating Committee": the order form lists the agency's
    users to choose from, leaving out a member who stepped aside, and the choice is sent
    as checkboxes."""
    case_id = world.walk_to("explained")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["dc2"], "cousin", now=world.clock.now)
    csrf = login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    form = page.text[page.text.index('name="order_investigation"') :]
    form = form[: form.index("</form>")]
    assert 'type="checkbox" name="investigators[]" value="investigator"' in form
    assert 'value="dc2"' not in form and "BCSR 19.3.5" in form
    resp = client.post(
        f"/cases/{case_id}/actions/order_investigation",
        data={
            "csrf_token": csrf,
            "version": str(world.case(case_id).version),
            "investigated_by": "investigation_committee",
            "investigators[]": ["investigator", "secretary"],
            "directive_on": world.today(),
            "directive_received_on": world.today(),
        },
    )
    assert resp.status_code == 200, resp.text
    assert world.data(case_id)["investigators"] == ["investigator", "secretary"]


def test_19_3_5_the_api_takes_investigators_as_usernames(client, world, token) -> None:
    """19.3.5: through the API the investigators are a list of usernames; the case's
    actions show who may be chosen; a recused member is refused naming the field and
    19.3.5 (422), and nothing is written."""
    case_id = world.walk_to("explained")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["dc2"], "cousin", now=world.clock.now)
    case = client.get(f"/api/cases/{case_id}", headers=token("dc")).json()
    action = next(a for a in case["actions"] if a["trigger"] == "order_investigation")
    field = next(f for f in action["fields"] if f["name"] == "investigators")
    assert field["type"] == "users" and field["multiple"] is True
    offered = [o[0] for o in field["options"]]
    assert "investigator" in offered and "dc2" not in offered and "respondent" not in offered
    fields = {
        "investigated_by": "investigation_committee",
        "investigators": ["investigator", "dc2"],
        "directive_on": world.today(),
        "directive_received_on": world.today(),
    }
    url = f"/api/cases/{case_id}/actions/order_investigation"
    refused = client.post(
        url, headers=token("dc"), json={"version": case["version"], "fields": fields}
    )
    assert refused.status_code == 422
    (r,) = refused.json()["refusals"]
    assert (r["field"], r["cite"]) == ("investigators", "19.3.5")
    assert world.case(case_id).state == "explained"
    fields["investigators"] = ["investigator"]
    ok = client.post(url, headers=token("dc"), json={"version": case["version"], "fields": fields})
    assert ok.status_code == 200 and world.data(case_id)["investigators"] == ["investigator"]
