"""The work queue walks who each case waits for (cases.core.waiting) instead of working out
every case a user may see: whatever changed a case, the walk finds exactly the cases that
working each one out would find, and the counts say where they stop."""

from __future__ import annotations

import inspect
import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import audit, contexts, queries, search_index, service, waiting
from cases.core.db import reading, transaction
from cases.core.models import Case, CaseWaiting, CivilServant, User
from cases.core.waiting import waiting_steps
from cases.demo import seed
from cases.inbox import work_queue as wq
from cases.inbox.next_actors import expected
from cases.people import auth, register_import
from tests.conftest import CHARGES, FINDINGS, MAIN_PATH
from workflows import registry
from workflows.context import Actor

NOW = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)  # Monday, 10:00 in Thimphu


def worked_out(session: Session, actor: Actor, now: datetime) -> set[int]:
    """The cases waiting for ``actor``, found the slow way: every open case they may see,
    worked out in full as when they act (``Process.available``)."""
    out = set()
    visible = select(Case).where(queries.visibility(actor), Case.closed_at.is_(None))  # type: ignore[union-attr]
    for case in session.exec(visible).all():
        ctx = service.context(session, case, now)
        waits = {s.trigger for s in waiting_steps(case, ctx.due)}
        steps = registry.for_case(case).available(case.state, actor, ctx)
        if any(s.trigger in waits and expected(s, actor.roles, ctx) for s in steps):
            out.add(case.id)
    return out


def queue_of(engine: Engine, actor: Actor, now: datetime) -> set[int]:
    with reading(engine) as s:
        return {i.case.id for i in wq.work_queue(s, actor, now, wq.Filters()).mine}  # type: ignore[misc]


def test_every_demo_user_s_queue_is_what_working_out_each_case_finds(db_url: str) -> None:
    """The demo takes every process through its stages by real steps (opening, deadlines
    armed and settled, suspension, appeals, a sweep of missed deadlines): for every one of
    its users, the cases "Waiting for you" lists are exactly those where a step the case
    waits for is open to them (19.3.4-19.3.7: "the competent authority"; 19.3.5: a member
    who stepped aside is not asked)."""
    engine = sa.create_engine(db_url)
    seed.build(engine, NOW)
    with reading(engine) as s:
        users = s.exec(select(User).where(User.active == True)).all()  # noqa: E712
        actors = [auth.actor_of(u) for u in users]
        wanted = {a.username: worked_out(s, a, NOW) for a in actors}
    got = {a.username: queue_of(engine, a, NOW) for a in actors}
    engine.dispose()
    assert got == wanted
    assert sum(map(len, got.values())) >= 20  # the demo's queues are not empty


def test_a_servant_promoted_to_the_executive_level_moves_their_case_to_the_rcsc(world) -> None:
    """19.3.6: "the RCSC shall be the Disciplinary Committee" for executives. A record
    changed by the register import (no step on the case) moves who the case waits for in
    the import's own commit: it leaves the agency's chairperson's queue for the RCSC's."""
    case_id = world.walk_to("awaiting_endorsement")
    chair, rcsc = world.actors["chair"], world.actors["rcsc"]
    assert case_id in queue_of(world.engine, chair, world.clock.now)
    assert case_id not in queue_of(world.engine, rcsc, world.clock.now)

    text = (
        "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date\n"
        "E100,Dorji Wangchuk,1990-01-01,Officer,EX3,MOH,2015-01-01\n"
    )
    result = register_import.import_csv(world.engine, text, world.actors["rcsc"], world.clock.now)

    assert (result.updated, result.errors) == (1, [])
    assert case_id not in queue_of(world.engine, chair, world.clock.now)
    assert case_id in queue_of(world.engine, rcsc, world.clock.now)
    with reading(world.engine) as s:
        assert queue_of(world.engine, rcsc, world.clock.now) == worked_out(s, rcsc, world.clock.now)


def test_a_record_changed_through_a_session_moves_the_case_too(world) -> None:
    """The same move when the record is changed through the ORM (a transfer's effect writes
    the servant's new agency this way, 13.3.1): the commit rewrites their open cases."""
    case_id = world.walk_to("awaiting_endorsement")
    with transaction(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        cs.position_level = "EX3"  # type: ignore[union-attr]
        s.add(cs)
    assert case_id in queue_of(world.engine, world.actors["rcsc"], world.clock.now)
    assert case_id not in queue_of(world.engine, world.actors["chair"], world.clock.now)


def _wait_for_a_lock_waiter(engine: Engine, gave_up_at: float) -> None:
    """Until another transaction of this test's database waits for a lock (PostgreSQL's
    activity view says so): the step below has reached the lock the writer holds."""
    ask = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while True:
        with engine.connect() as conn:
            if conn.execute(ask).scalar_one():
                return
        assert time.monotonic() < gave_up_at, "the step never reached the writer's lock"
        time.sleep(0.01)


def test_a_step_that_waited_for_a_register_change_writes_rows_from_the_new_record(world) -> None:
    """19.3.6: "the RCSC shall be the Disciplinary Committee" for executives. On PostgreSQL
    a step takes the chain's lock only when it appends: a register change that committed
    while the step ran (its subject promoted to the executive level) must still move the
    case to the RCSC's queue, not leave it with the agency's chairperson."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's BEGIN IMMEDIATE orders whole write transactions")
    at = MAIN_PATH.index("awaiting_endorsement") - 1
    case_id = world.walk_to(MAIN_PATH[at])
    trigger, username, fields = world.main_path_steps(CHARGES, FINDINGS)[at]
    errors: list[BaseException] = []

    def step() -> None:
        try:
            world.fire(case_id, trigger, username, **fields)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    stepping = threading.Thread(target=step)
    with transaction(world.engine) as s:  # as the register import writes: under the lock
        audit.lock_head(s)
        s.connection().execute(
            sa.update(CivilServant.__table__)  # type: ignore[attr-defined]
            .where(CivilServant.__table__.c.eid == "E100")  # type: ignore[attr-defined]
            .values(position_level="EX3")
        )
        waiting.mark_servants(s, ["E100"], world.clock.now)
        stepping.start()
        _wait_for_a_lock_waiter(world.engine, time.monotonic() + 60)
    stepping.join(60)
    assert errors == [] and world.case(case_id).state == "awaiting_endorsement"
    rcsc, chair = world.actors["rcsc"], world.actors["chair"]
    assert case_id in queue_of(world.engine, rcsc, world.clock.now)
    assert case_id not in queue_of(world.engine, chair, world.clock.now)


def test_an_import_renaming_the_respondent_and_a_step_on_their_case_both_land(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    """16.2 (the register is kept by the agency's HR) and 19.8.2.1: an import that renames
    the respondent while the Disciplinary Committee serves the notice. On PostgreSQL the
    import holds the chain's head while it rewrites the renamed servant's cases' words, and
    the step writes its case's words before it appends: neither may wait for the other
    (PostgreSQL would refuse one of them). Here the step comes in once the import holds the
    head; both land, and the case is found by the new name."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's BEGIN IMMEDIATE orders whole write transactions")
    at = MAIN_PATH.index("notice_served") - 1
    case_id = world.walk_to(MAIN_PATH[at])
    trigger, username, fields = world.main_path_steps(CHARGES, FINDINGS)[at]
    holding, go = threading.Event(), threading.Event()
    rewrite = search_index.index_subjects

    def paused(session: Session, names: dict[str, str]) -> int:
        holding.set()  # the import holds the chain's head: the step comes in now
        go.wait(60)
        return rewrite(session, names)

    monkeypatch.setattr(search_index, "index_subjects", paused)
    errors: list[BaseException] = []
    results: list[register_import.ImportResult] = []
    text = (
        "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date\n"
        "E100,Pema Choden Wangchuk,1990-01-01,Officer,P3,MOH,2015-01-01\n"
    )

    def importing() -> None:
        try:
            rcsc = world.actors["rcsc"]
            results.append(register_import.import_csv(world.engine, text, rcsc, world.clock.now))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def step() -> None:
        try:
            world.fire(case_id, trigger, username, **fields)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=importing), threading.Thread(target=step)]
    threads[0].start()
    assert holding.wait(60), "the import never reached the rewrite of the words"
    threads[1].start()
    _wait_for_a_lock_waiter(world.engine, time.monotonic() + 60)
    go.set()
    for t in threads:
        t.join(60)
    assert errors == [] and [r.updated for r in results] == [1]
    assert world.case(case_id).state == "notice_served"
    with reading(world.engine) as s:
        found = search_index.search(s, world.actors["chair"], "choden")
    assert [h.case_id for h in found] == [case_id]


def test_a_member_who_steps_aside_leaves_the_case_out_of_their_queue(world) -> None:
    """19.3.5: a member related to or prejudiced against the respondent does not act; the
    case stays in the other members' queues."""
    case_id = world.walk_to("dc_meeting")
    dc, dc2 = world.actors["dc"], world.actors["dc2"]
    assert case_id in queue_of(world.engine, dc, world.clock.now)
    world.recuse(case_id, "dc")
    assert case_id not in queue_of(world.engine, dc, world.clock.now)
    assert case_id in queue_of(world.engine, dc2, world.clock.now)


def test_the_rows_written_in_bulk_are_those_the_steps_write(world) -> None:
    """Migration 0014 fills the rows of the cases already open (a database stepping up from
    before 0012) with ``refill_waiting``: it writes what the steps themselves wrote."""
    for stage in ("received", "notice_served", "dc_meeting", "awaiting_endorsement"):
        world.walk_to(stage)
    rows = sa.select(
        CaseWaiting.case_id, CaseWaiting.role, CaseWaiting.agency_code, CaseWaiting.due_on
    ).order_by(CaseWaiting.case_id, CaseWaiting.role, CaseWaiting.agency_code)
    with reading(world.engine) as s:
        by_steps = s.exec(rows).all()
    with world.engine.begin() as conn:
        conn.execute(sa.delete(CaseWaiting))
        assert contexts.refill_waiting(conn, world.clock.now) == 4
    with reading(world.engine) as s:
        assert s.exec(rows).all() == by_steps
    assert len(by_steps) >= 4


def test_a_precheck_that_reads_the_day_is_declared_dated() -> None:
    """A step held back until a day passes (13.10.6.4: "the term has not ended"; 8.12.15:
    the day to rejoin) must still be found by the walk on that day, with no step between:
    so a precheck reading the day is declared ``dated`` and left to the day's check."""
    undeclared = {
        (p.key, step.trigger, g.cite)
        for p in registry.every_version()
        for step in p.steps
        for g in step.guards
        if g.precheck and not g.dated and "today" in inspect.getsource(g.check)
    }
    assert undeclared == set()


def test_each_open_case_has_one_soonest_row_its_soonest_due_date(db_url: str) -> None:
    """ "Waiting for others" walks each case once, by its soonest row (migration 0014): the
    demo's cases, moved by real steps and a sweep, each have exactly one such row, and it
    carries the soonest date the case waits for (19.8.2.1(i): the explanation owed "within
    five working days" comes before a step no running deadline settles)."""
    engine = sa.create_engine(db_url)
    seed.build(engine, NOW)
    t = waiting.TABLE.c
    with reading(engine) as s:
        rows = s.connection().execute(sa.select(t.case_id, t.due_on, t.soonest)).all()
    engine.dispose()
    soonest: dict[int, list] = {}
    earliest: dict[int, object] = {}
    for case_id, due_on, first in rows:
        earliest[case_id] = min(earliest.get(case_id, due_on), due_on)
        if first:
            soonest.setdefault(case_id, []).append(due_on)
    assert len(earliest) >= 10
    assert soonest == {case_id: [due] for case_id, due in earliest.items()}
