"""The deadline sweep: marks missed deadlines and fires the timeouts a process declares.

Each deadline is claimed with a compare-and-set (``status='armed'`` → ``'missed'``),
so two sweeps, or one run twice, never fire the same deadline twice. Each deadline is
handled in its own transaction: one that cannot fire does not hold back the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from cases import audit, notifications
from cases.db import transaction
from cases.models import Case, Deadline
from cases.service import SYSTEM_ACTOR, fire
from workflows.calendar import bhutan_today
from workflows.engine import Refused

log = logging.getLogger("drukflow.timers")


@dataclass
class SweepReport:
    missed: list[int] = field(default_factory=list)
    fired: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def sweep(engine: Engine, now: datetime, batch: int = 500) -> SweepReport:
    today = bhutan_today(now)
    report = SweepReport()
    try:
        notifications.sweep_near(engine, now)
    except Exception:  # a notice must not hold back the deadlines themselves
        log.exception("deadline-near notices failed")
    failed: set[int] = set()
    while True:
        with transaction(engine) as session:
            due = session.exec(
                select(Deadline.id)
                .where(Deadline.status == "armed", Deadline.due_on < today)
                .order_by(Deadline.due_on, Deadline.id)
                .limit(batch)  # type: ignore[arg-type]
            ).all()
        todo = [d for d in due if d not in failed]
        if not todo:
            return report
        for deadline_id in todo:
            try:
                _one(engine, deadline_id, now, report)
            except Exception:  # one broken deadline must not hold back the rest; next sweep retries
                log.exception("deadline %s could not be processed", deadline_id)
                failed.add(deadline_id)
                report.refused.append((deadline_id, "error"))


def _one(engine: Engine, deadline_id: int, now: datetime, report: SweepReport) -> None:
    with transaction(engine) as session:
        claimed = session.execute(
            sa.update(Deadline)
            .where(Deadline.id == deadline_id, Deadline.status == "armed")  # type: ignore[arg-type]
            .values(status="missed", missed_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return  # another sweep took it
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
        notifications.deadline_missed(session, row, now)  # after the timeout: who acts now
