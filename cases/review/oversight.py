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

Who may look and the page's filters are in ``oversight_filters``, the overdue and due-soon
lists in ``oversight_pending``, the pure statistics in ``oversight_stats``; this module puts
the report and the page together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from cases.core import calendar_store, queries
from cases.core.models import Case, Deadline
from cases.inbox.next_actors import NextAction
from cases.review.oversight_filters import Filters, case_filters, check_access
from cases.review.oversight_pending import (
    DUE_SOON,
    LIST_LIMIT,
    OVERDUE,
    PendingList,
    pending_list,
    soon_until,
)
from cases.review.oversight_stats import Outcome, Tally, days_taken, tally
from workflows.calendar import bhutan_today
from workflows.context import Actor

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
            *case_filters(filters),
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
        pending_list(session, OVERDUE, actor, filters, now, limit, waiting),
        pending_list(session, DUE_SOON, actor, filters, now, limit, waiting),
        today,
        soon_until(calendar_store.load(session), today),
    )
