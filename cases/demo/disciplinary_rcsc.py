"""The demo's disciplinary cases where the RCSC is the disciplinary body (BCSR 19.3.6): an
EX3 officer's case at the committee meeting, and an ES2 specialist's case decided by the RCSC
and appealed to the Administrative Tribunal (19.3.7), the Tribunal's queue.
``cases.demo.seed`` drives them after the agency's cases of ``cases.demo.disciplinary``."""

from __future__ import annotations

from datetime import date

from cases.demo.disciplinary import notice
from cases.demo.kit import Day, Script


def scripts(d: Day, today: date) -> list[Script]:
    """The RCSC's cases; ``d(k)`` is the k-th working day before today (``d(0)`` is today)."""
    executive = Script(
        "executive",
        "EX3 officer; the RCSC is the disciplinary body (19.3.6)",
        "E1008",
        "rcsc",
        13,
        {
            "opened_by": "dc_initiative",
            "narration": "The respondent chaired the tender committee that awarded a school "
            "construction contract to a firm owned by a relative without declaring it.",
            "evidence": "Tender committee minutes; business licence records",
            "received_on": d(13),
        },
        [
            (11, "direct_enquiry", "rcsc", {"reasons": "Conflict of interest at EX level"}),
            notice(
                10,
                ["10"],
                "Undeclared conflict of interest with major implications.",
                d(9),
                by="rcsc",
            ),
            (
                6,
                "submit_explanation",
                "rcsc",
                {"explanation": "Received in writing: the relation is distant and was known."},
            ),
            (3, "convene_meeting", "rcsc", {"reasons": "The facts are on the record."}),
        ],
    )
    # An executive specialist's case decided by the RCSC (19.3.6) and appealed to the
    # Administrative Tribunal (19.3.7), whose decision is awaited: the Tribunal's queue.
    tribunal = Script(
        "tribunal",
        "ES2 specialist; under appeal to the Administrative Tribunal (19.3.7)",
        "E1009",
        "rcsc",
        30,
        {
            "opened_by": "dc_initiative",
            "narration": "The respondent was absent from the epidemiology unit for six "
            "working days during an outbreak response without sanctioned leave.",
            "evidence": "Attendance register; outbreak duty roster",
            "received_on": d(30),
        },
        [
            (28, "direct_enquiry", "rcsc", {"reasons": "Absence during an outbreak response"}),
            (
                27,
                "serve_notice",
                "rcsc",
                {
                    "charges": ["11"],
                    "particulars": "Absent from duty without sanctioned leave for six days.",
                    "prima_facie": True,
                    "notice_received_on": d(26),
                },
            ),
            (
                22,
                "submit_explanation",
                "rcsc",
                {"explanation": "Received in writing: the leave was applied for by phone."},
            ),
            (20, "convene_meeting", "rcsc", {"reasons": "The facts are on the record."}),
            (
                15,
                "record_decision",
                "rcsc",
                {
                    "meeting_on": d(15),
                    "hearing": "heard",
                    "members_present": ["rcsc"],
                    "findings": [{"charge": 1, "finding": "guilty", "penalty": "reprimand"}],
                    "decision_reasons": "The absence is established; no leave was sanctioned.",
                },
            ),
            (
                13,
                "endorse_decision",
                "rcsc",
                {"endorsed_on": d(13), "hrc_meeting_no": "RCSC/CM/2026/41"},
            ),
            (
                12,
                "communicate_decision",
                "rcsc",
                {
                    "letter_no": "RCSC/DA/2026/88",
                    "decision_received_on": d(12),
                    "copy_to_rcsc": True,
                },
            ),
            (
                5,
                "lodge_appeal",
                "rcsc",
                {
                    "grounds": ["19.12.2.2"],
                    "appeal_statement": "The leave was applied for; the finding ignores it.",
                    "appeal_lodged_on": d(5),
                    "appeal_received_on": d(5),
                },
            ),
        ],
    )
    return [executive, tribunal]
