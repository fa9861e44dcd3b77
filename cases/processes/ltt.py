"""What the LTT process's steps change beyond the case's state: the LTT line of the service
record, preparatory leave, study leave pay, the service obligation and the penalties of
7.7.8.1 (BCSR 2023 7.7, 8.11, 8.13.2.2). What the return and the completion evidence
record (and the Waiting List after a bachelor's degree) is in ``cases.processes.ltt_return``,
which writes the obligation and the penalties through this module's helpers.

The LTT line (kind "ltt") is written at approval and moves with the case: "approved",
"ongoing" once the course commenced (from then it counts as the 1st/2nd/3rd LTT, 7.7.8.1
xi), then "completed", "failed", "pending_completion" or "withdrawn". Other processes read
it through the Profile (an LTT pending completion blocks secondment, EOL and STT/LTT).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cases.core import profiles
from cases.core.effects import EffectContext, effect
from cases.core.models import ServiceEntry
from cases.people import repayment
from workflows import ltt, readings, registry
from workflows.obligations import (
    EXPENSES,
    REPAY_WITHIN_DAYS,
    Duration,
    add_months,
    calendar_durations,
    duration,
    last_day_owed,
    ltt_service_obligation_end,
    mixed_mode_refund,
    multiplier,
)


def day_of(value: Any) -> date:
    """A date the case data holds (ISO text or a date)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def entry(ec: EffectContext) -> ServiceEntry:
    """The case's LTT line of the service record (written at approval)."""
    row = profiles.case_entry(ec.session, ec.case.id, "ltt")  # type: ignore[arg-type]
    if row is None:
        raise LookupError(f"case {ec.case.id} has no LTT entry")
    return row


def _country(data: dict[str, Any]) -> str:
    if data.get("country") == "other":
        return str(data.get("other_country") or "other")
    return dict(ltt.COUNTRIES).get(str(data.get("country")), str(data.get("country")))


def _pay(data: dict[str, Any]) -> dict[str, Any]:
    gross = data.get("gross_pay")
    return ltt.study_leave_pay(
        str(data.get("level")),
        str(data.get("mode")),
        str(data.get("country")),
        day_of(data.get("commenced_on") or data["start_on"]),
        day_of(data["end_on"]),
        Decimal(str(gross)) if gross not in (None, "") else None,
    )


@effect("ltt_application")
def ltt_application(ec: EffectContext) -> None:
    """Who approves (7.7.3), SAARC or not (8.11.5), and the study leave pay (8.11.3-8.11.5)."""
    record = profiles.profile_of(ec.session, ec.case.subject_eid, ec.today)
    agency, cite = ltt.approving_agency(
        ec.data.get("mode"),
        ec.data.get("level"),
        ec.data.get("country"),
        ltt.is_teacher(record, ec.data),
        ec.case.agency_code,
    )
    ec.data["approving_agency"] = agency
    ec.data["approving_cite"] = cite
    ec.data["saarc"] = ltt.in_saarc(ec.data.get("country"))
    ec.data["study_leave_pay"] = _pay(ec.data)


@effect("ltt_approve")
def ltt_approve(ec: EffectContext) -> None:
    """The approved LTT enters the service record (not yet counted: 7.7.8.1 xi)."""
    d = ec.data
    row = ec.add_entry(
        kind="ltt",
        start_on=d["start_on"],
        end_on=d["end_on"],
        status="approved",
        level=d.get("level"),
        mode=d.get("mode"),
        funding=d.get("funding"),
        course=d.get("course"),
        institute=f"{d.get('institute')}, {_country(d)}",
        country=d.get("country"),
        employment_cost=d.get("employment_cost"),
        scholarship_cost=d.get("scholarship_cost"),
        approval_order_no=d.get("approval_order_no"),
    )
    ec.data["ltt_entry"] = row.id


@effect("ltt_undertaking")
def ltt_undertaking(ec: EffectContext) -> None:
    """7.7.7.1-2: "as prescribed in Section 7.7.7.6 or as stated in the Undertaking,
    whichever is higher": what the signed Undertaking states enters the LTT line, for the
    obligation on return and the amount on separation."""
    stated = {
        k: ec.fields[k]
        for k in ("undertaking_obligation_months", "undertaking_amount")
        if ec.fields.get(k) not in (None, "")
    }
    if stated:
        profiles.update_entry(ec.session, entry(ec), **stated)


@effect("ltt_preparatory_leave")
def ltt_preparatory_leave(ec: EffectContext) -> None:
    """8.13.2.2: five days before the course start date, weekends and holidays counted."""
    start = day_of(ec.data["start_on"])
    first = start - timedelta(days=ltt.PREPARATORY_DAYS)
    last = start - timedelta(days=1)
    ec.add_entry(
        kind="leave",
        start_on=first,
        end_on=last,
        status="taken",
        leave_type="preparatory",
        note="Preparatory leave for study leave (BCSR 8.13.2.2)",
    )
    ec.data["preparatory_leave"] = {"from": first.isoformat(), "to": last.isoformat()}


@effect("ltt_commence")
def ltt_commence(ec: EffectContext) -> None:
    """7.7.8.1 xi: once the course commenced the LTT counts as the 1st/2nd/3rd (continuing
    education aside); the study leave runs from the commencement."""
    record = profiles.profile_of(ec.session, ec.case.subject_eid, ec.today)
    assert record is not None
    continuing = ec.data.get("mode") == "continuing_education"
    ordinal = None if continuing else ltt.next_ordinal(record)
    row = entry(ec)
    profiles.update_entry(
        ec.session,
        row,
        start_on=ec.data["commenced_on"],
        status="ongoing",
        ordinal=ordinal,
        joining_report_on=ec.data.get("joining_report_on"),
    )
    ec.data["ordinal"] = ordinal
    ec.data["study_leave_pay"] = _pay(ec.data)


@effect("ltt_extend")
def ltt_extend(ec: EffectContext) -> None:
    """7.7.7.6 note: an approved extension is part of the course duration (and the pay)."""
    row = entry(ec)
    extensions = list(ec.data.get("extensions") or [])
    extensions.append(
        {
            "end_on": ec.fields["end_on"],
            "letter_no": ec.fields.get("extension_letter_no"),
            "approved_on": ec.today.isoformat(),
        }
    )
    ec.data["extensions"] = extensions
    profiles.update_entry(ec.session, row, end_on=ec.fields["end_on"], extensions=extensions)
    ec.data["study_leave_pay"] = _pay(ec.data)


def _calendar(ec: EffectContext) -> bool:
    """R-7.7.7.6-duration: multiples of the course in calendar months (2023.2) or days."""
    return calendar_durations(registry.for_case(ec.case), readings.LTT_OBLIGATION_DURATION.id)


def obligation_end(ec: EffectContext, reported_on: date, until: date | None = None) -> Any:
    """7.7.7.3, 7.7.7.6: 2/3/4 times the course duration (actual days on campus for mixed
    mode, 7.7.7.6 ii a; the period studied up to ``until`` for a withdrawal), or the
    obligation stated in the Undertaking where longer (7.7.7.1, recorded from 2023.2)."""
    data = ec.data
    start = day_of(data["commenced_on"])
    end = until or day_of(data["end_on"])
    span = None
    if data.get("mode") == "mixed_mode" and data.get("days_on_campus"):
        end = start + timedelta(days=int(data["days_on_campus"]) - 1)
        span = Duration(0, int(data["days_on_campus"]))
    ordinal = data.get("ordinal") or 1
    rule_end = ltt_service_obligation_end(
        start,
        end,
        reported_on,
        int(ordinal),
        str(data.get("level")),
        str(data.get("mode")),
        calendar=_calendar(ec),
        span=span if _calendar(ec) else None,
    )
    stated = data.get("undertaking_obligation_months")
    if rule_end is None or not stated:
        return rule_end
    return max(rule_end, add_months(reported_on, int(stated)))


def write_obligation(ec: EffectContext, row: ServiceEntry, reported_on: date, end: Any) -> None:
    """The service obligation from ``reported_on`` to ``end`` on the LTT line and as a line
    of its own, or none (``end`` None: continuing education, a bachelor's, 7.7.7.6 iii-iv)."""
    if end is None:
        ec.data["service_obligation"] = None
        return
    last = last_day_owed(end)
    profiles.update_entry(
        ec.session, row, obligation_end=end.isoformat(), obligation_last_day=last.isoformat()
    )
    ordinal = int(ec.data.get("ordinal") or 1)
    ec.add_entry(
        kind="service_obligation",
        start_on=reported_on,
        end_on=end,
        status="running",
        source=f"LTT no. {ordinal}: {ec.data.get('course')} (x{multiplier(ordinal)}, BCSR 7.7.7.3)",
        obligation_end=end.isoformat(),
        obligation_last_day=last.isoformat(),
        ltt_entry=row.id,
    )
    ec.data["service_obligation"] = {
        "from": reported_on.isoformat(),
        "until": end.isoformat(),
        "multiplier": multiplier(ordinal),
        "cite": "7.7.7.3, 7.7.7.6",
    }
    if _calendar(ec):
        served = duration(reported_on, last)
        stated = ec.data.get("undertaking_obligation_months")
        ec.data["service_obligation"].update(
            duration=served.text(),
            last_day_owed=last.isoformat(),
            counted=(
                f"{served.text()} of service from {reported_on.isoformat()}: the last day owed "
                f"is {last.isoformat()}, served from {end.isoformat()} (BCSR 7.7.7.3, 7.7.7.6"
                + (f"; the Undertaking states {stated} months, 7.7.7.1" if stated else "")
                + ")"
            ),
        )


def _mixed_mode_refund(ec: EffectContext, row: ServiceEntry, cite: str, on_order: bool) -> None:
    """7.7.8.1 ix: mixed mode withdrawal within control or failure: refund 2/3/4 times the
    tuition fee, stipend/DSA, TA/DA, mileage and other expenses incurred. ``on_order``
    (2023.2): payable within 90 days of the office order for repayment (7.7.7.5), recorded
    later; the first version counted the 90 days from this step."""
    if ec.data.get("mode") != "mixed_mode" or not ec.fields.get("expenses_incurred"):
        return
    ordinal = int(ec.data.get("ordinal") or 1)
    amount = mixed_mode_refund(Decimal(ec.fields["expenses_incurred"]), ordinal)
    due_on = None if on_order else ec.today + timedelta(days=REPAY_WITHIN_DAYS)
    payable = (
        "payable within 90 days of the office order for repayment (BCSR 7.7.7.5)"
        if on_order
        else ""
    )
    ec.add_entry(
        kind="due",
        start_on=ec.today,
        end_on=due_on,
        status="outstanding",
        amount=str(amount),
        note=f"Mixed-mode LTT refund: {multiplier(ordinal)} x "
        + (f"the {EXPENSES}" if on_order else "expenses")
        + f" Nu {ec.fields['expenses_incurred']} (BCSR {cite}); "
        + (f"{payable}; " if on_order else "")
        + "promotion delayed one year if not refunded in time",
        **(
            {"refund_case": ec.case.id, "cite": f"{cite}, 7.7.7.5", "ltt_entry": row.id}
            if on_order
            else {}
        ),
    )
    if on_order:
        profiles.update_entry(ec.session, row, mixed_mode_refund=str(amount))
    ec.data["refund_due"] = {
        "amount": str(amount),
        "due_on": due_on.isoformat() if due_on else None,
        "cite": cite,
        **({"payable": payable} if on_order else {}),
    }


def penalise(ec: EffectContext, row: ServiceEntry, cite: str, on_order: bool = False) -> None:
    """7.7.8.1 i: promotion delayed by double the approved duration of the course; for mixed
    mode a refund of 2/3/4 times the expenses instead (7.7.8.1 ix); nothing for a bachelor's
    (7.7.8.1 x)."""
    if ec.data.get("level") == "bachelors":
        ec.data["promotion_delay"] = None
        return
    if ec.data.get("mode") == "mixed_mode":
        ec.data["promotion_delay"] = None
        _mixed_mode_refund(ec, row, "7.7.8.1 ix", on_order)
        return
    _delay(ec, row, 2, cite)


def _delay(ec: EffectContext, row: ServiceEntry, times: int, cite: str) -> None:
    """7.7.8.1 i, iv: the promotion delay, in days (2023.1) or calendar months (2023.2)."""
    calendar = _calendar(ec)
    delay = ltt.promotion_delay(
        day_of(ec.data["commenced_on"]), day_of(ec.data["end_on"]), times, cite, calendar=calendar
    )
    ec.data["promotion_delay"] = delay
    if calendar:
        profiles.update_entry(ec.session, row, promotion_delay=delay["duration"], penalty_cite=cite)
    else:
        profiles.update_entry(
            ec.session, row, promotion_delay_days=delay["days"], penalty_cite=cite
        )


def promotion_service(
    ec: EffectContext, row: ServiceEntry, last_day: date, schedule_10b: bool = False
) -> None:
    """8.11.8: the study leave from the commencement to ``last_day`` counted as active
    service for promotion, on the case and the LTT line (2023.2)."""
    promotion = ltt.study_leave_for_promotion(
        ec.data.get("level"), day_of(ec.data["commenced_on"]), last_day, schedule_10b
    )
    ec.data["promotion_service"] = promotion
    profiles.update_entry(
        ec.session,
        row,
        promotion_active_until=promotion["counted_to"],
        promotion_inactive_from=promotion["not_counted_from"],
    )


@effect("ltt_withdraw")
def ltt_withdraw(ec: EffectContext) -> None:
    """7.7.7.6 v, 7.7.8.1 ii: beyond the candidate's control, no obligation and no penalty;
    within it (7.7.8.1 i b) the obligation for the period studied and a promotion delay of
    double the approved duration (a refund for mixed mode, 7.7.8.1 ix; nothing for a
    bachelor's, 7.7.8.1 x)."""
    _withdraw(ec, on_order=False)


@effect("ltt_withdraw_2023_2")
def ltt_withdraw_2023_2(ec: EffectContext) -> None:
    """As ``ltt_withdraw``; a refund awaits the office order for repayment (7.7.7.5); the
    study leave to the withdrawal counted for promotion is recorded (8.11.8)."""
    _withdraw(ec, on_order=True)
    promotion_service(ec, entry(ec), day_of(ec.fields["withdrawn_on"]))


def _withdraw(ec: EffectContext, on_order: bool) -> None:
    row = entry(ec)
    beyond = ec.fields["withdrawal_ground"] == "beyond_control"
    withdrawn_on = day_of(ec.fields["withdrawn_on"])
    reported = day_of(ec.fields["reported_on"])
    profiles.update_entry(
        ec.session,
        row,
        end_on=withdrawn_on,
        status="withdrawn",
        withdrawn_beyond_control=beyond,
        medical_grounds=bool(ec.fields.get("medical_grounds")),
        reported_on=reported.isoformat(),
    )
    if beyond:
        ec.data["service_obligation"] = None
        ec.data["promotion_delay"] = None
        return
    # R-7.7.7.6-withdrawal: the approved duration, or the period studied up to the withdrawal.
    reading = registry.for_case(ec.case).in_force(readings.WITHDRAWAL_OBLIGATION.id)
    until = withdrawn_on if reading.option == "period_studied" else None
    write_obligation(ec, row, reported, obligation_end(ec, reported, until=until))
    if ec.data.get("service_obligation"):
        ec.data["service_obligation"]["reading"] = reading.note()
    penalise(ec, row, "7.7.8.1 i b", on_order)


@effect("ltt_cancel_study_leave")
def ltt_cancel_study_leave(ec: EffectContext) -> None:
    """7.7.8.1 iv: the study leave is cancelled for dishonouring the LoA."""
    row = entry(ec)
    profiles.update_entry(
        ec.session,
        row,
        study_leave_cancelled_on=ec.fields["study_leave_cancelled_on"],
        changed_to=ec.fields.get("changed_to"),
    )


@effect("ltt_report_after_cancellation")
def ltt_report_after_cancellation(ec: EffectContext) -> None:
    """7.7.8.1 iv: reported back; the LTT counts (7.7.8.1 xi), the obligation runs for the
    period studied, and promotion is delayed by the approved duration of the course."""
    row = entry(ec)
    cancelled_on = day_of(ec.data["study_leave_cancelled_on"])
    reported = day_of(ec.fields["reported_on"])
    profiles.update_entry(
        ec.session,
        row,
        end_on=cancelled_on,
        status="withdrawn",
        reported_on=reported.isoformat(),
        cancelled_for="change of course/institute without RCSC approval (BCSR 7.7.8.1 iv)",
    )
    write_obligation(ec, row, reported, obligation_end(ec, reported, until=cancelled_on))
    _delay(ec, row, 1, "7.7.8.1 iv")


@effect("ltt_propose_retirement")
def ltt_propose_retirement(ec: EffectContext) -> None:
    """7.7.8.1 v: failing to report as per 7.7.6.1 leads to compulsory retirement."""
    if ec.data.get("study_leave_cancelled_on"):
        ec.data["retirement_ground"] = (
            "did not report within the stipulated time after the study leave was cancelled "
            "(BCSR 7.7.8.1 iv, v)"
        )
    else:
        ec.data["retirement_ground"] = (
            "did not report in person within 21 days of the course end date "
            f"{ec.data.get('end_on')} (BCSR 7.7.6.1, 7.7.8.1 v)"
        )


@effect("ltt_condone")
def ltt_condone(ec: EffectContext) -> None:
    ec.data["late_reporting_condoned"] = True
    ec.data.pop("retirement_ground", None)


@effect("ltt_close_on_retirement")
def ltt_close_on_retirement(ec: EffectContext) -> None:
    """The LTT line ends with the retirement; the dues were written by separation."""
    row = entry(ec)
    profiles.update_entry(
        ec.session,
        row,
        separated_on=ec.data.get("separated_on"),
        outcome_note="compulsorily retired for not reporting (BCSR 7.7.8.1 v)",
    )


@effect("ltt_not_availed")
def ltt_not_availed(ec: EffectContext) -> None:
    """Withdrawn before the course commenced: not counted (7.7.8.1 xi), no obligation."""
    row = profiles.case_entry(ec.session, ec.case.id, "ltt")  # type: ignore[arg-type]
    if row is not None:
        profiles.update_entry(ec.session, row, status="cancelled")


# ------------------------------------------------------------ 7.7.8.1 ix (2023.2)


def _refund_row(ec: EffectContext) -> ServiceEntry:
    row = profiles.case_entry(ec.session, ec.case.id, "due")  # type: ignore[arg-type]
    if row is None:
        raise LookupError(f"case {ec.case.id} has no refund due")
    return row


@effect("ltt_refund_order")
def ltt_refund_order(ec: EffectContext) -> None:
    """7.7.7.5: the refund is payable within 90 days of the office order for repayment: the
    due's last day (the case's refund_due deadline counts the same 90 days)."""
    issued = day_of(ec.fields["refund_order_on"])
    due = repayment.set_order(ec.session, _refund_row(ec), ec.fields["refund_order_no"], issued)
    assert due is not None
    ec.data["refund_due"] = {
        **(ec.data.get("refund_due") or {}),
        "due_on": due.isoformat(),
        "order_no": ec.fields["refund_order_no"],
        "order_on": issued.isoformat(),
    }


@effect("ltt_refunded")
def ltt_refunded(ec: EffectContext) -> None:
    """7.7.8.1 ix: refunded; the due is cleared."""
    profiles.update_entry(
        ec.session,
        _refund_row(ec),
        status="cleared",
        refunded_on=ec.fields["refunded_on"],
        receipt_no=ec.fields["receipt_no"],
    )


@effect("ltt_refund_late")
def ltt_refund_late(ec: EffectContext) -> None:
    """7.7.8.1 ix: "In the event the candidate fails to refund the financial obligations
    within the stipulated period, his promotion shall be delayed by one year from the due
    date of his promotion." The refund stays owed (19.11.1)."""
    delay = {
        "months": 12,
        "days_over": 0,
        "duration": "1 year",
        "from": "the due date of the promotion",
        "cite": "7.7.8.1 ix",
    }
    ec.data["promotion_delay"] = delay
    profiles.update_entry(
        ec.session, entry(ec), promotion_delay="1 year", penalty_cite="7.7.8.1 ix"
    )


# ------------------------------------------------------------ 7.7.5.3 (2023.2)


@effect("ltt_left_without_briefing")
def ltt_left_without_briefing(ec: EffectContext) -> None:
    """7.7.5.3: "In the event a candidate has left for LTT without completing the
    pre-departure requirements, his promotion shall be delayed by double the approved
    duration of the course from the due date of his promotion and his guarantor shall
    ensure that a signed Undertaking by the candidate is submitted within a month". The
    course has commenced: the LTT counts (7.7.8.1 xi)."""
    ltt_commence(ec)
    left = day_of(ec.fields["left_on"])
    ec.data["undertaking_due_on"] = add_months(left, 1).isoformat()
    _delay(ec, entry(ec), 2, "7.7.5.3")


@effect("ltt_undertaking_missing")
def ltt_undertaking_missing(ec: EffectContext) -> None:
    """7.7.5.3: "failing which the candidate shall be compulsorily retired"."""
    ec.data["undertaking_missing"] = True
    ec.data["retirement_ground"] = (
        "the Undertaking signed by the candidate was not submitted within a month of leaving "
        f"on {ec.data.get('left_on')} without the pre-departure requirements (BCSR 7.7.5.3)"
    )
