"""What the disciplinary process's steps change beyond the case's state (BCSR 2023 chapter
19): the charges, the penalties entered in the service record (19.11.9), suspension pay
(19.9.8-19.9.13), separation on a penalty that ends service (19.11.14), recusal (19.3.5)
and summonses (19.3.3.3-4). What an appeal or a court changes afterwards is in
``cases.processes.disciplinary_appeal``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select

from cases.core import profiles
from cases.core.effects import EffectContext, effect
from cases.core.models import (
    Case,
    CivilServant,
    Penalty,
    Recusal,
    ServiceEntry,
    User,
)
from cases.people.separation import separate
from workflows import disciplinary
from workflows.context import Refusal, Refused
from workflows.obligations import add_months
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
    for row in ec.data.get("findings") or []:
        if row.get("penalty"):
            enter_penalty(ec, row["charge"], row["penalty"])


def enter_penalty(ec: EffectContext, charge: int, code: str) -> Penalty:
    """19.11.9: the penalty ``code`` on charge ``charge`` entered in the service record, with
    the term the decision gave (19.14.6.1)."""
    charges = {c["no"]: c for c in ec.data.get("charges") or []}
    term = ec.data.get("penalty_term_ends_on")
    pen = PENALTY_BY_CODE[code]
    row = Penalty(
        case_id=ec.case.id,
        eid=ec.case.subject_eid,
        charge_no=charge,
        offence_no=charges[charge]["offence"],
        code=pen.code,
        severity=pen.severity,
        imposed_on=ec.today,
        term_ends_on=date.fromisoformat(term) if term else None,
    )
    ec.session.add(row)
    return row


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
    _end_on_register(ec, "revoked", ec.fields.get("revoked_on") or ec.today)


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
    _end_on_register(ec, "ended", ec.today, outcome=ec.data["suspension_outcome"])


# 19.9.15: "RCSC may recruit or transfer a civil servant to fill an Executive position if
# the incumbent is on suspension ... beyond 6 months" (calendar months).
EXECUTIVE_FILL_MONTHS = 6


@effect("suspension_on_register")
def suspension_on_register(ec: EffectContext) -> None:
    """19.9.15: "The Agency concerned shall not recruit new employees in place of the
    incumbent when the incumbent is under suspension till all the administrative and/court
    proceedings are completed and the final decision against the incumbent is taken.
    However, RCSC may recruit or transfer a civil servant to fill an Executive position if
    the incumbent is on suspension ... beyond 6 months." The suspension (by whose order,
    19.9.2) is a line of the civil servant's record naming the position held for them; for
    an Executive position, the day the six months end and the day from which the RCSC may
    fill it."""
    cs = ec.session.get(CivilServant, ec.case.subject_eid)
    assert cs is not None
    start = date.fromisoformat(str(ec.data.get("suspended_from") or ec.today.isoformat()))
    if ec.data.get("ordered_under") == "acab":
        order = f"on the Anti-Corruption Commission's order {ec.data.get('acc_order_no')} "
        order += "under ACAB 2011 (BCSR 19.9.2)"
    elif ec.data.get("suspension_continued"):
        order = f"continued from case {ec.data['suspension_continued']['from_case']} "
        order += "(BCSR 19.9.13)"
    else:
        order = f"office order {ec.data.get('office_order_no')} (BCSR 19.9.6)"
    position = f"{cs.position_title} ({cs.position_level}), {cs.agency_code}"
    values: dict[str, str] = {
        "position": position,
        "order": order,
        "no_recruitment": f"The agency shall not recruit in place of the incumbent in "
        f"{position} until all administrative and court proceedings are completed and the "
        "final decision is taken (BCSR 19.9.15)",
    }
    if cs.position_level.upper().startswith("EX"):
        fill_from = add_months(start, EXECUTIVE_FILL_MONTHS)
        values["executive_position"] = (
            f"Executive position: six months of suspension end on "
            f"{(fill_from - timedelta(days=1)).isoformat()}; from {fill_from.isoformat()} the "
            "RCSC may recruit or transfer a civil servant to fill it (BCSR 19.9.15)"
        )
    ec.add_entry("suspension", start_on=start, status="in_force", **values)


def _end_on_register(ec: EffectContext, status: str, on: date | str, **details: str) -> None:
    """The suspension this case recorded on the register (19.9.15) ends with it: revoked
    (19.9.12) or settled by the outcome (19.9.9, 19.9.10). A case of the first version
    recorded none."""
    for row in case_entries(ec, "suspension", "in_force"):
        profiles.update_entry(ec.session, row, end_on=on, status=status, **details)


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
    revoke_penalties(ec)
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


def case_entries(ec: EffectContext, kind: str, status: str) -> list[ServiceEntry]:
    """The lines of kind ``kind`` this case wrote on the civil servant's record, as they
    stand (``status``)."""
    return list(
        ec.session.exec(
            select(ServiceEntry).where(
                ServiceEntry.case_id == ec.case.id,
                ServiceEntry.kind == kind,
                ServiceEntry.status == status,
            )
        ).all()
    )


def revoke_fines(ec: EffectContext, charge: int | None = None) -> None:
    """A fine revoked with its penalty (on appeal, 19.12.4; on death, 19.9.14) is no longer
    owed (``charge``: only that charge's fine)."""
    for row in case_entries(ec, "due", "outstanding"):
        details = json.loads(row.details or "{}")
        if details.get("penalty") == "fine" and charge in (None, details.get("charge")):
            row.status = "revoked"
            ec.session.add(row)


def in_force(ec: EffectContext, charge: int | None = None) -> list[Penalty]:
    """The case's penalties in force (``charge``: only that charge's)."""
    rows = ec.session.exec(select(Penalty).where(Penalty.case_id == ec.case.id)).all()
    return [p for p in rows if p.status == "in_force" and (charge is None or p.charge_no == charge)]


def revoke_penalties(ec: EffectContext, charge: int | None = None) -> None:
    """The case's penalties in force revoked, with the fines they imposed (on appeal,
    19.12.4; by a court, 19.12.6; on death, 19.9.14; ``charge``: only that charge's)."""
    for p in in_force(ec, charge):
        p.status = "revoked"
        ec.session.add(p)
    revoke_fines(ec, charge)


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
