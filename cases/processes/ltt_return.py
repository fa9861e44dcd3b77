"""What the LTT's return steps change beyond the case's state: the outcome reported on
return (7.7.6) or by the completion evidence (7.7.8.1 iii) enters the LTT line, the service
obligation runs from the day of reporting (7.7.7.9), a failure adds its penalty (7.7.8.1 i,
ix), and from 2023.2 the study leave counted for promotion (8.11.8), the placement after a
bachelor's degree (8.11.11) and the Waiting List when no position is vacant (7.7.4.2,
13.5.1.5). The obligation and penalty arithmetic is ``cases.processes.ltt``'s.
"""

from __future__ import annotations

from cases.core import profiles
from cases.core.effects import EffectContext, effect
from cases.processes.ltt import (
    day_of,
    entry,
    obligation_end,
    penalise,
    promotion_service,
    write_obligation,
)
from cases.processes.waiting_list import put_on_list
from workflows import ltt


@effect("ltt_return")
def ltt_return(ec: EffectContext) -> None:
    """7.7.6, 7.7.8.1: the outcome enters the record; the service obligation runs from the
    day of reporting (7.7.7.9) whatever the outcome, failing adds a promotion delay."""
    _return(ec, on_order=False)


@effect("ltt_return_2023_2")
def ltt_return_2023_2(ec: EffectContext) -> None:
    """As ``ltt_return``; the actual scholarship-related cost (7.7.7.6 i) and a mixed-mode
    course's expenses (7.7.8.1 ix) enter the LTT line for separation to read, and a refund
    awaits the office order for repayment (7.7.7.5). The study leave counted as active
    service for promotion enters the line (8.11.8); after a bachelor's degree the placement
    is noted (the position was not protected, 8.11.11), and a return with no vacant position
    goes on the Waiting List for its six months (7.7.4.2, 13.5.1.2 iii, 13.5.1.5)."""
    row = entry(ec)
    promotion_service(ec, row, day_of(ec.data["end_on"]), bool(ec.fields.get("schedule_10b")))
    profiles.update_entry(
        ec.session,
        row,
        **{
            k: ec.fields[k]
            for k in ("actual_scholarship_cost", "expenses_incurred")
            if ec.fields.get(k) not in (None, "")
        },
    )
    _return(ec, on_order=True)
    placement = ec.fields.get("placement")
    if placement:
        ec.data["placement_note"] = f"{dict(ltt.PLACEMENTS)[placement]}" + (
            " (the position was not protected during the bachelor's degree, BCSR 8.11.11)"
            if ec.data.get("level") == "bachelors"
            else ""
        )
    if placement == "waiting_list":
        put_on_list(
            ec,
            day_of(ec.fields["reported_on"]),
            "no vacant position on completing a bachelor's degree, BCSR 7.7.4.2",
        )


def _return(ec: EffectContext, on_order: bool) -> None:
    row = entry(ec)
    outcome = ec.fields["outcome"]
    reported = day_of(ec.fields["reported_on"])
    profiles.update_entry(
        ec.session,
        row,
        status=outcome,
        reported_on=reported.isoformat(),
        documents=ec.fields.get("documents") or [],
        days_on_campus=ec.fields.get("days_on_campus"),
    )
    ec.data["ltt_outcome"] = outcome
    write_obligation(ec, row, reported, obligation_end(ec, reported))
    if outcome == "failed":
        penalise(ec, row, "7.7.8.1 i a", on_order)


@effect("ltt_completion_evidence")
def ltt_completion_evidence(ec: EffectContext) -> None:
    """7.7.8.1 iii: the evidence turns "reported but pending completion" into "completed" or
    "failed"."""
    _completion_evidence(ec, on_order=False)


@effect("ltt_completion_evidence_2023_2")
def ltt_completion_evidence_2023_2(ec: EffectContext) -> None:
    """As ``ltt_completion_evidence``; a refund awaits the office order (7.7.7.5)."""
    _completion_evidence(ec, on_order=True)


def _completion_evidence(ec: EffectContext, on_order: bool) -> None:
    row = entry(ec)
    outcome = ec.fields["outcome"]
    profiles.update_entry(
        ec.session,
        row,
        status=outcome,
        evidence_on=ec.fields.get("evidence_on"),
        documents=ec.fields.get("documents") or [],
    )
    ec.data["ltt_outcome"] = outcome
    if outcome == "failed":
        penalise(ec, row, "7.7.8.1 i a", on_order)
