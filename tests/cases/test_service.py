"""``service.fire``: the one way a case changes. Authority, recusal (19.3.5), guards, the
compare-and-set on the version, and one audit event per step, all in one transaction.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import func, select

from cases.core import audit, queries, service, timers
from cases.core.db import transaction
from cases.core.models import AuditEvent, Case, Deadline, Recusal
from workflows.calendar import BHUTAN_TZ
from workflows.engine import Refused

NOTICE = {
    "charges": ["11"],
    "particulars": "Absent without leave",
    "prima_facie": True,
    "notice_received_on": "2026-12-14",
}


def snapshot(world, case_id: int) -> tuple:
    with world.session() as s:
        case = s.get(Case, case_id)
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
        rows = s.exec(select(Deadline).where(Deadline.case_id == case_id)).all()
        return (
            case.state,
            case.version,
            case.data,
            events,
            sorted((d.kind, d.status) for d in rows),
        )


def fire_as(world, case_id: int, trigger: str, username: str, version: int, **fields):
    with transaction(world.engine) as s:
        return service.fire(
            s,
            case_id,
            trigger,
            world.actors[username],
            fields,
            now=world.clock.now,
            expected_version=version,
        )


def test_opening_a_case_records_the_complaint_and_takes_the_first_step(world):
    case_id = world.open()
    case = world.case(case_id)
    assert (case.state, case.version, case.process, case.process_version) == (
        "received",
        1,
        "disciplinary",
        "2023.2",
    )
    assert (case.subject_eid, case.agency_code) == ("E100", "MOH")
    data = world.data(case_id)
    assert data["complainant_name"] == "Karma Wangmo"
    assert data["last_step"] == "open"


def test_a_case_about_an_unknown_civil_servant_is_refused(world):
    with transaction(world.engine) as s, pytest.raises(Refused) as exc:
        service.open_case(s, "disciplinary", "E999", world.actors["hr"], {}, now=world.clock.now)
    assert exc.value.refusals[0].field == "subject_eid"
    with world.session() as s:
        assert s.exec(select(func.count()).select_from(Case)).one() == 0


def test_an_unknown_process_is_refused(world):
    with transaction(world.engine) as s, pytest.raises(Refused) as exc:
        service.open_case(s, "nonesuch", "E100", world.actors["hr"], {}, now=world.clock.now)
    assert exc.value.refusals[0].field == "process"


def test_an_unknown_case_is_not_found(world):
    with transaction(world.engine) as s, pytest.raises(service.NotFound):
        service.fire(
            s,
            404,
            "direct_enquiry",
            world.actors["chair"],
            {},
            now=world.clock.now,
            expected_version=None,
        )


def test_a_stale_form_is_refused_with_the_current_version(world):
    case_id = world.walk_to("received")
    fire_as(world, case_id, "direct_enquiry", "chair", 1)
    with pytest.raises(service.Stale) as exc:
        fire_as(world, case_id, "serve_notice", "dc", 1, **NOTICE)
    assert exc.value.current_version == 2
    assert world.case(case_id).state == "enquiry_directed"


def test_the_same_step_submitted_twice_moves_the_case_once(world):
    case_id = world.walk_to("received")
    fire_as(world, case_id, "direct_enquiry", "chair", 1)
    with pytest.raises(service.Stale):
        fire_as(world, case_id, "direct_enquiry", "chair", 1)
    with world.session() as s:
        directs = [e for e in audit.events_for(s, case_id) if e.trigger == "direct_enquiry"]
    assert len(directs) == 1


def test_a_wrong_role_is_refused_as_authority_with_the_section(world):
    case_id = world.walk_to("received")
    with pytest.raises(Refused) as exc:
        world.fire(case_id, "direct_enquiry", "hr")
    assert exc.value.kind == "authority"
    assert exc.value.refusals[0].cite == "19.8.2"
    assert "DC/HRC member" in str(exc.value)


def test_19_3_5_a_member_who_declares_a_recusal_is_refused_on_that_case(world):
    case_id = world.walk_to("enquiry_directed")
    with transaction(world.engine) as s:
        event = service.declare_recusal(
            s, case_id, world.actors["dc"], "The respondent is my cousin", now=world.clock.now
        )
    assert (event.trigger, event.cite, event.from_state, event.to_state) == (
        "declare_recusal",
        "19.3.5",
        "enquiry_directed",
        "enquiry_directed",
    )
    with pytest.raises(Refused) as exc:
        world.fire(case_id, "serve_notice", "dc", **NOTICE)
    assert exc.value.kind == "recusal"
    assert exc.value.refusals[0].cite == "19.3.5"
    with world.session() as s:
        case = service.load(s, case_id)
        offered = {
            st.trigger
            for st in service.available_steps(s, case, world.actors["dc"], world.clock.now)
        }
    assert "serve_notice" not in offered
    # the rest of the committee carries on
    assert world.fire(case_id, "serve_notice", "dc2", **NOTICE) == "notice_served"


def test_19_3_5_a_recusal_binds_only_its_own_case(world):
    first = world.walk_to("enquiry_directed")
    second = world.walk_to("enquiry_directed")
    with transaction(world.engine) as s:
        service.declare_recusal(s, first, world.actors["dc"], "Related", now=world.clock.now)
    assert world.fire(second, "serve_notice", "dc", **NOTICE) == "notice_served"


def test_19_3_5_a_recusal_must_state_the_relation_or_prejudice(world):
    case_id = world.walk_to("received")
    with transaction(world.engine) as s, pytest.raises(Refused) as exc:
        service.declare_recusal(s, case_id, world.actors["dc"], "   ", now=world.clock.now)
    assert exc.value.refusals[0].field == "reason"
    with world.session() as s:
        assert s.exec(select(Recusal)).all() == []


@pytest.mark.parametrize(
    ("trigger", "username", "fields"),
    [
        ("serve_notice", "dc", {**NOTICE, "prima_facie": False}),  # guard
        ("serve_notice", "hr", NOTICE),  # authority
        ("serve_notice", "dc", {**NOTICE, "notice_received_on": "15/12/2026"}),  # field
        ("record_decision", "dc", {}),  # state
    ],
    ids=["guard", "authority", "field", "state"],
)
def test_a_refused_step_writes_nothing(world, trigger, username, fields):
    case_id = world.walk_to("enquiry_directed")
    before = snapshot(world, case_id)
    case = world.case(case_id)
    with world.session() as s:
        with pytest.raises(Refused):
            service.fire(
                s,
                case_id,
                trigger,
                world.actors[username],
                fields,
                now=world.clock.now,
                expected_version=case.version,
            )
        # even a caller that commits after a refusal finds nothing to write
        assert not (s.new or s.dirty or s.deleted)
        s.commit()
    assert snapshot(world, case_id) == before


def test_one_step_is_one_audit_event_naming_from_to_section_and_fields(world):
    case_id = world.walk_to("enquiry_directed")
    with world.session() as s:
        before = audit.head(s)[0]
    fired = fire_as(world, case_id, "serve_notice", "dc", 2, **NOTICE)
    with world.session() as s:
        new = s.exec(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert len(new) == 1
    (event,) = new
    assert event.seq == fired.event.seq
    assert (event.case_id, event.actor, event.role, event.trigger) == (
        case_id,
        "dc",
        "dc_member",
        "serve_notice",
    )
    assert (event.from_state, event.to_state, event.cite) == (
        "enquiry_directed",
        "notice_served",
        "19.8.2.1(i)",
    )
    assert (event.process, event.process_version) == ("disciplinary", "2023.2")
    assert json.loads(event.fields) == {
        "charges": ["11"],
        "particulars": "Absent without leave",
        "prima_facie": True,
        "notice_received_on": "2026-12-14",
        # 2023.2: another offence, outside the schedule, not charged here (19.11.11)
        "other_offence": None,
        "other_classification": None,
        "other_rule_breached": None,
        "other_compared_with": None,
    }
    assert event.at == "2026-12-14T04:00:00.000000Z"


def test_a_step_writes_state_version_and_what_it_recorded(world):
    case_id = world.walk_to("enquiry_directed")
    fired = fire_as(world, case_id, "serve_notice", "dc", 2, **NOTICE)
    assert (fired.case.state, fired.case.version) == ("notice_served", 3)
    assert fired.step.trigger == "serve_notice"
    charges = world.data(case_id)["charges"]
    assert charges == [
        {
            "no": 1,
            "offence": 11,
            "classification": "Minor",
            "nature": "Failure to declare conflict of interest.",
        }
    ]


def test_19_8_2_1_ii_an_explanation_after_the_due_date_is_recorded_late(world, clock):
    case_id = world.walk_to("notice_served")
    due = world.deadline(case_id, "explanation_due").due_on
    assert due == date(2026, 12, 22)  # received Monday 14th; National Day skipped
    clock.advance(days=9)  # Wednesday 23rd, before any sweep ran
    world.fire(case_id, "submit_explanation", "respondent", explanation="Late, sorry")
    row = world.deadline(case_id, "explanation_due")
    assert row.status == "missed" and row.settled_at is not None


def close_on_death(world, case_id: int) -> None:  # noqa: ANN001
    """19.9.14: the respondent died; the case is decided at once and closed (final)."""
    world.fire(
        case_id,
        "decide_on_death",
        "chair",
        died_on=world.today(),
        death_outcome="acquitted",
        reasons="Respondent died",
    )


def test_a_closed_case_no_longer_owes_a_deadline_it_missed(world, clock):
    """19.8.2.2(v) sets no timeout step: a missed start of the investigation stays owed
    until answered. Once the case closes nothing can answer it, so it is closed as missed,
    and the case does not head every committee's list as overdue for ever."""
    case_id = world.walk_to("investigation_ordered")
    due = world.deadline(case_id, "investigation_commencement_due").due_on
    clock.now = datetime.combine(due + timedelta(days=3), datetime.min.time(), BHUTAN_TZ)
    timers.sweep(world.engine, clock())
    assert world.deadline(case_id, "investigation_commencement_due").status == "missed"
    with world.session() as s:
        overdue = queries.list_cases(s, world.actors["chair"], overdue_on=clock.today)
    assert case_id in [r.case.id for r in overdue]

    close_on_death(world, case_id)
    row = world.deadline(case_id, "investigation_commencement_due")
    assert (row.status, row.note) == ("missed", "case closed (closed)")
    assert row.settled_at is not None
    with world.session() as s:
        overdue = queries.list_cases(s, world.actors["chair"], overdue_on=clock.today)
        listed = queries.list_cases(s, world.actors["chair"], include_closed=True)
    assert case_id not in [r.case.id for r in overdue]
    assert [r.next_due for r in listed if r.case.id == case_id] == [None]


def test_a_final_state_cancels_every_armed_deadline_and_closes_the_case(world):
    case_id = world.walk_to("notice_served")
    close_on_death(world, case_id)
    case = world.case(case_id)
    assert case.state == "closed" and case.closed_at is not None
    row = world.deadline(case_id, "explanation_due")
    assert (row.status, row.note) == ("cancelled", "case closed (closed)")


def test_the_respondent_sees_only_their_own_step(world):
    case_id = world.walk_to("notice_served")
    with world.session() as s:
        case = service.load(s, case_id)
        offered = service.available_steps(s, case, world.actors["respondent"], world.clock.now)
    # 2023.2: and their objection to a member of the committee (19.3.5)
    assert [st.trigger for st in offered] == ["submit_explanation", "object_to_member"]


def test_times_are_kept_as_the_same_utc_instant_whatever_zone_they_are_given_in(world, clock):
    clock.now = datetime(2026, 12, 14, 10, 0, tzinfo=BHUTAN_TZ)  # 04:00 UTC
    case_id = world.open()
    opened = world.case(case_id).opened_at
    assert opened == clock.now
    assert opened.utcoffset() == timedelta(0)
    assert opened.astimezone(BHUTAN_TZ).hour == 10
