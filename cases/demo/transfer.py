"""Demo civil servants, history and cases for the transfer process (BCSR chapter 13).

Five cases at different stages: a lateral transfer to an announced MOE vacancy awaiting
the receiving agency's decision (13.6.5); a planned transfer ordered and awaiting relief
(13.9.3); an officer relieved, with the joining time extended by the receiving agency and
the personal file overdue (13.4.17); one who did not report within the joining time, so
the salary is withheld and a disciplinary case opened (13.9.4, 13.12.2); and one joined
at the new station. Four more civil servants show the eligibility rules refusing: three
years in the position not complete (13.4.5.1), superannuation within a year (13.4.13), an
LTT period and obligation not yet served (13.4.5.2, 7.7.7.7), and a recent transfer on
request (13.4.10).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.demo.kit import Day, Script, servant
from workflows import roles as R

USERS: dict[str, tuple[str, tuple[str, ...], str | None, str | None]] = {
    "transfer_moe_hr": ("Dechen Pelmo", (R.HR_OFFICER,), "MOE", None),
    "transfer_moe_chair": ("Kezang Jamtsho", (R.HRC_CHAIR,), "MOE", None),
    "transfer_thimphu_hr": ("Phurpa Wangmo", (R.HR_OFFICER,), "THIMPHU", None),
    "transfer_applicant": ("Tashi Dema", (R.CIVIL_SERVANT,), None, "E13401"),
}


def SERVANTS(today: date) -> list[dict[str, Any]]:  # noqa: N802
    # E13407 superannuates (60, PMC: 15.3.1) about seven months after the demo's day.
    soon = today + timedelta(days=220)
    return [
        servant(
            "E13401",
            "Tashi Dema",
            date(1988, 4, 2),
            "Planning Officer",
            "P4",
            "MOH",
            date(2013, 1, 2),
            place_of_posting="Thimphu",
            position_since=date(2016, 2, 1),
        ),
        servant(
            "E13402",
            "Sangay Wangdi",
            date(1990, 8, 19),
            "Administrative Assistant",
            "S2",
            "MOH",
            date(2014, 3, 3),
            place_of_posting="Thimphu",
        ),
        servant(
            "E13403",
            "Dorji Wangmo",
            date(1992, 11, 7),
            "Staff Nurse",
            "P5",
            "MOH",
            date(2016, 1, 4),
            place_of_posting="Thimphu",
            position_since=date(2019, 1, 1),
        ),
        servant(
            "E13404",
            "Karma Yangzom",
            date(1989, 5, 23),
            "Education Assistant",
            "S3",
            "MOE",
            date(2012, 2, 1),
            place_of_posting="Thimphu",
            position_since=date(2015, 2, 2),
        ),
        servant(
            "E13405",
            "Dr. Pema Lhamo",
            date(1986, 1, 30),
            "Medical Officer",
            "P3",
            "MOH",
            date(2014, 7, 1),
            place_of_posting="Thimphu",
            position_since=date(2019, 7, 1),
        ),
        # Ineligible: in the present position only since September 2025 (13.4.5.1).
        servant(
            "E13406",
            "Kinley Wangchuk",
            date(1991, 3, 12),
            "Teacher",
            "P4",
            "MOE",
            date(2015, 2, 2),
            place_of_posting="Paro",
            position_since=date(2025, 9, 1),
        ),
        # Ineligible: superannuates (60, PMC) within the year (13.4.13).
        servant(
            "E13407",
            "Ap Namgay Tenzin",
            date(soon.year - 60, soon.month, min(soon.day, 28)),
            "Chief Program Officer",
            "P1",
            "MOH",
            date(1992, 7, 1),
            place_of_posting="Thimphu",
            position_since=date(2015, 1, 1),
        ),
        # Ineligible: back from a two-year master's in August 2025 (13.4.5.2, 7.7.7.7).
        servant(
            "E13408",
            "Sonam Choki",
            date(1990, 10, 10),
            "Epidemiologist",
            "P3",
            "MOH",
            date(2013, 1, 2),
            place_of_posting="Thimphu",
            position_since=date(2017, 1, 2),
        ),
        # Ineligible: transferred on request, joined Mongar on 2026-03-02 (13.4.10, 13.4.5.1).
        servant(
            "E13409",
            "Jamyang Dorji",
            date(1993, 6, 6),
            "Laboratory Technician",
            "S1",
            "MOH",
            date(2015, 3, 2),
            place_of_posting="Mongar",
            position_since=date(2026, 3, 2),
        ),
    ]


HISTORY: list[dict[str, Any]] = [
    {
        "eid": "E13408",
        "kind": "ltt",
        "start_on": date(2023, 8, 1),
        "end_on": date(2025, 7, 31),
        "status": "completed",
        "level": "masters",
        "mode": "full_time",
        "funding": "rgob",
        "course": "MSc Epidemiology",
        "institute": "Mahidol University, Thailand",
        "ordinal": 1,
        "reported_on": "2025-08-11",
        "obligation_end": "2029-08-12",
    },
    {
        "eid": "E13409",
        "kind": "transfer",
        "start_on": date(2026, 3, 2),
        "status": "completed",
        "transfer_kind": "on_request",
        "from_agency": "MOH",
        "to_agency": "MOH",
        "from_station": "Thimphu",
        "to_station": "Mongar",
    },
]


def scripts(d: Day, today: date) -> list[Script]:
    """``d(k)`` is the k-th working day before today."""

    def ahead(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    lateral = Script(
        "transfer_lateral",
        "lateral transfer to an MOE vacancy; awaiting the receiving agency (13.6.5)",
        "E13401",
        "transfer_applicant",
        12,
        {
            "transfer_kind": "lateral",
            "receiving_agency": "MOE",
            "new_position": "Planning Officer, Policy and Planning Division",
            "new_station": "Thimphu",
            "effective_on": ahead(45),
            "distance_km": "0",
            "change_of_residence": False,
            "reasons": "Nine years in health planning; the MOE vacancy matches my "
            "experience in education-health programmes.",
            "vacancy_ref": "MOE/HRD/VAC/2026/31",
            "vacancy_announced_on": d(25),
            "applied_on": d(12),
        },
        [
            (
                10,
                "recommend_noc",
                "hr",
                {"noc_no": "MOH/HRD/NOC/2026/44", "noc_recommended_on": d(10)},
            ),
            (
                8,
                "endorse_noc",
                "chair",
                {"noc_endorsed_on": d(8), "hrc_meeting_no": "MOH/HRC/2026/21"},
            ),
        ],
        process="transfer",
    )
    ordered = Script(
        "transfer_ordered",
        "planned transfer to DOPH, Gelephu; ordered, awaiting relief (13.9.3)",
        "E13402",
        "hr",
        140,
        {
            "transfer_kind": "planned",
            "receiving_agency": "DOPH",
            "new_position": "Administrative Assistant",
            "new_station": "Gelephu",
            "effective_on": ahead(20),
            "distance_km": "245",
            "change_of_residence": True,
            "reasons": "Annual rotation under the MOH transfer guideline; ten years in "
            "Thimphu (13.1.3).",
        },
        [
            (
                138,
                "agree_list",
                "hr",
                {
                    "agreed_on": d(138),
                    "list_ref": "MOH/HRD/TL/2027-1",
                    "working_agency_consulted": True,
                },
            ),
            (5, "issue_order", "chair", {"order_no": "MOH/HRD/TO/2026/77", "order_date": d(5)}),
        ],
        process="transfer",
    )
    file_overdue = Script(
        "transfer_file_overdue",
        "relieved; joining extended by Thimphu Dzongkhag; personal file overdue (13.4.17)",
        "E13403",
        "hr",
        40,
        {
            "transfer_kind": "on_request",
            "receiving_agency": "THIMPHU",
            "parent_agency": "MOH",
            "new_position": "Staff Nurse, Lingzhi BHU",
            "new_station": "Lingzhi",
            "effective_on": d(15),
            "distance_km": "45",
            "change_of_residence": True,
            "reasons": "Request to serve in a remote health unit.",
        },
        [
            (
                38,
                "recommend_request",
                "chair",
                {
                    "recommended_on": d(38),
                    "hrc_meeting_no": "MOH/HRC/2026/18",
                    "recommendation": "Recommended; the BHU has been vacant for a year.",
                },
            ),
            (30, "issue_order", "chair", {"order_no": "MOH/HRD/TO/2026/69", "order_date": d(30)}),
            (
                14,
                "relieve",
                "hr",
                {"relieved_on": d(14), "handing_over_confirmed": True, "travel_days": "1"},
            ),
            (
                10,
                "extend_joining",
                "transfer_thimphu_hr",
                {
                    "joining_due_on": ahead(7),
                    "extension_reasons": "Snow on the Lingzhi trail; reporting approved once "
                    "the pass opens.",
                },
            ),
        ],
        process="transfer",
    )
    withheld = Script(
        "transfer_withheld",
        "not reported at Trashigang; salary withheld, disciplinary case opened (13.9.4, 13.12.2)",
        "E13404",
        "transfer_moe_hr",
        170,
        {
            "transfer_kind": "planned",
            "receiving_agency": "MOE",
            "new_position": "Education Assistant, Trashigang Middle Secondary School",
            "new_station": "Trashigang",
            "effective_on": d(25),
            "distance_km": "550",
            "change_of_residence": True,
            "reasons": "Academic-year deployment under the MOE transfer guideline (13.4.9).",
        },
        [
            (
                168,
                "agree_list",
                "transfer_moe_hr",
                {
                    "agreed_on": d(168),
                    "list_ref": "MOE/HRD/TL/2026-2",
                    "working_agency_consulted": True,
                },
            ),
            (
                40,
                "issue_order",
                "transfer_moe_chair",
                {"order_no": "MOE/HRD/TO/2026/212", "order_date": d(40)},
            ),
            (
                30,
                "relieve",
                "transfer_moe_hr",
                {"relieved_on": d(30), "handing_over_confirmed": True, "travel_days": "2"},
            ),
            (
                28,
                "send_personal_file",
                "transfer_moe_hr",
                {"personal_file_sent_on": d(28), "dispatch_ref": "MOE/HRD/D/1180"},
            ),
            (
                20,
                "withhold_salary",
                "transfer_moe_hr",
                {"withholding_order_no": "MOE/HRD/SW/2026/6"},
            ),
            (
                15,
                "refer_for_action",
                "transfer_moe_chair",
                {
                    "conduct": "not_reported",
                    "particulars": "The school reports that she has not joined; two letters "
                    "to her Thimphu address went unanswered.",
                },
            ),
        ],
        process="transfer",
    )
    joined = Script(
        "transfer_joined",
        "transfer on request to Mongar; joined",
        "E13405",
        "hr",
        60,
        {
            "transfer_kind": "on_request",
            "receiving_agency": "MOH",
            "new_position": "Medical Officer, Eastern Regional Referral Hospital",
            "new_station": "Mongar",
            "effective_on": d(30),
            "distance_km": "450",
            "change_of_residence": True,
            "reasons": "Request to join the spouse posted at Mongar (13.4.15).",
        },
        [
            (
                58,
                "recommend_request",
                "chair",
                {
                    "recommended_on": d(58),
                    "hrc_meeting_no": "MOH/HRC/2026/15",
                    "recommendation": "Recommended; the regional hospital needs a medical officer.",
                },
            ),
            (50, "issue_order", "chair", {"order_no": "MOH/HRD/TO/2026/58", "order_date": d(50)}),
            (
                35,
                "relieve",
                "hr",
                {"relieved_on": d(35), "handing_over_confirmed": True, "travel_days": "3"},
            ),
            (
                31,
                "send_personal_file",
                "hr",
                {"personal_file_sent_on": d(31), "dispatch_ref": "MOH/HRD/D/2201"},
            ),
            (29, "report_joining", "hr", {"reported_on": d(29)}),
        ],
        process="transfer",
    )
    return [lateral, ordered, file_overdue, withheld, joined]
