"""Letters and orders issued from a case, each recorded in the audit trail with its hash.

A step of a process is often carried out on paper: the Disciplinary Committee notifies the
charges in writing (BCSR 19.8.2.1(i)), the HRC chairperson signs the decision letter
(19.8.2.4(iii)), the agency issues a suspension office order (19.9.6), the EOL applicant signs
the undertaking of Form 8/B (8.12.10), a transfer is ordered on Form 14/1a (13.9.3), the RCSC
approves a secondment (13.10.2.1), and an LTT is awarded and its return confirmed by letter
(7.7.3, 7.7.6.1, the note to 7.7.7.6). Each is declared once, in its process's module of
``cases.review.letters`` (gathered here in ``DOCUMENTS``): after which step and in which states
it may be issued, and by whom, with the roles and competent authority of the step it records,
and what it says. ``issue`` renders the letter from the case's data, prints the PDF and
appends an audit event carrying the PDF's SHA-256 before storing both, in the caller's
transaction: a paper copy can always be checked against the hash chain, and a failure leaves
neither the event nor the document.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from cases.core import audit, queries, service
from cases.core.models import AuditEvent, Case, CivilServant, Document, User
from cases.review import printing
from cases.review.letters import disciplinary, eol, ltt, secondment, transfer
from cases.review.letters.kit import Declaration, Sources, day
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today, bt_time
from workflows.context import Actor, Context, Refusal, Refused
from workflows.engine import check_authority

# ------------------------------------------------------------------ the declarations

DOCUMENTS: dict[str, Declaration] = {
    d.kind: d
    for letters in (disciplinary, eol, transfer, secondment, ltt)
    for d in letters.DECLARATIONS
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
        label = registry.for_case(case).state(case.state).label
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
            "issued_at": bt_time(now),
            "copies": [*facts.pop("copies", []), *decl.copies],
        },
        "case": case,
        "process": registry.for_case(case),
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
