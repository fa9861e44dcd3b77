"""Several sweeps at once (one per web worker) fire each deadline exactly once.

The suite runs on SQLite and on PostgreSQL (tests/conftest.py), so both ways are covered:
SQLite serialises the sweeps on BEGIN IMMEDIATE, PostgreSQL lets each skip the rows another
holds (FOR UPDATE SKIP LOCKED, cases/core/timers.py).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from cases.core import audit, timers
from cases.core.db import make_engine
from cases.core.models import AuditEvent, Deadline
from workflows import roles as R

SWEEPERS = 3
AFTER_DUE = datetime(2026, 12, 23, 4, 0, tzinfo=UTC)  # the day after the 22 December deadlines


def _sweep_in_a_process(url: str, now: datetime, start: object, results: object) -> None:
    """One worker: its own engine and connections, released together with the others."""
    engine = make_engine(url)
    try:
        start.wait(timeout=120)  # type: ignore[attr-defined]
        report = timers.sweep(engine, now)
        results.put((report.missed, report.fired, report.refused))  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def _due_world(world) -> dict[int, str | None]:  # noqa: ANN001
    """Cases whose deadlines all fall due on 22 December: 19.8.2.1 explanations (their
    timeout lapses the explanation) and 19.8.2.2(v) commencements (no timeout)."""
    for n in range(6):
        world.make_servant(f"E2{n:02d}")
    for n in range(4):
        world.walk_to("notice_served", eid=f"E2{n:02d}")
    for n in range(4, 6):
        world.add_user(f"respondent{n}", (R.RESPONDENT,), employee_eid=f"E2{n:02d}")
        world.walk_to("investigation_ordered", eid=f"E2{n:02d}", respondent=f"respondent{n}")
    with world.session() as s:
        rows = s.exec(select(Deadline).where(Deadline.status == "armed")).all()
    due = {d.id: d.on_timeout for d in rows if d.due_on < AFTER_DUE.date()}
    assert len(due) == 6
    return due


def test_sweeps_in_several_processes_fire_each_deadline_once(world, db_url) -> None:
    due = _due_world(world)
    with world.session() as s:
        before = audit.verify(s).events

    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(SWEEPERS), ctx.Queue()
    workers = [
        ctx.Process(target=_sweep_in_a_process, args=(db_url, AFTER_DUE, start, results))
        for _ in range(SWEEPERS)
    ]
    for w in workers:
        w.start()
    reports = [results.get(timeout=180) for _ in workers]
    for w in workers:
        w.join(timeout=30)
        assert w.exitcode == 0

    missed = [d for report in reports for d in report[0]]
    fired = [f for report in reports for f in report[1]]
    assert sorted(missed) == sorted(due)  # every due deadline, each by one sweep only
    assert sorted(fired) == sorted((d, t) for d, t in due.items() if t)
    assert [r for report in reports for r in report[2]] == []

    with world.session() as s:
        chain = audit.verify(s)
        new = s.exec(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert chain.ok
    per_case = Counter((e.case_id, e.trigger) for e in new)
    assert all(n == 1 for n in per_case.values()), per_case
    assert sum(1 for _, t in per_case if t.startswith("deadline_missed:")) == len(due)
    assert sum(1 for _, t in per_case if t == "explanation_lapsed") == 4
    assert chain.events == before + len(due) + 4
    assert all(d.status == "missed" for d in _rows(world, due))


def _rows(world, ids) -> list[Deadline]:  # noqa: ANN001
    with world.session() as s:
        return [s.get(Deadline, d) for d in ids]


def test_a_case_another_worker_holds_is_left_to_it_not_waited_for(world) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: its sweeps queue on BEGIN IMMEDIATE")
    held = world.walk_to("notice_served")
    free = world.walk_to("notice_served")
    with world.engine.connect() as other:  # another worker, in the middle of a step on `held`
        tx = other.begin()
        other.exec_driver_sql(f'SELECT id FROM "case" WHERE id = {held} FOR UPDATE')
        report = timers.sweep(world.engine, AFTER_DUE)
        assert [world.deadline(c, "explanation_due").id for c in (held, free)] == [
            *report.skipped,
            *report.missed,
        ]
        assert world.case(held).state == "notice_served"
        assert world.case(free).state == "explained"
        tx.rollback()
    report = timers.sweep(world.engine, AFTER_DUE)  # the next minute's sweep takes it
    assert report.missed == [world.deadline(held, "explanation_due").id]
    assert world.case(held).state == "explained"
