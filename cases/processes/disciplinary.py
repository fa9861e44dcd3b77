"""What the disciplinary process's steps change beyond the case's state (BCSR 2023 chapter
19): the charges, the penalties entered in the service record (19.11.9), suspension pay
(19.9.8-19.9.12) and the outcome of an appeal (19.8.3).
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

from sqlmodel import select

from cases.core import profiles, service
from cases.core.effects import EffectContext, effect
from cases.core.models import (
    Case,
    CaseAgency,
    CivilServant,
    Committee,
    CommitteeMember,
    Penalty,
    Recusal,
    ServiceEntry,
    User,
)
from cases.people.separation import separate
from workflows import committees as committee_rules
from workflows import disciplinary, registry
from workflows import roles as R
from workflows.context import Context, Refusal, Refused
from workflows.offences import BY_NUMBER, PENALTY_BY_CODE


@effect("record_charges")
def record_charges(ec: EffectContext) -> None:
    """One charge per offence of the schedule (19.11.3), numbered for per-charge findings."""
    ec.data["charges"] = [
        {
            "no": i,
            "offence": int(n),
            "classification": BY_NUMBER[int(n)].classification,
            "nature": BY_NUMBER[int(n)].nature,
        }
        for i, n in enumerate(ec.fields.get("charges") or [], start=1)
    ]


@effect("transfer_to_committee")
def transfer_to_committee(ec: EffectContext) -> None:
    """19.8.2.2(iv): from now on the Investigation Committee investigates, so the case
    cannot be transferred a second time."""
    ec.data["investigated_by"] = "investigation_committee"


@effect("record_penalties")
def record_penalties(ec: EffectContext) -> None:
    """19.11.9: every administrative penalty is entered in the service record."""
    charges = {c["no"]: c for c in ec.data.get("charges") or []}
    term = ec.data.get("penalty_term_ends_on")
    for row in ec.data.get("findings") or []:
        if not row.get("penalty"):
            continue
        pen = PENALTY_BY_CODE[row["penalty"]]
        ec.session.add(
            Penalty(
                case_id=ec.case.id,
                eid=ec.case.subject_eid,
                charge_no=row["charge"],
                offence_no=charges[row["charge"]]["offence"],
                code=pen.code,
                severity=pen.severity,
                imposed_on=ec.today,
                term_ends_on=date.fromisoformat(term) if term else None,
            )
        )


@effect("record_summary_retirement")
def record_summary_retirement(ec: EffectContext) -> None:
    """19.10.1: compulsory retirement (a major penalty, 19.11.14.6) enters the record."""
    ec.session.add(
        Penalty(
            case_id=ec.case.id,
            eid=ec.case.subject_eid,
            charge_no=0,
            offence_no=0,
            code="compulsory_retirement",
            severity="major",
            imposed_on=ec.today,
        )
    )
    ec.data["findings"] = [{"charge": 0, "finding": "guilty", "penalty": "compulsory_retirement"}]


@effect("apply_appeal_outcome")
def apply_appeal_outcome(ec: EffectContext) -> None:
    """A quashed or remanded decision revokes its penalties; the DC decides again (19.8.3)."""
    if ec.fields.get("appeal_outcome") in ("quashed", "remanded"):
        for p in ec.session.exec(select(Penalty).where(Penalty.case_id == ec.case.id)).all():
            p.status = "revoked"
            ec.session.add(p)
        revoke_fines(ec)
    if ec.fields.get("appeal_outcome") == "quashed":
        ec.data["findings"] = [
            {**r, "finding": "not_guilty", "penalty": None} for r in ec.data.get("findings") or []
        ]
    if ec.fields.get("appeal_outcome") in ("upheld", "quashed"):
        close_suspension(ec)  # the case ends here: settle the suspension (19.9.9, 19.9.10)


@effect("start_suspension")
def start_suspension(ec: EffectContext) -> None:
    """19.9.8: subsistence allowance of half the gross pay, less professional allowance."""
    gross = Decimal(ec.fields["gross_pay"])
    prof = Decimal(ec.fields.get("professional_allowance") or "0")
    ec.data["suspended"] = True
    ec.data["subsistence_allowance"] = str(((gross - prof) / 2).quantize(Decimal("0.01")))


@effect("revoke_suspension")
def revoke_suspension(ec: EffectContext) -> None:
    """19.9.12: the order stays in force until modified or revoked."""
    ec.data["suspended"] = False
    ec.data["suspension_revoked_on"] = ec.fields.get("revoked_on")


@effect("close_suspension")
def close_suspension(ec: EffectContext) -> None:
    """At the end of the case, settle a suspension by its outcome.

    Acquitted of all charges: the other half of the pay is paid and the period counts
    as active service (19.9.9, 19.9.11). Found guilty: the subsistence allowance paid is
    refunded (19.9.10).
    """
    if not ec.data.get("suspended_from"):
        return
    findings = ec.data.get("findings") or []
    guilty = any(r.get("finding") == "guilty" for r in findings) or (
        ec.fields.get("death_outcome") == "guilty"
    )
    ec.data["suspended"] = False
    if guilty:
        ec.data["suspension_outcome"] = "guilty: subsistence allowance to be refunded (19.9.10)"
    else:
        ec.data["suspension_outcome"] = (
            "acquitted: remaining 50% of gross pay payable and the period counts as active "
            "service (19.9.9, 19.9.11)"
        )


@effect("record_appellate_body")
def record_appellate_body(ec: EffectContext) -> None:
    """19.3.7: the appellate body named when the appeal is lodged (by who decided) sees the
    case from then on (cases.core.queries.visibility), whichever body that is."""
    subject = service.subject_of(ec.session, ec.case.subject_eid)
    ctx = Context(subject=subject, data=ec.data, fields=ec.fields, today=ec.today)
    body = disciplinary.appellate_authority(registry.for_case(ec.case), ctx)
    for code in body.agencies:
        if ec.session.get(CaseAgency, (ec.case.id, code)) is None:
            ec.session.add(CaseAgency(case_id=ec.case.id, agency_code=code, part="appellate"))  # type: ignore[arg-type]
    ec.data["appellate_body"] = {"agencies": list(body.agencies), "cite": body.cite}


# The penalties that end service (19.11.14): the register records the separation.
SEPARATING = ("compulsory_retirement", "dismissal")


@effect("separate_on_penalty")
def separate_on_penalty(ec: EffectContext) -> None:
    """A penalty that ends service, once the decision is executed (19.8.2.4) or the RCSC
    retires summarily (19.10.1), marks the civil servant separated on the register, with
    the penalty and its section; unserved LTT obligations become dues (7.7.8.1 vi)."""
    codes = [r.get("penalty") for r in ec.data.get("findings") or []]
    ending = [PENALTY_BY_CODE[c] for c in SEPARATING if c in codes]
    if not ending:
        return
    pen = ending[-1]  # dismissal outranks compulsory retirement
    separate(
        ec.session,
        ec.case.subject_eid,
        on=ec.today,
        reason=f"{pen.label} (BCSR {pen.cite}), disciplinary case {ec.case.id}",
        now=ec.now,
        by=ec.actor.username,
        case_id=ec.case.id,
    )
    ec.data["separated_on"] = ec.today.isoformat()
    ec.data["separation"] = {"penalty": pen.code, "cite": pen.cite}


@effect("death_decision")
def death_decision(ec: EffectContext) -> None:
    """19.9.14: "the administrative case against him shall be immediately decided so that
    whatever benefits decided in his favour may be availed of by his family". The decision
    on death replaces the earlier findings: acquitted, every charge is not proven; either
    way the penalties of this case end with the civil servant (revoked), so nothing earlier
    stands against the family (and the suspension closes by this decision, 19.9.9-10)."""
    guilty = ec.fields.get("death_outcome") == "guilty"
    charges = ec.data.get("charges") or []
    ec.data["findings"] = [
        {"charge": c["no"], "finding": "guilty" if guilty else "not_guilty", "penalty": None}
        for c in charges
    ]
    for p in ec.session.exec(select(Penalty).where(Penalty.case_id == ec.case.id)).all():
        if p.status == "in_force":
            p.status = "revoked"
            ec.session.add(p)
    revoke_fines(ec)
    ec.data["decided_on_death"] = {
        "died_on": ec.fields.get("died_on"),
        "outcome": "charges established" if guilty else "charges not established",
        "cite": "19.9.14",
    }


@effect("record_other_offence")
def record_other_offence(ec: EffectContext) -> None:
    """19.11.11: "A civil servant can be charged with any other offences which are not
    covered in the Rule": a charge of its own after the schedule's, with the classification
    the committee gave it, the rule it breaches and the schedule's row it compares with."""
    if not ec.fields.get("other_offence"):
        return
    charges = ec.data.setdefault("charges", [])
    charges.append(
        {
            "no": len(charges) + 1,
            "offence": disciplinary.OTHER_OFFENCE,
            "classification": ec.fields["other_classification"],
            "nature": ec.fields["other_offence"],
            "breaches": ec.fields["other_rule_breached"],
            "compared_with": int(ec.fields["other_compared_with"]),
            "cite": "19.11.11",
        }
    )


@effect("note_repeated_minor")
def note_repeated_minor(ec: EffectContext) -> None:
    """19.11.13.4: "Three or more reprimands or minor penalties would lead to a major
    penalty": the decision records that the rule applied, and on how many."""
    ec.data.pop("repeated_minor", None)  # a decision taken again (remand) says it afresh
    if not any(r.get("penalty") for r in ec.data.get("findings") or []):
        return
    record = profiles.profile_of(ec.session, ec.case.subject_eid, ec.today)
    count = record.minor_penalties_on_record if record else 0
    if count >= disciplinary.REPEATED_MINOR:
        ec.data["repeated_minor"] = {
            "minor_on_record": count,
            "cite": "19.11.13.4",
            "applied": "three or more reprimands or minor penalties on record led to a major "
            "penalty",
        }


@effect("record_fines")
def record_fines(ec: EffectContext) -> None:
    """19.11.13.2, 19.11.1: a fine, once the decision is executed, is an amount the civil
    servant owes on the record, payable by the day the decision names; after it "24
    percent penalty per annum on the initial amount" (workflows.obligations)."""
    payable_by = ec.data.get("fine_payable_by")
    for row in ec.data.get("findings") or []:
        if row.get("penalty") != "fine" or row.get("amount") is None:
            continue
        ec.add_entry(
            "due",
            start_on=ec.today,
            end_on=payable_by,
            status="outstanding",
            amount=str(row["amount"]),
            penalty="fine",
            charge=row["charge"],
            note=f"Fine on charge {row['charge']} (BCSR 19.11.13.2); payable by {payable_by}, "
            "then 24% a year on the initial amount (BCSR 19.11.1)",
        )


def revoke_fines(ec: EffectContext, charge: int | None = None) -> None:
    """A fine revoked with its penalty (on appeal, 19.12.4; on death, 19.9.14) is no longer
    owed (``charge``: only that charge's fine)."""
    rows = ec.session.exec(
        select(ServiceEntry).where(
            ServiceEntry.case_id == ec.case.id,
            ServiceEntry.kind == "due",
            ServiceEntry.status == "outstanding",
        )
    ).all()
    for row in rows:
        details = json.loads(row.details or "{}")
        if details.get("penalty") == "fine" and charge in (None, details.get("charge")):
            row.status = "revoked"
            ec.session.add(row)


def _member(ec: EffectContext) -> User:
    """The member named in ``objected_member``: an active user of drukflow (19.3.5)."""
    name = str(ec.fields.get("objected_member") or "").strip()
    user = ec.session.exec(select(User).where(User.username == name, User.active)).first()
    if user is None:
        raise Refused(
            [Refusal("field", "19.3.5", f"no active user named '{name}'", "objected_member")]
        )
    return user


@effect("record_objection")
def record_objection(ec: EffectContext) -> None:
    """19.3.5: the respondent objects that a member is related to or prejudiced against
    them; the objection waits for the HRC chair's decision."""
    user = _member(ec)
    objections = ec.data.setdefault("objections", [])
    if any(o["member"] == user.username and o["status"] == "pending" for o in objections):
        raise Refused(
            [
                Refusal(
                    "field",
                    "19.3.5",
                    f"an objection to {user.username} is already waiting for the chair",
                    "objected_member",
                )
            ]
        )
    objections.append(
        {
            "no": len(objections) + 1,
            "member": user.username,
            "grounds": ec.fields["objection_grounds"],
            "raised_on": ec.fields["objection_raised_on"],
            "status": "pending",
        }
    )


def objection_recusal_reason(reasons: str) -> str:
    """What the recusal of an upheld objection states (the due-process report reads it back
    from the decision's event)."""
    return f"objection upheld by the HRC chair (19.3.5): {reasons}"


@effect("decide_objection")
def decide_objection(ec: EffectContext) -> None:
    """19.3.5: the HRC chair decides an objection; upheld, the member steps aside from the
    case (a recusal, so the member can no longer act or be listed as present). A member does
    not decide an objection to himself."""
    user = _member(ec)
    if user.id == ec.actor.user_id:
        raise Refused(
            [Refusal("recusal", "19.3.5", "an objection to you is decided by another member")]
        )
    pending = [
        o
        for o in ec.data.get("objections") or []
        if o["member"] == user.username and o["status"] == "pending"
    ]
    if not pending:
        raise Refused(
            [
                Refusal(
                    "field",
                    "19.3.5",
                    f"no objection to {user.username} is waiting for a decision",
                    "objected_member",
                )
            ]
        )
    decision = ec.fields["objection_decision"]
    ec.data["objections"] = [
        {
            **o,
            "status": decision,
            "decided_by": ec.actor.username,
            "reasons": ec.fields["objection_reasons"],
        }
        if o is pending[0]
        else o
        for o in ec.data["objections"]
    ]
    if decision == "upheld":
        ec.session.add(
            Recusal(
                case_id=ec.case.id,  # type: ignore[arg-type]
                user_id=user.id,  # type: ignore[arg-type]
                reason=objection_recusal_reason(ec.fields["objection_reasons"]),
                declared_at=ec.now,
            )
        )


def member_names(text: str) -> set[str]:
    """The names a "members present" line lists (commas, semicolons, "and")."""
    return {w.strip().lower() for w in re.split(r"[,;/\n]|\band\b", text) if w.strip()}


@effect("present_not_recused")
def present_not_recused(ec: EffectContext) -> None:
    """19.3.5: a member who stepped aside (declared, or on an objection upheld) "shall not be
    a member of Disciplinary Committee" for the case: the decision cannot list them present."""
    rows = ec.session.exec(
        select(User).join(Recusal, Recusal.user_id == User.id).where(Recusal.case_id == ec.case.id)
    ).all()
    present = member_names(str(ec.fields.get("members_present") or ""))
    listed = sorted(
        u.username for u in rows if {u.username.lower(), u.display_name.lower()} & present
    )
    if listed:
        raise Refused(
            [
                Refusal(
                    "field",
                    "19.3.5",
                    f"{', '.join(listed)} stepped aside from this case and cannot be listed "
                    "as present",
                    "members_present",
                )
            ]
        )


@effect("present_from_committee")
def present_from_committee(ec: EffectContext) -> None:
    """19.3.4 "The HRC of an Agency, which shall function as the Disciplinary Committee",
    composed of its members (2.10.6.1): from 2023.2, once the deciding body's committee is a
    record (cases.review.committees), the members present are chosen from its members
    serving on the meeting's day, by username or name, so nobody else (and, with
    ``present_not_recused``, no recused member) is counted. Until the agency records its
    committee the line stays as typed."""
    agency = ec.actor.agency
    if not agency:
        return
    committee = ec.session.exec(
        select(Committee).where(
            Committee.agency_code == agency,
            Committee.kind.in_((committee_rules.HRC, committee_rules.COMMISSION)),  # type: ignore[attr-defined]
        )
    ).first()
    if committee is None:
        return
    raw_day = ec.fields.get("meeting_on")
    day = date.fromisoformat(str(raw_day)) if raw_day else ec.today
    rows = ec.session.exec(
        select(CommitteeMember, User)
        .join(User, User.id == CommitteeMember.user_id)  # type: ignore[arg-type]
        .where(CommitteeMember.committee_id == committee.id, CommitteeMember.start_on <= day)
    ).all()
    known = {
        name
        for m, u in rows
        if m.end_on is None or day <= m.end_on
        for name in (u.username.lower(), u.display_name.lower())
    }
    strangers = sorted(member_names(str(ec.fields.get("members_present") or "")) - known)
    if strangers:
        raise Refused(
            [
                Refusal(
                    "field",
                    "19.3.4, 2.10.6.1",
                    f"{', '.join(s[:64] for s in strangers)}: not a member of {committee.code} "
                    f"on {day}; members present are chosen from the committee's members",
                    "members_present",
                )
            ]
        )


@effect("record_conviction")
def record_conviction(ec: EffectContext) -> None:
    """19.5.1.3, 19.14.3.1: a charge initiated "as per the judgement issued by the Court of
    Law" records the conviction in the service history; "Been convicted by the Court of
    Law, he shall automatically be included in the Negative List" (cases.people.record)."""
    if ec.data.get("opened_by") != "court_judgement":
        return
    ec.add_entry(
        "court_case",
        start_on=ec.data.get("received_on"),
        status="convicted",
        note=f"Judgement of a Court of Law opening disciplinary case {ec.case.id} "
        "(BCSR 19.5.1.3); on the Negative List (BCSR 19.14.3.1)",
    )


@effect("summary_decided_by_rcsc")
def summary_decided_by_rcsc(ec: EffectContext) -> None:
    """19.10.1: the RCSC itself decided the summary retirement, so its appeal goes to the
    Administrative Tribunal ("For appeal cases against the decision of the RCSC", 19.3.7)."""
    ec.data["decided_by"] = {"agencies": [R.RCSC_AGENCY], "cite": "19.10.1"}


def _in_force(ec: EffectContext, charge: int | None = None) -> list[Penalty]:
    rows = ec.session.exec(select(Penalty).where(Penalty.case_id == ec.case.id)).all()
    return [p for p in rows if p.status == "in_force" and (charge is None or p.charge_no == charge)]


def _revoke(ec: EffectContext, rows: list[Penalty]) -> None:
    for p in rows:
        p.status = "revoked"
        ec.session.add(p)


def _apply_findings(
    ec: EffectContext, before: dict[int, dict], rows: list[dict], how: str
) -> list[str]:
    """A later body's findings over the committee's: on each charge whose finding or penalty
    changed, the penalty in force is revoked and the new one entered in the service record
    (19.11.9). Returns what changed, charge by charge."""
    charges = {c["no"]: c for c in ec.data.get("charges") or []}
    term = ec.data.get("penalty_term_ends_on")
    changes: list[str] = []
    for row in rows:
        was = before.get(row["charge"], {})
        if (was.get("finding"), was.get("penalty")) == (row["finding"], row["penalty"]):
            continue
        _revoke(ec, _in_force(ec, row["charge"]))
        revoke_fines(ec, row["charge"])
        if row["finding"] == "not_guilty":
            changes.append(f"charge {row['charge']}: acquitted {how}")
            continue
        pen = PENALTY_BY_CODE[row["penalty"]]
        ec.session.add(
            Penalty(
                case_id=ec.case.id,
                eid=ec.case.subject_eid,
                charge_no=row["charge"],
                offence_no=charges[row["charge"]]["offence"],
                code=pen.code,
                severity=pen.severity,
                imposed_on=ec.today,
                term_ends_on=date.fromisoformat(term) if term else None,
            )
        )
        old = (was.get("penalty") or "none").replace("_", " ")
        changes.append(
            f"charge {row['charge']}: penalty varied {how} from {old} to "
            f"{pen.code.replace('_', ' ')}"
        )
    return changes


@effect("execute_appeal_decision")
def execute_appeal_decision(ec: EffectContext) -> None:
    """19.8.3: "the Disciplinary Committee of the Appellate Authority shall execute the
    decision rendered by the Appellate Authority". Upheld: the penalties stand. Varied: on
    each charge whose finding or penalty changed, the committee's penalty is revoked and the
    appellate body's entered in the service record (19.11.9). Quashed: every charge acquitted,
    every penalty revoked. Remanded: the penalties are revoked until the deciding body decides
    again. A civil servant this case separated is reinstated on the register when no
    penalty that ends service stands; one the appellate body dismisses or retires is
    separated (19.11.14)."""
    outcome = ec.data.get("appeal_outcome")
    before = {r["charge"]: r for r in ec.data.get("findings") or []}
    changes: list[str] = []
    if outcome in ("quashed", "remanded"):
        _revoke(ec, _in_force(ec))
        revoke_fines(ec)
    if outcome == "quashed":
        ec.data["findings"] = [
            {**r, "finding": "not_guilty", "penalty": None} for r in before.values()
        ]
        changes.append("acquitted on every charge; every penalty revoked")
    if outcome == "varied":
        rows = ec.data.get("appellate_findings") or []
        changes = _apply_findings(ec, before, rows, "on appeal")
        ec.data["findings"] = rows
    ec.data["appeal_executed"] = {
        "outcome": outcome,
        "on": ec.fields.get("executed_on"),
        "changes": changes,
        "cite": "19.8.3",
    }
    _reinstate_unless_separating(ec)
    if outcome == "remanded":
        return
    if not ec.data.get("separation"):
        separate_on_penalty(ec)
    close_suspension(ec)  # the case ends here: settle the suspension (19.9.9, 19.9.10)


def _reinstate_unless_separating(ec: EffectContext, cite: str = "19.8.3") -> None:
    """A separation this case recorded stands only while a penalty that ends service does."""
    if not ec.data.get("separation"):
        return
    if {p.code for p in _in_force(ec)} & set(SEPARATING):
        return
    cs = ec.session.get(CivilServant, ec.case.subject_eid)
    if cs is not None and cs.status == "separated":
        cs.status = "in_service"
        cs.separated_on = None
        cs.separation_reason = ""
        ec.session.add(cs)
    ec.data["reinstated"] = {"on": ec.today.isoformat(), "cite": cite}
    ec.data["separation"] = None
    ec.data["separated_on"] = None


@effect("record_prosecution")
def record_prosecution(ec: EffectContext) -> None:
    """19.11.6, 19.11.5, 19.13: the forwarding through the Office of the Attorney General (the
    RCSC notified), then the criminal charges filed, kept together on the case."""
    keys = (
        "forwarded_to_oag_on",
        "oag_reference",
        "prosecution_court",
        "charges_filed_on",
        "court_case_no",
    )
    found = dict(ec.data.get("prosecution") or {})
    found.update({k: ec.fields[k] for k in keys if ec.fields.get(k)})
    found["cite"] = "19.11.5, 19.11.6, 19.13"
    ec.data["prosecution"] = found


@effect("record_court_appeal")
def record_court_appeal(ec: EffectContext) -> None:
    """19.12.5: the Tribunal's decision appealed to the High Court or Supreme Court."""
    ec.data["court_appeal"] = {
        "court": ec.fields.get("appeal_court"),
        "filed_on": ec.fields.get("court_appeal_filed_on"),
        "no": ec.fields.get("court_appeal_no"),
        "cite": "19.12.5",
    }


@effect("apply_court_judgement")
def apply_court_judgement(ec: EffectContext) -> None:
    """19.12.6: "In the event the High Court or Supreme Court acquits the concerned civil
    servant of all charges ... the penalty shall stand revoked. However, if the Court finds
    him guilty on some charges he shall be imposed such administrative penalty as deemed
    appropriate." On the closed case: acquitted, every penalty revoked (and a separation
    it caused undone, the suspension settled as acquitted); guilty on some, each charge's
    penalty as the court's findings give it; upheld, nothing changes."""
    outcome = ec.fields.get("court_outcome")
    before = {r["charge"]: r for r in ec.data.get("findings") or []}
    changes: list[str] = []
    if outcome == "acquitted":
        _revoke(ec, _in_force(ec))
        revoke_fines(ec)
        ec.data["findings"] = [
            {**r, "finding": "not_guilty", "penalty": None} for r in before.values()
        ]
        changes.append("acquitted of all charges; the penalty stands revoked")
    if outcome == "guilty_on_some":
        rows = ec.fields.get("court_findings") or []
        changes = _apply_findings(ec, before, rows, "by the court")
        ec.data["findings"] = rows
    ec.data["court_judgement"] = {
        "outcome": outcome,
        "on": ec.fields.get("judgement_on"),
        "changes": changes,
        "cite": "19.12.6",
    }
    if outcome != "upheld":
        _reinstate_unless_separating(ec, cite="19.12.6")
        close_suspension(ec)


@effect("record_summons")
def record_summons(ec: EffectContext) -> None:
    """19.3.3.3: each summons or subpoena issued on the case, numbered for 19.3.3.4."""
    issued = list(ec.data.get("summonses") or [])
    issued.append(
        {
            "no": len(issued) + 1,
            "summoned": ec.fields.get("summoned"),
            "kind": ec.fields.get("summons_kind"),
            "for": ec.fields.get("summoned_for"),
            "issued_on": ec.today.isoformat(),
            "cite": "19.3.3.3",
        }
    )
    ec.data["summonses"] = issued


@effect("record_non_compliance")
def record_non_compliance(ec: EffectContext) -> None:
    """19.3.3.4: the failure to comply, on the summons it concerns, with the punishment
    imposed or recommended."""
    issued = [dict(s) for s in ec.data.get("summonses") or []]
    for s in issued:
        if s["no"] == ec.fields.get("summons_no"):
            s["not_complied"] = {
                "action": ec.fields.get("non_compliance_action"),
                "recorded_on": ec.today.isoformat(),
                "cite": "19.3.3.4",
            }
    ec.data["summonses"] = issued


@effect("continue_suspension")
def continue_suspension(ec: EffectContext) -> None:
    """19.9.13: "Where a civil servant is suspended ... and another disciplinary proceeding
    has commenced against him during the suspension, the competent authority ... may, for
    justifiable reasons, order the continued suspension of the civil servant until the
    completion of all the proceedings against him." The suspension named must be in force on
    a disciplinary case of the same civil servant; this case then carries it, with the same
    subsistence allowance (19.9.8), and settles it by its own outcome (19.9.9, 19.9.10)."""
    no = ec.fields.get("suspension_case")
    other = ec.session.get(Case, no) if no else None
    data = json.loads(other.data) if other is not None else {}
    if (
        other is None
        or other.id == ec.case.id
        or other.process != "disciplinary"
        or other.subject_eid != ec.case.subject_eid
        or not data.get("suspended")
    ):
        raise Refused(
            [
                Refusal(
                    "field",
                    "19.9.13",
                    f"case {no} holds no suspension in force of this civil servant",
                    "suspension_case",
                )
            ]
        )
    ec.data["suspended"] = True
    ec.data["suspended_from"] = data.get("suspended_from")
    ec.data["subsistence_allowance"] = data.get("subsistence_allowance")
    ec.data["suspension_continued"] = {
        "from_case": other.id,
        "on": ec.fields.get("continued_from"),
        "cite": "19.9.13",
    }
