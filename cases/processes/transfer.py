"""What the transfer process's steps change beyond the case's state (BCSR chapter 13).

The opening step names the agencies with a part in the case (receiving, parent: 13.3.1,
13.6.5) so their officers see it; the order writes the transfer into the service
history; relief computes the admissible joining time (13.11, 8.13.2.1) and enters the
preparatory leave; joining moves the civil servant in the register to the receiving
agency, station and position (13.9.5); refusal of the order opens a disciplinary case
(13.12.2).
"""

from __future__ import annotations

from datetime import date

from cases.core import calendar_store, profiles
from cases.core.effects import EffectContext, effect
from cases.core.models import Agency, CaseAgency, CivilServant, ServiceEntry
from workflows import readings, registry
from workflows import roles as R
from workflows.context import Context, Refusal, Refused
from workflows.declarations import Authority
from workflows.obligations import add_months
from workflows.transfer import (
    APPLIED_KINDS,
    KIND_LABEL,
    PLANNING_MONTHS,
    TRANSFER_BENEFITS,
    lower_level_pay,
    transfer_benefits_due,
)
from workflows.transfer import joining_time as compute_joining_time
from workflows.values import as_date


def _servant(ec: EffectContext) -> CivilServant:
    cs = ec.session.get(CivilServant, ec.case.subject_eid)
    assert cs is not None
    return cs


def _agency(ec: EffectContext, code: str, field: str) -> Agency:
    agency = ec.session.get(Agency, code)
    if agency is None:
        raise Refused([Refusal("field", "13.3.1", f"no agency with code {code}", field)])
    return agency


def _entry(ec: EffectContext) -> ServiceEntry | None:
    return profiles.case_entry(ec.session, ec.case.id, "transfer")  # type: ignore[arg-type]


def _competent(ec: EffectContext) -> Authority:
    """The competent authority of 13.3.1 as the case's version reads it: the same function
    its transfer order step asks (2023.2 gives a specialist's transfer to the RCSC)."""
    from cases.core import service

    order = registry.for_case(ec.case).branches("issue_order")[0]
    assert order.authority is not None
    subject = service.subject_of(ec.session, ec.case.subject_eid)
    return order.authority(Context(subject=subject, data=ec.data, fields={}, today=ec.today))


@effect("open_transfer")
def open_transfer(ec: EffectContext) -> None:
    """Who is who in this transfer: working, receiving and parent agency, and the competent
    authority of 13.3.1; the receiving and parent agencies are given a part in the case."""
    cs = _servant(ec)
    kind = ec.data["transfer_kind"]
    self_acting = ec.actor.employee_eid == cs.eid and bool(ec.actor.roles & R.SELF)
    if self_acting and kind not in APPLIED_KINDS:
        raise Refused(
            [
                Refusal(
                    "authority",
                    "13.4.1",
                    "a civil servant applies only for a transfer on request or a lateral "
                    "transfer; the agencies propose the others",
                    "transfer_kind",
                )
            ]
        )
    working = _agency(ec, cs.agency_code, "receiving_agency")
    receiving_code = str(ec.data["receiving_agency"]).strip().upper()
    receiving = _agency(ec, receiving_code, "receiving_agency")
    parent_code = str(ec.data.get("parent_agency") or "").strip().upper() or None
    if parent_code:
        _agency(ec, parent_code, "parent_agency")
    else:
        parent_code = working.parent_code or receiving.parent_code
    ec.data.update(
        receiving_agency=receiving.code,
        parent_agency=parent_code,
        from_agency=cs.agency_code,
        from_station=cs.place_of_posting,
        from_position=cs.position_title,
        from_level=cs.position_level,
        previous_position_since=cs.position_since.isoformat() if cs.position_since else None,
        kind_label=KIND_LABEL.get(kind, kind),
    )
    auth = _competent(ec)
    ec.data["competent_authority"] = f"{' or '.join(auth.agencies)} (BCSR {auth.cite})"
    if kind == "planned":
        effective = as_date(ec.data["effective_on"])
        assert effective is not None
        ec.data["agreement_due_on"] = add_months(effective, -PLANNING_MONTHS).isoformat()
    parts = {receiving.code: "receiving"}
    if parent_code:
        parts.setdefault(parent_code, "parent")
    for code, part in parts.items():
        if code != cs.agency_code:
            ec.session.add(CaseAgency(case_id=ec.case.id, agency_code=code, part=part))  # type: ignore[arg-type]
    ec.session.flush()


@effect("record_transfer_order")
def record_transfer_order(ec: EffectContext) -> None:
    """Form 14/1a: the transfer enters the service history as ordered (13.9.5)."""
    d = ec.data
    row = ec.add_entry(
        kind="transfer",
        start_on=d["effective_on"],
        end_on=d.get("term_end_on") if d.get("transfer_kind") in ("osa", "foreign") else None,
        status="ordered",
        transfer_kind=d["transfer_kind"],
        from_agency=d.get("from_agency"),
        to_agency=d.get("receiving_agency"),
        from_station=d.get("from_station"),
        to_station=d.get("new_station"),
        new_position=d.get("new_position"),
        order_no=d.get("order_no"),
        order_date=d.get("order_date"),
    )
    d["transfer_entry_id"] = row.id


@effect("relieve_transfer")
def relieve_transfer(ec: EffectContext) -> None:
    """13.11, 8.13.2.1, 13.9.7: the joining time is five working days of preparatory leave
    (new station at least 10 km away with a change of residence) plus the days of travel;
    the due date is kept in the case so the joining deadline counts from it: the last day
    of the joining time, or the first working day after it, as the case's reading of
    13.9.3/13.9.4 (R-13.9.3) says."""
    reading = registry.for_case(ec.case).in_force(readings.JOINING_DEADLINE.id)
    d = ec.data
    relieved = as_date(d["relieved_on"])
    assert relieved is not None
    cal = calendar_store.load(ec.session)
    jt = compute_joining_time(
        cal,
        relieved,
        int(d.get("distance_km") or 0),
        bool(d.get("change_of_residence")),
        int(d.get("travel_days") or 0),
        report_after_expiry=reading.option == "on_expiry",
    )
    d["joining_due_on"] = jt.due.isoformat()
    if jt.ends is not None:
        d["joining_time_ends_on"] = jt.ends.isoformat()
    d["joining_time"] = f"{jt.explain} ({reading.note()})"
    if jt.preparatory_days:
        assert jt.preparatory_from is not None and jt.preparatory_to is not None
        d["preparatory_leave"] = {
            "from": jt.preparatory_from.isoformat(),
            "to": jt.preparatory_to.isoformat(),
            "working_days": jt.preparatory_days,
        }
        ec.add_entry(
            "leave",
            start_on=jt.preparatory_from,
            end_on=jt.preparatory_to,
            status="taken",
            leave_type="preparatory",
            note="Preparatory leave on transfer (BCSR 13.11.1, 8.13.2.1)",
        )
    entry = _entry(ec)
    if entry is not None:
        profiles.update_entry(ec.session, entry, relieved_on=relieved.isoformat())


@effect("withhold_salary")
def withhold_salary(ec: EffectContext) -> None:
    """13.9.4: the relieving agency withholds the salary from the day after the joining
    time ran out, until the civil servant reports."""
    due = as_date(ec.data.get("joining_due_on"))
    ec.data["salary_withheld"] = True
    ec.data["salary_withheld_from"] = (
        date.fromordinal(due.toordinal() + 1).isoformat() if due else ec.today.isoformat()
    )


@effect("join_transfer")
def join_transfer(ec: EffectContext) -> None:
    """The civil servant reported: the register moves to the receiving agency, the new
    station and position (13.9.5: the service record is updated), the history line is
    completed, and a withheld salary is released from the day of reporting."""
    d = ec.data
    reported = as_date(d["reported_on"])
    assert reported is not None
    cs = _servant(ec)
    cs.agency_code = d["receiving_agency"]
    if d.get("new_station"):
        cs.place_of_posting = d["new_station"]
    if d.get("new_position"):
        cs.position_title = d["new_position"]
    cs.position_since = reported
    ec.session.add(cs)
    due = as_date(d.get("joining_due_on"))
    if due and reported > due:
        d["reported_late_days"] = (reported - due).days
    if d.get("salary_withheld"):
        d["salary_withheld"] = False
        d["salary_released_from"] = reported.isoformat()
    entry = _entry(ec)
    if entry is not None:
        profiles.update_entry(
            ec.session, entry, start_on=reported, status="completed", reported_on=d["reported_on"]
        )
    ec.session.flush()


@effect("refer_for_action")
def refer_for_action(ec: EffectContext) -> None:
    """13.12.2: failing to abide by the transfer order is liable for administrative action;
    the agency opens a disciplinary case (19.5.1.4), linked both ways."""
    from cases.core import service

    d = ec.data
    conduct = {
        "refused_order": "refused to abide by the transfer order",
        "not_reported": "did not report at the new place of posting within the admissible "
        "joining time",
    }[d["conduct"]]
    narration = (
        f"The civil servant {conduct} no. {d.get('order_no')} of {d.get('order_date')} "
        f"({d.get('kind_label')}, to {d.get('receiving_agency')}, {d.get('new_station')}). "
        f"{d.get('particulars', '')} Liable for administrative action under BCSR 13.12.2."
    ).strip()
    fired = service.open_case(
        ec.session,
        "disciplinary",
        ec.case.subject_eid,
        ec.actor,
        {
            "opened_by": "agency",
            "narration": narration,
            "evidence": f"Transfer order {d.get('order_no')}; transfer case no. {ec.case.id}",
            "received_on": ec.today.isoformat(),
        },
        now=ec.now,
    )
    d["disciplinary_case_id"] = fired.case.id


@effect("cancel_transfer")
def cancel_transfer(ec: EffectContext) -> None:
    """13.9.6: the order is cancelled; a relieved civil servant resumes at the relieving
    agency, and a withheld salary is released."""
    d = ec.data
    entry = _entry(ec)
    if entry is not None:
        profiles.update_entry(
            ec.session,
            entry,
            status="cancelled",
            cancellation_order_no=d.get("cancellation_order_no"),
        )
    if d.get("relieved_on"):
        d["resumes_at"] = d.get("from_agency")
    if d.get("salary_withheld"):
        d["salary_withheld"] = False
        d["salary_released_from"] = ec.today.isoformat()


@effect("return_from_assignment")
def return_from_assignment(ec: EffectContext) -> None:
    """13.7.10: on completion of the assignment the civil servant returns to the previous
    position (13.8.2.2: a foreign posting's term is not extendable)."""
    d = ec.data
    cs = _servant(ec)
    cs.agency_code = d["from_agency"]
    cs.place_of_posting = d.get("from_station") or cs.place_of_posting
    cs.position_title = d.get("from_position") or cs.position_title
    cs.position_since = as_date(d.get("previous_position_since")) or cs.position_since
    ec.session.add(cs)
    entry = _entry(ec)
    if entry is not None:
        profiles.update_entry(ec.session, entry, end_on=d["returned_on"])
    ec.session.flush()


# ------------------------------------------------------------------ 2023.2


@effect("open_transfer_2023_2")
def open_transfer_2023_2(ec: EffectContext) -> None:
    """As ``open_transfer``, and: whether the transfer is into or out of a constitutional
    office (13.3.2: the parent agency executes it, in consultation with the office); the
    pay on a transfer to a lower position level (13.4.16, as the case reads it, R-13.4.16);
    no transfer benefits before five years at a place of posting reached by lateral transfer
    (13.6.6)."""
    cs = _servant(ec)
    working = _agency(ec, cs.agency_code, "receiving_agency")
    receiving = _agency(ec, str(ec.data["receiving_agency"]).strip().upper(), "receiving_agency")
    if "constitutional" in (working.kind, receiving.kind):
        ec.data["constitutional_office"] = True
    open_transfer(ec)
    new_level = ec.data.get("new_level")
    if new_level:
        reading = registry.for_case(ec.case).reading(readings.LOWER_LEVEL_PAY.id)
        note = lower_level_pay(ec.data["transfer_kind"], cs.position_level, new_level, reading)
        if note:
            ec.data["pay_on_lower_level"] = f"{note[:1].upper()}{note[1:]}"
    record = profiles.profile_of(ec.session, cs.eid, ec.today)
    assert record is not None
    if not transfer_benefits_due(record, ec.data, ec.today):
        ec.data["transfer_benefits"] = (
            "Not eligible for transfer benefits: "
            f"{TRANSFER_BENEFITS.explain(record, ec.data, ec.today)} (BCSR 13.6.6)"  # type: ignore[misc]
        )


@effect("join_transfer_2023_2")
def join_transfer_2023_2(ec: EffectContext) -> None:
    """As ``join_transfer``, and the new position level enters the register, with the pay
    13.4.16 fixes for a lower one on the history line."""
    join_transfer(ec)
    new_level = ec.data.get("new_level")
    if not new_level:
        return
    cs = _servant(ec)
    cs.position_level = new_level
    ec.session.add(cs)
    entry = _entry(ec)
    if entry is not None:
        profiles.update_entry(
            ec.session,
            entry,
            new_level=new_level,
            pay=ec.data.get("pay_on_lower_level") or "",
        )
    ec.session.flush()
