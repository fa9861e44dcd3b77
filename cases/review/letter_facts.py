"""What each letter or order says, read from its case (``cases.review.documents``
declares when it may be issued and by whom): the case data, its deadlines and the
register, per process (disciplinary 19, EOL 8.12, transfer 13, secondment 13.10, LTT 7.7
and 8.11)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from cases.core import deadlines
from cases.core.models import Agency, Case, Deadline
from workflows import disciplinary, eol, ltt, registry, secondment, transfer
from workflows import roles as R
from workflows.engine import Context
from workflows.obligations import add_months, ltt_has_obligation
from workflows.offences import BY_NUMBER, PENALTY_BY_CODE
from workflows.record import LTT_FUNDING, LTT_LEVELS, LTT_MODES

Facts = Callable[["Sources"], dict[str, Any]]


@dataclass(frozen=True)
class Sources:
    """What a document's facts are read from: the case, its data and its deadlines."""

    session: Session
    case: Case
    data: Mapping[str, Any]
    ctx: Context

    def agency_name(self, code: str | None) -> str:
        agency = self.session.get(Agency, code) if code else None
        return agency.name if agency else (code or "")

    def deadline(self, kind: str) -> Deadline | None:
        rows = [d for d in deadlines.for_case(self.session, self.case.id or 0) if d.kind == kind]
        return rows[-1] if rows else None


# ------------------------------------------------------------------ shared readings


def day(value: date | str | None) -> str:
    """A date as a letter prints it: 14 December 2026."""
    if value in (None, ""):
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{d.day} {d.strftime('%B %Y')}"


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _money(value: Any) -> str:
    if value in (None, ""):
        return ""
    return f"Nu {Decimal(str(value)):,.2f}"


def _charges(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The charges as recorded (19.11.3), with the schedule's printed number."""
    out = []
    for c in data.get("charges") or []:
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


# ------------------------------------------------------------------ disciplinary (19)


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
    }


def suspension_facts(src: Sources) -> dict[str, Any]:
    """19.9.6, 19.9.8: the office order, its grounds and the subsistence allowance."""
    labels = dict(disciplinary.SUSPENSION_GROUNDS)
    by_rcsc = disciplinary.suspension_body(src.ctx).agencies == (R.RCSC_AGENCY,)
    return {
        "grounds": [(g, labels.get(g, g)) for g in src.data.get("suspension_grounds") or []],
        "from": day(src.data.get("suspended_from")),
        "hearing_on": day(src.data.get("pre_suspension_hearing_on")),
        "gross_pay": _money(src.data.get("gross_pay")),
        "professional_allowance": _money(src.data.get("professional_allowance") or "0"),
        "allowance": _money(src.data.get("subsistence_allowance")),
        "charges": _charges(src.data),
        "by_rcsc": by_rcsc,
        "address": src.data.get("respondent_address", ""),
        "copies": [f"{src.agency_name(src.case.agency_code)} (BCSR 19.9.7)"] if by_rcsc else [],
    }


# ------------------------------------------------------------------ EOL (8.12)


def eol_facts(src: Sources) -> dict[str, Any]:
    """8.12.10, 8.12.16: the grant and the terms the Form 8/B undertaking binds the applicant to."""
    d = src.data
    start, end = _date(d.get("start_on")), _date(d.get("end_on"))
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


# ------------------------------------------------------------------ transfer (13)


def transfer_facts(src: Sources) -> dict[str, Any]:
    """Form 14/1a (13.9.3): from where to where, when, and the duties that follow the order."""
    d = src.data
    relief = src.deadline("relief_due")
    km = int(d.get("distance_km") or 0)
    preparatory = km >= transfer.PREPARATORY_MIN_KM and bool(d.get("change_of_residence"))
    authority = transfer.transfer_authority(src.ctx)
    parts: dict[str, list[str]] = {}
    for code, part in (
        (d.get("from_agency"), "relieving agency: relief within 30 days, BCSR 13.9.3"),
        (d.get("receiving_agency"), "receiving agency: joining, BCSR 13.9.4"),
        (d.get("parent_agency"), "parent agency, BCSR 13.3.1"),
    ):
        if code and part not in parts.setdefault(code, []):
            parts[code].append(part)
    return {
        "kind": d.get("kind_label") or transfer.KIND_LABEL.get(str(d.get("transfer_kind")), ""),
        "from_agency": src.agency_name(d.get("from_agency")),
        "from_station": d.get("from_station", ""),
        "from_position": d.get("from_position", ""),
        "from_level": d.get("from_level", ""),
        "to_agency": src.agency_name(d.get("receiving_agency")),
        "to_station": d.get("new_station", ""),
        "to_position": d.get("new_position", ""),
        "effective_on": day(d.get("effective_on")),
        "term_end_on": day(d.get("term_end_on"))
        if d.get("transfer_kind") in transfer.TERM_KINDS
        else "",
        "order_date": day(d.get("order_date")),
        "relief_due": day(relief.due_on) if relief else "",
        "authority": " or ".join(src.agency_name(a) for a in authority.agencies),
        "authority_cite": authority.cite,
        "preparatory": preparatory,
        "distance_km": km,
        "joining_time": d.get("joining_time", ""),
        "copies": [f"{src.agency_name(code)} ({'; '.join(p)})" for code, p in parts.items()]
        + ["Human Resource Division: service record in ZESt (BCSR 13.9.5)"],
    }


# ------------------------------------------------------------------ secondment (13.10)


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
        "notice_due": day(secondment.end_notice_due(_date(d["end_on"]), src.ctx.today))
        if d.get("end_on")
        else "",
        "copies": [
            f"{src.agency_name(src.case.agency_code)} (relieving agency, BCSR 13.10.4.1(vi))",
            f"{d.get('organisation', '')} (employing organisation, BCSR 13.10.5.5)",
        ],
    }


# ------------------------------------------------------------------ LTT (7.7, 8.11)


def _ltt_common(src: Sources) -> dict[str, Any]:
    d = src.data
    country = (
        str(d.get("other_country") or "")
        if d.get("country") == "other"
        else dict(ltt.COUNTRIES).get(str(d.get("country")), "")
    )
    return {
        "course": d.get("course", ""),
        "institute": d.get("institute", ""),
        "country": country,
        "level": dict(LTT_LEVELS).get(str(d.get("level")), ""),
        "mode": dict(LTT_MODES).get(str(d.get("mode")), ""),
        "funding": dict(LTT_FUNDING).get(str(d.get("funding")), ""),
        "start_on": day(d.get("commenced_on") or d.get("start_on")),
        "end_on": day(d.get("end_on")),
        "approving": src.agency_name(d.get("approving_agency")),
        "approving_cite": d.get("approving_cite", "7.7.3"),
        "approval_order_no": d.get("approval_order_no", ""),
        "approved_on": day(d.get("approved_on")),
        "obligation": ltt_has_obligation(str(d.get("level")), str(d.get("mode"))),
        "extensions": [
            {"end_on": day(e.get("end_on")), "letter_no": e.get("letter_no") or ""}
            for e in d.get("extensions") or []
        ],
    }


def ltt_award_facts(src: Sources) -> dict[str, Any]:
    """7.7.3, 7.7.5, 7.7.6, 8.11, 8.13.2.2: the award and what it requires before and after."""
    d = src.data
    end = _date(d.get("end_on"))
    start = _date(d.get("start_on"))
    pay = d.get("study_leave_pay") or {}
    return {
        **_ltt_common(src),
        "report_by": day(end + timedelta(days=ltt.REPORT_WITHIN_DAYS)) if end else "",
        "preparatory_from": day(start - timedelta(days=ltt.PREPARATORY_DAYS)) if start else "",
        "pay": {
            "rule": pay.get("rule", ""),
            "cite": pay.get("cite", ""),
            "full_pay_until": day(pay.get("full_pay_until")),
            "half_pay_from": day(pay.get("half_pay_from")),
            "monthly_full": _money(pay.get("monthly_full")),
        },
        "bachelors": d.get("level") == "bachelors",
        "briefed_on": day(d.get("pdb_attended_on")),
        "undertaking_on": day(d.get("undertaking_signed_on")),
        "guarantor": d.get("guarantor_name", ""),
        "copies": [f"{src.agency_name(src.case.agency_code)} (monitoring, BCSR 7.7.6.4)"],
    }


def ltt_reporting_facts(src: Sources) -> dict[str, Any]:
    """7.7.6.1, 7.7.6.3, 7.7.7: the return confirmed, and the service obligation it starts."""
    d = src.data
    obligation = d.get("service_obligation") or {}
    documents = dict(ltt.RETURN_DOCUMENTS)
    return {
        **_ltt_common(src),
        "reported_on": day(d.get("reported_on")),
        "outcome": dict(ltt.OUTCOMES).get(str(d.get("ltt_outcome") or d.get("outcome")), ""),
        "outcome_key": d.get("ltt_outcome") or d.get("outcome"),
        "documents": [documents.get(k, k) for k in d.get("documents") or []],
        "obligation_from": day(obligation.get("from")),
        "obligation_until": day(obligation.get("until")),
        "multiplier": obligation.get("multiplier"),
        "ordinal": d.get("ordinal"),
        "promotion_delay": d.get("promotion_delay") or {},
        "copies": [f"{src.agency_name(src.case.agency_code)} (re-deployment, BCSR 7.7.6.4)"],
    }
