"""Turnaround-time oversight (BCSR 2.10.1, 2.9.1): counts, median and nearest-rank p90 of
working days taken, per step, agency and month; the overdue and due-soon lists; who may look.

Cases are driven through ``service.fire`` and the sweep with the test clock, so every
deadline is armed, settled or missed for real. The explanation of 19.8.2.1(i) is due five
working days after the notice is received: a notice received on Monday 14 December 2026 is
due on Tuesday 22 December (17 December, National Day, is skipped).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cases.core import calendar_store, timers
from cases.core.db import transaction
from cases.core.models import CaseAgency
from cases.review import oversight, oversight_filters, oversight_pending, oversight_stats
from cases.review.oversight_filters import FilterError, Filters
from cases.review.oversight_stats import Outcome
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ
from workflows.context import Refused

EXPLANATION = ("disciplinary", "explanation_due", "Respondent's explanation", "19.8.2.1(i)")
RESPONDENT_OR_DC = "the respondent, or DC/HRC member or HRC chairperson or member secretary of MOH"


def bt(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


def notice_on(world, clock, day: str, eid: str = "E100") -> int:
    """A MOH case whose notice of charges is received on ``day`` (explanation then due)."""
    clock.now = bt(day)
    return world.walk_to("notice_served", eid)


def explain_on(world, clock, case_id: int, day: str) -> None:
    clock.now = bt(day)
    world.fire(case_id, "submit_explanation", "dc", explanation="I was unwell.")


def moha(world) -> None:
    """A second ministry with its own HRC and one civil servant."""
    world.make_servant("E200", agency="MOHA", name="Pema Lhamo")
    world.add_user("moha_hr", (R.HR_OFFICER,), agency="MOHA")
    world.add_user("moha_chair", (R.HRC_CHAIR,), agency="MOHA")
    world.add_user("moha_dc", (R.DC_MEMBER,), agency="MOHA")


def moha_notice_on(world, clock, day: str) -> int:
    clock.now = bt(day)
    return world.notice_served("E200", "moha_hr", "moha_chair", "moha_dc", received_on=day)


@pytest.fixture
def history(world, clock) -> dict[str, int]:
    """Eight MOH explanations and one MOHA one, with known outcomes.

    MOH, due 22 December: explained after 1, 2, 3 and 5 working days (met), after 6 (late),
    never (lapsed by the sweep). Due 4 January: explained after 2. Due 12 January: open.
    MOHA, due 22 December: never explained.
    """
    moha(world)
    ids = {name: notice_on(world, clock, "2026-12-14") for name in "ABCDEF"}
    ids["moha"] = moha_notice_on(world, clock, "2026-12-14")
    explain_on(world, clock, ids["A"], "2026-12-15")  # 1 working day
    explain_on(world, clock, ids["B"], "2026-12-16")  # 2
    explain_on(world, clock, ids["C"], "2026-12-18")  # 3 (17th: National Day)
    explain_on(world, clock, ids["D"], "2026-12-22")  # 5, on the due day: met
    explain_on(world, clock, ids["E"], "2026-12-23")  # 6: late, before any sweep
    timers.sweep(world.engine, bt("2026-12-23", 11))  # F and MOHA's lapse (19.8.2.1(i))
    ids["G"] = notice_on(world, clock, "2026-12-28")  # due Monday 4 January 2027
    explain_on(world, clock, ids["G"], "2026-12-30")  # 2 working days
    ids["H"] = notice_on(world, clock, "2027-01-04")  # due 12 January (8th: a holiday)
    clock.now = bt("2027-01-05")
    return ids


def report_for(world, username: str, **filters: str) -> oversight.Report:
    with world.session() as s:
        return oversight.report(s, world.actors[username], Filters(**filters))


def numbers(t: oversight_stats.Tally) -> tuple[int, int, int, int, float | None, int | None]:
    return (t.met, t.missed, t.missed_late, t.open, t.median, t.p90)


def step_of(rep: oversight.Report, kind: str) -> oversight_stats.Tally:
    (found,) = [t for t in rep.steps if t.kind == kind]
    return found


# ------------------------------------------------------------------ pure statistics


def test_p90_is_the_nearest_rank_value_and_median_the_middle():
    assert oversight_stats.p90(list(range(1, 11))) == 9  # rank ceil(9.0) = 9
    assert oversight_stats.p90(list(range(1, 12))) == 10  # rank ceil(9.9) = 10, no interpolation
    assert oversight_stats.p90([7]) == 7
    assert oversight_stats.p90([]) is None
    assert oversight_stats.median([3, 1, 2]) == 2
    assert oversight_stats.median([1, 2, 3, 5]) == 2.5
    assert oversight_stats.median([]) is None
    assert [oversight.fmt_days(v) for v in (3.0, 2.5, None, 6)] == ["3", "2.5", "", "6"]


def test_tally_counts_met_missed_late_and_open_and_groups_by_agency_and_month():
    def o(agency: str, month: str, status: str, days: int | None) -> Outcome:
        return Outcome(*EXPLANATION, "working_days", agency, month, status, days)

    found = [
        o("MOH", "2026-12", "met", 1),
        o("MOH", "2026-12", "met", 4),
        o("MOH", "2026-12", "missed", 9),
        o("MOH", "2027-01", "missed", None),
        o("MOHA", "2026-12", "armed", None),
    ]
    (step,) = oversight_stats.tally(found, oversight.STEP)
    assert numbers(step) == (2, 2, 1, 1, 4.0, 9)
    by_agency = oversight_stats.tally(found, (*oversight.STEP, "agency"))
    assert [(t.agency, numbers(t)) for t in by_agency] == [
        ("MOH", (2, 2, 1, 0, 4.0, 9)),
        ("MOHA", (0, 0, 0, 1, None, None)),
    ]
    months = oversight_stats.tally(found, ("month",))
    assert [(t.month, t.met, t.missed, t.open) for t in months] == [
        ("2026-12", 2, 1, 1),
        ("2027-01", 0, 1, 0),
    ]


def test_days_taken_are_working_days_and_never_below_zero(world):
    with world.session() as s:
        cal = calendar_store.load(s)

    def days(basis: date, settled_at: datetime | None) -> int | None:
        return oversight_stats.days_taken(cal, basis, settled_at)

    assert days(date(2026, 12, 14), bt("2026-12-18")) == 3  # 15, 16, 18 (17th: National Day)
    # 01:00 on Monday 21st in Thimphu is still Sunday in UTC: the Bhutan day counts
    assert days(date(2026, 12, 14), bt("2026-12-21", 1)) == 4
    assert days(date(2026, 12, 20), bt("2026-12-18")) == 0  # taken before its clock started
    assert days(date(2026, 12, 14), None) is None
    assert oversight_filters.months_between("2026-11", "2027-02") == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]


def test_filters_name_the_parameter_they_refuse():
    agencies = ["MOH", "MOHA"]
    ok = oversight_filters.parse_filters(
        {"process": "disciplinary", "agency": "moh", "from_month": "2026-12"}, agencies
    )
    assert ok == Filters("disciplinary", "MOH", "2026-12", "")
    for params, name in [
        ({"process": "leave"}, "process"),
        ({"agency": "XYZ"}, "agency"),
        ({"from_month": "2026-13"}, "from_month"),
        ({"to_month": "December"}, "to_month"),
        ({"from_month": "2027-01", "to_month": "2026-12"}, "to_month"),
    ]:
        with pytest.raises(FilterError) as exc:
            oversight_filters.parse_filters(params, agencies)
        assert exc.value.param == name
        assert str(exc.value).startswith(f"{name}: ")


def test_the_due_soon_window_is_five_working_days_counting_today(world):
    with world.session() as s:
        cal = calendar_store.load(s)
    # Tuesday 15 December: 15, 16, 18 (17th is National Day), 21, 22
    assert oversight_pending.soon_until(cal, date(2026, 12, 15)) == date(2026, 12, 22)
    # Saturday 19 December: the five working days after it, 21 to 25
    assert oversight_pending.soon_until(cal, date(2026, 12, 19)) == date(2026, 12, 25)


# ------------------------------------------------------------------ real cases


def test_counts_median_and_p90_of_working_days_taken_per_step(world, history):
    rep = report_for(world, "chair")
    step = step_of(rep, "explanation_due")
    # days taken 1, 2, 3, 5, 6, 2: median (2 + 3) / 2, p90 rank ceil(5.4) = 6 of 6
    assert numbers(step) == (5, 2, 1, 1, 2.5, 6)
    assert (step.label, step.cite, step.unit, step.days) == (
        "Respondent's explanation",
        "19.8.2.1(i)",
        "working_days",
        (1, 2, 3, 5, 6, 2),
    )
    assert [t.kind for t in rep.steps] == ["explanation_due"]  # nothing else was armed


def test_by_month_of_the_due_date_and_by_agency(world, history):
    rep = report_for(world, "rcsc")
    assert [(t.month, t.agency, numbers(t)) for t in rep.rows] == [
        ("2026-12", "MOH", (4, 2, 1, 0, 3.0, 6)),
        ("2027-01", "MOH", (1, 0, 0, 1, 2.0, 2)),
        ("2026-12", "MOHA", (0, 1, 0, 0, None, None)),
    ]
    assert [(t.month, numbers(t)) for t in rep.by_month] == [
        ("2026-12", (4, 3, 1, 0, 3.0, 6)),
        ("2027-01", (1, 0, 0, 1, 2.0, 2)),
    ]
    assert [(t.agency, t.met, t.missed, t.open) for t in rep.by_agency] == [
        ("MOH", 5, 2, 1),
        ("MOHA", 0, 1, 0),
    ]
    assert [(t.month, t.met, t.missed, t.open) for t in rep.months] == [
        ("2026-12", 4, 3, 0),
        ("2027-01", 1, 0, 1),
    ]


def test_filters_narrow_process_agency_and_months(world, history):
    assert numbers(report_for(world, "rcsc", agency="MOHA").total) == (0, 1, 0, 0, None, None)
    assert report_for(world, "rcsc", process="eol").steps == []
    assert numbers(report_for(world, "rcsc", process="disciplinary").total)[:4] == (5, 3, 1, 1)
    january = report_for(world, "rcsc", from_month="2027-01")
    assert numbers(january.total) == (1, 0, 0, 1, 2.0, 2)
    december = report_for(world, "rcsc", from_month="2026-12", to_month="2026-12")
    assert numbers(december.total) == (4, 3, 1, 0, 3.0, 6)


def test_cancelled_deadlines_are_left_out(world, clock):
    clock.now = bt("2026-12-14")
    case_id = world.walk_to("investigating")
    world.fire(
        case_id, "extend_investigation", "dc", total_days=25, extension_reason="Witness abroad"
    )
    kinds = [(d.label, d.status) for d in world.deadlines(case_id) if "completed" in d.label]
    assert kinds == [
        ("Investigation to be completed", "cancelled"),  # superseded by the extension
        ("Investigation to be completed (extended)", "armed"),
    ]
    rep = report_for(world, "chair")
    assert [(t.label, t.met, t.missed, t.open) for t in rep.steps if "completed" in t.label] == [
        ("Investigation to be completed (extended)", 0, 0, 1)
    ]


def test_calendar_day_deadlines_are_measured_in_working_days(world, clock):
    clock.now = bt("2026-12-14")
    case_id = world.walk_to("investigating")  # commenced on 14 December
    completion = world.deadline(case_id, "investigation_completion_due")
    assert (completion.unit, completion.amount, completion.due_on) == (
        "days",
        15,
        date(2026, 12, 29),
    )
    clock.now = bt("2026-12-24")  # ten calendar days, seven working days (17th: National Day)
    world.fire(case_id, "complete_investigation", "secretary", completed_on="2026-12-24")
    step = step_of(report_for(world, "chair"), "investigation_completion_due")
    assert (step.unit, step.met, step.days) == ("days", 1, (7,))


def test_overdue_list_names_who_must_act_and_keeps_what_the_sweep_marked_missed(world, clock):
    explaining = notice_on(world, clock, "2026-12-14")
    clock.now = bt("2026-12-14")
    investigating = world.walk_to("investigation_ordered")  # to commence by 22 December
    clock.now = bt("2026-12-24")  # Thursday: two working days after the due date
    with world.session() as s:
        listed = oversight_pending.pending_list(
            s, oversight_pending.OVERDUE, world.actors["chair"], Filters(), clock.now
        )
    assert listed.total == 2
    assert [(p.case.id, p.deadline.kind, p.working_days, p.calendar_days) for p in listed.rows] == [
        (explaining, "explanation_due", 2, 2),
        (investigating, "investigation_commencement_due", 2, 2),
    ]
    first, second = listed.rows
    assert [(a.trigger, a.who()) for a in first.actions] == [
        ("submit_explanation", RESPONDENT_OR_DC)
    ]
    assert [a.trigger for a in second.actions] == ["commence_investigation"]
    who = second.actions[0].who()  # the committee's members, and the investigator chosen
    assert " of MOH, or " in who
    assert who.endswith("the investigator chosen on the case (secretary)")  # 19.8.2.2(v)

    # The sweep lapses the explanation (the case moves on) but only marks the investigation's
    # commencement missed (19.8.2.2(v) sets no consequence): that one is still owed.
    timers.sweep(world.engine, clock.now)
    with world.session() as s:
        listed = oversight_pending.pending_list(
            s, oversight_pending.OVERDUE, world.actors["chair"], Filters(), clock.now
        )
    assert [(p.case.id, p.deadline.status) for p in listed.rows] == [(investigating, "missed")]


def test_the_list_stops_at_its_limit_and_says_how_many_there_are(world, clock):
    for _ in range(3):
        notice_on(world, clock, "2026-12-14")
    clock.now = bt("2026-12-23")
    with world.session() as s:
        listed = oversight_pending.pending_list(
            s, oversight_pending.OVERDUE, world.actors["chair"], Filters(), clock.now, limit=2
        )
    assert (len(listed.rows), listed.total, listed.limit) == (2, 3, 2)


def test_due_soon_counts_working_days_across_a_holiday_and_a_weekend(world, clock):
    monday = notice_on(world, clock, "2026-12-14")  # due Tuesday 22 December
    tuesday = notice_on(world, clock, "2026-12-15")  # due Wednesday 23 December

    def soon(day: str) -> list[tuple[int, int]]:
        with world.session() as s:
            rows = oversight_pending.pending_list(
                s, oversight_pending.DUE_SOON, world.actors["chair"], Filters(), bt(day)
            ).rows
        return [(p.case.id, p.working_days) for p in rows]

    # Tuesday 15th: 15, 16, 18, 21, 22 are the five working days; the 23rd is beyond.
    # Working days left are those after today (the dashboard's count): 16, 18, 21, 22.
    assert soon("2026-12-15") == [(monday, 4)]
    assert soon("2026-12-16") == [(monday, 3), (tuesday, 4)]
    assert soon("2026-12-19") == [(monday, 2), (tuesday, 3)]  # a Saturday
    # due today counts as due soon, not overdue
    assert soon("2026-12-22") == [(monday, 0), (tuesday, 1)]
    with world.session() as s:
        assert (
            oversight_pending.pending_list(
                s, oversight_pending.OVERDUE, world.actors["chair"], Filters(), bt("2026-12-22")
            ).rows
            == []
        )
        late = oversight_pending.pending_list(
            s, oversight_pending.OVERDUE, world.actors["chair"], Filters(), bt("2026-12-23")
        ).rows
    assert [(p.case.id, p.working_days) for p in late] == [(monday, 1)]
    assert soon("2026-12-23") == [(tuesday, 0)]


# ------------------------------------------------------------------ who sees what


def test_another_agencys_hrc_does_not_see_mohs_numbers(world, history):
    assert numbers(report_for(world, "moha_chair").total) == (0, 1, 0, 0, None, None)
    assert {t.agency for t in report_for(world, "moha_hr").rows} == {"MOHA"}
    assert {t.agency for t in report_for(world, "chair").rows} == {"MOH"}
    assert report_for(world, "moha_chair", agency="MOH").steps == []
    assert {t.agency for t in report_for(world, "admin").rows} == {"MOH", "MOHA"}
    with world.session() as s:
        moha_lists = oversight.oversight(s, world.actors["moha_dc"], Filters(), world.clock.now)
    assert moha_lists.overdue.rows == [] and moha_lists.due_soon.rows == []
    with world.session() as s:
        assert oversight_filters.agency_choices(s, world.actors["moha_chair"]) == ["MOHA"]
        assert "MOH" in oversight_filters.agency_choices(s, world.actors["rcsc"])


def test_an_agency_taking_part_in_a_case_sees_its_deadlines(world, clock):
    world.add_user("thimphu_hr", (R.HR_OFFICER,), agency="THIMPHU")
    case_id = notice_on(world, clock, "2026-12-14")
    assert report_for(world, "thimphu_hr").steps == []
    with transaction(world.engine) as s:
        s.add(CaseAgency(case_id=case_id, agency_code="THIMPHU", part="receiving"))
    assert step_of(report_for(world, "thimphu_hr"), "explanation_due").open == 1


@pytest.mark.parametrize("username", ["respondent", "investigator", "tribunal", "moh_appeal"])
def test_only_hrcs_the_rcsc_and_administrators_may_look(world, username):
    with pytest.raises(Refused) as exc:
        with world.session() as s:
            oversight.oversight(s, world.actors[username], Filters(), world.clock.now)
    assert exc.value.kind == "authority"
    assert exc.value.refusals[0].cite == "2.10.1"
