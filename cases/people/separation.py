"""Separation from the civil service, and the money an unserved LTT obligation then costs.

Whatever ends a career (a compulsory retirement decided in any process's queue, 7.7.8.1 v,
8.12.15, 13.10.6.4; a resignation the HR officer records), this is where the register
marks it and where each LTT whose service obligation is unserved becomes a due: 2/3/4
times the costs, payable within 90 days, 24% a year after that (7.7.7.2, 7.7.7.5, 19.11.1).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from cases.core import profiles
from cases.core.models import CivilServant
from workflows.obligations import FinancialObligation, ltt_financial_obligation


def separate(
    session: Session,
    eid: str,
    *,
    on: date,
    reason: str,
    now: datetime,
    by: str,
    case_id: int | None = None,
    dues: bool = True,
) -> list[FinancialObligation]:
    """Mark ``eid`` separated on ``on`` and write the LTT dues it leaves; returns those dues."""
    cs = session.get(CivilServant, eid)
    if cs is None:
        raise LookupError(f"no civil servant {eid}")
    profile = profiles.profile_of(session, eid, on)
    assert profile is not None
    cs.status = "separated"
    cs.separated_on = on
    cs.separation_reason = reason
    session.add(cs)
    owed: list[FinancialObligation] = []
    for ltt in profile.ltts() if dues else []:
        obligation = ltt_financial_obligation(ltt, on)
        if obligation is None:
            continue
        owed.append(obligation)
        profiles.add_entry(
            session,
            eid=eid,
            kind="due",
            now=now,
            by=by,
            start_on=on,
            end_on=obligation.due_on,
            status="outstanding",
            case_id=case_id,
            amount=str(obligation.amount),
            note=(
                f"LTT financial obligation: {obligation.basis}; payable by "
                f"{obligation.due_on.isoformat()}, then 24% a year (BCSR {obligation.cite}, "
                "19.11.1)"
            ),
            ltt_entry=ltt.id,
        )
    session.flush()
    return owed
