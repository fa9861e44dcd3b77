"""Separation from the civil service, and the money an unserved LTT obligation then costs.

Whatever ends a career (a compulsory retirement decided in any process's queue, 7.7.8.1 v,
8.12.15, 13.10.6.4; a resignation the HR officer records), this is where the register
marks it and where each LTT whose service obligation is unserved becomes a due: 2/3/4
times the costs, payable within 90 days, 24% a year after that (7.7.7.2, 7.7.7.5, 19.11.1).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from cases.core import profiles
from cases.core.models import CivilServant, ServiceEntry
from workflows.obligations import FinancialObligation, calendar_span, ltt_financial_obligation
from workflows.profile import Profile


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
    _secondment_gratuity(session, profile, on)
    session.flush()
    return owed


def _secondment_gratuity(session: Session, profile: Profile, on: date) -> None:
    """13.10.6.5: "A civil servant failing to complete his obligations, the gratuity shall be
    deducted on a pro-rata basis for the secondment obligation duration not served". Each
    return obligation a 2023.2 secondment case marked, unserved on ``on``, records the part
    not served and its share of the obligation, by which the gratuity is reduced."""
    by_id = {e.id: e for e in profile.entries}
    for e in profile.of("service_obligation", "running"):
        if e.details.get("gratuity_pro_rata") != "13.10.6.5" or e.start is None:
            continue
        secondment = by_id.get(e.details.get("secondment_entry"))
        end = (profile.obligation_end(secondment) if secondment else None) or e.end
        if end is None or end <= on:
            continue
        owed, unserved = (end - e.start).days, (end - on).days
        months, days = calendar_span(on, end - timedelta(days=1))
        row = session.get(ServiceEntry, e.id)
        assert row is not None
        profiles.update_entry(
            session,
            row,
            status="unserved",
            separated_on=on.isoformat(),
            unserved=f"{on.isoformat()} to {(end - timedelta(days=1)).isoformat()}",
            gratuity_deduction=(
                f"gratuity deducted pro rata for {months} months {days} days of the "
                f"obligation not served: {unserved}/{owed} of the obligation "
                f"({Decimal(unserved) / Decimal(owed):.2%}) (BCSR 13.10.6.5)"
            ),
        )
