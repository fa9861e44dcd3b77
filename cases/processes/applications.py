"""Before an application is submitted: is this civil servant eligible, and if not, why.

The same rules the opening step enforces (workflows.eligibility) are evaluated here for
the application page and GET /api/employees/{eid}/eligibility/{process}, with whatever
the applicant has proposed so far (dates, months, level...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from cases.core import profiles
from cases.core.service import NotFound
from cases.people import record
from workflows import registry
from workflows.eligibility import Unmet, evaluate
from workflows.engine import Refused, parse_values
from workflows.profile import Profile


@dataclass(frozen=True)
class Eligibility:
    process: str
    eid: str
    unmet: list[Unmet]  # binding rules not met: the application would be refused
    warnings: list[Unmet]  # advisory rules ("may"): the authority decides
    proposal: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return not self.unmet

    def as_dict(self) -> dict[str, Any]:
        return {
            "process": self.process,
            "eid": self.eid,
            "eligible": self.eligible,
            "unmet": [{"cite": u.cite, "reason": u.reason} for u in self.unmet],
            "warnings": [{"cite": u.cite, "reason": u.reason} for u in self.warnings],
            "proposal": self.proposal,
        }


def eligibility(
    session: Session,
    process_key: str,
    eid: str,
    raw: dict[str, Any],
    today: date,
    profile: Profile | None = None,
) -> Eligibility:
    """Evaluate ``process_key``'s eligibility for ``eid``; unknown parameters are refused."""
    process = registry.requested(process_key, today)
    proposal, errors = parse_values(process.proposal_fields, raw, {}, process.cite, partial=True)
    if errors:
        raise Refused(errors)
    profile = profile or profiles.profile_of(session, eid, today)
    if profile is None:
        raise NotFound(f"no civil servant with employee ID {eid}")
    found = evaluate(process.eligibility, profile, proposal, today, version=process)
    pending = profile.open_case_count(process.key)
    if pending:  # where a rule refuses a second one, the rule says so above; else a warning
        found.append(
            Unmet(
                process.cite,
                f"{pending} {process.title.lower()} case(s) already open for this civil "
                "servant: a second application is usually a mistake",
                advisory=True,
            )
        )
    scrutiny = record.special_scrutiny(record.standing(session, eid, today), process.key)
    if scrutiny:  # 19.14.5.1: for the authority to weigh, not a refusal
        found.append(Unmet("19.14.5.1", scrutiny, advisory=True))
    return Eligibility(
        process=process.key,
        eid=eid,
        unmet=[u for u in found if not u.advisory],
        warnings=[u for u in found if u.advisory],
        proposal=proposal,
    )
