"""Serve drukflow under uvicorn and die by SIGKILL at one point of a transition.

Used by tests/cases/test_crash_safety.py as ``python tests/crash_server.py``. The kill point
is installed from here, through SQLAlchemy's event hooks, so production code carries no test
hooks. Environment:

- DRUKFLOW_DATABASE_URL: the database (a SQLite file shared with the test).
- CRASH_PORT: the loopback port to listen on.
- CRASH_NOW: the app's clock (ISO datetime with offset), fixed like the tests' clock.
- CRASH_AT: where to die, or unset to serve normally:
  ``after_update`` (the case row's state UPDATE ran), ``after_audit_insert`` (the audit
  event's INSERT ran), ``before_commit`` (the step's transaction is about to commit),
  ``after_commit`` (it committed; the answer was not sent yet).

SIGKILL, not an exception: no rollback, no ``finally``, no flush, as in a power cut or the
OOM killer. What survives is what SQLite had made durable.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from datetime import datetime
from typing import Any

import uvicorn
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

POINTS = ("after_update", "after_audit_insert", "before_commit", "after_commit")
CASE_UPDATE = re.compile(r'^\s*UPDATE\s+"?case"?\s+SET\s', re.IGNORECASE)
AUDIT_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+audit_event\b", re.IGNORECASE)


def die(point: str, detail: str = "") -> None:
    """Say where (the test checks it was this point and no earlier one), then die."""
    sys.stderr.write(f"crash_server: SIGKILL at {point} {detail}\n")
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def install(engine: Engine, point: str) -> None:
    """Arm ``point``: the session hooks fire only for the transaction that wrote an audit
    event (the step), not for the read transactions of the same request."""
    if point not in POINTS:
        raise SystemExit(f"CRASH_AT must be one of {', '.join(POINTS)}, not {point!r}")
    stepping = {"now": False}

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if CASE_UPDATE.match(statement) and point == "after_update":
            die(point, statement.split(" WHERE")[0])
        if AUDIT_INSERT.match(statement):
            stepping["now"] = True
            if point == "after_audit_insert":
                die(point, statement[:24])

    # A savepoint's release fires these too (notifications run in one): only the outermost
    # transaction, the one that reaches the database file, counts.
    @event.listens_for(Session, "before_commit")
    def _before_commit(session: Session) -> None:
        outermost = session.get_nested_transaction() is None
        if point == "before_commit" and stepping["now"] and outermost:
            die(point)

    @event.listens_for(Session, "after_commit")
    def _after_commit(session: Session) -> None:
        outermost = session.get_nested_transaction() is None
        if point == "after_commit" and stepping["now"] and outermost:
            die(point)


def main() -> None:
    from web.app import create_app

    fixed = datetime.fromisoformat(os.environ["CRASH_NOW"])
    app = create_app(os.environ["DRUKFLOW_DATABASE_URL"], clock=lambda: fixed, run_sweeper=False)
    point = os.environ.get("CRASH_AT", "")
    if point:
        install(app.state.engine, point)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["CRASH_PORT"]), log_level="warning")


if __name__ == "__main__":
    main()
