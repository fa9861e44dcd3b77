"""The due-process report (BCSR 19.12.3), derived from the audit trail and the deadline rows of
cases driven through ``service.fire`` and the sweep with the clock moved as the days pass."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cases.core import audit, calendar_store, service, timers
from cases.core.db import transaction
from cases.core.service import NotFound
from cases.review import due_process
from cases.review.due_process_lines import Check, Report
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ
from workflows.context import Refused


def bt(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


def report(world, case_id: int, username: str = "rcsc") -> Report:
    """The report as ``username`` reads it (the RCSC reads every confidential field)."""
    with world.session() as s:
        return due_process.build(s, world.case(case_id), world.clock.now, world.actors[username])


def check(rep: Report, key: str) -> Check:
    return next(c for c in rep.checks if c.key == key)


def verdicts(rep: Report) -> dict[str, list[str]]:
    return {c.key: [x.verdict for x in c.lines] for c in rep.checks}


def sweep_on(world, clock, day: str) -> None:
    """The clock moved to 10:00 of ``day`` in Thimphu and the deadline sweep run then, as the
    server's timer loop would (what lapsed is lapsed before the report is read)."""
    clock.now = bt(day)
    timers.sweep(world.engine, clock.now)


def recuse(world, case_id: int, username: str, reason: str) -> None:
    with transaction(world.engine) as s:
        service.declare_recusal(s, case_id, world.actors[username], reason, now=world.clock.now)


# ------------------------------------------------------------------ the whole enquiry


def test_a_full_enquiry_and_appeal_shows_every_required_step_met_with_its_section(world):
    case_id = world.walk_to("closed")
    rep = report(world, case_id)
    assert verdicts(rep) == {
        "notice": ["met"],
        "explanation": ["met"],
        "investigation_ordered": ["met"],
        "investigation_commenced": ["met"],
        "investigation_extended": ["not_applicable"],
        "investigation_completed": ["met"],
        "report": ["met"],
        "report_copy": ["met"],
        "heard": ["met"],
        "meeting": ["met"],
        "endorsed": ["met"],
        "communicated": ["met"],
        "signed": ["met"],
        "rcsc_copy": ["met"],
        "appeal_window": ["met"],
        "appellate_decision": ["met"],
        "appeal_executed": ["met"],  # 19.8.3, from 2023.2
        "suspension": ["not_applicable"],
    }
    cites = {c.key: c.cite for c in rep.checks}
    assert cites["explanation"] == "19.8.2.1(i)"
    assert cites["investigation_commenced"] == "19.8.2.2(v)"
    assert cites["investigation_completed"] == "19.8.2.2(vi)"
    assert cites["report"] == "19.8.2.2(x)"
    assert cites["report_copy"] == "19.8.2.2(xi)"
    assert cites["meeting"] == "19.8.2.3(vi)"
    assert cites["endorsed"] == "19.8.2.4(i)"
    assert cites["communicated"] == "19.8.2.4(ii)"
    assert cites["appeal_window"] == "19.12.2"
    assert cites["appellate_decision"] == "19.12.4"
    # Required dates are the deadline rows'; actual dates are the steps' own dates.
    explanation = check(rep, "explanation").lines[0]
    assert (explanation.required_on, explanation.actual_on) == (
        date(2026, 12, 22),
        world.clock.today,
    )
    assert explanation.required == "5 working days from 2026-12-14"
    heard = check(rep, "heard").lines[0]
    assert (heard.cite, heard.actual) == ("19.8.2.3(i), (iv)", "heard and responded")
    appellate = check(rep, "appellate_decision").lines[0]
    assert appellate.required_on == date(2027, 1, 13)
    assert "due process examined (19.12.3): yes" in appellate.note
    assert "no extension granted" in check(rep, "investigation_extended").lines[0].note
    assert rep.problems == []
    assert rep.cite == "19.12.3"


def test_the_committee_at_each_decision_is_read_from_the_trail(world):
    case_id = world.walk_to("closed")
    rep = report(world, case_id)
    by = {d.trigger: (d.actor, d.role) for d in rep.decisions}
    assert by["serve_notice"] == ("dc", "DC/HRC member")
    assert by["order_investigation"] == ("dc", "DC/HRC member")
    assert by["record_decision"] == ("dc", "DC/HRC member")
    assert by["endorse_decision"] == ("chair", "HRC chairperson")
    assert by["communicate_decision"] == ("chair", "HRC chairperson")
    assert by["decide_appeal"] == ("rcsc", "appellate authority")
    meeting = next(d for d in rep.decisions if d.trigger == "record_decision")
    assert "members present: dc, dc2, chair, secretary" in meeting.detail
    assert "submit_explanation" not in by  # the respondent's step is not a decision
    assert rep.recusals == ()


def test_the_chain_head_in_the_report_verifies_and_a_head_not_in_the_chain_fails(world):
    case_id = world.walk_to("decided")
    other = world.walk_to("received")  # a later event of another case: the global head moves
    rep = report(world, case_id)
    body = due_process.as_json(rep)
    with world.session() as s:
        assert (body["chain"]["head_seq"], body["chain"]["head_hash"]) == audit.head(s)
        last = audit.events_for(s, case_id)[-1]
        assert (body["chain"]["case_last_seq"], body["chain"]["case_last_hash"]) == (
            last.seq,
            last.hash,
        )
        assert audit.verify(s, body["chain"]["head_hash"]).ok
        assert audit.verify(s, body["chain"]["case_last_hash"]).ok
        forged = audit.verify(s, "f" * 64)
        assert not forged.ok and "not in the chain" in forged.problem
    assert body["chain"]["verify"] == f"drukflow audit verify --head {rep.chain.head_hash}"
    assert body["chain"]["head_seq"] > body["chain"]["case_last_seq"]
    # A copy made earlier still verifies after the chain has grown.
    world.fire(other, "direct_enquiry", "chair")
    with world.session() as s:
        assert audit.verify(s, body["chain"]["head_hash"]).ok


# ------------------------------------------------------------------ late, overdue, pending


def test_late_steps_are_missed_by_working_days_on_bhutans_calendar(world, clock):
    case_id = world.walk_to("explained")  # directive of Monday 14 December 2026
    world.fire(
        case_id,
        "order_investigation",
        "dc",
        investigated_by="member_secretary",
        investigators="secretary",
        directive_on="2026-12-14",
        directive_received_on="2026-12-14",
    )
    clock.now = bt("2026-12-28")
    world.fire(case_id, "commence_investigation", "secretary", commenced_on="2026-12-28")
    world.fire(
        case_id, "extend_investigation", "dc", total_days=30, extension_reason="Witness on tour"
    )
    clock.now = bt("2027-01-04")
    world.fire(case_id, "complete_investigation", "secretary", completed_on="2027-01-04")
    clock.now = bt("2027-01-13")
    world.fire(
        case_id,
        "submit_report",
        "secretary",
        report_findings="Absence proven",
        report_received_on="2027-01-13",
        withheld_parts="Names of two witnesses",
    )
    rep = report(world, case_id)

    # 19.8.2.2(v): due Tue 22 Dec (National Day, 17 Dec, skipped); commenced Mon 28 Dec:
    # 23, 24, 25 and 28 December are working days in Bhutan.
    commenced = check(rep, "investigation_commenced").lines[0]
    assert (commenced.verdict, commenced.required_on, commenced.actual_on) == (
        "missed",
        date(2026, 12, 22),
        date(2026, 12, 28),
    )
    assert (commenced.late_by, commenced.status) == (4, "missed by 4 working days")

    extended = check(rep, "investigation_extended").lines[0]
    assert extended.verdict == "met"
    assert extended.actual == "extended to 30 days, to 2027-01-27 by dc"
    assert extended.note == "reason: Witness on tour"
    completed = check(rep, "investigation_completed").lines
    assert len(completed) == 1  # the superseded 15-day row is the same occurrence
    assert completed[0].verdict == "met" and completed[0].required_on == date(2027, 1, 27)
    assert "first 15 days, due 2027-01-12" in completed[0].required

    with world.session() as s:
        cal = calendar_store.load(s)
    report_due = cal.add_working_days(date(2027, 1, 4), 5)
    written = check(rep, "report").lines[0]
    assert written.required_on == report_due
    assert written.verdict == "missed"
    assert written.late_by == cal.working_days_between(report_due, date(2027, 1, 13)) >= 1

    copy = check(rep, "report_copy").lines[0]
    assert copy.verdict == "met" and "Names of two witnesses" in copy.note

    assert [(c.key, x.verdict) for c, x in rep.problems] == [
        ("investigation_commenced", "missed"),
        ("report", "missed"),
    ]
    # Steps not reached yet are pending; the DC meeting has its date armed already.
    meeting = check(rep, "meeting").lines[0]
    assert (meeting.verdict, meeting.required_on) == ("pending", date(2027, 2, 12))
    assert check(rep, "heard").lines[0].verdict == "pending"
    assert check(rep, "appellate_decision").lines[0].verdict == "pending"


def test_a_step_not_taken_by_its_date_is_overdue_by_working_days(world, clock):
    case_id = world.walk_to("investigation_ordered")  # directive 14 December, due 22 December
    clock.now = bt("2026-12-29")
    rep = report(world, case_id)
    line = check(rep, "investigation_commenced").lines[0]
    assert (line.verdict, line.late_by, line.status) == (
        "overdue",
        5,
        "overdue by 5 working days",
    )
    assert [c.key for c, _ in rep.problems] == ["investigation_commenced"]
    assert check(rep, "report").lines[0].verdict == "pending"


def test_an_explanation_that_lapsed_after_the_full_period_is_not_a_failure(world, clock):
    case_id = world.walk_to("notice_served")
    sweep_on(world, clock, "2026-12-23")
    world.fire(case_id, "convene_meeting", "dc", reasons="Facts are simple")
    rep = report(world, case_id)
    explanation = check(rep, "explanation").lines[0]
    assert explanation.verdict == "met"
    assert explanation.status == "met: the full period was given"
    assert explanation.actual.startswith("no explanation received; ran out")
    for key in ("investigation_ordered", "investigation_commenced", "report", "report_copy"):
        line = check(rep, key).lines[0]
        assert line.verdict == "not_applicable", key
        assert "no investigation ordered" in line.note and "19.8.2.3" in line.note
    # 19.8.2.3(vi): "The Disciplinary Committee shall conclude its meeting within 30 days
    # from the receipt of the investigation report": with no report, no clock (2023.2).
    meeting = check(rep, "meeting").lines[0]
    assert meeting.verdict == "not_applicable"
    assert meeting.note == "convened without an investigation"
    assert meeting.required.startswith("no time limit in the rule: 19.8.2.3(vi)")


def test_a_calendar_change_keeps_the_first_required_date_beside_the_new_one(world):
    case_id = world.walk_to("notice_served")  # explanation due Tue 22 December
    with transaction(world.engine) as s:
        calendar_store.set_override(
            s, date(2026, 12, 21), "added", "Office closure", "admin", world.clock.now
        )
    line = check(report(world, case_id), "explanation").lines[0]
    assert (line.required_on, line.original_required_on) == (date(2026, 12, 23), date(2026, 12, 22))
    assert "moved from 2026-12-22 by a calendar change of 2026-12-21" in line.required


# ------------------------------------------------------------------ steps passed more than once


def test_an_hrc_return_and_an_appellate_remand_show_each_occurrence(world, clock):
    case_id = world.walk_to("awaiting_endorsement")
    world.fire(case_id, "return_to_dc", "chair", reasons="Demotion too harsh for a first offence")
    world.drive(case_id, "appeal")
    clock.now = bt("2026-12-21")
    world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome="remanded",
        due_process_examined=True,
        appeal_reasons="Reconsider the penalty",
    )
    world.execute_appeal(case_id)
    world.drive(case_id, "decided")
    rep = report(world, case_id)

    endorsed = check(rep, "endorsed").lines
    assert [x.verdict for x in endorsed] == ["returned", "met", "met"]
    assert "Demotion too harsh" in endorsed[0].note
    meeting = check(rep, "meeting").lines
    # 19.8.2.3(vi) sets 30 days "from the receipt of the investigation report" only: a
    # return or a remand starts no clock (version 2023.2), and the report says so.
    assert [x.verdict for x in meeting] == ["met", "not_applicable", "not_applicable"]
    assert [x.note for x in meeting] == [
        "counted from the receipt of the investigation report",
        "after the HRC returned the decision",
        "after the appellate authority remanded the case (19.8.3)",
    ]
    assert meeting[2].required_on is None
    assert "no time limit in the rule" in meeting[2].required
    assert len(check(rep, "heard").lines) == 3
    assert len(check(rep, "communicated").lines) == 2
    window = check(rep, "appeal_window").lines
    assert [x.verdict for x in window] == ["met", "pending"]
    assert window[1].status == f"open until {window[1].required_on}"
    appellate = check(rep, "appellate_decision").lines
    assert [x.verdict for x in appellate] == ["met"]
    assert appellate[0].actual == "appeal remanded by rcsc"


def test_no_appeal_the_window_closes_and_the_appellate_step_is_not_applicable(world, clock):
    case_id = world.walk_to("decided")  # decision received 14 December; window to 29 December
    sweep_on(world, clock, "2026-12-30")
    assert world.case(case_id).state == "closed"
    rep = report(world, case_id)
    window = check(rep, "appeal_window").lines[0]
    assert (window.verdict, window.status) == ("lapsed", "closed without an appeal")
    assert window.actual == "no appeal; decision final on 2026-12-30"
    appellate = check(rep, "appellate_decision").lines[0]
    assert (appellate.verdict, appellate.note) == ("not_applicable", "no appeal lodged (19.12.2)")
    assert rep.final


def test_a_case_closed_by_adr_has_every_enquiry_step_not_applicable(world):
    case_id = world.open()
    world.fire(case_id, "refer_to_adr", "chair", adr_method="counselling", adr_officer="Sonam")
    world.fire(case_id, "adr_resolved", "dc", resolution="Agreed to attend on time")
    rep = report(world, case_id)
    assert {x.verdict for c in rep.checks for x in c.lines} == {"not_applicable"}
    assert check(rep, "notice").lines[0].note == "closed by ADR (19.7.2)"
    assert [d.trigger for d in rep.decisions] == ["refer_to_adr", "adr_resolved"]


def test_a_case_in_progress_has_the_later_steps_pending(world):
    case_id = world.walk_to("notice_served")
    rep = report(world, case_id)
    explanation = check(rep, "explanation").lines[0]
    assert (explanation.verdict, explanation.status) == ("pending", "pending: due 2026-12-22")
    notice = check(rep, "notice").lines[0]
    assert notice.verdict == "met" and notice.actual_on == date(2026, 12, 14)
    ordered = check(rep, "investigation_ordered").lines[0]
    assert ordered.verdict == "pending" and "notice served" in ordered.note


def test_a_period_run_out_but_not_yet_swept_is_pending_not_overdue(world, clock):
    case_id = world.walk_to("notice_served")  # explanation due 22 December
    clock.now = bt("2026-12-24")  # the sweep has not run yet
    explanation = check(report(world, case_id), "explanation").lines[0]
    assert explanation.verdict == "pending"
    assert explanation.status == "pending: the period ended 2026-12-22"
    assert "explanation lapsed" in explanation.note
    sweep_on(world, clock, "2026-12-24")
    explanation = check(report(world, case_id), "explanation").lines[0]
    assert (explanation.verdict, explanation.status) == ("met", "met: the full period was given")


# ------------------------------------------------------------------ recusals (19.3.5)


def test_recusals_show_what_the_member_did_before_and_a_recused_member_listed_present(world, clock):
    # A case under 2023.1, which still let a decision list a recused member as present
    # (2023.2 refuses it, 19.3.5: tests/cases/test_disciplinary_2023_2.py).
    clock.advance(days=-10)
    case_id = world.walk_to("enquiry_directed")
    assert world.case(case_id).process_version == "2023.1"
    world.fire(
        case_id,
        "serve_notice",
        "dc2",
        charges=["11"],
        particulars="Absent without leave",
        prima_facie=True,
        notice_received_on=world.today(),
    )
    recuse(world, case_id, "dc2", "Cousin of the respondent")
    world.fire(case_id, "submit_explanation", "respondent", explanation="I was unwell.")
    world.fire(case_id, "convene_meeting", "dc", reasons="The facts are simple")
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, dc2, chair, secretary",
        findings=[{"charge": 1, "finding": "guilty", "penalty": "reprimand"}],
        decision_reasons="The evidence establishes the charge.",
    )
    rep = report(world, case_id)
    (recusal,) = rep.recusals
    assert (recusal.username, recusal.reason) == ("dc2", "Cousin of the respondent")
    assert recusal.acted_before == (f"serve notice (#{recusal.seq - 1})",)
    notice = next(d for d in rep.decisions if d.trigger == "serve_notice")
    assert notice.recused_before == ()
    meeting = next(d for d in rep.decisions if d.trigger == "record_decision")
    assert meeting.recused_before == ("dc2",)
    assert meeting.flags == ("a recused member is listed as present (19.3.5)",)


# ------------------------------------------------------------------ who may read it


def test_who_may_read_the_report(world):
    world.make_servant("E200", level="EX3", name="Director General")
    world.make_servant("E300", agency="DOPH", name="Dzongkhag officer")
    world.add_user("doph_hr", (R.HR_OFFICER,), agency="DOPH")
    world.add_user("doph_chair", (R.HRC_CHAIR,), agency="DOPH")
    moh = world.walk_to("decided")
    esc = world.open("E200")
    dept = world.open("E300", username="doph_hr")

    def outcome(username: str, case_id: int) -> str:
        with world.session() as s:
            try:
                due_process.report_for(s, world.actors[username], case_id, world.clock.now)
            except NotFound:
                return "404"
            except Refused as exc:
                assert [r.cite for r in exc.refusals] == ["19.12.3"]
                return "403"
        return "200"

    # A ministry's case: the RCSC hears the appeal (19.3.7); the HRC sits as DC (19.3.4).
    assert [outcome(u, moh) for u in ("rcsc", "chair", "dc", "secretary", "admin")] == ["200"] * 5
    assert [outcome(u, moh) for u in ("hr", "investigator", "tribunal", "moh_appeal")] == [
        "404"
    ] * 4
    assert outcome("respondent", moh) == "403"
    # An executive's case: the RCSC decides (19.3.6); the Administrative Tribunal hears an
    # appeal, and sees the case only once one is lodged (19.12.2); the agency's HRC is not the
    # disciplinary authority.
    assert [outcome(u, esc) for u in ("tribunal", "rcsc", "chair", "dc")] == [
        "404",
        "200",
        "404",
        "404",
    ]
    # A department's case: its HRC sits as DC; its ministry hears an appeal (19.3.7), once
    # one is lodged.
    assert [outcome(u, dept) for u in ("moh_appeal", "doph_chair", "chair", "hr")] == [
        "404",
        "200",
        "404",
        "404",
    ]
    case = world.case(moh)
    with world.session() as s:
        assert due_process.for_viewer(s, case, world.actors["hr"], world.clock.now) is None
        assert due_process.for_viewer(s, case, world.actors["respondent"], world.clock.now) is None
        shown = due_process.for_viewer(s, case, world.actors["rcsc"], world.clock.now)
        assert shown is not None and shown.case_id == moh


# ------------------------------------------------------------------ other processes


def test_other_processes_get_the_same_table_from_their_deadlines(world):
    from test_eol_cases import START, apply, grant, move_to

    case_id = apply(world)
    grant(world, case_id)
    move_to(world, START)
    world.fire(case_id, "commence", "hr", commenced_on=START.isoformat())
    rep = report(world, case_id)
    assert [c.key for c in rep.checks] == ["leave_commences", "rejoin_due", "position_protection"]
    begins = check(rep, "leave_commences")
    assert begins.cite == "8.12.16"
    line = begins.lines[0]
    assert (line.verdict, line.required_on, line.actual_on) == ("met", START, START)
    assert line.note.startswith("set by ")
    assert check(rep, "rejoin_due").lines[0].verdict == "pending"
    assert [d.trigger for d in rep.decisions] == ["open", "approve", "commence"]
    case = world.case(case_id)
    with world.session() as s:
        assert due_process.may_view(s, case, world.actors["chair"], world.clock.now)
        assert not due_process.may_view(s, case, world.actors["hr"], world.clock.now)


@pytest.mark.parametrize("outcome", ["upheld", "quashed"])
def test_json_lists_each_occurrence_with_dates_verdicts_and_sections(world, outcome):
    case_id = world.walk_to("appeal")
    world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome=outcome,
        due_process_examined=True,
        due_process_followed=True,
        appeal_reasons="Reviewed",
    )
    body = due_process.as_json(report(world, case_id))
    assert body["cite"] == "19.12.3" and body["case"]["id"] == case_id
    comm = next(c for c in body["checks"] if c["key"] == "communicated")
    (occ,) = comm["occurrences"]
    assert occ["verdict"] == "met" and occ["cite"] == "19.8.2.4(ii)"
    assert occ["required_on"] == "2026-12-22" and occ["actual_on"] == "2026-12-14"
    assert isinstance(occ["audit_seq"], int)
    decided = next(d for d in body["decisions"] if d["trigger"] == "decide_appeal")
    assert decided["detail"] == f"outcome: {outcome}"
    assert body["counts"]["missed"] == 0


def test_19_8_3_the_report_shows_who_executed_the_appellate_decision(world):
    """19.8.3 (2023.2): "the Disciplinary Committee of the Appellate Authority shall execute
    the decision": the report names the execution and the body whose committee it was; no
    time is set for it, and the report says so."""
    case_id = world.walk_to("closed")
    rep = report(world, case_id)
    [line] = check(rep, "appeal_executed").lines
    assert check(rep, "appeal_executed").cite == "19.8.3"
    assert (line.verdict, line.required) == ("met", "no time limit in the rule")
    assert line.note == "letter RCSC/AP/1; by the committee of RCSC"
    executed = next(d for d in rep.decisions if d.trigger == "execute_appeal_decision")
    assert executed.actor == "rcsc"
