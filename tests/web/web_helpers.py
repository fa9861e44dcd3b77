"""Helpers shared by the web tests."""

from __future__ import annotations


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
