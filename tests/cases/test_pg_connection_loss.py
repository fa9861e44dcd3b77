"""Restarting PostgreSQL under a running drukflow costs only the requests in flight.

Those are answered 503 with Retry-After (JSON for /api, a short HTML page otherwise) and
change nothing; the pool replaces its dead connections (pool_pre_ping), so the next request
works. Runs only against the server scripts/postgres.sh manages, which the test restarts.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import make_url

from cases.core import audit
from cases.core.db import transaction
from cases.people import auth

pytestmark = pytest.mark.alone  # it restarts the server the other workers use

ROOT = Path(__file__).resolve().parents[2]
PG_DIR = Path(os.environ.get("DRUKFLOW_PG_DIR", "/tmp/drukflow-pg"))


@pytest.fixture(autouse=True)
def _ours(db_url: str) -> None:
    """Only the server scripts/postgres.sh started may be restarted by a test."""
    url_file = PG_DIR / "url"
    if not db_url.startswith("postgresql") or not url_file.exists():
        pytest.skip("needs the PostgreSQL server of scripts/postgres.sh (the test restarts it)")
    ours, theirs = make_url(url_file.read_text().strip()), make_url(db_url)
    if (ours.host, ours.port) != (theirs.host, theirs.port):
        pytest.skip("the suite's PostgreSQL server is not the one of scripts/postgres.sh")


def pg_ctl(action: str) -> None:
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh"), action],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def server_up() -> Iterator[Callable[[str], None]]:
    """pg_ctl for the test; whatever happens, the server is running again afterwards."""
    yield pg_ctl
    pg_ctl("start")


@pytest.fixture
def base_url(db_url: str, clock, world) -> Iterator[str]:  # noqa: ANN001
    from web.app import create_app

    app = create_app(db_url, clock=clock, run_sweeper=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


def bearer(world, username: str) -> dict[str, str]:  # noqa: ANN001
    with transaction(world.engine) as s:
        token = auth.issue_token(s, world.users[username], world.clock.now)
    return {"Authorization": f"Bearer {token}"}


def direct_enquiry(base_url: str, world, case_id: int) -> httpx.Response:  # noqa: ANN001
    return httpx.post(
        f"{base_url}/api/cases/{case_id}/actions/direct_enquiry",
        headers=bearer(world, "chair"),
        json={"version": 1, "fields": {"reasons": "Not suitable for ADR"}},
        timeout=60,
    )


def wait_until_blocked(world, timeout: float = 30) -> None:  # noqa: ANN001
    """Until a request's transaction waits on the case row the test holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with world.engine.connect() as conn:
            waiting = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).scalar()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the request never reached the locked case row")


def test_a_restart_between_requests_costs_nothing(base_url, world, server_up) -> None:
    api = bearer(world, "chair")
    assert httpx.get(f"{base_url}/api/cases", headers=api).status_code == 200
    server_up("restart")
    resp = httpx.get(f"{base_url}/api/cases", headers=api)  # its pooled connection died
    assert resp.status_code == 200, resp.text


def test_a_request_in_flight_gets_503_and_its_retry_succeeds(base_url, world, server_up) -> None:
    case_id = world.open()
    answers: list[httpx.Response] = []
    with world.engine.connect() as other:  # another transaction on the case holds its row
        other.begin()
        other.exec_driver_sql(f'SELECT id FROM "case" WHERE id = {case_id} FOR UPDATE')
        request = threading.Thread(
            target=lambda: answers.append(direct_enquiry(base_url, world, case_id))
        )
        request.start()
        wait_until_blocked(world)
        server_up("restart")  # terminates every connection, the waiting request's too
        request.join(timeout=60)
        other.invalidate()

    (resp,) = answers
    assert resp.status_code == 503
    assert resp.headers["retry-after"] == "5"
    assert "try again" in resp.json()["detail"]
    assert world.case(case_id).state == "received"  # nothing half-done was kept

    again = direct_enquiry(base_url, world, case_id)
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "enquiry_directed"
    with world.session() as s:
        assert audit.verify(s).ok


def test_pages_answer_a_short_503_page_while_the_database_is_down(base_url, world, server_up):
    with httpx.Client(base_url=base_url, follow_redirects=True) as browser:
        form = browser.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        signed_in = browser.post(
            "/login", data={"username": "chair", "password": "pw", "csrf_token": token}
        )
        assert signed_in.status_code == 200
        assert "Sign out" in browser.get("/").text
        server_up("stop")
        down = browser.get("/")
        assert down.status_code == 503
        assert down.headers["retry-after"] == "5"
        assert down.headers["content-type"].startswith("text/html")
        assert "Unavailable for a moment" in down.text
        api_down = browser.get("/api/cases", headers={"Authorization": "Bearer any"})
        assert (api_down.status_code, api_down.headers["retry-after"]) == (503, "5")
        assert "unavailable" in api_down.json()["detail"]
        server_up("start")
        assert browser.get("/").status_code == 200
