"""Eligibility: the rules a civil servant must meet before an application is taken.

Each process lists its rules once (``Process.eligibility``). The same list answers the
application page and GET /api/employees/{eid}/eligibility/{process} before anything is
submitted, and becomes guards on the opening step, so what the page promised and what the
step enforces cannot drift apart. A rule the BCSR words as "may" (8.12.4.4) is advisory:
shown as a warning, never a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.context import Context
from workflows.declarations import Guard
from workflows.engine import Process
from workflows.profile import Profile

Check = Callable[[Profile, Mapping[str, Any], date], bool]
Explain = Callable[[Profile, Mapping[str, Any], date], str]


@dataclass(frozen=True)
class Rule:
    """One requirement; ``check`` is True when it is met."""

    cite: str
    reason: str  # what the rule requires, in plain words
    check: Check
    advisory: bool = False
    explain: Explain | None = None  # the particulars of a failure ("on probation until ...")
    under: tuple[str, str] | None = None  # binds only under this reading (Guard.under)

    def describe(self, profile: Profile, proposal: Mapping[str, Any], today: date) -> str:
        if self.explain is None:
            return self.reason
        return f"{self.reason}: {self.explain(profile, proposal, today)}"


@dataclass(frozen=True)
class Unmet:
    cite: str
    reason: str
    advisory: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"cite": self.cite, "reason": self.reason, "advisory": self.advisory}


def evaluate(
    rules: Iterable[Rule],
    profile: Profile,
    proposal: Mapping[str, Any],
    today: date,
    *,
    version: Process | None = None,
) -> list[Unmet]:
    """Every rule not met, refusals and warnings alike, in the order the rules are listed.
    With the case's process ``version``, only the rules of the readings it applies, each
    naming the reading it depends on."""
    out = []
    for r in rules:
        if version is not None and not version.binds(r):
            continue
        if r.check(profile, proposal, today):
            continue
        reason = r.describe(profile, proposal, today)
        if version is not None and r.under:
            reason = f"{reason} ({version.in_force(r.under[0]).note()})"
        out.append(Unmet(r.cite, reason, r.advisory))
    return out


def as_guards(rules: Iterable[Rule]) -> tuple[Guard, ...]:
    """The binding rules as guards of an opening step (advisory ones are left to the page)."""
    return tuple(_guard(r) for r in rules if not r.advisory)


def _guard(rule: Rule) -> Guard:
    def check(ctx: Context) -> bool:
        record = ctx.profile()
        if record is None:
            raise ValueError("eligibility needs the subject's record (Context.record)")
        return rule.check(record, ctx.proposal, ctx.today)

    return Guard(rule.cite, rule.reason, check, under=rule.under)


def proposed_date(proposal: Mapping[str, Any], name: str, default: date) -> date:
    """A date the application proposes (a start date), or ``default`` when not given yet."""
    value = proposal.get(name)
    if not value:
        return default
    return value if isinstance(value, date) else date.fromisoformat(str(value))
