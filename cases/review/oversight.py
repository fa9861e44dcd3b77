"""Turnaround-time oversight: where each step's deadlines are met, missed or still open, how
many working days the steps took, and what is overdue or falls due soon.

An agency's HRC oversees its HR actions (BCSR 2.10.1); the RCSC is the final authority for
all HR actions (2.9.1) and audits them across agencies (17.6.1.1). So the HRC's officers see
their agency's cases, as ``cases.core.queries.visibility`` already decides, and the RCSC and
administrators see every agency.

What is counted: deadline rows (cases.core.deadlines) of the cases the viewer may see. A deadline
is *met on time* when the step that settles it was taken on or before its due date; *missed*
when the sweep or a late step marked it missed (taken late, or never); *still open* while
armed. Cancelled deadlines (superseded by an extension, or made moot by another step or the
case closing) were neither met nor missed and are left out. *Days taken* are working days on
Bhutan's calendar, from the day counting starts after (``basis_on``) to the day in Bhutan the
step settled it, also for deadlines the rule counts in calendar days, so every step is
measured on one scale; a step taken before counting started (a release before the secondment
begins) took 0. Months are those of the due date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import calendar_store, deadlines, queries
from cases.core.models import Agency, Case, CivilServant, Deadline
from cases.inbox.next_actors import NextAction, next_actions

# Who oversees turnaround times: the HRC and its HR officer (2.10.1), the RCSC (2.9.1).
from cases.review.oversight_stats import Outcome as Outcome
from cases.review.oversight_stats import Tally as Tally
from cases.review.oversight_stats import days_taken as days_taken
from cases.review.oversight_stats import median as median
from cases.review.oversight_stats import p90 as p90
from cases.review.oversight_stats import tally as tally
from workflows import bounds, registry
from workflows import roles as R
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.engine import Actor, Refusal, Refused

HRC_ROLES = frozenset({R.HRC_CHAIR, R.DC_MEMBER, R.MEMBER_SECRETARY, R.HR_OFFICER})
ACCESS_CITE = "2.10.1"

# The overdue and due-soon lists ask who must act case by case (cases.inbox.next_actors, about
# 15-25 ms a case on a 2-core machine), so each stops at this many rows and says how many more.
LIST_LIMIT = 100
SOON_WORKING_DAYS = 5

STEP = ("process", "kind", "label", "cite", "unit")
CSV_HEADER = (
    "process",
    "step_kind",
    "step",
    "cite",
    "unit",
    "agency",
    "month",
    "met_on_time",
    "missed",
    "missed_settled_late",
    "still_open",
    "settled",
    "median_working_days",
    "p90_working_days",
)

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


def _case_filters(filters: Filters) -> list[sa.ColumnElement[bool]]:
    out: list[sa.ColumnElement[bool]] = []
    if filters.process:
        out.append(Case.process == filters.process)  # type: ignore[arg-type]
    if filters.agency:
        out.append(Case.agency_code == filters.agency)  # type: ignore[arg-type]
    return out


# ------------------------------------------------------------------ the report


def outcomes(session: Session, actor: Actor, filters: Filters) -> list[Outcome]:
    """Every visible, non-cancelled deadline in the filters, in one query."""
    stmt = (
        select(
            Deadline.kind,
            Deadline.label,
            Deadline.cite,
            Deadline.unit,
            Deadline.status,
            Deadline.basis_on,
            Deadline.due_on,
            Deadline.settled_at,
            Case.process,
            Case.agency_code,
        )
        .join(Case, Case.id == Deadline.case_id)  # type: ignore[arg-type]
        .where(
            Deadline.status != "cancelled",
            queries.visibility(actor),
            *_case_filters(filters),
        )
    )
    if (first := filters.first_day()) is not None:
        stmt = stmt.where(Deadline.due_on >= first)
    if (after := filters.after_last_day()) is not None:
        stmt = stmt.where(Deadline.due_on < after)
    rows = session.exec(stmt).all()  # type: ignore[call-overload]
    cal = calendar_store.load(session)
    return [
        Outcome(
            process=r.process,
            kind=r.kind,
            label=r.label,
            cite=r.cite,
            unit=r.unit,
            agency=r.agency_code,
            month=r.due_on.strftime("%Y-%m"),
            status=r.status,
            days_taken=days_taken(cal, r.basis_on, r.settled_at) if r.status != "armed" else None,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Report:
    filters: Filters
    total: Tally
    steps: list[Tally]  # per step
    by_agency: list[Tally]  # per step and agency
    by_month: list[Tally]  # per step and month
    months: list[Tally]  # per month, all steps together
    rows: list[Tally]  # per step, agency and month: the CSV

    def as_dict(self) -> dict[str, Any]:
        return {
            "filters": self.filters.params(),
            "total": self.total.as_dict(),
            "steps": [t.as_dict() for t in self.steps],
            "by_agency": [t.as_dict() for t in self.by_agency],
            "by_month": [t.as_dict() for t in self.by_month],
            "months": [t.as_dict() for t in self.months],
            "rows": [t.as_dict() for t in self.rows],
        }


def build_report(found: Sequence[Outcome], filters: Filters) -> Report:
    totals = tally(found, ())
    return Report(
        filters=filters,
        total=totals[0] if totals else Tally(),
        steps=tally(found, STEP),
        by_agency=tally(found, (*STEP, "agency")),
        by_month=tally(found, (*STEP, "month")),
        months=tally(found, ("month",)),
        rows=tally(found, (*STEP, "agency", "month")),
    )


def report(session: Session, actor: Actor, filters: Filters) -> Report:
    return build_report(outcomes(session, actor, filters), filters)


def fmt_days(value: float | None) -> str:
    """3.0 → "3", 2.5 → "2.5", None → "" (the page and the CSV show the same text)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def csv_rows(rep: Report) -> list[list[str]]:
    """The CSV: a header, then one line per process, step, agency and month."""
    out = [list(CSV_HEADER)]
    for t in rep.rows:
        out.append(
            [
                t.process,
                t.kind,
                t.label,
                t.cite,
                t.unit,
                t.agency,
                t.month,
                str(t.met),
                str(t.missed),
                str(t.missed_late),
                str(t.open),
                str(t.settled),
                fmt_days(t.median),
                fmt_days(t.p90),
            ]
        )
    return out


# ------------------------------------------------------------------ overdue and due soon


@dataclass(frozen=True)
class Pending:
    """An open deadline on a list, with who must act on its case now."""

    deadline: Deadline
    case: Case
    subject_name: str
    working_days: int  # overdue by (overdue list) or left (due-soon list)
    calendar_days: int
    actions: tuple[NextAction, ...]

    def as_dict(self) -> dict[str, Any]:
        d = self.deadline
        return {
            "case_id": self.case.id,
            "process": self.case.process,
            "agency": self.case.agency_code,
            "subject_eid": self.case.subject_eid,
            "subject_name": self.subject_name,
            "kind": d.kind,
            "label": d.label,
            "cite": d.cite,
            "status": d.status,
            **deadlines.term(d).as_json(),  # amount, unit, counted_from, due_on
            "working_days": self.working_days,
            "calendar_days": self.calendar_days,
            "next": [
                {"trigger": a.trigger, "label": a.label, "cite": a.cite, "who": a.who()}
                for a in self.actions
            ],
        }


@dataclass(frozen=True)
class PendingList:
    rows: list[Pending]
    total: int  # all that match; ``rows`` stops at ``limit``
    limit: int


def _pending_query(actor: Actor, filters: Filters, where: Sequence[Any]) -> Any:
    return (
        select(Deadline, Case, CivilServant.name)
        .join(Case, Case.id == Deadline.case_id)  # type: ignore[arg-type]
        .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        .where(
            Case.closed_at.is_(None),  # type: ignore[union-attr]
            queries.visibility(actor),
            *_case_filters(filters),
            *where,
        )
    )


def _pending(
    session: Session,
    actor: Actor,
    filters: Filters,
    where: Sequence[Any],
    now: datetime,
    limit: int,
    distance: Callable[[Deadline], tuple[int, int]],
    waiting: dict[int, list[NextAction]] | None = None,
) -> PendingList:
    base = _pending_query(actor, filters, where)
    total = session.exec(select(sa.func.count()).select_from(base.subquery())).one()
    rows = session.exec(
        base.order_by(Deadline.due_on, Case.id, Deadline.id).limit(limit)  # type: ignore[arg-type]
    ).all()
    waiting = {} if waiting is None else waiting  # case id → next actions, shared by lists
    out = []
    for deadline, case, name in rows:
        if case.id not in waiting:
            waiting[case.id] = next_actions(session, case, now)
        wd, cd = distance(deadline)
        out.append(
            Pending(deadline, case, name, wd, cd, _settling(case, deadline, waiting[case.id]))
        )
    return PendingList(out, int(total), limit)


def _settling(case: Case, deadline: Deadline, actions: list[NextAction]) -> tuple[NextAction, ...]:
    """The waiting steps that settle this deadline, if any is among them; else all of them
    (the deadline's own step may not be open yet, and the case still waits for someone)."""
    proc = registry.for_case(case)
    settles = {s.trigger for s in proc.steps if deadline.kind in s.settles}
    own = tuple(a for a in actions if a.trigger in settles)
    return own or tuple(actions)


def overdue(
    session: Session,
    actor: Actor,
    filters: Filters,
    now: datetime,
    limit: int = LIST_LIMIT,
    waiting: dict[int, list[NextAction]] | None = None,
) -> PendingList:
    """Deadlines still owed (armed, or marked missed by the sweep and the step not yet taken)
    whose due date has passed, on open cases, longest overdue first."""
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    return _pending(
        session,
        actor,
        filters,
        [queries.outstanding(), Deadline.due_on < today],
        now,
        limit,
        lambda d: (cal.working_days_between(d.due_on, today), (today - d.due_on).days),
        waiting,
    )


def soon_until(cal: WorkingCalendar, today: date) -> date:
    """The last day of the due-soon window: five working days counting today if it is one
    (a Saturday's window runs to the fifth working day after it)."""
    return cal.add_working_days(today - timedelta(days=1), SOON_WORKING_DAYS)


def due_soon(
    session: Session,
    actor: Actor,
    filters: Filters,
    now: datetime,
    limit: int = LIST_LIMIT,
    waiting: dict[int, list[NextAction]] | None = None,
) -> PendingList:
    """Armed deadlines falling due from today to the end of the next five working days."""
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    return _pending(
        session,
        actor,
        filters,
        [
            Deadline.status == "armed",
            Deadline.due_on >= today,
            Deadline.due_on <= soon_until(cal, today),
        ],
        now,
        limit,
        lambda d: (cal.working_days_between(today, d.due_on), (d.due_on - today).days),
        waiting,
    )


@dataclass(frozen=True)
class Oversight:
    """Everything the oversight page shows."""

    report: Report
    overdue: PendingList
    due_soon: PendingList
    today: date
    soon_until: date

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.report.as_dict(),
            "today": self.today.isoformat(),
            "due_soon_until": self.soon_until.isoformat(),
            "list_limit": self.overdue.limit,
            "overdue_total": self.overdue.total,
            "overdue": [p.as_dict() for p in self.overdue.rows],
            "due_soon_total": self.due_soon.total,
            "due_soon": [p.as_dict() for p in self.due_soon.rows],
        }


def oversight(
    session: Session, actor: Actor, filters: Filters, now: datetime, limit: int = LIST_LIMIT
) -> Oversight:
    """The page: statistics in the filters; the lists in its process and agency filters (the
    months select the statistics; an overdue deadline is listed whatever its month)."""
    check_access(actor)
    today = bhutan_today(now)
    waiting: dict[int, list[NextAction]] = {}
    return Oversight(
        report(session, actor, filters),
        overdue(session, actor, filters, now, limit, waiting),
        due_soon(session, actor, filters, now, limit, waiting),
        today,
        soon_until(calendar_store.load(session), today),
    )
