"""Screenshots of drukflow's pages for docs/screenshots/, taken from the demo data.

    .venv/bin/python scripts/screenshots.py                 # every shot in SHOTS
    .venv/bin/python scripts/screenshots.py dashboard-phone  # only the named ones
    .venv/bin/python scripts/screenshots.py --measure        # print sizes, write nothing

The demo world (cases.demo.seed) is built in a fresh SQLite file at one fixed instant, so a
screenshot changes only when a page does. The app is served by uvicorn in a thread and read
by Debian's chromium (/usr/bin/chromium) through Playwright, as in the browser tests. To add
a page, append a ``Shot`` to SHOTS: who signs in, which path (or a function of the database
that finds one, e.g. a case in a given state), and the window width.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import select  # noqa: E402

from cases.core import timers  # noqa: E402
from cases.core.db import engine_for, transaction, upgrade  # noqa: E402
from cases.core.models import Case  # noqa: E402
from cases.demo import seed  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / "docs" / "screenshots"
NOW = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)  # Monday 14 December 2026, 10:00 in Thimphu
PHONE = (390, 844)
DESKTOP = (1280, 900)


def case_in(process: str, state: str | None = None) -> Callable[[Engine], str]:
    """The path of the demo's first ``process`` case (in ``state``, if given)."""

    def find(engine: Engine) -> str:
        with transaction(engine) as s:
            query = select(Case.id).where(Case.process == process).order_by(Case.id)
            if state:
                query = query.where(Case.state == state)
            case_id = s.exec(query).first()
        if case_id is None:
            raise SystemExit(f"no demo {process} case{' in ' + state if state else ''}")
        return f"/cases/{case_id}"

    return find


@dataclass(frozen=True)
class Shot:
    name: str  # the PNG's file name, without .png
    user: str  # a demo username (cases.demo.seed.USERS)
    path: str | Callable[[Engine], str]
    size: tuple[int, int] = DESKTOP
    full_page: bool = True
    act: Callable[[object], None] | None = None  # a step taken on the page before the shot


def endorse(page) -> None:  # noqa: ANN001 - a Playwright page
    """The chairperson endorses the DC decision (19.8.2.4(i)) through the htmx form: the
    shot shows the page after the step (confirmation, letter button, new stage)."""
    page.click("#action-endorse_decision summary")
    form = page.locator("form[name=endorse_decision]")
    form.locator("input[name=endorsed_on]").fill("2026-12-14")
    form.locator("input[name=hrc_meeting_no]").fill("MOH/HRC/2026/19")
    form.locator("button[type=submit]").click()
    page.locator("#documents button", has_text="Issue").first.wait_for()
    page.locator("#diagram svg").wait_for()
    page.evaluate("window.scrollTo(0, 0)")


SHOTS: list[Shot] = [
    Shot("dashboard-phone", "chair", "/", PHONE),
    Shot("work-queue", "chair", "/"),
    Shot(
        "case-after-step",
        "chair",
        case_in("disciplinary", "awaiting_endorsement"),
        full_page=False,
        act=endorse,
    ),
]

# Measured, not saved by default (--measure --all): the pages issue 17 names.
CHECKS: list[Shot] = [
    Shot("oversight", "rcsc", "/oversight"),
    Shot("oversight-phone", "rcsc", "/oversight", PHONE),
    Shot("case-phone", "chair", case_in("disciplinary"), PHONE),
    Shot("inbox-phone", "chair", "/inbox", PHONE),
    Shot("register-phone", "hr", "/servants", PHONE),
    Shot("apply-phone", "hr", "/cases/new?process=eol", PHONE),
]


def serve(app: object) -> tuple[str, uvicorn.Server]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the app did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}", server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="shots to take (default: all)")
    parser.add_argument("--measure", action="store_true", help="print sizes, save nothing")
    parser.add_argument("--all", action="store_true", help="also the pages in CHECKS")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    known = SHOTS + CHECKS if args.all or args.names else SHOTS
    shots = [s for s in known if not args.names or s.name in args.names]
    unknown = set(args.names) - {s.name for s in SHOTS + CHECKS}
    if unknown:
        parser.error(f"unknown shot(s): {', '.join(sorted(unknown))}")

    from playwright.sync_api import sync_playwright

    from web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        upgrade(url)
        engine = engine_for(url)
        seed.build(engine, NOW)
        timers.sweep(engine, NOW)
        base, server = serve(create_app(url, clock=lambda: NOW, run_sweeper=False))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                for shot in shots:
                    width, height = shot.size
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    page.goto(base + "/login")
                    page.fill("input[name=username]", shot.user)
                    page.fill("input[name=password]", seed.PASSWORD)
                    page.click("button[type=submit]")
                    page.wait_for_url(base + "/")
                    path = shot.path if isinstance(shot.path, str) else shot.path(engine)
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if shot.act is not None:
                        shot.act(page)
                    size = page.evaluate(
                        "[document.documentElement.scrollWidth, "
                        "document.documentElement.scrollHeight]"
                    )
                    print(
                        f"{shot.name}: {path} as {shot.user} at {width} px: {size[0]} x {size[1]}"
                    )
                    if not args.measure:
                        args.out.mkdir(parents=True, exist_ok=True)
                        page.screenshot(
                            path=str(args.out / f"{shot.name}.png"), full_page=shot.full_page
                        )
                    context.close()
                browser.close()
        finally:
            server.should_exit = True
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
