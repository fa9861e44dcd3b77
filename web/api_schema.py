"""What /api answers about cases, declared for the OpenAPI (web/api.py names these as the
routes' response models): a client, and the schema fuzzing in tests/web/test_api_fuzz.py,
read the fields from /openapi.json instead of guessing them from examples."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

Unit = Literal["working_days", "calendar_days"]


class TermOut(BaseModel):
    """How a deadline's date is counted (cases.core.deadlines.Term)."""

    amount: int = Field(description="how many days of `unit` the rule allows")
    unit: Unit = Field(
        description="working_days: Monday to Friday minus Bhutan's public holidays and "
        "declared closures; calendar_days: every day counts (the rule says plain 'days')"
    )
    counted_from: date = Field(
        description="the day the count starts from; it is not itself counted (the count "
        "starts the day after, e.g. the day after the notice was received)"
    )
    due_on: date = Field(description="the last day counted: the last day the step is on time")


class SkippedDayOut(BaseModel):
    day: date
    reason: str = Field(description="Saturday, Sunday, the holiday's name or the closure's note")


class DeadlineOut(TermOut):
    """A case's deadline with the count behind its date, as the case page's "Why is this due
    on X?" shows it (cases.core.deadlines.reckon builds both)."""

    kind: str
    label: str
    cite: str = Field(description="the BCSR section that sets the deadline")
    status: Literal["armed", "met", "missed", "cancelled"]
    first_counted_on: date = Field(description="the first day counted")
    skipped: list[SkippedDayOut] = Field(
        description="days within the count that were not counted (working days only)"
    )
    why: str = Field(description="the count in one sentence")
    days_left: int | None = Field(
        description="working days left while armed (negative: overdue by that many)"
    )
    original_due_on: date | None = Field(
        description="the date first computed, when a calendar change moved the deadline"
    )
    note: str


class CaseOut(BaseModel):
    """A case as the caller sees it (confidential fields left out for other roles)."""

    id: int
    process: str
    process_version: str
    subject_eid: str
    agency: str
    title: str
    state: str
    state_label: str
    version: int = Field(description="send it back with an action (else 409)")
    final: bool
    data: dict[str, Any]
    deadlines: list[DeadlineOut]
    actions: list[dict[str, Any]] = Field(description="the steps open to the caller now")


class EventRef(BaseModel):
    seq: int
    hash: str
    cite: str | None


class ActedOut(CaseOut):
    """The case as the step left it, and the audit event the step appended."""

    event: EventRef


class NextDeadlineOut(TermOut):
    """A listed case's first deadline still owed."""

    kind: str
    label: str
    cite: str
    overdue: bool


class CaseListItem(BaseModel):
    id: int
    process: str
    state: str
    version: int
    subject_eid: str
    subject_name: str
    next_deadline: NextDeadlineOut | None


class CasePage(BaseModel):
    """One page of the case list, most urgent first (then cases owing nothing, newest
    first). ``next`` continues the same list: pass it as ``cursor`` with the same filters
    (``next_url`` is that request); null on the last page."""

    cases: list[CaseListItem]
    limit: int
    next: str | None = Field(description="cursor of the next page; null: this is the last")
    next_url: str | None = Field(description="the request for the next page")
