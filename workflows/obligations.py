"""Service and financial obligations: what a civil servant owes after an LTT or a secondment.

Pure arithmetic over dates and amounts, shared by the LTT and secondment processes (which
write an obligation's end to the record) and by separation (which turns an unserved LTT
obligation into money owed, 7.7.7.2, 7.7.8.1 vi-vii).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workflows.profile import Entry

NO_OBLIGATION_LEVELS = frozenset({"bachelors"})  # 7.7.7.6 iv
NO_OBLIGATION_MODES = frozenset({"continuing_education"})  # 7.7.7.6 iii
REPAY_WITHIN_DAYS = 90  # 7.7.7.5
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


def ltt_has_obligation(level: str, mode: str, withdrawn_beyond_control: bool = False) -> bool:
    """7.7.7.6 iii-v: none for continuing education, a bachelor's, or a withdrawal beyond the
    candidate's control."""
    return not (
        level in NO_OBLIGATION_LEVELS or mode in NO_OBLIGATION_MODES or withdrawn_beyond_control
    )


def ltt_service_obligation_end(
    start: date, end: date, reported_on: date, ordinal: int, level: str, mode: str
) -> date | None:
    """7.7.7.3, 7.7.7.6: serve 2/3/4 times the course duration from the day of reporting back.

    The duration is the course's, extensions included (7.7.7.6 note); LTT time itself is not
    active service for liquidating the obligation (7.7.7.9), so counting starts on return.
    """
    if not ltt_has_obligation(level, mode):
        return None
    days = (end - start).days + 1
    return reported_on + timedelta(days=days * multiplier(ordinal))


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
    start: date, end: date, returned_on: date, location: str, superannuation: date
) -> date:
    """13.10.6.1-2: twice the secondment outside Bhutan, once inside, or to superannuation."""
    days = (end - start).days + 1
    factor = 2 if location == OUTSIDE else 1
    return min(returned_on + timedelta(days=days * factor), superannuation)


@dataclass(frozen=True)
class FinancialObligation:
    ltt_id: int | None
    amount: Decimal
    basis: str  # how the amount was computed, for the office order
    due_on: date
    cite: str = "7.7.7.2, 7.7.7.5, 7.7.7.6"

    def with_penalty(self, on: date) -> Decimal:
        """19.11.1: 24 percent a year on the initial amount once the 90 days have passed."""
        if on <= self.due_on:
            return self.amount
        years = Decimal((on - self.due_on).days) / Decimal(365)
        penalty = self.amount * LATE_PENALTY_RATE * years
        return (self.amount + penalty).quantize(Decimal("0.01"), ROUND_HALF_UP)


def ltt_financial_obligation(ltt: Entry, separated_on: date) -> FinancialObligation | None:
    """Separation before an LTT's service obligation is served (7.7.8.1 vi-vii).

    2/3/4 times the employment-related cost, plus for RGoB funding the scholarship-related
    cost (7.7.7.6); no obligation where 7.7.7.6 iii-v or 7.7.8.1 x say so, or once served.
    """
    d: Mapping[str, Any] = ltt.details
    level, mode = str(d.get("level", "")), str(d.get("mode", ""))
    if not ltt_has_obligation(level, mode, bool(d.get("withdrawn_beyond_control"))):
        return None
    if ltt.status in ("approved", "cancelled"):
        return None  # never commenced (7.7.8.1 xi counts an LTT once the course commenced)
    end = d.get("obligation_end")
    if end and date.fromisoformat(str(end)) <= separated_on:
        return None
    ordinal = int(d.get("ordinal") or 1)
    factor = multiplier(ordinal)
    employment = Decimal(str(d.get("employment_cost") or "0"))
    scholarship = Decimal(str(d.get("scholarship_cost") or "0"))
    if d.get("funding") == "rgob":
        base = employment + scholarship
        basis = (
            f"{factor} x (employment-related Nu {employment} + scholarship-related "
            f"Nu {scholarship}), LTT no. {ordinal}"
        )
    else:
        base = employment
        basis = f"{factor} x employment-related Nu {employment}, LTT no. {ordinal}"
    return FinancialObligation(
        ltt_id=ltt.id,
        amount=(base * factor).quantize(Decimal("0.01")),
        basis=basis,
        due_on=separated_on + timedelta(days=REPAY_WITHIN_DAYS),
    )


# ------------------------------------------------ 7.7.7.7 by 13.4.5.2: the transfer bar


def calendar_span(start: date, last: date) -> tuple[int, int]:
    """The period from ``start`` to ``last`` (both included) as whole calendar months and
    the days left over: 1 Aug 2024 to 31 Jan 2026 is (18, 0), not 549 days."""
    after = last + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and add_months(start, months) > after:
        months -= 1
    return months, (after - add_months(start, months)).days


def ltt_transfer_bar_last_day(start: date, end: date, reported_on: date) -> date:
    """7.7.7.7: the service obligation that bars a transfer is "as per Section 13.4.5.2",
    "a minimum duration equal to the LTT period in the same position", not the whole
    2/3/4 times obligation of 7.7.7.6. The LTT period (course start to end, extensions
    included) is counted again in calendar months and days from the day of reporting back;
    this is the last day of it, so a transfer effective the day after is not barred."""
    months, days = calendar_span(start, end)
    return add_months(reported_on, months) + timedelta(days=days - 1)
