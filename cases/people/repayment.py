"""The office order for repayment of a due a separation left (BCSR 2023 7.7.7.5).

7.7.7.5: "The candidate or guarantor must fulfil the financial obligation within 90 days
from the issuance of the office order for repayment." A separation writes the due without a
payable-by day (cases.people.separation); recording the order (its number and date) sets
it: the 90th day after the order, after which 19.11.1 applies. An STT due (7.6.3.3) gets
its order recorded too, but that section sets no time.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from cases.core import profiles
from cases.core.models import CivilServant, ServiceEntry
from cases.people import register
from workflows.context import Actor, Refusal, Refused
from workflows.declarations import Field
from workflows.fields import parse_values
from workflows.obligations import payable_by

CITE = "7.7.7.5"
FIELDS = (
    Field("order_no", "text", "Office order for repayment, number"),
    Field("issued_on", "date", "Office order for repayment issued on"),
)


def _refused(kind: str, reason: str, name: str) -> Refused:
    return Refused([Refusal(kind, CITE, reason, name)])


def awaits_order(row: ServiceEntry) -> bool:
    """An outstanding due a separation left whose office order for repayment is not yet
    recorded here: what the record page offers to record (an LTT refund's order is recorded
    on its case, 7.7.8.1 ix; a revoked due takes none)."""
    details = json.loads(row.details or "{}")
    return (
        row.kind == "due"
        and row.status == "outstanding"
        and bool(details.get("obligation"))
        and not details.get("refund_case")
        and not details.get("repayment_order_no")
    )


def record_repayment_order(
    session: Session, eid: str, entry_id: int, raw: dict[str, Any], actor: Actor, now: datetime
) -> date | None:
    """Record the office order for repayment of due ``entry_id`` of ``eid``; returns the
    last day to pay (None for an STT due). The register's one authority check (16.3.3),
    then one audit event citing 7.7.7.5; nothing is written when anything is refused."""
    cs = session.get(CivilServant, eid)
    row = session.get(ServiceEntry, entry_id)
    if cs is None or row is None or row.eid != eid:
        raise LookupError(f"no due {entry_id} of {eid}")
    refusals = register.may_change(actor, cs.agency_code, set())
    if refusals:
        raise Refused(refusals)
    details = json.loads(row.details or "{}")
    if row.kind == "due" and details.get("refund_case"):
        raise _refused(
            "state",
            f"record the office order for repayment on LTT case {details['refund_case']}, "
            "whose refund it is (7.7.8.1 ix)",
            "entry_id",
        )
    if row.kind != "due" or not details.get("obligation"):
        raise _refused("field", "not a financial obligation left by a separation", "entry_id")
    if row.status != "outstanding":
        why = f": {details['revoked']}" if details.get("revoked") else ""
        raise _refused("state", f"the due is {row.status}{why}", "entry_id")
    if details.get("repayment_order_no"):
        raise _refused(
            "state",
            f"the office order for repayment {details['repayment_order_no']} of "
            f"{details['repayment_order_on']} is already recorded",
            "order_no",
        )
    values, errors = parse_values(FIELDS, raw, {}, CITE)
    if errors:
        raise Refused(errors)
    issued_on = date.fromisoformat(str(values["issued_on"]))
    if row.start_on is not None and issued_on < row.start_on:
        raise _refused(
            "field",
            "the office order for repayment cannot precede the separation on "
            f"{row.start_on.isoformat()}",
            "issued_on",
        )
    due = set_order(session, row, values["order_no"], issued_on, ltt=details["obligation"] == "ltt")
    register._audit(
        session,
        actor,
        now,
        "record_repayment_order",
        f"{CITE}, {details.get('cite', CITE)}",
        {
            "eid": eid,
            "entry_id": entry_id,
            "order_no": values["order_no"],
            "issued_on": issued_on.isoformat(),
            "payable_by": due.isoformat() if due else None,
        },
    )
    return due


def set_order(
    session: Session, row: ServiceEntry, order_no: str, issued_on: date, *, ltt: bool = True
) -> date | None:
    """Write the office order on the due ``row``; an LTT due (``ltt``) is then payable by
    the 90th day after it (7.7.7.5). The one writer for this API and the LTT case's step."""
    due = payable_by(issued_on) if ltt else None
    profiles.update_entry(
        session,
        row,
        end_on=due,
        repayment_order_no=order_no,
        repayment_order_on=issued_on.isoformat(),
        payable_by=due.isoformat() if due else None,
    )
    return due
