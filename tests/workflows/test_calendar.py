"""Working days in Bhutan (BCSR "working days": Monday-Friday minus public holidays) and
calendar days where the rule says "days"; an administrator's corrections move due dates.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from cases.core import calendar_store
from cases.core.db import transaction
from workflows.calendar import BHUTAN_TZ, WorkingCalendar, bhutan_today, calendar_from

CAL = WorkingCalendar()
TUE_15_DEC = date(2026, 12, 15)
NATIONAL_DAY = date(2026, 12, 17)


def test_19_8_2_1_explanation_due_five_working_days_after_receipt_skipping_national_day():
    # Received Tuesday 15 December; Thursday 17 December is National Day.
    count = CAL.count_working_days(TUE_15_DEC, 5)
    assert count.due == date(2026, 12, 23)
    assert count.due.strftime("%A") == "Wednesday"
    assert count.counted == (
        date(2026, 12, 16),
        date(2026, 12, 18),
        date(2026, 12, 21),
        date(2026, 12, 22),
        date(2026, 12, 23),
    )


def test_national_day_is_a_public_holiday():
    assert CAL.holiday_name(NATIONAL_DAY) == "National Day"
    assert not CAL.is_working_day(NATIONAL_DAY)


def test_counting_starts_the_day_after():
    # "within five working days from the receipt": the day of receipt is not counted.
    monday = date(2026, 12, 7)
    assert CAL.count_working_days(monday, 1).due == date(2026, 12, 8)
    assert CAL.count_days(monday, 1).due == date(2026, 12, 8)
    assert monday not in CAL.count_working_days(monday, 5).counted


def test_working_days_skip_weekends():
    friday = date(2026, 12, 4)
    assert CAL.add_working_days(friday, 1) == date(2026, 12, 7)  # Monday


def test_a_weekend_receipt_starts_counting_on_monday():
    saturday = date(2026, 12, 5)
    assert CAL.add_working_days(saturday, 1) == date(2026, 12, 7)


def test_19_8_2_2_vi_calendar_days_ignore_weekends_and_holidays():
    # 15 days from commencement on Monday 14 December runs over National Day and weekends.
    count = CAL.count_days(date(2026, 12, 14), 15)
    assert count.due == date(2026, 12, 29)
    assert count.skipped == ()
    assert NATIONAL_DAY in count.counted
    assert "15 days counted" in count.explain()


def test_an_admin_added_closure_pushes_the_due_date():
    closed = calendar_from([(date(2026, 12, 22), "added", "Office closed: winter storm")])
    count = closed.count_working_days(TUE_15_DEC, 5)
    assert count.due == date(2026, 12, 24)
    assert closed.holiday_name(date(2026, 12, 22)) == "Office closed: winter storm"


def test_a_removed_holiday_pulls_the_due_date_back():
    corrected = calendar_from([(NATIONAL_DAY, "removed", "Holiday moved")])
    assert corrected.is_working_day(NATIONAL_DAY)
    assert corrected.count_working_days(TUE_15_DEC, 5).due == date(2026, 12, 22)


def test_corrections_survive_lazy_expansion_to_a_later_year():
    # The `holidays` package fills a year on first use; the correction must still apply.
    later = date(2031, 12, 17)
    corrected = calendar_from([(later, "removed", "correction")])
    assert corrected.is_working_day(later)
    assert not CAL.is_working_day(later)


def test_count_explain_names_the_skipped_days():
    text = CAL.count_working_days(TUE_15_DEC, 5).explain()
    assert text == (
        "5 working days counted from the day after 2026-12-15; skipped "
        "2026-12-17 (National Day), 2026-12-19 (Saturday), 2026-12-20 (Sunday); "
        "due 2026-12-23."
    )


def test_working_days_between_counts_what_is_left():
    assert CAL.working_days_between(TUE_15_DEC, date(2026, 12, 23)) == 5
    assert CAL.working_days_between(date(2026, 12, 23), TUE_15_DEC) == -5
    assert CAL.working_days_between(TUE_15_DEC, TUE_15_DEC) == 0


def test_zero_working_days_is_not_a_deadline():
    with pytest.raises(ValueError):
        CAL.count_working_days(TUE_15_DEC, 0)


def test_bhutan_today_at_23_utc_is_already_the_next_day():
    assert bhutan_today(datetime(2026, 12, 14, 23, 0, tzinfo=UTC)) == date(2026, 12, 15)
    assert bhutan_today(datetime(2026, 12, 14, 17, 59, tzinfo=UTC)) == date(2026, 12, 14)


def test_bhutan_today_refuses_a_naive_time():
    with pytest.raises(ValueError):
        bhutan_today(datetime(2026, 12, 14, 10, 0))


# ------------------------------------------------------------ through the real service


def bt_morning(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10, 0), BHUTAN_TZ)


def serve_notice(world, received_on: str) -> int:
    case_id = world.walk_to("enquiry_directed")
    world.clock.now = max(world.clock.now, bt_morning(received_on))  # recorded on receipt
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars="Absent without leave",
        prima_facie=True,
        notice_received_on=received_on,
    )
    return case_id


def test_serve_notice_received_tuesday_15_december_arms_explanation_due_23_december(world):
    case_id = serve_notice(world, "2026-12-15")
    due = world.deadline(case_id, "explanation_due")
    assert (due.status, due.basis_on, due.due_on) == ("armed", TUE_15_DEC, date(2026, 12, 23))
    assert (due.amount, due.unit, due.cite) == (5, "working_days", "19.8.2.1(i)")


def test_an_admin_closure_in_the_database_pushes_a_new_deadline(world):
    with transaction(world.engine) as s:
        calendar_store.set_override(
            s, date(2026, 12, 22), "added", "Winter storm", "admin", world.clock.now
        )
    case_id = serve_notice(world, "2026-12-15")
    assert world.deadline(case_id, "explanation_due").due_on == date(2026, 12, 24)


def test_removing_a_holiday_in_the_database_pulls_a_new_deadline_back(world):
    with transaction(world.engine) as s:
        calendar_store.set_override(s, NATIONAL_DAY, "removed", "Moved", "admin", world.clock.now)
    case_id = serve_notice(world, "2026-12-15")
    assert world.deadline(case_id, "explanation_due").due_on == date(2026, 12, 22)
    with transaction(world.engine) as s:
        assert calendar_store.clear_override(s, NATIONAL_DAY, by="admin", now=world.clock.now)
    case_id = serve_notice(world, "2026-12-15")
    assert world.deadline(case_id, "explanation_due").due_on == date(2026, 12, 23)


def test_an_override_kind_other_than_added_or_removed_is_refused(world):
    with transaction(world.engine) as s, pytest.raises(ValueError):
        calendar_store.set_override(s, NATIONAL_DAY, "moved", "x", "admin", world.clock.now)


def test_a_closure_added_later_moves_an_armed_deadline_and_is_audited(world):
    from cases.core import audit

    case_id = serve_notice(world, "2026-12-15")
    assert world.deadline(case_id, "explanation_due").due_on == date(2026, 12, 23)
    with transaction(world.engine) as s:
        calendar_store.set_override(
            s, date(2026, 12, 18), "added", "Winter storm", "admin", world.clock.now
        )
    due = world.deadline(case_id, "explanation_due")
    assert (due.due_on, due.original_due_on) == (date(2026, 12, 24), date(2026, 12, 23))
    assert "moved from 2026-12-23" in due.note and "Winter storm" in due.note
    with world.session() as s:
        last = audit.events_for(s, case_id)[-1]
        assert last.trigger == "deadline_recomputed:explanation_due"
        fields = json.loads(last.fields)
        assert (fields["was"], fields["now"], fields["original"]) == (
            "2026-12-23",
            "2026-12-24",
            "2026-12-23",
        )
        assert "2026-12-18 (Winter storm)" in fields["why"]
        assert audit.verify(s).ok
    with transaction(world.engine) as s:  # the correction withdrawn: back to the 23rd
        change = calendar_store.clear_override(
            s, date(2026, 12, 18), by="admin", now=world.clock.now
        )
    assert change is not None and [(m.was, m.due) for m in change.moved] == [
        (date(2026, 12, 24), date(2026, 12, 23))
    ]
    due = world.deadline(case_id, "explanation_due")
    assert (due.due_on, due.original_due_on) == (date(2026, 12, 23), date(2026, 12, 23))


def test_a_closure_after_the_due_date_moves_nothing(world):
    case_id = serve_notice(world, "2026-12-15")
    with transaction(world.engine) as s:
        calendar_store.set_override(s, date(2026, 12, 28), "added", "x", "admin", world.clock.now)
    assert world.deadline(case_id, "explanation_due").due_on == date(2026, 12, 23)


def test_the_running_count_agrees_with_a_day_by_day_walk():
    """working_days_between reads a per-year running count; a walk is the plain reading."""
    cal = calendar_from(((date(2026, 12, 18), "added", "Winter storm"),))

    def walk(a: date, b: date) -> int:
        lo, hi = min(a, b), max(a, b)
        n = sum(cal.is_working_day(lo + timedelta(days=i + 1)) for i in range((hi - lo).days))
        return n if b >= a else -n

    days = [date(2026, 12, 10), date(2027, 1, 9), date(2026, 11, 1), date(2027, 2, 20)]
    pairs = [(a, b) for a in days for b in days] + [(date(2025, 12, 31), date(2026, 12, 17))]
    for a, b in pairs:
        assert cal.working_days_between(a, b) == walk(a, b), (a, b)
