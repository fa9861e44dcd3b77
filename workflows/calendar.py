"""Working days in Bhutan, as the BCSR counts them.

BCSR 2023 sets most turnaround times in "working days" (e.g. 19.8.2.1(i): five
working days from the receipt of a notice) and some in plain "days" (19.8.2.2(vi),
19.12.4). A working day is Monday to Friday minus Bhutan's public holidays. The
`holidays` package knows those ('BT'), but some lunar dates are estimates, so an
administrator can add closures and remove wrong holidays; those corrections are
applied in ``_populate`` so they survive the package's lazy year expansion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import holidays
from holidays.countries import Bhutan

BHUTAN_TZ = timezone(timedelta(hours=6), "BTT")


def bhutan_today(now: datetime) -> date:
    """The calendar day in Thimphu at instant ``now`` (what "a day" means to the rules)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(BHUTAN_TZ).date()


def bt_time(value: datetime | str | None) -> str:
    """A time as letters, notices and pages print it: in Bhutan time, as the rules count days."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(BHUTAN_TZ).strftime("%Y-%m-%d %H:%M BTT")


def long_date(value: date | str | None) -> str:
    """A date as letters and notices print it ("Mon 07 Dec 2026")."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return value.strftime("%a %d %b %Y") if value else ""


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str


@dataclass(frozen=True)
class Count:
    """How a due date was reached: the days counted and the days skipped."""

    start: date
    due: date
    counted: tuple[date, ...]
    skipped: tuple[SkippedDay, ...]
    unit: str  # "working days" or "days"

    def explain(self) -> str:
        n = len(self.counted)
        text = f"{n} {self.unit} counted from the day after {self.start.isoformat()}"
        if self.skipped:
            parts = ", ".join(f"{s.day.isoformat()} ({s.reason})" for s in self.skipped)
            text += f"; skipped {parts}"
        return text + f"; due {self.due.isoformat()}."


@dataclass(frozen=True)
class WorkingCalendar:
    """Bhutan's working-day calendar with an administrator's corrections."""

    added_closures: frozenset[date] = field(default_factory=frozenset)
    removed_holidays: frozenset[date] = field(default_factory=frozenset)
    notes: tuple[tuple[date, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_holidays", _make_holidays(self))
        object.__setattr__(self, "_running", {})  # year -> working days up to each day

    def _running_count(self, year: int) -> list[int]:
        """Working days from 1 January of ``year`` up to and including each day of it: built
        once per year and calendar, so counting a span costs two lookups, not a day-by-day
        walk (the dashboard, the oversight page and the inbox count thousands of spans)."""
        table = self._running.get(year)  # type: ignore[attr-defined]
        if table is None:
            day, n, table = date(year, 1, 1), 0, []
            while day.year == year:
                n += self.is_working_day(day)
                table.append(n)
                day += timedelta(days=1)
            self._running[year] = table  # type: ignore[attr-defined]
        return table

    def holiday_name(self, day: date) -> str | None:
        name = self._holidays.get(day)  # type: ignore[attr-defined]
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def why_not_working(self, day: date) -> str | None:
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        return self.holiday_name(day)

    def add_working_days(self, start: date, n: int) -> date:
        return self.count_working_days(start, n).due

    def count_working_days(self, start: date, n: int) -> Count:
        """The n-th working day after ``start`` ("within n working days from X")."""
        if n < 1:
            raise ValueError("n must be at least 1")
        counted: list[date] = []
        skipped: list[SkippedDay] = []
        day = start
        while len(counted) < n:
            day += timedelta(days=1)
            reason = self.why_not_working(day)
            if reason is None:
                counted.append(day)
            else:
                skipped.append(SkippedDay(day, reason))
        return Count(start, day, tuple(counted), tuple(skipped), "working days")

    def count_days(self, start: date, n: int) -> Count:
        """Calendar days, where the rule says "days" (weekends and holidays count)."""
        counted = tuple(start + timedelta(days=i) for i in range(1, n + 1))
        return Count(start, start + timedelta(days=n), counted, (), "days")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        whole_years = sum(self._running_count(y)[-1] for y in range(start.year, end.year))
        upto_end = self._running_count(end.year)[end.timetuple().tm_yday - 1]
        upto_start = self._running_count(start.year)[start.timetuple().tm_yday - 1]
        return whole_years + upto_end - upto_start

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        self._holidays._populate(year)  # type: ignore[attr-defined]
        return sorted(
            (d, str(n))
            for d, n in self._holidays.items()  # type: ignore[attr-defined]
            if d.year == year
        )


def _make_holidays(cal: WorkingCalendar) -> holidays.HolidayBase:
    notes = dict(cal.notes)

    class CorrectedBhutan(Bhutan):  # type: ignore[misc]
        def _populate(self, year: int) -> None:
            super()._populate(year)
            for day in cal.removed_holidays:
                if day.year == year:  # dict.pop: HolidayBase.pop(day, None) raises KeyError
                    dict.pop(self, day, None)
            for day in cal.added_closures:
                if day.year == year:
                    self[day] = notes.get(day, "Closure declared by administrator")

    return CorrectedBhutan()


def calendar_from(rows: Iterable[tuple[date, str, str]]) -> WorkingCalendar:
    """Build a calendar from (day, kind 'added'|'removed', note) corrections."""
    added, removed, notes = set(), set(), []
    for day, kind, note in rows:
        (added if kind == "added" else removed).add(day)
        notes.append((day, note))
    return WorkingCalendar(frozenset(added), frozenset(removed), tuple(notes))
