"""A retried or double-submitted request has one effect.

API callers send ``Idempotency-Key``: the repeat gets the first answer again (same status,
same bytes, ``Idempotency-Replayed: true``), the same key on a different request is refused
422 naming the header. HTML forms carry the case version: the second submit of a form gets
the friendly 409 page instead of a second step.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlmodel import select
from web_helpers import login, opening

from cases.core import audit
from cases.core.db import transaction
from cases.core.models import AuditEvent, Case, IdempotencyRecord
from cases.people import auth
from web import idempotency, views

DIRECT = {"version": 1, "fields": {"reasons": "Not suitable for ADR"}}


@pytest.fixture
def bearer(world):  # noqa: ANN001, ANN201
    def issue(username: str, key: str | None = None) -> dict[str, str]:
        with transaction(world.engine) as s:
            token = auth.issue_token(s, world.users[username], world.clock.now)
        headers = {"Authorization": f"Bearer {token}"}
        return headers | ({"Idempotency-Key": key} if key else {})

    return issue


def trail(world, case_id: int | None = None, trigger: str | None = None) -> list[AuditEvent]:  # noqa: ANN001
    with world.session() as s:
        rows = s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    return [
        e
        for e in rows
        if (case_id is None or e.case_id == case_id) and (trigger is None or e.trigger == trigger)
    ]


def records(world) -> list[IdempotencyRecord]:  # noqa: ANN001
    with world.session() as s:
        return list(s.exec(select(IdempotencyRecord)).all())


# ------------------------------------------------------------------ the JSON API


def test_a_retried_step_is_answered_again_and_taken_once(client, world, bearer) -> None:
    case_id = world.walk_to("received")
    chair = bearer("chair", "retry-1")
    url = f"/api/cases/{case_id}/actions/direct_enquiry"

    first = client.post(url, headers=chair, json=DIRECT)
    again = client.post(url, headers=chair, json=DIRECT)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content  # the first answer, byte for byte
    assert again.headers["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first.headers
    assert first.json()["state"] == "enquiry_directed" and first.json()["version"] == 2
    assert len(trail(world, case_id, "direct_enquiry")) == 1
    assert world.case(case_id).version == 2
    # Without the key the same retry is a second attempt, refused because the case moved on.
    plain = {"Authorization": chair["Authorization"]}
    assert client.post(url, headers=plain, json=DIRECT).status_code == 409


def test_an_answer_is_written_as_fastapi_would_write_it(world) -> None:
    """A kept answer is replayed byte for byte, so it must be the text FastAPI's own
    JSONResponse gives: checked on a real case view (dates, deadlines, actions) and on the
    rarer values a view could hold."""
    case_id = world.walk_to("notice_served")
    with world.session() as s:
        case = s.get(Case, case_id)
        view = views.api_case(s, case, auth.actor_of(world.users["chair"]), world.clock())
    odd = {
        "at": world.clock(),
        "on": world.clock().date(),
        "roles": frozenset({"chair"}),
        "pair": ("a", 1),
        "text": 'Dzongkha རྫོང་ཁ, a "quote" and a \\ backslash',
        "nested": [{"none": None, "yes": True, "n": 2.5}],
    }
    for body in (view, odd):
        expected = bytes(JSONResponse(jsonable_encoder(body)).body).decode()
        assert idempotency._rendered(body) == expected
    assert view["deadlines"], "the view checked holds dates"


def test_json_key_order_and_spacing_do_not_make_another_request(client, world, bearer) -> None:
    case_id = world.walk_to("received")
    chair = bearer("chair", "retry-2") | {"Content-Type": "application/json"}
    url = f"/api/cases/{case_id}/actions/direct_enquiry"
    first = client.post(url, headers=chair, content=b'{"version":1,"fields":{"reasons":"R"}}')
    again = client.post(
        url, headers=chair, content=b'{ "fields": {"reasons": "R"},\n  "version": 1 }'
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotency-Replayed"] == "true"
    assert len(trail(world, case_id, "direct_enquiry")) == 1


@pytest.mark.parametrize("change", ["body", "path"])
def test_the_same_key_on_a_different_request_is_refused_naming_the_header(
    client, world, bearer, change
) -> None:
    first_case = world.walk_to("received")
    other_case = world.walk_to("received")
    chair = bearer("chair", "reused-key")
    assert (
        client.post(
            f"/api/cases/{first_case}/actions/direct_enquiry", headers=chair, json=DIRECT
        ).status_code
        == 200
    )
    target = other_case if change == "path" else first_case
    body = DIRECT if change == "path" else {**DIRECT, "fields": {"reasons": "Other reasons"}}

    resp = client.post(f"/api/cases/{target}/actions/direct_enquiry", headers=chair, json=body)

    assert resp.status_code == 422
    assert resp.json()["refusals"][0]["field"] == "Idempotency-Key"
    assert "already used for a different request" in resp.json()["detail"]
    assert world.case(other_case).state == "received"  # nothing happened
    assert len(trail(world, trigger="direct_enquiry")) == 1


def test_a_malformed_key_is_refused_before_anything_happens(client, world, bearer) -> None:
    case_id = world.walk_to("received")
    chair = bearer("chair", "x" * 129)
    resp = client.post(f"/api/cases/{case_id}/actions/direct_enquiry", headers=chair, json=DIRECT)
    assert resp.status_code == 422
    assert resp.json()["refusals"][0]["field"] == "Idempotency-Key"
    assert "1 to 128 visible ASCII characters" in resp.json()["detail"]
    assert world.case(case_id).state == "received"


def test_keys_belong_to_their_user(client, world, bearer) -> None:
    """Another user's key is another key: never a replay of someone else's answer, never
    a refusal because someone else used it."""
    first = world.walk_to("received")
    second = world.walk_to("received")
    a = client.post(
        f"/api/cases/{first}/actions/direct_enquiry", headers=bearer("chair", "k"), json=DIRECT
    )
    b = client.post(
        f"/api/cases/{second}/actions/direct_enquiry", headers=bearer("dc", "k"), json=DIRECT
    )
    assert (a.status_code, b.status_code) == (200, 200)
    assert "Idempotency-Replayed" not in b.headers
    assert b.json()["id"] == second and world.case(second).state == "enquiry_directed"
    assert len(records(world)) == 2


def test_a_refused_request_keeps_no_answer(client, world, bearer) -> None:
    """A refusal changed nothing, so nothing is remembered: the repeat is judged afresh."""
    case_id = world.walk_to("received")
    chair = bearer("chair", "stale-1")
    url = f"/api/cases/{case_id}/actions/direct_enquiry"
    stale = {**DIRECT, "version": 0}
    assert client.post(url, headers=chair, json=stale).status_code == 409
    assert records(world) == []
    again = client.post(url, headers=chair, json=stale)
    assert again.status_code == 409 and "Idempotency-Replayed" not in again.headers
    assert world.case(case_id).version == 1


def test_a_retried_case_creation_creates_one_case(client, world, bearer, clock) -> None:
    hr = bearer("hr", "open-E100")
    body = opening()
    first = client.post("/api/cases", headers=hr, json=body)
    clock.advance(hours=1)  # a retry an hour later still gets the first answer
    again = client.post("/api/cases", headers=hr, json=body)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    with world.session() as s:
        assert len(s.exec(select(Case)).all()) == 1


def test_a_retried_register_edit_is_recorded_once(client, world, bearer) -> None:
    rcsc = bearer("rcsc", "level-E100")
    body = {"fields": {"position_level": "P1"}}
    first = client.patch("/api/employees/E100", headers=rcsc, json=body)
    again = client.patch("/api/employees/E100", headers=rcsc, json=body)
    assert first.json() == {"eid": "E100", "changes": {"position_level": ["P3", "P1"]}}
    assert again.content == first.content and again.headers["Idempotency-Replayed"] == "true"
    assert len([e for e in trail(world) if e.process == "register"]) == 1


def test_the_answer_is_kept_in_the_transaction_of_the_step(client, world, bearer) -> None:
    """A step whose answer could not be stored does not happen (and vice versa): both are
    written in one transaction."""
    case_id = world.walk_to("received")
    chair = bearer("chair", "atomic-1")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(idempotency, "_rendered", lambda body: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            client.post(f"/api/cases/{case_id}/actions/direct_enquiry", headers=chair, json=DIRECT)
    assert world.case(case_id).state == "received"
    assert records(world) == []
    with world.session() as s:
        assert audit.verify(s).ok


def test_old_answers_are_purged_after_a_day(client, world, bearer, clock) -> None:
    case_id = world.walk_to("received")
    client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry", headers=bearer("chair", "k1"), json=DIRECT
    )
    with transaction(world.engine) as s:
        assert idempotency.purge(s, clock.now + timedelta(hours=23)) == 0
        assert idempotency.purge(s, clock.now + timedelta(hours=25)) == 1
    assert records(world) == []


def test_the_server_sweeper_forgets_answers_older_than_a_day(app, client, world, bearer, clock):
    from web.app import _forget_old_answers

    case_id = world.walk_to("received")
    client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry", headers=bearer("chair", "k1"), json=DIRECT
    )
    _forget_old_answers(app)
    assert len(records(world)) == 1
    clock.advance(hours=25)
    _forget_old_answers(app)
    assert records(world) == []


# ------------------------------------------------------------------ HTML forms


def test_a_double_submitted_form_steps_once_and_the_second_gets_the_409_page(client, world) -> None:
    case_id = world.walk_to("received")
    csrf = login(client, "chair")
    page = client.get(f"/cases/{case_id}")
    version = re.search(
        r'name="direct_enquiry".*?name="version" value="(\d+)"', page.text, re.S
    ).group(1)
    form = {"csrf_token": csrf, "version": version, "reasons": "Not suitable for ADR"}
    url = f"/cases/{case_id}/actions/direct_enquiry"

    first = client.post(url, data=form, follow_redirects=False)
    second = client.post(url, data=form, follow_redirects=False)

    assert first.status_code == 303
    assert second.status_code == 409
    assert "This case moved on to" in second.text and "while you were working" in second.text
    assert 'id="case-state"' in second.text  # the case page, showing where the case is now
    assert len(trail(world, case_id, "direct_enquiry")) == 1


@pytest.mark.browser
def test_a_double_click_on_submit_takes_the_step_once(app, world, serve_app, browser_page):
    case_id = world.walk_to("received")
    page = browser_page
    posts: list[int] = []  # what the server answered to the form's POSTs

    @app.middleware("http")
    async def record(request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        if request.url.path.endswith("/actions/direct_enquiry"):
            posts.append(response.status_code)
        return response

    base = serve_app(app)
    page.goto(base + "/login")
    page.fill("input[name=username]", "chair")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(f"{base}/cases/{case_id}")
    page.click("#action-direct_enquiry summary")
    form = page.locator("form[name=direct_enquiry]")
    form.locator("[name=reasons]").fill("Not suitable for ADR")
    form.locator("button[type=submit]").dblclick()
    page.locator("#case-state", has_text="enquiry").wait_for()
    page.wait_for_load_state("networkidle")

    assert len(trail(world, case_id, "direct_enquiry")) == 1
    assert world.case(case_id).version == 2
    # htmx (like chromium's own form submission) sends the form once however fast the
    # clicks come; a second POST that did arrive would carry the same version and get 409
    # (test_a_double_submitted_form_steps_once_and_the_second_gets_the_409_page).
    assert posts[0] == 200 and set(posts[1:]) <= {409}, posts
