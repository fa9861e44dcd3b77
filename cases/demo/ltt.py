"""Demo civil servants, history and cases for long-term training (BCSR 7.7, 8.11; see
cases.demo.kit).

Five cases at different stages: an application awaiting the HRC's recommendation, a
teacher's in-country master's approved by MoESD awaiting the pre-departure briefing, an
officer on study leave (with an approved extension), an officer who did not report within
21 days of the course end (in the compulsory-retirement queue, 7.7.8.1 v), and an LTT
completed with its service obligation on record. Two more civil servants show the
eligibility rules refusing: one over 45 with a rating below Good, one whose drug test is not
cleared and whose earlier LTT is reported but pending completion.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.demo.kit import Day, Script, Step, servant
from workflows import roles as R

USERS: dict[str, tuple[str, tuple[str, ...], str | None, str | None]] = {
    "ltt_moe_hr": ("Yangchen Lhamo", (R.HR_OFFICER,), "MOE", None),
    "ltt_moe_chair": ("Ugyen Namgyel", (R.HRC_CHAIR,), "MOE", None),
    "ltt_applicant": ("Tandin Zangmo", (R.CIVIL_SERVANT,), None, "E7701"),
}


SERVANTS: list[dict[str, Any]] = [
    servant(
        "E7701",
        "Tandin Zangmo",
        date(1991, 4, 9),
        "Planning Officer",
        "P4",
        "MOH",
        date(2016, 1, 4),
        occupational_group="Planning",
    ),
    servant(
        "E7702",
        "Sonam Yangchen",
        date(1989, 8, 30),
        "Teacher",
        "P3",
        "MOE",
        date(2013, 2, 11),
        occupational_group="Teaching",
    ),
    servant(
        "E7703",
        "Kinzang Wangdi",
        date(1990, 11, 2),
        "Epidemiologist",
        "P3",
        "MOH",
        date(2014, 1, 6),
        occupational_group="Health",
    ),
    servant(
        "E7704",
        "Pema Wangchuk",
        date(1988, 3, 17),
        "Engineer",
        "P4",
        "MOH",
        date(2012, 7, 2),
        occupational_group="Engineering",
    ),
    servant(
        "E7705",
        "Dechen Pelden",
        date(1987, 6, 21),
        "Pharmacist",
        "P3",
        "MOH",
        date(2011, 1, 3),
        occupational_group="Health",
    ),
    # Ineligible (7.7.4.3, 7.7.4.8): over 45 and rated below Good.
    servant(
        "E7706",
        "Ugyen Tshomo",
        date(1972, 2, 14),
        "Chief Program Officer",
        "P1",
        "MOH",
        date(1998, 7, 1),
        performance_rating="needs_improvement",
    ),
    # Ineligible (7.7.4.7, 7.7.8.1 iii): drug test not cleared; an LTT pending completion.
    servant(
        "E7707",
        "Jamyang Dorji",
        date(1992, 9, 9),
        "ICT Officer",
        "P4",
        "MOH",
        date(2017, 1, 2),
        drug_test="not_cleared",
    ),
]

HISTORY: list[dict[str, Any]] = [
    {
        "eid": "E7701",
        "kind": "stt",
        "start_on": "2024-03-04",
        "end_on": "2024-03-22",
        "status": "completed",
        "course": "Results-based planning (RIM, Phuentsholing)",
    },
    {
        "eid": "E7707",
        "kind": "ltt",
        "start_on": "2021-08-02",
        "end_on": "2023-07-31",
        "status": "pending_completion",
        "level": "masters",
        "mode": "full_time",
        "funding": "rgob",
        "course": "MSc Computer Science",
        "institute": "Asian Institute of Technology, Thailand",
        "ordinal": 1,
        "employment_cost": "1100000",
        "scholarship_cost": "2400000",
        "obligation_end": "2027-08-10",
    },
    {
        "eid": "E7707",
        "kind": "service_obligation",
        "start_on": "2023-08-10",
        "end_on": "2027-08-10",
        "status": "running",
        "source": "LTT no. 1: MSc Computer Science (x2, BCSR 7.7.7.3)",
        "obligation_end": "2027-08-10",
    },
]

DOCUMENTS = ["admission", "course_details", "security_clearance", "audit_clearance"]


def _application(k: int, d: Day, start: date, end: date, **over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "course": "Master of Public Health",
        "institute": "Mahidol University, Bangkok",
        "country": "thailand",
        "level": "masters",
        "mode": "full_time",
        "funding": "rgob",
        "start_on": start.isoformat(),
        "end_on": end.isoformat(),
        "employment_cost": "1250000",
        "scholarship_cost": "2600000",
        "gross_pay": "58000",
        "documents": [*DOCUMENTS, "medical_fitness", "cv_checked"],
        "relevant_to_work": True,
        "applied_on": d(k),
    }
    values.update(over)
    return values


def _day(d: Day, k: int) -> date:
    return date.fromisoformat(d(k))


def _through_briefing(
    d: Day, k_open: int, approver: str, hrc: str, recorder: str, meeting: str, order: str
) -> list[Step]:
    """Recommendation, approval and the pre-departure briefing, a few days apart."""
    return [
        (
            k_open - 5,
            "recommend",
            hrc,
            {"hrc_meeting_no": meeting, "recommended_on": d(k_open - 5)},
        ),
        (
            k_open - 12,
            "approve",
            approver,
            {"approval_order_no": order, "approved_on": d(k_open - 12)},
        ),
        (
            k_open - 25,
            "brief",
            approver if approver == "rcsc" else recorder,
            {
                "pdb_attended_on": d(k_open - 25),
                "undertaking_signed_on": d(k_open - 25),
                "guarantor_name": "Karma Tenzin",
                "guarantor_cid": "10705001234",
            },
        ),
    ]


def scripts(d: Day, today: date) -> list[Script]:
    def ahead(days: int) -> date:
        return today + timedelta(days=days)

    applied = Script(
        "ltt_applied",
        "applied for a master's in Australia; awaiting the HRC's recommendation",
        "E7701",
        "ltt_applicant",
        3,
        _application(
            3,
            d,
            ahead(150),
            ahead(150 + 729),
            course="Master of Health Economics",
            institute="University of Queensland, Brisbane",
            country="australia",
            scholarship_cost="4100000",
        ),
        process="ltt",
    )
    approved = Script(
        "ltt_approved",
        "teacher's in-country master's approved by MoESD; awaiting the pre-departure briefing",
        "E7702",
        "ltt_moe_hr",
        30,
        _application(
            30,
            d,
            ahead(70),
            ahead(70 + 729),
            course="Master of Education in Mathematics",
            institute="Paro College of Education",
            country="bhutan",
            scholarship_cost="650000",
            gross_pay="52000",
        ),
        [
            (
                24,
                "recommend",
                "ltt_moe_chair",
                {"hrc_meeting_no": "MoESD/HRC/2026/31", "recommended_on": d(24)},
            ),
            (
                10,
                "approve",
                "ltt_moe_chair",
                {"approval_order_no": "MoESD/HRD/LTT/2026/112", "approved_on": d(10)},
            ),
        ],
        process="ltt",
    )

    k = 230
    start = _day(d, 180)
    studying = Script(
        "ltt_studying",
        "on study leave in Thailand; course extended by the RCSC",
        "E7703",
        "hr",
        k,
        _application(k, d, start, ahead(400)),
        [
            *_through_briefing(d, k, "rcsc", "chair", "hr", "MOH/HRC/2025/40", "RCSC/LTT/2025/310"),
            (185, "grant_preparatory_leave", "hr", {"granted_on": d(185)}),
            (
                180,
                "report_joining",
                "hr",
                {"commenced_on": d(180), "joining_report_on": d(178)},
            ),
            (
                12,
                "extend_course",
                "rcsc",
                {
                    "end_on": ahead(520).isoformat(),
                    "extension_letter_no": "RCSC/LTT/EXT/2026/17",
                    "extension_reasons": "Thesis field work extended by the university",
                },
            ),
        ],
        process="ltt",
    )

    k = 580
    start = _day(d, 520)
    not_reported = Script(
        "ltt_not_reported",
        "course ended; not reported within 21 days: compulsory retirement proposed",
        "E7704",
        "hr",
        k,
        _application(
            k,
            d,
            start,
            _day(d, 45),
            course="MEng Structural Engineering",
            institute="Asian Institute of Technology, Pathum Thani",
            scholarship_cost="2900000",
            gross_pay="61000",
        ),
        [
            *_through_briefing(d, k, "rcsc", "chair", "hr", "MOH/HRC/2024/12", "RCSC/LTT/2024/77"),
            (525, "grant_preparatory_leave", "hr", {"granted_on": d(525)}),
            (
                520,
                "report_joining",
                "hr",
                {"commenced_on": d(520), "joining_report_on": d(519)},
            ),
            (
                5,
                "propose_retirement",
                "hr",
                {
                    "remarks": "The course ended as per the LoA; the officer has neither "
                    "reported nor sought an extension. Letters to the guarantor unanswered."
                },
            ),
        ],
        process="ltt",
    )

    k = 700
    start = _day(d, 660)
    completed = Script(
        "ltt_completed",
        "master's completed in India; service obligation running",
        "E7705",
        "hr",
        k,
        _application(
            k,
            d,
            start,
            _day(d, 160),
            course="M.Pharm Pharmacology",
            institute="Manipal Academy of Higher Education, Manipal",
            country="india",
            scholarship_cost="1800000",
            gross_pay="55000",
        ),
        [
            *_through_briefing(d, k, "rcsc", "chair", "hr", "MOH/HRC/2023/08", "RCSC/LTT/2023/51"),
            (
                660,
                "report_joining",
                "hr",
                {"commenced_on": d(660), "joining_report_on": d(658)},
            ),
            (
                150,
                "report_back",
                "rcsc",
                {
                    "reported_on": d(150),
                    "outcome": "completed",
                    "documents": ["training_report", "certificate"],
                    "remarks": "Consolidated transcript verified.",
                },
            ),
        ],
        process="ltt",
    )
    return [applied, approved, studying, not_reported, completed]
