"""The obligations arithmetic as 2023.2 reads the rules (workflows.obligations): multiples of
a duration in calendar months, the one obligation end every reader uses, the refunds of a
mixed-mode course, the higher of the rule and the Undertaking, and the STT obligation. No
database: hand-built Profiles and entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from workflows import ltt, readings, registry, secondment
from workflows.obligations import (
    Duration,
    calendar_durations,
    duration,
    last_day_owed,
    ltt_financial_obligation,
    ltt_service_obligation_end,
    payable_by,
    secondment_obligation_end,
    stt_financial_obligation,
)
from workflows.profile import Entry, Profile

BASE = Profile(
    eid="E100",
    name="Karma",
    date_of_birth=date(1990, 1, 1),
    level="P3",
    agency="MOH",
    appointment_date=date(2015, 1, 1),
)


def ltt_line(status: str = "completed", **details: Any) -> Entry:
    d = {"level": "masters", "mode": "full_time", "funding": "rgob", "ordinal": 1, **details}
    return Entry("ltt", date(2026, 1, 1), date(2027, 12, 31), status, d, id=7)


def record(*entries: Entry) -> Profile:
    return replace(BASE, entries=entries)


# ------------------------------------------------------------ 7.7.7.3, 7.7.7.6, 13.10.6.1


@pytest.mark.parametrize(
    ("start", "end", "months", "days"),
    [
        (date(2027, 2, 1), date(2029, 1, 31), 24, 0),
        (date(2026, 9, 1), date(2028, 2, 29), 18, 0),  # across 29 February 2028
        (date(2027, 9, 1), date(2029, 2, 28), 18, 0),  # no leap day
        (date(2027, 2, 1), date(2029, 2, 3), 24, 3),  # days left over, stated
        (date(2027, 1, 15), date(2027, 2, 20), 1, 6),
        (date(2027, 1, 15), date(2027, 2, 10), 0, 27),
    ],
)
def test_a_duration_is_whole_calendar_months_and_the_days_left_over(start, end, months, days):
    assert duration(start, end) == Duration(months, days)


@pytest.mark.parametrize(
    ("start", "end", "back", "ordinal", "served_on"),
    [
        # An 18-month course holding 29 February 2028, at 2x: 36 months from the return.
        (date(2026, 9, 1), date(2028, 2, 29), date(2028, 3, 10), 1, date(2031, 3, 10)),
        # The same 18 months without a leap day in the course: the same 36 months.
        (date(2027, 9, 1), date(2029, 2, 28), date(2029, 3, 10), 1, date(2032, 3, 10)),
        # Returning on 29 February: 24 months x3 = 6 years on, 28 February (no 29th).
        (date(2026, 3, 1), date(2028, 2, 29), date(2028, 2, 29), 2, date(2034, 2, 28)),
        # Days left over are multiplied too: (24 months, 3 days) x4 = 96 months, 12 days.
        (date(2027, 2, 1), date(2029, 2, 3), date(2029, 2, 20), 3, date(2037, 3, 4)),
    ],
)
def test_7_7_7_3_the_obligation_is_a_multiple_of_the_course_in_calendar_months_across_leap_years(
    start, end, back, ordinal, served_on
):
    """7.7.7.6: "Service Obligation: 2/3/4 times the approved duration of course"
    (7.7.7.3: x2, x3, x4). 2023.2 counts the course in calendar months and multiplies them;
    the first version multiplied its days, so leap days moved the end."""
    got = ltt_service_obligation_end(
        start, end, back, ordinal, "masters", "full_time", calendar=True
    )
    assert got == served_on
    assert last_day_owed(got) == served_on - timedelta(days=1)
    by_days = ltt_service_obligation_end(start, end, back, ordinal, "masters", "full_time")
    assert by_days == back + timedelta(days=((end - start).days + 1) * (ordinal + 1))


def test_7_7_7_3_an_18_month_course_at_2x_is_36_months_not_2_x_548_days():
    """The issue's example: the first version ends the obligation on a different day."""
    start, end, back = date(2026, 9, 1), date(2028, 2, 29), date(2028, 3, 10)
    args = (start, end, back, 1, "masters", "full_time")
    calendar = ltt_service_obligation_end(*args, calendar=True)
    days = ltt_service_obligation_end(*args)
    assert (calendar, days) == (date(2031, 3, 10), back + timedelta(days=2 * 547))
    assert calendar != days


def test_7_7_7_6_ii_a_mixed_mode_counts_the_days_on_campus():
    """7.7.7.6 ii a: "based on actual duration on campus/absence from the Office": days, not
    months, multiplied."""
    got = ltt_service_obligation_end(
        date(2027, 1, 1),
        date(2028, 12, 31),
        date(2029, 1, 5),
        1,
        "masters",
        "mixed_mode",
        calendar=True,
        span=Duration(0, 120),
    )
    assert got == date(2029, 1, 5) + timedelta(days=240)


@pytest.mark.parametrize(
    ("location", "served_on"),
    [("outside", date(2034, 1, 1)), ("inside", date(2032, 1, 1))],
)
def test_13_10_6_1_double_the_secondment_period_in_calendar_months(location, served_on):
    """13.10.6.1: "serve in the Civil Service double the duration of the secondment period or
    until superannuation, whichever is earlier" (13.10.6.2: equivalent, within Bhutan).
    A two-year secondment holding 29 February 2028: four years (two inside) on the calendar."""
    args = (date(2027, 1, 1), date(2028, 12, 31), date(2030, 1, 1), location, date(2060, 1, 1))
    assert secondment_obligation_end(*args, calendar=True) == served_on
    assert secondment_obligation_end(*args) != served_on  # 2023.1: 731 days, doubled
    capped = secondment_obligation_end(*args[:4], date(2031, 6, 1), calendar=True)
    assert capped == date(2031, 6, 1)


def test_r_7_7_7_6_duration_each_version_declares_how_it_counts():
    """2023.1 multiplied days (as it did); 2023.2 reads calendar months (LTT and, for
    13.10.6.1-2, secondment)."""
    first, second = ltt.VERSIONS
    rid = readings.LTT_OBLIGATION_DURATION.id
    assert (calendar_durations(first, rid), calendar_durations(second, rid)) == (False, True)
    assert registry.in_force("ltt", date(2026, 12, 7)).version == "2023.2"
    assert second.in_force(rid).note().startswith("reading R-7.7.7.6-duration: the period in")
    sid = readings.SECONDMENT_OBLIGATION_DURATION.id
    assert [calendar_durations(v, sid) for v in secondment.VERSIONS] == [False, True]


# ------------------------------------------------------------ 8.12.6, 13.10.5.8 (item 3)


def test_8_12_6_separation_reads_the_obligation_end_pushed_back_by_eol():
    """8.12.6: "EOL shall not be counted as active service for the purpose of all HR
    actions"; 13.10.5.8: nor secondment "for the purpose of liquidating service
    obligations". A civil servant who took 100 days of EOL after the LTT has not served the
    obligation on its recorded end, for eligibility and for separation alike."""
    line = ltt_line(obligation_end="2031-01-01", employment_cost="1000000", scholarship_cost="0")
    eol = Entry("eol", date(2029, 1, 1), date(2029, 4, 10), "completed", id=8)
    profile = record(line, eol)
    pushed = profile.obligation_end(line)
    assert pushed == date(2031, 4, 11)  # 100 days later
    on = date(2031, 2, 1)  # after the recorded end, before the pushed one
    owed = ltt_financial_obligation(profile, line, on)
    assert owed is not None and owed.amount == Decimal("2000000.00")
    assert profile.unserved_obligations(on, "ltt") == [line]  # what eligibility reads
    assert ltt_financial_obligation(profile, line, pushed) is None


# ------------------------------------------------------------ 7.7.7.5 (item 5)


def test_7_7_7_5_ninety_days_from_the_office_order_for_repayment():
    """7.7.7.5: "within 90 days from the issuance of the office order for repayment": a
    separation leaves the due without a last day; the order sets it."""
    line = ltt_line(obligation_end="2031-01-01", employment_cost="100", scholarship_cost="0")
    owed = ltt_financial_obligation(record(line), line, date(2029, 6, 30))
    assert owed is not None and owed.due_on is None
    assert owed.with_penalty(date(2035, 1, 1)) == owed.amount  # nothing runs before the order
    assert payable_by(date(2029, 8, 1)) == date(2029, 10, 30)


# ------------------------------------------------------------ 7.7.7.6 ii b, 7.7.8.1 ix


@pytest.mark.parametrize(
    ("details", "amount"),
    [
        ({"expenses_incurred": "150000"}, Decimal("300000.00")),
        ({"expenses_incurred": "150000", "ordinal": 3}, Decimal("600000.00")),
        ({}, None),  # not recorded: the office order states it
    ],
)
def test_7_7_8_1_ix_mixed_mode_separation_refunds_the_expenses_not_the_costs(details, amount):
    """7.7.7.6 ii b: "Financial obligation shall be to refund the tuition fee, stipend/DSA,
    TA/DA, mileage and any other expenses incurred (2/3/4 times the progressive No. of
    LTT)"; 7.7.8.1 ix applies it to "separation during and after completing LTT with study
    obligation". Not the employment- or scholarship-related cost."""
    line = ltt_line(
        mode="mixed_mode",
        obligation_end="2031-01-01",
        employment_cost="9000000",
        scholarship_cost="9000000",
        **details,
    )
    owed = ltt_financial_obligation(record(line), line, date(2029, 6, 30))
    assert owed is not None and owed.amount == amount
    assert "tuition fee, stipend/DSA, TA/DA, mileage" in owed.basis
    assert "employment" not in owed.basis and "7.7.8.1 ix" in owed.cite


def test_7_7_8_1_ix_a_refund_already_due_is_not_owed_twice_on_separation():
    line = ltt_line(
        "failed", mode="mixed_mode", obligation_end="2031-01-01", mixed_mode_refund="300000.00"
    )
    assert ltt_financial_obligation(record(line), line, date(2029, 6, 30)) is None


# ------------------------------------------------------------ 7.7.7.1-2, 7.7.7.6 i


@pytest.mark.parametrize(
    ("details", "amount"),
    [
        ({"scholarship_cost": "3000000"}, Decimal("8000000.00")),  # estimated only
        (
            {"scholarship_cost": "3000000", "actual_scholarship_cost": "3500000"},
            Decimal("9000000.00"),
        ),
        (
            {"scholarship_cost": "3000000", "actual_scholarship_cost": "2000000"},
            Decimal("8000000.00"),
        ),
    ],
)
def test_7_7_7_6_i_scholarship_cost_estimated_or_actual_whichever_is_higher(details, amount):
    """7.7.7.6 i: "Total estimated or actual scholarship related financial cost, whichever is
    higher" (RGoB funding), 2/3/4 times with the employment-related cost."""
    line = ltt_line(obligation_end="2031-01-01", employment_cost="1000000", **details)
    owed = ltt_financial_obligation(record(line), line, date(2029, 6, 30))
    assert owed is not None and owed.amount == amount


@pytest.mark.parametrize(
    ("stated", "amount"),
    [("9500000", Decimal("9500000.00")), ("100", Decimal("8000000.00"))],
)
def test_7_7_7_2_the_amount_stated_in_the_undertaking_where_higher(stated, amount):
    """7.7.7.2: "financial obligation ... as prescribed in Section 7.7.7.6 or as stated in the
    Undertaking, whichever is higher"."""
    line = ltt_line(
        obligation_end="2031-01-01",
        employment_cost="1000000",
        scholarship_cost="3000000",
        undertaking_amount=stated,
    )
    owed = ltt_financial_obligation(record(line), line, date(2029, 6, 30))
    assert owed is not None and owed.amount == amount


# ------------------------------------------------------------ 7.6.3.3 (item 13)


@pytest.mark.parametrize(
    ("separated_on", "months"),
    [
        (date(2027, 3, 1), 5),  # 4 months 19 days left: a part month counts
        (date(2027, 7, 19), 1),
        (date(2027, 7, 20), 0),  # six months served
    ],
)
def test_7_6_3_3_resigning_within_six_months_of_an_stt_owes_a_months_gross_pay_per_month(
    separated_on, months
):
    """7.6.3.3: "serve a minimum of six months from the conclusion of their last STT, prior
    to resigning from the service ... liable to pay one month's gross pay for every
    remaining month of STT obligation"."""
    stt = Entry("stt", date(2027, 1, 10), date(2027, 1, 20), "completed", id=9)
    owed = stt_financial_obligation(record(stt), separated_on, Decimal("60000"))
    if months == 0:
        assert owed is None
        return
    assert owed is not None and owed.kind == "stt" and owed.cite == "7.6.3.3"
    assert owed.amount == Decimal(60000 * months)
    unknown = stt_financial_obligation(record(stt), separated_on, None)
    assert unknown is not None and unknown.amount is None and "not yet recorded" in unknown.basis
