"""The deadline sweep: marks missed deadlines and fires the timeouts a process declares.

Each deadline is claimed with a compare-and-set (``status='armed'`` → ``'missed'``),
so two sweeps, or one run twice, never fire the same deadline twice. Each deadline is
handled in its own transaction: one that cannot fire does not hold back the rest.

Several processes may sweep at once (every web worker runs the sweeper). On SQLite their
transactions queue on BEGIN IMMEDIATE. On PostgreSQL a sweep first locks the deadline's case
and then the deadline with ``FOR UPDATE SKIP LOCKED``: a row another worker holds is left to
that worker (or to the next sweep) instead of being waited for, and the case is locked
before the deadline, in the order ``service.fire`` takes them, so a sweep and a request on
the same case cannot deadlock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import audit, hooks
from cases.core.db import transaction
from cases.core.models import Case, Deadline
from cases.core.service import SYSTEM_ACTOR, fire
from workflows.calendar import bhutan_today
from workflows.context import Refused

log = logging.getLogger("drukflow.timers")


@dataclass
class SweepReport:
    missed: list[int] = field(default_factory=list)
    fired: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # held by another worker just then


def sweep(engine: Engine, now: datetime, batch: int = 500) -> SweepReport:
    today = bhutan_today(now)
    report = SweepReport()
    try:
        hooks.before_sweep(engine, now)  # the inbox's deadline-near notices
    except Exception:  # a notice must not hold back the deadlines themselves
        log.exception("deadline-near notices failed")
    failed: set[int] = set()
    left: set[int] = set()  # another worker held them: not ours to wait for in this run
    while True:
        with transaction(engine) as session:
            due = session.exec(
                select(Deadline.id)
                .where(Deadline.status == "armed", Deadline.due_on < today)
                .order_by(Deadline.due_on, Deadline.id)
                .limit(batch)  # type: ignore[arg-type]
            ).all()
        todo = [d for d in due if d not in failed and d not in left]
        if not todo:
            return report
        for deadline_id in todo:
            try:
                if not _one(engine, deadline_id, now, report):
                    left.add(deadline_id)
                    report.skipped.append(deadline_id)
            except Exception:  # one broken deadline must not hold back the rest; next sweep retries
                log.exception("deadline %s could not be processed", deadline_id)
                failed.add(deadline_id)
                report.refused.append((deadline_id, "error"))


def _locked(session: Session, deadline_id: int) -> bool:
    """PostgreSQL: lock the deadline's case, then the deadline, unless another worker holds
    either; False leaves the deadline to that worker."""
    case_id = session.exec(select(Deadline.case_id).where(Deadline.id == deadline_id)).first()
    case = session.exec(
        select(Case.id).where(Case.id == case_id).with_for_update(skip_locked=True)
    ).first()
    if case is None:
        return False
    row = session.exec(
        select(Deadline.id)
        .where(Deadline.id == deadline_id, Deadline.status == "armed")
        .with_for_update(skip_locked=True)
    ).first()
    return row is not None


def _one(engine: Engine, deadline_id: int, now: datetime, report: SweepReport) -> bool:
    """Handle one due deadline; False if another worker holds it (PostgreSQL only)."""
    with transaction(engine) as session:
        if session.get_bind().dialect.name == "postgresql" and not _locked(session, deadline_id):
            return session.get(Deadline, deadline_id, populate_existing=True).status != "armed"  # type: ignore[union-attr]
        claimed = session.execute(
            sa.update(Deadline)
            .where(Deadline.id == deadline_id, Deadline.status == "armed")  # type: ignore[arg-type]
            .values(status="missed", missed_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return True  # another sweep took it
        row = session.get(Deadline, deadline_id)
        case = session.get(Case, row.case_id)  # type: ignore[union-attr]
        assert row is not None and case is not None
        audit.append(
            session,
            case_id=case.id,
            now=now,
            actor="system",
            role="system",
            trigger=f"deadline_missed:{row.kind}",
            from_state=case.state,
            to_state=case.state,
            fields={"deadline": row.kind, "due_on": row.due_on.isoformat()},
            cite=row.cite,
            process=case.process,
            process_version=case.process_version,
        )
        report.missed.append(deadline_id)
        if row.on_timeout:
            try:
                with session.begin_nested():
                    fire(
                        session,
                        case.id,
                        row.on_timeout,
                        SYSTEM_ACTOR,
                        {},
                        now=now,  # type: ignore[arg-type]
                        expected_version=None,
                    )
                row.fired_at = now
                session.add(row)
                report.fired.append((deadline_id, row.on_timeout))
            except Refused as exc:
                log.warning("deadline %s: timeout %s refused: %s", deadline_id, row.on_timeout, exc)
                report.refused.append((deadline_id, str(exc)))
        hooks.deadline_missed(session, row, now)  # after the timeout: who acts now
    return True
