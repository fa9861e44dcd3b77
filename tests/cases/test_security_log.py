"""The security log (cases.people.security_log), session lifetimes, disabling accounts and login
throttling (cases.people.auth), and their CLI commands, without the web layer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from cases.core.db import transaction
from cases.core.models import ApiToken, SecurityEvent, User, WebSession
from cases.people import auth
from cases.people import security_log as SL
from web import cli


def user(s: Any, username: str) -> User:
    found = auth.find_user(s, username)
    assert found is not None
    return found


def fail(engine: Any, clock: Any, username: str, ip: str, times: int = 1) -> None:
    with transaction(engine) as s:
        for _ in range(times):
            SL.record(s, SL.LOGIN_FAILED, at=clock.now, username=username, ip=ip)


def wait(engine: Any, clock: Any, username: str, ip: str) -> timedelta | None:
    with transaction(engine) as s:
        until = auth.login_wait(s, username, ip, clock.now)
    return None if until is None else until - clock.now


# ------------------------------------------------------------------ the log


def test_record_refuses_an_unknown_kind_naming_it(engine, clock) -> None:
    with transaction(engine) as s, pytest.raises(ValueError, match="kind: 'hacked'"):
        SL.record(s, "hacked", at=clock.now)


def test_record_apart_keeps_the_row_when_the_refused_work_rolled_back(engine, clock) -> None:
    with pytest.raises(RuntimeError), transaction(engine) as s:
        SL.record(s, SL.FORBIDDEN, at=clock.now, username="inside")
        raise RuntimeError("the refused request's transaction")
    SL.record_apart(engine, SL.FORBIDDEN, at=clock.now, username="apart", path="/cases/1")
    with transaction(engine) as s:
        names = [e.username for e in s.exec(select(SecurityEvent)).all()]
    assert names == ["apart"]


def test_listing_is_newest_first_filtered_and_paginated(engine, clock) -> None:
    with transaction(engine) as s:
        for i in range(7):
            SL.record(s, SL.LOGIN_FAILED, at=clock.now, username="dc", ip=f"10.0.0.{i}")
            clock.advance(hours=1)
        SL.record(s, SL.LOGIN_OK, at=clock.now, username="hr")
    with transaction(engine) as s:
        first = SL.listing(s, kind=SL.LOGIN_FAILED, per_page=3)
        last = SL.listing(s, kind=SL.LOGIN_FAILED, per_page=3, page=3)
        hr = SL.listing(s, username="hr")
        with pytest.raises(ValueError, match="kind: 'nope'"):
            SL.listing(s, kind="nope")
    assert (first.total, first.pages) == (7, 3)
    assert [e.ip for e in first.events] == ["10.0.0.6", "10.0.0.5", "10.0.0.4"]
    assert [e.ip for e in last.events] == ["10.0.0.0"]
    assert [e.kind for e in hr.events] == [SL.LOGIN_OK]


# ------------------------------------------------------------------ sessions


def test_idle_and_absolute_timeouts(engine, world, clock) -> None:
    policy = auth.SessionPolicy(idle=timedelta(hours=2), absolute=timedelta(hours=5))
    with transaction(engine) as s:
        sid, _ = auth.start_session(s, user(s, "dc"), clock.now)
    # Active every 90 minutes: never idle for 2 hours, yet ended 5 hours after sign-in.
    for _ in range(3):
        clock.advance(hours=1.5)
        with transaction(engine) as s:
            assert auth.check_session(s, sid, clock.now, policy).row is not None
    clock.advance(hours=0.5)  # 5 hours exactly: still valid
    with transaction(engine) as s:
        assert auth.check_session(s, sid, clock.now, policy).row is not None
    clock.advance(hours=0.1)
    with transaction(engine) as s:
        ended = auth.check_session(s, sid, clock.now, policy)
    assert ended.row is None and ended.ended == "signed in more than 5 hours ago"
    with transaction(engine) as s:
        assert s.exec(select(WebSession)).all() == []  # the row is gone, not just refused

    with transaction(engine) as s:
        sid, _ = auth.start_session(s, user(s, "dc"), clock.now)
    clock.advance(hours=2, days=0)
    with transaction(engine) as s:
        assert auth.check_session(s, sid, clock.now, policy).row is not None
    clock.advance(hours=2.1)
    with transaction(engine) as s:
        assert auth.check_session(s, sid, clock.now, policy).ended == "idle for more than 2 hours"


def test_session_policy_from_the_environment() -> None:
    assert auth.SessionPolicy.from_env({}) == auth.SessionPolicy(
        timedelta(hours=8), timedelta(hours=12)
    )
    policy = auth.SessionPolicy.from_env(
        {"DRUKFLOW_SESSION_IDLE_MINUTES": "30", "DRUKFLOW_SESSION_MAX_HOURS": "9"}
    )
    assert policy == auth.SessionPolicy(timedelta(minutes=30), timedelta(hours=9))
    with pytest.raises(ValueError, match="DRUKFLOW_SESSION_IDLE_MINUTES: 'ten'"):
        auth.SessionPolicy.from_env({"DRUKFLOW_SESSION_IDLE_MINUTES": "ten"})
    with pytest.raises(ValueError, match="DRUKFLOW_SESSION_MAX_HOURS: must be 1 or more"):
        auth.SessionPolicy.from_env({"DRUKFLOW_SESSION_MAX_HOURS": "0"})


def test_disabling_ends_every_session_and_token_at_once(engine, world, clock) -> None:
    with transaction(engine) as s:
        dc = user(s, "dc")
        first, _ = auth.start_session(s, dc, clock.now)
        second, _ = auth.start_session(s, dc, clock.now)
        token = auth.issue_token(s, dc, clock.now)
        kept, _ = auth.start_session(s, user(s, "hr"), clock.now)
    with transaction(engine) as s:
        assert auth.disable_user(s, user(s, "dc"), clock.now, by="admin") == (2, 1)
    with transaction(engine) as s:
        assert auth.check_session(s, first, clock.now).row is None
        assert auth.check_session(s, second, clock.now).row is None
        assert auth.token_user(s, token) is None
        assert auth.check_session(s, kept, clock.now).row is not None  # others unaffected
        assert [r.user_id for r in s.exec(select(WebSession)).all()] == [user(s, "hr").id]
        assert s.exec(select(ApiToken)).all() == []
        # Re-enabling the account does not revive what was ended.
        user(s, "dc").active = True
    with transaction(engine) as s:
        assert auth.token_user(s, token) is None
        [event] = SL.listing(s, kind=SL.ACCOUNT_DISABLED).events
    assert event.username == "dc"
    assert "2 session(s) ended, 1 API token(s) revoked" in event.detail


# ------------------------------------------------------------------ throttling


def test_backoff_starts_after_the_free_attempts_and_doubles(engine, clock) -> None:
    fail(engine, clock, "dc", "10.0.0.9", times=4)
    assert wait(engine, clock, "dc", "10.0.0.9") is None
    fail(engine, clock, "dc", "10.0.0.9")
    assert wait(engine, clock, "dc", "10.0.0.9") == timedelta(seconds=30)
    clock.advance(hours=30 / 3600)
    assert wait(engine, clock, "dc", "10.0.0.9") is None  # served its wait: one more try
    fail(engine, clock, "dc", "10.0.0.9")
    assert wait(engine, clock, "dc", "10.0.0.9") == timedelta(seconds=60)
    fail(engine, clock, "dc", "10.0.0.9", times=10)
    assert wait(engine, clock, "dc", "10.0.0.9") == timedelta(minutes=30)  # the cap


def test_backoff_is_per_address_and_forgotten_after_the_window(engine, clock) -> None:
    fail(engine, clock, "dc", "10.6.6.6", times=8)
    assert wait(engine, clock, "dc", "10.6.6.6") is not None
    assert wait(engine, clock, "dc", "10.1.1.1") is None  # the real user's own address
    assert wait(engine, clock, "hr", "10.6.6.6") is None  # another username, under the cap
    clock.advance(hours=1.01)
    assert wait(engine, clock, "dc", "10.6.6.6") is None  # no permanent lockout


def test_a_success_clears_the_pair_but_not_the_address_cap(engine, clock) -> None:
    fail(engine, clock, "dc", "10.0.0.9", times=5)
    with transaction(engine) as s:
        SL.record(s, SL.LOGIN_OK, at=clock.now, username="dc", ip="10.0.0.9")
    assert wait(engine, clock, "dc", "10.0.0.9") is None
    # One address spraying many usernames meets the looser per-address cap.
    for i in range(24):
        fail(engine, clock, f"user{i}", "10.0.0.9")
    assert wait(engine, clock, "somebody", "10.0.0.9") is None  # 29 failures from it
    fail(engine, clock, "user24", "10.0.0.9")
    assert wait(engine, clock, "somebody", "10.0.0.9") == timedelta(seconds=30)
    assert wait(engine, clock, "somebody", "10.0.0.8") is None


# ------------------------------------------------------------------ CLI


@pytest.fixture
def cli_world(world: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    return world


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_user_disable_ends_sessions_and_is_logged(cli_world, engine, capsys) -> None:
    with transaction(engine) as s:
        dc = user(s, "dc")
        sid, _ = auth.start_session(s, dc, cli_world.clock.now)
        auth.issue_token(s, dc, cli_world.clock.now)
    code, out, _ = run(capsys, "user", "disable", "dc")
    assert code == 0
    assert "1 session(s) ended and 1 API token(s) revoked" in out
    with transaction(engine) as s:
        assert s.exec(select(WebSession)).all() == []
    code, out, _ = run(capsys, "security-log", "--kind", "account_disabled")
    assert code == 0
    assert "account_disabled" in out and "dc" in out and "by cli" in out
    assert "1 of 1 event(s)" in out


def test_cli_security_log_filters_and_refuses_a_bad_kind(cli_world, engine, capsys) -> None:
    clock = cli_world.clock
    fail(engine, clock, "dc", "10.0.0.1")
    clock.advance(hours=1)
    fail(engine, clock, "hr", "10.0.0.2")
    code, out, _ = run(capsys, "security-log")
    lines = out.splitlines()
    assert code == 0 and "hr" in lines[0] and "dc" in lines[1]  # newest first
    assert "2 of 2 event(s)" in out
    code, out, _ = run(capsys, "security-log", "--username", "dc", "--limit", "5")
    assert "10.0.0.1" in out and "10.0.0.2" not in out
    code, _, err = run(capsys, "security-log", "--kind", "bogus")
    assert code == 1 and "--kind: 'bogus' is not a security event kind" in err


def test_cli_security_log_filters_by_day_and_pages(cli_world, engine, capsys) -> None:
    clock = cli_world.clock
    fail(engine, clock, "dc", "10.0.0.1")
    clock.advance(days=1)
    fail(engine, clock, "hr", "10.0.0.2")
    fail(engine, clock, "chair", "10.0.0.3")
    day = clock.today.isoformat()
    code, out, _ = run(capsys, "security-log", "--from-day", day, "--limit", "1", "--page", "2")
    assert code == 0 and "10.0.0.2" in out and "10.0.0.3" not in out and "10.0.0.1" not in out
    assert "1 of 2 event(s), page 2 of 2" in out
    code, _, err = run(capsys, "security-log", "--to-day", "yesterday")
    assert code == 1 and "--to-day: 'yesterday' is not a date" in err
