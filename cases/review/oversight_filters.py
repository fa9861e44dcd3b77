"""Who may oversee turnaround times, and what they narrowed the oversight page to.

An agency's HRC oversees its HR actions (BCSR 2.10.1) and the RCSC all of them (2.9.1):
``check_access`` refuses anyone else. The page's filters (process, agency, a range of months
of the due date) are read and refused here by parameter, so the page, the CSV and the API
answer a bad one alike (422 naming it).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import queries
from cases.core.models import Agency, Case
from workflows import bounds, registry
from workflows import roles as R
from workflows.context import Actor, Refusal, Refused

# Who oversees turnaround times: the HRC and its HR officer (2.10.1), the RCSC (2.9.1).
HRC_ROLES = frozenset({R.HRC_CHAIR, R.DC_MEMBER, R.MEMBER_SECRETARY, R.HR_OFFICER})
ACCESS_CITE = "2.10.1"

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# First and last month a filter may name (workflows.bounds): month arithmetic near year 9999
# or 0 leaves the calendar.
_PLAUSIBLE_MONTHS = (
    bounds.EARLIEST_DATE.strftime("%Y-%m"),
    bounds.HORIZON_DATE.strftime("%Y-%m"),
)


# ------------------------------------------------------------------ who may look


def may_oversee(actor: Actor) -> bool:
    return bool(actor.roles & (HRC_ROLES | {R.RCSC, R.ADMIN}) or actor.agency == R.RCSC_AGENCY)


def check_access(actor: Actor) -> None:
    """Refuse (403) anyone who is neither on an HRC nor the RCSC nor an administrator."""
    if not may_oversee(actor):
        raise Refused(
            [
                Refusal(
                    "authority",
                    ACCESS_CITE,
                    "turnaround times are overseen by an agency's HR Committee and HR "
                    "officers and by the RCSC (2.9.1); this account holds none of those roles",
                )
            ]
        )


# ------------------------------------------------------------------ filters


class FilterError(ValueError):
    """A query parameter that cannot be understood; the page answers 422 naming it."""

    def __init__(self, param: str, reason: str) -> None:
        self.param = param
        self.reason = reason
        super().__init__(f"{param}: {reason}")


@dataclass(frozen=True)
class Filters:
    """What the viewer narrowed the page to; empty strings mean "all"."""

    process: str = ""
    agency: str = ""
    from_month: str = ""  # YYYY-MM, months of the due date
    to_month: str = ""

    def params(self) -> dict[str, str]:
        """The non-empty filters as query parameters (for the CSV link and the API)."""
        return {k: v for k, v in self.__dict__.items() if v}

    def first_day(self) -> date | None:
        return _month_start(self.from_month) if self.from_month else None

    def after_last_day(self) -> date | None:
        return _next_month(_month_start(self.to_month)) if self.to_month else None


FILTER_PARAMS = ("process", "agency", "from_month", "to_month")


def parse_filters(params: Mapping[str, str], agencies: Collection[str]) -> Filters:
    """Read the query parameters; an unknown process or agency or a bad month is refused."""
    values = {p: str(params.get(p) or "").strip() for p in FILTER_PARAMS}
    if values["process"] and values["process"] not in registry.keys():
        raise FilterError(
            "process",
            f"no process '{values['process']}' (one of {', '.join(registry.keys())})",
        )
    if values["agency"]:
        values["agency"] = values["agency"].upper()
        if values["agency"] not in agencies:
            raise FilterError("agency", f"no agency with the code '{values['agency']}'")
    for name in ("from_month", "to_month"):
        if values[name] and not _MONTH.fullmatch(values[name]):
            raise FilterError(name, f"'{values[name]}' is not a month written YYYY-MM")
        if values[name] and not _PLAUSIBLE_MONTHS[0] <= values[name] <= _PLAUSIBLE_MONTHS[1]:
            raise FilterError(
                name,
                f"{values[name]} is not a month the rules count in "
                f"({_PLAUSIBLE_MONTHS[0]} to {_PLAUSIBLE_MONTHS[1]})",
            )
    if values["from_month"] and values["to_month"] and values["to_month"] < values["from_month"]:
        raise FilterError(
            "to_month", f"{values['to_month']} is before from_month {values['from_month']}"
        )
    return Filters(**values)


def agency_codes(session: Session) -> list[str]:
    return list(session.exec(select(Agency.code).order_by(Agency.code)).all())


def agency_choices(session: Session, actor: Actor) -> list[str]:
    """Agencies worth offering in the filter: those of the cases the viewer may see."""
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return agency_codes(session)
    seen = set(
        session.exec(select(Case.agency_code).where(queries.visibility(actor)).distinct()).all()
    )
    if actor.agency:
        seen.add(actor.agency)
    return sorted(seen)


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), so a timeline shows empty months."""
    out, day, end = [], _month_start(first), _month_start(last)
    while day <= end:
        out.append(day.strftime("%Y-%m"))
        day = _next_month(day)
    return out


def _month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def case_filters(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The process and agency filters as conditions on ``Case`` (the months filter the
    statistics only)."""
    out: list[sa.ColumnElement[bool]] = []
    if filters.process:
        out.append(Case.process == filters.process)  # type: ignore[arg-type]
    if filters.agency:
        out.append(Case.agency_code == filters.agency)  # type: ignore[arg-type]
    return out
