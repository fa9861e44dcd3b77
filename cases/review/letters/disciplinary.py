"""The disciplinary letters (BCSR 19): the notice of charges (19.8.2.1(i)), the decision
letter (19.8.2.4(iii)) and the suspension office order (19.9.6), and what each says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cases.review.letters.kit import Declaration, Sources, day, money
from workflows import disciplinary, registry
from workflows import roles as R
from workflows.offences import BY_NUMBER, PENALTY_BY_CODE


def _charges(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The charges as recorded (19.11.3), with the schedule's printed number."""
    out = []
    for c in data.get("charges") or []:
        if c.get("cite") == "19.11.11":  # another offence, outside the schedule
            compared = BY_NUMBER.get(int(c.get("compared_with") or 0))
            out.append(
                {
                    "no": c["no"],
                    "label_no": "",
                    "nature": f"{c.get('nature', '')} (not in Schedule 19/A, BCSR 19.11.11; "
                    f"breaches {c.get('breaches', '')}"
                    + (f"; compared with Sl. No. {compared.label_no}" if compared else "")
                    + ")",
                    "classification": c.get("classification", ""),
                }
            )
            continue
        offence = BY_NUMBER.get(int(c["offence"]))
        out.append(
            {
                "no": c["no"],
                "label_no": offence.label_no if offence else str(c["offence"]),
                "nature": c.get("nature") or (offence.nature if offence else ""),
                "classification": c.get("classification", ""),
            }
        )
    return out


def notice_facts(src: Sources) -> dict[str, Any]:
    """19.8.2.1(i): the charges in writing, and five working days to explain from receipt."""
    due = src.deadline("explanation_due")
    return {
        "charges": _charges(src.data),
        "particulars": src.data.get("particulars", ""),
        "received_on": day(src.data.get("notice_received_on")),
        "explanation_due": day(due.due_on) if due else "",
        "address": src.data.get("respondent_address", ""),
        "opened_by": dict(disciplinary.OPENINGS).get(str(src.data.get("opened_by")), ""),
    }


def decision_facts(src: Sources) -> dict[str, Any]:
    """19.8.2.4: the decision on each charge as endorsed by the HRC, and the right of appeal."""
    charges = {c["no"]: c for c in _charges(src.data)}
    rows, major = [], False
    for r in src.data.get("findings") or []:
        penalty = PENALTY_BY_CODE.get(r.get("penalty") or "")
        major = major or bool(penalty and penalty.severity == "major")
        rows.append(
            {
                "charge": charges.get(r["charge"]) or {"no": r["charge"], "nature": ""},
                "proven": r.get("finding") == "guilty",
                "penalty": penalty.label if penalty else "",
                "penalty_cite": penalty.cite if penalty else "",
                "severity": penalty.severity if penalty else "",
                "amount": money(r["amount"]) if r.get("amount") else "",
                "increments": r.get("increments") or "",
            }
        )
    appeal = disciplinary.appellate_authority(registry.for_case(src.case), src.ctx)
    window = src.deadline("appeal_window")
    suspension = ""
    if src.data.get("suspended_from"):
        if any(r["proven"] for r in rows):
            suspension = (
                "As a charge is proven, the subsistence allowance paid during the suspension "
                "is to be refunded (BCSR 19.9.10)."
            )
        else:
            suspension = (
                "As no charge is proven, the remaining 50% of the gross pay for the period of "
                "suspension is payable and the period counts as active service (BCSR 19.9.9, "
                "19.9.11)."
            )
    return {
        "findings": rows,
        "reasons": src.data.get("decision_reasons", ""),
        "meeting_on": day(src.data.get("meeting_on")),
        "heard": src.data.get("hearing") == "heard",
        "endorsed_on": day(src.data.get("endorsed_on")),
        "hrc_meeting_no": src.data.get("hrc_meeting_no", ""),
        "term_ends_on": day(src.data.get("penalty_term_ends_on")),
        "major": major,
        "appellate": " or ".join(src.agency_name(a) for a in appeal.agencies),
        "appellate_cite": appeal.cite,
        "grounds": disciplinary.APPEAL_GROUNDS,
        "received_on": day(src.data.get("decision_received_on")),
        "appeal_due": day(window.due_on) if window else "",
        "suspension": suspension,
        "address": src.data.get("respondent_address", ""),
        "fine_payable_by": day(src.data.get("fine_payable_by")),
        "repeated_minor": (src.data.get("repeated_minor") or {}).get("minor_on_record"),
    }


def suspension_facts(src: Sources) -> dict[str, Any]:
    """19.9.6, 19.9.8: the office order, its grounds and the subsistence allowance."""
    labels = dict(disciplinary.SUSPENSION_GROUNDS)
    by_rcsc = disciplinary.suspension_body(src.ctx).agencies == (R.RCSC_AGENCY,)
    return {
        "grounds": [(g, labels.get(g, g)) for g in src.data.get("suspension_grounds") or []],
        "from": day(src.data.get("suspended_from")),
        "hearing_on": day(src.data.get("pre_suspension_hearing_on")),
        "gross_pay": money(src.data.get("gross_pay")),
        "professional_allowance": money(src.data.get("professional_allowance") or "0"),
        "allowance": money(src.data.get("subsistence_allowance")),
        "charges": _charges(src.data),
        "by_rcsc": by_rcsc,
        "address": src.data.get("respondent_address", ""),
        "agency": src.agency_name(src.case.agency_code),
        "copies": [f"{src.agency_name(src.case.agency_code)} (BCSR 19.9.7)"] if by_rcsc else [],
    }


def _suspended(data: Mapping[str, Any]) -> str | None:
    if data.get("suspended"):
        return None
    return "the civil servant is not under suspension (revoked or closed, BCSR 19.9.12)"


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        kind="notice_of_charges",
        title="Notice of administrative charges",
        process="disciplinary",
        template="documents/notice_of_charges.html",
        cite="19.8.2.1(i)",
        after=("serve_notice",),
        after_reason="the Disciplinary Committee has not yet recorded the charges "
        "(serve the notice of charges)",
        # The enquiry's stages once the notice is served.
        states=tuple(s for s in disciplinary.ENQUIRY_STATES if s != "enquiry_directed"),
        by=R.COMMITTEE,
        who="only the Disciplinary Committee notifies the respondent of the charges",
        authority=disciplinary.disciplinary_body,
        prefix="NC",
        facts=notice_facts,
        copies=("Member Secretary, Disciplinary Committee (case file)",),
    ),
    Declaration(
        kind="decision_letter",
        title="Decision of the Disciplinary Committee",
        process="disciplinary",
        template="documents/decision_letter.html",
        cite="19.8.2.4(iii)",
        after=("endorse_decision",),
        after_reason="the HRC has not yet endorsed the decision (19.8.2.4(i))",
        states=("endorsed", "decided"),
        by=frozenset({R.HRC_CHAIR}),
        who="only the HRC chairperson signs the decision letter",
        authority=disciplinary.disciplinary_body,
        prefix="DL",
        facts=decision_facts,
        number_field="letter_no",
        copies=(
            "Royal Civil Service Commission (BCSR 19.8.2.4(iv))",
            "Personal file: penalty entered in the service record (BCSR 19.11.9)",
        ),
    ),
    Declaration(
        kind="suspension_order",
        title="Office order: suspension",
        process="disciplinary",
        template="documents/suspension_order.html",
        cite="19.9.6",
        after=("suspend",),
        after_reason="no suspension has been ordered (19.9.3, 19.9.6)",
        states=disciplinary.OPEN_STATES,
        by=R.COMMITTEE | frozenset({R.RCSC}),
        who="only the Disciplinary Committee (or the RCSC for ESC, 19.9.2) orders a suspension",
        authority=disciplinary.suspension_body,
        prefix="OO",
        facts=suspension_facts,
        number_field="office_order_no",
        unless=_suspended,
        copies=(
            "Royal Civil Service Commission (BCSR 19.9.6, 19.13)",
            "Finance section: subsistence allowance (BCSR 19.9.8)",
        ),
    ),
)
