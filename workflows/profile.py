"""A civil servant's record as one value the eligibility rules can question.

cases.core.profiles builds it from the register, the history lines, the penalties and the
open cases; the rules (workflows.eligibility and each process) only read it, so they can
be tested without a database. The answers here are the ones several processes share:
age and superannuation (15.3), service and active service (8.12.5, 8.12.6, 13.10.5.8),
probation (8.12.4.1) and unserved obligations (7.7.7, 13.10.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from workflows.record import category_of, superannuation_age


@dataclass(frozen=True)
class Entry:
    kind: str
    start: date | None
    end: date | None
    status: str
    details: Mapping[str, Any] = field(default_factory=dict)
    case_id: int | None = None
    id: int | None = None

    def days(self, until: date | None = None) -> int:
        """Calendar days covered, both ends included, cut at ``until``."""
        if self.start is None:
            return 0
        end = self.end or until or self.start
        if until is not None:
            end = min(end, until)
        return max(0, (end - self.start).days + 1)

    def covers(self, day: date) -> bool:
        return (
            self.start is not None and self.start <= day and (self.end is None or day <= self.end)
        )


@dataclass(frozen=True)
class Profile:
    eid: str
    name: str
    date_of_birth: date
    level: str
    agency: str
    appointment_date: date
    category: str = ""
    parent_agency: str | None = None
    super_structure: str = ""
    occupational_group: str = ""
    employment_type: str = "regular"
    probation_end: date | None = None
    position_since: date | None = None
    place_of_posting: str = ""
    nationality: str = "Bhutanese"
    performance_rating: str = ""
    drug_test: str = ""
    qualification: str = ""
    bcse_selected: bool = False
    status: str = "in_service"
    entries: tuple[Entry, ...] = ()
    penalties_in_force: int = 0
    penalties_on_record: int = 0  # imposed and not revoked, whether or not the term is over
    # Of those, the reprimands and other minor penalties (19.11.13.4 counts these).
    minor_penalties_on_record: int = 0
    pending_disciplinary: int = 0
    open_cases: Mapping[str, int] = field(default_factory=dict)  # process -> open cases

    # -- who
    @property
    def position_category(self) -> str:
        return self.category or category_of(self.level)

    @property
    def executive_or_specialist(self) -> bool:
        return self.level.upper().startswith(("EX", "ES"))

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def superannuation_date(self) -> date:
        """15.3.4: the day the superannuation age is attained."""
        age = superannuation_age(self.level, self.position_category)
        dob = self.date_of_birth
        try:
            return dob.replace(year=dob.year + age)
        except ValueError:  # 29 February
            return date(dob.year + age, 3, 1)

    # -- history
    def of(self, kind: str, *statuses: str) -> list[Entry]:
        return [
            e for e in self.entries if e.kind == kind and (not statuses or e.status in statuses)
        ]

    def on_probation(self, day: date) -> bool:
        return self.probation_end is not None and day <= self.probation_end

    def eol_days(self, until: date | None = None) -> int:
        """8.12.1, 8.12.2: EOL taken, weekends and holidays counted (revoked leave counts
        only the days actually taken)."""
        return sum(e.days(until) for e in self.of("eol") if e.status != "approved")

    def inactive_days(self, until: date, *kinds: str) -> int:
        """Days in periods of the given kinds (EOL, secondment...) up to ``until``."""
        return sum(e.days(until) for k in kinds for e in self.of(k) if e.start and e.start <= until)

    def service_years(self, on: date) -> float:
        """Years since first appointment, probation included (8.12.4.2, 13.10.3.2)."""
        return max(0.0, (on - self.appointment_date).days / 365.25)

    def active_service_years(self, on: date, *, after_probation: bool = False) -> float:
        """8.12.6: EOL is not active service for any HR action; a secondment is not active
        service for liquidating obligations (13.10.5.8) but counts otherwise (13.10.5.4)."""
        start = self.appointment_date
        if after_probation and self.probation_end:
            start = max(start, self.probation_end + timedelta(days=1))
        days = (on - start).days + 1 - self.inactive_days(on, "eol")
        return max(0.0, days / 365.25)

    def years_in_position(self, on: date) -> float:
        return max(0.0, (on - (self.position_since or self.appointment_date)).days / 365.25)

    def on_leave_of(self, day: date, *types: str) -> list[Entry]:
        return [
            e for e in self.of("leave") if e.details.get("leave_type") in types and e.covers(day)
        ]

    def ltts(self) -> list[Entry]:
        return self.of("ltt")

    def unserved_obligations(self, day: date, *kinds: str) -> list[Entry]:
        """Service obligations (7.7.7, 13.10.6) whose end lies after ``day``."""
        out = []
        for e in self.entries:
            if kinds and e.kind not in kinds:
                continue
            end = self.obligation_end(e)
            if end and end > day:
                out.append(e)
        return out

    def obligation_end(self, entry: Entry) -> date | None:
        """When ``entry``'s service obligation is served: its recorded end, pushed back by
        the days that do not liquidate it, EOL (8.12.6) and secondment (13.10.5.8) taken
        after it began (the end of the course or secondment that created it)."""
        recorded = entry.details.get("obligation_end")
        if not recorded:
            return None
        base = date.fromisoformat(str(recorded))
        begin = entry.end or entry.start or base
        end = base
        for _ in range(10):  # each extension may reach a further period; converges fast
            extended = base + timedelta(days=self._not_liquidating(begin, end, entry.id))
            if extended == end:
                break
            end = extended
        return end

    def _not_liquidating(self, begin: date, end: date, own_id: int | None) -> int:
        days = 0
        for e in self.entries:
            if e.kind not in ("eol", "secondment") or e.start is None or e.status == "approved":
                continue
            if own_id is not None and e.id == own_id:
                continue
            first, last = max(e.start, begin + timedelta(days=1)), min(e.end or end, end)
            if last >= first:
                days += (last - first).days + 1
        return days

    def last_stt_end(self) -> date | None:
        ends = [e.end for e in self.of("stt") if e.end]
        return max(ends) if ends else None

    def pending(self, kind: str, status: str = "pending") -> list[Entry]:
        return self.of(kind, status)

    def open_case_count(self, process: str) -> int:
        return int(self.open_cases.get(process, 0))
