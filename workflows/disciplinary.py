"""The disciplinary enquiry of BCSR 2023 chapter 19, as a state machine.

Read beside the rule: opening (19.5), ADR (19.7), the four steps of the enquiry
(19.8.2.1-19.8.2.4), suspension alongside the case (19.9), summary proceedings
(19.10), penalties (19.11) and appeal (19.12). Who acts follows 19.3.4-19.3.7.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from workflows import committees as committee_rules
from workflows import readings
from workflows import roles as R
from workflows.context import Context
from workflows.declarations import Arm, Authority, Field, Guard, State, Step
from workflows.engine import Process
from workflows.offences import (
    BY_NUMBER,
    MAJOR,
    MINOR,
    OFFENCES,
    PENALTIES,
    PENALTY_BY_CODE,
    Offence,
    penalty_allowed,
)
from workflows.revision import revise
from workflows.values import checked

VERSION = "2023.1"
# The steps that take a case to its appellate authority (19.12.2): from then on the
# authority sees the case (cases.core.queries.visibility).
APPEAL_TRIGGERS = ("lodge_appeal", "lodge_oversight_appeal")

# ------------------------------------------------------------------ authorities


def disciplinary_body(ctx: Context) -> Authority:
    """19.3.6: the RCSC for EX1-EX3/ES1-ES3, the agency (its HRC as DC, 19.3.4) for P1-O4."""
    subject = ctx.subject
    if subject.executive_or_specialist:
        return Authority((R.RCSC_AGENCY,), "19.3.6")
    return Authority((subject.agency,), "19.3.4")


def intake_body(ctx: Context) -> Authority:
    """The respondent's agency records complaints; the RCSC too for executives (19.5.1)."""
    subject = ctx.subject
    if subject.executive_or_specialist:
        return Authority((subject.agency, R.RCSC_AGENCY), "19.5.1")
    return Authority((subject.agency,), "19.5.1")


def adr_body(ctx: Context) -> Authority:
    """19.7.5: ADR for ESC or a head of agency is referred to the RCSC; else the agency (19.7.4)."""
    subject = ctx.subject
    if subject.executive_or_specialist or subject.head_of_agency:
        return Authority((R.RCSC_AGENCY,), "19.7.5")
    return Authority((subject.agency,), "19.7.4")


def suspension_body(ctx: Context) -> Authority:
    """19.9.2: only the RCSC suspends civil servants in ESC; else the agency's DC (19.9.3)."""
    subject = ctx.subject
    if subject.executive_or_specialist:
        return Authority((R.RCSC_AGENCY,), "19.9.2")
    return Authority((subject.agency,), "19.9.3")


def appellate_body(ctx: Context) -> Authority:
    """19.3.7: the Administrative Tribunal for RCSC decisions, the RCSC for ministries and
    agencies, the ministry for departments and dzongkhags."""
    subject = ctx.subject
    if subject.executive_or_specialist:
        return Authority((R.TRIBUNAL_AGENCY,), "19.3.7")
    if subject.agency_kind in ("department", "dzongkhag") and subject.parent_agency:
        return Authority((subject.parent_agency,), "19.3.7")
    return Authority((R.RCSC_AGENCY,), "19.3.7")


def appellate_body_by_decider(ctx: Context) -> Authority:
    """19.3.7, read by who decided: "Administrative Tribunal: For appeal cases against the
    decision of the RCSC" (an executive's case, or a case of the RCSC's own staff); "Ministry:
    For appeal cases against the decision of Departments and Dzongkhags"; else the RCSC. A
    department or dzongkhag whose record names no ministry has no appellate body until the
    agency is corrected (never silently the RCSC)."""
    if disciplinary_body(ctx).agencies == (R.RCSC_AGENCY,) or decided_by_rcsc(ctx):
        return Authority((R.TRIBUNAL_AGENCY,), "19.3.7")
    subject = ctx.subject
    if subject.agency_kind in ("department", "dzongkhag"):
        if not subject.parent_agency:
            return Authority(
                (),
                "19.3.7",
                problem=f"{subject.agency} is a {subject.agency_kind} with no parent ministry "
                "recorded, and a ministry hears its appeals (19.3.7): an administrator must "
                "correct the agency's record first",
            )
        return Authority((subject.parent_agency,), "19.3.7")
    return Authority((R.RCSC_AGENCY,), "19.3.7")


def decided_by_rcsc(ctx: Context) -> bool:
    """The decision under appeal is the RCSC's own: a summary compulsory retirement (19.10.1,
    recorded by the 2023.2 step as ``decided_by``)."""
    return (ctx.data.get("decided_by") or {}).get("agencies") == [R.RCSC_AGENCY]


def appellate_executor(ctx: Context) -> Authority:
    """19.8.3: "In appeal cases, the Disciplinary Committee of the Appellate Authority shall
    execute the decision rendered by the Appellate Authority": the committee of the body named
    when the appeal was lodged (``appellate_body``), not the committee that first decided."""
    named = ctx.data.get("appellate_body") or {}
    if named.get("agencies"):
        return Authority(tuple(named["agencies"]), "19.8.3")
    body = appellate_body_by_decider(ctx)
    return Authority(body.agencies, "19.8.3", problem=body.problem)


def appellate_authority(process: Process, ctx: Context) -> Authority:
    """The appellate body as the case's version of the process names it (its step deciding
    the appeal): what the letters, the report and visibility read."""
    step = process.branches("decide_appeal")[0]
    assert step.authority is not None
    return step.authority(ctx)


def appeal_filing_body(ctx: Context) -> Authority:
    """19.12.1: the respondent appeals (their agency's HR officer records it), or an oversight
    agency such as the RCSC that observed inconsistencies."""
    subject = ctx.subject
    return Authority((subject.agency, R.RCSC_AGENCY), "19.12.1")


def adr_referral_body(ctx: Context) -> Authority:
    """19.7.5: the agency refers ESC and head-of-agency cases to the RCSC, which holds the ADR."""
    subject = ctx.subject
    if subject.executive_or_specialist or subject.head_of_agency:
        return Authority((subject.agency, R.RCSC_AGENCY), "19.7.5")
    return Authority((subject.agency,), "19.7.4")


def summary_body(ctx: Context) -> Authority:
    """19.10.1: the RCSC decides summary proceedings on the agency HRC's recommendation."""
    return Authority((R.RCSC_AGENCY,), "19.10.1")


# ------------------------------------------------------------------------ guards

COMPLAINT_PARTICULARS = {
    "complainant_name": "the complainant's full name (19.5.2.1)",
    "complainant_address": "the complainant's address (19.5.2.1)",
    "respondent_address": "the respondent's address (19.5.2.2)",
    "narration": "a narration of the material facts (19.5.2.3)",
}


def missing_particulars(ctx: Context) -> list[str]:
    if ctx.value("opened_by") != "written_complaint":
        return [] if ctx.value("narration") else [COMPLAINT_PARTICULARS["narration"]]
    return [label for name, label in COMPLAINT_PARTICULARS.items() if not ctx.value(name)]


def particulars_complete(ctx: Context) -> bool:
    return not missing_particulars(ctx)


def ground_holds(ctx: Context) -> bool:
    """19.5.3 dismisses an incomplete complaint, 19.5.4 an anonymous one: the ground must hold."""
    if ctx.value("dismissal_ground") == "19.5.4":
        return bool(ctx.value("anonymous", False))
    return bool(missing_particulars(ctx))


def copy_or_withheld(ctx: Context) -> bool:
    return bool(ctx.value("copy_to_respondent_on") or ctx.value("withheld_parts"))


def charged_if_grave(ctx: Context) -> bool:
    return ctx.value("summary_ground") != "19.10.1.2" or bool(ctx.data.get("charges"))


def not_anonymous(ctx: Context) -> bool:
    return not ctx.value("anonymous", False)


def investigated_by_member_secretary(ctx: Context) -> bool:
    return ctx.value("investigated_by") == "member_secretary"


def extension_within_total(ctx: Context) -> bool:
    """R-19.8.2.2-vi "total": the extended period is at most 30 days from commencement."""
    days = ctx.value("total_days") or 0
    return 15 < int(days) <= 30


def extension_beyond_first(ctx: Context) -> bool:
    """R-19.8.2.2-vi "beyond": up to 30 days added to the first 15 (45 from commencement)."""
    days = ctx.value("total_days") or 0
    return 15 < int(days) <= 45


def each_guilty_charge_has_one_penalty(ctx: Context) -> bool:
    for row in ctx.value("findings") or []:
        guilty = row["finding"] == "guilty"
        if guilty != bool(row.get("penalty")):
            return False
    return True


def penalties_match_classification(ctx: Context) -> bool:
    charges = {c["no"]: c for c in ctx.data.get("charges") or []}
    for row in ctx.value("findings") or []:
        if not row.get("penalty"):
            continue
        penalty = PENALTY_BY_CODE.get(row["penalty"])
        offence = BY_NUMBER.get(charges.get(row["charge"], {}).get("offence", 0))
        if penalty is None or offence is None or not penalty_allowed(offence, penalty):
            return False
    return True


# A court conviction fixes the penalty: termination where the offence related to official
# functions (19.11.7, schedule item 1), compulsory retirement otherwise (19.11.8, item 2).
CONVICTION_PENALTY = {1: "dismissal", 2: "compulsory_retirement"}


def conviction_penalty_as_prescribed(item: int) -> Callable[[Context], bool]:
    """The check for schedule item ``item`` (1: 19.11.7, 2: 19.11.8)."""

    def check(ctx: Context) -> bool:
        charges = {c["no"]: c for c in ctx.data.get("charges") or []}
        for row in ctx.value("findings") or []:
            offence = charges.get(row["charge"], {}).get("offence")
            if offence == item and row["finding"] == "guilty":
                if row.get("penalty") != CONVICTION_PENALTY[item]:
                    return False
        return True

    return check


def findings_cover_every_charge(ctx: Context) -> bool:
    charged = {c["no"] for c in ctx.data.get("charges") or []}
    return bool(charged) and {r["charge"] for r in ctx.value("findings") or []} == charged


def respondent_heard(ctx: Context) -> bool:
    return ctx.value("hearing") in ("heard", "did_not_respond")


def appeal_in_time(ctx: Context) -> bool:
    lodged = ctx.value("appeal_lodged_on")
    due = ctx.due.get("appeal_window")
    return due is None or (lodged is not None and date.fromisoformat(lodged) <= due)


def not_suspended(ctx: Context) -> bool:
    return not ctx.data.get("suspended")


def is_suspended(ctx: Context) -> bool:
    return bool(ctx.data.get("suspended"))


def pre_suspension_hearing_held(ctx: Context) -> bool:
    return bool(ctx.data.get("pre_suspension_hearing_on"))


def outcome_is(*values: str):
    return lambda ctx: ctx.value("appeal_outcome") in values


# ------------------------------------------------------------------------ fields

OPENINGS = (
    ("dc_initiative", "By the Disciplinary Committee on its own initiative (19.5.1.1)"),
    ("written_complaint", "Written complaint with documentary evidence (19.5.1.2)"),
    ("court_judgement", "Judgement of a Court of Law (19.5.1.3)"),
    ("agency", "By the Agency (19.5.1.4)"),
)
OFFENCE_CHOICES = tuple(
    (str(o.number), f"{o.label_no}. {o.nature} [{o.classification}]") for o in OFFENCES
)
PENALTY_CHOICES = tuple((p.code, f"{p.label} ({p.severity}, {p.cite})") for p in PENALTIES)
APPEAL_GROUNDS = (
    ("19.12.2.1", "Evident injustice due to grave abuse of discretion"),
    ("19.12.2.2", "Decision not supported by the evidence on record"),
    ("19.12.2.3", "Evidence not considered when imposing the penalty"),
    ("19.12.2.4", "Newly discovered or additional evidence"),
    ("19.12.2.5", "Patent error in interpreting rules, regulations and laws"),
)
SUSPENSION_GROUNDS = (
    ("19.9.4.1", "Moral turpitude"),
    ("19.9.4.2", "Serious negligence causing considerable loss to the government"),
    ("19.9.4.3", "Charge connected to the official position"),
    ("19.9.4.4", "Offence against security and sovereignty, or felony of second degree+"),
    ("19.9.5.1", "Continuance in office will prejudice the disciplinary process"),
    ("19.9.5.2", "Continuance likely to subvert discipline"),
    ("19.9.5.3", "Against the wider public interest"),
    ("19.9.5.4", "Corruption, embezzlement, misappropriation, misuse of power"),
    ("19.9.5.5", "Charges likely to end in conviction or dismissal"),
    ("19.9.4.5", "Other similar circumstances"),
)

# ------------------------------------------------------------------------ states

STATES = (
    State("new", "not yet opened"),
    State("received", "received, awaiting screening by the HRC"),
    State("adr", "in alternative dispute resolution"),
    State("enquiry_directed", "enquiry directed; notice to be served"),
    State("notice_served", "notice served; explanation awaited"),
    State("explained", "explanation received or lapsed"),
    State("investigation_ordered", "investigation ordered"),
    State("investigating", "under investigation"),
    State("report_due", "investigation complete; report due"),
    State("dc_meeting", "awaiting the DC meeting and decision"),
    State("awaiting_endorsement", "DC decided; awaiting HRC endorsement"),
    State("endorsed", "endorsed; to be communicated"),
    State("decided", "decision communicated; appeal window open"),
    State("appeal", "under appeal"),
    State("summary_recommended", "summary proceedings recommended to the RCSC"),
    State("dismissed", "dismissed", final=True),
    State("resolved_by_adr", "resolved by ADR", final=True),
    State("closed", "decision final", final=True),
    State("retired_summarily", "compulsorily retired by summary proceedings", final=True),
)

OPEN_STATES = tuple(s.name for s in STATES if not s.final and s.name not in ("new",))
ENQUIRY_STATES = (
    "enquiry_directed",
    "notice_served",
    "explained",
    "investigation_ordered",
    "investigating",
    "report_due",
    "dc_meeting",
)

COMMITTEE = R.COMMITTEE
SCREENING = frozenset({R.HRC_CHAIR, R.DC_MEMBER, R.MEMBER_SECRETARY})
INVESTIGATORS = frozenset({R.INVESTIGATOR, R.MEMBER_SECRETARY})

# Who reads the confidential fields: the committee (agency-scoped by case visibility), the
# RCSC (the DC for executives, 19.3.6, and the appellate body, 19.3.7) and the appellate
# authority reviewing the case (19.12). Not the respondent, the HR officer or an admin.
DELIBERATION_READERS = COMMITTEE | frozenset({R.RCSC, R.APPELLATE})
# Parts of the investigation report withheld from the respondent (19.8.2.2(xi)): the
# investigators who wrote it read them too.
WITHHELD_READERS = DELIBERATION_READERS | INVESTIGATORS

PARTICULARS = Guard(
    "19.5.2",
    "the complaint lacks a required particular; it may only be dismissed (19.5.3)",
    particulars_complete,
)
ADMISSIBLE = Guard(
    "19.5.4", "an anonymous complaint not filed properly is not admitted", not_anonymous
)

APPEAL_DECISION = (
    Field(
        "appeal_outcome",
        "choice",
        "Outcome",
        choices=(
            ("upheld", "Decision upheld (19.12.4)"),
            ("quashed", "Decision set aside; penalties revoked (19.12.4)"),
            ("remanded", "Remanded to the DC, which executes the appellate decision (19.8.3)"),
        ),
    ),
    Field(
        "due_process_examined",
        "bool",
        "Examined whether the disciplinary authority complied with due process (19.12.3)",
    ),
    Field("due_process_followed", "bool", "Due process was followed", required=False),
    Field("appeal_reasons", "textarea", "Reasons"),
)
DUE_PROCESS = (
    Guard(
        "19.12.3",
        "the appellate authority must examine whether due process was followed",
        checked("due_process_examined"),
    ),
)

STEPS = (
    # -- opening (19.5)
    Step(
        "open",
        "new",
        "received",
        "Record the charge or complaint",
        "19.5.1",
        by=frozenset({R.HR_OFFICER}) | COMMITTEE,
        authority=intake_body,
        fields=(
            Field("opened_by", "choice", "How the charge is initiated", choices=OPENINGS),
            Field("complainant_name", "text", "Complainant's full name", required=False),
            Field("complainant_address", "text", "Complainant's address", required=False),
            Field(
                "complainant_eid",
                "text",
                "Complainant's employee ID (if a civil servant)",
                required=False,
            ),
            Field("respondent_address", "text", "Respondent's address", required=False),
            Field(
                "narration",
                "textarea",
                "Narration of the material facts (19.5.2.3)",
                required=False,
            ),
            Field("evidence", "textarea", "Documentary evidence supplied", required=False),
            Field("anonymous", "bool", "Complaint is anonymous", required=False),
            Field("received_on", "date", "Received on"),
        ),
    ),
    Step(
        "dismiss_complaint",
        "received",
        "dismissed",
        "Dismiss the complaint",
        "19.5.3",
        by=SCREENING,
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.5.3",
                "the complaint has every particular of 19.5.2; it cannot be "
                "dismissed as incomplete",
                ground_holds,
            ),
        ),
        fields=(
            Field(
                "dismissal_ground",
                "choice",
                "Ground",
                choices=(
                    ("19.5.3", "Required particulars of 19.5.2 are absent (19.5.3)"),
                    ("19.5.4", "Anonymous complaint not filed properly (19.5.4)"),
                ),
            ),
            Field("reasons", "textarea", "Written reasons (19.2.1)"),
        ),
    ),
    Step(
        "refer_to_adr",
        "received",
        "adr",
        "Refer to alternative dispute resolution",
        "19.7.1",
        by=SCREENING,
        authority=adr_referral_body,
        guards=(PARTICULARS, ADMISSIBLE),
        fields=(
            Field(
                "adr_method",
                "choice",
                "Form of ADR (19.7.3)",
                choices=(
                    ("mediation", "Mediation"),
                    ("counselling", "Counselling"),
                    ("guidance", "Guidance"),
                    ("training", "Training"),
                ),
            ),
            Field("adr_officer", "text", "Civil servant executing the ADR (19.7.4)"),
        ),
    ),
    Step(
        "adr_resolved",
        "adr",
        "resolved_by_adr",
        "Record ADR as resolved",
        "19.7.2",
        by=SCREENING,
        authority=adr_body,
        fields=(Field("resolution", "textarea", "Resolution agreed"),),
    ),
    Step(
        "terminate_adr",
        "adr",
        "enquiry_directed",
        "Terminate ADR and forward to the DC",
        "19.7.7",
        by=SCREENING,
        authority=adr_body,
        fields=(
            Field(
                "termination_ground",
                "choice",
                "Ground",
                choices=(
                    ("19.7.7", "The civil servant is not satisfied with the ADR (19.7.7)"),
                    ("19.7.8", "The misconduct is more serious than first thought (19.7.8)"),
                ),
            ),
            Field("reasons", "textarea", "Reasons"),
        ),
    ),
    Step(
        "direct_enquiry",
        "received",
        "enquiry_directed",
        "Direct the DC to hold an enquiry",
        "19.8.2",
        by=SCREENING,
        authority=disciplinary_body,
        guards=(PARTICULARS, ADMISSIBLE),
        fields=(Field("reasons", "textarea", "Why ADR is inappropriate", required=False),),
    ),
    # -- step 1: notice (19.8.2.1)
    Step(
        "serve_notice",
        "enquiry_directed",
        "notice_served",
        "Serve the notice of charges",
        "19.8.2.1(i)",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field(
                "charges",
                "multichoice",
                "Charges (one per offence of the schedule, 19.11.3)",
                choices=OFFENCE_CHOICES,
            ),
            Field("particulars", "textarea", "Particulars of the charges"),
            Field("prima_facie", "bool", "The DC is convinced a prima facie case exists"),
            Field("notice_received_on", "date", "Respondent received the notice on"),
        ),
        guards=(
            Guard(
                "19.8.2.1(i)",
                "the DC must be convinced that a prima facie case exists",
                checked("prima_facie"),
            ),
        ),
        arms=(
            Arm(
                "explanation_due",
                "Respondent's explanation",
                "19.8.2.1(i)",
                working_days=5,
                from_field="notice_received_on",
                on_timeout="explanation_lapsed",
            ),
        ),
        effects=("record_charges",),
    ),
    Step(
        "submit_explanation",
        "notice_served",
        "explained",
        "Submit the explanation",
        "19.8.2.1(ii)",
        by=frozenset({R.RESPONDENT}) | COMMITTEE,
        authority=disciplinary_body,  # the respondent on their own case passes before this
        fields=(
            Field("explanation", "textarea", "Explanation on the charges"),
            Field("explanation_evidence", "textarea", "Supporting evidence", required=False),
        ),
        settles=("explanation_due",),
    ),
    Step(
        "explanation_lapsed",
        "notice_served",
        "explained",
        "No explanation within five working days",
        "19.8.2.1(i)",
        by=frozenset({R.SYSTEM}),
    ),
    Step(
        "dismiss_case",
        "explained",
        "dismissed",
        "Dismiss: charges without basis",
        "19.8.2.1(iii)",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field("reasons", "textarea", "Written reasons (19.2.1)"),
            Field(
                "beyond_reasonable_doubt",
                "bool",
                "The explanation proves beyond reasonable doubt the charges are without basis",
            ),
        ),
        guards=(
            Guard(
                "19.8.2.1(iii)",
                "dismissal needs the explanation to prove beyond "
                "reasonable doubt that the charges are without basis",
                checked("beyond_reasonable_doubt"),
            ),
        ),
        effects=("close_suspension",),
    ),
    # -- step 2: investigation (19.8.2.2)
    Step(
        "order_investigation",
        "explained",
        "investigation_ordered",
        "Order an investigation",
        "19.8.2.2(i)",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field(
                "investigated_by",
                "choice",
                "Investigated by",
                choices=(
                    (
                        "member_secretary",
                        "Member Secretary: facts simple, misconduct not serious (19.8.2.2(iii))",
                    ),
                    ("investigation_committee", "Investigation Committee"),
                ),
            ),
            Field("investigators", "text", "Names of the investigator(s)"),
            Field("directive_on", "date", "Directive issued on"),
        ),
        arms=(
            Arm(
                "investigation_commencement_due",
                "Investigation to commence",
                "19.8.2.2(v)",
                working_days=5,
                from_field="directive_on",
            ),
        ),
    ),
    Step(
        "convene_meeting",
        "explained",
        "dc_meeting",
        "Proceed to the DC meeting without investigation",
        "19.8.2.3",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(Field("reasons", "textarea", "Why no investigation is needed", required=False),),
        arms=(Arm("meeting_conclusion_due", "DC meeting to conclude", "19.8.2.3(vi)", days=30),),
    ),
    Step(
        "commence_investigation",
        "investigation_ordered",
        "investigating",
        "Commence the investigation",
        "19.8.2.2(v)",
        by=INVESTIGATORS | COMMITTEE,
        authority=disciplinary_body,
        fields=(Field("commenced_on", "date", "Commenced on"),),
        settles=("investigation_commencement_due",),
        arms=(
            Arm(
                "investigation_completion_due",
                "Investigation to be completed",
                "19.8.2.2(vi)",
                days=15,
                from_field="commenced_on",
            ),
        ),
    ),
    Step(
        "escalate_to_committee",
        "investigating",
        "investigating",
        "Transfer to the Investigation Committee (complex or serious)",
        "19.8.2.2(iv)",
        by=INVESTIGATORS | COMMITTEE,
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.8.2.2(iv)",
                "only an investigation by the Member Secretary can be "
                "transferred to the Investigation Committee",
                investigated_by_member_secretary,
                precheck=True,
            ),
        ),
        fields=(
            Field("reasons", "textarea", "Why the case is complex or serious"),
            Field("investigators", "text", "Investigation Committee members"),
        ),
        effects=("transfer_to_committee",),
    ),
    Step(
        "extend_investigation",
        "investigating",
        "investigating",
        "Extend the investigation",
        "19.8.2.2(vi)",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field(
                "total_days",
                "int",
                "Total investigation period in days, counted from commencement",
                help="The limit depends on the reading of 19.8.2.2(vi) in force (see /readings).",
            ),
            Field("extension_reason", "textarea", "Reason for the extension"),
        ),
        guards=(
            Guard(
                "19.8.2.2(vi)",
                "the DC may extend the investigation period to at most 30 days from commencement",
                extension_within_total,
                under=(readings.INVESTIGATION_EXTENSION.id, "total"),
            ),
            Guard(
                "19.8.2.2(vi)",
                "the DC may extend the investigation by at most 30 days beyond the first 15 "
                "(at most 45 days from commencement)",
                extension_beyond_first,
                under=(readings.INVESTIGATION_EXTENSION.id, "beyond"),
            ),
        ),
        arms=(
            Arm(
                "investigation_completion_due",
                "Investigation to be completed (extended)",
                "19.8.2.2(vi)",
                days_field="total_days",
                from_field="commenced_on",
            ),
        ),
    ),
    Step(
        "complete_investigation",
        "investigating",
        "report_due",
        "Complete the investigation",
        "19.8.2.2(vi)",
        by=INVESTIGATORS | COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field("completed_on", "date", "Completed on"),
            Field(
                "respondent_participated",
                "bool",
                "Respondent participated (else findings on the evidence, 19.8.2.2(viii))",
                required=False,
            ),
        ),
        settles=("investigation_completion_due",),
        arms=(
            Arm(
                "report_due",
                "Investigation report to the DC",
                "19.8.2.2(x)",
                working_days=5,
                from_field="completed_on",
            ),
        ),
    ),
    Step(
        "submit_report",
        "report_due",
        "dc_meeting",
        "Submit the investigation report",
        "19.8.2.2(x)",
        by=INVESTIGATORS | COMMITTEE,
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.8.2.2(xi)",
                "the respondent gets a complete copy of the report: give the "
                "date of the copy, or say which parts were withheld and why",
                copy_or_withheld,
            ),
        ),
        fields=(
            Field("report_findings", "textarea", "Findings of the report"),
            Field("report_received_on", "date", "DC received the report on"),
            Field(
                "copy_to_respondent_on",
                "date",
                "Complete copy given to the respondent on (19.8.2.2(xi))",
                required=False,
            ),
            Field(
                "withheld_parts",
                "textarea",
                "Parts withheld as inappropriate to disclose",
                required=False,
                visible_to=WITHHELD_READERS,
                confidential="19.8.2.2(xi)",
            ),
        ),
        settles=("report_due",),
        arms=(
            Arm(
                "meeting_conclusion_due",
                "DC meeting to conclude",
                "19.8.2.3(vi)",
                days=30,
                from_field="report_received_on",
            ),
        ),
    ),
    # -- step 3: DC meeting (19.8.2.3)
    Step(
        "record_decision",
        "dc_meeting",
        "awaiting_endorsement",
        "Record the DC's decision on each charge",
        "19.8.2.3(viii)",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field("meeting_on", "date", "Meeting held on"),
            Field(
                "hearing",
                "choice",
                "The respondent",
                choices=(
                    ("heard", "was heard and responded (19.8.2.3(i), (iv))"),
                    ("did_not_respond", "failed to answer; decided on the evidence (19.8.2.3(v))"),
                ),
            ),
            Field("members_present", "text", "Committee members present"),
            Field(
                "findings",
                "findings",
                "Finding and penalty for each charge (19.11.2)",
                choices=PENALTY_CHOICES,
            ),
            Field(
                "penalty_term_ends_on",
                "date",
                "Penalty term ends on (for the Negative List, 19.14.6.1)",
                required=False,
                future_ok=True,
            ),
            Field("decision_reasons", "textarea", "Written reasons (19.2.1)"),
            Field(
                "deliberation_notes",
                "textarea",
                "Committee deliberation notes",
                required=False,
                visible_to=DELIBERATION_READERS,
                confidential="3.2.16",  # confidentiality of official information and decisions
            ),
        ),
        guards=(
            Guard(
                "19.8.2.3(i)",
                "the respondent must be given the opportunity to respond",
                respondent_heard,
            ),
            Guard(
                "19.8.2.3(vii)", "a finding is needed on every charge", findings_cover_every_charge
            ),
            Guard(
                "19.11.2",
                "one penalty per charge found proven, none for a charge not proven",
                each_guilty_charge_has_one_penalty,
            ),
            Guard(
                "19.11.3",
                "a Major offence needs a major penalty (19.11.14) and a Minor "
                "offence a minor one (19.11.13); the HRC chooses for Minor/Major",
                penalties_match_classification,
            ),
            Guard(
                "19.11.7",
                "a court conviction for an offence related to official functions means termination",
                conviction_penalty_as_prescribed(1),
            ),
            Guard(
                "19.11.8",
                "a court conviction for an offence not related to official functions means "
                "compulsory retirement with the post-service benefit",
                conviction_penalty_as_prescribed(2),
            ),
        ),
        settles=("meeting_conclusion_due",),
    ),
    # -- step 4: execution (19.8.2.4)
    Step(
        "endorse_decision",
        "awaiting_endorsement",
        "endorsed",
        "Endorse the DC decision (HRC)",
        "19.8.2.4(i)",
        by=frozenset({R.HRC_CHAIR}),
        authority=disciplinary_body,
        fields=(
            Field("endorsed_on", "date", "Endorsed by the HRC on"),
            Field("hrc_meeting_no", "text", "HRC meeting number"),
        ),
        arms=(
            Arm(
                "decision_communication_due",
                "Decision to be communicated",
                "19.8.2.4(ii)",
                working_days=5,
                from_field="endorsed_on",
            ),
        ),
    ),
    Step(
        "return_to_dc",
        "awaiting_endorsement",
        "dc_meeting",
        "Return the decision to the DC for reconsideration",
        "19.8.2.4(i)",
        by=frozenset({R.HRC_CHAIR}),
        authority=disciplinary_body,
        fields=(Field("reasons", "textarea", "Reasons"),),
        arms=(Arm("meeting_conclusion_due", "DC meeting to conclude", "19.8.2.3(vi)", days=30),),
    ),
    Step(
        "communicate_decision",
        "endorsed",
        "decided",
        "Sign and communicate the decision letter",
        "19.8.2.4(ii)",
        by=frozenset({R.HRC_CHAIR}),
        authority=disciplinary_body,
        fields=(
            Field("letter_no", "text", "Decision letter number"),
            Field("decision_received_on", "date", "Respondent received the decision on"),
            Field("copy_to_rcsc", "bool", "Copy of the letter submitted to the RCSC"),
        ),
        guards=(
            Guard(
                "19.8.2.4(iv)",
                "a copy of the decision letter must go to the RCSC",
                checked("copy_to_rcsc"),
            ),
        ),
        settles=("decision_communication_due",),
        arms=(
            Arm(
                "appeal_window",
                "Appeal window closes",
                "19.12.2",
                working_days=10,
                from_field="decision_received_on",
                on_timeout="decision_becomes_final",
            ),
        ),
        effects=("record_penalties",),
    ),
    # -- appeal (19.12)
    Step(
        "lodge_appeal",
        "decided",
        "appeal",
        "Lodge an appeal",
        "19.12.2",
        by=frozenset({R.RESPONDENT, R.HR_OFFICER}),
        authority=appeal_filing_body,
        fields=(
            Field(
                "grounds", "multichoice", "Grounds of appeal (19.12.2.1-5)", choices=APPEAL_GROUNDS
            ),
            Field("appeal_statement", "textarea", "Statement of appeal"),
            Field("appeal_lodged_on", "date", "Appeal lodged on"),
            Field("appeal_received_on", "date", "Appellate authority received it on"),
        ),
        guards=(
            Guard(
                "19.12.2",
                "an appeal must be lodged within 10 working days from the receipt of the decision",
                appeal_in_time,
            ),
        ),
        settles=("appeal_window",),
        arms=(
            Arm(
                "appellate_decision_due",
                "Appellate decision",
                "19.12.4",
                days=30,
                from_field="appeal_received_on",
            ),
        ),
    ),
    Step(
        "decision_becomes_final",
        "decided",
        "closed",
        "Appeal window closed; decision final",
        "19.12.2",
        by=frozenset({R.SYSTEM}),
        effects=("close_suspension",),
    ),
    Step(
        "decide_appeal",
        "appeal",
        "closed",
        "Decide the appeal",
        "19.12.4",
        by=frozenset({R.APPELLATE}),
        authority=appellate_body,
        when=outcome_is("upheld", "quashed"),
        fields=APPEAL_DECISION,
        guards=DUE_PROCESS,
        settles=("appellate_decision_due",),
        effects=("apply_appeal_outcome",),
    ),
    Step(
        "decide_appeal",
        "appeal",
        "dc_meeting",
        "Decide the appeal",
        "19.8.3",
        by=frozenset({R.APPELLATE}),
        authority=appellate_body,
        when=outcome_is("remanded"),
        fields=APPEAL_DECISION,
        guards=DUE_PROCESS,
        settles=("appellate_decision_due",),
        arms=(Arm("meeting_conclusion_due", "DC meeting to conclude", "19.8.2.3(vi)", days=30),),
        effects=("apply_appeal_outcome",),
    ),
    # -- summary proceedings (19.10)
    Step(
        "recommend_summary",
        ("received", "enquiry_directed", "explained"),
        "summary_recommended",
        "Recommend summary compulsory retirement to the RCSC",
        "19.10.1",
        by=frozenset({R.HRC_CHAIR}),
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.10.1.2",
                "summary proceedings for a grave offence need the civil servant "
                "charged (notice served) first",
                charged_if_grave,
            ),
        ),
        fields=(
            Field(
                "summary_ground",
                "choice",
                "Ground",
                choices=(
                    ("19.10.1.1", "Habitual bad behaviour and poor performance (19.10.1.1)"),
                    (
                        "19.10.1.2",
                        "Grave offence, guilt proven beyond reasonable doubt (19.10.1.2)",
                    ),
                ),
            ),
            Field("summary_evidence", "textarea", "Evidence"),
        ),
    ),
    Step(
        "summary_retire",
        "summary_recommended",
        "retired_summarily",
        "Compulsorily retire without formal investigation",
        "19.10.1",
        by=frozenset({R.RCSC}),
        authority=summary_body,
        fields=(
            Field("order_no", "text", "RCSC order number"),
            Field("effective_on", "date", "Effective on", future_ok=True),
        ),
        effects=("record_summary_retirement", "close_suspension"),
    ),
    Step(
        "decline_summary",
        "summary_recommended",
        "enquiry_directed",
        "Decline summary proceedings; the enquiry continues",
        "19.10.1",
        by=frozenset({R.RCSC}),
        authority=summary_body,
        fields=(Field("reasons", "textarea", "Reasons"),),
    ),
    # -- suspension alongside the case (19.9)
    Step(
        "hold_pre_suspension_hearing",
        ENQUIRY_STATES,
        "=",
        "Hold a pre-suspension hearing",
        "19.9.3",
        by=COMMITTEE,
        authority=suspension_body,
        guards=(
            Guard(
                "19.9.12", "the civil servant is already suspended", not_suspended, precheck=True
            ),
        ),
        fields=(
            Field("pre_suspension_hearing_on", "date", "Hearing held on"),
            Field(
                "hearing_record",
                "textarea",
                "What the respondent said against the proposed suspension",
            ),
        ),
    ),
    Step(
        "suspend",
        ENQUIRY_STATES,
        "=",
        "Issue the suspension office order",
        "19.9.6",
        by=COMMITTEE | frozenset({R.RCSC}),
        authority=suspension_body,
        fields=(
            Field(
                "suspension_grounds",
                "multichoice",
                "Grounds (19.9.4, 19.9.5)",
                choices=SUSPENSION_GROUNDS,
            ),
            Field("office_order_no", "text", "Office order number"),
            Field("suspended_from", "date", "Suspended from", future_ok=True),
            Field("gross_pay", "decimal", "Gross pay before suspension, Nu per month"),
            Field(
                "professional_allowance",
                "decimal",
                "Professional allowance, Nu per month",
                required=False,
            ),
            Field("rcsc_notified", "bool", "Order notified to the RCSC and the civil servant"),
        ),
        guards=(
            Guard(
                "19.9.3",
                "a pre-suspension hearing must be held first",
                pre_suspension_hearing_held,
                precheck=True,
            ),
            Guard(
                "19.9.12", "the civil servant is already suspended", not_suspended, precheck=True
            ),
            Guard(
                "19.9.6",
                "the office order must be notified to the RCSC and the civil servant",
                checked("rcsc_notified"),
            ),
        ),
        effects=("start_suspension",),
    ),
    Step(
        "revoke_suspension",
        OPEN_STATES,
        "=",
        "Revoke the suspension",
        "19.9.12",
        by=COMMITTEE | frozenset({R.RCSC}),
        authority=suspension_body,
        guards=(
            Guard("19.9.12", "the civil servant is not suspended", is_suspended, precheck=True),
        ),
        fields=(Field("revoked_on", "date", "Revoked on"), Field("reasons", "textarea", "Reasons")),
        effects=("revoke_suspension",),
    ),
    Step(
        "decide_on_death",
        OPEN_STATES,
        "closed",
        "Respondent died: decide the case at once",
        "19.9.14",
        by=COMMITTEE,
        authority=disciplinary_body,
        fields=(
            Field("died_on", "date", "Date of death"),
            Field(
                "death_outcome",
                "choice",
                "Decision",
                choices=(
                    ("acquitted", "Charges not established; benefits to the family"),
                    ("guilty", "Charges established"),
                ),
            ),
            Field("reasons", "textarea", "Reasons"),
        ),
        effects=("close_suspension",),
    ),
)


PROCESS = Process(
    key="disciplinary",
    title="Disciplinary enquiry",
    version=VERSION,
    cite="19",
    states=STATES,
    steps=STEPS,
    summary="BCSR 2023 chapter 19: complaint, ADR, notice, investigation, DC meeting, "
    "endorsement, appeal; suspension and summary proceedings alongside.",
    readings=(
        readings.InForce(
            readings.INVESTIGATION_EXTENSION,
            "total",
            "the sentence sets 15 days for the investigation and a 'maximum period of 30 "
            "days' for the investigation period once extended; the first version applied it "
            "as the whole period",
        ),
    ),
)


# ---------------------------------------------------------------- version 2023.2


def explanation_received(ctx: Context) -> bool:
    """19.8.2.1(iii) rests a dismissal on "the respondent civil servant's explanation"."""
    return bool(ctx.data.get("explanation"))


def _without_meeting_clock(step: Step) -> Step:
    """19.8.2.3(vi) runs the 30 days "from the receipt of the investigation report" only."""
    return replace(step, arms=tuple(a for a in step.arms if a.kind != "meeting_conclusion_due"))


def not_on_a_conviction(ctx: Context) -> bool:
    return ctx.value("opened_by") != "court_judgement"


def convictions_found_proven(ctx: Context) -> bool:
    """19.11.7, 19.11.8: "shall be terminated" / "shall be compulsorily retired" "if he is
    convicted by the Court of Law": the conviction (schedule items 1 and 2) is not
    re-tried by the committee."""
    charges = {c["no"]: c for c in ctx.data.get("charges") or []}
    return all(
        row["finding"] == "guilty"
        for row in ctx.value("findings") or []
        if charges.get(row["charge"], {}).get("offence") in CONVICTION_PENALTY
    )


CONVICTION_PRESCRIBES = Guard(
    "19.11.7, 19.11.8",
    "a case opened on a judgement of a Court of Law (19.5.1.3) goes to the penalty the rule "
    "prescribes: termination (19.11.7) or compulsory retirement (19.11.8), not ADR or "
    "dismissal",
    not_on_a_conviction,
    precheck=True,
)


def evidence_with_a_written_complaint(ctx: Context) -> bool:
    """19.5.1.2: "On written complaint supported with sufficient documentary evidence":
    the evidence described, or its papers attached (2023.2's ``evidence_files``)."""
    return ctx.value("opened_by") != "written_complaint" or bool(
        ctx.value("evidence") or ctx.value("evidence_files")
    )


# The papers a 2023.2 step takes with it, filed on the case file in the step's transaction
# (workflows.case_file kinds; cases.review.case_file.StepPapers).
EVIDENCE_FILES = Field(
    "evidence_files",
    "file",
    "Documentary evidence: the papers (19.5.1.2)",
    required=False,
    paper="complaint_evidence",
    help="PDF, image, DOCX, ODT or plain text; put on the case file with the complaint.",
)
REPORT_FILES = (
    Field(
        "report_files",
        "file",
        "The investigation report: the paper (19.8.2.2(x))",
        required=False,
        paper="investigation_report",
    ),
    Field(
        "withheld_files",
        "file",
        "Parts withheld as inappropriate to disclose: the papers (19.8.2.2(xi))",
        required=False,
        paper="investigation_report",
        visible_to=WITHHELD_READERS,
        confidential="19.8.2.2(xi)",
        help="Not shown to the respondent: only those who may read withheld parts.",
    ),
)
APPEAL_FILES = Field(
    "appeal_files",
    "file",
    "Appeal memorandum and any new evidence: the papers (19.12.2)",
    required=False,
    paper="appeal",
)


def supervisor_named_where_accountable(ctx: Context) -> bool:
    """Schedule 19/A: "The Supervisor shall be accountable and liable for administrative
    sanction for all the offences with asterisk (*)": a proven asterisked charge names the
    supervisor."""
    charges = {c["no"]: c for c in ctx.data.get("charges") or []}
    proven = [
        BY_NUMBER.get(charges.get(r["charge"], {}).get("offence", 0))
        for r in ctx.value("findings") or []
        if r["finding"] == "guilty"
    ]
    accountable = any(o is not None and o.supervisor_accountable for o in proven)
    return not accountable or bool(ctx.value("accountable_supervisor"))


def summary_recommender(ctx: Context) -> Authority:
    """19.10.1: "The RCSC, upon the recommendation of the HR Committee of the Agency": the
    agency's HRC recommends, whoever the civil servant (the RCSC does not recommend to
    itself for an executive)."""
    return Authority((ctx.subject.agency,), "19.10.1")


def _extended(
    step: Step,
    *,
    fields: tuple[Field, ...] = (),
    guards: tuple[Guard, ...] = (),
    effects: tuple[str, ...] = (),
    **changes: Any,
) -> Step:
    """``step`` as a later version takes it: more to ask (``fields``), to check (``guards``)
    and to do (``effects``), each after the step's own, and ``changes`` replaced."""
    return replace(
        step,
        fields=(*step.fields, *fields),
        guards=(*step.guards, *guards),
        effects=(*step.effects, *effects),
        **changes,
    )


def _also(step: Step, *effects: str) -> Step:
    return _extended(step, effects=effects)


def _guarded(step: Step, *guards: Guard) -> Step:
    return replace(step, guards=(*guards, *step.guards))


# -- 19.11.11: an offence the schedule does not cover

OTHER_OFFENCE = 0  # a charge's "offence" for an offence outside Schedule 19/A (19.11.11)


def offence_of(charge: Mapping[str, Any]) -> Offence | None:
    """The charge's offence: its schedule row, or for another offence (19.11.11) the
    classification the committee gave it (the schedule's rows stay as printed)."""
    if charge.get("offence") == OTHER_OFFENCE and charge.get("classification") in (MINOR, MAJOR):
        return Offence(
            OTHER_OFFENCE, "", str(charge.get("nature", "")), charge["classification"], False
        )
    return BY_NUMBER.get(int(charge.get("offence") or -1))


def other_offence_complete(ctx: Context) -> bool:
    """19.11.11: another offence is "liable for the administrative penalties as may be
    determined ... with a comparison to those offences/penalties covered in the Rule": it
    comes with its classification, the rule it breaches and the row it compares with."""
    if not ctx.value("other_offence"):
        return True
    return all(
        ctx.value(name)
        for name in ("other_classification", "other_rule_breached", "other_compared_with")
    )


def some_charge(ctx: Context) -> bool:
    return bool(ctx.value("charges")) or bool(ctx.value("other_offence"))


# -- 19.11.13.4: three or more reprimands or minor penalties

REPEATED_MINOR = 3  # "Three or more reprimands or minor penalties"


def minor_penalties_on_record(ctx: Context) -> int:
    """The reprimands and other minor penalties entered in the respondent's service record
    (19.11.9) and not revoked, whatever their term: what 19.11.13.4 counts."""
    record = ctx.profile()
    return int(record.minor_penalties_on_record) if record is not None else 0


def _penalised(ctx: Context) -> list[tuple[Offence | None, Any]]:
    charges = {c["no"]: c for c in ctx.data.get("charges") or []}
    return [
        (offence_of(charges.get(row["charge"], {})), PENALTY_BY_CODE.get(row["penalty"]))
        for row in ctx.value("findings") or []
        if row.get("penalty")
    ]


def penalties_match_classification_or_repeated(ctx: Context) -> bool:
    """19.11.3 as 19.11.13.4 qualifies it: a penalty matches its offence's classification,
    except that a major penalty for a Minor offence is the one 19.11.13.4 leads to where the
    record holds three or more reprimands or minor penalties (the record is read only then)."""
    heavier = False
    for offence, penalty in _penalised(ctx):
        if penalty is None or offence is None:
            return False
        if penalty_allowed(offence, penalty):
            continue
        if penalty.severity != "major":
            return False
        heavier = True
    return not heavier or minor_penalties_on_record(ctx) >= REPEATED_MINOR


def major_after_repeated_minor(ctx: Context) -> bool:
    """19.11.13.4 read as "leads": with three or more minor penalties on record, a decision
    finding a charge proven imposes a major penalty on at least one charge."""
    penalised = _penalised(ctx)
    if not penalised or any(p is not None and p.severity == "major" for _, p in penalised):
        return True
    return minor_penalties_on_record(ctx) < REPEATED_MINOR


def _swap_guard(step: Step, old: Callable[[Context], bool], new: Guard) -> Step:
    return replace(step, guards=tuple(new if g.check is old else g for g in step.guards))


# -- 19.9.7: the RCSC's suspension order is notified to the agency


def suspended_by_rcsc(ctx: Context) -> bool:
    return suspension_body(ctx).agencies == (R.RCSC_AGENCY,)


def agency_order_notified(ctx: Context) -> bool:
    """19.9.6: "The Agency shall issue a formal Office Order ... notified to the RCSC and
    the civil servant concerned" (the agency's own order)."""
    return suspended_by_rcsc(ctx) or bool(ctx.value("rcsc_notified"))


def rcsc_order_notified(ctx: Context) -> bool:
    """19.9.7: "The civil servant and the Agency concerned shall be notified if the
    Suspension Order is issued by the RCSC"."""
    return not suspended_by_rcsc(ctx) or bool(ctx.value("agency_notified"))


# -- 19.11.13.2-3, 19.11.14.2, 19.11.1: the amounts of a penalty

INCREMENTS = {"increment_deduction_minor": (1, 2), "increment_deduction_major": (3, 5)}


def _guilty_rows(ctx: Context) -> list[Mapping[str, Any]]:
    return [r for r in ctx.value("findings") or [] if r.get("penalty")]


def fines_within_a_month_s_salary(ctx: Context) -> bool:
    """19.11.13.2: "Fine of an amount not exceeding one month's salary": each fine states its
    amount, and the month's salary it is measured against is given."""
    fines = [r for r in _guilty_rows(ctx) if r["penalty"] == "fine"]
    if not fines:
        return True
    salary = ctx.value("monthly_salary")
    if salary is None:
        return False
    cap = Decimal(str(salary))
    return all(r.get("amount") is not None and 0 < Decimal(r["amount"]) <= cap for r in fines)


def increments_in_range(ctx: Context) -> bool:
    """19.11.13.3 "Deduction of one/two increments", 19.11.14.2 "Deduction of three to five
    increments": each deduction states how many, within its range."""
    for r in _guilty_rows(ctx):
        low_high = INCREMENTS.get(r["penalty"])
        if low_high and not (r.get("increments") and low_high[0] <= r["increments"] <= low_high[1]):
            return False
    return True


def amounts_belong_to_their_penalty(ctx: Context) -> bool:
    """An amount goes with a fine, a number of increments with a deduction of increments."""
    for r in ctx.value("findings") or []:
        if r.get("amount") is not None and r.get("penalty") != "fine":
            return False
        if r.get("increments") is not None and r.get("penalty") not in INCREMENTS:
            return False
    return True


def fine_payable_by_given(ctx: Context) -> bool:
    """19.11.1: failure to pay "within the specified time frame" levies 24 percent a year on
    the initial amount: a fine names the day it is payable by."""
    fined = any(r["penalty"] == "fine" for r in _guilty_rows(ctx))
    return not fined or bool(ctx.value("fine_payable_by"))


FINDINGS_WITH_AMOUNTS = Field(
    "findings",
    "findings",
    "Finding and penalty for each charge (19.11.2); a fine's amount, the increments deducted",
    choices=PENALTY_CHOICES,
    amounts=True,
)
AMOUNT_FIELDS = (
    Field(
        "monthly_salary",
        "decimal",
        "Respondent's salary for one month, Nu (the cap of a fine, 19.11.13.2)",
        required=False,
        help="The register keeps no pay: give the month's salary the respondent draws.",
    ),
    Field(
        "fine_payable_by",
        "date",
        "Fine payable by (after this day 24% a year on the amount, 19.11.1)",
        required=False,
        future_ok=True,
    ),
)


def _with_amounts(step: Step) -> Step:
    fields = tuple(FINDINGS_WITH_AMOUNTS if f.name == "findings" else f for f in step.fields)
    return replace(step, fields=(*fields, *AMOUNT_FIELDS))


# -- 19.3.5: the respondent objects to a member; the chair decides


def objection_pending(ctx: Context) -> bool:
    return any(o.get("status") == "pending" for o in ctx.data.get("objections") or [])


# While the committee (or its investigators) hears the case: an objection to an appellate
# member is not decided by the HRC chair.
OBJECTION_STATES = tuple(
    s for s in OPEN_STATES if s not in ("decided", "appeal", "summary_recommended")
)
OBJECTION_STEPS = (
    Step(
        "object_to_member",
        OBJECTION_STATES,
        "=",
        "Object to a member (relation or prejudice)",
        "19.3.5",
        by=frozenset({R.RESPONDENT, R.HR_OFFICER}),
        authority=intake_body,
        fields=(
            Field("objected_member", "text", "The member objected to (user name)", max_length=64),
            Field(
                "objection_grounds",
                "textarea",
                "How the member is related to or prejudiced against the respondent",
            ),
            Field("objection_raised_on", "date", "Objection raised on"),
        ),
        effects=("record_objection",),
        help='19.3.5: "A person related to or prejudicial against a respondent civil servant '
        "shall not be a member of Disciplinary Committee, the Investigating Committee or as an "
        'Appellate Authority." The HRC chair decides the objection.',
    ),
    Step(
        "decide_objection",
        OBJECTION_STATES,
        "=",
        "Decide an objection to a member",
        "19.3.5",
        by=frozenset({R.HRC_CHAIR}),
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.3.5", "no objection to a member is pending", objection_pending, precheck=True
            ),
        ),
        fields=(
            Field("objected_member", "text", "The member objected to (user name)", max_length=64),
            Field(
                "objection_decision",
                "choice",
                "Decision",
                choices=(
                    ("upheld", "Upheld: the member steps aside from this case (19.3.5)"),
                    ("dismissed", "Dismissed: the member stays"),
                ),
            ),
            Field("objection_reasons", "textarea", "Reasons (19.2.1)"),
        ),
        effects=("decide_objection",),
    ),
)


def _decision_v2(step: Step, **changes: Any) -> Step:
    """record_decision from 2023.2: 19.11.13.4 over 19.11.3, and the penalties' amounts."""
    step = _swap_guard(
        replace(step, **changes),
        penalties_match_classification,
        Guard(
            "19.11.3, 19.11.13.4",
            "a Major offence needs a major penalty (19.11.14) and a Minor offence a minor one "
            "(19.11.13), unless three or more reprimands or minor penalties on record lead to "
            "a major one (19.11.13.4); the HRC chooses for Minor/Major",
            penalties_match_classification_or_repeated,
        ),
    )
    return replace(
        _with_amounts(step),
        guards=(
            *step.guards,
            Guard(
                "19.11.13.4",
                "the respondent's record holds three or more reprimands or minor penalties, "
                "which lead to a major penalty: impose a major penalty (19.11.14)",
                major_after_repeated_minor,
                under=(readings.REPEATED_MINOR.id, "leads"),
            ),
            Guard(
                "19.11.13.2",
                "a fine is of an amount not exceeding one month's salary: give each fine's "
                "amount and the respondent's salary for one month",
                fines_within_a_month_s_salary,
            ),
            Guard(
                "19.11.1",
                "a fine names the day it is payable by (24% a year on the initial amount after it)",
                fine_payable_by_given,
            ),
            Guard(
                "19.11.13.3, 19.11.14.2",
                "a deduction of increments states how many: one or two (minor, 19.11.13.3), "
                "three to five (major, 19.11.14.2)",
                increments_in_range,
            ),
            Guard(
                "19.11.13.2, 19.11.13.3",
                "an amount goes only with a fine, a number of increments only with a deduction "
                "of increments",
                amounts_belong_to_their_penalty,
            ),
        ),
        effects=(*step.effects, "note_repeated_minor"),
    )


def _suspend_v2(step: Step) -> Step:
    """suspend from 2023.2: the RCSC's order is notified to the agency (19.9.7); the agency's
    to the RCSC (19.9.6)."""
    fields = tuple(
        replace(f, label="Agency's order notified to the RCSC and the civil servant (19.9.6)")
        if f.name == "rcsc_notified"
        else f
        for f in step.fields
    )
    guards = tuple(
        replace(g, check=agency_order_notified) if g.cite == "19.9.6" else g for g in step.guards
    )
    return _extended(
        replace(step, fields=fields, guards=guards),
        fields=(
            Field(
                "agency_notified",
                "bool",
                "RCSC's order notified to the civil servant and the agency (19.9.7)",
            ),
        ),
        guards=(
            Guard(
                "19.9.7",
                "the RCSC's suspension order must be notified to the civil servant and the "
                "agency concerned",
                rcsc_order_notified,
            ),
        ),
    )


def _notice_v2(step: Step) -> Step:
    """serve_notice from 2023.2: a charge may be an offence outside the schedule (19.11.11)."""
    fields = tuple(replace(f, required=False) if f.name == "charges" else f for f in step.fields)
    return replace(
        step,
        fields=(
            *fields,
            Field(
                "other_offence",
                "textarea",
                "Another offence, not covered in Schedule 19/A (19.11.11)",
                required=False,
            ),
            Field(
                "other_classification",
                "choice",
                "Its classification (19.11.11)",
                required=False,
                choices=((MINOR, "Minor (minor penalties)"), (MAJOR, "Major (major penalties)")),
            ),
            Field(
                "other_rule_breached",
                "text",
                "The rule or provision it breaches",
                required=False,
            ),
            Field(
                "other_compared_with",
                "choice",
                "The schedule's offence it compares with (19.11.11)",
                required=False,
                choices=OFFENCE_CHOICES,
            ),
        ),
        guards=(
            Guard(
                "19.8.2.1(i), 19.11.11",
                "charge at least one offence: of the schedule (19.11.3) or another (19.11.11)",
                some_charge,
            ),
            Guard(
                "19.11.11",
                "another offence is charged with its classification, the rule it breaches and "
                "the schedule's offence it compares with",
                other_offence_complete,
            ),
            *step.guards,
        ),
        effects=(*step.effects, "record_other_offence"),
    )


_order = PROCESS.branches("order_investigation")[0]
_dismiss = PROCESS.branches("dismiss_case")[0]

# -- 2023.2: the appeal as the appellate body decides and executes it (19.8.3, 19.12)

APPEAL_OUTCOMES_V2 = (
    ("upheld", "Decision upheld on every charge (19.12.4)"),
    (
        "varied",
        "Decision varied: acquitted on some charges and/or a penalty varied, charge by charge",
    ),
    ("quashed", "Decision set aside: acquitted on every charge, penalties revoked"),
    ("remanded", "Remanded to the deciding body to decide again"),
)


def _findings_given(rows_field: str, outcome_field: str, outcome: str) -> Callable[[Context], bool]:
    """The outcome ``outcome`` states the finding (and penalty) on every charge in
    ``rows_field``; any other outcome states none."""

    def check(ctx: Context) -> bool:
        rows = ctx.value(rows_field) or []
        if ctx.value(outcome_field) != outcome:
            return not rows
        charged = {c["no"] for c in ctx.data.get("charges") or []}
        return bool(charged) and {r["charge"] for r in rows} == charged

    check.__qualname__ = f"findings_given({rows_field}, {outcome})"
    return check


def _on_findings(
    rows_field: str, outcome_field: str, outcome: str, check: Callable[[Context], bool]
) -> Callable[[Context], bool]:
    """``check`` (a rule of the committee's findings) read on the findings in ``rows_field``
    when the outcome is ``outcome``: a later body imposes penalties by the same rules."""

    def on_findings(ctx: Context) -> bool:
        rows = ctx.value(rows_field) or []
        if ctx.value(outcome_field) != outcome or not rows:
            return True
        return check(replace(ctx, fields={**ctx.fields, "findings": rows}))

    on_findings.__qualname__ = f"on_{rows_field}({getattr(check, '__qualname__', 'check')})"
    return on_findings


def findings_rules(
    rows_field: str, outcome_field: str, outcome: str, cite: str, who: str
) -> tuple[Guard, ...]:
    """The penalty rules of 19.11 (one per proven charge, of the offence's class, a
    conviction's prescribed penalty) on the findings a later body (``who``) states."""
    return (
        Guard(
            cite,
            f"{who} states a finding on every charge when the outcome is '{outcome}' (and "
            "states findings only then)",
            _findings_given(rows_field, outcome_field, outcome),
        ),
        Guard(
            "19.11.2",
            f"{who} too: one penalty per charge found proven, none for a charge not proven",
            _on_findings(rows_field, outcome_field, outcome, each_guilty_charge_has_one_penalty),
        ),
        Guard(
            "19.11.3",
            f"{who} too: a Major offence needs a major penalty (19.11.14) and a Minor offence "
            "a minor one (19.11.13)",
            _on_findings(rows_field, outcome_field, outcome, penalties_match_classification),
        ),
        Guard(
            "19.11.7, 19.11.8",
            f"{who} too: a conviction by a Court of Law carries the prescribed penalty",
            _on_findings(
                rows_field,
                outcome_field,
                outcome,
                lambda c: all(conviction_penalty_as_prescribed(i)(c) for i in CONVICTION_PENALTY),
            ),
        ),
    )


APPEAL_DECISION_V2 = (
    replace(APPEAL_DECISION[0], choices=APPEAL_OUTCOMES_V2),
    Field(
        "appellate_findings",
        "findings",
        "Varied decision: finding and penalty on each charge (19.11.2)",
        required=False,
        choices=PENALTY_CHOICES,
        help="Only for a varied decision: every charge, acquitted or with its penalty.",
    ),
    *APPEAL_DECISION[1:],
)

APPELLATE_FINDINGS_RULES = findings_rules(
    "appellate_findings", "appeal_outcome", "varied", "19.12.4", "the appellate body"
)

APPEAL_EXECUTION = (
    Field("executed_on", "date", "Executed by the appellate authority's DC on"),
    Field("execution_letter_no", "text", "Letter executing the appellate decision"),
    Field(
        "appeal_decision_received_on",
        "date",
        "Respondent received the appellate decision on",
    ),
)


def remanded_to(summary: bool) -> Callable[[Context], bool]:
    def check(ctx: Context) -> bool:
        return ctx.value("appeal_outcome") == "remanded" and decided_by_rcsc(ctx) is summary

    return check


def closed_by_lapse(ctx: Context) -> bool:
    """A closed case the oversight appeal may reopen: a committee's decision that became
    final because the respondent's window lapsed (not an appeal decided, a death, ...)."""
    return ctx.data.get("last_step") == "decision_becomes_final"


_decide_appeal_v2 = Step(
    "decide_appeal",
    "appeal",
    "appeal_decided",
    "Decide the appeal",
    "19.12.4",
    by=frozenset({R.APPELLATE}),
    authority=appellate_body_by_decider,
    fields=APPEAL_DECISION_V2,
    guards=(*DUE_PROCESS, *APPELLATE_FINDINGS_RULES),
    settles=("appellate_decision_due",),
)
_execute = Step(
    "execute_appeal_decision",
    "appeal_decided",
    "closed",
    "Execute the appellate decision (the appellate authority's DC)",
    "19.8.3",
    by=COMMITTEE,
    authority=appellate_executor,
    when=outcome_is("upheld", "varied", "quashed"),
    fields=APPEAL_EXECUTION,
    effects=("execute_appeal_decision",),
)
APPEAL_STEPS_V2 = (
    _execute,
    # A remand sends the case back to the body that decided: the committee's meeting, with
    # no clock (19.8.2.3(vi) counts from an investigation report), or the RCSC's summary
    # decision (19.10.1).
    replace(_execute, dest="dc_meeting", when=remanded_to(summary=False)),
    replace(_execute, dest="summary_recommended", when=remanded_to(summary=True)),
    Step(
        "lodge_oversight_appeal",
        ("decided", "closed"),
        "appeal",
        "Appeal as an oversight agency (inconsistencies observed)",
        "19.12.1",
        by=frozenset({R.RCSC}),
        authority=lambda ctx: Authority((R.RCSC_AGENCY,), "19.12.1"),
        guards=(
            Guard(
                "19.12.1",
                "an oversight agency appeals a Disciplinary Committee's decision; this case "
                "was closed otherwise (an appeal decided, a death, a summary retirement)",
                closed_by_lapse,
                precheck=True,
            ),
        ),
        fields=(
            Field(
                "inconsistencies",
                "textarea",
                "Inconsistencies observed in the disciplinary action (19.12.1)",
            ),
            Field(
                "grounds",
                "multichoice",
                "Grounds (19.12.2.1-5), where they apply",
                choices=APPEAL_GROUNDS,
                required=False,
            ),
            Field("appeal_lodged_on", "date", "Appeal lodged on"),
            Field("appeal_received_on", "date", "Appellate authority received it on"),
        ),
        # The respondent's window is theirs (19.12.2): the oversight appeal makes it moot
        # rather than meeting it, and a case in its window does not wait for the agency.
        cancels=("appeal_window",),
        arms=(
            Arm(
                "appellate_decision_due",
                "Appellate decision",
                "19.12.4",
                days=30,
                from_field="appeal_received_on",
            ),
        ),
        effects=("record_appellate_body",),
    ),
)
# The oversight appeal from a decided case is possible whatever the day: no window binds it.
_oversight = APPEAL_STEPS_V2[-1]
APPEAL_STEPS_V2 = (
    *APPEAL_STEPS_V2[:-1],
    replace(_oversight, source="decided", guards=()),
    replace(_oversight, source="closed", reopens=True),
)


# -- 2023.2: courts (19.11.5, 19.11.6, 19.13) and the appeal beyond the Tribunal (19.12.5-6)

COURT_STATES = (*OPEN_STATES, "appeal_decided", "retired_summarily", "closed")


def prosecution_forwarded(ctx: Context) -> bool:
    return bool(ctx.data.get("prosecution"))


def tribunal_decided(ctx: Context) -> bool:
    """19.12.5: "if not satisfied with the decision of the ultimate Appellate Authority,
    namely, Administrative Tribunal": the Tribunal heard the appeal and its decision was
    executed."""
    named = (ctx.data.get("appellate_body") or {}).get("agencies")
    return named == [R.TRIBUNAL_AGENCY] and bool(ctx.data.get("appeal_executed"))


def court_appeal_pending(ctx: Context) -> bool:
    return bool(ctx.data.get("court_appeal")) and not ctx.data.get("court_judgement")


def court_appeal_filing_body(ctx: Context) -> Authority:
    """19.12.5: the aggrieved civil servant appeals (recorded by the respondent or their
    agency's HR officer); the Tribunal, whose decision is appealed, records it too."""
    return Authority((ctx.subject.agency, R.TRIBUNAL_AGENCY), "19.12.5")


def court_judgement_recorder(ctx: Context) -> Authority:
    """19.12.6: the Tribunal, whose decision the court reviewed, or the RCSC records the
    judgement and its effect on the penalty."""
    return Authority((R.TRIBUNAL_AGENCY, R.RCSC_AGENCY), "19.12.6")


RCSC_NOTIFIED = Guard(
    "19.13",
    "No party shall prosecute or suspend a civil servant without notifying the RCSC: record "
    "that the RCSC was notified",
    checked("rcsc_notified_of_prosecution"),
)
COURT_STEPS_V2 = (
    Step(
        "forward_for_prosecution",
        COURT_STATES,
        "=",
        "Forward to the Court of Law through the Office of the Attorney General",
        "19.11.6",
        by=COMMITTEE,
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.11.6",
                "a case is forwarded for prosecution only after the need for it is "
                "established beyond a reasonable doubt",
                checked("prosecution_need_established"),
            ),
            Guard(
                "19.11.6",
                "the case is already forwarded to the Office of the Attorney General",
                lambda ctx: not prosecution_forwarded(ctx),
                precheck=True,
            ),
            RCSC_NOTIFIED,
        ),
        fields=(
            Field(
                "prosecution_need_established",
                "bool",
                "The need for criminal prosecution is established beyond a reasonable doubt",
            ),
            Field("prosecution_grounds", "textarea", "Why prosecution is needed"),
            Field(
                "forwarded_to_oag_on", "date", "Forwarded to the Office of the Attorney General on"
            ),
            Field("oag_reference", "text", "Forwarding letter number"),
            Field(
                "rcsc_notified_of_prosecution",
                "bool",
                "The RCSC was notified of the prosecution (19.13)",
            ),
        ),
        effects=("record_prosecution",),
    ),
    Step(
        "record_criminal_charges",
        COURT_STATES,
        "=",
        "Record the criminal charges filed in the Court of Law",
        "19.11.5",
        by=COMMITTEE,
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.11.6",
                "criminal charges follow the case's forwarding through the Office of the "
                "Attorney General",
                prosecution_forwarded,
                precheck=True,
            ),
        ),
        fields=(
            Field("prosecution_court", "text", "Court of Law"),
            Field("charges_filed_on", "date", "Criminal charges filed on"),
            Field("court_case_no", "text", "Court case number"),
        ),
        effects=("record_prosecution",),
    ),
    Step(
        "lodge_court_appeal",
        "closed",
        "=",
        "Appeal the Tribunal's decision to the High Court or Supreme Court",
        "19.12.5",
        by=frozenset({R.RESPONDENT, R.HR_OFFICER, R.APPELLATE}),
        authority=court_appeal_filing_body,
        guards=(
            Guard(
                "19.12.5",
                "only a decision of the Administrative Tribunal, the ultimate Appellate "
                "Authority, is appealed to the High Court or Supreme Court",
                tribunal_decided,
                precheck=True,
            ),
            Guard(
                "19.12.5",
                "a court appeal is already recorded on this case",
                lambda ctx: not ctx.data.get("court_appeal"),
                precheck=True,
            ),
        ),
        fields=(
            Field(
                "appeal_court",
                "choice",
                "Court",
                choices=(("high_court", "High Court"), ("supreme_court", "Supreme Court")),
            ),
            Field("court_appeal_filed_on", "date", "Appeal filed on"),
            Field("court_appeal_no", "text", "Court case number"),
        ),
        effects=("record_court_appeal",),
    ),
    Step(
        "record_court_judgement",
        "closed",
        "=",
        "Record the court's judgement on the appeal",
        "19.12.6",
        by=frozenset({R.APPELLATE, R.RCSC}),
        authority=court_judgement_recorder,
        guards=(
            Guard(
                "19.12.6",
                "no appeal to the High Court or Supreme Court awaits a judgement on this case",
                court_appeal_pending,
                precheck=True,
            ),
            *findings_rules(
                "court_findings", "court_outcome", "guilty_on_some", "19.12.6", "the court"
            ),
        ),
        fields=(
            Field("judgement_on", "date", "Judgement delivered on"),
            Field(
                "court_outcome",
                "choice",
                "Judgement",
                choices=(
                    ("acquitted", "Acquitted of all charges: the penalty stands revoked (19.12.6)"),
                    (
                        "guilty_on_some",
                        "Guilty on some charges: the administrative penalty deemed appropriate",
                    ),
                    ("upheld", "The Tribunal's decision upheld"),
                ),
            ),
            Field(
                "court_findings",
                "findings",
                "Guilty on some charges: finding and penalty on each charge (19.11.2)",
                required=False,
                choices=PENALTY_CHOICES,
            ),
            Field("judgement_summary", "textarea", "What the court held"),
        ),
        effects=("apply_court_judgement",),
    ),
)


# -- 2023.2: summons and non-compliance (19.3.3.3, 19.3.3.4)


def summons_known(ctx: Context) -> bool:
    """The non-compliance names a summons issued on this case."""
    issued = {s["no"] for s in ctx.data.get("summonses") or []}
    return ctx.value("summons_no") in issued


SUMMONS_STEPS_V2 = (
    Step(
        "issue_summons",
        ENQUIRY_STATES,
        "=",
        "Issue a summons or subpoena",
        "19.3.3.3",
        by=COMMITTEE | INVESTIGATORS,
        authority=disciplinary_body,
        fields=(
            Field("summoned", "text", "Person summoned (name, and position if a civil servant)"),
            Field(
                "summons_kind",
                "choice",
                "Kind",
                choices=(
                    ("summons", "Summons to appear and testify"),
                    ("subpoena", "Subpoena"),
                    ("subpoena_duces_tecum", "Subpoena duces tecum (to produce documents)"),
                ),
            ),
            Field("summoned_for", "date", "To appear or produce on", future_ok=True),
            Field("summons_purpose", "textarea", "Purpose"),
        ),
        effects=("record_summons",),
    ),
    Step(
        "record_non_compliance",
        ENQUIRY_STATES,
        "=",
        "Record failure to comply with a summons",
        "19.3.3.4",
        by=COMMITTEE | INVESTIGATORS,
        authority=disciplinary_body,
        guards=(
            Guard(
                "19.3.3.4",
                "no summons has been issued on this case",
                lambda ctx: bool(ctx.data.get("summonses")),
                precheck=True,
            ),
            Guard("19.3.3.4", "name a summons issued on this case (its number)", summons_known),
        ),
        fields=(
            Field("summons_no", "int", "Summons number"),
            Field("non_compliance", "textarea", "How the summons was not complied with"),
            Field(
                "non_compliance_action",
                "choice",
                "Action (19.3.3.4)",
                choices=(
                    ("punished", "Punished, with the penalty the law provides"),
                    ("recommended", "Punishment recommended to the competent authority"),
                ),
            ),
            Field("non_compliance_details", "textarea", "The penalty or the recommendation"),
        ),
        effects=("record_non_compliance",),
    ),
)


# -- 2023.2: suspension continued from another proceeding (19.9.13)

CONTINUE_SUSPENSION_V2 = Step(
    "continue_suspension",
    ENQUIRY_STATES,
    "=",
    "Continue a suspension ordered in another proceeding",
    "19.9.13",
    by=COMMITTEE | frozenset({R.RCSC}),
    authority=suspension_body,
    guards=(
        Guard("19.9.12", "the civil servant is already suspended", not_suspended, precheck=True),
    ),
    fields=(
        Field(
            "suspension_case",
            "int",
            "Disciplinary case in which the civil servant is suspended",
            help="The case number of the suspension in force (19.9.13).",
        ),
        Field("continued_from", "date", "Continued from", future_ok=True),
        Field("reasons", "textarea", "Justifiable reasons for continuing the suspension"),
    ),
    effects=("continue_suspension", "suspension_on_register"),
)


# -- 2023.2: suspension across the proceedings (19.9.9, 19.9.15, reading R-19.9.9-proceedings),
# the ACAB exception (19.9.2, reading R-19.9.2-acab), the position held (19.9.15)

SUSPENSION_STATES_V2 = (
    *ENQUIRY_STATES,
    "awaiting_endorsement",
    "endorsed",
    "decided",
    "appeal",
    "appeal_decided",
)


def in_office(ctx: Context) -> bool:
    """19.9.1: suspension is "a means to prevent one from hampering the ongoing
    investigation while the person is in the office": a civil servant this case separated
    (19.11.14) holds no office to be suspended from."""
    return not ctx.data.get("separation")


IN_OFFICE = Guard(
    "19.9.1",
    "the civil servant was separated by this case's penalty and holds no office to be "
    "suspended from",
    in_office,
    precheck=True,
)


def prosecution_awaits_judgement(ctx: Context) -> bool:
    """19.11.5: criminal charges filed in a Court of Law on the case, its judgement not yet
    recorded: "Court ... proceedings" of 19.9.9 are not complete."""
    found = ctx.data.get("prosecution") or {}
    return bool(found.get("charges_filed_on")) and not found.get("judgement_on")


IN_COURT = Guard(
    "19.9.9, 19.12.5, 19.11.5",
    "on a closed case a suspension is ordered only while court proceedings await judgement "
    "(19.9.9): an appeal to the High Court or Supreme Court (19.12.5), or the criminal "
    "charges filed on the case (19.11.5)",
    lambda ctx: court_appeal_pending(ctx) or prosecution_awaits_judgement(ctx),
    precheck=True,
)


def _across_proceedings(step: Step) -> tuple[Step, Step]:
    """``step`` (suspending, or the hearing before it; a branch of the first version, which
    stays in its state) from 2023.2: from the enquiry until
    the final decision (reading R-19.9.9-proceedings), and on a closed case while a court
    appeal of the Tribunal's decision is pending."""
    return (
        _guarded(replace(step, source=SUSPENSION_STATES_V2, dest="="), IN_OFFICE),
        _guarded(replace(step, source="closed", dest="="), IN_COURT, IN_OFFICE),
    )


def on_commission_order(ctx: Context) -> bool:
    return ctx.value("ordered_under") == "acab"


def acab_suspension_body(ctx: Context) -> Authority:
    """19.9.2 "with the exception as provided in ACAB 2011" (reading R-19.9.2-acab): the
    civil servant's agency executes the Anti-Corruption Commission's order, or the RCSC."""
    return Authority((ctx.subject.agency, R.RCSC_AGENCY), "19.9.2")


SUSPENSION_ORDER_FIELDS = (
    Field(
        "ordered_under",
        "choice",
        "The suspension is ordered",
        required=False,
        choices=(
            ("competent_authority", "By the competent authority (19.9.2, 19.9.3)"),
            (
                "acab",
                "On the Anti-Corruption Commission's order under ACAB 2011 (the exception of "
                "19.9.2)",
            ),
        ),
        help="Left empty: by the competent authority.",
    ),
    Field(
        "acc_order_no",
        "text",
        "The Anti-Corruption Commission's order (number and date)",
        required=False,
    ),
)


def _suspend_under(step: Step) -> tuple[Step, Step]:
    """suspend from 2023.2: by the competent authority (after the hearing, 19.9.3), or on
    the Anti-Corruption Commission's order (19.9.2's exception): the agency executes it,
    without the committee's hearing, its order notified to the RCSC and the civil servant
    (19.9.6; 19.13 "No party shall ... suspend a civil servant without notifying the
    RCSC")."""
    own = _extended(
        step, fields=SUSPENSION_ORDER_FIELDS, when=lambda ctx: not on_commission_order(ctx)
    )
    acab = replace(
        own,
        cite="19.9.2",
        when=on_commission_order,
        authority=acab_suspension_body,
        guards=(
            *(
                replace(g, check=checked("rcsc_notified")) if g.cite == "19.9.6" else g
                for g in own.guards
                if g.cite not in ("19.9.3", "19.9.7")
            ),
            Guard(
                "19.9.2",
                "a suspension under ACAB 2011 names the Anti-Corruption Commission's order",
                lambda ctx: bool(ctx.value("acc_order_no")),
            ),
        ),
    )
    return own, acab


def _revoke_under(step: Step) -> tuple[Step, Step]:
    """revoke_suspension from 2023.2: 19.9.12 "unless it is modified or revoked by the
    appropriate authority". A suspension executed on the Anti-Corruption Commission's order
    (19.9.2's exception, reading R-19.9.2-acab) was ordered by the authority that executed
    it, the civil servant's agency or the RCSC, ESC included: that authority revokes it,
    as it suspended. Any other suspension stays with the body that may suspend (19.9.2,
    19.9.3)."""
    own = replace(step, when=lambda ctx: not on_commission_order(ctx))
    acab = _guarded(
        replace(
            step, cite="19.9.2, 19.9.12", when=on_commission_order, authority=acab_suspension_body
        ),
        Guard(
            "19.9.2",
            "the suspension in force was not executed on the Anti-Corruption Commission's order",
            on_commission_order,
            precheck=True,
        ),
    )
    return own, acab


PROSECUTION_JUDGEMENT_V2 = Step(
    "record_prosecution_judgement",
    COURT_STATES,
    "=",
    "Record the Court of Law's judgement on the criminal charges",
    "19.11.5, 19.9.9",
    by=COMMITTEE,
    authority=disciplinary_body,
    guards=(
        Guard(
            "19.11.5",
            "no criminal charges filed on the case await a judgement",
            prosecution_awaits_judgement,
            precheck=True,
        ),
    ),
    fields=(
        Field("judgement_on", "date", "Judgement delivered on"),
        Field(
            "prosecution_outcome",
            "choice",
            "The Court of Law",
            choices=(
                ("convicted", "convicted the civil servant (19.11.7, 19.11.8: a case on it)"),
                ("acquitted", "acquitted the civil servant"),
            ),
        ),
    ),
    help="A suspension in force stays until revoked, or is continued on the case opened on a "
    "conviction (19.9.12, 19.9.13).",
    effects=("record_prosecution",),
)


SUSPENSION_V2 = (
    *(
        _also(branch, "suspension_on_register")
        for across in _across_proceedings(_suspend_v2(PROCESS.branches("suspend")[0]))
        for branch in _suspend_under(across)
    ),
    *_across_proceedings(PROCESS.branches("hold_pre_suspension_hearing")[0]),
    *(
        branch
        for source in ((*OPEN_STATES, "appeal_decided"), "closed")
        for branch in _revoke_under(
            replace(PROCESS.branches("revoke_suspension")[0], source=source, dest="=")
        )
    ),
)


def _appealable(step: Step) -> Step:
    """19.2.4, 19.3.7: the RCSC's summary retirement is appealed to the Tribunal within the
    window of reading R-19.12.2-summary (10 working days from receipt of the order)."""
    return _extended(
        step,
        fields=(Field("order_received_on", "date", "Civil servant received the RCSC's order on"),),
        effects=("summary_decided_by_rcsc",),
        arms=(
            Arm(
                "appeal_window",
                "Appeal window closes",
                "19.12.2",
                working_days=10,
                from_field="order_received_on",
                on_timeout="decision_becomes_final",
            ),
        ),
    )


_final = PROCESS.branches("decision_becomes_final")[0]
# From 2023.2 lodging an appeal names the appellate body on the case (19.3.7).
_lodge = _also(PROCESS.branches("lodge_appeal")[0], "record_appellate_body")
SUMMARY_APPEAL_V2 = (
    _final,
    replace(
        _final,
        source="retired_summarily",
        dest="retirement_final",
        label="Appeal window closed; summary retirement final",
        cite="19.2.4, 19.12.2",
        effects=(),
    ),
    replace(
        _lodge,
        source="retired_summarily",
        label="Appeal the summary retirement to the Administrative Tribunal",
        cite="19.2.4, 19.3.7",
    ),
)


# -- 19.3.5: investigators and members present are accounts, chosen, never typed

INVESTIGATORS_V2 = Field(
    "investigators",
    "users",
    "Investigator(s)",
    users_from=committee_rules.INVESTIGATORS,
    help="Chosen from the case's Investigation Committee where the agency recorded it, else "
    "from the agency's users; never the respondent or a member who stepped aside (19.3.5).",
)
PRESENT_V2 = Field(
    "members_present",
    "users",
    "Committee members present",
    users_from=committee_rules.PRESENT,
    help="Chosen from the committee's members serving on the meeting's day where the agency "
    "recorded it, else from the agency's users; never a member who stepped aside (19.3.5).",
)


def _with_field(step: Step, field: Field) -> Step:
    """``step`` with its field of ``field``'s name taken as ``field`` declares it."""
    return replace(step, fields=tuple(field if f.name == field.name else f for f in step.fields))


def taken_by_a_chosen_investigator(ctx: Context) -> bool:
    """19.8.2.2(v)-(x) give the investigation's steps to "The Investigator or Investigating
    Committee" the Disciplinary Committee directed: an officer acting only as an
    investigator takes them only if the case names them among its investigators. The
    Disciplinary Committee's members (the Member Secretary among them, 19.8.2.2(iii)) record
    them as before."""
    actor = ctx.actor
    if actor is None or R.INVESTIGATOR not in actor.roles:
        return True
    if actor.roles & (COMMITTEE | {R.RCSC}):
        return True
    named = ctx.data.get("investigators")
    return not isinstance(named, list) or actor.username in named


def _by_chosen_investigators(step: Step) -> Step:
    """``step`` limited to the chosen investigators, citing the provision giving it to them."""
    return _guarded(
        step,
        Guard(
            step.cite,
            "this step is the investigator's or Investigation Committee's the Disciplinary "
            "Committee directed (19.8.2.2): you are not among the investigators chosen on this "
            "case",
            taken_by_a_chosen_investigator,
            precheck=True,
            named_in="investigators",
        ),
    )


STATES_V2 = (
    State(
        "retired_summarily",
        "compulsorily retired by summary proceedings; appeal window open (19.2.4, 19.3.7)",
    ),
    State("retirement_final", "compulsorily retired by summary proceedings; final", final=True),
    State(
        "appeal_decided",
        "appeal decided; to be executed by the appellate authority's DC (19.8.3)",
    ),
)
READINGS_V2 = (
    readings.InForce(
        readings.SUMMARY_APPEAL_WINDOW,
        "ten_working_days",
        "19.2.4 gives every civil servant an appeal of a disciplinary decision and 19.3.7 "
        "sends the RCSC's to the Tribunal; the only period the chapter sets for an appeal is "
        "19.12.2's, so the summary retirement is held to it, from receipt of the order. The "
        "first version allowed no appeal: the retirement was final at once",
    ),
    readings.InForce(
        readings.OVERSIGHT_APPEAL,
        "no_limit",
        "19.12.2's window is the respondent's (\"A respondent civil servant may appeal ... "
        'within 10 working days"); 19.12.1 gives an oversight agency the appeal without a '
        "time. The first version held every appeal to the respondent's window",
    ),
)

V2 = revise(
    PROCESS,
    version="2023.2",
    effective_from=date(2026, 12, 7),
    changes="19.8.2.3(vi): the 30-day meeting clock runs only from receipt of the "
    "investigation report; 19.8.2.2(v): the five working days to commence run from the "
    "investigator's receipt of the directive; 19.8.2.1(iii): dismissal needs an explanation "
    "received; 19.3.7: the appellate body follows who decided (the Tribunal for every RCSC "
    "decision), and a department or dzongkhag with no ministry recorded has none; 19.11.7-8: "
    "a case on a court conviction goes to the prescribed penalty (no ADR, no dismissal, no "
    "acquittal of the conviction); 19.10.1: the agency's HRC recommends summary retirement "
    "for every civil servant; 19.5.1.2: a written complaint comes with its documentary "
    "evidence; 19.11.14: dismissal or compulsory retirement, once executed, separates the "
    "civil servant on the register; 19.9.14: a decision on death replaces earlier findings "
    "and penalties; 19.11.13.4: three or more reprimands or minor penalties on record lead "
    "to a major penalty (the 19.11.3 match gives way), recorded on the decision; 19.9.7: the "
    "RCSC's suspension order is notified to the agency; 19.11.13.2, 19.11.13.3, 19.11.14.2, "
    "19.11.1: a fine states its amount (at most one month's salary) and the day it is "
    "payable by, becoming an owed amount on the record (24% a year on the initial amount "
    "after that day), and a deduction states its increments (1-2 minor, 3-5 major); "
    "19.11.11: a charge may be another offence, not in the schedule, with its own "
    "classification, the rule it breaches and the row it compares with; 19.3.5: the "
    "respondent may object to a member, the HRC chair decides, and an upheld objection "
    "recuses the member, who cannot then be listed as present; 19.14.3.1: a case opened on "
    "a judgement of a Court of Law records the conviction on the register (the Negative "
    "List follows by itself); 19.2.4, 19.3.7: a summary compulsory retirement may be appealed "
    "to the Tribunal within 10 working days of receiving the order (reading "
    "R-19.12.2-summary), and is final when they lapse; 19.12.1: an oversight agency's appeal "
    "is not held to the respondent's window (reading R-19.12.1-oversight); 19.8.3, 19.12.4: "
    "the appellate body upholds, varies charge by charge (acquittal, another penalty), "
    "quashes or remands, with reasons, and its own Disciplinary Committee executes the "
    "decision; 19.11.5, 19.11.6, 19.13: a case forwarded for prosecution through the Office "
    "of the Attorney General, the RCSC notified, the criminal charges filed; 19.12.5, "
    "19.12.6: the Tribunal's decision appealed to the High Court or Supreme Court, and an "
    "acquittal of all charges revokes the penalty on the closed case; 19.3.3.3, 19.3.3.4: "
    "summonses and subpoenas issued, and failure to comply recorded with the punishment "
    "imposed or recommended; 19.9.13: a suspension in force in another proceeding continued "
    "on this one, with its reasons; 19.9.9, 19.9.15: a suspension may be ordered, revoked "
    "and stays in force until the final decision, through the appeal and a court appeal of "
    "the Tribunal's decision (reading R-19.9.9-proceedings), never of a civil servant the case "
    "separated (19.9.1); 19.9.2: the exception of ACAB 2011, the Anti-Corruption "
    "Commission's order executed by the agency (reading R-19.9.2-acab); 19.9.15: a "
    "suspension is recorded on the civil servant's record with the position the agency "
    "shall not fill by recruitment, and for an Executive position the day from which the "
    "RCSC may fill it; 19.8.3, 19.12.6 with 7.7.7.2: a civil servant reinstated when the "
    "separating penalty is quashed or revoked serves on, and the outstanding dues the "
    "separation wrote are revoked; 19.3.4, 2.10.6.1: once the agency's committee is a "
    "record, the members present are chosen from its members serving on the meeting's day; "
    "19.9.2, 19.9.12: a suspension executed on the Anti-Corruption Commission's order is "
    "revoked by the authority that executed it (the agency or the RCSC, ESC included); "
    "19.9.9, 19.11.5: on a closed case a suspension may also be ordered and revoked while "
    "criminal charges filed on it await the Court of Law's judgement, which is recorded; "
    "19.3.5, 19.8.2.2: investigators and members present are accounts chosen from the "
    "committee's members (the Investigation Committee, the deciding committee) where recorded, "
    "else the agency's active users, never the respondent or a recused member, and the "
    "investigation's steps are taken by the investigators chosen; "
    "19.5.1.2, 19.8.2.2(x)-(xi), 19.12.2: the complaint's "
    "documentary evidence, the investigation report (parts withheld from the respondent "
    "marked so) and the appeal memorandum are attached as papers to the step recording them; "
    "7.7.7.1, 19.8.3, 19.12.6: on that reinstatement each LTT service obligation running when "
    "the civil servant was separated ends later by the days separated, its last day owed "
    "stated (reading R-7.7.7.1-reinstated); 13.10.6.5: the gratuity deduction that "
    "separation recorded for a secondment obligation not served is undone, the obligation "
    "running again",
    readings=(
        readings.InForce(
            readings.REPEATED_MINOR,
            "leads",
            '"would lead to a major penalty": the record\'s three or more minor penalties '
            "make the next penalty a major one; the first version only warned, and refused a "
            "major penalty for a Minor offence",
        ),
        *READINGS_V2,
        readings.InForce(
            readings.SUSPENSION_PROCEEDINGS,
            "until_final",
            '19.9.9 pays the allowance "until the completion of Court/disciplinary '
            'proceedings" and 19.9.15 keeps the position "till all the administrative '
            'and/court proceedings are completed and the final decision ... is taken": the '
            "proceedings run to the final decision. The first version suspended only during "
            "the enquiry",
        ),
        readings.InForce(
            readings.ACAB_EXCEPTION,
            "commission_order",
            "19.9.2 keeps an exception the RCSC's authority gives way to, and a suspension the "
            "Act requires is not the committee's to weigh; the first version allowed no "
            "exception",
        ),
        readings.InForce(
            readings.SEPARATED_TIME,
            "not_served",
            '7.7.7.1 requires the civil servant "to serve for a specified duration", and the '
            "rules count only service rendered toward it (7.7.7.9; EOL and secondment, "
            "8.12.6, 13.10.5.8); 19.9.11 makes even an acquitted suspension active service "
            '"for the purpose of gratuity, annual increment, and promotion" only, not for '
            "liquidating service obligations. The first version did not separate on a "
            "penalty, so never reinstated",
        ),
    ),
    replace=(
        _extended(
            _with_field(_order, INVESTIGATORS_V2),
            fields=(
                Field(
                    "directive_received_on",
                    "date",
                    "Directive received by the investigator(s) on",
                    help="The five working days to commence count from this day (19.8.2.2(v)).",
                ),
            ),
            arms=(
                Arm(
                    "investigation_commencement_due",
                    "Investigation to commence",
                    "19.8.2.2(v)",
                    working_days=5,
                    from_field="directive_received_on",
                ),
            ),
        ),
        _guarded(
            _dismiss,
            Guard(
                "19.8.2.1(iii)",
                "dismissal rests on the respondent's explanation, and none was received "
                "(the five working days lapsed)",
                explanation_received,
                precheck=True,
            ),
            CONVICTION_PRESCRIBES,
        ),
        _also(
            _guarded(
                replace(
                    PROCESS.branches("open")[0],
                    fields=(*PROCESS.branches("open")[0].fields, EVIDENCE_FILES),
                ),
                Guard(
                    "19.5.1.2",
                    "a written complaint is to be supported with documentary evidence: "
                    "describe the evidence supplied",
                    evidence_with_a_written_complaint,
                ),
            ),
            "record_conviction",
        ),
        _by_chosen_investigators(
            replace(
                PROCESS.branches("submit_report")[0],
                fields=(*PROCESS.branches("submit_report")[0].fields, *REPORT_FILES),
            )
        ),
        _by_chosen_investigators(PROCESS.branches("commence_investigation")[0]),
        _by_chosen_investigators(PROCESS.branches("complete_investigation")[0]),
        _by_chosen_investigators(
            _with_field(PROCESS.branches("escalate_to_committee")[0], INVESTIGATORS_V2)
        ),
        _guarded(PROCESS.branches("refer_to_adr")[0], CONVICTION_PRESCRIBES),
        _guarded(PROCESS.branches("dismiss_complaint")[0], CONVICTION_PRESCRIBES),
        _decision_v2(
            _extended(
                _guarded(
                    _with_field(PROCESS.branches("record_decision")[0], PRESENT_V2),
                    Guard(
                        "19.11.7, 19.11.8",
                        "a conviction by a Court of Law is not re-tried: a charge of conviction "
                        "(schedule items 1 and 2) is found proven",
                        convictions_found_proven,
                    ),
                    Guard(
                        "Schedule 19/A",
                        "an offence marked * is proven: name the supervisor, who is accountable "
                        "and liable for administrative sanction (3.5.3)",
                        supervisor_named_where_accountable,
                    ),
                ),
                fields=(
                    Field(
                        "accountable_supervisor",
                        "text",
                        "Supervisor accountable (Schedule 19/A, offences marked *)",
                        required=False,
                        help="Name and position of the supervisor, where a proven offence is "
                        "marked * in the schedule.",
                    ),
                ),
            ),
        ),
        replace(PROCESS.branches("recommend_summary")[0], authority=summary_recommender),
        _also(PROCESS.branches("communicate_decision")[0], "separate_on_penalty", "record_fines"),
        _appealable(_also(PROCESS.branches("summary_retire")[0], "separate_on_penalty")),
        *(
            replace(s, effects=("death_decision", *s.effects))
            for s in PROCESS.branches("decide_on_death")
        ),
        *map(_without_meeting_clock, PROCESS.branches("convene_meeting")),
        *map(_without_meeting_clock, PROCESS.branches("return_to_dc")),
        _decide_appeal_v2,
        replace(_lodge, fields=(*_lodge.fields, APPEAL_FILES)),
        *SUMMARY_APPEAL_V2,
        *SUSPENSION_V2,
        _notice_v2(PROCESS.branches("serve_notice")[0]),
    ),
    add=(
        *OBJECTION_STEPS,
        *APPEAL_STEPS_V2,
        *COURT_STEPS_V2,
        *SUMMONS_STEPS_V2,
        CONTINUE_SUSPENSION_V2,
        PROSECUTION_JUDGEMENT_V2,
    ),
    states=STATES_V2,
)

# Every version, oldest first (workflows.registry, workflows.revision).
VERSIONS: tuple[Process, ...] = (PROCESS, V2)
