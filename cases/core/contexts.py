"""Many cases' contexts at once, each as ``service.context`` builds it for one: three
queries for all of them, not three per case (the work queue's page, the waiting rows of
every open case when migration 0012 fills them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import deadlines, profiles, service, waiting
from cases.core.models import Case, Deadline, Recusal
from workflows.calendar import bhutan_today
from workflows.context import Context

BATCH = 2000  # cases read and rewritten at a time by ``refill_waiting``


def many(
    session: Session,
    cases: Sequence[Case],
    now: datetime,
    armed: dict[int, list[Deadline]] | None = None,
) -> dict[int, Context]:
    """Each case's context (subject, recusals, armed deadlines), by case id; ``armed``: the
    cases' armed deadline rows (``armed_rows``) when the caller has read them already."""
    if not cases:
        return {}
    ids = [c.id for c in cases]
    eids = {c.subject_eid for c in cases}
    subjects = service.subjects_of(session, eids)
    recused: dict[int, set[int]] = {}
    for case_id, user_id in session.exec(
        select(Recusal.case_id, Recusal.user_id).where(Recusal.case_id.in_(ids))  # type: ignore[attr-defined]
    ).all():
        recused.setdefault(case_id, set()).add(user_id)
    if armed is None:
        armed = armed_rows(session, ids)  # type: ignore[arg-type]
    today = bhutan_today(now)
    read: dict[str, Any] = {}
    return {
        c.id: Context(  # type: ignore[misc]
            subject=subjects[c.subject_eid],
            data=json.loads(c.data),
            fields={},
            today=today,
            recused_user_ids=frozenset(recused.get(c.id, ())),  # type: ignore[arg-type]
            due=deadlines.due_dates(armed.get(c.id, [])),  # type: ignore[arg-type]
            record_loader=_loader(session, c.subject_eid, today, read),
        )
        for c in cases
    }


def _loader(session: Session, eid: str, today: date, read: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The record a rule reads (an LTT authority reads the subject's record), once per
    civil servant however many of their cases are read."""

    def load() -> Any:
        if eid not in read:
            read[eid] = profiles.profile_of(session, eid, today)
        return read[eid]

    return load


def armed_rows(session: Session, ids: Iterable[int]) -> dict[int, list[Deadline]]:
    """The armed deadline rows of each case, by case id."""
    ids = list(ids)
    out: dict[int, list[Deadline]] = {}
    if not ids:
        return out
    for row in session.exec(
        select(Deadline).where(Deadline.case_id.in_(ids), Deadline.status == deadlines.ARMED)  # type: ignore[attr-defined]
    ).all():
        out.setdefault(row.case_id, []).append(row)
    return out


def refill_waiting(conn: sa.Connection, now: datetime, ids: Iterable[int] | None = None) -> int:
    """Rewrite the waiting rows of every open case (``waiting``), or of the open cases of
    ``ids``, ``BATCH`` cases at a time: migration 0014 fills the table this way, and it
    rebuilds the rows of a database written around the steps (the benchmark's deadlines
    armed in bulk). Returns the cases rewritten."""
    done = 0
    last = 0
    chosen = sorted(set(ids)) if ids is not None else None
    with Session(bind=conn) as session:
        while True:
            stmt = select(Case).where(Case.closed_at.is_(None))  # type: ignore[union-attr]
            if chosen is None:
                stmt = stmt.where(Case.id > last).order_by(Case.id).limit(BATCH)  # type: ignore[operator,arg-type]
            else:
                part, chosen = chosen[:BATCH], chosen[BATCH:]
                if not part:
                    break
                stmt = stmt.where(Case.id.in_(part)).order_by(Case.id)  # type: ignore[union-attr,arg-type]
            batch = session.exec(stmt).all()
            if not batch and chosen is None:
                break
            found = many(session, batch, now)
            for case in batch:
                waiting.write(session, case, found[case.id])  # type: ignore[index]
            last = batch[-1].id if batch else last  # type: ignore[assignment]
            done += len(batch)
            session.expunge_all()
        session.info.clear()
    return done
