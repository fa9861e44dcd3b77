"""The statistics of the RCSC's oversight report (19.12.1), pure functions of the
outcomes read from the database: medians, 90th percentiles, tallies by agency, process
and step, and the working days a step took."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from workflows import registry
from workflows.calendar import WorkingCalendar, bhutan_today

# Who oversees turnaround times: the HRC and its HR officer (2.10.1), the RCSC (2.9.1).


# ------------------------------------------------------------------ statistics (pure)


def median(values: Sequence[int]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    return float(statistics.median(values)) if values else None


def p90(values: Sequence[int]) -> int | None:
    """The 90th percentile by the nearest-rank method: sort the n values and take the one at
    rank ceil(0.9 × n) (1-based). It is always a value that occurred, so "90% of steps took
    at most this many working days" is literally true; None if there are no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class Outcome:
    """One deadline, reduced to what the statistics need."""

    process: str
    kind: str
    label: str
    cite: str
    unit: str  # working_days or days (how the rule counts; days taken are working days)
    agency: str
    month: str  # YYYY-MM of the due date
    status: str  # met, missed, armed
    days_taken: int | None  # None: not settled (still open, or missed and never taken)


@dataclass(frozen=True)
class Tally:
    """Counts and days taken for one group; fields not grouped on are ""."""

    process: str = ""
    kind: str = ""
    label: str = ""
    cite: str = ""
    unit: str = ""
    agency: str = ""
    month: str = ""
    met: int = 0
    missed: int = 0
    missed_late: int = 0  # of the missed, those whose step was taken after the due date
    open: int = 0
    days: tuple[int, ...] = field(default=(), repr=False)

    @property
    def settled(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        return median(self.days)

    @property
    def p90(self) -> int | None:
        return p90(self.days)

    @property
    def process_title(self) -> str:
        return (
            registry.latest(self.process).title if self.process in registry.keys() else self.process
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "process": self.process,
            "kind": self.kind,
            "label": self.label,
            "cite": self.cite,
            "unit": self.unit,
            "agency": self.agency,
            "month": self.month,
            "met_on_time": self.met,
            "missed": self.missed,
            "missed_settled_late": self.missed_late,
            "still_open": self.open,
            "settled": self.settled,
            "median_working_days": self.median,
            "p90_working_days": self.p90,
        }


def tally(outcomes: Iterable[Outcome], by: Sequence[str]) -> list[Tally]:
    """Group ``outcomes`` on the Outcome fields ``by``, in the order a reader expects: steps
    as their process declares them, agencies by code, months in time order."""
    # one pass: [met, missed, missed late, open, days taken] per group
    groups: dict[tuple[str, ...], list[Any]] = {}
    for o in outcomes:
        key = tuple(getattr(o, name) for name in by)
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = [0, 0, 0, 0, []]
        if o.status == "met":
            acc[0] += 1
        elif o.status == "missed":
            acc[1] += 1
            acc[2] += o.days_taken is not None
        elif o.status == "armed":
            acc[3] += 1
        if o.days_taken is not None:
            acc[4].append(o.days_taken)
    out = [
        Tally(
            **dict(zip(by, key, strict=True)),
            met=met,
            missed=missed,
            missed_late=late,
            open=still_open,
            days=tuple(days),
        )
        for key, (met, missed, late, still_open, days) in groups.items()
    ]
    return sorted(out, key=_reading_order)


def _reading_order(t: Tally) -> tuple[Any, ...]:
    order = registry.keys()
    return (
        order.index(t.process) if t.process in order else len(order),
        t.process,
        _step_order(t.process).get((t.kind, t.label), 10_000),
        t.kind,
        t.label,
        t.agency,
        t.month,
    )


@cache
def _step_order(process_key: str) -> dict[tuple[str, str], int]:
    """Where each deadline is first armed in the process's declaration (its versions in
    turn: a deadline a later version added comes after the first version's)."""
    versions = registry.versions(process_key) if process_key in registry.keys() else ()
    order: dict[tuple[str, str], int] = {}
    for step in (s for v in versions for s in v.steps):
        for arm in step.arms:
            order.setdefault((arm.kind, arm.label), len(order))
    return order


def days_taken(cal: WorkingCalendar, basis: date, settled_at: datetime | None) -> int | None:
    """Working days from ``basis`` to the Bhutan day of ``settled_at``, never below 0: some
    steps may be taken before their clock starts (a civil servant released before the
    secondment's start date), and "-19 days" is no turnaround time."""
    if settled_at is None:
        return None
    return max(0, cal.working_days_between(basis, bhutan_today(settled_at)))
