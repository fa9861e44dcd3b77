"""Demo civil servants, history and cases for the eol process (see cases.demo.kit).

Five cases at different stages: an application the applicant submitted herself, awaiting
the HRC; a specialist's leave granted by the RCSC (8.12.16 i), not yet begun; a leave in its
eighth month, past the six months the position is protected (8.12.14; the next sweep
records it); a civil servant who did not rejoin, in the compulsory-retirement queue
(8.12.15); and a leave completed by rejoining. Four more civil servants have records that
the eligibility panel questions: on probation (8.12.4.1), an unserved LTT obligation, a
recent STT and a court case (7.7.7.8, 7.6.3.3, 8.12.4.4), most of the 24 months used and an
LTT pending completion (8.12.1, 7.7.8.1 iii), and a contract employee.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.demo.kit import Day, Script, servant
from workflows import roles as R

# The records that make the eligibility panel speak are placed relative to the day the
# demo is built (cases.demo.seed resolves SERVANTS and HISTORY with that day), so they stay
# true whenever it is built.


USERS: dict[str, tuple[str, tuple[str, ...], str | None, str | None]] = {
    "eol_applicant": ("Tandin Zangmo", (R.CIVIL_SERVANT,), None, "E8121"),
    "eol_moe_hr": ("Sonam Pelden", (R.HR_OFFICER,), "MOE", None),
    "eol_moe_chair": ("Tshewang Rinzin", (R.HRC_CHAIR,), "MOE", None),
}


def SERVANTS(today: date) -> list[dict[str, Any]]:  # noqa: N802
    def _ago(days: int) -> date:
        return today - timedelta(days=days)

    return [
        servant(
            "E8121",
            "Tandin Zangmo",
            date(1989, 3, 11),
            "Health Planning Officer",
            "P4",
            "MOH",
            date(2013, 2, 1),
        ),
        servant(
            "E8122",
            "Ugyen Tshomo",
            date(1984, 7, 2),
            "Chief Programme Officer",
            "P2",
            "MOH",
            date(2008, 1, 7),
        ),
        servant(
            "E8123",
            "Kezang Wangdi",
            date(1990, 10, 20),
            "Senior Administrative Assistant",
            "S2",
            "MOE",
            date(2012, 3, 1),
        ),
        servant(
            "E8124",
            "Dr. Sonam Dema",
            date(1976, 4, 9),
            "Specialist (Paediatrics)",
            "ES3",
            "MOH",
            date(2005, 8, 1),
        ),
        servant(
            "E8125",
            "Nidup Gyeltshen",
            date(1991, 1, 30),
            "Accounts Officer",
            "P5",
            "MOH",
            date(2016, 1, 4),
        ),
        servant(
            "E8126",
            "Choki Wangmo",
            date(1999, 6, 5),
            "Assistant Planning Officer",
            "P5",
            "MOH",
            _ago(200),
        ),
        servant(
            "E8127",
            "Rinchen Norbu",
            date(1985, 12, 1),
            "Procurement Officer",
            "P3",
            "MOH",
            date(2010, 1, 4),
            qualification="masters",
        ),
        servant(
            "E8128",
            "Pema Lhamo",
            date(1983, 9, 14),
            "Nursing Superintendent",
            "P4",
            "MOH",
            date(2007, 7, 1),
        ),
        servant(
            "E8129",
            "Karma Tenzin",
            date(1992, 2, 17),
            "ICT Officer (contract)",
            "P4",
            "MOH",
            date(2022, 3, 1),
            employment_type="contract",
            probation_end=None,
        ),
    ]


def HISTORY(today: date) -> list[dict[str, Any]]:  # noqa: N802
    def _ago(days: int) -> date:
        return today - timedelta(days=days)

    return [
        # Tandin Zangmo: an earlier EOL and an STT long past.
        {
            "eid": "E8121",
            "kind": "eol",
            "start_on": date(2019, 3, 1),
            "end_on": date(2019, 8, 31),
            "status": "completed",
            "purpose": "Family/personal problems (8.12.12.1)",
        },
        {
            "eid": "E8121",
            "kind": "stt",
            "start_on": date(2024, 5, 13),
            "end_on": date(2024, 5, 24),
            "status": "completed",
            "course": "Health financing, Bangkok",
        },
        # Rinchen Norbu: back from a master's with the obligation running (7.7.7.8), a recent
        # STT (7.6.3.3) and a court case related to official functions (8.12.4.4).
        {
            "eid": "E8127",
            "kind": "ltt",
            "start_on": date(2021, 8, 2),
            "end_on": date(2023, 7, 31),
            "status": "completed",
            "level": "masters",
            "mode": "full_time",
            "funding": "rgob",
            "course": "MSc Supply Chain Management",
            "institute": "University of Canberra, Australia",
            "ordinal": 1,
            "obligation_end": today + timedelta(days=420),
        },
        {
            "eid": "E8127",
            "kind": "stt",
            "start_on": _ago(75),
            "end_on": _ago(64),
            "status": "completed",
            "course": "Public procurement (e-GP), Kuala Lumpur",
        },
        {
            "eid": "E8127",
            "kind": "court_case",
            "start_on": _ago(150),
            "status": "pending",
            "official_functions": True,
            "note": "Thimphu Dzongkhag Court: tender award dispute (procurement of 2024)",
        },
        # Pema Lhamo: 22 months of EOL already taken, and a PG diploma pending completion.
        {
            "eid": "E8128",
            "kind": "eol",
            "start_on": date(2015, 1, 1),
            "end_on": date(2016, 10, 31),
            "status": "completed",
            "purpose": "Career break/sabbatical (8.12.12.3)",
        },
        {
            "eid": "E8128",
            "kind": "ltt",
            "start_on": date(2024, 1, 15),
            "end_on": date(2024, 12, 20),
            "status": "pending_completion",
            "level": "pg_diploma",
            "mode": "full_time",
            "funding": "rgob",
            "course": "PG Diploma in Nursing Education",
            "institute": "KGUMSB, Thimphu",
            "ordinal": 1,
        },
    ]


UNDERTAKING = {"undertaking_signed": True, "no_conflicting_employment": True}


def scripts(d: Day, today: date) -> list[Script]:
    """``d(k)`` is the k-th working day before today."""

    def ahead(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    applied = Script(
        "eol_applied",
        "applied by the civil servant herself; awaiting the HRC",
        "E8121",
        "eol_applicant",
        3,
        {
            "purpose": "family",
            "specific_reasons": "My mother in Trashigang had a stroke and needs full-time care "
            "until my brother returns from Australia in the spring.",
            "activity": "Caring for my mother at home in Rangjung, Trashigang.",
            "start_on": ahead(40),
            "end_on": ahead(40 + 150),
            **UNDERTAKING,
            "applied_on": d(3),
        },
        process="eol",
    )
    rcsc = Script(
        "eol_rcsc",
        "specialist's leave granted by the RCSC (8.12.16 i); not yet begun",
        "E8124",
        "hr",
        12,
        {
            "purpose": "professional",
            "specific_reasons": "Invited as visiting paediatric consultant to a WHO regional "
            "neonatal-care programme; the experience will feed the national newborn unit plan.",
            "activity": "WHO SEARO neonatal programme, New Delhi (unpaid visiting position).",
            "start_on": ahead(25),
            "end_on": ahead(25 + 120),
            **UNDERTAKING,
        },
        [
            (
                4,
                "approve",
                "rcsc",
                {
                    "decided_on": d(4),
                    "rcsc_decision_ref": "RCSC/HRMD/EOL/2026/041",
                    "conditions": "Report to the Ministry in writing on return.",
                },
            ),
        ],
        process="eol",
    )
    on_leave = Script(
        "eol_on_leave",
        "on leave past six months: the position is no longer protected (8.12.14)",
        "E8122",
        "hr",
        175,
        {
            "purpose": "career_break",
            "specific_reasons": "A sabbatical after eighteen years of service to complete a "
            "book on community health workers in Bhutan.",
            "start_on": d(160),
            "end_on": ahead(200),
            "in_government_quarter": True,
            **UNDERTAKING,
        },
        [
            (
                170,
                "approve",
                "chair",
                {"decided_on": d(170), "hrc_meeting_no": "MOH/HRC/2026/05"},
            ),
            (160, "commence", "hr", {"commenced_on": d(160), "quarter_vacated": True}),
        ],
        process="eol",
    )
    not_rejoined = Script(
        "eol_not_rejoined",
        "did not rejoin: compulsory retirement proposed (8.12.15)",
        "E8123",
        "eol_moe_hr",
        115,
        {
            "purpose": "family",
            "specific_reasons": "To settle my late father's estate and the family farm "
            "in Zhemgang.",
            "start_on": d(100),
            "end_on": d(40),
            **UNDERTAKING,
        },
        [
            (
                110,
                "approve",
                "eol_moe_chair",
                {"decided_on": d(110), "hrc_meeting_no": "MOESD/HRC/2026/11"},
            ),
            (100, "commence", "eol_moe_hr", {"commenced_on": d(100)}),
            (
                30,
                "report_not_rejoined",
                "eol_moe_hr",
                {"remarks": "No contact since the leave ended; two letters unanswered."},
            ),
        ],
        process="eol",
    )
    rejoined = Script(
        "eol_rejoined",
        "leave completed; rejoined in the same position",
        "E8125",
        "hr",
        95,
        {
            "purpose": "family",
            "specific_reasons": "To look after my wife and newborn twins after a difficult "
            "delivery.",
            "start_on": d(85),
            "end_on": d(45),
            **UNDERTAKING,
        },
        [
            (
                92,
                "approve",
                "secretary",
                {"decided_on": d(92), "hrc_meeting_no": "MOH/HRC/2026/09"},
            ),
            (85, "commence", "hr", {"commenced_on": d(85)}),
            (44, "rejoin", "hr", {"rejoined_on": d(44), "placement": "own_position"}),
        ],
        process="eol",
    )
    return [applied, rcsc, on_leave, not_rejoined, rejoined]
