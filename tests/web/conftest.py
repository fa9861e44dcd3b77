"""Fixtures for real-browser tests: a live uvicorn server and a headless chromium page.

Usage::

    @pytest.mark.browser
    def test_something(serve_app, browser_page):
        base_url = serve_app(create_app(...))
        browser_page.goto(base_url + "/")

The browser is Debian's chromium at /usr/bin/chromium (``apt-get install chromium``, done by
scripts/test.sh); Playwright's own browser downloads are never used.  Without that binary the
browser tests are skipped on a developer machine but fail under CI (``CI`` set), so a CI run
cannot pass by silently skipping them.

Playwright's sync API refuses to run inside a running asyncio loop, so the app is served by
uvicorn in a daemon thread with its own loop, and the tests themselves stay synchronous.
"""

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 10.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve_app() -> Iterator[Callable[[object], str]]:
    """Return ``serve(app) -> base_url``; every server started is stopped at teardown."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def serve(app: object) -> str:
        port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        running.append((server, thread))
        # Wait for readiness (bounded): server.started flips once the socket is listening.
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn on port {port} exited during startup")
            if time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError(f"uvicorn on port {port} not ready after {STARTUP_TIMEOUT_S}s")
            time.sleep(0.02)
        return f"http://127.0.0.1:{port}"

    yield serve

    for server, _ in running:
        server.should_exit = True
    for _, thread in running:
        thread.join(timeout=STARTUP_TIMEOUT_S)


@pytest.fixture
def browser_page():
    """A fresh page in headless Debian chromium; browser and Playwright closed afterwards."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: run scripts/test.sh (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context()
            page = context.new_page()
            yield page
            context.close()
        finally:
            browser.close()


# ---------------------------------------------------------------- the app under test


@pytest.fixture
def app(db_url, clock, world):  # noqa: ANN001, ANN201 - fixtures
    """The real application on the test database, with the test's clock and no timer loop."""
    from web.app import create_app

    return create_app(db_url, clock=clock, run_sweeper=False)


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def token(world):  # noqa: ANN001, ANN201
    """``token("dc")``: the headers of a fresh API bearer token for that world user."""
    from cases.core.db import transaction
    from cases.people import auth

    def issue(username: str) -> dict[str, str]:
        with transaction(world.engine) as s:
            tok = auth.issue_token(s, world.users[username], world.clock.now)
        return {"Authorization": f"Bearer {tok}"}

    return issue
