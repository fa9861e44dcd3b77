"""The civil servant's Profile: ages, service and obligations as the processes read them."""

from __future__ import annotations

from datetime import date, timedelta

from workflows.profile import Entry, Profile

LTT = Entry(
    "ltt",
    date(2022, 1, 1),
    date(2023, 12, 31),
    "completed",
    {"level": "masters", "obligation_end": "2028-01-01"},
    id=1,
)


def profile(*entries: Entry, **kw) -> Profile:
    values = dict(
        eid="E1",
        name="N",
        date_of_birth=date(1980, 2, 29),
        level="P3",
        agency="MOH",
        appointment_date=date(2005, 1, 3),
    )
    values.update(kw)
    return Profile(**values, entries=(LTT, *entries))


def test_an_obligation_without_leave_ends_when_recorded() -> None:
    assert profile().obligation_end(LTT) == date(2028, 1, 1)


def test_eol_after_the_course_pushes_the_obligation_back_8_12_6() -> None:
    eol = Entry("eol", date(2025, 1, 1), date(2025, 3, 31), "completed", id=2)  # 90 days
    p = profile(eol)
    assert p.obligation_end(LTT) == date(2028, 1, 1) + timedelta(days=90)
    assert p.unserved_obligations(date(2028, 2, 1), "ltt") == [LTT]
    assert p.unserved_obligations(date(2028, 4, 1), "ltt") == []


def test_secondment_does_not_liquidate_an_obligation_13_10_5_8() -> None:
    sec = Entry("secondment", date(2027, 11, 1), date(2028, 2, 29), "returned", id=3)
    # 62 days fall before the recorded end; the extension reaches the rest of the
    # secondment, so all its 121 days are served again afterwards.
    assert profile(sec).obligation_end(LTT) == date(2028, 1, 1) + timedelta(days=121)


def test_leave_before_the_course_ended_or_only_approved_does_not_count() -> None:
    before = Entry("eol", date(2020, 1, 1), date(2020, 12, 31), "completed", id=4)
    planned = Entry("eol", date(2026, 1, 1), date(2026, 6, 30), "approved", id=5)
    assert profile(before, planned).obligation_end(LTT) == date(2028, 1, 1)


def test_superannuation_by_category_15_3_1() -> None:
    assert profile().superannuation_date == date(2040, 2, 29)  # PMC at 60
    assert profile(level="SS2").superannuation_date == date(2039, 3, 1)  # 59
    assert profile(level="S3").superannuation_date == date(2037, 3, 1)  # 57
    assert profile(level="EX2").superannuation_date == date(2043, 3, 1)  # 63
    assert profile().age_on(date(2025, 2, 28)) == 44


def test_eol_is_not_active_service_8_12_6() -> None:
    eol = Entry("eol", date(2010, 1, 1), date(2010, 12, 31), "completed", id=6)
    on = date(2015, 1, 2)
    assert round(profile().active_service_years(on)) == 10
    assert round(profile(eol).active_service_years(on)) == 9
