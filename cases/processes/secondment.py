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

from cases.core import profiles
from cases.core.effects import EffectContext, effect
from cases.core.models import CivilServant, ServiceEntry
from workflows import readings, registry
from workflows.obligations import owes_return_service, secondment_obligation_end
from workflows.secondment import appraisal_due, end_notice_due
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
