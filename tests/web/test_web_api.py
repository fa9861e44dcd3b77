"""The JSON API: bearer tokens, the same services, and the documented status codes."""

from __future__ import annotations

from web_helpers import notice, opening


def test_api_requires_a_bearer_token(client, world) -> None:
    assert client.get("/api/cases").status_code == 401
    assert client.get("/api/cases", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_processes_lists_states_transitions_roles_cites_and_diagram(client, token) -> None:
    body = client.get("/api/processes", headers=token("dc")).json()
    disc = next(p for p in body if p["key"] == "disciplinary")
    assert "notice_served" in [s["name"] for s in disc["states"]]
    serve = next(t for t in disc["transitions"] if t["trigger"] == "serve_notice")
    assert serve["cite"] == "19.8.2.1(i)" and "dc_member" in serve["roles"]
    assert disc["diagram"].startswith("stateDiagram-v2")


def test_create_then_act_through_the_api(client, world, token, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    hr, dc = token("hr"), token("dc")
    resp = client.post(
        "/api/cases",
        headers=hr,
        json=opening(),
    )
    assert resp.status_code == 201, resp.text
    case = resp.json()
    assert case["state"] == "received" and case["version"] == 1
    case = client.get(f"/api/cases/{case['id']}", headers=token("chair")).json()
    direct = next(a for a in case["actions"] if a["trigger"] == "direct_enquiry")
    assert direct["cite"] == "19.8.2" and direct["fields"][0]["name"] == "reasons"
    resp = client.post(
        f"/api/cases/{case['id']}/actions/direct_enquiry",
        headers=token("chair"),
        json={"version": case["version"], "fields": {}},
    )
    assert resp.status_code == 200 and resp.json()["state"] == "enquiry_directed"
    resp = client.post(
        f"/api/cases/{case['id']}/actions/serve_notice",
        headers=dc,
        json={
            "version": 2,
            "fields": notice("2026-12-15", "Absent"),
        },
    )
    assert resp.status_code == 200
    deadline = resp.json()["deadlines"][0]
    assert deadline == {
        **deadline,
        "kind": "explanation_due",
        "due_on": "2026-12-23",
        "status": "armed",
        "cite": "19.8.2.1(i)",
    }
    events = client.get(f"/api/cases/{case['id']}/events", headers=dc).json()
    assert [e["trigger"] for e in events] == ["open", "direct_enquiry", "serve_notice"]
    assert events[1]["prev_hash"] == events[0]["hash"]


def test_action_status_codes(client, world, token, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    v = world.case(case_id).version
    good = notice("2026-12-15")
    url = f"/api/cases/{case_id}/actions/serve_notice"
    wrong_role = client.post(url, headers=token("hr"), json={"version": v, "fields": good})
    assert wrong_role.status_code == 403
    assert wrong_role.json()["refusals"][0]["cite"] == "19.8.2.1(i)"
    bad_field = client.post(
        url, headers=token("dc"), json={"version": v, "fields": {**good, "notice_received_on": "x"}}
    )
    assert bad_field.status_code == 422
    assert bad_field.json()["refusals"][0]["field"] == "notice_received_on"
    unknown = client.post(
        url, headers=token("dc"), json={"version": v, "fields": {**good, "colour": "red"}}
    )
    assert unknown.status_code == 422 and unknown.json()["refusals"][0]["field"] == "colour"
    stale = client.post(url, headers=token("dc"), json={"version": v - 1, "fields": good})
    assert stale.status_code == 409
    wrong_state = client.post(
        f"/api/cases/{case_id}/actions/endorse_decision",
        headers=token("chair"),
        json={"version": v, "fields": {}},
    )
    assert wrong_state.status_code == 409
    ok = client.post(url, headers=token("dc"), json={"version": v, "fields": good})
    assert ok.status_code == 200 and ok.json()["version"] == v + 1
    assert world.case(case_id).state == "notice_served"


def test_list_filters_and_visibility(client, world, token, clock) -> None:
    late = world.walk_to("notice_served")
    world.make_servant("E300", agency="DOPH")
    world.add_user("doph_hr", ("hr_officer",), agency="DOPH")
    elsewhere = world.open(eid="E300", username="doph_hr")
    clock.advance(days=30)
    mine = client.get("/api/cases?overdue=true", headers=token("dc")).json()["cases"]
    assert [c["id"] for c in mine] == [late]
    assert mine[0]["next_deadline"]["overdue"] is True
    by_state = client.get("/api/cases?state=notice_served", headers=token("dc")).json()["cases"]
    assert [c["id"] for c in by_state] == [late]
    # A case outside one's reach answers 404, not 403.
    assert client.get(f"/api/cases/{elsewhere}", headers=token("dc")).status_code == 404
    assert client.get(f"/api/cases/{late}", headers=token("respondent")).status_code == 200


def test_respondent_does_not_see_deliberation_notes(client, world, token) -> None:
    case_id = world.walk_to("dc_meeting")
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, dc2",
        decision_reasons="r",
        deliberation_notes="member X doubted the witness",
        findings=[
            {"charge": 1, "finding": "not_guilty", "penalty": None},
            {"charge": 2, "finding": "not_guilty", "penalty": None},
        ],
    )
    seen = client.get(f"/api/cases/{case_id}/events", headers=token("respondent")).json()
    assert "deliberation_notes" not in seen[-1]["fields"]
    committee = client.get(f"/api/cases/{case_id}/events", headers=token("dc")).json()
    assert committee[-1]["fields"]["deliberation_notes"] == "member X doubted the witness"
