"""Secondment of a civil servant (BCSR 2023 section 13.10), as a state machine.

Read beside the rule: the agency HRC nominates to the RCSC (13.10.4.1 i); the RCSC
validates the nomination with the receiving organisation and verifies the service record
(ii-iv); the organisation makes the final selection (v); the RCSC approves (13.10.2.1) a
term of at most three years that cannot be extended (13.10.5.1); the relieving agency
releases the civil servant (vi). While on secondment the employer sends an appraisal
every year (13.10.5.5), the relieving agency warns the civil servant three months before
the term ends (13.10.7.2), and the employer (13.10.7.1) or the RCSC (13.10.7.4) may end it
early on three months' notice. On return the civil servant is placed at the same level
if a post is vacant, else on the Waiting or Interim Transfer List (13.10.7.3, 13.10.8.1,
13.5), and owes a return service obligation (13.10.6.1-2). Not rejoining at the end means
compulsory retirement from the end date (13.10.6.4), decided in the shared queue.

Eligibility (13.10.3) is checked when the HRC nominates, again when the RCSC validates
(13.10.4.1 iii) and when it approves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from workflows import readings, waiting_list
from workflows import roles as R
from workflows.condonation import no_condonation
from workflows.context import Context
from workflows.declarations import Arm, Authority, Field, Guard, State, Step
from workflows.eligibility import Rule, as_guards, proposed_date
from workflows.engine import Process
from workflows.obligations import add_months
from workflows.profile import Profile
from workflows.revision import revise
from workflows.values import as_date, checked

VERSION = "2023.1"

MAX_TERM_MONTHS = 36  # 13.10.5.1
NOTICE_MONTHS = 3  # 13.10.7.1, 13.10.7.2, 13.10.7.4
MIN_ACTIVE_YEARS = 5  # 13.10.3.2

# ------------------------------------------------------------------ authorities


def nominating_body(ctx: Context) -> Authority:
    """13.10.4.1 i: nominations reach the RCSC through the HRC of the agency concerned; for
    executives and specialists the RCSC itself is the HR authority (19.3.6)."""
    if ctx.subject.executive_or_specialist:
        return Authority((R.RCSC_AGENCY,), "13.10.4.1(i)")
    return Authority((ctx.subject.agency,), "13.10.4.1(i)")


def rcsc(ctx: Context) -> Authority:
    """13.10.2.1: the RCSC is the competent authority for secondment."""
    return Authority((R.RCSC_AGENCY,), "13.10.2.1")


def relieving_agency(ctx: Context) -> Authority:
    """The agency the civil servant is seconded from releases, warns and takes them back
    (13.10.4.1 vi, 13.10.7.2, 13.10.8.1)."""
    return Authority((ctx.subject.agency,), "13.10.7.2")


HRC = frozenset({R.HRC_CHAIR, R.MEMBER_SECRETARY})
HR = frozenset({R.HR_OFFICER, R.MEMBER_SECRETARY})
RCSC = frozenset({R.RCSC})

# ------------------------------------------------------------------ dates of the term


def term_limit(start: date) -> date:
    """13.10.5.1: the last day a term starting on ``start`` may run to (three years)."""
    return add_months(start, MAX_TERM_MONTHS) - timedelta(days=1)


def term_within_limit(start: date | None, end: date | None) -> bool:
    """True when the term is unknown yet, or ends after it starts and within three years."""
    if start is None or end is None:
        return True
    return start <= end <= term_limit(start)


def end_notice_due(end: date, today: date) -> date:
    """13.10.7.2: the relieving agency notifies the civil servant three months before the
    term ends; a term set shorter than that (an early reversion) is notified at once."""
    return max(add_months(end, -NOTICE_MONTHS), today)


def appraisal_due(start: date, end: date, received: int) -> date:
    """13.10.5.5: the employer's appraisal for each year of the secondment; the one for the
    last (perhaps shorter) year is due when the term ends."""
    return min(add_months(start, 12 * (received + 1)), end)


def appraisals_remain_after(start: date, end: date, received: int) -> bool:
    """Whether another appraisal falls due after the one now received (the ``received``+1th)."""
    return add_months(start, 12 * (received + 1)) < end


def notice_long_enough(notified_on: date | None, new_end: date | None) -> bool:
    """13.10.7.1, 13.10.7.4: the term may end early only three months or more after notice."""
    if notified_on is None or new_end is None:
        return False
    return new_end >= add_months(notified_on, NOTICE_MONTHS)


# ------------------------------------------------------------------ eligibility (13.10.3)


def _no_outstanding_dues(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return not p.of("due", "outstanding")


def _no_pending_audit_memos(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return not p.of("audit_memo", "pending")


def _no_penalties_in_force(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return p.penalties_in_force == 0


def _no_penalty_on_record(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return p.penalties_on_record == 0


def _no_pending_disciplinary(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return p.pending_disciplinary == 0


def _five_years_active(p: Profile, _prop: Mapping[str, Any], today: date) -> bool:
    return p.active_service_years(today) >= MIN_ACTIVE_YEARS


def _first_secondment(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return not p.of("secondment")


def _not_contract(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return p.employment_type != "contract"


def _no_ltt_pending_completion(p: Profile, _prop: Mapping[str, Any], _today: date) -> bool:
    return not p.of("ltt", "pending_completion")


def _term_within_three_years(_p: Profile, prop: Mapping[str, Any], today: date) -> bool:
    if not prop.get("start_on") or not prop.get("end_on"):
        return True  # no term proposed yet: the RCSC fixes it on approval
    start = proposed_date(prop, "start_on", today)
    end = proposed_date(prop, "end_on", today)
    return term_within_limit(start, end)


def _dues(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    rows = p.of("due", "outstanding")
    total = sum(float(e.details.get("amount") or 0) for e in rows)
    return f"{len(rows)} outstanding (Nu {total:,.2f})"


def _memos(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    notes = [str(e.details.get("note") or "") for e in p.of("audit_memo", "pending")]
    listed = "; ".join(n for n in notes if n)
    return f"{len(notes)} pending" + (f" ({listed})" if listed else "")


def _penalties(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    return f"{p.penalties_in_force} penalty(ies) in force"


def _penalties_on_record(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    return f"{p.penalties_on_record} penalty(ies) on the record, {p.penalties_in_force} in force"


def _disciplinary(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    return f"{p.pending_disciplinary} disciplinary case(s) open"


def _service(p: Profile, _prop: Mapping[str, Any], today: date) -> str:
    return f"{p.active_service_years(today):.1f} years of active service (EOL not counted)"


def _earlier(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    rows = p.of("secondment")
    first = rows[0]
    where = first.details.get("organisation") or "an organisation"
    since = f" from {first.start.isoformat()}" if first.start else ""
    return f"already seconded to {where}{since}" + (
        f" and {len(rows) - 1} more" if len(rows) > 1 else ""
    )


def _ltt(p: Profile, _prop: Mapping[str, Any], _today: date) -> str:
    rows = p.of("ltt", "pending_completion")
    course = rows[0].details.get("course") or rows[0].details.get("level") or "an LTT"
    return f"{course} is reported but pending completion"


def _term(_p: Profile, prop: Mapping[str, Any], today: date) -> str:
    start = proposed_date(prop, "start_on", today)
    return f"a term starting {start.isoformat()} must end by {term_limit(start).isoformat()}"


FIRST_SECONDMENT = Rule(
    "13.10.3.4",
    "secondment is granted once in a career: this must be the first",
    _first_secondment,
    explain=_earlier,
)
TERM = Rule(
    "13.10.5.1",
    "the term of a secondment is at most three years and cannot be extended",
    _term_within_three_years,
    explain=_term,
)
RECORD_RULES: tuple[Rule, ...] = (
    Rule(
        "13.10.3.1",
        "no outstanding dues on the service record",
        _no_outstanding_dues,
        explain=_dues,
    ),
    Rule("13.10.3.1", "no pending audit memos", _no_pending_audit_memos, explain=_memos),
    Rule(
        "13.10.3.1",
        "no administrative penalties in force",
        _no_penalties_in_force,
        explain=_penalties,
        under=(readings.CLEAN_RECORD.id, "in_force"),
    ),
    Rule(
        "13.10.3.1",
        "no administrative penalty on the record",
        _no_penalty_on_record,
        explain=_penalties_on_record,
        under=(readings.CLEAN_RECORD.id, "ever"),
    ),
    Rule(
        "13.10.3.1",
        "no pending administrative disciplinary case",
        _no_pending_disciplinary,
        explain=_disciplinary,
    ),
    Rule(
        "13.10.3.2",
        "at least five years of active service, probation included",
        _five_years_active,
        explain=_service,
    ),
    FIRST_SECONDMENT,
    Rule("13.10.3.5", "a contract employee cannot be seconded", _not_contract),
    Rule(
        "7.7.8.1(iii)",
        "an LTT reported but pending completion bars positive HR actions such as "
        "secondment until evidence of completion is submitted",
        _no_ltt_pending_completion,
        explain=_ltt,
    ),
)
# What the HRC's nomination must meet (13.10.3) and the proposed term (13.10.5.1).
RULES: tuple[Rule, ...] = (*RECORD_RULES, TERM)

# ------------------------------------------------------------------------ guards


def new_programme_approved(ctx: Context) -> bool:
    return ctx.value("programme") != "new" or bool(ctx.value("programme_approval_ref"))


def approved_term_ok(ctx: Context) -> bool:
    return term_within_limit(as_date(ctx.value("start_on")), as_date(ctx.value("end_on")))


def actual_term_ok(ctx: Context) -> bool:
    """13.10.5.1 on relief: from the day the post is taken up to the approved end."""
    return term_within_limit(as_date(ctx.value("takes_up_post_on")), as_date(ctx.data["end_on"]))


def takes_up_after_relief(ctx: Context) -> bool:
    relieved, starts = as_date(ctx.value("relieved_on")), as_date(ctx.value("takes_up_post_on"))
    return relieved is not None and starts is not None and relieved <= starts


def quarter_vacated_if_long(ctx: Context) -> bool:
    """9.7.2, 8.12.9: a government quarter is vacated for a secondment over 12 months."""
    if ctx.value("government_quarter") != "retained":
        return True
    start, end = as_date(ctx.value("takes_up_post_on")), as_date(ctx.data.get("end_on"))
    return start is None or end is None or end < add_months(start, 12)


def not_yet_notified(ctx: Context) -> bool:
    return ctx.data.get("end_notified_for") != ctx.data.get("end_on")


def more_appraisals_due(ctx: Context) -> bool:
    start, end = as_date(ctx.data.get("secondment_start_on")), as_date(ctx.data.get("end_on"))
    if start is None or end is None:
        return False
    return appraisals_remain_after(start, end, int(ctx.data.get("appraisals_received") or 0))


def last_appraisal(ctx: Context) -> bool:
    return not more_appraisals_due(ctx)


def early_end_with_notice(ctx: Context) -> bool:
    return notice_long_enough(as_date(ctx.value("notified_on")), as_date(ctx.value("new_end_on")))


def early_end_before_term(ctx: Context) -> bool:
    """13.10.5.1: the term cannot be extended, so a new end can only bring it forward."""
    new_end, end = as_date(ctx.value("new_end_on")), as_date(ctx.data.get("end_on"))
    return new_end is not None and end is not None and new_end < end


def early_end_not_past(ctx: Context) -> bool:
    new_end = as_date(ctx.value("new_end_on"))
    return new_end is not None and new_end >= ctx.today


def rejoined_after_term(ctx: Context) -> bool:
    rejoined, end = as_date(ctx.value("rejoined_on")), as_date(ctx.data.get("end_on"))
    return rejoined is not None and end is not None and rejoined > end


def rejoined_in_time(ctx: Context) -> bool:
    """13.10.6.4: rejoin on completion of the term, at the latest on the first working day
    after it (the rejoining deadline); later is for the RCSC to retire or condone."""
    rejoined, due = as_date(ctx.value("rejoined_on")), ctx.due.get("rejoining_due")
    return rejoined is not None and (due is None or rejoined <= due)


def position_named_if_placed(ctx: Context) -> bool:
    return ctx.value("placement") != "same_level" or bool(ctx.value("position_title"))


def term_over(ctx: Context) -> bool:
    """The civil servant did not rejoin by the rejoining deadline (13.10.6.4)."""
    due = ctx.due.get("rejoining_due")
    if due is not None:
        return ctx.today > due
    end = as_date(ctx.data.get("end_on"))
    return end is not None and ctx.today > end


def effective_from_term_end(ctx: Context) -> bool:
    """13.10.6.4: the retirement takes effect from the end of the approved secondment."""
    given = ctx.fields.get("effective_on")
    return not given or given == ctx.data.get("retirement_effective_on")


ELIGIBLE = as_guards(RULES)  # on nomination (13.10.4.1 i)
# Re-checked when the RCSC verifies the record (13.10.4.1 iii) and approves (13.10.2.1).
RECORD_CLEAN = as_guards(RECORD_RULES)

# ------------------------------------------------------------------------ fields

LOCATIONS = (
    ("outside", "International organisation outside Bhutan (obligation: twice the term)"),
    ("inside", "Organisation within Bhutan (obligation: equal to the term)"),
)
PROGRAMMES = (
    ("established", "Established secondment programme (13.10.4.1)"),
    ("new", "New programme: the RCSC approved it before the post was announced (13.10.4.2)"),
)
PLACEMENTS = (
    ("same_level", "Placed in a vacant position at the same position level (13.10.8.1)"),
    ("waiting_list", "No vacancy: on the RCSC Waiting List (13.5.1.2 i, 13.10.7.3)"),
    (
        "interim_transfer_list",
        "No vacancy: on the RCSC Interim Transfer List, secondment in Government interest "
        "(13.5.2.2, 13.10.7.3)",
    ),
)
QUARTER = (
    ("none", "No government quarter"),
    ("vacated", "Government quarter vacated"),
    ("retained", "Government quarter retained"),
)

START = Field(
    "start_on", "date", "Secondment starts on", future_ok=True, help="The first day at the post."
)
END = Field(
    "end_on",
    "date",
    "Secondment ends on",
    future_ok=True,
    help="The last day of the term: at most three years, not extendable (13.10.5.1).",
)
PROPOSED_START = Field(
    "start_on", "date", "Proposed start of the secondment", required=False, future_ok=True
)
PROPOSED_END = Field(
    "end_on", "date", "Proposed end of the secondment", required=False, future_ok=True
)
ORGANISATION = Field("organisation", "text", "Organisation of secondment")
LOCATION = Field("location", "choice", "Where the organisation is", choices=LOCATIONS)
REASONS = Field("reasons", "textarea", "Reasons")

# ------------------------------------------------------------------------ states

STATES = (
    State("new", "not yet nominated"),
    State("nominated", "nominated by the agency HRC; awaiting RCSC validation"),
    State("validated", "validated by the RCSC; awaiting the organisation's selection"),
    State("selected", "selected by the organisation; awaiting RCSC approval"),
    State("approved", "approved by the RCSC; to be relieved by the agency"),
    State("on_secondment", "on secondment"),
    State(
        "retirement_proposed",
        "Compulsory retirement proposed",
        queue="compulsory_retirement",
    ),
    State("return_condoned", "late rejoining condoned; return to be recorded"),
    State("returned", "returned; placed and service obligation recorded", final=True),
    State("retired", "compulsorily retired (13.10.6.4)", final=True),
    State("withdrawn", "nomination withdrawn by the agency", final=True),
    State("declined", "declined by the RCSC", final=True),
    State("not_selected", "not selected by the organisation", final=True),
    State("cancelled", "approval cancelled before relief", final=True),
)

# ------------------------------------------------------------------------ steps

REJOIN_FIELDS = (
    Field("rejoined_on", "date", "Rejoined the agency on"),
    Field("placement", "choice", "Placement on return", choices=PLACEMENTS),
    Field(
        "position_title",
        "text",
        "Position title (same position level as before the secondment)",
        required=False,
    ),
    Field(
        "lpc_submitted",
        "bool",
        "Last pay certificate and repatriation documents from the organisation submitted "
        "(13.10.6.3)",
    ),
    Field(
        "retirement_benefits_drawn",
        "bool",
        "Retirement benefits drawn from the organisation for the period (13.10.5.6)",
    ),
)
REJOIN_GUARDS = (
    Guard(
        "13.10.7.1",
        "the term had not ended on that day: to return earlier, record the employer's early "
        "reversion (13.10.7.1) or the RCSC's recall (13.10.7.4) first",
        rejoined_after_term,
    ),
    Guard(
        "13.10.8.1",
        "name the position at the same position level the civil servant is placed in",
        position_named_if_placed,
    ),
)
# Armed on relief and again whenever the end of the term moves (13.10.7.1, 13.10.7.4).
TERM_ARMS = (
    Arm(
        "appraisal_due",
        "Performance appraisal from the employing organisation",
        "13.10.5.5",
        days=0,
        from_field="appraisal_due_on",
    ),
    Arm(
        "rejoining_due",
        "Rejoin the agency on completion of the term",
        "13.10.6.4",
        working_days=1,
        from_field="end_on",
        on_timeout="not_rejoined",
    ),
)
NEW_END_NOTICE_ARM = Arm(
    "end_of_term_notice_due",
    "Notify the civil servant of the new end of the term",
    "13.10.7.2",
    days=0,
    from_field="end_notice_due_on",
)

EARLY_END_FIELDS = (
    Field("notified_on", "date", "Notice given on"),
    Field("new_end_on", "date", "Secondment now ends on", future_ok=True),
    REASONS,
)

STEPS: tuple[Step, ...] = (
    # -- nomination (13.10.4.1 i)
    Step(
        "open",
        "new",
        "nominated",
        "Nominate to the RCSC (agency HRC)",
        "13.10.4.1(i)",
        by=HRC,
        authority=nominating_body,
        fields=(
            ORGANISATION,
            Field("post", "text", "Post at the organisation"),
            LOCATION,
            Field("programme", "choice", "Programme", choices=PROGRAMMES),
            Field(
                "programme_approval_ref",
                "text",
                "RCSC approval of the new programme (reference)",
                required=False,
            ),
            PROPOSED_START,
            PROPOSED_END,
            Field("nominated_on", "date", "HRC nominated on"),
            Field("hrc_meeting_no", "text", "HRC meeting number"),
            Field("merit_note", "textarea", "Basis of the nomination (merit)", required=False),
        ),
        guards=(
            *ELIGIBLE,
            Guard(
                "13.10.4.2",
                "for a new programme the agency needs the RCSC's approval before the post is "
                "announced: give its reference",
                new_programme_approved,
            ),
        ),
    ),
    Step(
        "withdraw",
        ("nominated", "validated", "selected"),
        "withdrawn",
        "Withdraw the nomination",
        "13.10.4.1(i)",
        by=HRC,
        authority=nominating_body,
        fields=(REASONS,),
    ),
    # -- validation by the RCSC (13.10.4.1 ii-iv)
    Step(
        "validate",
        "nominated",
        "validated",
        "Validate the nomination with the organisation",
        "13.10.4.1(ii)",
        by=RCSC,
        authority=rcsc,
        fields=(
            Field("validated_on", "date", "Validated on"),
            Field(
                "organisation_consulted",
                "bool",
                "The recruiting organisation was consulted (13.10.4.1 ii)",
            ),
            Field(
                "record_verified",
                "bool",
                "Service record and performance evaluation reports verified (13.10.4.1 iii)",
            ),
            Field(
                "organisation_criteria_met",
                "bool",
                "Meets the organisation's criteria and produced the documents it requires "
                "(13.10.3.3)",
            ),
            Field(
                "selection_process",
                "text",
                "Selection process the applicants are subjected to, if any",
                required=False,
            ),
            Field("validation_note", "textarea", "Merit assessment (13.10.4.1 iv)"),
        ),
        guards=(
            Guard(
                "13.10.4.1(ii)",
                "the nomination is validated in consultation with the recruiting organisation",
                checked("organisation_consulted"),
            ),
            Guard(
                "13.10.4.1(iii)",
                "the service record and performance evaluation reports must be verified",
                checked("record_verified"),
            ),
            Guard(
                "13.10.3.3",
                "the civil servant must fulfil the criteria set by the employing organisation "
                "and produce the documents it requires",
                checked("organisation_criteria_met"),
            ),
            *RECORD_CLEAN,
        ),
    ),
    Step(
        "decline",
        ("nominated", "selected"),
        "declined",
        "Decline (RCSC)",
        "13.10.2.1",
        by=RCSC,
        authority=rcsc,
        fields=(Field("declined_on", "date", "Declined on"), REASONS),
    ),
    # -- selection by the organisation (13.10.4.1 v)
    Step(
        "record_selection",
        "validated",
        "selected",
        "Record the organisation's selection",
        "13.10.4.1(v)",
        by=RCSC,
        authority=rcsc,
        when=lambda ctx: ctx.value("selection") == "selected",
        fields=(
            Field(
                "selection",
                "choice",
                "The organisation's final decision",
                choices=(("selected", "Selected"), ("not_selected", "Not selected")),
            ),
            Field("decision_received_on", "date", "Decision received on"),
            Field("organisation_ref", "text", "Organisation's letter reference", required=False),
        ),
    ),
    Step(
        "record_selection",
        "validated",
        "not_selected",
        "Record the organisation's selection",
        "13.10.4.1(v)",
        by=RCSC,
        authority=rcsc,
        when=lambda ctx: ctx.value("selection") != "selected",
        fields=(
            Field(
                "selection",
                "choice",
                "The organisation's final decision",
                choices=(("selected", "Selected"), ("not_selected", "Not selected")),
            ),
            Field("decision_received_on", "date", "Decision received on"),
            Field("organisation_ref", "text", "Organisation's letter reference", required=False),
        ),
    ),
    # -- approval (13.10.2.1, 13.10.5.1)
    Step(
        "approve",
        "selected",
        "approved",
        "Approve the secondment (RCSC)",
        "13.10.2.1",
        by=RCSC,
        authority=rcsc,
        fields=(
            Field("approved_on", "date", "Approved on"),
            Field("approval_order_no", "text", "RCSC approval order number"),
            ORGANISATION,
            LOCATION,
            START,
            END,
        ),
        guards=(
            Guard(
                "13.10.5.1",
                "the term of a secondment is at most three years, ends after it starts, and "
                "cannot be extended",
                approved_term_ok,
            ),
            *RECORD_CLEAN,
        ),
        arms=(
            Arm(
                "relief_due",
                "Release the civil servant to take up the post",
                "13.10.4.1(vi)",
                days=0,
                from_field="start_on",
            ),
        ),
    ),
    Step(
        "cancel_approval",
        "approved",
        "cancelled",
        "Cancel the approval before relief",
        "13.10.2.1",
        by=RCSC,
        authority=rcsc,
        fields=(REASONS,),
    ),
    # -- relief (13.10.4.1 vi, 13.10.5.2, 13.10.5.3)
    Step(
        "relieve",
        "approved",
        "on_secondment",
        "Relieve the civil servant for the secondment",
        "13.10.4.1(vi)",
        by=HR,
        authority=relieving_agency,
        fields=(
            Field("relieved_on", "date", "Relieved on"),
            Field("takes_up_post_on", "date", "Takes up the post on", future_ok=True),
            Field("relieving_order_no", "text", "Relieving order number"),
            Field(
                "pay_stopped",
                "bool",
                "Pay and benefits from the agency stopped for the period (13.10.5.2); "
                "pension, PF and insurance contributions left to the civil servant (13.10.5.3)",
            ),
            Field("government_quarter", "choice", "Government quarter", choices=QUARTER),
        ),
        guards=(
            Guard(
                "13.10.4.1(vi)",
                "the civil servant takes up the post on or after the day of relief",
                takes_up_after_relief,
            ),
            Guard(
                "13.10.5.1",
                "from the day the post is taken up to the approved end the term would exceed "
                "three years; it cannot be extended",
                actual_term_ok,
            ),
            Guard(
                "13.10.5.2",
                "the relieving agency pays no remuneration or benefits during the secondment",
                checked("pay_stopped"),
            ),
            Guard(
                "9.7.2",
                "a government quarter is vacated for a secondment exceeding 12 months",
                quarter_vacated_if_long,
            ),
            *as_guards((FIRST_SECONDMENT,)),  # one entered meanwhile would make this a second
        ),
        settles=("relief_due",),
        effects=("secondment_relieved",),
        arms=(
            Arm(
                "end_of_term_notice_due",
                "Notify the civil servant three months before the term ends",
                "13.10.7.2",
                days=0,
                from_field="end_notice_due_on",
            ),
            *TERM_ARMS,
        ),
    ),
    # -- during the secondment
    Step(
        "notify_end_of_term",
        "on_secondment",
        "on_secondment",
        "Notify the civil servant that the term is ending",
        "13.10.7.2",
        by=HR,
        authority=relieving_agency,
        fields=(
            Field("notified_on", "date", "Notified on"),
            Field("notice_letter_no", "text", "Letter number"),
        ),
        guards=(
            Guard(
                "13.10.7.2",
                "the civil servant has already been notified of this end of term",
                not_yet_notified,
                precheck=True,
            ),
        ),
        settles=("end_of_term_notice_due",),
        effects=("secondment_notified",),
    ),
    Step(
        "receive_appraisal",
        "on_secondment",
        "on_secondment",
        "Record the annual appraisal from the organisation",
        "13.10.5.5",
        by=HR,
        authority=relieving_agency,
        when=more_appraisals_due,
        fields=(
            Field("received_on", "date", "Appraisal report received on"),
            Field("appraisal_period", "text", "Period appraised"),
            Field("appraisal_result", "text", "Result, in the organisation's own system"),
        ),
        settles=("appraisal_due",),
        effects=("secondment_appraisal",),
        arms=(
            Arm(
                "appraisal_due",
                "Performance appraisal from the employing organisation",
                "13.10.5.5",
                days=0,
                from_field="appraisal_due_on",
            ),
        ),
    ),
    Step(
        "receive_appraisal",
        "on_secondment",
        "on_secondment",
        "Record the annual appraisal from the organisation",
        "13.10.5.5",
        by=HR,
        authority=relieving_agency,
        when=last_appraisal,
        fields=(
            Field("received_on", "date", "Appraisal report received on"),
            Field("appraisal_period", "text", "Period appraised"),
            Field("appraisal_result", "text", "Result, in the organisation's own system"),
        ),
        settles=("appraisal_due",),
        effects=("secondment_appraisal",),
    ),
    Step(
        "revert_early",
        "on_secondment",
        "on_secondment",
        "Record the organisation's early reversion",
        "13.10.7.1",
        by=RCSC,
        authority=rcsc,
        fields=EARLY_END_FIELDS,
        guards=(
            Guard(
                "13.10.7.1",
                "the organisation must notify the RCSC at least three months before the reversion",
                early_end_with_notice,
            ),
            Guard(
                "13.10.5.1",
                "a reversion ends the term before its approved end; it cannot extend it",
                early_end_before_term,
            ),
            Guard("13.10.7.1", "the new end of the term cannot be in the past", early_end_not_past),
        ),
        effects=("secondment_new_end",),
        arms=(NEW_END_NOTICE_ARM, *TERM_ARMS),
    ),
    Step(
        "recall",
        "on_secondment",
        "on_secondment",
        "Recall the civil servant (RCSC)",
        "13.10.7.4",
        by=RCSC,
        authority=rcsc,
        fields=EARLY_END_FIELDS,
        guards=(
            Guard(
                "13.10.7.4",
                "the RCSC recalls with at least three months' prior notice to the organisation "
                "and the agency",
                early_end_with_notice,
            ),
            Guard(
                "13.10.5.1",
                "a recall ends the term before its approved end; it cannot extend it",
                early_end_before_term,
            ),
            Guard("13.10.7.4", "the new end of the term cannot be in the past", early_end_not_past),
        ),
        effects=("secondment_new_end",),
        arms=(NEW_END_NOTICE_ARM, *TERM_ARMS),
    ),
    # -- return (13.10.6, 13.10.7.3, 13.10.8.1)
    Step(
        "rejoin",
        "on_secondment",
        "returned",
        "Record the return and placement",
        "13.10.8.1",
        by=HR,
        authority=relieving_agency,
        fields=REJOIN_FIELDS,
        guards=(
            *REJOIN_GUARDS,
            Guard(
                "13.10.6.4",
                "the civil servant did not rejoin by the first working day after the term: "
                "only the RCSC can condone the late rejoining",
                rejoined_in_time,
            ),
        ),
        settles=("rejoining_due", "end_of_term_notice_due", "appraisal_due"),
        effects=("secondment_returned",),
    ),
    Step(
        "rejoin",
        "return_condoned",
        "returned",
        "Record the return and placement",
        "13.10.8.1",
        by=HR,
        authority=relieving_agency,
        fields=REJOIN_FIELDS,
        guards=REJOIN_GUARDS,
        settles=("rejoining_due",),
        effects=("secondment_returned",),
    ),
    # -- not rejoining (13.10.6.4) and the shared compulsory-retirement queue
    Step(
        "report_not_rejoined",
        "on_secondment",
        "retirement_proposed",
        "Report that the civil servant has not rejoined",
        "13.10.6.4",
        by=HR,
        authority=relieving_agency,
        fields=(Field("particulars", "textarea", "Particulars (contacts made, replies)"),),
        guards=(
            Guard(
                "13.10.6.4",
                "the term has not ended and the rejoining day has not passed",
                term_over,
                precheck=True,
                dated=True,
            ),
        ),
        settles=("rejoining_due", "end_of_term_notice_due", "appraisal_due"),
        effects=("secondment_not_rejoined",),
    ),
    Step(
        "not_rejoined",
        ("on_secondment", "return_condoned"),
        "retirement_proposed",
        "Did not rejoin on completion of the term",
        "13.10.6.4",
        by=frozenset({R.SYSTEM}),
        settles=("end_of_term_notice_due", "appraisal_due"),
        effects=("secondment_not_rejoined",),
    ),
    Step(
        "retire",
        "retirement_proposed",
        "retired",
        "Compulsorily retire from the end of the secondment",
        "13.10.6.4",
        by=RCSC,
        authority=rcsc,
        fields=(
            Field(
                "effective_on",
                "date",
                "Effective on (the end of the approved secondment)",
                required=False,
                future_ok=True,
            ),
            Field("order_no", "text", "Office order number"),
        ),
        guards=(
            Guard(
                "13.10.6.4",
                "the retirement takes effect from the date of completion of the approved "
                "secondment period",
                effective_from_term_end,
            ),
        ),
        effects=("compulsory_retirement",),
    ),
    Step(
        "condone",
        "retirement_proposed",
        "return_condoned",
        "Condone the late rejoining",
        "13.10.6.4",
        by=RCSC,
        authority=rcsc,
        guards=(no_condonation(readings.SECONDMENT_NOT_REJOINED),),
        fields=(REASONS,),
        effects=("secondment_condoned",),
        arms=(
            Arm(
                "rejoining_due",
                "Rejoin the agency (late rejoining condoned)",
                "13.10.6.4",
                working_days=5,
                on_timeout="not_rejoined",
            ),
        ),
    ),
)


PROCESS = Process(
    key="secondment",
    title="Secondment",
    version=VERSION,
    cite="13.10",
    states=STATES,
    steps=STEPS,
    initial="new",
    opening="open",
    summary="BCSR 2023 section 13.10: nomination by the agency HRC, validation and approval "
    "by the RCSC, selection by the organisation, relief, annual appraisals, notice before "
    "the end of the term, early reversion or recall, return with placement and service "
    "obligation, or compulsory retirement for not rejoining.",
    eligibility=RULES,
    proposal_fields=(PROPOSED_START, PROPOSED_END),
    readings=(
        readings.InForce(readings.SECONDMENT_NOT_REJOINED, "condonable", readings.CONDONE_WHY),
        readings.InForce(
            readings.CLEAN_RECORD,
            "in_force",
            "a penalty whose term is over no longer marks the record; the first version "
            "counted only penalties in force",
        ),
        readings.InForce(
            readings.RETURN_OBLIGATION_IN_BHUTAN,
            "any",
            "the first version asked only whether the organisation is outside or within "
            "Bhutan, and bound every secondment within Bhutan",
        ),
        readings.InForce(
            readings.SECONDMENT_OBLIGATION_DURATION,
            "days",
            "the first version doubled the secondment's days",
        ),
    ),
)

# ------------------------------------------------------------------------ 2023.2

PROMOTION_DAYS = ((1, 1), (7, 1))  # 10.6.1: "with effect from 1st January or 1st July"


def earliest_promotion_period(rejoined: date) -> date:
    """13.10.5.4: a promotion "processed and effected only after he re-joins his Agency on
    reversion from secondment coinciding with the earliest promotion period": the first
    1 January or 1 July (10.6.1) on or after the day of rejoining."""
    for year in (rejoined.year, rejoined.year + 1):
        for month, day in PROMOTION_DAYS:
            if date(year, month, day) >= rejoined:
                return date(year, month, day)
    raise AssertionError("unreachable")


def revised_pay_given(ctx: Context) -> bool:
    return not ctx.value("pay_revised") or bool(ctx.value("revised_start_pay"))


def resigned_during_term(ctx: Context) -> bool:
    on = as_date(ctx.value("resigned_on"))
    start = as_date(ctx.data.get("secondment_start_on"))
    return on is None or start is None or on >= start


RESIGN = Step(
    "resign",
    "on_secondment",
    "resigned",
    "Record the resignation while on secondment and fix the pay for retirement benefits",
    "13.10.8.2",
    by=HR,
    authority=relieving_agency,
    fields=(
        Field("resigned_on", "date", "Resigned from the civil service on"),
        Field("resignation_order_no", "text", "Office order number"),
        Field(
            "lpc_pay",
            "decimal",
            "Pay as per the Last Pay Certificate received in the civil service (Nu)",
        ),
        Field(
            "pay_revised",
            "bool",
            "The pay scales were revised since the secondment began",
            required=False,
        ),
        Field(
            "revised_start_pay",
            "decimal",
            "Starting pay of the revised pay scale at the position level held before the "
            "secondment (Nu)",
            required=False,
        ),
    ),
    guards=(
        Guard(
            "13.10.8.2",
            "after a pay revision, give the starting pay of the revised scale at the position "
            "level held before the secondment",
            revised_pay_given,
        ),
        Guard(
            "13.10.8.2",
            "the resignation cannot be dated before the secondment began",
            resigned_during_term,
        ),
    ),
    settles=("rejoining_due", "end_of_term_notice_due", "appraisal_due"),
    effects=("secondment_resigned",),
)


def _v1(trigger: str) -> list[Step]:
    return [s for s in STEPS if s.trigger == trigger]


V2 = revise(
    PROCESS,
    version="2023.2",
    effective_from=date(2026, 12, 7),
    changes="Issue 16: 13.10.5.4: a promotion is effected only after rejoining, from the "
    "earliest promotion period (10.6.1); 13.5.1.5: a return on the Waiting List runs its six "
    "months (calendar months, the last day stated); 13.10.6.5: separating with the return "
    "obligation unserved records the pro-rata gratuity deduction; 13.10.8.2: resigning while "
    "seconded fixes the pay for retirement benefits; 13.10.6.1-2: the return obligation "
    "(double, or equal to, the secondment period) in calendar months and days left over.",
    readings=(
        readings.InForce(
            readings.SECONDMENT_OBLIGATION_DURATION, "calendar", readings.DURATION_WHY
        ),
    ),
    replace=tuple(
        b
        for s in _v1("rejoin")
        for b in waiting_list.branch(s, effects=("secondment_returned_2023_2",))
    ),
    add=(RESIGN, *waiting_list.steps("returned", HR, "13.10.7.3, 13.5.1.2 i")),
    states=(
        *waiting_list.STATES,
        State("resigned", "resigned while on secondment (13.10.8.2)", final=True),
    ),
)

# Every version, oldest first (workflows.registry, workflows.revision).
VERSIONS: tuple[Process, ...] = (PROCESS, V2)
