"""The LTT letters (BCSR 7.7, 8.11): the award of long-term training and study leave
(7.7.3) and the reporting letter on the return (7.7.6.1), and what each says."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from cases.review.letters.kit import Declaration, Sources, day, money
from workflows import ltt
from workflows.obligations import ltt_has_obligation
from workflows.record import LTT_FUNDING, LTT_LEVELS, LTT_MODES
from workflows.values import as_date


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
    end = as_date(d.get("end_on"))
    start = as_date(d.get("start_on"))
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
            "monthly_full": money(pay.get("monthly_full")),
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
        "obligation_last_day": day(obligation.get("last_day_owed")),  # 2023.2
        "obligation_duration": obligation.get("duration", ""),
        "multiplier": obligation.get("multiplier"),
        "ordinal": d.get("ordinal"),
        "promotion_delay": d.get("promotion_delay") or {},
        "copies": [f"{src.agency_name(src.case.agency_code)} (re-deployment, BCSR 7.7.6.4)"],
    }


def _reported(data: Mapping[str, Any]) -> str | None:
    return None if data.get("reported_on") else "the return has not been recorded (7.7.6.1)"


DECLARATIONS: tuple[Declaration, ...] = (
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
