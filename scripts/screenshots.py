"""The README's screenshots (docs/screenshots/), on the demo data in Debian's chromium:
the HRC chairperson's work queue, and a case page just after the chairperson endorsed.

    DRUKFLOW_DATABASE_URL=sqlite:////tmp/shots.db .venv/bin/drukflow demo --now 2026-12-14T10:00
    .venv/bin/python scripts/screenshots.py sqlite:////tmp/shots.db
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from datetime import UTC, datetime

import uvicorn
from playwright.sync_api import sync_playwright

from web.app import create_app

NOW = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)  # the demo's --now, 10:00 in Thimphu


def main(url: str) -> None:
    app = create_app(url, clock=lambda: NOW, run_sweeper=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/login")
            page.fill("input[name=username]", "chair")
            page.fill("input[name=password]", "drukflow-demo")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.screenshot(path="docs/screenshots/work-queue.png", full_page=True)
            page.locator("a[href*='#action-endorse_decision']").first.click()
            page.wait_for_load_state("load")
            page.click("#action-endorse_decision summary")
            form = page.locator("form[name=endorse_decision]")
            form.locator("input[name=endorsed_on]").fill("2026-12-14")
            form.locator("input[name=hrc_meeting_no]").fill("MOH/HRC/2026/19")
            form.locator("button[type=submit]").click()
            page.locator("#documents button", has_text="Issue").first.wait_for()
            page.locator("#diagram svg").wait_for()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path="docs/screenshots/case-after-step.png")
            browser.close()
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main(sys.argv[1])
