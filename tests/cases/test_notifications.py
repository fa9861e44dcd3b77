"""The inbox's notices (cases.inbox.notifications): who is told after a step, two working days
before a deadline, and when one is missed; each notice once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from cases.core import service, timers
from cases.core.db import transaction
from cases.core.models import Deadline, Notification
from cases.inbox import next_actors, notifications
from cases.inbox.notifications import Notice
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ


def bt(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


def notices(world, kind: str | None = None, case_id: int | None = None) -> list[Notification]:
    with world.session() as s:
        stmt = select(Notification).order_by(Notification.id)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        if case_id is not None:
            stmt = stmt.where(Notification.case_id == case_id)
        return list(s.exec(stmt).all())


def told(world, kind: str, case_id: int | None = None, key: str | None = None) -> list[str]:
    """Usernames holding a notice of ``kind`` (and ``key``), sorted."""
    names = {u.id: name for name, u in world.users.items()}
    return sorted(
        names[n.user_id] for n in notices(world, kind, case_id) if key is None or n.key == key
    )


@pytest.fixture
def moha_chair(world):
    return world.add_user("moha_chair", (R.HRC_CHAIR,), agency="MOHA")


# ------------------------------------------------------------------ action needed


def test_a_new_complaint_tells_the_committee_that_must_act(world, moha_chair):
    case_id = world.open()  # by the HR officer

    assert told(world, notifications.ACTION, case_id) == ["chair", "dc", "dc2", "secretary"]
    chair = next(
        n for n in notices(world, notifications.ACTION) if n.user_id == world.users["chair"].id
    )
    assert chair.key == f"action:{case_id}:1"
    assert chair.text.startswith(
        f"Case #{case_id} (Disciplinary enquiry: Dorji Wangchuk) waits for you: "
    )
    assert "Direct the DC to hold an enquiry (BCSR 19.8.2)" in chair.text
    assert chair.read_at is None and chair.email_status == ""


def test_a_step_tells_the_next_actors_but_not_the_actor_nor_a_recused_member(world, moha_chair):
    case_id = world.walk_to("enquiry_directed")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["dc2"], "Cousin", now=world.clock.now)
    version = world.case(case_id).version

    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars="Absent two days",
        prima_facie=True,
        notice_received_on=world.today(),
    )

    key = f"action:{case_id}:{version + 1}"
    assert told(world, notifications.ACTION, case_id, key) == ["chair", "respondent", "secretary"]
    (respondent,) = [n for n in notices(world) if n.user_id == world.users["respondent"].id]
    assert respondent.text.endswith("waits for you: Submit the explanation (BCSR 19.8.2.1(ii))")


def test_a_closed_case_tells_no_one(world):
    case_id = world.walk_to("appeal")
    before = len(notices(world))

    world.drive(case_id, "closed")

    assert len(notices(world)) == before


def test_a_step_within_its_stage_tells_no_one_again(world):
    case_id = world.walk_to("investigating")
    before = len(notices(world))

    world.fire(
        case_id, "extend_investigation", "dc", total_days="30", extension_reason="Witness abroad"
    )

    assert world.case(case_id).state == "investigating"
    assert len(notices(world)) == before


def test_a_broken_notice_does_not_cost_the_step(world, monkeypatch):
    def broken(*args, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(next_actors, "users_to_act", broken)
    case_id = world.open()

    assert world.case(case_id).state == "received"
    assert notices(world) == []


def test_a_notice_that_fails_half_written_is_undone_and_the_step_stands(world, monkeypatch):
    """The step's notices settle the old ones, then add the new: a failure after the settle
    undoes the settle too (the savepoint), and the step itself commits."""
    case_id = world.open()
    waiting = [n.key for n in notices(world, notifications.ACTION) if n.settled_at is None]
    assert waiting

    def broken(*args, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(notifications, "_action_notices", broken)
    world.fire(case_id, "direct_enquiry", "chair", reasons="Not suitable for ADR")

    assert world.case(case_id).state == "enquiry_directed"
    still = [n.key for n in notices(world, notifications.ACTION) if n.settled_at is None]
    assert still == waiting


def test_a_duplicate_notice_is_skipped_without_aborting_the_transaction(world):
    uid = world.users["chair"].id
    notice = Notice(uid, None, notifications.ACTION, "Once", "19.3.4", "test:1")
    with transaction(world.engine) as s:
        assert notifications.add(s, [notice], world.clock.now) == 1
        assert notifications.add(s, [notice], world.clock.now) == 0
        other = Notice(uid, None, notifications.ACTION, "Another", "19.3.4", "test:2")
        assert notifications.add(s, [other], world.clock.now) == 1

    assert [n.text for n in notices(world)] == ["Once", "Another"]


# ------------------------------------------------------------------ deadlines


def test_19_8_2_1_two_working_days_before_the_explanation_is_due(world, clock):
    """Served Mon 14 Dec: due Tue 22 Dec. Thu 17 Dec is National Day, so on Wed 16 and on the
    holiday itself three or more working days remain; Fri 18 is two working days away (the
    weekend does not count)."""
    case_id = world.walk_to("notice_served")
    assert world.deadline(case_id, "explanation_due").due_on == date(2026, 12, 22)

    for day in ("2026-12-16", "2026-12-17"):
        clock.now = bt(day)
        timers.sweep(world.engine, clock.now)
        assert told(world, notifications.NEAR) == [], day

    clock.now = bt("2026-12-18")
    timers.sweep(world.engine, clock.now)

    assert told(world, notifications.NEAR) == ["chair", "dc", "dc2", "respondent", "secretary"]
    note = notices(world, notifications.NEAR)[0]
    assert note.text == (
        f"Case #{case_id} (Disciplinary enquiry: Dorji Wangchuk): due on Tue 22 Dec 2026 "
        "(2 working days): Respondent's explanation (BCSR 19.8.2.1(i))"
    )
    assert (note.cite, note.key) == (
        "19.8.2.1(i)",
        f"near:{world.deadline(case_id, 'explanation_due').id}",
    )


def test_a_deadline_in_days_falling_on_a_saturday_is_near_from_wednesday(world, clock):
    """Calendar-day deadlines (19.12.4) may fall on a weekend: Sat 26 Dec is two working days
    after Wed 23 Dec (Thu, Fri), three after Tue 22 Dec."""
    case_id = world.walk_to("appeal")
    with transaction(world.engine) as s:
        for row in s.exec(select(Deadline).where(Deadline.case_id == case_id)).all():
            if row.status == "armed":
                row.due_on = date(2026, 12, 26)
                s.add(row)

    clock.now = bt("2026-12-22")
    timers.sweep(world.engine, clock.now)
    assert told(world, notifications.NEAR) == []

    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)
    assert told(world, notifications.NEAR) == ["rcsc"]  # the appellate authority (19.3.7)
    assert "due on Sat 26 Dec 2026 (2 working days)" in notices(world, notifications.NEAR)[0].text


def test_the_sweep_run_twice_makes_each_near_and_missed_notice_once(world, clock, moha_chair):
    case_id = world.walk_to("notice_served")
    for when in (bt("2026-12-18"), bt("2026-12-18", 15), bt("2026-12-21"), bt("2026-12-22")):
        clock.now = when
        timers.sweep(world.engine, clock.now)
    assert len(notices(world, notifications.NEAR)) == 5

    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)
    clock.advance(hours=2)
    timers.sweep(world.engine, clock.now)

    assert len(notices(world, notifications.NEAR)) == 5
    assert told(world, notifications.MISSED, case_id) == ["chair"]  # not MOHA's chairperson


def test_19_8_2_1_a_missed_explanation_goes_to_the_hrc_chairperson(world, clock, moha_chair):
    case_id = world.walk_to("notice_served")
    missed_id = world.deadline(case_id, "explanation_due").id

    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)

    assert world.case(case_id).state == "explained"  # the timeout fired
    (note,) = notices(world, notifications.MISSED)
    assert note.user_id == world.users["chair"].id
    assert (note.key, note.cite) == (f"missed:{missed_id}", "19.8.2.1(i)")
    assert note.text.startswith(
        f"Case #{case_id} (Disciplinary enquiry: Dorji Wangchuk): deadline missed: "
        "Respondent's explanation (BCSR 19.8.2.1(i)) was due on Tue 22 Dec 2026."
    )
    assert (
        "The timer took the step the rule provides: No explanation within five working days."
        in note.text
    )
    assert (
        " Now for DC/HRC member or HRC chairperson or member secretary of MOH: "
        "Dismiss: charges without basis (BCSR 19.8.2.1(iii)) or "
        "Order an investigation (BCSR 19.8.2.2(i)) or "
    ) in note.text
    # The lapse moved the case on: the committee is told it waits for them.
    version = world.case(case_id).version
    assert told(world, notifications.ACTION, case_id, f"action:{case_id}:{version}") == [
        "chair",
        "dc",
        "dc2",
        "secretary",
    ]


def test_19_3_6_a_missed_deadline_of_an_executive_goes_to_the_rcsc_too(world, clock, moha_chair):
    world.make_servant("E300", level="EX3", name="Director General")
    case_id = world.open("E300")
    world.fire(case_id, "direct_enquiry", "rcsc", reasons="Not suitable for ADR")
    world.fire(
        case_id,
        "serve_notice",
        "rcsc",
        charges=["11"],
        particulars="Absent two days",
        prima_facie=True,
        notice_received_on=world.today(),
    )

    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)

    assert told(world, notifications.MISSED, case_id) == ["chair", "rcsc"]


def test_a_missed_deadline_in_an_agency_without_a_chairperson_goes_to_its_hr_officer(world, clock):
    world.make_servant("E400", agency="DOPH")
    world.add_user("doph_hr", (R.HR_OFFICER,), agency="DOPH")
    world.add_user("doph_dc", (R.DC_MEMBER,), agency="DOPH")
    case_id = world.notice_served(
        "E400",
        "doph_hr",
        "doph_dc",
        "doph_dc",
        received_on=world.today(),
        particulars="Absent two days",
    )

    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)

    assert told(world, notifications.MISSED, case_id) == ["doph_hr"]


def test_19_8_2_2_the_investigation_s_notices_go_only_to_who_may_take_its_steps(world, clock):
    """19.8.2.2(v): "The Investigator or Investigating Committee shall commence investigation
    within five working days on receiving directives from the Disciplinary Committee." From
    2023.2 the investigation's steps are the chosen investigators' (and the committee's
    members'), so its "waits for you" and "due soon" notices go to them, never to another
    investigator of the agency; the miss goes to the chairperson (19.3.4) as before, naming
    the investigators chosen. 2023.1,
    whose investigators were typed names, waited for every investigator of the agency."""
    world.add_user("other_investigator", (R.INVESTIGATOR,), agency="MOH")
    case_id = world.walk_to("explained")
    world.order_investigation(case_id, ["investigator"])
    key = f"action:{case_id}:{world.case(case_id).version}"
    assert told(world, notifications.ACTION, case_id, key) == [
        "chair",
        "dc2",
        "investigator",
        "secretary",
    ]  # not the dc, who ordered it, nor the investigator not chosen

    clock.now = bt("2026-12-18")  # due Mon 21 Dec (17 Dec is National Day)
    timers.sweep(world.engine, clock.now)
    assert told(world, notifications.NEAR, case_id) == [
        "chair",
        "dc",
        "dc2",
        "investigator",
        "secretary",
    ]
    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)
    assert told(world, notifications.MISSED, case_id) == ["chair"]
    (missed,) = notices(world, notifications.MISSED, case_id)
    assert "the investigator chosen on the case (investigator)" in missed.text  # by name

    clock.now = bt("2026-12-04")  # before 2023.2: typed names, no one chosen from users
    old = world.walk_to("explained")
    assert world.case(old).process_version == "2023.1"
    world.order_investigation(old, "investigator", directive_received_on=None)
    key = f"action:{old}:{world.case(old).version}"
    assert "other_investigator" in told(world, notifications.ACTION, old, key)


# ------------------------------------------------------------------ reading


def test_the_inbox_lists_unread_first_and_marks_read(world, clock):
    first = world.open()
    clock.advance(hours=1)
    second = world.open()
    chair = world.actors["chair"]
    with transaction(world.engine) as s:
        items = notifications.inbox(s, chair)
        assert [i.notice.case_id for i in items] == [second, first]
        assert notifications.unread_count(s, chair.user_id) == 2
        notifications.mark_read(s, chair.user_id, items[0].notice.id, clock.now)

    with transaction(world.engine) as s:
        items = notifications.inbox(s, chair)
        assert [i.notice.case_id for i in items] == [first, second]  # unread first
        assert notifications.unread_count(s, chair.user_id) == 1
        assert notifications.mark_all_read(s, chair.user_id, clock.now) == 1
        assert notifications.unread_count(s, chair.user_id) == 0


def test_another_users_notice_is_not_found(world):
    world.open()
    dc_notice = next(n for n in notices(world) if n.user_id == world.users["dc"].id)
    with transaction(world.engine) as s:
        with pytest.raises(service.NotFound):
            notifications.mark_read(s, world.users["chair"].id, dc_notice.id, world.clock.now)
    assert notices(world)[0].read_at is None


# ------------------------------------------------------------------ settling


def test_every_waits_for_you_notice_is_settled_when_the_step_is_taken(world):
    """Along the whole enquiry, after each step every "waits for you" notice of an earlier
    stage is settled (by whoever took the step), and only those for what the case waits for
    now stay open; once the case is final none is open."""
    case_id = world.open()
    steps = world.main_path_steps(
        ["11", "3"],
        [
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "demotion"},
        ],
    )
    for trigger, username, fields in steps:
        before = {
            n.id for n in notices(world, notifications.ACTION, case_id) if n.settled_at is None
        }
        world.fire(case_id, trigger, username, **fields)
        version = world.case(case_id).version
        for n in notices(world, notifications.ACTION, case_id):
            is_current = n.key == f"action:{case_id}:{version}"
            assert (n.settled_at is None) == is_current, (trigger, n.key, n.settled_at)
        after = notices(world, notifications.ACTION, case_id)
        assert all(n.settled_at is not None for n in after if n.id in before), trigger
    assert world.case(case_id).state == "closed"
    assert [n for n in notices(world, case_id=case_id) if n.settled_at is None] == []


def test_a_settled_notice_leaves_the_unread_count_and_stays_in_the_history(world):
    case_id = world.open()  # the chairperson must direct the enquiry (19.8.2)
    chair = world.actors["chair"]
    with world.session() as s:
        assert notifications.unread_count(s, chair.user_id) == 1

    world.fire(case_id, "direct_enquiry", "chair", reasons="Not suitable for ADR")

    with world.session() as s:
        assert notifications.unread_count(s, chair.user_id) == 0
        (item,) = notifications.inbox(s, chair)
    assert item.notice.settled_at is not None and item.notice.read_at is None


def test_a_deadline_notice_is_settled_when_its_deadline_is_met(world, clock):
    case_id = world.walk_to("notice_served")
    clock.now = bt("2026-12-18")  # two working days before the explanation is due
    timers.sweep(world.engine, clock.now)
    assert told(world, notifications.NEAR, case_id)

    world.fire(case_id, "submit_explanation", "respondent", explanation="I was unwell.")

    near = notices(world, notifications.NEAR, case_id)
    assert near and all(n.settled_at is not None for n in near)


def test_a_missed_deadline_notice_is_settled_when_the_late_step_is_taken(world, clock):
    case_id = world.walk_to("investigation_ordered")  # commence within 5 working days
    clock.advance(days=14)
    timers.sweep(world.engine, clock.now)
    missed = notices(world, notifications.MISSED, case_id)
    assert missed and all(n.settled_at is None for n in missed)

    world.fire(case_id, "commence_investigation", "secretary", commenced_on=world.today())

    assert all(n.settled_at is not None for n in notices(world, notifications.MISSED, case_id))


def test_19_3_5_a_missed_deadline_is_never_told_to_a_recused_member_or_the_respondent(
    world, clock, moha_chair
):
    """19.3.5 "A person related to or prejudicial against a respondent civil servant shall
    not be a member of Disciplinary Committee": a chairperson who stepped aside is not told
    of a miss on the case (the HR officer is, so it is never told to no one), and neither is
    the civil servant the case is about, even holding a chairperson's role."""
    case_id = world.walk_to("notice_served")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["chair"], "uncle", now=clock.now)
    world.make_servant("E500")
    world.add_user("chair500", (R.HRC_CHAIR, R.RESPONDENT), agency="MOH", employee_eid="E500")
    other = world.walk_to("notice_served", "E500", respondent="chair500")

    clock.now = bt("2026-12-23")
    timers.sweep(world.engine, clock.now)

    assert told(world, notifications.MISSED, case_id) == ["chair500"]  # not "chair"
    assert told(world, notifications.MISSED, other) == ["chair"]  # not "chair500"
