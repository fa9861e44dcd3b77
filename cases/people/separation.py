"""Separation from the civil service, and the money unserved obligations then cost.

Whatever ends a career (a compulsory retirement decided in any process's queue, 7.7.8.1 v,
8.12.15, 13.10.6.4; a resignation the HR officer records), this is where the register
marks it and where each LTT whose service obligation is unserved becomes a due: 2/3/4
times the costs (7.7.7.2, 7.7.7.6; for mixed mode the expenses, 7.7.8.1 ix), and, on a
resignation within six months of the last STT, one month's gross pay for every remaining
month (7.6.3.3). An obligation is served by ``Profile.obligation_end``, the one reading of
it that eligibility also uses (EOL and secondment do not liquidate it, 8.12.6, 13.10.5.8).

The 90 days to pay run "from the issuance of the office order for repayment" (7.7.7.5),
not from the separation: a due has no payable-by date until that order is recorded
(``cases.people.repayment``); then 24% a year after it (19.11.1).

A reinstatement (19.8.3, 19.12.6) undoes a separation: the dues revoked (``reinstate``), each
LTT obligation moved on by the days separated (``extend_ltt_obligations``) and a secondment's
gratuity deduction undone (``restore_secondment_obligations``).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from cases.core import profiles
from cases.core.models import CivilServant, ServiceEntry
from workflows.obligations import (
    FinancialObligation,
    calendar_span,
    last_day_owed,
    ltt_financial_obligation,
    stt_financial_obligation,
)
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
    resignation: bool = False,
    gross_pay: Decimal | None = None,
) -> list[FinancialObligation]:
    """Mark ``eid`` separated on ``on`` and write the dues it leaves; returns those dues.

    ``resignation``: 7.6.3.3 binds "prior to resigning from the service", so only then is
    an unserved STT obligation owed, at ``gross_pay`` a month (the amount is left for the
    office order when the gross pay is not given).
    """
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
    if dues:
        owed += [o for o in (ltt_financial_obligation(profile, e, on) for e in profile.ltts()) if o]
        stt = stt_financial_obligation(profile, on, gross_pay) if resignation else None
        owed += [stt] if stt else []
    for obligation in owed:
        title = "LTT" if obligation.kind == "ltt" else "STT"
        profiles.add_entry(
            session,
            eid=eid,
            kind="due",
            now=now,
            by=by,
            start_on=on,
            end_on=None,
            status="outstanding",
            case_id=case_id,
            amount=None if obligation.amount is None else str(obligation.amount),
            note=(
                f"{title} financial obligation: {obligation.basis}; payable "
                f"{obligation.as_dict()['payable']} (BCSR {obligation.cite}"
                + (", 19.11.1: then 24% a year)" if obligation.kind == "ltt" else ")")
            ),
            ltt_entry=obligation.ltt_id,
            obligation=obligation.kind,
            cite=obligation.cite,
        )
    _secondment_gratuity(session, profile, on)
    session.flush()
    return owed


def reinstate(session: Session, eid: str, *, case_id: int, reason: str) -> list[ServiceEntry]:
    """Undo the separation case ``case_id`` recorded, its penalty quashed or revoked
    (19.8.3, 19.12.6; 19.9.9 "accordingly reinstated in service"): the register shows the
    civil servant in service again, and each financial obligation that separation wrote
    and still outstanding is revoked, with ``reason``: 7.7.7.2 owes it only "In the event a
    civil servant does not fulfil his service obligation", and the reinstated civil servant
    goes on serving it (7.7.7.1), so no office order for repayment (7.7.7.5) can follow.
    A due already paid stays cleared. Returns the dues revoked."""
    cs = session.get(CivilServant, eid)
    if cs is None:
        raise LookupError(f"no civil servant {eid}")
    if cs.status == "separated":
        cs.status = "in_service"
        cs.separated_on = None
        cs.separation_reason = ""
        session.add(cs)
    rows = session.exec(
        select(ServiceEntry).where(
            ServiceEntry.eid == eid,
            ServiceEntry.case_id == case_id,
            ServiceEntry.kind == "due",
            ServiceEntry.status == "outstanding",
        )
    ).all()
    revoked = [r for r in rows if json.loads(r.details or "{}").get("obligation")]
    for row in revoked:
        profiles.update_entry(session, row, status="revoked", revoked=reason)
    session.flush()
    return revoked


def extend_ltt_obligations(
    session: Session, eid: str, *, separated_on: date, reinstated_on: date, why: str
) -> list[dict[str, Any]]:
    """7.7.7.1: "required to serve for a specified duration" (reading R-7.7.7.1-reinstated,
    "not_served"): a civil servant reinstated on ``reinstated_on`` did not serve from
    ``separated_on`` (the first day out of service) to the day before, so each LTT service
    obligation still running on ``separated_on`` ends that many days later, on its LTT line
    and its service obligation line, with the last day owed. Returns one line per
    obligation moved: the LTT line, the days, the old and new end and the last day owed."""
    days = (reinstated_on - separated_on).days
    profile = profiles.profile_of(session, eid, reinstated_on)
    if days <= 0 or profile is None:
        return []
    last_out = reinstated_on - timedelta(days=1)
    out = []
    for e in profile.ltts():
        served = profile.obligation_end(e)  # EOL and secondment counted (8.12.6, 13.10.5.8)
        if served is None or served <= separated_on:
            continue
        before = date.fromisoformat(str(e.details["obligation_end"]))
        end = before + timedelta(days=days)
        last = last_day_owed(end)
        values = {
            "obligation_end": end.isoformat(),
            "obligation_last_day": last.isoformat(),
            "obligation_extended": (
                f"ends {days} day(s) later: not served while separated, "
                f"{separated_on.isoformat()} to {last_out.isoformat()}; the last day owed is "
                f"{last.isoformat()} (BCSR 7.7.7.1; {why})"
            ),
        }
        row = session.get(ServiceEntry, e.id)
        assert row is not None
        profiles.update_entry(session, row, **values)
        for line in _obligation_lines(session, eid, e.id):
            profiles.update_entry(session, line, end_on=end, **values)
        out.append(
            {
                "ltt_entry": e.id,
                "days": days,
                "separated": [separated_on.isoformat(), last_out.isoformat()],
                "obligation_end_before": before.isoformat(),
                "obligation_end": end.isoformat(),
                "last_day_owed": last.isoformat(),
            }
        )
    return out


def _obligation_lines(session: Session, eid: str, ltt_id: int | None) -> list[ServiceEntry]:
    """The service obligation lines an LTT's return wrote (``ltt_entry``)."""
    rows = session.exec(
        select(ServiceEntry).where(
            ServiceEntry.eid == eid, ServiceEntry.kind == "service_obligation"
        )
    ).all()
    return [r for r in rows if json.loads(r.details or "{}").get("ltt_entry") == ltt_id]


def restore_secondment_obligations(
    session: Session, eid: str, *, separated_on: date, reinstated_on: date, why: str
) -> list[int]:
    """13.10.6.5: "A civil servant failing to complete his obligations, the gratuity shall
    be deducted on a pro-rata basis for the secondment obligation duration not served". The
    separation of ``separated_on`` recorded that deduction; reinstated, the civil servant
    serves the obligation on and has not failed to complete it, so the deduction is
    undone and the obligation line runs again (a later separation reckons it afresh).
    Returns the lines restored."""
    rows = session.exec(
        select(ServiceEntry).where(
            ServiceEntry.eid == eid,
            ServiceEntry.kind == "service_obligation",
            ServiceEntry.status == "unserved",
        )
    ).all()
    out = []
    for row in rows:
        d = json.loads(row.details or "{}")
        if d.get("gratuity_pro_rata") != "13.10.6.5":
            continue
        if d.get("separated_on") != separated_on.isoformat():
            continue
        profiles.update_entry(
            session,
            row,
            status="running",
            separated_on=None,
            unserved=None,
            gratuity_deduction=None,
            gratuity_deduction_undone=(
                f"undone on {reinstated_on.isoformat()}: reinstated, the obligation runs on "
                f"(BCSR 13.10.6.5; {why}); it read: {d.get('gratuity_deduction')}"
            ),
        )
        out.append(row.id or 0)
    return out


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
