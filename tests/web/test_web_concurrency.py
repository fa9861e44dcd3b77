"""Twenty people press the same button at the same moment: one step happens, the others are
told the case moved on (409), the trail holds one event and still verifies.

Served by a real uvicorn on loopback (tests/web/conftest.py ``serve_app``) so the requests
really overlap: twenty threads wait on one barrier, then POST together.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import select
from web_helpers import login

from cases.core import audit
from cases.core.db import transaction
from cases.core.models import AuditEvent, IdempotencyRecord
from cases.people import auth
from cases.review import replay

THREADS = 20


@pytest.fixture
def live(serve_app, app, world) -> dict[str, Any]:  # noqa: ANN001
    """A case waiting for the HRC chair to direct an enquiry, the server, a chair's token."""
    case_id = world.walk_to("received")
    with transaction(world.engine) as s:
        token = auth.issue_token(s, world.users["chair"], world.clock.now)
    return {
        "base": serve_app(app),
        "case_id": case_id,
        "headers": {"Authorization": f"Bearer {token}"},
    }


def together(
    url: str,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
) -> list[httpx.Response]:
    """POST the same request from THREADS threads released at once by a barrier."""
    barrier = threading.Barrier(THREADS)
    answers: list[httpx.Response | BaseException] = [RuntimeError("no answer")] * THREADS

    def one(i: int) -> None:
        with httpx.Client(timeout=60, cookies=cookies) as client:
            barrier.wait()
            try:
                answers[i] = client.post(url, headers=headers, json=body, data=form)
            except BaseException as exc:  # noqa: BLE001 - reported below
                answers[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    errors = [a for a in answers if not isinstance(a, httpx.Response)]
    assert not errors, errors
    return answers  # type: ignore[return-value]


def events_of(world, case_id: int, trigger: str) -> list[AuditEvent]:  # noqa: ANN001
    with world.session() as s:
        return [e for e in audit.events_for(s, case_id) if e.trigger == trigger]


def assert_consistent(world) -> None:  # noqa: ANN001
    with world.session() as s:
        assert audit.verify(s).ok
        assert replay.drift(s) == []


def test_twenty_simultaneous_steps_with_the_version_one_wins(live, world) -> None:
    case_id = live["case_id"]
    url = f"{live['base']}/api/cases/{case_id}/actions/direct_enquiry"
    answers = together(url, live["headers"], {"version": 1, "fields": {"reasons": "Serious"}})

    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (THREADS - 1), [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    assert (winner["state"], winner["version"]) == ("enquiry_directed", 2)
    for lost in (a for a in answers if a.status_code == 409):
        assert lost.json()["current_version"] == 2
        assert "the case has changed" in lost.json()["detail"]
    assert len(events_of(world, case_id, "direct_enquiry")) == 1
    assert world.case(case_id).version == 2
    assert_consistent(world)


def test_twenty_simultaneous_form_posts_without_a_version_first_wins(live, world) -> None:
    """A form posted without its version (no-JS clients, scripts): nothing says which state
    the sender saw, so the first wins and the step is then no longer possible from the new
    state: the others get the 409 page naming it. (The JSON API requires the version.)"""
    case_id = live["case_id"]
    with httpx.Client(base_url=live["base"], follow_redirects=True) as browser:
        csrf = login(browser, "chair")
        cookies = dict(browser.cookies)
    url = f"{live['base']}/cases/{case_id}/actions/direct_enquiry"
    answers = together(url, {}, form={"csrf_token": csrf, "reasons": "Serious"}, cookies=cookies)

    codes = sorted(a.status_code for a in answers)
    assert codes == [303] + [409] * (THREADS - 1), [a.text[:300] for a in answers]
    for lost in (a for a in answers if a.status_code == 409):
        assert "is not possible while the case is" in lost.text
    assert len(events_of(world, case_id, "direct_enquiry")) == 1
    assert (world.case(case_id).state, world.case(case_id).version) == ("enquiry_directed", 2)
    assert_consistent(world)


def test_twenty_simultaneous_retries_with_one_idempotency_key_act_once(live, world) -> None:
    """The same request retried twenty times at once: one effect, every caller gets the
    winner's answer (the others marked as replays), none is told it failed."""
    case_id = live["case_id"]
    url = f"{live['base']}/api/cases/{case_id}/actions/direct_enquiry"
    headers = {**live["headers"], "Idempotency-Key": "direct-enquiry-7f3a"}
    answers = together(url, headers, {"version": 1, "fields": {"reasons": "Serious"}})

    assert [a.status_code for a in answers] == [200] * THREADS, [a.text for a in answers]
    first = [a for a in answers if "idempotency-replayed" not in a.headers]
    assert len(first) == 1
    assert all(a.content == first[0].content for a in answers)
    assert len(events_of(world, case_id, "direct_enquiry")) == 1
    with world.session() as s:
        assert len(s.exec(select(IdempotencyRecord)).all()) == 1
    assert_consistent(world)


def test_pages_answer_while_a_writer_holds_the_lock(client, app, world) -> None:  # noqa: ANN001
    """A committee member's dashboard, a case page and the API's list answer while a
    transition or the sweep is writing: reads take WAL's snapshot on SQLite (MVCC on
    PostgreSQL) instead of queueing for the write lock."""
    case_id = world.walk_to("received")
    login(client, "chair")
    with transaction(world.engine) as s:
        token = auth.issue_token(s, world.users["chair"], world.clock.now)
    holding, release = threading.Event(), threading.Event()
    outcome: dict[str, bool] = {}

    def writer() -> None:
        with transaction(app.state.engine) as s:
            s.execute(sa.text("UPDATE app_user SET display_name = display_name"))
            holding.set()
            outcome["gave_up"] = not release.wait(timeout=20)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(timeout=20)
        statuses = [
            client.get("/").status_code,
            client.get(f"/cases/{case_id}").status_code,
            client.get("/api/cases", headers={"Authorization": f"Bearer {token}"}).status_code,
        ]
        answered_while_held = "gave_up" not in outcome
    finally:
        release.set()
        thread.join()
    assert statuses == [200, 200, 200]
    assert answered_while_held and outcome == {"gave_up": False}
