"""Committees as records (BCSR 2.10.3, 2.10.6.1, 2.10.6.2) and their meetings (19.3.4, 19.3.5).

A committee's members are users in seats with dates; its composition is checked by the
agency's kind; a meeting's members present are chosen from the members; a decision in a
meeting is the case's own step, with the meeting's members less those recused on the case.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from cases.core import audit, service
from cases.core.db import transaction
from cases.core.models import AuditEvent, Case, MeetingItem
from cases.review import committees, due_process, meeting_minutes, meetings, replay
from tests.conftest import DECISION
from workflows import committees as rules
from workflows.context import Refused

MOH_SEATS = {
    "chair": "chair",
    "dc": "director",
    "dc2": "specialist",
    "hr": "planning_officer",
    "secretary": "member_secretary",
}


def make_committee(world, agency: str = "MOH", code: str = "MOH HRC", by: str = "hr", **kw: Any):
    """The agency's HRC (2.10.1), with no member yet."""
    return world.make_committee("hrc", code, f"{agency} HRC", by=by, agency_code=agency, **kw)


def moh_hrc(world, **kw: Any) -> int:
    cid = make_committee(world, **kw)
    for user, s in MOH_SEATS.items():
        world.seat(cid, user, s)
    return cid


def composition(world, cid: int) -> committees.Composition:
    with transaction(world.engine) as s:
        c = committees.visible(s, world.actors["rcsc"], cid)
        return committees.composition(s, c, world.clock.today)


def test_composition_per_agency_kind_2_10_3_and_2_10_6_1(world) -> None:
    """2.10.3 "HRC shall have a minimum of five members including the Chairperson";
    2.10.6.1 "1. Ministry a. Chairperson: Secretary b. Members: i. All Directors/Director
    Generals; ii. A Specialist*; iii. Chief Planning Officer; ... v. HR Officer -Member
    Secretary"; "4. Dzongkhag a. Chairperson: Dzongdag b. Members: i. Dzongrab; ii. Planning
    Officer"; a department has no row, so only 2.10.3 applies."""
    cid = moh_hrc(world)
    assert composition(world, cid).meets

    short = make_committee(world, code="MOH HRC B")
    for user in ("chair", "dc", "dc2", "secretary"):
        world.seat(short, user, MOH_SEATS[user])
    found = composition(world, short)
    assert [s.cite for s in found.shortfalls] == ["2.10.3", "2.10.6.1"]
    assert "Chief Planning Officer" in found.summary() and "4 members" in found.summary()

    # The same seats in a dzongkhag lack the Dzongrab and the Planning Officer instead.
    assert [
        s.reason.split(": ")[-1]
        for s in rules.composition_shortfalls(
            "hrc", "dzongkhag", ["chair", "director", "specialist", "member", "member_secretary"]
        )
    ] == [
        "no member holds the seat 'Dzongrab'",
        "no member holds the seat '(Chief) Planning Officer'",
    ]
    assert rules.composition_shortfalls("hrc", "department", ["chair", *["member"] * 4]) == []
    assert rules.composition_shortfalls("investigation", "ministry", ["member"]) == []


def test_exception_under_2_10_6_2_recorded_by_the_rcsc_only(world) -> None:
    """2.10.6.2 "Agencies which do not meet the composition requirement specified in Section
    2.10.6.1 shall form HRC/Selection Committee with the relevant staff with prior approval
    from the RCSC"."""
    cid = make_committee(world)
    for user in ("chair", "dc", "secretary"):
        world.seat(cid, user, MOH_SEATS[user])
    raw = {"exception_ref": "RCSC/HRMD/2026/44", "exception_on": "2026-11-02"}
    with pytest.raises(Refused) as refused, transaction(world.engine) as s:
        committees.record_exception(s, world.actors["hr"], cid, raw, now=world.clock.now)
    assert refused.value.status == 403 and refused.value.refusals[0].cite == "2.10.6.2"
    with transaction(world.engine) as s:
        committees.record_exception(s, world.actors["rcsc"], cid, raw, now=world.clock.now)
    found = composition(world, cid)
    assert not found.meets and found.approved_otherwise
    assert "RCSC/HRMD/2026/44" in found.summary() and "2.10.6.2" in found.summary()


def test_committee_changes_append_to_the_audit_chain(world) -> None:
    """Every change of a committee is an event of the one chain (who, what, section)."""
    cid = moh_hrc(world)
    with transaction(world.engine) as s:
        member = s.exec(select(committees.CommitteeMember)).first()
        committees.end_member(
            s, world.actors["chair"], cid, member.id, {"end_on": "2026-12-31"}, now=world.clock.now
        )
        events = s.exec(select(AuditEvent).where(AuditEvent.process == "committee")).all()
        assert [e.trigger for e in events] == [
            "committee_create",
            *["committee_member_add"] * 5,
            "committee_member_end",
        ]
        assert json.loads(events[1].fields)["user"] == "chair" and events[1].cite == "2.10.6.1"
        assert audit.verify(s).ok


def test_member_input_class_refused_naming_the_field(world) -> None:
    """A member is a user of the agency (or the RCSC, 2.10.3), in a seat 2.10.6.1 names, one
    chair at a time; anything else is refused naming the field, nothing written."""
    cid = make_committee(world)
    world.seat(cid, "chair", "chair")
    world.add_user("other", ("dc_member",), agency="MOHA")
    cases = [
        ({"username": "nobody", "seat": "member"}, "username"),
        ({"username": "other", "seat": "member"}, "username"),
        ({"username": "dc", "seat": "king"}, "seat"),
        ({"username": "dc", "seat": "chair"}, "seat"),
        ({"username": "dc", "seat": "member", "end_on": "2025-01-01"}, "end_on"),
        ({"username": "dc", "seat": "member", "start_on": "tomorrow"}, "start_on"),
    ]
    for raw, field in cases:
        with pytest.raises(Refused) as refused, transaction(world.engine) as s:
            committees.add_member(
                s, world.actors["hr"], cid, {"start_on": "2026-01-01", **raw}, now=world.clock.now
            )
        assert refused.value.refusals[0].field == field, raw
    with pytest.raises(Refused) as refused, transaction(world.engine) as s:
        committees.add_member(
            s,
            world.actors["dc"],
            cid,
            {"username": "dc", "seat": "member", "start_on": "2026-01-01"},
            now=world.clock.now,
        )
    assert refused.value.status == 403
    with transaction(world.engine) as s:
        assert len(committees.members(s, cid)) == 1


# ------------------------------------------------------------------ meetings


def second_respondent(world) -> None:
    world.make_servant("E200")
    world.add_user("resp200", ("respondent",), employee_eid="E200")


def meeting(world, cid: int, present: list[str], by: str = "chair") -> int:
    with transaction(world.engine) as s:
        m = meetings.schedule(
            s, world.actors[by], cid, {"held_on": world.today()}, now=world.clock.now
        )
        meetings.record_present(s, world.actors[by], m.id, present, now=world.clock.now)
        return m.id


def decide(world, meeting_id: int, case_id: int, trigger: str, by: str = "chair", **fields):
    with transaction(world.engine) as s:
        version = s.get(Case, case_id).version
        return meetings.decide(
            s,
            world.actors[by],
            meeting_id,
            case_id,
            trigger,
            fields,
            now=world.clock.now,
            expected_version=version,
        ).event.seq


def test_meetings_are_numbered_per_committee_and_year(world) -> None:
    """A meeting is "MOH HRC 1/2026", then 2/2026; another committee counts its own."""
    cid = moh_hrc(world)
    first, second = meeting(world, cid, ["chair"]), meeting(world, cid, ["chair"])
    with transaction(world.engine) as s:
        labels = [
            meetings.label(*meetings.visible(s, world.actors["hr"], i)) for i in (first, second)
        ]
    assert labels == ["MOH HRC 1/2026", "MOH HRC 2/2026"]


def test_members_present_are_chosen_from_the_committee(world) -> None:
    """19.3.5 needs to know who sat: a name not serving on the committee that day is refused,
    and only the chair or the member secretary records a meeting (2.10.6.1)."""
    cid = moh_hrc(world)
    world.add_user("outsider", ("dc_member",), agency="MOH")
    with pytest.raises(Refused) as refused:
        meeting(world, cid, ["chair", "outsider"])
    assert refused.value.refusals[0].field == "present"
    with pytest.raises(Refused) as refused:
        meeting(world, cid, ["chair"], by="dc")
    assert refused.value.status == 403


def test_a_decision_in_a_meeting_records_it_and_its_members(world) -> None:
    """19.3.4 "The HRC of an Agency, which shall function as the Disciplinary Committee,
    shall hear and decide": the step taken in the meeting carries its members present and
    the meeting number, and the case's trail names the meeting."""
    cid = moh_hrc(world)
    case_id = world.walk_to("dc_meeting")
    mid = meeting(world, cid, list(MOH_SEATS))
    seq = decide(world, mid, case_id, "record_decision", **DECISION)
    data = world.data(case_id)
    # 2023.2 (19.3.5): the members present are the accounts that sat, by username.
    assert data["members_present"] == ["chair", "dc", "dc2", "hr", "secretary"]
    assert data["meeting_on"] == world.today()
    decide(world, mid, case_id, "endorse_decision", endorsed_on=world.today())
    assert world.data(case_id)["hrc_meeting_no"] == "MOH HRC 1/2026"
    with transaction(world.engine) as s:
        found = meetings.decisions(s, case_id=case_id)
        assert [(d.step, d.meeting, d.step_seq) for d in found][0] == (
            "record_decision",
            "MOH HRC 1/2026",
            seq,
        )
        trail = [e.trigger for e in audit.events_for(s, case_id)][-4:]
    assert trail == ["record_decision", "meeting_decision", "endorse_decision", "meeting_decision"]


def test_a_recused_member_is_left_out_of_that_item_only(world) -> None:
    """19.3.5 "A person related to or prejudicial against a respondent civil servant shall
    not be a member of Disciplinary Committee": dc2, recused on one case, sits on the other."""
    cid = moh_hrc(world)
    second_respondent(world)
    first, other = (
        world.walk_to("dc_meeting"),
        world.walk_to("dc_meeting", "E200", respondent="resp200"),
    )
    with transaction(world.engine) as s:
        service.declare_recusal(
            s, first, world.actors["dc2"], "brother-in-law", now=world.clock.now
        )
    mid = meeting(world, cid, list(MOH_SEATS))
    decide(world, mid, first, "record_decision", **DECISION)
    decide(world, mid, other, "record_decision", **DECISION)
    assert "dc2" not in world.data(first)["members_present"]
    assert "dc2" in world.data(other)["members_present"]
    with transaction(world.engine) as s:
        items = {i.case_id: i for i in s.exec(select(MeetingItem)).all()}
    assert json.loads(items[first].recused) == ["dc2"] and json.loads(items[other].recused) == []
    # The due-process report (19.12.3) names the meeting and who sat, and the recusal.
    with transaction(world.engine) as s:
        report = due_process.build(s, world.case(first), world.clock.now, world.actors["rcsc"])
    decided = [d for d in report.decisions if d.trigger == "record_decision"][0]
    assert "in meeting MOH HRC 1/2026 (sat: chair, dc, hr, secretary; recused, 19.3.5: dc2)" in (
        decided.detail
    )
    assert decided.flags == ()


def test_a_meeting_decides_only_with_the_agency_s_minimum_sitting(world) -> None:
    """The BCSR sets no quorum for a meeting (2.10.3 sizes the committee: "a minimum of five
    members including the Chairperson"): the agency's minimum applies, counting only members
    not recused on the case (19.3.5)."""
    cid = moh_hrc(world, min_present=5)
    case_id = world.walk_to("dc_meeting")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["dc2"], "cousin", now=world.clock.now)
    mid = meeting(world, cid, list(MOH_SEATS))
    with pytest.raises(Refused) as refused:
        decide(world, mid, case_id, "record_decision", **DECISION)
    r = refused.value.refusals[0]
    assert refused.value.status == 422 and r.field == "present" and "19.3.5" in r.reason
    assert world.case(case_id).state == "dc_meeting"


def test_agenda_holds_the_cases_waiting_for_the_committee_most_urgent_first(world) -> None:
    """The agenda is the committee's waiting steps (its chair's and member secretary's work
    queue), soonest deadline first; a deferred case leaves it, a decided one moves down."""
    cid = moh_hrc(world)
    second_respondent(world)
    later = world.walk_to("dc_meeting")
    world.clock.advance(days=3)
    sooner_case = world.walk_to("dc_meeting", "E200", respondent="resp200")
    world.clock.advance(days=-3)
    # `later` was reached first, so its 30-day meeting deadline is the sooner one.
    mid = meeting(world, cid, list(MOH_SEATS))
    with transaction(world.engine) as s:
        m, c = meetings.visible(s, world.actors["chair"], mid)
        waiting = [i.case.id for i in meetings.agenda(s, m, c, world.clock.now).waiting]
    assert waiting[:2] == [later, sooner_case]
    with transaction(world.engine) as s:
        meetings.set_item(s, world.actors["chair"], mid, later, "deferred", now=world.clock.now)
    with transaction(world.engine) as s:
        m, c = meetings.visible(s, world.actors["chair"], mid)
        got = meetings.agenda(s, m, c, world.clock.now)
    assert later not in [i.case.id for i in got.waiting]
    assert [i.case.id for i in got.deferred] == [later]


def test_minutes_list_every_decision_and_verify_in_the_chain(world) -> None:
    """The minutes are built from the meeting's decisions (case, step, decision, section,
    who sat, who was recused), issued with the PDF's SHA-256 in the chain; a second issue is
    a correction that supersedes the first."""
    cid = moh_hrc(world)
    second_respondent(world)
    first, other = (
        world.walk_to("dc_meeting"),
        world.walk_to("dc_meeting", "E200", respondent="resp200"),
    )
    with transaction(world.engine) as s:
        service.declare_recusal(s, first, world.actors["dc2"], "brother", now=world.clock.now)
    mid = meeting(world, cid, list(MOH_SEATS))
    with pytest.raises(Refused):
        with transaction(world.engine) as s:
            meeting_minutes.issue_minutes(s, world.actors["chair"], mid, now=world.clock.now)
    decide(world, mid, first, "record_decision", **DECISION)
    decide(world, mid, other, "record_decision", by="secretary", **DECISION)
    with transaction(world.engine) as s:
        minutes = meeting_minutes.issue_minutes(s, world.actors["chair"], mid, now=world.clock.now)
        html, sha, seq = minutes.html, minutes.sha256, minutes.audit_seq
    assert f"#{first}" in html and f"#{other}" in html and "19.8.2.3(viii)" in html
    assert (
        html.count("Record the DC") == 2 and "dc2" in html.split(f"#{first}")[1].split("</tr>")[0]
    )
    with transaction(world.engine) as s:
        ev = s.get(AuditEvent, seq)
        assert json.loads(ev.fields)["sha256"] == sha and ev.trigger == "issue_minutes"
        assert audit.verify(s).ok
        assert replay.drift(s) == []  # the meeting's events on the cases follow their steps
    # The meeting is closed: nothing more is decided or recorded in it.
    with pytest.raises(Refused) as refused:
        with transaction(world.engine) as s:
            meetings.record_present(s, world.actors["chair"], mid, ["chair"], now=world.clock.now)
    assert refused.value.status == 409
    with transaction(world.engine) as s:
        again = meeting_minutes.issue_minutes(s, world.actors["chair"], mid, now=world.clock.now)
        assert again.supersedes_id == minutes.id


def test_demo_has_each_agency_s_hrc_past_minutes_and_today_s_agenda(db_url) -> None:
    """The demo: each agency's HRC with its members (the MOH's formed with the RCSC's
    approval under 2.10.6.2), meetings made from the recorded numbers that agree, two with
    minutes, and today's MOH HRC meeting whose agenda holds the cases waiting for it."""
    from datetime import UTC, datetime

    from cases.core.db import engine_for
    from cases.core.models import Committee, Meeting, MeetingMinutes
    from cases.demo import seed

    engine = engine_for(db_url)
    now = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)
    summary = seed.build(engine, now)
    assert summary["committees"]["left"] > 0  # numbers that do not agree stay listed
    with transaction(engine) as s:
        by_code = {c.code: c for c in s.exec(select(Committee)).all()}
        assert {"MOH HRC", "MOESD HRC", "THIMPHU HRC", "RCSC CM"} <= set(by_code)
        moh = committees.composition(s, by_code["MOH HRC"], now.date())
        assert moh.approved_otherwise
        assert committees.composition(s, by_code["MOESD HRC"], now.date()).meets
        assert len(s.exec(select(MeetingMinutes)).all()) == 2
        upcoming = s.get(Meeting, summary["committees"]["upcoming"])
        agenda = meetings.agenda(s, upcoming, by_code["MOH HRC"], now)
        steps = {st.trigger for i in agenda.waiting for st in i.steps}
        assert "endorse_decision" in steps and "direct_enquiry" in steps
        assert audit.verify(s).ok
    engine.dispose()


def test_free_text_meeting_numbers_become_meetings_where_number_and_date_agree(
    world, db_url, monkeypatch, capsys
) -> None:
    """Decisions recorded with a typed "HRC meeting number" stay as they were; where every
    decision naming one number gives one day in that number's year, a meeting is made and
    the decisions linked (audited); the rest are listed with the reason. By the CLI, with
    the RCSC's or an administrator's authority (1.7); a second run links nothing twice."""
    from web import cli

    moh_hrc(world)
    second_respondent(world)
    world.make_servant("E300")
    world.add_user("resp300", ("respondent",), employee_eid="E300")
    a = world.walk_to("awaiting_endorsement")
    b = world.walk_to("awaiting_endorsement", "E200", respondent="resp200")
    c = world.walk_to("awaiting_endorsement", "E300", respondent="resp300")
    world.fire(
        a, "endorse_decision", "chair", endorsed_on=world.today(), hrc_meeting_no="MOH/HRC/2026/09"
    )
    world.fire(
        b, "endorse_decision", "chair", endorsed_on=world.today(), hrc_meeting_no="MOH/HRC/2026/09"
    )
    world.fire(c, "endorse_decision", "chair", endorsed_on=world.today(-1), hrc_meeting_no="HRC/3")
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    assert cli.main(["meetings", "migrate", "--as", "hr"]) == 1  # 1.7: not an HR officer
    assert cli.main(["meetings", "migrate", "--as", "admin", "--dry-run"]) == 0
    with transaction(world.engine) as s:
        assert s.exec(select(MeetingItem)).all() == []
    assert cli.main(["meetings", "migrate", "--as", "admin"]) == 0
    out = capsys.readouterr().out
    assert "created 1 meeting(s): MOH HRC 9/2026" in out
    assert f"case {c}" in out and "names no year and number" in out
    with transaction(world.engine) as s:
        found = meetings.decisions(s, meeting_id=s.exec(select(meetings.Meeting)).one().id)
        assert sorted(d.case_id for d in found) == [a, b]
    assert world.data(a)["hrc_meeting_no"] == "MOH/HRC/2026/09"  # the record stays
    assert cli.main(["meetings", "migrate", "--as", "admin"]) == 0
    assert "created 0 meeting(s)" in capsys.readouterr().out
    with transaction(world.engine) as s:
        assert len(s.exec(select(MeetingItem)).all()) == 2


def test_19_8_2_2_investigation_committee_is_formed_on_the_case_from_users(world) -> None:
    """19.8.2.2: an Investigation Committee for one case; 19.3.5 "A person related to or
    prejudicial against a respondent civil servant shall not be a member of ... the
    Investigating Committee": a member recused on the case, or the respondent, is refused;
    an officer of another agency may sit. Its changes are events of the case's own trail,
    which replay reads without drift."""
    case_id = world.walk_to("investigation_ordered")
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors["dc2"], "neighbour", now=world.clock.now)
    world.add_user("moha_officer", ("investigator",), agency="MOHA")
    with pytest.raises(Refused) as refused, transaction(world.engine) as s:
        committees.create(
            s,
            world.actors["hr"],
            {"kind": "investigation", "code": "IC 1", "name": "IC"},
            now=world.clock.now,
        )
    assert refused.value.refusals[0].field == "case_id"
    with transaction(world.engine) as s:
        ic = committees.create(
            s,
            world.actors["hr"],
            {
                "kind": "investigation",
                "code": f"IC case {case_id}",
                "name": "Investigation Committee",
                "case_id": case_id,
            },
            now=world.clock.now,
        ).id
    for user in ("dc2", "respondent"):
        with pytest.raises(Refused) as refused, transaction(world.engine) as s:
            committees.add_member(
                s,
                world.actors["hr"],
                ic,
                {"username": user, "seat": "member", "start_on": world.today()},
                now=world.clock.now,
            )
        r = refused.value.refusals[0]
        assert (r.field, r.cite) == ("username", "19.3.5"), user
    for user, seat in (("investigator", "chair"), ("moha_officer", "member")):
        seat_ = {"username": user, "seat": seat, "start_on": world.today()}
        with transaction(world.engine) as s:
            committees.add_member(s, world.actors["hr"], ic, seat_, now=world.clock.now)
    with transaction(world.engine) as s:
        ((found, seats),) = committees.of_case(s, case_id)
        assert [x.user.username for x in seats] == ["investigator", "moha_officer"]
        trail = [e.trigger for e in audit.events_for(s, case_id)][-3:]
        assert trail == ["committee_create", "committee_member_add", "committee_member_add"]
        assert replay.drift(s) == []


def test_19_3_4_members_present_are_chosen_from_the_recorded_committee_from_2023_2(world):
    """19.3.4 "The HRC of an Agency, which shall function as the Disciplinary Committee";
    2.10.6.1 its members: once the MOH records its HRC, a decision taken outside a meeting
    lists only its members (by username) as present; 2023.1 kept the free text."""
    moh_hrc(world)
    world.add_user("outsider", ("dc_member",), agency="MOH")
    fields = dict(DECISION, meeting_on=world.today())
    case_id = world.walk_to("dc_meeting")
    assert world.case(case_id).process_version == "2023.2"
    with pytest.raises(Refused) as refused:
        world.fire(case_id, "record_decision", "dc", members_present="dc, outsider", **fields)
    r = refused.value.refusals[0]
    assert (r.field, r.cite) == ("members_present", "19.3.4, 2.10.6.1") and "outsider" in r.reason
    assert world.case(case_id).state == "dc_meeting"
    world.fire(case_id, "record_decision", "dc", members_present="dc, chair, secretary", **fields)
    assert world.case(case_id).state == "awaiting_endorsement"


def test_2_10_3_members_present_outside_a_meeting_are_held_to_the_agency_s_minimum(world):
    """2.10.3 "HRC shall have a minimum of five members including the Chairperson" sizes the
    committee, not a sitting: the BCSR sets no quorum, so the agency sets the minimum present
    for a decision (rules.QUORUM_RULE). A decision taken outside a meeting is held to it as a
    meeting is: too few members present is refused naming the field, nothing written."""
    moh_hrc(world, min_present=4)
    fields = dict(DECISION, meeting_on=world.today())
    case_id = world.walk_to("dc_meeting")
    with pytest.raises(Refused) as refused:
        world.fire(case_id, "record_decision", "dc", members_present="dc, chair, dc", **fields)
    (r,) = refused.value.refusals
    assert (r.field, r.cite) == ("members_present", rules.QUORUM_CITE)
    assert "2 member(s) present" in r.reason and "MOH HRC decides with at least 4" in r.reason
    assert world.case(case_id).state == "dc_meeting"
    world.fire(case_id, "record_decision", "dc", members_present="dc, chair, dc2, hr", **fields)
    assert world.case(case_id).state == "awaiting_endorsement"


def test_19_3_4_a_2023_1_decision_keeps_its_free_text_members_present() -> None:
    """The first version did not know committees as records: its decision step does not
    check the line against them (a case opened before 7 December 2026 runs on 2023.1)."""
    from workflows import registry

    def kind(version: str) -> str:
        step = registry.version("disciplinary", version).steps_from("dc_meeting", "record_decision")
        return next(f.type for f in step[0].fields if f.name == "members_present")

    # 2023.2 chooses the members present from users (19.3.5, cases.core.step_users).
    assert (kind("2023.1"), kind("2023.2")) == ("text", "users")
