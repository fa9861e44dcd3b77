"""The disciplinary cases of the demo (BCSR 2023 chapter 19) before an agency's committee,
one per stage: received, in ADR, explanation overdue, under investigation, awaiting
endorsement, decided with the appeal window open, closed with penalties, and suspended; and
the steps they are written with (``notice``, the committee's investigation and decision, a
written complaint). The cases the RCSC handles as the disciplinary body (19.3.6) are in
``cases.demo.disciplinary_rcsc``. ``cases.demo.seed`` drives them with the other processes'
scripts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cases.demo.kit import Day, Script, Step
from cases.demo.papers import Paper

# The Disciplinary Committee of the demo's agency, present at each decision (19.3.4): its
# members' accounts (19.3.5; a case on an earlier version types their names, seed._not_after).
MEMBERS = ["chair", "dc", "dc2", "secretary"]


def notice(k: int, charges: list[str], particulars: str, received_on: str, by: str = "dc") -> Step:
    """The committee serves the charges in writing, prima facie established (19.8.2.1(i))."""
    return (
        k,
        "serve_notice",
        by,
        {
            "charges": charges,
            "particulars": particulars,
            "prima_facie": True,
            "notice_received_on": received_on,
        },
    )


def _investigation(d: Day, k: int, investigated_by: str, investigators: list[str]) -> Step:
    """The committee directs the investigation, dated and received the day of the step
    (19.8.2.2)."""
    return (
        k,
        "order_investigation",
        "dc",
        {
            "investigated_by": investigated_by,
            "investigators": investigators,
            "directive_on": d(k),
            "directive_received_on": d(k),
        },
    )


def _decision(
    d: Day, k: int, findings: list[dict[str, Any]], reasons: str, term: str | None = None
) -> Step:
    """The committee's decision at a meeting where the respondent was heard, with the demo's
    members present (19.8.2.4) and the penalty's term where one runs (19.14.6.1)."""
    fields: dict[str, Any] = {
        "meeting_on": d(k),
        "hearing": "heard",
        "members_present": MEMBERS,
        "findings": findings,
    }
    if term is not None:
        fields["penalty_term_ends_on"] = term
    return (k, "record_decision", "dc", {**fields, "decision_reasons": reasons})


def _complaint(
    name: str,
    address: str,
    respondent_address: str,
    narration: str,
    evidence: str,
    received_on: str,
) -> dict[str, Any]:
    return {
        "opened_by": "written_complaint",
        "complainant_name": name,
        "complainant_address": address,
        "respondent_address": respondent_address,
        "narration": narration,
        "evidence": evidence,
        "received_on": received_on,
    }


def scripts(d: Day, today: date) -> list[Script]:
    """The demo's cases; ``d(k)`` is the k-th working day before today (``d(0)`` is today)."""
    term = (today + timedelta(days=730)).isoformat()
    # Closed a year ago: two minor penalties, upheld on appeal (Negative List, 19.14.3.2).
    k = 270
    closed = Script(
        "closed",
        "closed with penalties on record (appeal upheld)",
        "E1006",
        "hr",
        k,
        _complaint(
            "Dawa Gyeltshen (Chief Store Officer)",
            "Ministry of Health, Thimphu",
            "Store Section, Ministry of Health, Thimphu",
            "The annual stock verification found medical consumables worth Nu 38,400 issued "
            "without requisitions and the stock ledger not maintained for four months.",
            "Stock verification report; issue vouchers",
            d(k),
        ),
        [
            (k - 2, "direct_enquiry", "chair", {"reasons": "Loss to the government; not for ADR"}),
            notice(
                k - 3,
                ["20", "33"],
                "Consumables issued without requisitions; no ledger kept.",
                d(k - 4),
            ),
            (
                k - 7,
                "submit_explanation",
                "respondent",
                {
                    "explanation": "The ledger fell behind during the vaccination campaign; the "
                    "issues were made on verbal instructions."
                },
            ),
            _investigation(d, k - 9, "member_secretary", ["secretary"]),
            (k - 11, "commence_investigation", "secretary", {"commenced_on": d(k - 11)}),
            (
                k - 18,
                "complete_investigation",
                "secretary",
                {"completed_on": d(k - 18), "respondent_participated": True},
            ),
            (
                k - 20,
                "submit_report",
                "secretary",
                {
                    "report_findings": "Issues without requisition confirmed; no personal gain.",
                    "report_received_on": d(k - 20),
                    "copy_to_respondent_on": d(k - 20),
                },
            ),
            _decision(
                d,
                k - 30,
                [
                    {"charge": 1, "finding": "guilty", "penalty": "fine"},
                    {"charge": 2, "finding": "guilty", "penalty": "increment_deduction_minor"},
                ],
                "Both charges proven; no personal gain: minor penalties.",
                term=term,
            ),
            (
                k - 32,
                "endorse_decision",
                "chair",
                {"endorsed_on": d(k - 32), "hrc_meeting_no": "MOH/HRC/2025/14"},
            ),
            (
                k - 34,
                "communicate_decision",
                "chair",
                {
                    "letter_no": "MOH/HRD/DA/112",
                    "decision_received_on": d(k - 35),
                    "copy_to_rcsc": True,
                },
            ),
            (
                k - 40,
                "lodge_appeal",
                "respondent",
                {
                    "grounds": ["19.12.2.3"],
                    "appeal_statement": "The campaign workload was not considered in the penalty.",
                    "appeal_lodged_on": d(k - 40),
                    "appeal_received_on": d(k - 40),
                },
            ),
            (
                k - 55,
                "decide_appeal",
                "rcsc",
                {
                    "appeal_outcome": "upheld",
                    "due_process_examined": True,
                    "due_process_followed": True,
                    "appeal_reasons": "Due process was followed and the workload was weighed.",
                },
            ),
        ],
        papers=(
            Paper(
                "open",
                "hr",
                "complaint_evidence",
                "stock verification report.pdf",
                "Annual stock verification: medical consumables",
                "Stock Verification Committee, Ministry of Health",
                (
                    "Consumables worth Nu 38,400 were issued from the central store without "
                    "requisitions between March and June.",
                    "The stock ledger was not maintained for four months; issue vouchers "
                    "were found unsigned.",
                ),
            ),
            Paper(
                "submit_report",
                "secretary",
                "investigation_report",
                "investigation report.pdf",
                "Report of the investigation (19.8.2.2)",
                "Member Secretary, Disciplinary Committee",
                (
                    "The issues without requisition are confirmed by the vouchers and the "
                    "statements of three store assistants.",
                    "No personal gain was found: the consumables reached the vaccination "
                    "campaign's outreach clinics.",
                ),
            ),
            Paper(
                "lodge_appeal",
                "respondent",
                "appeal",
                "appeal memorandum.pdf",
                "Memorandum of appeal (19.12.2.3)",
                "Dawa Gyeltshen, Chief Store Officer",
                (
                    "The penalty does not weigh the workload of the vaccination campaign, "
                    "during which the store served forty outreach clinics.",
                ),
            ),
        ),
    )
    decided = Script(
        "decided",
        "decided; appeal window open",
        "E1006",
        "hr",
        40,
        _complaint(
            "Dawa Gyeltshen (Chief Store Officer)",
            "Ministry of Health, Thimphu",
            "Store Section, Ministry of Health, Thimphu",
            "Absent from the store for nine working days without leave during the stock "
            "transfer to the new warehouse.",
            "Attendance register; movement register",
            d(40),
        ),
        [
            (38, "direct_enquiry", "chair", {"reasons": "Repeated misconduct; not for ADR"}),
            notice(37, ["15"], "Unauthorised absence for nine working days.", d(36)),
            (
                33,
                "submit_explanation",
                "respondent",
                {"explanation": "I was attending to a sick parent in Trashigang."},
            ),
            (30, "convene_meeting", "dc", {"reasons": "The absence is admitted; facts simple."}),
            _decision(
                d,
                12,
                [{"charge": 1, "finding": "guilty", "penalty": "withhold_promotion"}],
                "Absence admitted; leave could have been sought; a second case within a year.",
                term=term,
            ),
            (
                8,
                "endorse_decision",
                "chair",
                {"endorsed_on": d(8), "hrc_meeting_no": "MOH/HRC/2026/09"},
            ),
            (
                5,
                "communicate_decision",
                "chair",
                {"letter_no": "MOH/HRD/DA/147", "decision_received_on": d(4), "copy_to_rcsc": True},
            ),
        ],
    )
    received = Script(
        "received",
        "just received",
        "E1001",
        "hr",
        0,
        _complaint(
            "Kencho Wangdi",
            "Changzamtog, Thimphu",
            "Motithang, Thimphu",
            "The respondent used the ministry's pool vehicle for a private trip to Paro on a "
            "Sunday and submitted a fuel claim for it.",
            "Vehicle log book; fuel claim form",
            d(0),
        ),
        papers=(
            Paper(
                "open",
                "hr",
                "complaint_evidence",
                "vehicle log book.pdf",
                "Pool vehicle log book, BP-1-A2231",
                "Transport Section, Ministry of Health",
                (
                    "Sunday: the vehicle left Thimphu at 08:10 for Paro and returned at "
                    "19:40; no duty order was issued for the trip.",
                    "Fuel claim of Nu 1,850 submitted for the same day.",
                ),
            ),
        ),
    )
    adr = Script(
        "adr",
        "in ADR (mediation)",
        "E1002",
        "hr",
        6,
        _complaint(
            "Ap Tshewang",
            "Kawajangsa, Thimphu",
            "Babesa, Thimphu",
            "The respondent was discourteous to a patient's family at the records counter.",
            "Written complaint with two witnesses' names",
            d(6),
        ),
        [
            (
                4,
                "refer_to_adr",
                "chair",
                {"adr_method": "mediation", "adr_officer": "Tandin Wangmo, Member Secretary"},
            )
        ],
    )
    overdue = Script(
        "overdue",
        "notice served; explanation overdue",
        "E1003",
        "dc",
        14,
        {
            "opened_by": "agency",
            "narration": "The internal audit found three purchases of medical equipment split "
            "below the tender threshold in the same quarter.",
            "evidence": "Internal audit memo IA/2026/31",
            "received_on": d(14),
        },
        [
            (12, "direct_enquiry", "chair", {"reasons": "Procurement breach; not for ADR"}),
            notice(
                10, ["13"], "Split purchases to avoid open tendering (Procurement Rules).", d(9)
            ),
        ],
    )
    investigating = Script(
        "investigating",
        "under investigation (Investigation Committee)",
        "E1004",
        "hr",
        17,
        _complaint(
            "Royal Audit Authority, Thimphu",
            "Royal Audit Authority, Kawajangsa, Thimphu",
            "Finance Division, Ministry of Health, Thimphu",
            "Travel claims of Nu 64,200 for workshops the respondent did not attend.",
            "Audit memo RAA/MOH/2026/7; workshop attendance sheets",
            d(17),
        ),
        [
            (15, "direct_enquiry", "chair", {"reasons": "Alleged fictitious claims"}),
            notice(14, ["12"], "Fictitious travel claims, Nu 64,200.", d(13)),
            (
                10,
                "submit_explanation",
                "secretary",
                {
                    "explanation": "The claims were advances adjusted late, not fictitious.",
                    "explanation_evidence": "Advance adjustment statements",
                },
            ),
            _investigation(d, 7, "investigation_committee", ["investigator", "dc2"]),
            (4, "commence_investigation", "investigator", {"commenced_on": d(4)}),
        ],
        papers=(
            Paper(
                "open",
                "hr",
                "complaint_evidence",
                "audit memo RAA-MOH-2026-7.pdf",
                "Audit memo RAA/MOH/2026/7: travel claims",
                "Royal Audit Authority",
                (
                    "Travel claims of Nu 64,200 were paid for three workshops whose "
                    "attendance sheets do not bear the claimant's signature.",
                ),
            ),
        ),
    )
    endorsement = Script(
        "endorsement",
        "DC decided; awaiting HRC endorsement",
        "E1005",
        "hr",
        34,
        _complaint(
            "Transport Section Head",
            "Ministry of Health, Thimphu",
            "Taba, Thimphu",
            "The respondent reported for duty under the influence of alcohol and drove a "
            "ministry vehicle to Punakha without a movement order.",
            "Transport section report; movement register",
            d(34),
        ),
        [
            (32, "direct_enquiry", "chair", {}),
            notice(
                31,
                ["18", "3"],
                "Drinking on duty; government vehicle used without an order.",
                d(30),
            ),
            (
                27,
                "submit_explanation",
                "dc",
                {"explanation": "Received in writing: the trip was an emergency referral."},
            ),
            _investigation(d, 24, "member_secretary", ["secretary"]),
            (22, "commence_investigation", "secretary", {"commenced_on": d(22)}),
            (
                15,
                "complete_investigation",
                "secretary",
                {"completed_on": d(15), "respondent_participated": True},
            ),
            # Two working days late: the deadline row shows it (19.8.2.2(x)).
            (
                8,
                "submit_report",
                "secretary",
                {
                    "report_findings": "Drinking on duty established; the trip was an emergency "
                    "referral authorised by the duty doctor.",
                    "report_received_on": d(8),
                    "copy_to_respondent_on": d(8),
                },
            ),
            _decision(
                d,
                2,
                [
                    {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
                    {"charge": 2, "finding": "not_guilty", "penalty": None},
                ],
                "Drinking on duty proven; the vehicle use was authorised.",
            ),
        ],
    )
    suspended = Script(
        "suspended",
        "suspended; the investigation has not commenced in time (19.8.2.2(v))",
        "E1007",
        "hr",
        18,
        _complaint(
            "Royal Audit Authority, Thimphu",
            "Royal Audit Authority, Kawajangsa, Thimphu",
            "Accounts Section, Ministry of Health, Thimphu",
            "Duplicate payments of Nu 412,000 to two suppliers released by the respondent.",
            "Bank statements; payment vouchers",
            d(18),
        ),
        [
            (16, "direct_enquiry", "chair", {"reasons": "Serious financial irregularity"}),
            notice(15, ["32"], "Duplicate payments of Nu 412,000.", d(15)),
            (
                14,
                "hold_pre_suspension_hearing",
                "dc",
                {
                    "pre_suspension_hearing_on": d(14),
                    "hearing_record": "The respondent asked to stay in office to reconcile the "
                    "accounts.",
                },
            ),
            (
                13,
                "suspend",
                "chair",
                {
                    "suspension_grounds": ["19.9.5.1", "19.9.5.4"],
                    "office_order_no": "MOH/HRD/SUSP/03",
                    "suspended_from": d(13),
                    "gross_pay": "48500",
                    "professional_allowance": "5000",
                    "rcsc_notified": True,
                },
            ),
            (
                12,
                "submit_explanation",
                "dc",
                {"explanation": "Received in writing: the duplicates were a system error."},
            ),
            _investigation(d, 9, "investigation_committee", ["investigator", "dc2"]),
        ],
    )
    # In the order of the enquiry's stages (the case numbers follow the opening dates);
    # the RCSC's cases (cases.demo.disciplinary_rcsc) come after them.
    return [
        received,
        adr,
        overdue,
        investigating,
        endorsement,
        decided,
        closed,
        suspended,
    ]
