"""What a reinstatement (19.8.3, 19.12.6; disciplinary 2023.2) gives back of the service
obligations the separation cut short, on the database: the LTT obligation's end and last
day owed on the record, a secondment's gratuity deduction undone, each with its audit event.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import select
from test_disciplinary_2023_2 import DISMISSED, quash
from test_register_edits import add, ltt_with_obligation
from test_secondment_2023_2 import _rejoin
from test_secondment_cases import move_to, on_secondment

from cases.core import profiles
from cases.core.db import reading, transaction
from cases.core.models import AuditEvent, ServiceEntry
from cases.people.separation import separate
from workflows import disciplinary


def _lines(world, kind: str) -> list[ServiceEntry]:
    with reading(world.engine) as s:
        rows = s.exec(
            select(ServiceEntry).where(ServiceEntry.kind == kind).order_by(ServiceEntry.id)
        )
        return list(rows.all())


def _events(world, trigger: str) -> list[AuditEvent]:
    with reading(world.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.trigger == trigger)).all())


def test_7_7_7_1_the_days_separated_are_not_served_toward_the_ltt_obligation(world):
    """7.7.7.1: "A civil servant availing LTT shall be required to serve for a specified
    duration to ensure return on investment" (reading R-7.7.7.1-reinstated, 2023.2). A
    master's obligation to 1 January 2028, still running when the dismissal separated the
    civil servant, ends 20 days later once the dismissal is quashed 20 days on (19.8.3): the
    LTT line and the service obligation line its return wrote say so, with the last day owed,
    and an audit event on the case cites 7.7.7.1 and 19.8.3. An obligation served before the
    separation stays as it was."""
    ltt_with_obligation(world)  # 1st LTT, master's, obligation to 2028-01-01
    served = add(
        world,
        "rcsc",
        "ltt",
        start_on="2015-01-01",
        end_on="2016-12-31",
        status="completed",
        level="masters",
        mode="full_time",
        funding="rgob",
        ordinal="1",
        obligation_end="2021-01-01",
    )
    running = next(r for r in _lines(world, "ltt") if r.id != served.id)
    line = world.add_entry(
        by="hr",
        kind="service_obligation",
        start_on=date(2024, 1, 1),
        end_on=date(2028, 1, 1),
        status="running",
        obligation_end="2028-01-01",
        obligation_last_day="2027-12-31",
        ltt_entry=running.id,
    )
    case_id = world.walk_to("appeal", findings=DISMISSED)
    separated_on = world.clock.today
    world.clock.advance(days=20)
    quash(world, case_id)
    assert world.clock.today == separated_on + timedelta(days=20)

    by_id = {r.id: r for r in _lines(world, "ltt")}
    moved = json.loads(by_id[running.id].details)
    assert (moved["obligation_end"], moved["obligation_last_day"]) == ("2028-01-21", "2028-01-20")
    assert (
        f"not served while separated, {separated_on.isoformat()} to "
        f"{(separated_on + timedelta(days=19)).isoformat()}; the last day owed is 2028-01-20 "
        "(BCSR 7.7.7.1;"
    ) in moved["obligation_extended"]
    assert json.loads(by_id[served.id].details)["obligation_end"] == "2021-01-01"
    [obligation] = [r for r in _lines(world, "service_obligation") if r.id == line.id]
    assert obligation.end_on == date(2028, 1, 21)
    assert json.loads(obligation.details)["obligation_last_day"] == "2028-01-20"
    with reading(world.engine) as s:
        profile = profiles.profile_of(s, "E100", world.clock.today)
        [ltt] = [e for e in profile.ltts() if e.id == running.id]
        assert profile.obligation_end(ltt) == date(2028, 1, 21)  # what eligibility reads
    [event] = _events(world, "ltt_obligation_extended")
    assert (event.case_id, event.cite) == (case_id, "7.7.7.1, 19.8.3")
    fields = json.loads(event.fields)
    assert [(x["ltt_entry"], x["last_day_owed"]) for x in fields["lines"]] == [
        (running.id, "2028-01-20")
    ]
    assert "reading R-7.7.7.1-reinstated" in fields["reading"]
    assert world.data(case_id)["reinstated"]["ltt_obligations"][0]["days"] == 20
    # The first version never separated on a penalty, so it has no reinstatement to read.
    assert "separate_on_penalty" not in {e for s in disciplinary.PROCESS.steps for e in s.effects}


def test_13_10_6_5_a_reinstatement_undoes_the_gratuity_deduction_of_the_separation(world):
    """13.10.6.5: "A civil servant failing to complete his obligations, the gratuity shall be
    deducted on a pro-rata basis for the secondment obligation duration not served". The
    dismissal separated the civil servant with the return obligation unserved, recording the
    deduction; quashed on appeal (19.8.3), the civil servant serves on and has not failed to
    complete it: the deduction is undone, the line runs again (a later separation reckons it
    afresh), and an audit event on the case cites 13.10.6.5."""
    secondment = on_secondment(world)
    _rejoin(world, secondment)
    move_to(world, date(2030, 2, 1))
    case_id = world.walk_to("appeal", findings=DISMISSED)
    [line] = _lines(world, "service_obligation")
    assert line.status == "unserved" and json.loads(line.details)["gratuity_deduction"]
    world.clock.advance(days=20)
    quash(world, case_id)
    [line] = _lines(world, "service_obligation")
    d = json.loads(line.details)
    assert line.status == "running" and d["gratuity_deduction"] is None
    assert (
        "(BCSR 13.10.6.5; reinstated: the separating penalty was quashed on appeal, 19.8.3)"
        in (d["gratuity_deduction_undone"])
    )
    [event] = _events(world, "gratuity_deduction_undone")
    assert (event.case_id, event.cite) == (case_id, "13.10.6.5, 19.8.3")
    assert json.loads(event.fields)["lines"] == [line.id]
    later = world.clock.today + timedelta(days=30)
    with transaction(world.engine) as s:
        separate(s, "E100", on=later, reason="resignation", now=world.clock.now, by="hr")
    [line] = _lines(world, "service_obligation")
    assert line.status == "unserved"
    assert json.loads(line.details)["separated_on"] == later.isoformat()
