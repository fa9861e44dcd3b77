"""Service and financial obligations: what a civil servant owes after an LTT or a secondment.

Pure arithmetic over dates and amounts, shared by the LTT and secondment processes (which
write an obligation's end to the record) and by separation (which turns an unserved LTT
obligation into money owed, 7.7.7.2, 7.7.8.1 vi-vii, and an unserved STT obligation too,
7.6.3.3).

An obligation's end, as written to the record, is the first day the civil servant no longer
owes service (the day it is served); the last day owed is the day before
(``last_day_owed``). Where a civil servant's record is at hand, the end that counts is
``Profile.obligation_end``: the recorded end pushed back by EOL (8.12.6) and secondment
(13.10.5.8) taken meanwhile. Eligibility and separation both read that one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workflows.profile import Entry, Profile

NO_OBLIGATION_LEVELS = frozenset({"bachelors"})  # 7.7.7.6 iv
NO_OBLIGATION_MODES = frozenset({"continuing_education"})  # 7.7.7.6 iii
REPAY_WITHIN_DAYS = 90  # 7.7.7.5
STT_OBLIGATION_MONTHS = 6  # 7.6.3.3
LATE_PENALTY_RATE = Decimal("0.24")  # 19.11.1: 24 percent a year on the initial amount


def multiplier(ordinal: int) -> int:
    """7.7.7.3: x2, x3, x4 for the 1st, 2nd, 3rd progressive LTT."""
    if ordinal < 1 or ordinal > 3:
        raise ValueError("an LTT is the 1st, 2nd or 3rd of a career (7.7.4.13)")
    return ordinal + 1


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of a shorter month)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in range(day.day, 27, -1):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


@dataclass(frozen=True)
class Duration:
    """A period in whole calendar months and the days left over: how "2/3/4 times the
    approved duration of course" (7.7.7.3, 7.7.7.6) and "double the duration of the
    secondment period" (13.10.6.1) read, so a leap day never moves an obligation's end."""

    months: int
    days: int = 0

    def times(self, factor: int) -> Duration:
        return Duration(self.months * factor, self.days * factor)

    def after(self, day: date) -> date:
        """The day this period, served from ``day`` (its first day), is over: the months
        added on the calendar, then the days left over."""
        return add_months(day, self.months) + timedelta(days=self.days)

    def text(self) -> str:
        years, months = divmod(self.months, 12)
        parts = [f"{years} year{'s' * (years != 1)}"] if years else []
        parts += [f"{months} month{'s' * (months != 1)}"] if months else []
        parts += [f"{self.days} day{'s' * (self.days != 1)}"] if self.days or not parts else []
        return " ".join(parts)


def duration(start: date, end: date) -> Duration:
    """From ``start`` to ``end``, both days included, in whole calendar months and the days
    left over (2027-02-01 to 2029-01-31 is 24 months; to 2029-02-03, 24 months 3 days)."""
    stop = end + timedelta(days=1)
    if stop <= start:
        return Duration(0, 0)
    months = (stop.year - start.year) * 12 + stop.month - start.month
    while months > 0 and add_months(start, months) > stop:
        months -= 1
    return Duration(months, (stop - add_months(start, months)).days)


def last_day_owed(end: date) -> date:
    """An obligation whose end (first day free) is ``end`` is owed up to the day before."""
    return end - timedelta(days=1)


def ltt_has_obligation(level: str, mode: str, withdrawn_beyond_control: bool = False) -> bool:
    """7.7.7.6 iii-v: none for continuing education, a bachelor's, or a withdrawal beyond the
    candidate's control."""
    return not (
        level in NO_OBLIGATION_LEVELS or mode in NO_OBLIGATION_MODES or withdrawn_beyond_control
    )


def ltt_service_obligation_end(
    start: date,
    end: date,
    reported_on: date,
    ordinal: int,
    level: str,
    mode: str,
    *,
    calendar: bool = False,
    span: Duration | None = None,
) -> date | None:
    """7.7.7.3, 7.7.7.6: serve 2/3/4 times the course duration from the day of reporting back.

    The duration is the course's, extensions included (7.7.7.6 note); LTT time itself is not
    active service for liquidating the obligation (7.7.7.9), so counting starts on return.
    ``calendar`` (R-7.7.7.6-duration "calendar", 2023.2): the course in calendar months and
    days left over, each multiplied and added on the calendar; otherwise (2023.1) the
    course's days multiplied. ``span`` is a duration counted otherwise (mixed mode: the days
    on campus, 7.7.7.6 ii a).
    """
    if not ltt_has_obligation(level, mode):
        return None
    factor = multiplier(ordinal)
    if calendar:
        return (span or duration(start, end)).times(factor).after(reported_on)
    days = span.days if span is not None else (end - start).days + 1
    return reported_on + timedelta(days=days * factor)


# Where a seconded civil servant served (workflows.secondment LOCATIONS): an international
# organisation outside Bhutan, an international organisation within Bhutan, or another
# organisation within Bhutan (a version applying R-13.10.6.2 "international_only" asks).
OUTSIDE, INSIDE, INSIDE_OTHER = "outside", "inside", "inside_other"


def owes_return_service(location: str, reading: str) -> bool:
    """13.10.6.1 binds a secondment outside Bhutan; 13.10.6.2 one "from International
    Organisations within Bhutan" ("international_only") or, read widely ("any"), one to
    any organisation within Bhutan."""
    if location == OUTSIDE:
        return True
    if location == INSIDE_OTHER:
        return reading == "any"
    return True


def secondment_obligation_end(
    start: date,
    end: date,
    returned_on: date,
    location: str,
    superannuation: date,
    *,
    calendar: bool = False,
) -> date:
    """13.10.6.1-2: twice the secondment outside Bhutan, once inside, or to superannuation.

    ``calendar`` (R-13.10.6.1-duration "calendar"): "double the duration of the secondment
    period" as calendar months and days left over; otherwise the secondment's days doubled.
    """
    factor = 2 if location == OUTSIDE else 1
    if calendar:
        return min(duration(start, end).times(factor).after(returned_on), superannuation)
    days = (end - start).days + 1
    return min(returned_on + timedelta(days=days * factor), superannuation)


def calendar_durations(version: Any, reading_id: str) -> bool:
    """Whether a process version reads its multiples of a duration in calendar months
    (option "calendar" of ``reading_id``); a version that declares no such reading keeps
    the first version's multiples of days."""
    declared = {r.reading.id: r.option for r in getattr(version, "readings", ())}
    return declared.get(reading_id) == "calendar"


@dataclass(frozen=True)
class FinancialObligation:
    ltt_id: int | None
    amount: Decimal | None  # None: not computable yet (the gross pay of 7.6.3.3 unknown)
    basis: str  # how the amount was computed, for the office order
    # 7.7.7.5: "within 90 days from the issuance of the office order for repayment": unknown
    # (None) until that order is recorded (``payable_by``).
    due_on: date | None
    cite: str = "7.7.7.2, 7.7.7.5, 7.7.7.6"
    kind: str = "ltt"  # or "stt" (7.6.3.3)

    def with_penalty(self, on: date) -> Decimal | None:
        """19.11.1: 24 percent a year on the initial amount once the 90 days have passed."""
        if self.amount is None or self.due_on is None or on <= self.due_on:
            return self.amount
        years = Decimal((on - self.due_on).days) / Decimal(365)
        penalty = self.amount * LATE_PENALTY_RATE * years
        return (self.amount + penalty).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": None if self.amount is None else str(self.amount),
            "basis": self.basis,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "payable": (
                "within 90 days of the office order for repayment (7.7.7.5)"
                if self.kind == "ltt"
                else "as the office order for repayment says (7.6.3.3 sets no time)"
            ),
            "cite": self.cite,
        }


def payable_by(order_issued_on: date) -> date:
    """7.7.7.5: "within 90 days from the issuance of the office order for repayment": the
    last day to pay (day 1 is the day after the order; a later payment costs 24% a year,
    19.11.1)."""
    return order_issued_on + timedelta(days=REPAY_WITHIN_DAYS)


def _money(d: Mapping[str, Any], name: str) -> Decimal | None:
    value = d.get(name)
    return None if value in (None, "") else Decimal(str(value))


EXPENSES = "tuition fee, stipend/DSA, TA/DA, mileage and any other expenses incurred"


def mixed_mode_refund(expenses: Decimal, ordinal: int) -> Decimal:
    """7.7.7.6 ii b, 7.7.8.1 ix: refund the tuition fee, stipend/DSA, TA/DA, mileage and any
    other expenses incurred, 2/3/4 times by the progressive number of the LTT."""
    return (expenses * multiplier(ordinal)).quantize(Decimal("0.01"))


def ltt_financial_obligation(
    profile: Profile, ltt: Entry, separated_on: date
) -> FinancialObligation | None:
    """Separation before an LTT's service obligation is served (7.7.8.1 vi-vii).

    Served means by ``Profile.obligation_end`` (EOL and secondment do not liquidate it,
    8.12.6, 13.10.5.8). 2/3/4 times the employment-related cost, plus for RGoB funding the
    scholarship-related cost, "total estimated or actual ..., whichever is higher"
    (7.7.7.6 i); the amount "as stated in the Undertaking" where higher (7.7.7.2). A mixed
    mode course refunds its expenses instead (7.7.7.6 ii b, 7.7.8.1 ix), unless that refund
    was already due for a failure or withdrawal. None where 7.7.7.6 iii-v or 7.7.8.1 x say
    so, or once served.
    """
    d: Mapping[str, Any] = ltt.details
    level, mode = str(d.get("level", "")), str(d.get("mode", ""))
    if not ltt_has_obligation(level, mode, bool(d.get("withdrawn_beyond_control"))):
        return None
    if ltt.status in ("approved", "cancelled"):
        return None  # never commenced (7.7.8.1 xi counts an LTT once the course commenced)
    end = profile.obligation_end(ltt)
    if end and end <= separated_on:
        return None
    ordinal = int(d.get("ordinal") or 1)
    factor = multiplier(ordinal)
    if mode == "mixed_mode":
        if d.get("mixed_mode_refund"):
            return None  # already due on the failure or withdrawal (7.7.8.1 ix)
        expenses = _money(d, "expenses_incurred")
        return FinancialObligation(
            ltt_id=ltt.id,
            amount=None if expenses is None else mixed_mode_refund(expenses, ordinal),
            basis=(
                f"{factor} x the {EXPENSES}: "
                + (f"Nu {expenses}" if expenses is not None else "not yet recorded")
                + f", LTT no. {ordinal} (mixed mode)"
            ),
            due_on=None,
            cite="7.7.7.6 ii b, 7.7.8.1 ix, 7.7.7.5",
        )
    employment = _money(d, "employment_cost") or Decimal(0)
    estimated = _money(d, "scholarship_cost") or Decimal(0)
    actual = _money(d, "actual_scholarship_cost")
    if d.get("funding") == "rgob":
        scholarship = max(estimated, actual or Decimal(0))
        which = (
            ""
            if actual is None
            else f" ({'actual' if actual > estimated else 'estimated'}, the higher of "
            f"estimated Nu {estimated} and actual Nu {actual})"
        )
        base = employment + scholarship
        basis = (
            f"{factor} x (employment-related Nu {employment} + scholarship-related "
            f"Nu {scholarship}{which}), LTT no. {ordinal}"
        )
    else:
        base = employment
        basis = f"{factor} x employment-related Nu {employment}, LTT no. {ordinal}"
    amount = (base * factor).quantize(Decimal("0.01"))
    undertaking = _money(d, "undertaking_amount")
    if undertaking is not None and undertaking > amount:
        basis = f"as stated in the Undertaking, Nu {undertaking}, higher than {basis} (7.7.7.2)"
        amount = undertaking.quantize(Decimal("0.01"))
    return FinancialObligation(ltt_id=ltt.id, amount=amount, basis=basis, due_on=None)


def stt_financial_obligation(
    profile: Profile, separated_on: date, gross_pay: Decimal | None
) -> FinancialObligation | None:
    """7.6.3.3: "serve a minimum of six months from the conclusion of their last STT, prior
    to resigning from the service ... liable to pay one month's gross pay for every
    remaining month of STT obligation". The obligation is served on the day six calendar
    months after the STT's last day; a part of a month remaining counts as a month."""
    last = profile.last_stt_end()
    if last is None:
        return None
    served = add_months(last, STT_OBLIGATION_MONTHS)
    if separated_on >= served:
        return None
    left = duration(separated_on, last_day_owed(served))
    months = left.months + (1 if left.days else 0)
    amount = None if gross_pay is None else (gross_pay * months).quantize(Decimal("0.01"))
    pay = f"Nu {gross_pay}" if gross_pay is not None else "gross pay not yet recorded"
    return FinancialObligation(
        ltt_id=None,
        amount=amount,
        basis=(
            f"{months} remaining month{'s' * (months != 1)} of the STT obligation (six months "
            f"from the STT's end on {last.isoformat()}, served on {served.isoformat()}) x one "
            f"month's gross pay ({pay})"
        ),
        due_on=None,
        cite="7.6.3.3",
        kind="stt",
    )


# ------------------------------------------------ 7.7.7.7 by 13.4.5.2: the transfer bar


def calendar_span(start: date, last: date) -> tuple[int, int]:
    """The period from ``start`` to ``last`` (both included) as whole calendar months and
    the days left over: 1 Aug 2024 to 31 Jan 2026 is (18, 0), not 549 days (``duration``,
    the one reckoning, as a pair)."""
    span = duration(start, last)
    return span.months, span.days


def ltt_transfer_bar_last_day(start: date, end: date, reported_on: date) -> date:
    """7.7.7.7: the service obligation that bars a transfer is "as per Section 13.4.5.2",
    "a minimum duration equal to the LTT period in the same position", not the whole
    2/3/4 times obligation of 7.7.7.6. The LTT period (course start to end, extensions
    included) is counted again in calendar months and days from the day of reporting back;
    this is the last day of it, so a transfer effective the day after is not barred."""
    months, days = calendar_span(start, end)
    return add_months(reported_on, months) + timedelta(days=days - 1)
