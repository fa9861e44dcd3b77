"""Transfer of a civil servant, BCSR 2023 chapter 13, as a state machine.

Read beside the rule: who may transfer (13.3.1), the general rules and eligibility
(13.4), lateral transfer to an announced vacancy (13.6), officer on special assignment
(13.7), foreign posting (13.8), the procedure from the transfer order to joining (13.9),
admissible joining time (13.11, 8.13.2.1) and accountability (13.12).

One case is one proposed transfer of one civil servant. The kinds differ only until the
transfer order: a planned transfer needs the parent agency's list agreed with the working
agency six months ahead (13.4.2, 13.9.2); a transfer on request is recommended by the
working agency's HRC; a lateral transfer needs the working agency's no-objection
certificate endorsed by the parent agency's HRC (13.6.3) and the receiving agency's
acceptance (13.6.4, 13.6.5); an OSA is submitted by the receiving agency to the RCSC
(13.7.5, 13.7.11); a foreign posting follows the parent agency's open competition
(13.8.2.2). From the order on, every kind is relieved (13.9.3, 13.4.18), has its joining
time (13.11) and reports at the new station, or has its salary withheld (13.9.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from workflows import readings
from workflows import roles as R
from workflows.calendar import WorkingCalendar
from workflows.context import Context
from workflows.declarations import Arm, Authority, Field, Guard, State, Step
from workflows.eligibility import Rule, as_guards, proposed_date
from workflows.engine import Process
from workflows.obligations import add_months, calendar_span, ltt_transfer_bar_last_day
from workflows.profile import Entry, Profile
from workflows.record import LEVELS, TRANSFER_KINDS
from workflows.revision import revise
from workflows.values import as_date, checked

VERSION = "2023.1"

KIND_LABEL = dict(TRANSFER_KINDS)
TERM_KINDS = ("osa", "foreign")  # a time-bound assignment, then back (13.7.10, 13.8.2.2)
APPLIED_KINDS = ("on_request", "lateral")  # the civil servant applies and may withdraw

MIN_YEARS_IN_POSITION = 3  # 13.4.5.1, 13.4.14
GENERAL_YEARS = 5  # 13.4.6
SUPERANNUATION_BAR_MONTHS = 12  # 13.4.13
AFTER_REQUEST_YEARS = 2  # 13.4.10
AFTER_LATERAL_YEARS = 2  # 13.6.6
PLANNING_MONTHS = 6  # 13.4.2, 13.9.2
ANNOUNCEMENT_DAYS = 14  # 13.6.1: "a minimum period of two weeks"
TERM_MONTHS = 36  # 13.7.2, 13.8.2.2: three years at most
OSA_MAX = 2  # 13.7.2
OSA_GAP_YEARS = 3  # 13.7.2
OSA_SERVICE_YEARS = 5  # 13.7.3
OSA_LEVELS = frozenset({"P2", "P3", "P4", "P5", "ES1", "ES2", "ES3"})  # 13.7.1
RELIEF_DAYS = 30  # 13.9.3
PERSONAL_FILE_DAYS = 15  # 13.4.17
PREPARATORY_WORKING_DAYS = 5  # 13.11.1, 8.13.2.1
PREPARATORY_MIN_KM = 10  # 13.11.1

# ------------------------------------------------------------------ small readings


def _effective(proposal: Mapping[str, Any], today: date) -> date:
    return proposed_date(proposal, "effective_on", today)


def _kind(proposal: Mapping[str, Any]) -> str | None:
    return proposal.get("transfer_kind") or None


def _since(profile: Profile) -> date:
    """13.4.14: the date of appointment in the current position (else the first appointment)."""
    return profile.position_since or profile.appointment_date


def _joined_transfers(profile: Profile) -> list[Entry]:
    """Transfers the civil servant joined, oldest first (start = the day of reporting)."""
    rows = [e for e in profile.of("transfer", "completed") if e.start]
    return sorted(rows, key=lambda e: e.start or date.min)


def _last_joined(profile: Profile) -> Entry | None:
    rows = _joined_transfers(profile)
    return rows[-1] if rows else None


def _osa_entries(profile: Profile) -> list[Entry]:
    return [
        e
        for e in profile.of("transfer", "ordered", "completed")
        if e.details.get("transfer_kind") == "osa"
    ]


def _ltt_periods(profile: Profile) -> list[tuple[Entry, date, int]]:
    """Each LTT returned from: (entry, day of return, course length in days) (13.4.5.2)."""
    out = []
    for e in profile.of("ltt", "completed", "failed", "pending_completion"):
        if e.start is None or e.end is None:
            continue
        returned = as_date(e.details.get("reported_on")) or e.end
        out.append((e, returned, (e.end - e.start).days + 1))
    return out


# ------------------------------------------------------------------ eligibility (13.4)


def three_years_in_position(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return add_months(_since(p), 12 * MIN_YEARS_IN_POSITION) <= _effective(proposal, today)


def _explain_three_years(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    since = _since(p)
    done = add_months(since, 12 * MIN_YEARS_IN_POSITION)
    return (
        f"in the current position since {since.isoformat()}; three years are completed on "
        f"{done.isoformat()}, after the proposed effective date "
        f"{_effective(proposal, today).isoformat()}"
    )


def ltt_period_served(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    effective = _effective(proposal, today)
    return all((effective - back).days >= length for _e, back, length in _ltt_periods(p))


def _explain_ltt_period(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    effective = _effective(proposal, today)
    short = [
        (e, back + timedelta(days=length))
        for e, back, length in _ltt_periods(p)
        if (effective - back).days < length
    ]
    return "; ".join(
        f"{e.details.get('course') or e.details.get('level') or 'LTT'} "
        f"({e.start.isoformat() if e.start else '?'} to {e.end.isoformat() if e.end else '?'}): "
        f"an equal period in the position is served on {until.isoformat()}"
        for e, until in short
    )


def ltt_obligation_served(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not p.unserved_obligations(_effective(proposal, today), "ltt")


def _explain_ltt_obligation(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    rows = p.unserved_obligations(_effective(proposal, today), "ltt")
    return "; ".join(
        f"{e.details.get('course') or e.details.get('level') or 'LTT'}: obligation runs until "
        f"{p.obligation_end(e)}"
        for e in rows
    )


def five_years_generally(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return add_months(_since(p), 12 * GENERAL_YEARS) <= _effective(proposal, today)


def _explain_five_years(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    done = add_months(_since(p), 12 * GENERAL_YEARS)
    return f"five years in the current position are completed on {done.isoformat()}"


def not_near_superannuation(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    effective = _effective(proposal, today)
    return p.superannuation_date > add_months(effective, SUPERANNUATION_BAR_MONTHS)


def _explain_superannuation(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    return (
        f"superannuates on {p.superannuation_date.isoformat()}, within a year of the "
        f"effective date {_effective(proposal, today).isoformat()}"
    )


def within_super_structure(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not proposal.get("super_structure_change") or _kind(proposal) == "osa"


def _two_years_served_on(p: Profile, kind: str, years: int) -> date | None:
    """When the stay after the last transfer of ``kind`` is served (13.4.10, 13.6.6)."""
    last = _last_joined(p)
    if last is None or last.details.get("transfer_kind") != kind or last.start is None:
        return None
    return add_months(last.start, 12 * years)


def two_years_after_request(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    served = _two_years_served_on(p, "on_request", AFTER_REQUEST_YEARS)
    return served is None or served <= _effective(proposal, today)


def _explain_after_request(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    last = _last_joined(p)
    served = _two_years_served_on(p, "on_request", AFTER_REQUEST_YEARS)
    assert last is not None and last.start is not None and served is not None
    return f"joined on request on {last.start.isoformat()}; two years are served on {served}"


def two_years_after_lateral(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if _kind(proposal) != "lateral":
        return True
    served = _two_years_served_on(p, "lateral", AFTER_LATERAL_YEARS)
    return served is None or served <= _effective(proposal, today)


def _explain_after_lateral(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    last = _last_joined(p)
    served = _two_years_served_on(p, "lateral", AFTER_LATERAL_YEARS)
    assert last is not None and last.start is not None and served is not None
    return (
        f"joined by lateral transfer on {last.start.isoformat()}; two years at that place "
        f"of posting are served on {served}"
    )


def osa_level(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return _kind(proposal) != "osa" or p.level.upper() in OSA_LEVELS


def osa_at_most_twice(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return _kind(proposal) != "osa" or len(_osa_entries(p)) < OSA_MAX


def osa_gap(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if _kind(proposal) != "osa":
        return True
    ends = [e.end for e in _osa_entries(p) if e.end]
    if not ends:
        return True
    return add_months(max(ends), 12 * OSA_GAP_YEARS) <= _effective(proposal, today)


def _explain_osa_gap(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    last = max(e.end for e in _osa_entries(p) if e.end)
    return f"the last OSA ended on {last.isoformat()}"


def osa_service(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if _kind(proposal) != "osa":
        return True
    return add_months(p.appointment_date, 12 * OSA_SERVICE_YEARS) <= _effective(proposal, today)


RULES = (
    Rule(
        "13.4.5.1",
        "three years in the current position from the date of appointment to it "
        "(13.4.14: including probation on initial appointment) by the effective date",
        three_years_in_position,
        explain=_explain_three_years,
    ),
    Rule(
        "13.4.5.2",
        "after long-term training, a period equal to the LTT served in the same position "
        "by the effective date",
        ltt_period_served,
        explain=_explain_ltt_period,
    ),
    Rule(
        "7.7.7.7",
        "the LTT service obligation to the agency and position complete by the effective date",
        ltt_obligation_served,
        explain=_explain_ltt_obligation,
    ),
    Rule(
        "13.4.6",
        "a civil servant may generally be transferred after five years in the position",
        five_years_generally,
        advisory=True,
        explain=_explain_five_years,
    ),
    Rule(
        "13.4.13",
        "not due for superannuation within one year of the effective date",
        not_near_superannuation,
        explain=_explain_superannuation,
    ),
    Rule(
        "13.4.5.4",
        "a transfer stays within the Super Structure group (13.4.5); a change of Super "
        "Structure is possible only as an Officer on Special Assignment",
        within_super_structure,
    ),
    Rule(
        "13.4.10",
        "two years served in the position after a transfer on request",
        two_years_after_request,
        explain=_explain_after_request,
    ),
    Rule(
        "13.6.6",
        "two years served at the place of posting after a lateral transfer before another "
        "lateral transfer",
        two_years_after_lateral,
        explain=_explain_after_lateral,
    ),
    Rule("13.7.1", "an OSA is open to PMC up to P2 and to Specialists", osa_level),
    Rule("13.7.2", "OSA at most twice in the whole civil service period", osa_at_most_twice),
    Rule(
        "13.7.2",
        "a gap of three years between two OSAs",
        osa_gap,
        explain=_explain_osa_gap,
    ),
    Rule("13.7.3", "an OSA needs at least five years of service", osa_service),
)

# ------------------------------------------------------------------ authorities


def _parent(ctx: Context) -> str | None:
    return ctx.data.get("parent_agency") or ctx.subject.parent_agency


def _relieving(ctx: Context) -> str:
    """The working agency the civil servant leaves (kept in the case: the register moves on
    to the receiving agency when the civil servant joins)."""
    return str(ctx.data.get("from_agency") or ctx.subject.agency)


def _receiving(ctx: Context) -> str:
    return str(ctx.data.get("receiving_agency") or ctx.subject.agency)


def competent_authority(
    level: str,
    agency: str,
    data: Mapping[str, Any],
    subject_parent: str | None = None,
    *,
    specialists_by_rcsc: bool = False,
    constitutional_by_parent: bool = False,
) -> Authority:
    """13.3.1: RCSC for executives (1) and any change of Super Structure (2, and an OSA,
    13.7.11); the parent agency inter-agency for parented positions up to P1 (3); the agency
    within the Super Structure up to P1 (4). An inter-agency transfer of a position with no
    parent agency is effected by the RCSC (13.4.7).

    ``specialists_by_rcsc`` (2023.2): rows 3 and 4 delegate only "up to P1", so neither the
    parent agency nor the agency transfers a specialist (ES1-ES3); the RCSC does, as for
    executives (2023.1 let the agency or parent agency do it).

    ``constitutional_by_parent`` (2023.2): 13.3.2 "Any transfer into and out of
    Constitutional Offices shall be executed by the Parent Agency in consultation with such
    offices" (executives stay with the RCSC, row 1 and CSAB 2010 section 52)."""
    if level.upper().startswith("EX"):
        return Authority((R.RCSC_AGENCY,), "13.3.1")
    if constitutional_by_parent and data.get("constitutional_office"):
        parent = data.get("parent_agency") or subject_parent
        if parent:
            return Authority((str(parent),), "13.3.2")
        return Authority(
            (),
            "13.3.2",
            problem="a transfer into or out of a constitutional office is executed by the "
            "parent agency: record the position's parent agency (13.3.2)",
        )
    if specialists_by_rcsc and level.upper().startswith("ES"):
        return Authority((R.RCSC_AGENCY,), "13.3.1 (rows 3-4: agencies only up to P1)")
    if data.get("super_structure_change") or data.get("transfer_kind") == "osa":
        return Authority((R.RCSC_AGENCY,), "13.3.1, 13.7.11")
    from_agency = data.get("from_agency") or agency
    receiving = data.get("receiving_agency") or from_agency
    if receiving != from_agency:
        parent = data.get("parent_agency") or subject_parent
        if parent:
            return Authority((str(parent),), "13.3.1")
        return Authority((R.RCSC_AGENCY,), "13.4.7")
    return Authority((str(from_agency),), "13.3.1")


def transfer_authority(ctx: Context) -> Authority:
    return competent_authority(ctx.subject.level, ctx.subject.agency, ctx.data, _parent(ctx))


def opening_body(ctx: Context) -> Authority:
    """The working agency proposes, or its parent agency plans (13.4.1, 13.4.2); the RCSC
    for executives and OSAs (13.3.1, 13.7.5)."""
    found = [ctx.subject.agency, ctx.subject.parent_agency, R.RCSC_AGENCY]
    return Authority(tuple(dict.fromkeys(a for a in found if a)), "13.4.1")


def parent_body(ctx: Context) -> Authority:
    """13.4.2, 13.9.2, 13.6.3: the parent agency (the working agency where it has none)."""
    return Authority((_parent(ctx) or _relieving(ctx),), "13.9.2")


def noc_endorsing_body(ctx: Context) -> Authority:
    return Authority((_parent(ctx) or _relieving(ctx),), "13.6.3")


def working_body(ctx: Context) -> Authority:
    """The working (relieving) agency: recommends, relieves, withholds pay (13.6.3, 13.9)."""
    return Authority((_relieving(ctx),), "13.9.3")


def receiving_body(ctx: Context) -> Authority:
    """13.6.4, 13.6.5, 13.7.5: the agency the civil servant goes to."""
    return Authority((_receiving(ctx),), "13.6.5")


def foreign_selection_body(ctx: Context) -> Authority:
    """13.8.2.2: the parent agency selects attachés through open competition."""
    return Authority((_parent(ctx) or _relieving(ctx),), "13.8.2.2")


def declining_body(ctx: Context) -> Authority:
    """The working agency or parent agency not recommending, or the competent authority."""
    found = [_relieving(ctx), _parent(ctx), *transfer_authority(ctx).agencies]
    return Authority(tuple(dict.fromkeys(a for a in found if a)), "13.3.1")


def withdrawing_body(ctx: Context) -> Authority:
    return Authority((_relieving(ctx),), "13.4.10")


def accountability_body(ctx: Context) -> Authority:
    """13.12.2: the relieving agency refers the case for administrative action (its DC, or
    the RCSC for executives and specialists, 19.3.6)."""
    if ctx.subject.executive_or_specialist:
        return Authority((_relieving(ctx), R.RCSC_AGENCY), "13.12.2")
    return Authority((_relieving(ctx),), "13.12.2")


def return_body(ctx: Context) -> Authority:
    """13.7.10: back to the previous position: the original agency records it (or the
    assignment's agency, which reports the end of the term)."""
    return Authority(tuple(dict.fromkeys((_relieving(ctx), _receiving(ctx)))), "13.7.10")


# ------------------------------------------------------------------ guards


def _value_date(ctx: Context, name: str) -> date | None:
    return as_date(ctx.value(name))


def kind_is(*kinds: str) -> Callable[[Context], bool]:
    return lambda ctx: ctx.value("transfer_kind") in kinds


def not_kind(*kinds: str) -> Callable[[Context], bool]:
    return lambda ctx: ctx.value("transfer_kind") not in kinds


def is_a_transfer(ctx: Context) -> bool:
    """13.4.3: a change of duties within the same agency, station and position is no transfer."""
    record = ctx.profile()
    if record is None:
        return True
    same_agency = (ctx.value("receiving_agency") or "").strip().upper() == record.agency
    same_station = (ctx.value("new_station") or "").strip().lower() == (
        record.place_of_posting or ""
    ).strip().lower()
    return not (same_agency and same_station)


def distance_valid(ctx: Context) -> bool:
    return int(ctx.value("distance_km") or 0) >= 0


def vacancy_announced(ctx: Context) -> bool:
    if ctx.value("transfer_kind") != "lateral":
        return True
    return bool(ctx.value("vacancy_ref")) and bool(ctx.value("vacancy_announced_on"))


def applied_after_announcement(ctx: Context) -> bool:
    if ctx.value("transfer_kind") != "lateral":
        return True
    announced, applied = _value_date(ctx, "vacancy_announced_on"), _value_date(ctx, "applied_on")
    return announced is None or applied is None or applied >= announced


def term_within_limit(ctx: Context) -> bool:
    """13.7.2 (OSA) and 13.8.2.2 (foreign posting): a term of at most three years."""
    if ctx.value("transfer_kind") not in TERM_KINDS:
        return True
    effective, end = _value_date(ctx, "effective_on"), _value_date(ctx, "term_end_on")
    if effective is None or end is None:
        return False
    return effective < end <= add_months(effective, TERM_MONTHS)


def agreed_six_months_ahead(ctx: Context) -> bool:
    agreed, effective = _value_date(ctx, "agreed_on"), _value_date(ctx, "effective_on")
    if agreed is None or effective is None:
        return False
    return agreed <= add_months(effective, -PLANNING_MONTHS)


def announced_two_weeks(ctx: Context) -> bool:
    """13.6.1, 13.6.2: selection only after the vacancy was announced for two weeks."""
    announced, selected = _value_date(ctx, "vacancy_announced_on"), _value_date(ctx, "selected_on")
    if announced is None or selected is None:
        return False
    return selected >= announced + timedelta(days=ANNOUNCEMENT_DAYS)


def selection_if_several(ctx: Context) -> bool:
    applicants = int(ctx.value("applicants") or 0)
    if applicants < 1:
        return False
    return applicants == 1 or bool(ctx.value("selection_procedure"))


def relieved_after_order(ctx: Context) -> bool:
    order, relieved = _value_date(ctx, "order_date"), _value_date(ctx, "relieved_on")
    return order is None or relieved is None or relieved >= order


def travel_days_valid(ctx: Context) -> bool:
    return int(ctx.value("travel_days") or 0) >= 0


def joining_later(ctx: Context) -> bool:
    new = as_date(ctx.fields.get("joining_due_on"))
    old = as_date(ctx.data.get("joining_due_on"))
    return new is not None and (old is None or new > old)


def joining_time_over(ctx: Context) -> bool:
    due = as_date(ctx.data.get("joining_due_on"))
    return due is not None and ctx.today > due


def reported_after_relief(ctx: Context) -> bool:
    relieved, reported = _value_date(ctx, "relieved_on"), _value_date(ctx, "reported_on")
    return relieved is None or reported is None or reported >= relieved


def file_not_sent(ctx: Context) -> bool:
    return not ctx.data.get("personal_file_sent_on")


def file_sent_after_relief(ctx: Context) -> bool:
    relieved, sent = as_date(ctx.data.get("relieved_on")), _value_date(ctx, "personal_file_sent_on")
    return relieved is None or sent is None or sent >= relieved


def not_referred(ctx: Context) -> bool:
    return not ctx.data.get("disciplinary_case_id")


def returned_after_joining(ctx: Context) -> bool:
    joined, back = as_date(ctx.data.get("reported_on")), _value_date(ctx, "returned_on")
    return joined is None or back is None or back > joined


def term_assignment(ctx: Context) -> bool:
    return ctx.data.get("transfer_kind") in TERM_KINDS


def regular_with_file(ctx: Context) -> bool:
    return not term_assignment(ctx) and bool(ctx.data.get("personal_file_sent_on"))


def regular_without_file(ctx: Context) -> bool:
    return not term_assignment(ctx) and not ctx.data.get("personal_file_sent_on")


# ------------------------------------------------------------------ fields

KIND = Field("transfer_kind", "choice", "Kind of transfer", choices=TRANSFER_KINDS)
EFFECTIVE_ON = Field(
    "effective_on", "date", "Transfer effective date", future_ok=True, help="13.4.2, 13.9.2"
)
SUPER_STRUCTURE = Field(
    "super_structure_change",
    "bool",
    "Moves to another Super Structure group (13.4.5, Schedule 2/A)",
    required=False,
)

OPEN_FIELDS = (
    KIND,
    Field(
        "receiving_agency",
        "text",
        "Receiving agency (code)",
        help="The agency the civil servant goes to; the same agency for a transfer within it.",
    ),
    Field(
        "parent_agency",
        "text",
        "Parent agency of the position (code), if parented (13.3.1)",
        required=False,
        help="Left empty: the parent of the working agency, else of the receiving agency.",
    ),
    Field("new_position", "text", "New position title"),
    Field("new_station", "text", "New place of posting (duty station)"),
    EFFECTIVE_ON,
    SUPER_STRUCTURE,
    Field("distance_km", "int", "Distance from the present duty station (km)", help="13.11.1"),
    Field(
        "change_of_residence",
        "bool",
        "The move involves a change of residence (13.11.1)",
        required=False,
    ),
    Field("reasons", "textarea", "Reasons (the request, the plan or the need)"),
    Field("vacancy_ref", "text", "Vacancy announcement reference (13.6.1)", required=False),
    Field(
        "vacancy_announced_on",
        "date",
        "Vacancy announced on the agency website on (13.6.1)",
        required=False,
    ),
    Field("applied_on", "date", "Application submitted on (13.6)", required=False),
    Field(
        "term_end_on",
        "date",
        "Term ends on (OSA 13.7.2, foreign posting 13.8.2.2: at most three years)",
        required=False,
        future_ok=True,
    ),
)

OPEN_GUARDS = (
    *as_guards(RULES),
    Guard(
        "13.4.3",
        "a change of duties at the same agency and station is not a transfer",
        is_a_transfer,
    ),
    Guard("13.11.1", "the distance cannot be negative", distance_valid),
    Guard(
        "13.6.1",
        "a lateral transfer needs the vacancy announced on the agency website: give its "
        "reference and the date of announcement",
        vacancy_announced,
    ),
    Guard(
        "13.6",
        "the application cannot be dated before the vacancy was announced",
        applied_after_announcement,
    ),
    Guard(
        "13.7.2",
        "an OSA or a foreign posting needs a term ending after the effective date and at most "
        "three years from it (13.7.2, 13.8.2.2)",
        term_within_limit,
    ),
)

OFFICE = frozenset({R.HR_OFFICER, R.HRC_CHAIR, R.MEMBER_SECRETARY})
HRC = frozenset({R.HRC_CHAIR, R.MEMBER_SECRETARY})
HR = frozenset({R.HR_OFFICER, R.MEMBER_SECRETARY})

# ------------------------------------------------------------------ states

STATES = (
    State("new", "not yet proposed"),
    State("proposed", "proposed; awaiting the agencies' agreement or recommendation"),
    State("noc_recommended", "NOC recommended; awaiting endorsement by the parent agency HRC"),
    State("awaiting_acceptance", "awaiting the receiving agency's selection and decision"),
    State("awaiting_order", "awaiting the transfer order of the competent authority"),
    State("ordered", "transfer order issued; to be relieved"),
    State("relieved", "relieved; joining time running"),
    State("salary_withheld", "not reported within the joining time; salary withheld"),
    State("joined", "joined; personal file and last pay certificate awaited"),
    State("on_assignment", "joined; serving the assignment term"),
    State("completed", "transfer completed", final=True),
    State("returned", "assignment completed; returned to the previous position", final=True),
    State("refused", "refused by the receiving agency", final=True),
    State("not_approved", "not recommended or not approved", final=True),
    State("withdrawn", "withdrawn by the applicant", final=True),
    State("cancelled", "transfer order cancelled", final=True),
)

BEFORE_ORDER = ("proposed", "noc_recommended", "awaiting_acceptance", "awaiting_order")

JOINING = (
    Field("reported_on", "date", "Reported at the new place of posting on"),
    Field(
        "late_reason",
        "textarea",
        "Reasons for reporting late, if late (13.9.4)",
        required=False,
    ),
)

REPORT_FILE = (
    Field(
        "personal_file_sent_on",
        "date",
        "Personal file, updated service record and Last Pay Certificate sent on",
    ),
    Field("dispatch_ref", "text", "Dispatch reference", required=False),
)

# 13.9.4: reporting at the new station; the branch taken depends on the kind and the file.
REPORT_JOINING = Step(
    "report_joining",
    ("relieved", "salary_withheld"),
    "joined",
    "Record reporting at the new place of posting",
    "13.9.4",
    by=OFFICE,
    authority=receiving_body,
    guards=(Guard("13.9.3", "cannot report before being relieved", reported_after_relief),),
    fields=JOINING,
    settles=("joining_due",),
    effects=("join_transfer",),
)

STEPS = (
    # -- the proposal (13.4, 13.6, 13.7, 13.8)
    Step(
        "open",
        "new",
        "proposed",
        "Propose the transfer",
        "13.4",
        by=OFFICE | frozenset({R.CIVIL_SERVANT}),
        authority=opening_body,
        fields=OPEN_FIELDS,
        guards=OPEN_GUARDS,
        when=not_kind("planned"),
        effects=("open_transfer",),
    ),
    Step(
        "open",
        "new",
        "proposed",
        "Propose the transfer",
        "13.4.2",
        by=OFFICE | frozenset({R.CIVIL_SERVANT}),
        authority=opening_body,
        when=kind_is("planned"),
        fields=OPEN_FIELDS,
        guards=OPEN_GUARDS,
        arms=(
            Arm(
                "list_agreement_due",
                "Transfer list agreed with the working agency",
                "13.9.2",
                days=0,
                from_field="agreement_due_on",
            ),
        ),
        effects=("open_transfer",),
    ),
    Step(
        "agree_list",
        "proposed",
        "awaiting_order",
        "Record the transfer list agreed with the working agency",
        "13.9.2",
        by=OFFICE,
        authority=parent_body,
        guards=(
            Guard(
                "13.9.2",
                "only a planned transfer is agreed on a transfer list",
                kind_is("planned"),
                precheck=True,
            ),
            Guard(
                "13.4.2",
                "the list must be agreed with the working agency six months before the "
                "effective date",
                agreed_six_months_ahead,
            ),
            Guard(
                "13.9.2",
                "the working agency must have been consulted",
                checked("working_agency_consulted"),
            ),
        ),
        fields=(
            Field("agreed_on", "date", "List agreed on"),
            Field("list_ref", "text", "Transfer list reference"),
            Field("working_agency_consulted", "bool", "Agreed with the working agency"),
        ),
        settles=("list_agreement_due",),
    ),
    Step(
        "recommend_request",
        "proposed",
        "awaiting_order",
        "Recommend the request to the competent authority",
        "13.4.10",
        by=HRC,
        authority=working_body,
        guards=(
            Guard(
                "13.4.10",
                "only a transfer on request is recommended this way",
                kind_is("on_request"),
                precheck=True,
            ),
        ),
        fields=(
            Field("recommended_on", "date", "Recommended by the HRC on"),
            Field("hrc_meeting_no", "text", "HRC meeting number"),
            Field("recommendation", "textarea", "Recommendation"),
        ),
    ),
    Step(
        "recommend_noc",
        "proposed",
        "noc_recommended",
        "Recommend the No Objection Certificate (working agency)",
        "13.6.3",
        by=OFFICE,
        authority=working_body,
        guards=(
            Guard(
                "13.6.3",
                "a No Objection Certificate is for a lateral transfer",
                kind_is("lateral"),
                precheck=True,
            ),
        ),
        fields=(
            Field("noc_no", "text", "NOC number"),
            Field("noc_recommended_on", "date", "Recommended on"),
        ),
    ),
    Step(
        "endorse_noc",
        "noc_recommended",
        "awaiting_acceptance",
        "Endorse the No Objection Certificate (parent agency HRC)",
        "13.6.3",
        by=HRC,
        authority=noc_endorsing_body,
        fields=(
            Field("noc_endorsed_on", "date", "Endorsed by the HRC on"),
            Field("hrc_meeting_no", "text", "HRC meeting number"),
        ),
    ),
    Step(
        "accept_candidate",
        "awaiting_acceptance",
        "awaiting_order",
        "Select and accept the candidate (receiving agency)",
        "13.6.5",
        by=HRC,
        authority=receiving_body,
        guards=(
            Guard(
                "13.6.1",
                "the vacancy must have been announced for at least two weeks before selection",
                announced_two_weeks,
            ),
            Guard(
                "13.6.4",
                "with more than one applicant the HRC selects the best candidate through an "
                "appropriate selection procedure: describe it",
                selection_if_several,
            ),
        ),
        fields=(
            Field("selected_on", "date", "Selected on"),
            Field("applicants", "int", "Number of eligible applicants"),
            Field(
                "selection_procedure",
                "textarea",
                "Selection procedure (13.6.4, when several applied)",
                required=False,
            ),
            Field("receiving_hrc_meeting_no", "text", "HRC meeting number"),
        ),
    ),
    Step(
        "refuse_candidate",
        "awaiting_acceptance",
        "refused",
        "Refuse the candidate (receiving agency)",
        "13.6.5",
        by=HRC,
        authority=receiving_body,
        fields=(Field("refusal_reasons", "textarea", "Reasons"),),
    ),
    Step(
        "submit_osa",
        "proposed",
        "awaiting_order",
        "Submit the OSA to the RCSC (receiving agency)",
        "13.7.5",
        by=OFFICE,
        authority=receiving_body,
        guards=(
            Guard("13.7.5", "only an OSA is submitted this way", kind_is("osa"), precheck=True),
            Guard(
                "13.7.4",
                "an OSA needs a vacant position in the receiving agency",
                checked("vacancy_available"),
            ),
            Guard(
                "13.7.5",
                "the receiving agency identifies the OSA in consultation with the relieving agency",
                checked("relieving_agency_consulted"),
            ),
        ),
        fields=(
            Field("vacancy_available", "bool", "A vacant position exists in the receiving agency"),
            Field("relieving_agency_consulted", "bool", "The relieving agency was consulted"),
            Field("submitted_on", "date", "Submitted to the RCSC on"),
        ),
    ),
    Step(
        "record_selection",
        "proposed",
        "awaiting_order",
        "Record the open competition for the foreign posting (parent agency)",
        "13.8.2.2",
        by=OFFICE,
        authority=foreign_selection_body,
        guards=(
            Guard(
                "13.8.2.2",
                "only a foreign posting is selected this way",
                kind_is("foreign"),
                precheck=True,
            ),
            Guard(
                "13.8.2.2",
                "attachés are selected through open competition",
                checked("open_competition"),
            ),
            Guard(
                "13.8.2.1",
                "the post in the Embassy, Mission or Consulate must be approved by the RCSC",
                checked("post_approved"),
            ),
        ),
        fields=(
            Field("open_competition", "bool", "Selected through open competition"),
            Field("post_approved", "bool", "Post approved by the RCSC after consulting MoFAET"),
            Field("selected_on", "date", "Selected on"),
        ),
    ),
    Step(
        "decline",
        BEFORE_ORDER,
        "not_approved",
        "Do not recommend / do not approve",
        "13.3.1",
        by=HRC | frozenset({R.HR_OFFICER}),
        authority=declining_body,
        fields=(Field("decline_reasons", "textarea", "Written reasons"),),
    ),
    Step(
        "withdraw",
        BEFORE_ORDER,
        "withdrawn",
        "Withdraw the application",
        "13.4.10",
        by=frozenset({R.CIVIL_SERVANT, R.HR_OFFICER}),
        authority=withdrawing_body,
        guards=(
            Guard(
                "13.4.10",
                "only a transfer the civil servant applied for can be withdrawn",
                kind_is(*APPLIED_KINDS),
                precheck=True,
            ),
        ),
        fields=(Field("withdrawal_reasons", "textarea", "Reasons", required=False),),
    ),
    # -- the transfer order (13.3.1, 13.9.3, Form 14/1a)
    Step(
        "issue_order",
        "awaiting_order",
        "ordered",
        "Issue the transfer order (Form 14/1a)",
        "13.9.3",
        by=OFFICE,
        authority=transfer_authority,
        fields=(
            Field("order_no", "text", "Transfer order number (Form 14/1a)"),
            Field("order_date", "date", "Order issued on"),
        ),
        arms=(
            Arm(
                "relief_due",
                "Civil servant to be relieved",
                "13.9.3",
                days=RELIEF_DAYS,
                from_field="order_date",
            ),
        ),
        effects=("record_transfer_order",),
    ),
    Step(
        "relieve",
        "ordered",
        "relieved",
        "Relieve the civil servant after handing over charge",
        "13.9.3",
        by=HR,
        authority=working_body,
        guards=(
            Guard(
                "13.4.18",
                "charge, government property and files must be handed over before relief",
                checked("handing_over_confirmed"),
            ),
            Guard("13.11.2", "the days of travel cannot be negative", travel_days_valid),
            Guard(
                "13.9.3",
                "the civil servant cannot be relieved before the order was issued",
                relieved_after_order,
            ),
        ),
        fields=(
            Field("relieved_on", "date", "Relieved on"),
            Field(
                "handing_over_confirmed",
                "bool",
                "Charge handed over, with government property and files (13.4.18)",
            ),
            Field(
                "travel_days",
                "int",
                "Days of travel to the new station allowed (13.11.2)",
                required=False,
            ),
        ),
        settles=("relief_due",),
        arms=(
            Arm(
                "joining_due",
                "Report at the new place of posting",
                "13.9.4",
                days=0,
                from_field="joining_due_on",
                on_timeout="joining_lapsed",
            ),
            Arm(
                "personal_file_due",
                "Personal file and Last Pay Certificate to the receiving agency",
                "13.4.17",
                days=PERSONAL_FILE_DAYS,
                from_field="relieved_on",
            ),
        ),
        effects=("relieve_transfer",),
    ),
    Step(
        "extend_joining",
        "relieved",
        "relieved",
        "Approve a later joining date (receiving agency)",
        "13.9.3",
        by=OFFICE,
        authority=receiving_body,
        guards=(
            Guard(
                "13.9.3", "the new joining date must be later than the present one", joining_later
            ),
        ),
        fields=(
            Field("joining_due_on", "date", "Report by", future_ok=True),
            Field("extension_reasons", "textarea", "Reasons"),
        ),
        arms=(
            Arm(
                "joining_due",
                "Report at the new place of posting (extended)",
                "13.9.3",
                days=0,
                from_field="joining_due_on",
                on_timeout="joining_lapsed",
            ),
        ),
    ),
    Step(
        "joining_lapsed",
        "relieved",
        "salary_withheld",
        "Not reported within the joining time: salary withheld",
        "13.9.4",
        by=frozenset({R.SYSTEM}),
        effects=("withhold_salary",),
    ),
    Step(
        "withhold_salary",
        "relieved",
        "salary_withheld",
        "Withhold the salary: not reported within the joining time",
        "13.9.4",
        by=HR,
        authority=working_body,
        guards=(
            Guard(
                "13.9.4",
                "the admissible joining time has not yet run out",
                joining_time_over,
                precheck=True,
                dated=True,
            ),
        ),
        fields=(Field("withholding_order_no", "text", "Office order withholding the salary"),),
        settles=("joining_due",),
        effects=("withhold_salary",),
    ),
    replace(
        REPORT_JOINING,
        dest="on_assignment",
        when=term_assignment,
        arms=(
            Arm(
                "term_ends",
                "Assignment term ends; return to the previous position",
                "13.7.10",
                days=0,
                from_field="term_end_on",
            ),
        ),
    ),
    replace(REPORT_JOINING, dest="completed", when=regular_with_file),
    replace(REPORT_JOINING, dest="joined", when=regular_without_file),
    # -- the personal file (13.4.17)
    Step(
        "send_personal_file",
        ("relieved", "salary_withheld", "on_assignment"),
        "=",
        "Send the personal file and Last Pay Certificate",
        "13.4.17",
        by=HR,
        authority=working_body,
        guards=(
            Guard(
                "13.4.17", "the personal file has already been sent", file_not_sent, precheck=True
            ),
            Guard("13.4.17", "the file cannot be sent before the relief", file_sent_after_relief),
        ),
        fields=REPORT_FILE,
        settles=("personal_file_due",),
    ),
    Step(
        "send_personal_file",
        "joined",
        "completed",
        "Send the personal file and Last Pay Certificate",
        "13.4.17",
        by=HR,
        authority=working_body,
        guards=(
            Guard(
                "13.4.17", "the personal file has already been sent", file_not_sent, precheck=True
            ),
            Guard("13.4.17", "the file cannot be sent before the relief", file_sent_after_relief),
        ),
        fields=REPORT_FILE,
        settles=("personal_file_due",),
    ),
    # -- accountability (13.12.2) and cancellation (13.9.6)
    Step(
        "refer_for_action",
        ("ordered", "salary_withheld"),
        "=",
        "Refer for administrative action: transfer order not abided by",
        "13.12.2",
        by=frozenset({R.HR_OFFICER, R.HRC_CHAIR}),
        authority=accountability_body,
        guards=(
            Guard(
                "13.12.2",
                "a disciplinary case has already been opened for this transfer",
                not_referred,
                precheck=True,
            ),
        ),
        fields=(
            Field(
                "conduct",
                "choice",
                "What the civil servant failed to do",
                choices=(
                    ("refused_order", "Refused to abide by the transfer order (13.12.2)"),
                    ("not_reported", "Did not report within the joining time (13.9.4)"),
                ),
            ),
            Field("particulars", "textarea", "Particulars"),
        ),
        effects=("refer_for_action",),
    ),
    Step(
        "cancel_order",
        ("ordered", "relieved", "salary_withheld"),
        "cancelled",
        "Cancel the transfer order (special circumstances)",
        "13.9.6",
        by=OFFICE,
        authority=transfer_authority,
        fields=(
            Field("cancellation_order_no", "text", "Cancellation order number"),
            Field("special_circumstances", "textarea", "Special circumstances (13.9.6)"),
        ),
        effects=("cancel_transfer",),
    ),
    # -- the end of an OSA or a foreign posting (13.7.10, 13.8.2.2)
    Step(
        "record_return",
        "on_assignment",
        "returned",
        "Record the return to the previous position",
        "13.7.10",
        by=OFFICE,
        authority=return_body,
        guards=(
            Guard(
                "13.7.10",
                "the return must come after joining the assignment",
                returned_after_joining,
            ),
        ),
        fields=(Field("returned_on", "date", "Returned to the previous position on"),),
        settles=("term_ends",),
        effects=("return_from_assignment",),
    ),
)


PROCESS = Process(
    key="transfer",
    title="Transfer",
    version=VERSION,
    cite="13",
    states=STATES,
    steps=STEPS,
    initial="new",
    opening="open",
    summary="BCSR 2023 chapter 13: planned, on request, lateral (13.6), OSA (13.7) and foreign "
    "(13.8) transfers; transfer order, relief within 30 days, joining time, salary withheld "
    "for not reporting, personal file within 15 days.",
    eligibility=RULES,
    proposal_fields=(KIND, EFFECTIVE_ON, SUPER_STRUCTURE),
    readings=(
        readings.InForce(
            readings.JOINING_DEADLINE,
            "within",
            "13.9.4 has the civil servant report within the admissible joining time",
        ),
        readings.InForce(
            readings.LTT_TRANSFER_SCOPE,
            "every",
            '7.7.7.7 makes the LTT obligation a condition "to be eligible for transfer", '
            "whatever the kind of transfer",
        ),
        readings.InForce(
            readings.OSA_SPECIALIST,
            "es_only",
            '2.2.2.1 ii names the Specialists of the ESC "(ES)"; the first version read '
            "13.7.1 by the position level alone",
        ),
    ),
)


# ------------------------------------------------------------------ joining time (13.11)


@dataclass(frozen=True)
class JoiningTime:
    """The admissible joining time after relief (13.11, 8.13.2.1, 13.9.7)."""

    relieved_on: date
    preparatory_days: int  # working days of preparatory leave
    preparatory_from: date | None
    preparatory_to: date | None
    travel_days: int
    due: date  # report at the new place of posting by this day
    # 2023.2 (13.9.3 "immediately on expiry of the admissible joining time"): the last day
    # of the joining time itself, the civil servant reporting on the next working day.
    ends: date | None = None

    @property
    def explain(self) -> str:
        parts = []
        if self.preparatory_days:
            parts.append(
                f"{self.preparatory_days} working days of preparatory leave "
                f"({self.preparatory_from} to {self.preparatory_to}, 13.11.1)"
            )
        if self.travel_days:
            parts.append(f"{self.travel_days} days of travel (13.11.2)")
        if not parts:
            parts.append("no preparatory leave or travel: report the next working day")
        if self.ends is not None:
            return (
                f"relieved {self.relieved_on}; " + " + ".join(parts) + f"; the joining time "
                f"ends {self.ends:%a %d %b %Y}; report by {self.due:%a %d %b %Y}, the first "
                "working day after it, the last day to report (13.9.3: assume duty "
                '"immediately on expiry of the admissible joining time"); salary withheld '
                "from the day after (13.9.4)"
            )
        return f"relieved {self.relieved_on}; " + " + ".join(parts) + f"; report by {self.due}"


def joining_time(
    cal: WorkingCalendar,
    relieved_on: date,
    distance_km: int,
    change_of_residence: bool,
    travel_days: int,
    *,
    report_after_expiry: bool = False,
) -> JoiningTime:
    """Five working days of preparatory leave when the new station is at least 10 km away and
    the move changes residence (13.11.1, 8.13.2.1), plus the actual days of travel (13.11.2,
    13.9.7). With neither, the civil servant reports on the next working day.

    ``report_after_expiry`` (2023.2): 13.9.3 has the civil servant "assume the new
    responsibilities immediately on expiry of the admissible joining time", so the last day
    to report is the first working day after the joining time ends (2023.1 made it the
    joining time's own last day, a Sunday after two days of travel)."""
    prep = (
        PREPARATORY_WORKING_DAYS if distance_km >= PREPARATORY_MIN_KM and change_of_residence else 0
    )
    travel = max(0, travel_days)
    if prep:
        count = cal.count_working_days(relieved_on, prep)
        start, end = count.counted[0], count.due
        due = end + timedelta(days=travel)
    else:
        start = end = None
        due = (
            relieved_on + timedelta(days=travel) if travel else cal.add_working_days(relieved_on, 1)
        )
    if report_after_expiry:
        ends = (
            end + timedelta(days=travel)
            if end is not None
            else relieved_on + timedelta(days=travel)
        )
        return JoiningTime(
            relieved_on, prep, start, end, travel, cal.add_working_days(ends, 1), ends
        )
    return JoiningTime(relieved_on, prep, start, end, travel, due)


# ------------------------------------------------------------------ 2023.2


def _ltt_bars(profile: Profile) -> list[tuple[Entry, date]]:
    """7.7.7.7 by 13.4.5.2: each LTT returned from, with the last day of the period equal to
    it counted in calendar months and days from the day of reporting back."""
    out = []
    for e in profile.of("ltt", "completed", "failed", "pending_completion"):
        if e.start is None or e.end is None:
            continue
        back = as_date(e.details.get("reported_on")) or e.end
        out.append((e, ltt_transfer_bar_last_day(e.start, e.end, back)))
    return out


def ltt_equal_period_served(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    effective = _effective(proposal, today)
    return all(last < effective for _e, last in _ltt_bars(p))


def _explain_ltt_equal_period(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    effective = _effective(proposal, today)
    parts = []
    for e, last in _ltt_bars(p):
        if last < effective:
            continue
        assert e.start is not None and e.end is not None
        months, days = calendar_span(e.start, e.end)
        length = f"{months} months" + (f" {days} days" if days else "")
        parts.append(
            f"{e.details.get('course') or e.details.get('level') or 'LTT'} "
            f"({e.start.isoformat()} to {e.end.isoformat()}, {length}): the equal period in "
            f"the position runs to {last:%a %d %b %Y}, the last day owed; a transfer may take "
            f"effect from {last + timedelta(days=1):%a %d %b %Y}"
        )
    return "; ".join(parts)


BENEFITS_YEARS = 5  # 13.6.6


def _benefits_from(p: Profile) -> tuple[Entry, date] | None:
    """13.6.6: after a lateral transfer, the day five years at that place of posting are
    served (transfer benefits only from then)."""
    last = _last_joined(p)
    if last is None or last.details.get("transfer_kind") != "lateral" or last.start is None:
        return None
    return last, add_months(last.start, 12 * BENEFITS_YEARS)


def transfer_benefits_due(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    found = _benefits_from(p)
    return found is None or found[1] <= _effective(proposal, today)


def _explain_benefits(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    found = _benefits_from(p)
    assert found is not None and found[0].start is not None
    last, served = found
    return (
        f"joined by lateral transfer on {last.start.isoformat()}; five years at that place of "
        f"posting are served on {served.isoformat()}: no transfer benefits for a transfer "
        "effective before then"
    )


TRANSFER_BENEFITS = Rule(
    "13.6.6",
    "transfer benefits only after five years at the place of posting reached by lateral transfer",
    transfer_benefits_due,
    advisory=True,
    explain=_explain_benefits,
)


# the kinds of transfer of the employee's personal choice, by reading.
PERSONAL_CHOICE = {"applied": APPLIED_KINDS, "on_request_only": ("on_request",)}


def lower_level_pay(
    kind: str | None, from_level: str, to_level: str, reading: str = "applied"
) -> str | None:
    """13.4.16: pay on a transfer to a lower position level. A transfer of the employee's
    personal choice is paid by the new position title and level (13.4.16.2); any other is in
    the public interest and keeps the existing salary (13.4.16.1). Which kinds are personal
    choice is the case's reading of 13.4.16 (R-13.4.16: on request and lateral, or on
    request only). None when not lower."""
    order = {level: i for i, level in enumerate(LEVELS)}
    if from_level not in order or to_level not in order or order[to_level] <= order[from_level]:
        return None
    if kind in PERSONAL_CHOICE[reading]:
        return (
            f"transfer of personal choice to a lower position level ({from_level} to "
            f"{to_level}): remuneration based on the new position title and level (13.4.16.2)"
        )
    return (
        f"transfer in the public interest to a lower position level ({from_level} to "
        f"{to_level}): the existing salary is maintained (13.4.16.1)"
    )


def consulted_if_constitutional(ctx: Context) -> bool:
    return not ctx.data.get("constitutional_office") or bool(
        ctx.value("constitutional_office_consulted")
    )


NEW_LEVEL = Field(
    "new_level",
    "choice",
    "New position level, if it changes (13.4.16)",
    required=False,
    choices=tuple((x, x) for x in LEVELS),
)


def osa_level_2023_2(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    """13.7.1 "A civil servant in PMC (up to P2) and Specialist": a P1 Specialist (2.2.6,
    12.4.1) is a Specialist, so is eligible; a P1 in management is not (reading R-13.7.1)."""
    if osa_level(p, proposal, today):
        return True
    return p.level.upper() == "P1" and bool(proposal.get("p1_specialist"))


OSA_LEVEL_2023_2 = Rule(
    "13.7.1",
    "an OSA is open to PMC up to P2 and to Specialists, a P1 Specialist included (not a P1 "
    "in management)",
    osa_level_2023_2,
    under=(readings.OSA_SPECIALIST.id, "p1_specialist"),
)
P1_SPECIALIST = Field(
    "p1_specialist",
    "bool",
    "Holds a P1 Specialist position (2.2.6, 12.4.1; for an OSA, 13.7.1)",
    required=False,
)


LTT_EQUAL_PERIOD = Rule(
    "13.4.5.2, 7.7.7.7",
    "after long-term training, a period equal to the LTT (calendar months and days) served "
    "in the same position by the effective date; this, not the whole 2/3/4 times "
    'obligation, is the obligation that bars a transfer (7.7.7.7: "as per Section 13.4.5.2")',
    ltt_equal_period_served,
    explain=_explain_ltt_equal_period,
    under=(readings.LTT_TRANSFER_SCOPE.id, "every"),
)


def ltt_equal_period_served_if_applied(
    p: Profile, proposal: Mapping[str, Any], today: date
) -> bool:
    """13.4.5.2 "to apply to another position", reading R-13.4.5.2-scope "applied": only a
    transfer the civil servant applies for waits for the period equal to the LTT."""
    return _kind(proposal) not in APPLIED_KINDS or ltt_equal_period_served(p, proposal, today)


LTT_EQUAL_PERIOD_APPLIED = replace(
    LTT_EQUAL_PERIOD,
    reason="after long-term training, before applying to another position (on request, "
    "lateral), a period equal to the LTT (calendar months and days) served in the same "
    'position by the effective date (7.7.7.7: "as per Section 13.4.5.2")',
    check=ltt_equal_period_served_if_applied,
    under=(readings.LTT_TRANSFER_SCOPE.id, "applied"),
)
RULES_2023_2 = (
    *(
        x
        for r in RULES
        if r.cite != "7.7.7.7"
        for x in (
            (LTT_EQUAL_PERIOD, LTT_EQUAL_PERIOD_APPLIED)
            if r.cite == "13.4.5.2"
            else (OSA_LEVEL_2023_2 if r.check is osa_level else r,)
        )
    ),
    TRANSFER_BENEFITS,
)


def transfer_authority_2023_2(ctx: Context) -> Authority:
    """13.3.1: the RCSC for executives, specialists (the agencies' delegation stops at P1),
    a change of Super Structure and an OSA; the parent agency inter-agency for parented
    positions up to P1; the agency within the Super Structure up to P1. 13.3.2: the parent
    agency for a transfer into or out of a constitutional office."""
    return competent_authority(
        ctx.subject.level,
        ctx.subject.agency,
        ctx.data,
        _parent(ctx),
        specialists_by_rcsc=True,
        constitutional_by_parent=True,
    )


def declining_body_2023_2(ctx: Context) -> Authority:
    """The working agency or parent agency not recommending, or the competent authority
    (13.3.1, the RCSC for specialists)."""
    found = [_relieving(ctx), _parent(ctx), *transfer_authority_2023_2(ctx).agencies]
    return Authority(tuple(dict.fromkeys(a for a in found if a)), "13.3.1")


def _revised(trigger: str, **changes: Any) -> list[Step]:
    return [replace(s, **changes) for s in STEPS if s.trigger == trigger]


def term_within_three_years(ctx: Context) -> bool:
    """13.7.2 "each for a maximum term of three years", 13.8.2.2 "for a maximum of three
    years": the term's last day is at most the day before the same date three years on
    (2023.1 allowed that date itself, a day over)."""
    if ctx.value("transfer_kind") not in TERM_KINDS:
        return True
    effective, end = _value_date(ctx, "effective_on"), _value_date(ctx, "term_end_on")
    if effective is None or end is None:
        return False
    return effective < end < add_months(effective, TERM_MONTHS)


OPEN_GUARDS_2023_2 = tuple(
    replace(g, check=term_within_three_years) if g.check is term_within_limit else g
    for g in (*as_guards(RULES_2023_2), *OPEN_GUARDS[len(as_guards(RULES)) :])
)
REPORT_BY_ARM = Arm(
    "joining_due",
    "Report at the new place of posting (first working day after the joining time)",
    "13.9.3, 13.9.4",
    days=0,
    from_field="joining_due_on",
    on_timeout="joining_lapsed",
)

V2 = revise(
    PROCESS,
    version="2023.2",
    effective_from=date(2026, 12, 7),
    changes="Issue 16: 7.7.7.7 bars a transfer only for the period of 13.4.5.2 (equal to the "
    "LTT, in calendar months), not the whole obligation; 13.9.3: report by the first working "
    "day after the joining time, salary withheld and referral only after it; 13.3.1: a "
    "specialist's transfer is the RCSC's (agencies only up to P1); 13.7.2, 13.8.2.2: a term "
    "of three years ends the day before the same date three years on; 13.3.2: into or out of a "
    "constitutional office by the parent agency, in consultation with the office; 13.4.16: pay "
    "on a transfer to a lower level; 13.6.6: transfer benefits only after five years at a "
    "place of posting reached by lateral transfer; 13.7.1: an OSA is open to a P1 Specialist "
    "(reading R-13.7.1).",
    replace=(
        *[
            replace(s, guards=OPEN_GUARDS_2023_2, fields=(*s.fields, NEW_LEVEL, P1_SPECIALIST))
            for s in _revised("open", effects=("open_transfer_2023_2",))
        ],
        *_revised("decline", authority=declining_body_2023_2),
        *[
            replace(
                s,
                fields=(
                    *s.fields,
                    Field(
                        "constitutional_office_consulted",
                        "bool",
                        "The constitutional office was consulted (13.3.2, into or out of one)",
                        required=False,
                    ),
                ),
                guards=(
                    *s.guards,
                    Guard(
                        "13.3.2",
                        "a transfer into or out of a constitutional office is executed in "
                        "consultation with the office: confirm it was consulted",
                        consulted_if_constitutional,
                    ),
                ),
            )
            for s in _revised("issue_order", authority=transfer_authority_2023_2)
        ],
        *_revised(
            "relieve",
            arms=(REPORT_BY_ARM, *STEPS[[s.trigger for s in STEPS].index("relieve")].arms[1:]),
        ),
        *_revised("cancel_order", authority=transfer_authority_2023_2),
        *_revised("report_joining", effects=("join_transfer_2023_2",)),
    ),
    eligibility=RULES_2023_2,
    readings=(
        readings.InForce(
            readings.JOINING_DEADLINE,
            "on_expiry",
            '13.9.3 has the new responsibilities assumed "immediately on expiry" of the '
            "joining time, so reporting falls due on the first working day after it; the "
            "first version withheld the salary on that very day (issue 16)",
        ),
        readings.InForce(
            readings.LTT_TRANSFER_SCOPE,
            "every",
            '7.7.7.7 makes the obligation of 13.4.5.2 a condition "to be eligible for '
            'transfer", whatever its kind; 13.4.5 governs every transfer within the Super '
            "Structure group, and the planned transfers of 13.4.2 most of all",
        ),
        readings.InForce(
            readings.LOWER_LEVEL_PAY,
            "applied",
            "a transfer on request and a lateral transfer are both the civil servant's "
            "application (13.4.10, 13.6), which he may withdraw; planned transfers, OSA and "
            "foreign postings are the agencies' (13.4.2, 13.7.5, 13.8)",
        ),
        readings.InForce(
            readings.OSA_SPECIALIST,
            "p1_specialist",
            '2.2.6 and 12.4.1 make the "P1 Specialist" a Specialist position and 12.6.1 '
            'speaks of "P1 Specialist and Specialist at ES3-1"; 13.7.1 opens the OSA to '
            '"Specialist" without a level, so the P1 Specialist is in (issue 16)',
        ),
    ),
    proposal_fields=(*PROCESS.proposal_fields, P1_SPECIALIST),
)

# Every version, oldest first (workflows.registry, workflows.revision).
VERSIONS: tuple[Process, ...] = (PROCESS, V2)
