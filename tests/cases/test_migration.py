"""Moving cases in flight to a later version (cases.core.migration). BCSR 2023 1.7: "The
authority for amendment and interpretation of any provision under the BCSR 2023 shall vest
with the RCSC": a correction applies to cases opened from its day; a case in flight keeps
its rules until the RCSC moves it by a plan, dry-run first, each move in the chain."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from sqlmodel import select

from cases.core import audit, migration
from cases.core.db import reading, transaction
from cases.core.models import AuditEvent, Case
from cases.review import replay
from workflows import registry, revision
from workflows.calendar import BHUTAN_TZ
from workflows.context import Refused


def bt(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10, 0), BHUTAN_TZ)


PLAN = migration.Plan(process="disciplinary", to_version="2023.2")


@pytest.fixture
def flight(world, clock):
    """Two cases opened under 2023.1 (before 7 December 2026) and one under 2023.2."""
    clock.now = bt("2026-12-04")
    met = world.walk_to("explained")
    world.fire(met, "convene_meeting", "dc", reasons="Facts are simple")
    waiting = world.walk_to("notice_served")
    clock.now = bt("2026-12-14")
    new = world.walk_to("explained")
    world.fire(new, "convene_meeting", "dc", reasons="Facts are simple")
    return met, waiting, new


def test_a_case_opened_under_2023_1_keeps_its_deadline_after_2023_2_lands(world, flight):
    """19.8.2.3(vi): "The Disciplinary Committee shall conclude its meeting within 30 days
    from the receipt of the investigation report." 2023.2 arms that clock only on a report;
    2023.1, under which the first case was opened, armed it on any meeting."""
    met, _waiting, new = flight
    assert (world.case(met).process_version, world.case(new).process_version) == (
        "2023.1",
        "2023.2",
    )
    assert world.deadline(met, "meeting_conclusion_due", "armed").due_on == date(2027, 1, 3)
    assert not [d for d in world.deadlines(new) if d.kind == "meeting_conclusion_due"]


def test_the_dry_run_lists_each_case_with_its_deadlines_under_both_rules(world, flight):
    met, waiting, _new = flight
    with reading(world.engine) as s:
        outcomes = migration.dry_run(s, PLAN, world.actors["rcsc"], world.clock.now)
    by_case = {o.case_id: o for o in outcomes}
    assert set(by_case) == {met, waiting}  # the 2023.2 case is not touched
    [meeting] = by_case[met].deadlines
    assert (meeting.kind, meeting.old_due, meeting.new_due) == (
        "meeting_conclusion_due",
        date(2027, 1, 3),
        None,
    )
    [explanation] = by_case[waiting].deadlines
    assert explanation.new_due == explanation.old_due
    assert explanation.why.startswith("5 working days counted from the day after")
    assert world.case(met).process_version == "2023.1"  # a dry run writes nothing
    rows = migration.csv_rows(outcomes)
    assert [r[0] for r in rows] == [met, waiting]
    assert rows[0][9] == "cancelled"


def test_a_migrated_case_is_in_the_chain_and_replays_and_a_second_run_moves_nothing(world, flight):
    met, waiting, _new = flight
    version_before = world.case(met).version
    outcomes = migration.apply(world.engine, PLAN, world.actors["rcsc"], world.clock.now)
    assert {o.case_id for o in outcomes if not o.refused} == {met, waiting}
    case = world.case(met)
    assert (case.process_version, case.version) == ("2023.2", version_before + 1)
    assert world.deadline(met, "meeting_conclusion_due").status == "cancelled"
    with reading(world.engine) as s:
        ev = s.exec(
            select(AuditEvent).where(AuditEvent.case_id == met).order_by(AuditEvent.seq.desc())  # type: ignore[attr-defined]
        ).first()
        assert (ev.trigger, ev.cite, ev.process_version) == ("migrate_version", "1.7", "2023.2")
        fields = json.loads(ev.fields)
        assert (fields["from_version"], fields["to_version"]) == ("2023.1", "2023.2")
        assert fields["plan_hash"] == PLAN.digest
        assert fields["deadlines"][0]["new_due"] is None
        assert audit.verify(s).ok
        assert replay.drift(s) == []
    assert migration.apply(world.engine, PLAN, world.actors["rcsc"], world.clock.now) == []
    # The case goes on under 2023.2's rules: no meeting clock on a return to the DC.
    assert world.case(met).process_version == "2023.2"


def test_a_case_the_new_version_cannot_continue_is_refused_and_left_untouched(
    world, flight, monkeypatch
):
    _met, waiting, _new = flight
    first = registry.versions("disciplinary")
    no_lapse = revision.revise(
        first[-1],
        version="2099.1",
        effective_from=date(2099, 1, 1),
        changes="test: no lapse of the explanation",
        remove=("explanation_lapsed",),
    )
    monkeypatch.setitem(registry.VERSIONS, "disciplinary", (*first, no_lapse))
    before = world.case(waiting)
    plan = migration.Plan(process="disciplinary", to_version="2099.1", case_ids=(waiting,))
    [outcome] = migration.apply(world.engine, plan, world.actors["rcsc"], world.clock.now)
    assert "fires 'explanation_lapsed'" in outcome.refused
    after = world.case(waiting)
    assert (after.process_version, after.version, after.state) == (
        before.process_version,
        before.version,
        before.state,
    )


def test_only_the_rcsc_or_an_administrator_migrates(world, flight):
    with pytest.raises(Refused) as refused:
        migration.apply(world.engine, PLAN, world.actors["hr"], world.clock.now)
    assert refused.value.refusals[0].cite == "1.7"
    with transaction(world.engine) as s:
        assert s.exec(select(Case).where(Case.process_version == "2023.2")).all()


def test_the_dry_run_reads_the_steps_that_armed_deadlines_once_per_case(world, flight):
    """Each armed deadline is reckoned from the audit event of the step that armed it; a
    plan over many cases reads those events once per case, not again for every question
    asked of each deadline."""
    met, waiting, _new = flight
    reads: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "FROM audit_event" in statement:
            reads.append(statement)

    sa.event.listen(world.engine, "before_cursor_execute", count)
    try:
        with reading(world.engine) as s:
            outcomes = migration.dry_run(s, PLAN, world.actors["rcsc"], world.clock.now)
    finally:
        sa.event.remove(world.engine, "before_cursor_execute", count)
    assert {o.case_id for o in outcomes} == {met, waiting}
    assert all(o.deadlines for o in outcomes)
    assert len(reads) == len(outcomes)


def test_19_3_5_a_case_investigated_by_typed_names_is_not_migrated_until_the_report_is_in(
    world, clock
):
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of ... the Investigating Committee", and 19.8.2.2(v): "The Investigator
    or Investigating Committee shall commence investigation ...". 2023.1 typed the
    investigators' names; 2023.2 gives the investigation's steps to the accounts the case
    names, each checked against 19.3.5. A case whose investigation is under way with typed
    names is refused (the dry run says why, naming the field and 19.3.5; nothing is
    written): it stays on 2023.1 until the report is in, and then moves."""
    world.add_user("other_investigator", ("investigator",), agency="MOH")
    clock.now = bt("2026-12-04")
    ordered = world.walk_to("explained")
    world.fire(  # 2023.1 typed the names, and had no day of receipt of the directive
        ordered,
        "order_investigation",
        "dc",
        investigated_by="member_secretary",
        investigators="secretary",
        directive_on=world.today(),
    )
    explained = world.walk_to("explained")
    assert world.data(ordered)["investigators"] == "secretary"
    clock.now = bt("2026-12-14")
    before = world.case(ordered)

    with reading(world.engine) as s:
        dry = {o.case_id: o for o in migration.dry_run(s, PLAN, world.actors["rcsc"], clock.now)}
    assert not dry[explained].refused
    refused = dry[ordered].refused
    assert "'Investigator(s)'" in refused and "'secretary'" in refused and "19.3.5" in refused
    assert "Commence the investigation (BCSR 19.8.2.2(v))" in refused

    outcomes = {
        o.case_id: o for o in migration.apply(world.engine, PLAN, world.actors["rcsc"], clock.now)
    }
    assert outcomes[ordered].refused == refused
    after = world.case(ordered)
    assert (after.process_version, after.version) == ("2023.1", before.version)
    assert world.case(explained).process_version == "2023.2"
    # Still on 2023.1's rules: the investigation goes on as it began, then the case moves.
    world.drive(ordered, "dc_meeting")
    [moved] = migration.apply(world.engine, PLAN, world.actors["rcsc"], clock.now)
    assert (moved.case_id, moved.refused) == (ordered, "")
    assert world.case(ordered).process_version == "2023.2"
