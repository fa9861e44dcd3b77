"""Crash safety: the server is SIGKILLed in the middle of a step and restarted on the same
SQLite file. An answered step is never lost; an unanswered one is wholly there or wholly
absent (state, version, deadlines and audit event agree); the chain verifies; every case
rebuilt from its audit events equals the live case (cases.review.replay).

The server runs in a subprocess (tests/crash_server.py), which installs the kill point
through SQLAlchemy's event hooks.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from cases.core import audit, service, timers
from cases.core.db import transaction
from cases.core.models import AuditEvent, Case, IdempotencyRecord
from cases.people import auth
from cases.review import replay
from web import cli

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "tests" / "crash_server.py"
STARTUP_TIMEOUT_S = 60.0

# Where the server dies, and whether the step had committed by then.
COMMITTED = {
    "after_update": False,
    "after_audit_insert": False,
    "before_commit": False,
    "after_commit": True,
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(
    db_url: str, clock: Any, tmp_path: Path
) -> Iterator[Callable[[str], tuple[subprocess.Popen, str]]]:
    """``start(crash_at) -> (process, base_url)``; every server still running is killed.
    Each server's stderr goes to ``tmp_path/server-N.log`` (``proc.log``)."""
    started: list[subprocess.Popen] = []

    def start(crash_at: str = "") -> tuple[subprocess.Popen, str]:
        port = _free_port()
        env = {
            **os.environ,
            "DRUKFLOW_DATABASE_URL": db_url,
            "CRASH_PORT": str(port),
            "CRASH_NOW": clock.now.isoformat(),
            "CRASH_AT": crash_at,
            "PYTHONPATH": str(ROOT),
        }
        log = (tmp_path / f"server-{len(started)}.log").open("w")
        proc = subprocess.Popen([sys.executable, str(LAUNCHER)], env=env, cwd=ROOT, stderr=log)
        proc.log = Path(log.name)  # type: ignore[attr-defined]
        log.close()
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"crash server exited during startup ({proc.returncode})")
            try:
                if httpx.get(base + "/login", timeout=2).status_code == 200:
                    return proc, base
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"crash server not ready after {STARTUP_TIMEOUT_S}s")
            time.sleep(0.1)  # polling for readiness, not timing any logic

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def snapshot(world: Any, case_id: int) -> dict[str, Any]:
    """Everything one step changes, as the database holds it."""
    case = world.case(case_id)
    with world.session() as s:
        events = audit.events_for(s, case_id)
        head = audit.head(s)
    return {
        "state": case.state,
        "version": case.version,
        "data": case.data,
        "deadlines": sorted((d.kind, d.status, d.due_on) for d in world.deadlines(case_id)),
        "events": [(e.seq, e.trigger, e.from_state, e.to_state) for e in events],
        "head": head,
    }


def case_rows(world: Any, case_id: int) -> dict[str, Any]:
    """The case's own rows (the chain head is shared by all cases)."""
    return {k: v for k, v in snapshot(world, case_id).items() if k != "head"}


def serve_notice(world: Any) -> dict[str, Any]:
    fields = next(f for t, _u, f in world.main_path_steps(["11"], []) if t == "serve_notice")
    return {"version": 2, "fields": fields}


def bearer(world: Any, username: str, key: str) -> dict[str, str]:
    with transaction(world.engine) as s:
        token = auth.issue_token(s, world.users[username], world.clock.now)
    return {"Authorization": f"Bearer {token}", "Idempotency-Key": key}


def assert_trail_rebuilds_the_cases(monkeypatch: pytest.MonkeyPatch, db_url: str, world: Any):
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    assert cli.main(["audit", "verify"]) == 0
    assert cli.main(["audit", "replay"]) == 0
    with world.session() as s:
        rebuilt = replay.rebuild(s)
        live = {c.id: c.state for c in s.exec(select(Case)).all()}
    assert rebuilt == live


def assert_step_wholly_there(world: Any, case_id: int, before: dict[str, Any]) -> None:
    after = snapshot(world, case_id)
    assert (after["state"], after["version"]) == ("notice_served", before["version"] + 1)
    new_events = after["events"][len(before["events"]) :]
    assert [e[1:] for e in new_events] == [("serve_notice", "enquiry_directed", "notice_served")]
    assert ("explanation_due", "armed") in {d[:2] for d in after["deadlines"]}
    assert after["head"][0] == before["head"][0] + 1


@pytest.mark.parametrize("crash_at", list(COMMITTED))
def test_a_step_killed_midway_is_wholly_there_or_wholly_absent(
    world, server, db_url, monkeypatch, crash_at, capsys
) -> None:
    case_id = world.walk_to("enquiry_directed")
    other = world.walk_to("explained")  # a bystander case the crash must not touch
    bystander = case_rows(world, other)
    headers = bearer(world, "dc", f"serve-{crash_at}")
    body = serve_notice(world)
    before = snapshot(world, case_id)
    url = f"/api/cases/{case_id}/actions/serve_notice"

    proc, base = server(crash_at)
    with pytest.raises(httpx.TransportError):  # the connection drops: no answer was given
        httpx.post(base + url, headers=headers, json=body, timeout=30)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    said = proc.log.read_text()  # type: ignore[attr-defined]
    assert said.count("crash_server: SIGKILL at") == 1
    assert f"crash_server: SIGKILL at {crash_at}" in said

    if COMMITTED[crash_at]:
        assert_step_wholly_there(world, case_id, before)
    else:
        assert snapshot(world, case_id) == before  # nothing of the step survived
    assert case_rows(world, other) == bystander

    # Restarted on the same file, the client retries with the same key: a step that was
    # lost is taken now; one that committed is answered from its record (kept in the
    # step's own transaction), not taken twice.
    _proc, base = server("")
    retry = httpx.post(base + url, headers=headers, json=body, timeout=30)
    assert retry.status_code == 200, retry.text
    assert retry.json()["state"] == "notice_served"
    replayed = retry.headers.get("Idempotency-Replayed") == "true"
    assert replayed is COMMITTED[crash_at]
    assert_step_wholly_there(world, case_id, before)
    with world.session() as s:
        assert len(s.exec(select(IdempotencyRecord)).all()) == 1

    assert_trail_rebuilds_the_cases(monkeypatch, db_url, world)
    capsys.readouterr()


def test_an_answered_step_survives_a_kill_right_after(world, server, db_url, monkeypatch):
    case_id = world.walk_to("enquiry_directed")
    headers = bearer(world, "dc", "serve-answered")
    before = snapshot(world, case_id)
    proc, base = server("")
    resp = httpx.post(
        f"{base}/api/cases/{case_id}/actions/serve_notice",
        headers=headers,
        json=serve_notice(world),
        timeout=30,
    )
    assert resp.status_code == 200
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    _proc, base = server("")
    seen = httpx.get(f"{base}/api/cases/{case_id}", headers=headers, timeout=30).json()
    assert (seen["state"], seen["version"]) == ("notice_served", before["version"] + 1)
    assert_step_wholly_there(world, case_id, before)
    assert_trail_rebuilds_the_cases(monkeypatch, db_url, world)


# ------------------------------------------------------------------ the replay itself


def raw_sql(world: Any, *statements: str) -> None:
    """Write behind the application's back, as someone with the database could."""
    with world.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def delete_events(world: Any, where: str) -> None:
    """Remove audit events behind the append-only triggers' back (as tests/cases/test_audit)."""
    statement = f"DELETE FROM audit_event WHERE {where}"
    if world.engine.dialect.name == "postgresql":
        trigger = "ALTER TABLE audit_event {} TRIGGER audit_event_no_change"
        raw_sql(world, trigger.format("DISABLE"), statement, trigger.format("ENABLE"))
    else:
        raw_sql(world, "DROP TRIGGER audit_event_no_delete", statement)


def test_replay_names_a_case_changed_behind_the_trail(world, db_url, monkeypatch, capsys):
    kept = world.walk_to("explained")
    changed = world.walk_to("notice_served")
    raw_sql(world, f"UPDATE \"case\" SET state = 'closed' WHERE id = {changed}")
    with world.session() as s:
        drifted = replay.drift(s)
        assert replay.rebuild(s)[changed] == "notice_served"
        assert replay.rebuild(s)[kept] == "explained"
    assert [d.case_id for d in drifted] == [changed]
    assert drifted[0].problem == (
        "live closed (version 3), its events say notice_served (version 3)"
    )
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    capsys.readouterr()
    assert cli.main(["audit", "replay"]) == 1
    out = capsys.readouterr().out
    assert f"case {changed}: live closed (version 3)" in out
    assert "drift: 1 of 2 cases differ from their audit events" in out


def test_replay_names_a_step_missing_from_the_trail(world):
    case_id = world.walk_to("explained")  # open, direct, serve, explain: events 1..4
    delete_events(world, "seq = 3")  # the notice, as if never recorded
    with world.session() as s:
        (drift,) = replay.drift(s)
    assert drift.case_id == case_id
    assert (drift.live_version, drift.rebuilt_version) == (4, 3)
    assert "event 4 (submit_explanation) starts from notice_served" in drift.problem
    assert "the events before it leave the case enquiry_directed" in drift.problem


def test_replay_counts_only_steps_as_changes(world, clock):
    """Other events on a case (a recusal, a missed deadline) leave state and version alone;
    the sweep's timeout step counts like any other."""
    case_id = world.walk_to("notice_served")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["dc2"], "cousin", now=clock.now)
    clock.advance(days=30)
    timers.sweep(world.engine, clock.now)  # the explanation lapses: missed + timeout step
    live = world.case(case_id)
    with world.session() as s:
        triggers = [e.trigger for e in audit.events_for(s, case_id)]
        rebuilt = replay.replay(s)[case_id]
        assert replay.drift(s) == []
    assert "declare_recusal" in triggers
    assert any(t.startswith("deadline_missed:") for t in triggers)
    assert (rebuilt.state, rebuilt.version) == (live.state, live.version) == ("explained", 4)
    assert rebuilt.events == len(triggers) == 6


# ------------------------------------------------------------------ the exported head (CLI)


def test_cli_verify_with_an_exported_head_catches_removed_newest_events(
    world, db_url, monkeypatch, capsys
):
    """On the database file, as an appellate body would run it: a truncated chain is still
    a valid chain, but not the one whose head was printed on the due-process report."""
    world.walk_to("explained")
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    assert cli.main(["audit", "verify"]) == 0
    exported = capsys.readouterr().out.split()[-1]
    delete_events(world, "seq > 2")

    assert cli.main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 events")
    assert cli.main(["audit", "verify", "--head", exported]) == 1
    out = capsys.readouterr().out
    assert out.startswith("broken after event 2: the exported head ")
    assert "events were removed or rewritten" in out
    with world.session() as s:
        assert [e.seq for e in s.exec(select(AuditEvent))] == [1, 2]
