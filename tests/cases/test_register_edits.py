"""The register: who may change what (16.3.7), history lines, CSV round trip, all audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from cases.core import audit
from cases.core.db import transaction
from cases.core.models import AuditEvent, CivilServant, ServiceEntry
from cases.people import register, register_import, register_reads
from workflows.context import Refused


def edit(world, username: str, **fields):
    with transaction(world.engine) as s:
        return register.edit(s, "E100", fields, world.actors[username], world.clock.now)


def servant(world) -> CivilServant:
    with world.session() as s:
        return s.get(CivilServant, "E100")


def register_events(world) -> list[AuditEvent]:
    with world.session() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.process == "register")).all())


def test_hr_officer_changes_non_sensitive_data_and_the_change_is_audited(world) -> None:
    changes = edit(world, "hr", place_of_posting="Gelephu", performance_rating="good")
    assert changes == {"place_of_posting": ["", "Gelephu"], "performance_rating": ["", "good"]}
    assert servant(world).place_of_posting == "Gelephu"
    (event,) = register_events(world)
    assert event.cite == "16.3.7" and event.actor == "hr" and event.case_id is None
    assert '"eid":"E100"' in event.fields and "Gelephu" in event.fields
    with world.session() as s:
        assert audit.verify(s).ok


def test_sensitive_data_is_changed_only_by_the_rcsc(world) -> None:
    with pytest.raises(Refused) as exc:
        edit(world, "hr", position_level="P2", place_of_posting="Gelephu")
    (refusal,) = exc.value.refusals
    assert refusal.cite == "16.3.7" and refusal.field == "position_level"
    assert "only the RCSC" in refusal.reason
    assert servant(world).position_level == "P3"  # nothing half-written
    assert servant(world).place_of_posting == ""
    assert register_events(world) == []
    edit(world, "rcsc", position_level="p2", position_since="2026-07-01")
    assert servant(world).position_level == "P2"
    assert servant(world).position_since == date(2026, 7, 1)


def test_another_agencys_officer_cannot_change_the_record(world) -> None:
    world.add_user("other_hr", ["hr_officer"], agency="MOHA")
    with pytest.raises(Refused) as exc:
        edit(world, "other_hr", place_of_posting="Paro")
    assert exc.value.refusals[0].cite == "16.3.3"


def test_bad_values_name_the_field(world) -> None:
    with pytest.raises(Refused) as exc:
        edit(world, "rcsc", date_of_birth="1 Jan 1990", performance_rating="superb")
    fields = {r.field for r in exc.value.refusals}
    assert fields == {"date_of_birth", "performance_rating"}
    with pytest.raises(Refused) as exc:
        edit(world, "rcsc", position_since=world.today(5))
    assert "cannot be after" in exc.value.refusals[0].reason


def test_an_unchanged_value_writes_no_event(world) -> None:
    assert edit(world, "hr", nationality="Bhutanese") == {}
    assert register_events(world) == []


def add(world, username: str, kind: str, **fields):
    with transaction(world.engine) as s:
        return register.add_history(
            s, "E100", kind, fields, world.actors[username], world.clock.now
        )


def test_history_lines_from_before_drukflow(world) -> None:
    add(
        world,
        "hr",
        "eol",
        start_on="2020-01-01",
        end_on="2020-06-30",
        status="completed",
        purpose="family",
    )
    add(world, "hr", "court_case", start_on="2026-01-05", status="pending", official_functions="on")
    with world.session() as s:
        rows = s.exec(select(ServiceEntry).where(ServiceEntry.eid == "E100")).all()
    assert sorted(r.kind for r in rows) == ["court_case", "eol"]
    assert [e.trigger for e in register_events(world)] == ["register_history"] * 2


def test_ltt_details_are_sensitive_and_dates_are_checked(world) -> None:
    ltt = {
        "start_on": "2018-01-01",
        "end_on": "2019-12-31",
        "status": "completed",
        "level": "masters",
        "mode": "full_time",
        "funding": "rgob",
    }
    with pytest.raises(Refused) as exc:
        add(world, "hr", "ltt", **ltt)
    assert exc.value.refusals[0].cite == "16.3.7"
    add(world, "rcsc", "ltt", **ltt)
    with pytest.raises(Refused) as exc:
        add(world, "hr", "stt", start_on="2026-03-10", end_on="2026-03-01", status="completed")
    assert exc.value.refusals[0].field == "end_on"
    with pytest.raises(Refused) as exc:
        add(world, "hr", "stt", start_on="2026-03-10", status="someday")
    assert exc.value.refusals[0].field == "status"


def test_csv_export_reads_back_through_import(world) -> None:
    edit(world, "rcsc", probation_end="2016-01-01", qualification="masters", bcse_selected="on")
    with world.session() as s:
        text = register_reads.export_csv(s)
    assert text.splitlines()[0].startswith("eid,name,date_of_birth")
    same = register_import.import_csv(world.engine, text, world.actors["rcsc"], world.clock.now)
    assert (same.created, same.updated, same.unchanged, same.errors) == (0, 0, 1, [])
    changed = text.replace("Dorji Wangchuk", "Dorji Wangmo")
    result = register_import.import_csv(
        world.engine, changed, world.actors["rcsc"], world.clock.now
    )
    assert (result.created, result.updated, result.errors) == (0, 1, [])
    cs = servant(world)
    assert cs.name == "Dorji Wangmo" and cs.qualification == "masters" and cs.bcse_selected
    assert cs.probation_end == date(2016, 1, 1)


def test_import_refuses_unknown_columns(world) -> None:
    result = register_import.import_csv(
        world.engine,
        "eid,name,date_of_birth,position_title,position_level,agency_code,"
        "appointment_date,shoe_size\n",
        world.actors["rcsc"],
        world.clock.now,
    )
    assert [e.reason for e in result.errors] == ["header has unknown column(s): shoe_size"]


def ltt_with_obligation(world) -> None:
    add(
        world,
        "rcsc",
        "ltt",
        start_on="2022-01-01",
        end_on="2023-12-31",
        status="completed",
        level="masters",
        mode="full_time",
        funding="rgob",
        ordinal="1",
        obligation_end="2028-01-01",
        employment_cost="1000000",
        scholarship_cost="500000",
    )


def separate(world, username: str = "hr", **fields):
    raw = {"separation_type": "voluntary_resignation", "separated_on": world.today(), **fields}
    with transaction(world.engine) as s:
        return register.record_separation(s, "E100", raw, world.actors[username], world.clock.now)


def test_resignation_before_the_obligation_is_served_leaves_a_due(world) -> None:
    ltt_with_obligation(world)
    (owed,) = separate(world, order_no="MOH/HR/2026/88")
    assert str(owed.amount) == "3000000.00"  # 2 x (10 lakh + 5 lakh), 1st LTT (7.7.7.6)
    assert owed.due_on is None  # 7.7.7.5: 90 days from the office order for repayment
    cs = servant(world)
    assert cs.status == "separated" and "Voluntary resignation" in cs.separation_reason
    with world.session() as s:
        due = s.exec(select(ServiceEntry).where(ServiceEntry.kind == "due")).one()
    assert due.status == "outstanding" and "24%" in due.details
    event = register_events(world)[-1]
    assert event.trigger == "register_separation" and "3000000.00" in event.fields
    with pytest.raises(Refused) as exc:
        separate(world)
    assert exc.value.kind == "state"  # already separated


def test_death_voids_the_financial_obligation(world) -> None:
    ltt_with_obligation(world)
    assert separate(world, separation_type="death") == []  # 7.7.7.10


def test_separation_is_recorded_by_the_agency_or_the_rcsc(world) -> None:
    world.add_user("moha_hr", ["hr_officer"], agency="MOHA")
    with pytest.raises(Refused) as exc:
        separate(world, "moha_hr")
    assert exc.value.kind == "authority"
    with pytest.raises(Refused) as exc:
        separate(world, separation_type="vanished")
    assert exc.value.refusals[0].field == "separation_type"
    assert servant(world).status == "in_service"
