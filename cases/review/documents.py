"""Letters and orders issued from a case, each recorded in the audit trail with its hash.

A step of a process is often carried out on paper: the Disciplinary Committee notifies the
charges in writing (BCSR 19.8.2.1(i)), the HRC chairperson signs the decision letter
(19.8.2.4(iii)), the agency issues a suspension office order (19.9.6), the EOL applicant signs
the undertaking of Form 8/B (8.12.10), a transfer is ordered on Form 14/1a (13.9.3), the RCSC
approves a secondment (13.10.2.1), and an LTT is awarded and its return confirmed by letter
(7.7.3, 7.7.6.1, the note to 7.7.7.6). Each is declared once below (``DOCUMENTS``): after which
step and in which states it may be issued, and by whom, with the roles and competent authority
of the step it records. ``issue`` renders the letter from the case's data, prints the PDF and
appends an audit event carrying the PDF's SHA-256 before storing both, in the caller's
transaction: a paper copy can always be checked against the hash chain, and a failure leaves
neither the event nor the document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from cases.core import audit, deadlines, queries, service
from cases.core.models import Agency, AuditEvent, Case, CivilServant, Deadline, Document, User
from cases.review import printing
from workflows import disciplinary, eol, ltt, registry, secondment, transfer
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.engine import Actor, Authority, Context, Refusal, Refused, Step, check_authority
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


@dataclass(frozen=True)
class Declaration:
    """One letter or order: when it may be issued, by whom, and from which template."""

    kind: str
    title: str
    process: str
    template: str  # under templates/documents/
    cite: str
    after: tuple[str, ...]  # one of these steps must be in the case's audit trail
    after_reason: str  # what must have happened, in plain words
    states: tuple[str, ...]
    by: frozenset[str]
    who: str  # the refusal for any other role
    authority: Callable[[Context], Authority] | None
    prefix: str  # of a generated reference number
    facts: Facts
    number_field: str | None = None  # the case's recorded letter or order number, if any
    # Besides the step: a further condition on the case data; returns the reason it fails.
    unless: Callable[[Mapping[str, Any]], str | None] | None = None
    copies: tuple[str, ...] = field(default_factory=tuple)

    @property
    def step(self) -> Step:
        """The issue as the engine sees a step, so role, agency and recusal checks are shared."""
        return Step(
            f"issue_{self.kind}",
            self.states,
            "=",
            f"Issue the {self.title.lower()}",
            self.cite,
            by=self.by,
            authority=self.authority,
        )


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
    appeal = disciplinary.appellate_body(src.ctx)
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


def _suspended(data: Mapping[str, Any]) -> str | None:
    if data.get("suspended"):
        return None
    return "the civil servant is not under suspension (revoked or closed, BCSR 19.9.12)"


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


def _reported(data: Mapping[str, Any]) -> str | None:
    return None if data.get("reported_on") else "the return has not been recorded (7.7.6.1)"


# ------------------------------------------------------------------ the declarations

COMMITTEE = R.COMMITTEE

DOCUMENTS: dict[str, Declaration] = {
    d.kind: d
    for d in (
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
            by=COMMITTEE,
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
            by=COMMITTEE | frozenset({R.RCSC}),
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
        Declaration(
            kind="transfer_order",
            title="Transfer order (Form 14/1a)",
            process="transfer",
            template="documents/transfer_order.html",
            cite="13.9.3",
            after=("issue_order",),
            after_reason="the competent authority has not issued the transfer order (13.3.1)",
            states=("ordered", "relieved", "salary_withheld", "joined", "on_assignment"),
            by=transfer.OFFICE,
            who="only the competent authority's HR office or HRC issues the transfer order "
            "(13.3.1)",
            authority=transfer.transfer_authority,
            prefix="TO",
            facts=transfer_facts,
            number_field="order_no",
        ),
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
        Declaration(
            kind="ltt_award",
            title="Award of long-term training and study leave",
            process="ltt",
            template="documents/ltt_award.html",
            cite="7.7.3",
            after=("approve",),
            after_reason="the approving authority has not approved the LTT (7.7.3)",
            states=("approved", "briefed", "preparatory_leave", "on_study_leave"),
            by=ltt.DECIDERS,
            who="only the approving authority of 7.7.3 awards the LTT",
            authority=ltt.approving_authority,
            prefix="LTT",
            facts=ltt_award_facts,
            number_field="approval_order_no",
        ),
        Declaration(
            kind="ltt_reporting",
            title="Reporting letter: return from long-term training",
            process="ltt",
            template="documents/ltt_reporting.html",
            cite="7.7.6.1",
            after=("report_back",),
            after_reason="the civil servant has not yet reported back after the course (7.7.6.1)",
            states=("completed", "pending_completion", "failed"),
            by=ltt.RECORDERS,
            who="only the approving authority that receives the report issues the reporting "
            "letter (7.7.6.1)",
            authority=ltt.approving_authority,
            prefix="RPT",
            facts=ltt_reporting_facts,
            unless=_reported,
            copies=("Personal file (BCSR 7.7.6.3)",),
        ),
    )
}

SIGNED_AS = {
    R.HRC_CHAIR: "Chairperson, Human Resource Committee",
    R.DC_MEMBER: "Member, Disciplinary Committee",
    R.MEMBER_SECRETARY: "Member Secretary, Human Resource Committee",
    R.HR_OFFICER: "Human Resource Officer",
    R.RCSC: "for the Royal Civil Service Commission",
}


# ------------------------------------------------------------------ who may issue what


def for_process(process: str) -> list[Declaration]:
    return [d for d in DOCUMENTS.values() if d.process == process]


def _steps_taken(session: Session, case_id: int, triggers: set[str]) -> set[str]:
    if not triggers:
        return set()
    rows = session.exec(
        select(AuditEvent.trigger)
        .where(AuditEvent.case_id == case_id, AuditEvent.trigger.in_(sorted(triggers)))  # type: ignore[attr-defined]
        .distinct()
    ).all()
    return set(rows)


def _plays(decl: Declaration, actor: Actor) -> bool:
    """The actor holds one of the roles (an RCSC officer acts as the committee for ESC)."""
    acting = actor.roles & decl.by
    if R.RCSC in actor.roles:
        acting |= decl.by & R.RCSC_ACTS_AS
    return bool(acting - R.SELF)


def refusals(
    decl: Declaration, case: Case, actor: Actor, ctx: Context, taken: set[str]
) -> list[Refusal]:
    """Why ``actor`` may not issue ``decl`` on ``case`` now (empty: they may), with sections."""
    if not taken & set(decl.after):
        return [Refusal("state", decl.cite, f"not yet: {decl.after_reason}")]
    if case.state not in decl.states:
        label = registry.get(case.process).state(case.state).label
        return [
            Refusal(
                "state",
                decl.cite,
                f"the {decl.title.lower()} is not issued while the case is {label}",
            )
        ]
    if decl.unless is not None and (reason := decl.unless(ctx.data)):
        return [Refusal("state", decl.cite, reason)]
    if not _plays(decl, actor):
        return [Refusal("authority", decl.cite, decl.who)]
    return check_authority(decl.step, actor, ctx)  # the competent agency, recusal (19.3.5)


def for_viewer(session: Session, case: Case, actor: Actor, now: datetime) -> dict[str, Any]:
    """What the case page's documents panel shows this viewer: the documents issued (anyone
    who sees the case reads them; the respondent receives them) and those they may issue now."""
    decls = for_process(case.process)
    issued = listing(session, case.id or 0)
    candidates = [d for d in decls if case.state in d.states and _plays(d, actor)]
    issuable = []
    if candidates:
        taken = _steps_taken(session, case.id or 0, {t for d in candidates for t in d.after})
        candidates = [d for d in candidates if taken & set(d.after)]
    if candidates:
        ctx = service.context(session, case, now)
        done = {row["kind"] for row in issued}
        issuable = [
            {"kind": d.kind, "title": d.title, "cite": d.cite, "reissue": d.kind in done}
            for d in candidates
            if not refusals(d, case, actor, ctx, set(d.after))
        ]
    return {"issued": issued, "issuable": issuable, "declared": bool(decls)}


def listing(session: Session, case_id: int) -> list[dict[str, Any]]:
    """The documents issued on a case, newest first, without their bytes."""
    rows = session.exec(
        select(
            Document.id,
            Document.kind,
            Document.title,
            Document.reference,
            Document.cite,
            Document.sha256,
            Document.audit_seq,
            Document.issued_by,
            Document.issued_at,
        )
        .where(Document.case_id == case_id)
        .order_by(Document.id.desc())  # type: ignore[union-attr]
    ).all()
    keys = ("id", "kind", "title", "reference", "cite", "sha256", "audit_seq", "issued_by")
    return [{**dict(zip(keys, r[:8], strict=True)), "issued_at": r[8]} for r in rows]


def visible_document(session: Session, actor: Actor, case_id: int, doc_id: int) -> Document:
    """An issued document of a case the actor may see; anything else is answered 404."""
    if queries.can_see(session, actor, case_id) is None:
        raise service.NotFound(f"case {case_id} not found")
    doc = session.get(Document, doc_id)
    if doc is None or doc.case_id != case_id:
        raise service.NotFound(f"document {doc_id} not found on case {case_id}")
    return doc


# ------------------------------------------------------------------ issuing


def issue(session: Session, case_id: int, kind: str, actor: Actor, *, now: datetime) -> Document:
    """Issue (or re-issue) a document, inside the caller's transaction.

    The audit event is appended before the row that refers to it, and both only after the
    PDF exists: if rendering or printing fails nothing is written, and if anything later
    fails the caller's rollback removes both. A re-issue is a new document, never an edit.
    """
    if queries.can_see(session, actor, case_id) is None:
        raise service.NotFound(f"case {case_id} not found")
    case = service.load(session, case_id, for_update=True)  # numbers re-issues one at a time
    decl = DOCUMENTS.get(kind)
    if decl is None or decl.process != case.process:
        raise service.NotFound(f"no document '{kind}' for a {case.process} case")
    ctx = service.context(session, case, now)
    found = refusals(decl, case, actor, ctx, _steps_taken(session, case_id, set(decl.after)))
    if found:
        raise Refused(found)

    issue_no = 1 + len([r for r in listing(session, case_id) if r["kind"] == kind])
    reference = _reference(decl, case, ctx.data, actor, now, issue_no)
    html = printing.render_html(
        decl.template, _render_context(session, case, decl, actor, ctx, now, reference, issue_no)
    )
    pdf = printing.pdf_of(html)
    sha = hashlib.sha256(pdf).hexdigest()
    event = audit.append(
        session,
        case_id=case_id,
        now=now,
        actor=actor.username,
        role=service.acting_role(actor, decl.step),
        trigger="issue_document",
        from_state=case.state,
        to_state=case.state,
        fields={
            "document": kind,
            "title": decl.title,
            "reference": reference,
            "sha256": sha,
            "html_sha256": hashlib.sha256(html.encode()).hexdigest(),
        },
        cite=decl.cite,
        process=case.process,
        process_version=case.process_version,
    )
    doc = Document(
        case_id=case_id,
        kind=kind,
        title=decl.title,
        reference=reference,
        cite=decl.cite,
        html=html,
        pdf=pdf,
        sha256=sha,
        audit_seq=event.seq,
        issued_by=actor.username,
        issued_at=now,
    )
    session.add(doc)
    session.flush()
    return doc


def _reference(
    decl: Declaration,
    case: Case,
    data: Mapping[str, Any],
    actor: Actor,
    now: datetime,
    issue_no: int,
) -> str:
    """The number the step recorded (a re-issue keeps it), else one made from the case."""
    recorded = str(data.get(decl.number_field) or "").strip() if decl.number_field else ""
    if recorded:
        return recorded[:64]
    office = actor.agency or case.agency_code
    return f"{office}/{decl.prefix}/{bhutan_today(now).year}/{case.id}-{issue_no}"


def _render_context(
    session: Session,
    case: Case,
    decl: Declaration,
    actor: Actor,
    ctx: Context,
    now: datetime,
    reference: str,
    issue_no: int,
) -> dict[str, Any]:
    data = json.loads(case.data)
    src = Sources(session, case, data, ctx)
    servant = session.get(CivilServant, case.subject_eid)
    user = session.get(User, actor.user_id)
    office = actor.agency or case.agency_code
    role = service.acting_role(actor, decl.step)
    facts = decl.facts(src)
    return {
        "doc": {
            "kind": decl.kind,
            "title": decl.title,
            "cite": decl.cite,
            "reference": reference,
            "issue_no": issue_no,
            "date": day(bhutan_today(now)),
            "issued_at": printing.bt_time(now),
            "copies": [*facts.pop("copies", []), *decl.copies],
        },
        "case": case,
        "process": registry.get(case.process),
        "servant": servant,
        "agency": src.agency_name(case.agency_code),
        "office": src.agency_name(office),
        "office_code": office,
        "signer": {
            "name": user.display_name if user else actor.username,
            "title": SIGNED_AS.get(role, R.LABELS.get(role, role)),
        },
        "facts": facts,
        "day": day,
    }
