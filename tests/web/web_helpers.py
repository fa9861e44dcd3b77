"""Helpers shared by the web tests."""

from __future__ import annotations

from typing import Any


def login(client, username: str, password: str = "pw") -> str:  # noqa: ANN001
    """Sign in through the login form; returns the session's CSRF token."""
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    resp = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert resp.status_code == 200, resp.text
    return re.search(r'X-CSRF-Token": "([^"]+)"', resp.text).group(1)


def opening(eid: str = "E100", received_on: str = "2026-12-14") -> dict[str, Any]:
    """The body of ``POST /api/cases`` that opens a disciplinary case on the committee's own
    initiative, with the least an opening needs."""
    return {
        "process": "disciplinary",
        "subject_eid": eid,
        "fields": {"opened_by": "dc_initiative", "narration": "Absent", "received_on": received_on},
    }


def notice(received_on: str, particulars: str = "p") -> dict[str, Any]:
    """The fields of serving the notice of charges (19.8.2.1(i)): offence 15, prima facie."""
    return {
        "charges": ["15"],
        "particulars": particulars,
        "prima_facie": True,
        "notice_received_on": received_on,
    }


def sign_in(page, base: str, username: str, password: str = "pw") -> None:  # noqa: ANN001
    """Sign in through the login form in a real browser (the browser tests' ``page``); the
    test world's users have the password "pw", the demo's ``cases.demo.seed.PASSWORD``."""
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
