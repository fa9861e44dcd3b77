"""What the secondment steps (workflows.secondment, BCSR 13.10) change beyond the case's state.

The service record: the secondment line (status on_secondment with its start and end,
which the LTT process reads for 13.10.5.7), its end brought forward by an early reversion
or recall, and on return the service obligation of 13.10.6.1-2. The case data: the dates
the deadlines count from (three months before the end, 13.10.7.2; the next annual
appraisal, 13.10.5.5) and, for not rejoining, the retirement ground and date (13.10.6.4).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from cases.core import profiles
from cases.core.effects import EffectContext, effect
from cases.core.models import CivilServant, ServiceEntry
from workflows import readings, registry
from workflows.obligations import last_day_owed, owes_return_service, secondment_obligation_end
from workflows.secondment import appraisal_due, earliest_promotion_period, end_notice_due
from workflows.values import as_date

PLACED = {
    "same_level": "placed at the same position level (13.10.8.1)",
    "waiting_list": "on the RCSC Waiting List (13.5.1.2 i)",
    "interim_transfer_list": "on the RCSC Interim Transfer List (13.5.2.2)",
}


def _entry(ec: EffectContext) -> ServiceEntry:
    row = profiles.case_entry(ec.session, ec.case.id, "secondment")  # type: ignore[arg-type]
    if row is None:
        raise LookupError(f"case {ec.case.id} has no secondment on the service record")
    return row


def _schedule(ec: EffectContext) -> None:
    """The days the notice (13.10.7.2) and the next appraisal (13.10.5.5) fall due."""
    start = as_date(ec.data["secondment_start_on"])
    end = as_date(ec.data["end_on"])
    assert start is not None and end is not None
    ec.data["end_notice_due_on"] = end_notice_due(end, ec.today).isoformat()
    received = int(ec.data.get("appraisals_received") or 0)
    ec.data["appraisal_due_on"] = appraisal_due(start, end, received).isoformat()


@effect("secondment_relieved")
def secondment_relieved(ec: EffectContext) -> None:
    """13.10.4.1 vi: relieved; the secondment enters the service record (13.10.5.7 reads it)."""
    start = ec.fields["takes_up_post_on"]
    ec.data["secondment_start_on"] = start
    ec.data["appraisals_received"] = 0
    ec.add_entry(
        kind="secondment",
        start_on=start,
        end_on=ec.data["end_on"],
        status="on_secondment",
        organisation=ec.data.get("organisation", ""),
        location=ec.data.get("location", ""),
        post=ec.data.get("post", ""),
        approval_order_no=ec.data.get("approval_order_no", ""),
        relieved_on=ec.fields["relieved_on"],
    )
    _schedule(ec)


@effect("secondment_notified")
def secondment_notified(ec: EffectContext) -> None:
    """13.10.7.2: the civil servant knows the term ends on ``end_on``."""
    ec.data["end_notified_for"] = ec.data["end_on"]
    ec.data["end_notified_on"] = ec.fields["notified_on"]


@effect("secondment_appraisal")
def secondment_appraisal(ec: EffectContext) -> None:
    """13.10.5.5: one more annual appraisal received; the next one falls a year on."""
    received = int(ec.data.get("appraisals_received") or 0) + 1
    ec.data["appraisals_received"] = received
    ec.data["appraisals"] = [
        *(ec.data.get("appraisals") or []),
        {
            "received_on": ec.fields["received_on"],
            "period": ec.fields["appraisal_period"],
            "result": ec.fields["appraisal_result"],
        },
    ]
    _schedule(ec)


@effect("secondment_new_end")
def secondment_new_end(ec: EffectContext) -> None:
    """13.10.7.1, 13.10.7.4: an early reversion or recall brings the end of the term forward."""
    new_end = ec.fields["new_end_on"]
    ec.data["approved_end_on"] = ec.data.get("approved_end_on") or ec.data["end_on"]
    ec.data["end_on"] = new_end
    ec.data["ended_early_by"] = ec.data["last_step"]
    ec.data.pop("end_notified_for", None)  # the civil servant is told of the new end
    profiles.update_entry(
        ec.session, _entry(ec), end_on=new_end, ended_early_by=ec.data["last_step"]
    )
    _schedule(ec)


@effect("secondment_returned")
def secondment_returned(ec: EffectContext) -> None:
    """Return (13.10.8.1): placement or the lists (13.10.7.3, 13.5); the obligation to serve
    twice the term after an organisation outside Bhutan, once inside, or to superannuation
    (13.10.6.1-2, within Bhutan as the case's reading of 13.10.6.2 says); the period counts
    for gratuity only if the last pay certificate is given and no retirement benefits were
    drawn from the organisation (13.10.5.6, 13.10.6.3)."""
    row = _entry(ec)
    rejoined = date.fromisoformat(ec.fields["rejoined_on"])
    start = row.start_on or rejoined
    end = min(as_date(ec.data["end_on"]) or rejoined, rejoined - timedelta(days=1))
    location = str(ec.data.get("location") or "inside")
    profile = profiles.profile_of(ec.session, ec.case.subject_eid, ec.today)
    assert profile is not None
    # R-13.10.6.2: within Bhutan, an international organisation only, or any organisation.
    version = registry.for_case(ec.case)
    reading = version.in_force(readings.RETURN_OBLIGATION_IN_BHUTAN.id)
    owes = owes_return_service(location, reading.option)
    # R-13.10.6.1-duration: "double the duration" in calendar months, or in days (2023.1).
    calendar = version.reading(readings.SECONDMENT_OBLIGATION_DURATION.id) == "calendar"
    obligation_end = (
        secondment_obligation_end(
            start, end, rejoined, location, profile.superannuation_date, calendar=calendar
        )
        if owes
        else None
    )
    counts_for_gratuity = bool(ec.fields.get("lpc_submitted")) and not ec.fields.get(
        "retirement_benefits_drawn"
    )
    placement = ec.fields["placement"]
    profiles.update_entry(
        ec.session,
        row,
        end_on=end,
        status="returned",
        returned_on=rejoined.isoformat(),
        obligation_end=obligation_end.isoformat() if obligation_end else None,
        placement=placement,
        position_title=ec.fields.get("position_title") or "",
        counts_for_gratuity=counts_for_gratuity,
    )
    if obligation_end is not None:
        factor = "twice" if location == "outside" else "equal to"
        cite = "13.10.6.1" if location == "outside" else "13.10.6.2"
        capped = obligation_end == profile.superannuation_date
        ec.add_entry(
            kind="service_obligation",
            start_on=rejoined,
            end_on=obligation_end,
            status="running",
            source=f"secondment to {row_detail(row, 'organisation')} "
            f"({start.isoformat()} to {end.isoformat()}): {factor} the period"
            + (", capped at superannuation" if capped else "")
            + f" (BCSR {cite})",
            secondment_entry=row.id,
        )
        ec.data["obligation_end"] = obligation_end.isoformat()
    else:
        ec.data["obligation_end"] = None
        ec.data["obligation_note"] = (
            f"no return service obligation (BCSR 13.10.6.2; {reading.note()})"
        )
    if placement == "same_level" and ec.fields.get("position_title"):
        # 13.10.8.1: the position is not protected; the new one is entered in the register.
        cs = ec.session.get(CivilServant, ec.case.subject_eid)
        assert cs is not None
        cs.position_title = ec.fields["position_title"]
        cs.position_since = rejoined
        ec.session.add(cs)
    ec.data["placement_note"] = PLACED[placement]
    ec.data["secondment_gratuity"] = (
        "the secondment period counts for gratuity (13.10.5.6)"
        if counts_for_gratuity
        else "the secondment period does not count for gratuity: retirement benefits drawn "
        "from the organisation, or its last pay certificate not submitted (13.10.5.6, 13.10.6.3)"
    )


def row_detail(row: ServiceEntry, name: str) -> str:
    return str(json.loads(row.details or "{}").get(name) or "the organisation")


@effect("secondment_not_rejoined")
def secondment_not_rejoined(ec: EffectContext) -> None:
    """13.10.6.4: compulsory retirement with effect from the completion of the approved
    secondment period, proposed to the competent authority."""
    end = ec.data["end_on"]
    ec.data["retirement_ground"] = (
        f"did not rejoin the civil service on completion of the secondment term ending {end} "
        "(BCSR 13.10.6.4)"
    )
    ec.data["retirement_effective_on"] = end
    profiles.update_entry(ec.session, _entry(ec), status="not_rejoined")


@effect("secondment_condoned")
def secondment_condoned(ec: EffectContext) -> None:
    """The RCSC condoned the late rejoining: the secondment stands until the return is recorded."""
    ec.data.pop("retirement_ground", None)
    ec.data.pop("retirement_effective_on", None)
    ec.data["condoned_reasons"] = ec.fields["reasons"]
    profiles.update_entry(ec.session, _entry(ec), status="on_secondment")


# ------------------------------------------------------------------------ 2023.2


@effect("secondment_returned_2023_2")
def secondment_returned_2023_2(ec: EffectContext) -> None:
    """As ``secondment_returned``, and: a promotion (the secondment period counts for it) is
    processed and effected only after rejoining, from the earliest promotion period
    (13.10.5.4, 10.6.1); the return obligation carries the pro-rata gratuity deduction a
    separation before it is served makes (13.10.6.5); a return on the Waiting List starts
    its six months (13.10.7.3, 13.5.1.2 i, 13.5.1.5)."""
    from cases.processes.waiting_list import put_on_list

    secondment_returned(ec)
    rejoined = date.fromisoformat(ec.fields["rejoined_on"])
    promotion_from = earliest_promotion_period(rejoined)
    ec.data["promotion_note"] = (
        "The secondment period counts for promotion; a promotion is processed and effected "
        f"only after rejoining, from the earliest promotion period: {promotion_from:%a %d %b %Y} "
        "(BCSR 13.10.5.4, 10.6.1)"
    )
    profiles.update_entry(ec.session, _entry(ec), promotion_not_before=promotion_from.isoformat())
    if ec.data.get("obligation_end"):
        row = profiles.case_entry(ec.session, ec.case.id, "service_obligation")  # type: ignore[arg-type]
        if row is not None:
            profiles.update_entry(ec.session, row, gratuity_pro_rata="13.10.6.5")
        ec.data["obligation_note"] = (
            "Return service obligation to "
            f"{last_day_owed(date.fromisoformat(ec.data['obligation_end'])).isoformat()}, the "
            "last day owed; "
            "separating before then deducts the gratuity pro rata for the part not served "
            "(BCSR 13.10.6.5)"
        )
    if ec.fields.get("placement") == "waiting_list":
        put_on_list(ec, rejoined, "displaced on return from secondment, BCSR 13.10.7.3")


@effect("secondment_resigned")
def secondment_resigned(ec: EffectContext) -> None:
    """13.10.8.2: "The pay scale of a civil servant resigning while on secondment from the
    Civil Service shall be as per the LPC received in the Civil Service. If there has been a
    pay revision, the remuneration shall be fixed at the starting pay of the revised pay
    scale at the same Position Level held prior to his secondment or his LPC whichever is
    higher, for the purpose of calculating retirement benefits." The register marks the
    separation (LTT dues follow, 7.7.7.2)."""
    from cases.people.separation import separate

    resigned = date.fromisoformat(ec.fields["resigned_on"])
    lpc = Decimal(ec.fields["lpc_pay"])
    revised = Decimal(ec.fields["revised_start_pay"]) if ec.fields.get("pay_revised") else None
    if revised is None:
        fixed, basis = lpc, f"as per the LPC, Nu {lpc}"
    else:
        fixed = max(lpc, revised)
        which = "the LPC" if lpc >= revised else "the starting pay of the revised scale"
        basis = (
            f"the higher of the LPC (Nu {lpc}) and the starting pay of the revised scale at "
            f"the position level held before the secondment (Nu {revised}): {which}"
        )
    ec.data["pay_for_retirement_benefits"] = str(fixed)
    ec.data["pay_note"] = (
        f"Pay fixed at Nu {fixed} for calculating retirement benefits: {basis} (BCSR 13.10.8.2)"
    )
    profiles.update_entry(
        ec.session,
        _entry(ec),
        end_on=resigned,
        status="resigned",
        resigned_on=resigned.isoformat(),
        pay_for_retirement_benefits=str(fixed),
    )
    owed = separate(
        ec.session,
        ec.case.subject_eid,
        on=resigned,
        reason="Resignation while on secondment, office order "
        f"{ec.fields['resignation_order_no']} (BCSR 13.10.8.2)",
        now=ec.now,
        by=ec.actor.username,
        case_id=ec.case.id,
        resignation=True,  # an STT obligation unserved is owed too (7.6.3.3)
    )
    ec.data["separated_on"] = resigned.isoformat()
    ec.data["financial_obligations"] = [o.as_dict() for o in owed]
