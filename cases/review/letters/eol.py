"""The EOL letter (BCSR 8.12): the grant of extraordinary leave with the undertaking of
Form 8/B (8.12.10), and what it says."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cases.review.letters.kit import Declaration, Sources, day
from workflows import eol
from workflows.obligations import add_months
from workflows.values import as_date


def eol_facts(src: Sources) -> dict[str, Any]:
    """8.12.10, 8.12.16: the grant and the terms the Form 8/B undertaking binds the applicant to."""
    d = src.data
    start, end = as_date(d.get("start_on")), as_date(d.get("end_on"))
    long = bool(start and end and end >= add_months(start, eol.QUARTER_MONTHS))
    return {
        "purpose": dict(eol.PURPOSES).get(str(d.get("purpose")), ""),
        "reasons": d.get("specific_reasons", ""),
        "activity": d.get("activity", ""),
        "start_on": day(start),
        "end_on": day(end),
        "days": d.get("granted_days") or (eol.days_of(start, end) if start and end else ""),
        "decided_on": day(d.get("decided_on")),
        "decision_ref": d.get("rcsc_decision_ref") or d.get("hrc_meeting_no") or "",
        "authority": d.get("approving_authority", ""),
        "conditions": d.get("conditions", ""),
        "protected_until": day(d.get("position_protected_until")),
        "rejoin_on": day(end + timedelta(days=1)) if end else "",
        "vacate_quarter": long and bool(d.get("in_government_quarter")),
        "applied_on": day(d.get("applied_on")),
        "copies": [src.agency_name(src.case.agency_code)] if eol.rcsc_decides(src.ctx) else [],
    }


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        kind="eol_approval",
        title="Grant of extraordinary leave and Undertaking (Form 8/B)",
        process="eol",
        template="documents/eol_approval.html",
        cite="8.12.10",
        after=("approve",),
        after_reason="the competent authority has not granted the leave (8.12.16)",
        states=("approved", "on_leave", "to_rejoin"),
        by=eol.AUTHORITY_ROLES,
        who="only the competent authority that grants the leave issues it (8.12.16)",
        authority=eol.approving_authority,
        prefix="EOL",
        facts=eol_facts,
        copies=("Human Resource Division: leave record", "Finance section: pay (8.12.7)"),
    ),
)
