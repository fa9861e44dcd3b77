"""Demo civil servants, history and cases for the secondment process (BCSR 13.10).

Four cases at different stages: a nomination awaiting the RCSC's validation; a civil
servant on secondment whose three-month notice (13.10.7.2) falls due soon; one who did not
rejoin when the term ended, waiting in the compulsory-retirement queue (13.10.6.4); and one
who returned, was placed, and now serves the return obligation (13.10.6.1). Two more civil
servants show the eligibility rules refusing: a contract employee (13.10.3.5) and one with
a pending audit memo, outstanding dues and an earlier secondment (13.10.3.1, 13.10.3.4).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.demo.kit import Day, Script, Step, servant
from workflows import roles as R
from workflows.obligations import add_months

USERS: dict[str, tuple[str, tuple[str, ...], str | None, str | None]] = {
    "secondment_moe_hr": ("Sonam Yangchen", (R.HR_OFFICER,), "MOE", None),
    "secondment_moe_chair": ("Ugyen Tshomo", (R.HRC_CHAIR,), "MOE", None),
}


SERVANTS: list[dict[str, Any]] = [
    servant(
        "E13101",
        "Tshering Yangdon",
        date(1987, 6, 11),
        "Chief Education Officer",
        "P2",
        "MOE",
        date(2011, 1, 3),
        qualification="masters",
    ),
    servant(
        "E13102",
        "Dr. Karma Lhendup",
        date(1984, 2, 27),
        "Medical Officer (Public Health)",
        "P3",
        "MOH",
        date(2012, 2, 1),
    ),
    servant(
        "E13103",
        "Namgay Wangdi",
        date(1989, 9, 2),
        "Education Monitoring Officer",
        "P4",
        "MOE",
        date(2014, 1, 6),
    ),
    servant(
        "E13104",
        "Deki Choden",
        date(1978, 12, 19),
        "Chief Programme Officer",
        "P1",
        "MOH",
        date(2003, 7, 1),
        qualification="masters",
    ),
    servant(
        "E13105",
        "Sangay Tenzin",
        date(1991, 4, 8),
        "ICT Officer (contract)",
        "P4",
        "MOE",
        date(2015, 3, 2),
        employment_type="contract",
    ),
    servant(
        "E13106",
        "Leki Wangmo",
        date(1982, 8, 15),
        "Finance Officer",
        "P3",
        "MOH",
        date(2008, 1, 2),
    ),
]

HISTORY: list[dict[str, Any]] = [
    {
        "eid": "E13106",
        "kind": "secondment",
        "start_on": "2016-03-01",
        "end_on": "2018-02-28",
        "status": "returned",
        "organisation": "SAARC Secretariat, Kathmandu",
        "location": "outside",
        "obligation_end": "2022-03-01",
    },
    {
        "eid": "E13106",
        "kind": "audit_memo",
        "status": "pending",
        "note": "RAA memo MOH/2025/17: unadjusted tour advance",
    },
    {
        "eid": "E13106",
        "kind": "due",
        "start_on": "2025-11-03",
        "status": "outstanding",
        "amount": "18450.00",
        "note": "Unadjusted tour advance",
    },
]

VALIDATED = {
    "organisation_consulted": True,
    "record_verified": True,
    "organisation_criteria_met": True,
}


def _nomination(d: Day, k: int, organisation: str, post: str, location: str, meeting: str,
                start: date | None = None, end: date | None = None) -> dict[str, Any]:  # fmt: skip
    raw: dict[str, Any] = {
        "organisation": organisation,
        "post": post,
        "location": location,
        "programme": "established",
        "nominated_on": d(k),
        "hrc_meeting_no": meeting,
        "merit_note": "Best appraisal ratings among the eligible officers of the division.",
    }
    if start and end:
        raw["start_on"], raw["end_on"] = start.isoformat(), end.isoformat()
    return raw


def _to_approved(
    d: Day, k: int, organisation: str, location: str, start: date, end: date, order: str
) -> list[Step]:
    """Validation, selection and approval, at k, k-2 and k-4 working days ago."""
    return [
        (
            k,
            "validate",
            "rcsc",
            {
                "validated_on": d(k),
                **VALIDATED,
                "validation_note": "Meets the organisation's terms of reference; best on merit.",
            },
        ),
        (
            k - 2,
            "record_selection",
            "rcsc",
            {"selection": "selected", "decision_received_on": d(k - 2)},
        ),
        (
            k - 4,
            "approve",
            "rcsc",
            {
                "approved_on": d(k - 4),
                "approval_order_no": order,
                "organisation": organisation,
                "location": location,
                "start_on": start.isoformat(),
                "end_on": end.isoformat(),
            },
        ),
    ]


def _relief(d: Day, k: int, hr: str, start: date, order: str) -> tuple[int, str, str, dict]:
    return (
        k,
        "relieve",
        hr,
        {
            "relieved_on": d(k),
            "takes_up_post_on": start.isoformat(),
            "relieving_order_no": order,
            "pay_stopped": True,
            "government_quarter": "vacated",
        },
    )


def _day(d: Day, k: int) -> date:
    return date.fromisoformat(d(k))


def scripts(d: Day, today: date) -> list[Script]:
    # Nominated three working days ago; the RCSC has yet to validate.
    start = add_months(today, 4)
    nominated = Script(
        "secondment_nominated",
        "nominated by the MOE HRC; awaiting RCSC validation",
        "E13101",
        "secondment_moe_chair",
        3,
        _nomination(
            d,
            3,
            "UNICEF Bhutan Country Office",
            "Education Specialist",
            "inside",
            "MOE/HRC/2026/33",
            start,
            add_months(start, 24) - timedelta(days=1),
        ),  # fmt: skip
        process="secondment",
    )

    # On secondment to WHO SEARO, New Delhi; the term ends a little over three months
    # from now, so the relieving agency's notice (13.10.7.2) falls due in under two weeks.
    org = "World Health Organization, South-East Asia Regional Office, New Delhi"
    start = _day(d, 275) + timedelta(days=7)
    end = add_months(today, 3) + timedelta(days=12)
    notice_due = Script(
        "secondment_notice_due",
        "on secondment; the three-month notice of the end of term falls due soon",
        "E13102",
        "chair",
        300,
        _nomination(
            d,
            300,
            org,
            "National Professional Officer (Disease Surveillance)",
            "outside",
            "MOH/HRC/2025/08",
        ),  # fmt: skip
        [
            *_to_approved(d, 295, org, "outside", start, end, "RCSC/SEC/2025/31"),
            _relief(d, 275, "hr", start, "MOH/HRD/REL/2025/12"),
            (
                20,
                "receive_appraisal",
                "hr",
                {
                    "received_on": d(20),
                    "appraisal_period": "First year of the secondment",
                    "appraisal_result": "Fully meets expectations (WHO PMDS)",
                },
            ),
        ],
        process="secondment",
    )

    # The term ended six weeks ago and the civil servant did not rejoin: the agency
    # reported it and the proposal waits in the compulsory-retirement queue.
    org = "Asian Development Bank, Bhutan Resident Mission"
    start = _day(d, 290) + timedelta(days=3)
    end = _day(d, 30) - timedelta(days=1)
    not_rejoined = Script(
        "secondment_not_rejoined",
        "did not rejoin at the end of the term; compulsory retirement proposed (13.10.6.4)",
        "E13103",
        "secondment_moe_chair",
        320,
        _nomination(
            d,
            320,
            org,
            "Project Analyst (Education)",
            "inside",
            "MOE/HRC/2025/05",
        ),  # fmt: skip
        [
            *_to_approved(d, 315, org, "inside", start, end, "RCSC/SEC/2025/22"),
            _relief(d, 290, "secondment_moe_hr", start, "MOE/HRD/REL/2025/04"),
            (
                100,
                "notify_end_of_term",
                "secondment_moe_hr",
                {"notified_on": d(100), "notice_letter_no": "MOE/HRD/SEC/2026/19"},
            ),
            (
                25,
                "report_not_rejoined",
                "secondment_moe_hr",
                {
                    "particulars": "Did not report on the first working day after the term; "
                    "two letters and calls unanswered. ADB confirms the contract ended."
                },
            ),
        ],
        process="secondment",
    )

    # Returned three weeks ago from the UN in Geneva after two years: placed at the same
    # level, with twice the period to serve (13.10.6.1).
    org = "World Health Organization headquarters, Geneva"
    start = _day(d, 540) + timedelta(days=3)
    end = _day(d, 13) - timedelta(days=1)
    returned = Script(
        "secondment_returned",
        "returned and placed; return service obligation on record (13.10.6.1)",
        "E13104",
        "chair",
        560,
        _nomination(
            d,
            560,
            org,
            "Technical Officer (Health Financing)",
            "outside",
            "MOH/HRC/2024/11",
        ),  # fmt: skip
        [
            *_to_approved(d, 555, org, "outside", start, end, "RCSC/SEC/2024/09"),
            _relief(d, 540, "hr", start, "MOH/HRD/REL/2024/06"),
            (
                285,
                "receive_appraisal",
                "hr",
                {
                    "received_on": d(285),
                    "appraisal_period": "First year of the secondment",
                    "appraisal_result": "Exceeds expectations (WHO ePMDS+)",
                },
            ),
            (
                80,
                "notify_end_of_term",
                "hr",
                {"notified_on": d(80), "notice_letter_no": "MOH/HRD/SEC/2026/41"},
            ),
            (
                35,
                "receive_appraisal",
                "hr",
                {
                    "received_on": d(35),
                    "appraisal_period": "Second year of the secondment",
                    "appraisal_result": "Fully meets expectations (WHO ePMDS+)",
                },
            ),
            (
                13,
                "rejoin",
                "hr",
                {
                    "rejoined_on": d(13),
                    "placement": "same_level",
                    "position_title": "Chief Programme Officer, Health Care Financing",
                    "lpc_submitted": True,
                    "retirement_benefits_drawn": False,
                },
            ),
        ],
        process="secondment",
    )
    return [nominated, notice_due, not_rejoined, returned]
