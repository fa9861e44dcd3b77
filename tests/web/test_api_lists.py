"""GET /api/cases a page at a time and with closed cases on request, and a case's deadlines
in the API saying how they are counted, as the case page's "Why is this due on X?" does."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from web_helpers import login, notice, opening

from cases.core import queries
from cases.core.db import engine_for, transaction
from cases.core.models import Case, User
from cases.demo import seed as demo
from cases.people import auth
from tests.applications import eol_application
from web.api_schema import ActedOut, CasePage
from web.app import create_app
from workflows import roles as R

# ------------------------------------------------------------------ closed cases, paging


def listed(client, headers: dict[str, str], query: str = "") -> list[int]:  # noqa: ANN001
    resp = client.get(f"/api/cases?limit=200&{query}", headers=headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["next"] is None, "the whole list fits one page here"
    return [c["id"] for c in body["cases"]]


def test_closed_cases_are_listed_only_on_request_and_only_if_visible(client, world, token):
    world.make_servant("E200")
    world.add_user("respondent2", (R.RESPONDENT,), employee_eid="E200")
    world.add_user("thimphu_hr", (R.HR_OFFICER,), agency="THIMPHU")
    own_closed = world.walk_to("closed")
    others_closed = world.walk_to("closed", eid="E200", respondent="respondent2")
    running = world.walk_to("notice_served")
    chair, respondent = token("chair"), token("respondent")
    assert listed(client, chair) == [running]
    assert set(listed(client, chair, "closed=true")) == {running, own_closed, others_closed}
    assert listed(client, respondent) == [running]
    assert set(listed(client, respondent, "closed=true")) == {running, own_closed}
    assert listed(client, token("thimphu_hr"), "closed=true") == []
    # A state filter names closed cases outright, as the page's filter does.
    assert listed(client, respondent, "state=closed") == [own_closed]


def on_leave(world, eid: str) -> int:  # noqa: ANN001
    """An EOL case whose leave has begun: it owes two deadlines at once, the position's
    protection (8.12.14) and the rejoining (8.12.15), so the list meets it twice."""
    world.make_servant(eid)
    application = eol_application(start_on=world.today())
    case_id = world.open_case("eol", eid, "hr", application)
    world.fire(case_id, "approve", "chair", decided_on=world.today(), hrc_meeting_no="H/1")
    world.fire(case_id, "commence", "hr", commenced_on=world.today())
    return case_id  # type: ignore[return-value]


@pytest.fixture
def many(world) -> list[int]:
    """More cases than a page: owing deadlines due on several days (several on the same day,
    so the order's ties fall across page ends), owing two deadlines, owing nothing, and
    closed; two respondents."""
    world.make_servant("E200")
    world.add_user("respondent2", (R.RESPONDENT,), employee_eid="E200")
    states = ["notice_served", "received", "investigating", "closed", "dc_meeting", "decided"]
    made = []
    for day in range(2):
        for n, state in enumerate(states):
            other = n % 2 == 1
            made.append(
                world.walk_to(
                    state,
                    eid="E200" if other else "E100",
                    respondent="respondent2" if other else "respondent",
                )
            )
            made.append(world.walk_to(state))  # the same deadline on the same day: a tie
        made.append(on_leave(world, f"E90{day}"))
        world.clock.advance(days=1)
    return made


def walk_pages(client, headers: dict[str, str], query: str, limit: int, between=None) -> list[int]:  # noqa: ANN001
    """Every id the pages give, in order, following each answer's ``next_url``."""
    url = f"/api/cases?limit={limit}&{query}"
    out: list[int] = []
    while url:
        body = client.get(url, headers=headers).json()
        assert len(body["cases"]) <= limit and body["limit"] == limit
        out += [c["id"] for c in body["cases"]]
        assert (body["next"] is None) == (body["next_url"] is None)
        url = body["next_url"]
        if url:
            assert len(body["cases"]) == limit, "only the last page is short"
            assert f"cursor={body['next']}" in url
        if between:
            between()
    return out


QUERIES = ["", "closed=true", "process=eol", "state=closed", "state=notice_served"]


@pytest.mark.parametrize("plan", ["walk owed deadlines", "read the viewer's cases"])
def test_paging_walks_every_visible_case_exactly_once(
    client, world, token, many, monkeypatch, plan
):
    """Page after page is the whole list, in its order, whichever plan reads it
    (cases.core.queries.list_cases: a sparse view reads the viewer's cases instead of the walk)."""
    if plan != "walk owed deadlines":
        monkeypatch.setattr(queries, "WALK_BATCHES", 0)
    for username in ("chair", "respondent", "rcsc"):
        for query in QUERIES:
            whole = listed(client, token(username), query)
            for limit in (1, 3):
                paged = walk_pages(client, token(username), query, limit)
                assert paged == whole, (username, query, limit)
    assert set(many) <= set(listed(client, token("rcsc"), "closed=true"))
    world.clock.advance(days=10)
    whole = listed(client, token("chair"), "overdue=true")
    assert len(whole) > 3 and walk_pages(client, token("chair"), "overdue=true", 3) == whole


def test_cases_opened_while_paging_neither_repeat_nor_push_a_case_off(client, world, token, many):
    chair = token("chair")
    before = listed(client, chair, "closed=true")
    paged = walk_pages(client, chair, "closed=true", 3, between=lambda: world.walk_to("decided"))
    assert len(paged) == len(set(paged))
    assert set(before) <= set(paged)


def test_a_page_larger_than_the_maximum_is_refused_naming_limit_and_the_maximum(client, token):
    chair = token("chair")
    assert client.get("/api/cases?limit=200", headers=chair).status_code == 200
    for bad in ("201", "0", "100000"):
        resp = client.get(f"/api/cases?limit={bad}", headers=chair)
        assert resp.status_code == 422 and "limit" in resp.text, resp.text
    assert "200" in client.get("/api/cases?limit=201", headers=chair).text
    assert client.get("/api/cases", headers=chair).json()["limit"] == 50


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        _cursor("2026-13-01/5"),
        _cursor("yesterday/5"),
        _cursor("/x"),
        _cursor("/0"),
        _cursor("/" + "9" * 30),
        "\u00e9t\u00e9",
    ],
)
def test_a_cursor_the_list_did_not_give_is_refused_naming_cursor(client, token, cursor):
    resp = client.get("/api/cases", params={"cursor": cursor}, headers=token("chair"))
    assert resp.status_code == 422, resp.text
    assert "cursor" in resp.text


# ------------------------------------------------------------------ deadlines and their count


def test_a_working_day_deadline_says_its_count_over_a_weekend_and_a_holiday(client, world, token):
    """19.8.2.1(i): the explanation within 5 working days of the notice's receipt, received
    Monday 14 December 2026: Thursday 17 (National Day), Saturday 19 and Sunday 20 are not
    counted, so the fifth working day is Tuesday 22 December."""
    served = client.post(
        "/api/cases",
        headers=token("hr"),
        json=opening(),
    ).json()
    client.post(
        f"/api/cases/{served['id']}/actions/direct_enquiry",
        headers=token("chair"),
        json={"version": 1},
    )
    acted = client.post(
        f"/api/cases/{served['id']}/actions/serve_notice",
        headers=token("dc"),
        json={
            "version": 2,
            "fields": notice("2026-12-14", "Absent"),
        },
    )
    assert acted.status_code == 200, acted.text
    expected = {
        "kind": "explanation_due",
        "cite": "19.8.2.1(i)",
        "amount": 5,
        "unit": "working_days",
        "counted_from": "2026-12-14",
        "first_counted_on": "2026-12-15",
        "due_on": "2026-12-22",
        "skipped": [
            {"day": "2026-12-17", "reason": "National Day"},
            {"day": "2026-12-19", "reason": "Saturday"},
            {"day": "2026-12-20", "reason": "Sunday"},
        ],
    }
    (in_answer,) = acted.json()["deadlines"]  # the step's own answer
    (read,) = client.get(f"/api/cases/{served['id']}", headers=token("dc")).json()["deadlines"]
    for entry in (in_answer, read):
        assert {k: entry[k] for k in expected} == expected
    (row,) = [
        c
        for c in client.get("/api/cases", headers=token("dc")).json()["cases"]
        if c["id"] == served["id"]
    ]
    assert {k: row["next_deadline"][k] for k in ("amount", "unit", "counted_from", "due_on")} == {
        k: expected[k] for k in ("amount", "unit", "counted_from", "due_on")
    }
    login(client, "dc")
    page = client.get(f"/cases/{served['id']}").text
    why = re.search(r'<tr class="[^"]*deadline-explanation_due">.*?</tr>', page, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", why).split())
    assert "5 working days counted from the day after Mon 14 Dec 2026" in text
    assert "the last day is Tue 22 Dec 2026" in text
    assert "Thu 17 Dec 2026: National Day" in text and "Sat 19 Dec 2026: Saturday" in text


@pytest.mark.parametrize("state", ["investigating", "dc_meeting", "decided", "appeal"])
def test_every_deadline_entry_agrees_with_the_page_and_adds_up(client, world, token, state):
    """Working days and calendar days alike: the API's entry is the page's reckoning, and its
    days add up: the days after ``counted_from`` up to ``due_on``, less those skipped, are
    ``amount``."""
    case_id = world.walk_to(state)
    api = client.get(f"/api/cases/{case_id}", headers=token("rcsc")).json()["deadlines"]
    login(client, "rcsc")
    page = client.get(f"/cases/{case_id}").context["deadlines"]
    assert api and len(api) == len(page)
    for entry, shown in zip(api, page, strict=True):
        assert {k: entry[k] for k in shown["reckoning"].as_json()} == shown["reckoning"].as_json()
        start, due = date.fromisoformat(entry["counted_from"]), date.fromisoformat(entry["due_on"])
        assert (due - start).days - len(entry["skipped"]) == entry["amount"]
        assert date.fromisoformat(entry["first_counted_on"]) > start
        assert entry["first_counted_on"] not in {s["day"] for s in entry["skipped"]}
        if entry["unit"] == "calendar_days":
            assert entry["skipped"] == [] and due == start + timedelta(days=entry["amount"])


def test_the_openapi_declares_the_deadline_count_and_the_paging(client):
    schema = client.get("/openapi.json").json()
    parts = schema["components"]["schemas"]
    deadline = parts["DeadlineOut"]["properties"]
    assert {"amount", "unit", "counted_from", "first_counted_on", "due_on", "skipped"} <= set(
        deadline
    )
    assert deadline["unit"]["enum"] == ["working_days", "calendar_days"]
    one = schema["paths"]["/api/cases/{case_id}"]["get"]["responses"]["200"]
    assert one["content"]["application/json"]["schema"]["$ref"].endswith("/CaseOut")
    acted = schema["paths"]["/api/cases/{case_id}/actions/{trigger}"]["post"]["responses"]["200"]
    assert acted["content"]["application/json"]["schema"]["$ref"].endswith("/ActedOut")
    listing = schema["paths"]["/api/cases"]["get"]
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert params["limit"]["maximum"] == 200 and params["limit"]["default"] == 50
    assert {"closed", "cursor"} <= set(params)
    assert {"cases", "next", "next_url", "limit"} <= set(parts["CasePage"]["properties"])


def test_the_oversight_lists_say_how_each_deadline_is_counted(client, world, token, clock):
    """The overdue and due-soon lists of /api/oversight show deadlines too: the same term."""
    case_id = world.walk_to("notice_served")  # explanation due Tuesday 22 December
    clock.advance(days=10)
    body = client.get("/api/oversight", headers=token("chair")).json()
    (row,) = [r for r in body["overdue"] if r["case_id"] == case_id]
    assert {k: row[k] for k in ("amount", "unit", "counted_from", "due_on")} == {
        "amount": 5,
        "unit": "working_days",
        "counted_from": "2026-12-14",
        "due_on": "2026-12-22",
    }


def test_every_demo_case_answers_in_its_declared_shape(db_url, clock):  # noqa: ANN001
    """The response models (web/api_schema.py) fit every process's cases: FastAPI checks
    each GET /api/cases/{id} answer against CaseOut, and a misfit would be a 500."""
    engine = engine_for(db_url)
    demo.build(engine, clock.now)
    with transaction(engine) as s:
        admin = s.exec(select(User).where(User.username == "admin")).one()
        headers = {"Authorization": f"Bearer {auth.issue_token(s, admin, clock.now)}"}
    with Session(engine) as s:
        ids = s.exec(select(Case.id)).all()
    app = create_app(db_url, clock=clock, run_sweeper=False)
    with TestClient(app) as client:
        for case_id in ids:
            resp = client.get(f"/api/cases/{case_id}", headers=headers)
            assert resp.status_code == 200, (case_id, resp.text)
            ActedOut.model_validate({**resp.json(), "event": {"seq": 1, "hash": "h", "cite": ""}})
        page = client.get("/api/cases?closed=true&limit=200", headers=headers).json()
        assert len(CasePage.model_validate(page).cases) == len(ids)
    engine.dispose()
