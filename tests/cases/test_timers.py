"""The deadline sweep: a missed deadline is marked, audited, and its timeout fired once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from cases.core import audit, timers
from cases.core.db import transaction
from cases.core.models import AuditEvent, Deadline


def events(world, case_id: int) -> list[AuditEvent]:
    with world.session() as s:
        return audit.events_for(s, case_id)


def test_19_8_2_1_sweep_lapses_an_explanation_not_given_in_five_working_days(world, clock):
    case_id = world.walk_to("notice_served")
    due = world.deadline(case_id, "explanation_due")
    assert due.due_on == date(2026, 12, 22)

    clock.now = datetime(2026, 12, 23, 4, 0, tzinfo=UTC)  # the day after the due date
    report = timers.sweep(world.engine, clock.now)

    assert report.missed == [due.id]
    assert report.fired == [(due.id, "explanation_lapsed")]
    assert report.refused == []
    row = world.deadline(case_id, "explanation_due")
    assert (row.status, row.missed_at, row.fired_at) == ("missed", clock.now, clock.now)
    assert world.case(case_id).state == "explained"
    missed, lapsed = events(world, case_id)[-2:]
    assert (missed.trigger, missed.actor, missed.cite) == (
        "deadline_missed:explanation_due",
        "system",
        "19.8.2.1(i)",
    )
    assert (lapsed.trigger, lapsed.actor, lapsed.role) == ("explanation_lapsed", "system", "system")
    assert (lapsed.from_state, lapsed.to_state) == ("notice_served", "explained")


def test_running_the_sweep_twice_fires_nothing_twice(world, clock):
    case_id = world.walk_to("notice_served")
    clock.now = datetime(2026, 12, 23, 4, 0, tzinfo=UTC)
    first = timers.sweep(world.engine, clock.now)
    trail = [e.seq for e in events(world, case_id)]
    version = world.case(case_id).version

    clock.advance(hours=1)
    second = timers.sweep(world.engine, clock.now)

    assert len(first.fired) == 1
    assert (second.missed, second.fired, second.refused) == ([], [], [])
    assert [e.seq for e in events(world, case_id)] == trail
    assert world.case(case_id).version == version


def test_a_deadline_is_not_missed_on_its_due_day_in_bhutan(world, clock):
    case_id = world.walk_to("notice_served")  # explanation due Tuesday 22 December
    clock.now = datetime(2026, 12, 22, 17, 59, tzinfo=UTC)  # 23:59 on the 22nd in Thimphu
    report = timers.sweep(world.engine, clock.now)
    assert (report.missed, report.fired) == ([], [])
    assert world.deadline(case_id, "explanation_due").status == "armed"
    assert world.case(case_id).state == "notice_served"

    clock.advance(hours=1)  # 00:59 on the 23rd in Thimphu, still the 22nd in UTC
    report = timers.sweep(world.engine, clock.now)
    assert len(report.fired) == 1
    assert world.case(case_id).state == "explained"


def test_a_met_deadline_is_left_alone(world, clock):
    case_id = world.walk_to("explained")
    assert world.deadline(case_id, "explanation_due").status == "met"
    clock.advance(days=30)
    report = timers.sweep(world.engine, clock.now)
    assert report.missed == []
    assert world.deadline(case_id, "explanation_due").status == "met"


def test_19_8_2_2_v_a_missed_deadline_without_a_timeout_is_marked_and_audited_only(world, clock):
    case_id = world.walk_to("investigation_ordered")
    row = world.deadline(case_id, "investigation_commencement_due")
    assert row.due_on == date(2026, 12, 22)
    version = world.case(case_id).version

    clock.now = datetime(2026, 12, 23, 4, 0, tzinfo=UTC)
    report = timers.sweep(world.engine, clock.now)

    assert (report.missed, report.fired) == ([row.id], [])
    row = world.deadline(case_id, "investigation_commencement_due")
    assert (row.status, row.fired_at) == ("missed", None)
    case = world.case(case_id)
    assert (case.state, case.version) == ("investigation_ordered", version)
    last = events(world, case_id)[-1]
    assert (last.trigger, last.cite, last.from_state, last.to_state) == (
        "deadline_missed:investigation_commencement_due",
        "19.8.2.2(v)",
        "investigation_ordered",
        "investigation_ordered",
    )
    assert last.fields == '{"deadline":"investigation_commencement_due","due_on":"2026-12-22"}'

    # commencing late settles the missed deadline without unmarking it
    world.fire(case_id, "commence_investigation", "secretary", commenced_on=world.today())
    row = world.deadline(case_id, "investigation_commencement_due")
    assert (row.status, row.settled_at) == ("missed", clock.now)


def test_19_12_2_the_decision_becomes_final_when_the_appeal_window_closes(world, clock):
    case_id = world.walk_to("decided")
    window = world.deadline(case_id, "appeal_window")
    assert (window.amount, window.unit, window.due_on) == (10, "working_days", date(2026, 12, 29))

    clock.now = datetime(2026, 12, 30, 4, 0, tzinfo=UTC)
    report = timers.sweep(world.engine, clock.now)

    assert report.fired == [(window.id, "decision_becomes_final")]
    case = world.case(case_id)
    assert (case.state, case.closed_at) == ("closed", clock.now)


def test_a_timeout_the_case_can_no_longer_take_is_reported_and_the_deadline_stays_missed(
    world, clock
):
    case_id = world.walk_to("received")
    with transaction(world.engine) as s:
        stray = Deadline(
            case_id=case_id,
            kind="explanation_due",
            label="Respondent's explanation",
            cite="19.8.2.1(i)",
            basis_on=date(2026, 12, 1),
            amount=5,
            unit="working_days",
            due_on=date(2026, 12, 8),
            on_timeout="explanation_lapsed",
            armed_at=clock.now,
        )
        s.add(stray)
        s.flush()
        stray_id = stray.id

    report = timers.sweep(world.engine, clock.now)

    assert report.missed == [stray_id] and report.fired == []
    ((refused_id, reason),) = report.refused
    assert refused_id == stray_id and "not possible while the case is received" in reason
    assert world.case(case_id).state == "received"
    assert world.deadline(case_id, "explanation_due").status == "missed"
    with world.session() as s:
        assert audit.verify(s).ok


def test_the_sweep_handles_every_case_due(world, clock):
    first = world.walk_to("notice_served")
    second = world.walk_to("notice_served")
    clock.advance(days=10)
    report = timers.sweep(world.engine, clock.now, batch=1)
    assert len(report.fired) == 2
    assert {world.case(first).state, world.case(second).state} == {"explained"}
    with world.session() as s:
        assert s.exec(select(Deadline).where(Deadline.status == "armed")).all() == []
