"""Extraordinary leave (EOL) of BCSR 2023 section 8.12, as a state machine.

Read beside the rule: the application with specific reasons and the signed undertaking of
Form 8/B (8.12.10) for one of the purposes of 8.12.12; eligibility (8.12.1-8.12.4, 7.6.3.3,
7.7.7.8, 7.7.8.1 iii, 8.12.13); the grant by the competent authority (8.12.16); the leave
itself, whose position is no longer protected after six months (8.12.14, 13.5); revocation
(8.14); a breach of the undertaking (8.12.11); and rejoining, failing which the civil
servant is proposed for compulsory retirement (8.12.15).

Every EOL period is written to the service record (kind "eol"), so the 24-month cap
(8.12.1) and "EOL is not active service" (8.12.6) read the same lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from workflows import readings, waiting_list
from workflows import roles as R
from workflows.condonation import no_condonation
from workflows.context import Context
from workflows.declarations import Arm, Authority, Field, Guard, State, Step
from workflows.eligibility import Rule, as_guards, proposed_date
from workflows.engine import Process
from workflows.obligations import add_months, ltt_has_obligation
from workflows.profile import Entry, Profile
from workflows.record import LEVELS
from workflows.revision import revise
from workflows.values import as_date, checked

VERSION = "2023.1"

CAP_MONTHS = 24  # 8.12.1
SHORT_EOL_MONTHS = 3  # 8.12.4.2
SERVICE_YEARS_FOR_LONG_EOL = 5  # 8.12.4.2
STT_GAP_MONTHS = 6  # 7.6.3.3
PROTECTED_MONTHS = 6  # 8.12.14
QUARTER_MONTHS = 12  # 8.12.9

PURPOSES = (  # 8.12.12
    (
        "family",
        "Family/personal problems genuinely requiring the civil servant's attention (8.12.12.1)",
    ),
    ("professional", "Professional enhancement, diverse experience and exposure (8.12.12.2)"),
    ("career_break", "Career break/sabbatical (8.12.12.3)"),
)
PLACEMENTS = (
    ("own_position", "Rejoined in the position held before the leave"),
    ("other_position", "Placed in another vacant position"),
    ("waiting_list", "Displaced: placed on the RCSC Waiting List (8.12.14, 13.5.1.2 ii)"),
)
BREACHES = (
    ("untrue_reasons", "The reasons given in the application were not true (8.12.10)"),
    (
        "conflicting_employment",
        "Took up full-time employment or consultancy conflicting with civil service "
        "responsibilities, or work for RGoB works and projects (8.12.13)",
    ),
    ("other", "Another breach of the Form 8/B undertaking (8.12.11)"),
)

# ------------------------------------------------------------------ dates


def period(proposal: Mapping[str, Any], today: date) -> tuple[date, date | None]:
    """The proposed first and last day of the leave (the start defaults to today)."""
    start = proposed_date(proposal, "start_on", today)
    return start, as_date(proposal.get("end_on"))


def days_of(start: date, end: date) -> int:
    """Calendar days, both ends included: weekends and holidays count (8.12.1, 8.12.2)."""
    return max(0, (end - start).days + 1)


def cap_days(start: date) -> int:
    """8.12.1: 24 months, measured from the proposed start (730 days, 731 over a 29 February)."""
    return (add_months(start, CAP_MONTHS) - start).days


def more_than_three_months(start: date, end: date) -> bool:
    """8.12.4.2: the leave runs past the day before the same date three months on."""
    return end >= add_months(start, SHORT_EOL_MONTHS)


def protected_until(start: date) -> date:
    """8.12.14: the last day of the first six months, while the position is protected."""
    return add_months(start, PROTECTED_MONTHS) - timedelta(days=1)


# ------------------------------------------------------------------ eligibility

IN_PROGRESS = ("approved", "on_leave")


def eol_on_record(profile: Profile) -> int:
    """EOL days on record: taken, in progress (to its planned end) and granted (8.12.1)."""
    return sum(e.days() for e in profile.of("eol"))


def _in_service(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return p.status == "in_service"


def _regular(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return p.employment_type != "contract"


def _not_on_probation(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, _end = period(proposal, today)
    return not (p.on_probation(today) or p.on_probation(start))


def _explain_probation(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    return f"on probation until {p.probation_end}"


def _five_years_if_long(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, end = period(proposal, today)
    if end is None or not more_than_three_months(start, end):
        return True
    return add_months(p.appointment_date, 12 * SERVICE_YEARS_FOR_LONG_EOL) <= start


def _explain_five_years(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    start, _end = period(proposal, today)
    ready = add_months(p.appointment_date, 12 * SERVICE_YEARS_FOR_LONG_EOL)
    return (
        f"appointed {p.appointment_date}, {p.service_years(start):.1f} years of service on "
        f"{start}; EOL of more than three months only from {ready}"
    )


def stt_gap_end(p: Profile) -> date | None:
    last = p.last_stt_end()
    return add_months(last, STT_GAP_MONTHS) if last else None


def _stt_gap(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, _end = period(proposal, today)
    ready = stt_gap_end(p)
    return ready is None or start >= ready


def _explain_stt_gap(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    return f"last STT ended {p.last_stt_end()}; EOL may start from {stt_gap_end(p)}"


def ltt_obligations_open(p: Profile, start: date) -> list[Entry]:
    """7.7.7.8: LTTs whose service obligation is unserved on ``start``, or yet to begin."""
    out = list(p.unserved_obligations(start, "ltt"))
    for e in p.of("ltt", "approved", "ongoing"):
        level, mode = str(e.details.get("level", "")), str(e.details.get("mode", ""))
        if e not in out and ltt_has_obligation(level, mode):
            out.append(e)
    return out


def _ltt_obligation(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, _end = period(proposal, today)
    return not ltt_obligations_open(p, start)


def _explain_ltt_obligation(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    start, _end = period(proposal, today)
    parts = []
    for e in ltt_obligations_open(p, start):
        what = e.details.get("course") or e.details.get("level") or "LTT"
        end = p.obligation_end(e)
        parts.append(
            f"{what}: obligation served only on {end}" if end else f"{what}: still on the course"
        )
    return "; ".join(parts)


def _ltt_completed(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not p.pending("ltt", "pending_completion")


def _explain_ltt_completed(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    courses = [
        str(e.details.get("course") or e.details.get("level") or "LTT")
        for e in p.pending("ltt", "pending_completion")
    ]
    return f"{', '.join(courses)}: evidence of completion not yet submitted"


def official_court_cases(p: Profile) -> list[Entry]:
    return [e for e in p.of("court_case", "pending") if e.details.get("official_functions")]


def _no_court_case(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not official_court_cases(p)


def _explain_court_case(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    notes = [
        str(e.details.get("note") or f"pending since {e.start}") for e in official_court_cases(p)
    ]
    return "; ".join(notes)


def _within_cap(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, end = period(proposal, today)
    proposed = days_of(start, end) if end else 0
    return eol_on_record(p) + proposed <= cap_days(start)


def _explain_cap(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    start, end = period(proposal, today)
    taken = eol_on_record(p)
    cap = cap_days(start)
    proposed = f", {days_of(start, end)} days proposed" if end else ""
    return (
        f"{taken} days of EOL already on record{proposed}; the limit is {cap} days "
        f"(24 months), so at most {max(0, cap - taken)} days remain"
    )


def adjoining_leave(p: Profile, start: date, end: date | None) -> list[Entry]:
    """8.12.3: other leave ending the day before the EOL, starting the day after it, or
    falling within it. Government holidays are not leave (8.12.2) and are not entries."""
    out = []
    for e in p.of("leave"):
        if e.start is None:
            continue
        last = e.end or e.start
        if last == start - timedelta(days=1):
            out.append(e)
        elif end is not None and e.start == end + timedelta(days=1):
            out.append(e)
        elif end is not None and e.start <= end and last >= start:
            out.append(e)
    return out


def _no_adjoining_leave(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, end = period(proposal, today)
    if not proposal.get("start_on"):
        return True
    return not adjoining_leave(p, start, end)


def _explain_adjoining(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    start, end = period(proposal, today)
    return "; ".join(
        f"{e.details.get('leave_type', 'leave')} leave {e.start} to {e.end or e.start}"
        for e in adjoining_leave(p, start, end)
    )


def _none_in_progress(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not p.of("eol", *IN_PROGRESS)


def _explain_in_progress(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    e = p.of("eol", *IN_PROGRESS)[0]
    state = "on EOL" if e.status == "on_leave" else "EOL already granted"
    return f"{state} from {e.start} to {e.end}"


def _not_backdated(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, _end = period(proposal, today)
    return start >= today


def _end_after_start(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start, end = period(proposal, today)
    return end is None or end >= start


RULES: tuple[Rule, ...] = (
    Rule("8.1.1", "the civil servant must be in service", _in_service),
    Rule(
        "8 (Leave Types and Eligibility)",
        "EOL is not permissible for a contract employee",
        _regular,
    ),
    Rule(
        "8.12.4.1",
        "no EOL during the probation period",
        _not_on_probation,
        explain=_explain_probation,
    ),
    Rule(
        "8.12.4.2",
        "EOL of more than three months only after five years of service including probation",
        _five_years_if_long,
        explain=_explain_five_years,
    ),
    Rule(
        "7.6.3.3, 8.12.4.3",
        "six months must be served after the last short-term training before availing EOL",
        _stt_gap,
        explain=_explain_stt_gap,
    ),
    Rule(
        "7.7.7.8, 8.12.4.3",
        "the LTT service obligation must be completed before availing EOL",
        _ltt_obligation,
        explain=_explain_ltt_obligation,
    ),
    Rule(
        "7.7.8.1 iii",
        "no EOL while an LTT is 'reported but pending completion'",
        _ltt_completed,
        explain=_explain_ltt_completed,
    ),
    Rule(
        "8.12.4.4",
        "a civil servant with a pending court case related to official functions may not be "
        "eligible for EOL",
        _no_court_case,
        advisory=True,
        explain=_explain_court_case,
    ),
    Rule(
        "8.12.1, 8.12.2",
        "EOL is at most 24 months in the whole career, weekends and holidays counted",
        _within_cap,
        explain=_explain_cap,
    ),
    Rule(
        "8.12.3",
        "no other leave may be prefixed or suffixed to EOL",
        _no_adjoining_leave,
        explain=_explain_adjoining,
    ),
    Rule(
        "8.12.1",
        "no other EOL may be granted or in progress",
        _none_in_progress,
        explain=_explain_in_progress,
    ),
    Rule(
        "8.15.1",
        "EOL is granted before it begins; absence is not regularised by leave",
        _not_backdated,
    ),
    Rule("8.12.10", "the leave must end on or after its first day", _end_after_start),
)

# ------------------------------------------------------------------ authorities

CONSTITUTIONAL_LEVELS = frozenset({"EX2", "EX3", "ES2", "ES3"})


def approving_authority(ctx: Context) -> Authority:
    """8.12.16: the RCSC for EX/ES 1-3; the HRC of a constitutional office for its EX/ES 2-3;
    the HRC of the agency for P1-O4. Revocation (8.14.1) and the decision on a failure to
    rejoin (8.12.15) rest with the same competent authority."""
    s = ctx.subject
    if s.executive_or_specialist:
        if s.agency_kind == "constitutional" and s.level.upper() in CONSTITUTIONAL_LEVELS:
            return Authority((s.agency,), "8.12.16(ii)")
        return Authority((R.RCSC_AGENCY,), "8.12.16(i)")
    return Authority((s.agency,), "8.12.16(iii)")


def rcsc_decides(ctx: Context) -> bool:
    return approving_authority(ctx).agencies == (R.RCSC_AGENCY,)


def agency_office(ctx: Context) -> Authority:
    """The civil servant's agency keeps the leave record and forwards the application; for
    EX/ES the RCSC, which grants their leave, may record it too (8.12.10, 8.12.16)."""
    s = ctx.subject
    if s.executive_or_specialist:
        return Authority((s.agency, R.RCSC_AGENCY), "8.12.10")
    return Authority((s.agency,), "8.12.10")


# ------------------------------------------------------------------ guards


def hrc_meeting_given(ctx: Context) -> bool:
    return rcsc_decides(ctx) or bool(ctx.value("hrc_meeting_no"))


def rcsc_reference_given(ctx: Context) -> bool:
    return not rcsc_decides(ctx) or bool(ctx.value("rcsc_decision_ref"))


def before_leave_starts(ctx: Context) -> bool:
    """An application not yet decided can always be withdrawn; granted leave until it begins."""
    start = as_date(ctx.data.get("start_on"))
    return not ctx.data.get("decided_on") or start is None or ctx.today < start


def commenced_within_grant(ctx: Context) -> bool:
    on = as_date(ctx.value("commenced_on"))
    start, end = as_date(ctx.data.get("start_on")), as_date(ctx.data.get("end_on"))
    return on is None or start is None or end is None or start <= on <= end


def quarter_vacated(ctx: Context) -> bool:
    """8.12.9, 9.7.2: a government quarter is vacated for EOL exceeding 12 months."""
    if not ctx.data.get("in_government_quarter"):
        return True
    start, end = as_date(ctx.data.get("start_on")), as_date(ctx.data.get("end_on"))
    if start is None or end is None or end < add_months(start, QUARTER_MONTHS):
        return True
    return bool(ctx.value("quarter_vacated"))


def rejoined_after_start(ctx: Context) -> bool:
    on = as_date(ctx.value("rejoined_on"))
    start = as_date(ctx.data.get("commenced_on") or ctx.data.get("start_on"))
    return on is None or start is None or on >= start


def rejoined_in_time(ctx: Context) -> bool:
    on = as_date(ctx.value("rejoined_on"))
    due = ctx.due.get("rejoin_due")
    return on is None or due is None or on <= due


def waiting_list_only_if_unprotected(ctx: Context) -> bool:
    if waiting_list.not_on_the_list(ctx):
        return True
    return ctx.data.get("position_protected") is False


def rejoining_overdue(ctx: Context) -> bool:
    due = ctx.due.get("rejoin_due")
    return due is not None and ctx.today > due


def rejoin_by_within_leave(ctx: Context) -> bool:
    by, on = as_date(ctx.value("rejoin_by")), as_date(ctx.value("revoked_on"))
    end = as_date(ctx.data.get("end_on"))
    if by is None:
        return True
    return (on is None or by >= on) and (end is None or by <= end + timedelta(days=1))


def rejoin_by_not_past(ctx: Context) -> bool:
    by = as_date(ctx.value("rejoin_by"))
    return by is None or by >= ctx.today


def no_breach_reported(ctx: Context) -> bool:
    return not ctx.data.get("disciplinary_case_id")


def valid_period(ctx: Context) -> bool:
    start, end = as_date(ctx.value("start_on")), as_date(ctx.value("end_on"))
    return start is None or end is None or end >= start


UNDERTAKING = Guard(
    "8.12.10",
    "the application needs the completed and signed undertaking of Form 8/B",
    checked("undertaking_signed"),
)
NO_CONFLICTING_EMPLOYMENT = Guard(
    "8.12.13",
    "EOL cannot be availed for full-time employment or consultancy that conflicts with civil "
    "service responsibilities, or for RGoB works and projects: the declaration is required",
    checked("no_conflicting_employment"),
)
DECISION_REFERENCE = (
    Guard("8.12.16", "record the number of the HRC meeting that decided", hrc_meeting_given),
    Guard("8.12.16(i)", "record the RCSC's decision reference", rcsc_reference_given),
)

# ------------------------------------------------------------------ states

STATES = (
    State("new", "not yet applied"),
    State("applied", "applied; awaiting the decision of the competent authority"),
    State("approved", "granted; the leave has not begun"),
    State("on_leave", "on extraordinary leave"),
    State("to_rejoin", "leave revoked or failure condoned; rejoining awaited"),
    State(
        "retirement_proposed",
        "Compulsory retirement proposed",
        queue="compulsory_retirement",
    ),
    State("rejoined", "rejoined the service", final=True),
    State("rejected", "application rejected", final=True),
    State("withdrawn", "application withdrawn", final=True),
    State("revoked", "revoked before the leave began", final=True),
    State("retired", "compulsorily retired (8.12.15)", final=True),
)

APPLICANT = frozenset({R.CIVIL_SERVANT, R.HR_OFFICER})
HR = frozenset({R.HR_OFFICER})
# The HRC records its decision through its chairperson or member secretary; RCSC officers
# act in these roles where the RCSC is the authority (roles.RCSC_ACTS_AS).
AUTHORITY_ROLES = frozenset({R.HRC_CHAIR, R.MEMBER_SECRETARY, R.RCSC})

DECISION_FIELDS = (
    Field("decided_on", "date", "Decided on"),
    Field(
        "hrc_meeting_no",
        "text",
        "HRC meeting number (decision of an HRC)",
        required=False,
    ),
    Field(
        "rcsc_decision_ref",
        "text",
        "RCSC decision reference (EX/ES, 8.12.16 i)",
        required=False,
    ),
)

REJOIN_ARM = Arm(
    "rejoin_due",
    "Rejoin the service at the end of the leave",
    "8.12.15",
    working_days=1,
    from_field="end_on",
    on_timeout="rejoin_missed",
)
PROTECTION_ARM = Arm(
    "position_protection",
    "Position protected for the first six months of EOL",
    "8.12.14",
    days=0,
    from_field="protected_until",
    on_timeout="protection_lapses",
)
COMMENCEMENT_ARM = Arm(
    "leave_commences",
    "Leave begins: relieve the civil servant",
    "8.12.16",
    days=0,
    from_field="start_on",
    on_timeout="leave_begins",
)

STEPS = (
    # -- application (8.12.10, 8.12.12)
    Step(
        "open",
        "new",
        "applied",
        "Apply for extraordinary leave",
        "8.12.10",
        by=APPLICANT,
        authority=agency_office,
        fields=(
            Field("purpose", "choice", "Purpose (8.12.12)", choices=PURPOSES),
            Field("specific_reasons", "textarea", "Specific reasons for the leave (8.12.10)"),
            Field(
                "activity",
                "textarea",
                "What the applicant will do during the leave (where, with whom)",
                required=False,
            ),
            Field("start_on", "date", "Leave from", future_ok=True),
            Field("end_on", "date", "Leave to (last day)", future_ok=True),
            Field(
                "undertaking_signed",
                "bool",
                "Undertaking of Form 8/B completed and signed, stating the reasons are true",
            ),
            Field(
                "no_conflicting_employment",
                "bool",
                "Declared: no full-time employment or consultancy conflicting with civil "
                "service responsibilities, and no RGoB works or projects, during the leave "
                "(8.12.13)",
            ),
            Field(
                "in_government_quarter",
                "bool",
                "Occupies a government quarter (8.12.9)",
                required=False,
            ),
            Field("applied_on", "date", "Application dated", required=False),
        ),
        guards=(UNDERTAKING, NO_CONFLICTING_EMPLOYMENT, *as_guards(RULES)),
        effects=("eol_record_application",),
    ),
    Step(
        "withdraw",
        ("applied", "approved"),
        "withdrawn",
        "Withdraw the application",
        "8.12.10",
        by=APPLICANT,
        authority=agency_office,
        guards=(
            Guard(
                "8.12.10",
                "the application can be withdrawn only before the leave begins",
                before_leave_starts,
                precheck=True,
                dated=True,
            ),
        ),
        fields=(
            Field("withdrawal_reasons", "textarea", "Reasons for withdrawing", required=False),
        ),
        effects=("eol_cancel_entry",),
    ),
    # -- decision (8.12.16)
    Step(
        "approve",
        "applied",
        "approved",
        "Grant the extraordinary leave",
        "8.12.16",
        by=AUTHORITY_ROLES,
        authority=approving_authority,
        fields=(
            *DECISION_FIELDS,
            Field(
                "start_on",
                "date",
                "Granted from (if not as applied)",
                required=False,
                future_ok=True,
            ),
            Field(
                "end_on",
                "date",
                "Granted to (if not as applied)",
                required=False,
                future_ok=True,
            ),
            Field("conditions", "textarea", "Conditions or remarks", required=False),
        ),
        guards=(
            *DECISION_REFERENCE,
            Guard("8.12.10", "the leave must end on or after its first day", valid_period),
            *as_guards(RULES),
        ),
        arms=(COMMENCEMENT_ARM,),
        effects=("eol_record_grant",),
    ),
    Step(
        "reject",
        "applied",
        "rejected",
        "Reject the application",
        "8.12.16",
        by=AUTHORITY_ROLES,
        authority=approving_authority,
        fields=(
            *DECISION_FIELDS,
            Field("rejection_reasons", "textarea", "Reasons for the rejection"),
        ),
        guards=DECISION_REFERENCE,
    ),
    # -- the leave (8.12.5-8.12.9, 8.12.14)
    Step(
        "commence",
        "approved",
        "on_leave",
        "Relieve the civil servant: the leave begins",
        "8.12.16",
        by=HR,
        authority=agency_office,
        fields=(
            Field("commenced_on", "date", "Relieved; leave began on"),
            Field(
                "quarter_vacated",
                "bool",
                "Government quarter vacated (EOL exceeding 12 months, 8.12.9)",
                required=False,
            ),
        ),
        guards=(
            Guard(
                "8.12.16",
                "the leave can begin only within the period granted",
                commenced_within_grant,
            ),
            Guard(
                "8.12.9",
                "a government quarter must be vacated for EOL exceeding 12 months (9.7.2)",
                quarter_vacated,
            ),
        ),
        settles=("leave_commences",),
        arms=(REJOIN_ARM, PROTECTION_ARM),
        effects=("eol_commence",),
    ),
    Step(
        "leave_begins",
        "approved",
        "on_leave",
        "The leave began on the day granted",
        "8.12.16",
        by=frozenset({R.SYSTEM}),
        arms=(REJOIN_ARM, PROTECTION_ARM),
        effects=("eol_commence",),
    ),
    Step(
        "protection_lapses",
        ("on_leave", "to_rejoin", "retirement_proposed"),
        "=",
        "Six months of EOL: the position is no longer protected",
        "8.12.14",
        by=frozenset({R.SYSTEM}),
        effects=("eol_protection_lapsed",),
    ),
    # -- revocation (8.14)
    Step(
        "revoke",
        "approved",
        "revoked",
        "Revoke the leave before it begins",
        "8.14.1",
        by=AUTHORITY_ROLES,
        authority=approving_authority,
        fields=(
            Field("revoked_on", "date", "Revoked on"),
            Field("revocation_order_no", "text", "Revocation order number"),
            Field("revocation_reasons", "textarea", "Exigencies of the circumstances (reasons)"),
        ),
        effects=("eol_cancel_entry",),
    ),
    Step(
        "revoke",
        "on_leave",
        "to_rejoin",
        "Revoke the leave and recall the civil servant",
        "8.14.1",
        by=AUTHORITY_ROLES,
        authority=approving_authority,
        fields=(
            Field("revoked_on", "date", "Revoked on"),
            Field("revocation_order_no", "text", "Revocation order number"),
            Field("revocation_reasons", "textarea", "Exigencies of the circumstances (reasons)"),
            Field("rejoin_by", "date", "To rejoin by", future_ok=True),
        ),
        guards=(
            Guard(
                "8.14.1",
                "the date to rejoin must fall between the revocation and the end of the leave",
                rejoin_by_within_leave,
            ),
            Guard("8.14.1", "the date to rejoin cannot be in the past", rejoin_by_not_past),
        ),
        arms=(
            Arm(
                "rejoin_due",
                "Rejoin the service as the revocation orders",
                "8.14.1, 8.12.15",
                days=0,
                from_field="rejoin_by",
                on_timeout="rejoin_missed",
            ),
        ),
        effects=("eol_revoke",),
    ),
    # -- breach of the undertaking (8.12.11)
    Step(
        "report_breach",
        ("on_leave", "to_rejoin"),
        "=",
        "Report a breach of the undertaking (opens a disciplinary case)",
        "8.12.11",
        by=HR,
        authority=agency_office,
        fields=(
            Field("breach", "choice", "Breach", choices=BREACHES),
            Field("breach_particulars", "textarea", "Particulars of the breach"),
            Field("evidence", "textarea", "Documentary evidence", required=False),
            Field("breach_found_on", "date", "Breach found on"),
        ),
        guards=(
            Guard(
                "8.12.11",
                "a breach has already been reported; it is before the disciplinary committee",
                no_breach_reported,
                precheck=True,
            ),
        ),
        effects=("eol_report_breach",),
    ),
    # -- rejoining (8.12.14, 8.12.15)
    Step(
        "rejoin",
        ("on_leave", "to_rejoin"),
        "rejoined",
        "Record rejoining",
        "8.12.15",
        by=HR,
        authority=agency_office,
        fields=(
            Field("rejoined_on", "date", "Rejoined on"),
            Field("placement", "choice", "Placement on return", choices=PLACEMENTS),
            Field("remarks", "textarea", "Remarks", required=False),
        ),
        guards=(
            Guard("8.12.15", "rejoining cannot be before the leave began", rejoined_after_start),
            Guard(
                "8.12.15",
                "rejoined after the date due: the competent authority decides on compulsory "
                "retirement first (report the failure to rejoin)",
                rejoined_in_time,
            ),
            Guard(
                "8.12.14",
                "the position is protected for the first six months of EOL: the returnee "
                "goes on the Waiting List (13.5) only when absent beyond six months",
                waiting_list_only_if_unprotected,
            ),
        ),
        settles=("rejoin_due", "position_protection"),
        effects=("eol_rejoin",),
    ),
    Step(
        "report_not_rejoined",
        ("on_leave", "to_rejoin"),
        "retirement_proposed",
        "Report the failure to rejoin: propose compulsory retirement",
        "8.12.15",
        by=HR,
        authority=agency_office,
        fields=(Field("remarks", "textarea", "Remarks", required=False),),
        guards=(
            Guard(
                "8.12.15",
                "the date to rejoin has not yet passed",
                rejoining_overdue,
                precheck=True,
                dated=True,
            ),
        ),
        settles=("rejoin_due",),
        effects=("eol_propose_retirement",),
    ),
    Step(
        "rejoin_missed",
        ("on_leave", "to_rejoin"),
        "retirement_proposed",
        "Did not rejoin: compulsory retirement proposed",
        "8.12.15",
        by=frozenset({R.SYSTEM}),
        effects=("eol_propose_retirement",),
    ),
    # -- the competent authority decides (8.12.15)
    Step(
        "retire",
        "retirement_proposed",
        "retired",
        "Compulsorily retire",
        "8.12.15",
        by=AUTHORITY_ROLES,
        authority=approving_authority,
        fields=(
            Field("effective_on", "date", "Effective on", required=False, future_ok=True),
            Field("order_no", "text", "Order number"),
        ),
        effects=("compulsory_retirement", "eol_retired"),
    ),
    Step(
        "condone",
        "retirement_proposed",
        "to_rejoin",
        "Condone the failure to rejoin; set a date to rejoin",
        "8.12.15",
        by=AUTHORITY_ROLES,
        authority=approving_authority,
        fields=(
            Field("reasons", "textarea", "Reasons"),
            Field(
                "rejoin_by",
                "date",
                "To rejoin by (default: five working days)",
                required=False,
                future_ok=True,
            ),
        ),
        guards=(
            no_condonation(readings.EOL_NOT_REJOINED),
            Guard("8.12.15", "the date to rejoin cannot be in the past", rejoin_by_not_past),
        ),
        arms=(
            Arm(
                "rejoin_due",
                "Rejoin the service as the competent authority allowed",
                "8.12.15",
                days=0,
                from_field="rejoin_by",
                on_timeout="rejoin_missed",
            ),
        ),
        effects=("eol_condone",),
    ),
)


PROPOSAL_FIELDS = (
    Field("start_on", "date", "Leave from", required=False, future_ok=True),
    Field("end_on", "date", "Leave to (last day)", required=False, future_ok=True),
)

PROCESS = Process(
    key="eol",
    title="Extraordinary leave",
    version=VERSION,
    cite="8.12",
    states=STATES,
    steps=STEPS,
    initial="new",
    opening="open",
    summary="BCSR 2023 8.12: application with the Form 8/B undertaking, eligibility, grant "
    "by the competent authority, the leave (position protected six months), revocation "
    "(8.14), breach of the undertaking, rejoining or compulsory retirement.",
    eligibility=RULES,
    proposal_fields=PROPOSAL_FIELDS,
    readings=(readings.InForce(readings.EOL_NOT_REJOINED, "condonable", readings.CONDONE_WHY),),
)

# ------------------------------------------------------------------ 2023.2

REPORTED_BACK = ("completed", "failed", "pending_completion", "withdrawn")


def study_leave(p: Profile) -> list[tuple[Entry, date, date | None]]:
    """Study leave (8.11) as the LTT lines of the record give it: an approved LTT over its
    course; one in progress until the civil servant reports back, with no end known yet
    (7.7.6.2: no other leave "before completing the reporting requirements"); one reported
    back from, to the day before reporting."""
    out: list[tuple[Entry, date, date | None]] = []
    for e in p.of("ltt", "approved", "ongoing", *REPORTED_BACK):
        if e.start is None:
            continue
        if e.status == "ongoing":
            out.append((e, e.start, None))
            continue
        back = as_date(e.details.get("reported_on"))
        last = back - timedelta(days=1) if back else e.end
        out.append((e, e.start, last))
    return out


def adjoining_study_leave(
    p: Profile, start: date, end: date | None
) -> list[tuple[Entry, date, date | None]]:
    """8.12.3 with 7.7.6.2: study leave ending the day before the EOL, starting the day after
    it, or running during it (one not yet reported back from runs on)."""
    out = []
    upto = end or start
    for e, first, last in study_leave(p):
        touching = last is not None and (
            last == start - timedelta(days=1)
            or (end is not None and first == end + timedelta(days=1))
        )
        overlapping = first <= upto and (last is None or last >= start)
        if touching or overlapping:
            out.append((e, first, last))
    return out


def _adjoining_any(
    p: Profile, proposal: Mapping[str, Any], today: date
) -> tuple[list[Entry], list[tuple[Entry, date, date | None]]]:
    """The leave and the study leave that bar the proposed EOL; with no dates yet, only
    study leave not yet reported back from is known to bar it (7.7.6.2)."""
    if not proposal.get("start_on"):
        return [], [x for x in study_leave(p) if x[2] is None]
    start, end = period(proposal, today)
    return adjoining_leave(p, start, end), adjoining_study_leave(p, start, end)


def _no_adjoining_any_leave(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    leave, study = _adjoining_any(p, proposal, today)
    return not leave and not study


def _explain_adjoining_any(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    leave, study = _adjoining_any(p, proposal, today)
    parts = [
        f"{e.details.get('leave_type', 'leave')} leave {e.start} to {e.end or e.start}"
        for e in leave
    ]
    for e, first, last in study:
        what = e.details.get("course") or e.details.get("level") or "LTT"
        parts.append(
            f"study leave ({what}) from {first}, not yet reported back (7.7.6.2)"
            if last is None
            else f"study leave ({what}) {first} to {last}"
        )
    return "; ".join(parts)


NO_ADJOINING_LEAVE = Rule(
    "8.12.3, 7.7.6.2",
    "no other form of leave, study leave (LTT) included, may be prefixed or suffixed to EOL "
    "or fall within it; after an LTT no leave before reporting back",
    _no_adjoining_any_leave,
    explain=_explain_adjoining_any,
)
RULES_2023_2 = tuple(NO_ADJOINING_LEAVE if r.cite == "8.12.3" else r for r in RULES)
_OLD_GUARD = next(g for g in as_guards(RULES) if g.cite == "8.12.3")
_NEW_GUARD = as_guards((NO_ADJOINING_LEAVE,))[0]


def _swap_leave_guard(step: Step) -> Step:
    return replace(
        step,
        guards=tuple(
            _NEW_GUARD if (g.cite, g.reason) == (_OLD_GUARD.cite, _OLD_GUARD.reason) else g
            for g in step.guards
        ),
    )


def processed_before_leave(ctx: Context) -> bool:
    processed = as_date(ctx.value("promotion_processed_on"))
    began = as_date(ctx.data.get("commenced_on") or ctx.data.get("start_on"))
    return processed is None or began is None or processed < began


def approved_during_leave(ctx: Context) -> bool:
    approved = as_date(ctx.value("promotion_approved_on"))
    began = as_date(ctx.data.get("commenced_on") or ctx.data.get("start_on"))
    return approved is None or began is None or approved >= began


def no_promotion_yet(ctx: Context) -> bool:
    return not ctx.data.get("promotion")


RECORD_PROMOTION = Step(
    "record_promotion",
    ("on_leave", "to_rejoin"),
    "=",
    "Record a promotion approved during the leave (effective only on rejoining)",
    "8.12.8",
    by=HR,
    authority=agency_office,
    fields=(
        Field("promotion_processed_on", "date", "Promotion processed on (before the EOL)"),
        Field("promotion_approved_on", "date", "Approval received on (during the EOL)"),
        Field("promotion_order_no", "text", "Promotion order number"),
        Field("new_level", "choice", "New position level", choices=tuple((x, x) for x in LEVELS)),
        Field("new_position_title", "text", "New position title", required=False),
    ),
    guards=(
        Guard("8.12.8", "a promotion is already recorded for this leave", no_promotion_yet, True),
        Guard(
            "8.12.8",
            "only a promotion processed before the EOL began is held to the rejoining",
            processed_before_leave,
        ),
        Guard(
            "8.12.8",
            "the approval must have been received during the EOL",
            approved_during_leave,
        ),
    ),
    effects=("eol_promotion_recorded",),
)


def _v1(trigger: str) -> list[Step]:
    return [s for s in STEPS if s.trigger == trigger]


# The application's papers (the signed Form 8/B, what supports the reasons), filed on the
# case file with the application (workflows.case_file kind "application").
FORM_8B = Field(
    "application_files",
    "file",
    "Form 8/B and supporting papers (8.12.10)",
    required=False,
    paper="application",
    help="The signed undertaking of Form 8/B and any paper supporting the reasons.",
)

V2 = revise(
    PROCESS,
    version="2023.2",
    effective_from=date(2026, 12, 7),
    changes="Issue 16: 8.12.3 with 7.7.6.2: no leave of any kind, study leave (LTT) included, "
    "adjoins EOL; 8.12.7: the pay stopped for the days of EOL is recorded; 8.12.8: a promotion "
    "approved during the leave takes effect only on rejoining; 13.5.1.5: a return on the "
    "Waiting List runs its six months (calendar months, the last day stated). 8.12.10: the "
    "signed Form 8/B and supporting papers are attached to the application.",
    replace=(
        *[replace(_swap_leave_guard(s), fields=(*s.fields, FORM_8B)) for s in _v1("open")],
        *[_swap_leave_guard(s) for s in _v1("approve")],
        *[replace(s, effects=("eol_commence_2023_2",)) for s in _v1("commence")],
        *[replace(s, effects=("eol_commence_2023_2",)) for s in _v1("leave_begins")],
        *[b for s in _v1("rejoin") for b in waiting_list.branch(s, effects=("eol_rejoin_2023_2",))],
    ),
    add=(RECORD_PROMOTION, *waiting_list.steps("rejoined", HR, "8.12.14, 13.5.1.2 ii")),
    states=waiting_list.STATES,
    eligibility=RULES_2023_2,
)

# Every version, oldest first (workflows.registry, workflows.revision).
VERSIONS: tuple[Process, ...] = (PROCESS, V2)
