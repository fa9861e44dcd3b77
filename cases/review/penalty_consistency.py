"""Like offences, like penalties? For each offence of Schedule 19/A, the penalties decided
across agencies and years, and what appeals did to them (BCSR 19.12.1: an oversight agency
may appeal "inconsistencies in the disciplinary action").

Read from the penalties entered in service records (19.11.9; a quashed or remanded
decision leaves them revoked) and from the appellate decisions in the audit trail. The
RCSC, appellate bodies and administrators see every case named; an agency's committee
sees its own agency's cases named and the others' only as counts (their respondents are
not its business), which is guidance for its next decision, not a rule.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core.models import AuditEvent, Case, Penalty
from cases.review.oversight_filters import HRC_ROLES
from workflows import offences
from workflows import roles as R
from workflows.engine import Actor, Refusal, Refused

CITE = "19.12.1"
SUMMARY = "Compulsory retirement by summary proceedings (19.10.1)"  # no schedule row
SEES_ALL = frozenset({R.RCSC, R.APPELLATE, R.ADMIN})


def may_look(actor: Actor) -> bool:
    return bool(actor.roles & (SEES_ALL | HRC_ROLES)) or actor.agency == R.RCSC_AGENCY


def check_access(actor: Actor) -> None:
    if not may_look(actor):
        raise Refused(
            [
                Refusal(
                    "authority",
                    CITE,
                    "penalty consistency is for the RCSC, appellate bodies and agencies' HR "
                    "Committees and HR officers",
                )
            ]
        )


def names_all(actor: Actor) -> bool:
    return bool(actor.roles & SEES_ALL) or actor.agency == R.RCSC_AGENCY


@dataclass(frozen=True)
class Decided:
    """One penalty decided on one charge, as a reader may see it."""

    case_id: int | None  # None: another agency's case, counted but not named
    agency: str  # "" for another agency's
    year: int
    penalty: str
    status: str  # in_force, revoked
    appeal: str  # the appellate outcome on the case ("" if none)


@dataclass
class OffenceLine:
    offence: int
    nature: str
    classification: str
    penalties: Counter[str] = field(default_factory=Counter)
    revoked: int = 0
    appealed: int = 0
    appeal_outcomes: Counter[str] = field(default_factory=Counter)
    decided: list[Decided] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.penalties.values())

    def share(self, code: str) -> float:
        return self.penalties[code] / self.total if self.total else 0.0


def table(
    session: Session,
    actor: Actor,
    *,
    agency: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
    offence: int | None = None,
) -> list[OffenceLine]:
    """Every offence with a penalty decided, in schedule order."""
    check_access(actor)
    stmt = select(Penalty, Case.agency_code).join(Case, Case.id == Penalty.case_id)  # type: ignore[arg-type]
    if agency:
        stmt = stmt.where(Case.agency_code == agency)
    if year_from is not None:
        stmt = stmt.where(Penalty.imposed_on >= date(year_from, 1, 1))
    if year_to is not None:
        stmt = stmt.where(Penalty.imposed_on <= date(year_to, 12, 31))
    if offence is not None:
        stmt = stmt.where(Penalty.offence_no == offence)
    rows = session.exec(stmt.order_by(Penalty.offence_no, Penalty.id)).all()  # type: ignore[arg-type]
    outcomes = _appeal_outcomes(session, {p.case_id for p, _ in rows})
    named = names_all(actor)
    lines: dict[int, OffenceLine] = {}
    for p, case_agency in rows:
        o = offences.BY_NUMBER.get(p.offence_no)
        line = lines.setdefault(
            p.offence_no,
            OffenceLine(
                p.offence_no,
                o.nature if o else SUMMARY if p.offence_no == 0 else f"offence {p.offence_no}",
                o.classification if o else "",
            ),
        )
        own = named or case_agency == actor.agency
        appeal = outcomes.get(p.case_id, "")
        line.penalties[p.code] += 1
        line.revoked += p.status == "revoked"
        line.appealed += bool(appeal)
        if appeal:
            line.appeal_outcomes[appeal] += 1
        line.decided.append(
            Decided(
                p.case_id if own else None,
                case_agency if own else "",
                p.imposed_on.year,
                p.code,
                p.status,
                appeal,
            )
        )
    return [lines[k] for k in sorted(lines)]


def _appeal_outcomes(session: Session, case_ids: set[int]) -> dict[int, str]:
    """The last appellate outcome recorded on each case (its decide_appeal event)."""
    if not case_ids:
        return {}
    events = session.exec(
        select(AuditEvent.case_id, AuditEvent.fields)
        .where(
            AuditEvent.trigger == "decide_appeal",
            AuditEvent.case_id.in_(sorted(case_ids)),  # type: ignore[union-attr]
        )
        .order_by(sa.asc(AuditEvent.seq))
    ).all()
    out: dict[int, str] = {}
    for case_id, fields in events:
        out[case_id] = str(json.loads(fields).get("appeal_outcome") or "decided")
    return out


def label(code: str) -> str:
    """A penalty's name as the rule words it (19.11.13, 19.11.14)."""
    found = offences.PENALTY_BY_CODE.get(code)
    return found.label if found else code


def guidance(session: Session, actor: Actor, offence_numbers: list[int]) -> list[str]:
    """For the decision step: what was decided before for the offences charged, in one line
    each (counts only; shown as guidance, never enforced)."""
    if not may_look(actor):
        return []
    out = []
    for line in table(session, actor):
        if line.offence not in offence_numbers or not line.total:
            continue
        parts = ", ".join(f"{n} {label(c).lower()}" for c, n in line.penalties.most_common())
        revoked = f"; {line.revoked} revoked on appeal" if line.revoked else ""
        out.append(
            f"Offence {line.offence} ({line.nature[:60]}): decided before {line.total} "
            f"times: {parts}{revoked} (BCSR {CITE}, guidance only)."
        )
    return out


CSV_HEADER = ("offence", "nature", "classification", "penalty", "decided", "share", "revoked")


def csv_rows(lines: list[OffenceLine]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for line in lines:
        for code, n in line.penalties.most_common():
            revoked = sum(1 for d in line.decided if d.penalty == code and d.status == "revoked")
            out.append(
                (
                    line.offence,
                    line.nature,
                    line.classification,
                    code,
                    n,
                    f"{line.share(code):.2f}",
                    revoked,
                )
            )
    return out
