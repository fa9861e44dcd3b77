"""What the eol process's steps change beyond the case's state: the EOL line of the service
record (8.12.1, 8.12.6), the protection of the position (8.12.14), the disciplinary case a
breach of the undertaking opens (8.12.11) and the proposal of compulsory retirement
(8.12.15).

The EOL line is written when the leave is granted (status "approved") and follows the case:
"on_leave" once it begins, its end cut to the day before rejoining, "revoked" or
"completed" on return, "not_rejoined" when the civil servant fails to rejoin. Leave that
never began keeps its planned dates in the details and counts no days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.core import calendar_store, deadlines, profiles
from cases.core.effects import EffectContext, effect
from cases.core.models import ServiceEntry
from workflows.engine import Context
from workflows.eol import BREACHES, PURPOSES, approving_authority, protected_until
from workflows.values import as_date

PURPOSE_LABELS = dict(PURPOSES)
CONDONE_WORKING_DAYS = 5


def _entry(ec: EffectContext) -> ServiceEntry | None:
    return profiles.case_entry(ec.session, ec.case.id, "eol")  # type: ignore[arg-type]


def _authority_text(ec: EffectContext) -> str:
    from cases.core import service

    subject = service.subject_of(ec.session, ec.case.subject_eid)
    ctx = Context(subject=subject, data=ec.data, fields=ec.fields, today=ec.today)
    auth = approving_authority(ctx)
    body = "RCSC" if auth.agencies == ("RCSC",) else f"HRC of {auth.agencies[0]}"
    return f"{body} (BCSR {auth.cite})"


@effect("eol_record_application")
def eol_record_application(ec: EffectContext) -> None:
    """8.12.10: keep the period applied for; the authority may grant another (8.12.16)."""
    start, end = as_date(ec.data["start_on"]), as_date(ec.data["end_on"])
    assert start is not None and end is not None
    ec.data["applied_start_on"] = start.isoformat()
    ec.data["applied_end_on"] = end.isoformat()
    ec.data["applied_days"] = (end - start).days + 1
    ec.data["applied_on"] = ec.data.get("applied_on") or ec.today.isoformat()
    ec.data["submitted_by"] = (
        "applicant" if ec.actor.employee_eid == ec.case.subject_eid else "hr_officer"
    )


@effect("eol_record_grant")
def eol_record_grant(ec: EffectContext) -> None:
    """8.12.16: the period granted enters the service record as approved leave."""
    start = as_date(ec.fields.get("start_on") or ec.data["applied_start_on"])
    end = as_date(ec.fields.get("end_on") or ec.data["applied_end_on"])
    assert start is not None and end is not None
    ec.data["start_on"], ec.data["end_on"] = start.isoformat(), end.isoformat()
    ec.data["granted_days"] = (end - start).days + 1
    ec.data["approving_authority"] = _authority_text(ec)
    ec.data["position_protected_until"] = protected_until(start).isoformat()
    ref = ec.fields.get("rcsc_decision_ref") or ec.fields.get("hrc_meeting_no")
    row = ec.add_entry(
        kind="eol",
        start_on=start,
        end_on=end,
        status="approved",
        purpose=PURPOSE_LABELS.get(ec.data.get("purpose", ""), ec.data.get("purpose", "")),
        decision_ref=ref,
        decided_on=ec.fields.get("decided_on"),
    )
    ec.data["eol_entry_id"] = row.id


@effect("eol_cancel_entry")
def eol_cancel_entry(ec: EffectContext) -> None:
    """Withdrawn or revoked (8.14.1) before it began: no day of EOL was taken."""
    row = _entry(ec)
    if row is None:
        return  # withdrawn before any decision: nothing on the record
    planned = {"planned_start_on": row.start_on, "planned_end_on": row.end_on}
    row.start_on = None
    row.end_on = None
    how = "revoked (8.14.1)" if ec.fields.get("revocation_order_no") else "withdrawn"
    profiles.update_entry(
        ec.session,
        row,
        status="revoked",
        note=f"{how} before the leave began; no leave taken",
        **{k: v.isoformat() if v else None for k, v in planned.items()},
    )


@effect("eol_commence")
def eol_commence(ec: EffectContext) -> None:
    """The leave begins: on the record as EOL (not active service, 8.12.6; no pay, 8.12.7);
    the position is protected for six months from this day (8.12.14)."""
    began = as_date(ec.fields.get("commenced_on") or ec.data["start_on"])
    assert began is not None
    ec.data["commenced_on"] = began.isoformat()
    ec.data["protected_until"] = protected_until(began).isoformat()
    ec.data["position_protected"] = True
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(
            ec.session, row, start_on=began, status="on_leave", commenced_on=began.isoformat()
        )


@effect("eol_protection_lapsed")
def eol_protection_lapsed(ec: EffectContext) -> None:
    """8.12.14: beyond six months the position is not protected; if displaced on return the
    civil servant goes on the RCSC's Waiting List (13.5.1.2 ii)."""
    ec.data["position_protected"] = False
    ec.data["position_note"] = (
        f"Position not protected from {ec.today.isoformat()} (EOL beyond six months, BCSR "
        "8.12.14); if displaced on return, placed on the Waiting List (13.5.1.2 ii)"
    )
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(
            ec.session, row, position_protected=False, protection_lapsed_on=ec.today.isoformat()
        )


@effect("eol_revoke")
def eol_revoke(ec: EffectContext) -> None:
    """8.14.1: the leave ends the day before the date to rejoin."""
    rejoin_by = as_date(ec.fields["rejoin_by"])
    assert rejoin_by is not None
    ec.data["revoked"] = True
    row = _entry(ec)
    if row is not None:
        last = rejoin_by - timedelta(days=1)
        profiles.update_entry(
            ec.session,
            row,
            end_on=max(last, row.start_on) if row.start_on else last,
            revoked_on=ec.fields.get("revoked_on"),
            revocation_order_no=ec.fields.get("revocation_order_no"),
            rejoin_by=rejoin_by.isoformat(),
        )


@effect("eol_report_breach")
def eol_report_breach(ec: EffectContext) -> None:
    """8.12.11: a breach of the undertaking is a matter for major administrative action, so
    the agency opens a disciplinary case (19.5.1.4) and the EOL case links to it."""
    from cases.core import service

    breach = dict(BREACHES).get(ec.fields["breach"], ec.fields["breach"])
    narration = (
        f"Breach of the undertaking (Form 8/B) given for extraordinary leave from "
        f"{ec.data.get('commenced_on') or ec.data.get('start_on')} to {ec.data.get('end_on')} "
        f"(EOL case {ec.case.id}): {breach}. {ec.fields['breach_particulars']} "
        "A civil servant who breaches the undertaking is liable for major administrative "
        "action (BCSR 8.12.11)."
    )
    raw = {
        "opened_by": "agency",
        "narration": narration,
        "received_on": ec.fields["breach_found_on"],
    }
    if ec.fields.get("evidence"):
        raw["evidence"] = ec.fields["evidence"]
    fired = service.open_case(
        ec.session, "disciplinary", ec.case.subject_eid, ec.actor, raw, now=ec.now
    )
    ec.data["disciplinary_case_id"] = fired.case.id
    ec.data["breach_reported_on"] = ec.today.isoformat()
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(
            ec.session,
            row,
            breach_reported_on=ec.today.isoformat(),
            disciplinary_case=fired.case.id,
        )


@effect("eol_rejoin")
def eol_rejoin(ec: EffectContext) -> None:
    """Rejoining ends the EOL on the day before (early return allowed); a late return the
    authority condoned keeps the EOL to its end, the days after being absence (8.15.1)."""
    rejoined = as_date(ec.fields["rejoined_on"])
    assert rejoined is not None
    placement = ec.fields.get("placement")
    ec.data["waiting_list"] = placement == "waiting_list"
    row = _entry(ec)
    if row is None:
        return
    last = rejoined - timedelta(days=1)
    end = min(last, row.end_on) if row.end_on else last
    if row.start_on and end < row.start_on:
        end = row.start_on - timedelta(days=1)  # rejoined on the first day: no day taken
    details: dict[str, Any] = {"rejoined_on": rejoined.isoformat(), "placement": placement}
    if row.end_on and last > row.end_on:
        details["absent_without_leave"] = (
            f"{(row.end_on + timedelta(days=1)).isoformat()} to {last.isoformat()} "
            "(not EOL; BCSR 8.15.1)"
        )
    ec.data["eol_days_taken"] = max(0, (end - row.start_on).days + 1) if row.start_on else 0
    profiles.update_entry(
        ec.session,
        row,
        end_on=end,
        status="revoked" if ec.data.get("revoked") else "completed",
        **details,
    )


def _rejoin_due(ec: EffectContext) -> date | None:
    rows = [d for d in deadlines.for_case(ec.session, ec.case.id) if d.kind == "rejoin_due"]  # type: ignore[arg-type]
    return rows[-1].due_on if rows else None


@effect("eol_propose_retirement")
def eol_propose_retirement(ec: EffectContext) -> None:
    """8.12.15: a civil servant failing to join the service after the EOL shall be
    compulsorily retired; the competent authority decides in the shared queue."""
    due = _rejoin_due(ec)
    when = f" (due by {due.isoformat()})" if due else ""
    ec.data["retirement_ground"] = (
        f"Did not rejoin the service on completion of extraordinary leave{when} (BCSR 8.12.15)"
    )
    if due:
        ec.data["rejoin_due_on"] = due.isoformat()
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(ec.session, row, status="not_rejoined")


@effect("eol_retired")
def eol_retired(ec: EffectContext) -> None:
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(
            ec.session,
            row,
            status="not_rejoined",
            retirement_order_no=ec.fields.get("order_no"),
            retired_on=ec.data.get("separated_on"),
        )


@effect("eol_condone")
def eol_condone(ec: EffectContext) -> None:
    """The authority condones the failure to rejoin and sets the day to rejoin by (five
    working days when it names none)."""
    if not ec.fields.get("rejoin_by"):
        cal = calendar_store.load(ec.session)
        ec.data["rejoin_by"] = cal.add_working_days(ec.today, CONDONE_WORKING_DAYS).isoformat()
    ec.data.pop("retirement_ground", None)
    ec.data["condoned_on"] = ec.today.isoformat()


# ------------------------------------------------------------------ 2023.2


@effect("eol_commence_2023_2")
def eol_commence_2023_2(ec: EffectContext) -> None:
    """As ``eol_commence``, and 8.12.7 on the record: "Remuneration and other benefits of the
    post shall not be granted to a civil servant for the days of EOL"."""
    eol_commence(ec)
    began = ec.data["commenced_on"]
    ec.data["pay_stopped_from"] = began
    ec.data["pay_note"] = (
        f"No remuneration or other benefits of the post from {began} for the days of EOL "
        "(BCSR 8.12.7)"
    )
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(ec.session, row, pay_stopped_from=began, pay_cite="8.12.7")


@effect("eol_promotion_recorded")
def eol_promotion_recorded(ec: EffectContext) -> None:
    """8.12.8: a promotion processed before the EOL and approved during it "shall be effected
    only on rejoining the service": held in the case until the rejoining."""
    f = ec.fields
    ec.data["promotion"] = {
        "order_no": f["promotion_order_no"],
        "processed_on": f["promotion_processed_on"],
        "approved_on": f["promotion_approved_on"],
        "new_level": f["new_level"],
        "new_position_title": f.get("new_position_title") or "",
        "effective": "only on rejoining the service (BCSR 8.12.8)",
    }
    row = _entry(ec)
    if row is not None:
        profiles.update_entry(
            ec.session,
            row,
            promotion_order_no=f["promotion_order_no"],
            promotion_effective="on rejoining (BCSR 8.12.8)",
        )


@effect("eol_rejoin_2023_2")
def eol_rejoin_2023_2(ec: EffectContext) -> None:
    """As ``eol_rejoin``, and: pay resumes on the day of rejoining (8.12.7); a promotion
    approved during the leave takes effect that day, in the register (8.12.8); a returnee
    displaced onto the Waiting List starts its six months (8.12.14, 13.5.1.2 ii, 13.5.1.5)."""
    from cases.core.models import CivilServant
    from cases.processes.waiting_list import put_on_list

    eol_rejoin(ec)
    rejoined = as_date(ec.fields["rejoined_on"])
    assert rejoined is not None
    if ec.data.get("pay_stopped_from"):
        days = ec.data.get("eol_days_taken", 0)
        ec.data["pay_note"] = (
            f"No remuneration or other benefits of the post for {days} days of EOL from "
            f"{ec.data['pay_stopped_from']}; pay resumes on rejoining, {rejoined} (BCSR 8.12.7)"
        )
        row = _entry(ec)
        if row is not None:
            profiles.update_entry(
                ec.session, row, pay_resumes_on=rejoined.isoformat(), days_without_pay=days
            )
    promotion = ec.data.get("promotion")
    if promotion and not promotion.get("effective_on"):
        cs = ec.session.get(CivilServant, ec.case.subject_eid)
        assert cs is not None
        cs.position_level = promotion["new_level"]
        if promotion.get("new_position_title"):
            cs.position_title = promotion["new_position_title"]
        ec.session.add(cs)
        ec.data["promotion"] = {
            **promotion,
            "effective_on": rejoined.isoformat(),
            "effective": f"effected on rejoining the service, {rejoined} (BCSR 8.12.8)",
        }
    if ec.fields.get("placement") == "waiting_list":
        put_on_list(ec, rejoined, "displaced on return from EOL beyond six months, BCSR 8.12.14")
