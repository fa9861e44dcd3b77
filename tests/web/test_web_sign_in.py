"""Sign-in hardening: the session cookie over HTTPS, and an office behind one address."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from test_web_security import events, try_login

from cases.people import auth
from cases.people import security_log as SL

OFFICE = ("10.1.1.1", 40000)


def session_cookie(resp) -> str:  # noqa: ANN001
    (line,) = [v for k, v in resp.headers.multi_items() if k == "set-cookie" and "session=" in v]
    return line.lower()


@pytest.mark.parametrize(
    ("setting", "scheme", "secure"),
    [
        ("auto", "https", True),  # behind a proxy, uvicorn --proxy-headers sets the scheme
        ("auto", "http", False),
        ("on", "http", True),
        ("off", "https", False),
    ],
)
def test_the_session_cookie_is_secure_when_served_over_https(
    app, world, setting: str, scheme: str, secure: bool
) -> None:
    app.state.session_policy = dataclasses.replace(auth.DEFAULT_POLICY, cookie_secure=setting)
    with TestClient(app, base_url=f"{scheme}://testserver") as client:
        login_form = client.get("/login")
        assert ("; secure" in login_form.headers["set-cookie"].lower()) is secure
        if secure and scheme == "http":
            return  # "on" is for TLS ended before uvicorn: the client itself speaks https
        cookie = session_cookie(try_login(client, "dc", "pw"))
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert ("; secure" in cookie) is secure


def test_the_cookie_setting_is_read_from_the_environment_and_checked() -> None:
    assert auth.SessionPolicy.from_env({}).cookie_secure == "auto"
    assert auth.SessionPolicy.from_env({"DRUKFLOW_COOKIE_SECURE": "ON"}).cookie_secure == "on"
    with pytest.raises(ValueError, match="DRUKFLOW_COOKIE_SECURE: 'yes' is not one of auto"):
        auth.SessionPolicy.from_env({"DRUKFLOW_COOKIE_SECURE": "yes"})


def test_failures_of_other_usernames_from_one_address_never_refuse_a_right_password(
    app, world, clock
) -> None:
    """An office behind one NAT: colleagues' wrong passwords pass the per-address cap (30),
    which then slows wrong passwords from there, but a right one signs in at once."""
    with TestClient(app, client=OFFICE) as office:
        for i in range(40):
            assert try_login(office, f"colleague{i}", "typo").status_code in (401, 429)
        wrong = try_login(office, "chair", "typo")
        assert wrong.status_code == 429 and "from your address" in wrong.text
        assert try_login(office, "chair", "pw").status_code == 303
        assert try_login(office, "hr", "pw").status_code == 303
    assert [e.username for e in events(world, SL.LOGIN_OK)] == ["chair", "hr"]


def test_a_flood_of_bad_tokens_is_logged_once_per_address_and_minute(app, world, clock) -> None:
    """1,000 requests with bad bearer tokens: each is refused (401), but the security log gets
    one row per address and minute with the count, not a write per request that would queue
    for the database's write lock with the case work."""
    scanner, office = ("10.6.6.6", 40000), ("10.1.1.1", 40000)
    bad = {"Authorization": "Bearer not-a-token"}
    with TestClient(app, client=scanner) as flood, TestClient(app, client=office) as other:
        for _ in range(600):
            assert flood.get("/api/cases", headers=bad).status_code == 401
        assert other.get("/api/cases", headers=bad).status_code == 401
        clock.advance(hours=1 / 60)  # the next minute
        for _ in range(400):
            assert flood.get("/api/cases", headers=bad).status_code == 401
    rows = events(world, SL.TOKEN_REFUSED)
    assert len(rows) <= 4  # written while the flood ran: a handful, not 1,001
    with TestClient(app) as reader:  # the page writes the counts still in memory first
        login_as_admin(reader)
        page = reader.get("/security?kind=token_refused")
    assert page.status_code == 200
    rows = events(world, SL.TOKEN_REFUSED)
    assert sorted((r.ip, r.detail) for r in rows) == [
        ("10.1.1.1", "unknown API token"),
        ("10.6.6.6", "unknown API token (400 in this minute)"),
        ("10.6.6.6", "unknown API token (600 in this minute)"),
    ]
    assert all(r.status == 401 and r.path == "/api/cases" for r in rows)
    assert "unknown API token (600 in this minute)" in page.text


def login_as_admin(client: TestClient) -> None:
    from web_helpers import login

    login(client, "admin")
