"""The secondment's approval (BCSR 13.10.2.1), and what it says."""

from __future__ import annotations

from typing import Any

from cases.review.letters.kit import Declaration, Sources, day
from workflows import secondment
from workflows.values import as_date


def secondment_facts(src: Sources) -> dict[str, Any]:
    """13.10.2.1, 13.10.5, 13.10.6: the approval and the terms of the secondment."""
    d = src.data
    outside = d.get("location") == "outside"
    return {
        "organisation": d.get("organisation", ""),
        "post": d.get("post", ""),
        "location": dict(secondment.LOCATIONS).get(str(d.get("location")), ""),
        "outside": outside,
        "start_on": day(d.get("start_on")),
        "end_on": day(d.get("end_on")),
        "approved_on": day(d.get("approved_on")),
        "nominated_on": day(d.get("nominated_on")),
        "hrc_meeting_no": d.get("hrc_meeting_no", ""),
        "organisation_ref": d.get("organisation_ref", ""),
        "obligation": "double the duration of the secondment"
        if outside
        else "the duration of the secondment",
        "obligation_cite": "13.10.6.1" if outside else "13.10.6.2",
        "notice_due": day(secondment.end_notice_due(as_date(d["end_on"]), src.ctx.today))
        if d.get("end_on")
        else "",
        "copies": [
            f"{src.agency_name(src.case.agency_code)} (relieving agency, BCSR 13.10.4.1(vi))",
            f"{d.get('organisation', '')} (employing organisation, BCSR 13.10.5.5)",
        ],
    }


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        kind="secondment_approval",
        title="Approval of secondment",
        process="secondment",
        template="documents/secondment_approval.html",
        cite="13.10.2.1",
        after=("approve",),
        after_reason="the RCSC has not approved the secondment (13.10.2.1)",
        states=("approved", "on_secondment"),
        by=secondment.RCSC,
        who="only the RCSC approves a secondment",
        authority=secondment.rcsc,
        prefix="SEC",
        facts=secondment_facts,
        number_field="approval_order_no",
    ),
)
