"""What a process's letters module declares, and what its letters read: ``Declaration``
(one letter or order, when it may be issued and by whom), ``Sources`` (the case, its data
and its deadlines) and the readings every letter prints alike (``day``, ``money``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from cases.core import deadlines
from cases.core.models import Agency, Case, Deadline
from workflows.context import Context
from workflows.declarations import Authority, Step
from workflows.values import as_date

Facts = Callable[["Sources"], dict[str, Any]]


@dataclass(frozen=True)
class Declaration:
    """One letter or order: when it may be issued, by whom, and from which template."""

    kind: str
    title: str
    process: str
    template: str  # under templates/documents/
    cite: str
    after: tuple[str, ...]  # one of these steps must be in the case's audit trail
    after_reason: str  # what must have happened, in plain words
    states: tuple[str, ...]
    by: frozenset[str]
    who: str  # the refusal for any other role
    authority: Callable[[Context], Authority] | None
    prefix: str  # of a generated reference number
    facts: Facts
    number_field: str | None = None  # the case's recorded letter or order number, if any
    # Besides the step: a further condition on the case data; returns the reason it fails.
    unless: Callable[[Mapping[str, Any]], str | None] | None = None
    copies: tuple[str, ...] = field(default_factory=tuple)

    @property
    def step(self) -> Step:
        """The issue as the engine sees a step, so role, agency and recusal checks are shared."""
        return Step(
            f"issue_{self.kind}",
            self.states,
            "=",
            f"Issue the {self.title.lower()}",
            self.cite,
            by=self.by,
            authority=self.authority,
        )


@dataclass(frozen=True)
class Sources:
    """What a document's facts are read from: the case, its data and its deadlines."""

    session: Session
    case: Case
    data: Mapping[str, Any]
    ctx: Context

    def agency_name(self, code: str | None) -> str:
        agency = self.session.get(Agency, code) if code else None
        return agency.name if agency else (code or "")

    def deadline(self, kind: str) -> Deadline | None:
        rows = [d for d in deadlines.for_case(self.session, self.case.id or 0) if d.kind == kind]
        return rows[-1] if rows else None


def day(value: date | str | None) -> str:
    """A date as a letter prints it: 14 December 2026."""
    d = as_date(value)
    return f"{d.day} {d.strftime('%B %Y')}" if d else ""


def money(value: Any) -> str:
    """An amount as a letter prints it: Nu 48,500.00."""
    if value in (None, ""):
        return ""
    return f"Nu {Decimal(str(value)):,.2f}"
