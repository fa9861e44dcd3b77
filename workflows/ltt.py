"""Long-term training with study leave (BCSR 2023 7.5, 7.7, 8.11, 8.13.2.2), as a state machine.

Read beside the rule: the LTT Study Leave Application Form (documents), the HRC's
recommendation (8.11.12), approval by the authority of 7.7.3 (MoESD, the working agency
or the RCSC by mode and level), the pre-departure briefing and Undertaking (7.7.5.1),
five days of preparatory leave (8.13.2.2), the joining report (Schedule 7/C), course
extensions (7.7.7.6 note), reporting in person within 21 days of the course end
(7.7.6.1) with the documents of 7.7.6.3, and the outcomes and penalties of 7.7.8.1:
completed, failed, reported but pending completion, withdrawn, study leave cancelled for
a change of course or institute, and compulsory retirement for late reporting. The
service obligation (7.7.7) is written to the record; the financial obligation on
separation is computed by workflows.obligations and cases.people.separation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workflows import readings, waiting_list
from workflows import roles as R
from workflows.condonation import no_condonation
from workflows.context import Context
from workflows.declarations import Arm, Authority, Field, Guard, State, Step
from workflows.eligibility import Rule, as_guards, proposed_date
from workflows.engine import Process
from workflows.obligations import add_months, duration
from workflows.profile import Entry, Profile
from workflows.record import (
    LTT_FUNDING,
    LTT_LEVELS,
    LTT_MODES,
    POSTGRADUATE,
    QUALIFICATION_RANK,
    RATINGS_AT_LEAST_GOOD,
)
from workflows.revision import revise
from workflows.secondment import QUARTER
from workflows.values import as_date

VERSION = "2023.1"

MOESD_AGENCY = "MOE"  # Ministry of Education and Skills Development (7.7.3)
MAX_AGE = 45  # 7.7.4.3
MAX_LTTS = 3  # 7.7.4.13, 8.11.2
STT_GAP_MONTHS = 6  # 7.5.2 iii
PREPARATORY_DAYS = 5  # 8.13.2.2, weekends and holidays counted
REPORT_WITHIN_DAYS = 21  # 7.7.6.1, weekends and holidays counted
FULL_PAY_MONTHS = 12  # 8.11.4

SAARC = (
    ("bhutan", "Bhutan (in-country)"),
    ("india", "India"),
    ("bangladesh", "Bangladesh"),
    ("nepal", "Nepal"),
    ("sri_lanka", "Sri Lanka"),
    ("maldives", "Maldives"),
    ("pakistan", "Pakistan"),
    ("afghanistan", "Afghanistan"),
)
SAARC_CODES = frozenset(code for code, _ in SAARC)
COUNTRIES = SAARC + (
    ("australia", "Australia"),
    ("thailand", "Thailand"),
    ("japan", "Japan"),
    ("singapore", "Singapore"),
    ("united_kingdom", "United Kingdom"),
    ("united_states", "United States"),
    ("canada", "Canada"),
    ("other", "Other (name it below; outside SAARC)"),
)
CONTINUING_EDUCATION_LEVELS = frozenset({"class_x", "class_xii", "bachelors", "masters"})  # 7.7.1

# An LTT once the course has commenced (7.7.8.1 xi); "approved" has not yet.
COMMENCED = frozenset({"ongoing", "completed", "failed", "pending_completion", "withdrawn"})

# LTT Study Leave Application Form, part III (supporting documents).
APPLICATION_DOCUMENTS = (
    ("admission", "Letter of award / confirmation of enrolment or acceptance from the institute"),
    ("course_details", "Course content and schedule from the institute"),
    ("security_clearance", "Valid security clearance certificate"),
    ("audit_clearance", "Valid audit clearance certificate"),
    ("medical_fitness", "Medical fitness certificate from a competent RGoB medical doctor"),
    ("funding_assurance", "Assurance of funding (private, open or university scholarship)"),
    ("field_work_plan", "Field visits work plan (research-based LTT under RGoB/donor funding)"),
    ("english_proficiency", "English language proficiency certificate (if required)"),
    ("cv_checked", "CV in ZEST checked and correct"),
)
ALWAYS_REQUIRED_DOCUMENTS = (
    "admission",
    "course_details",
    "security_clearance",
    "audit_clearance",
    "medical_fitness",
)
RETURN_DOCUMENTS = (  # 7.7.6.3
    ("training_report", "Training Report and Feedback Form (Schedule 7/D) (7.7.6.3 i)"),
    ("certificate", "Completion certificate and/or consolidated transcript (7.7.6.3 ii)"),
    ("thesis", "Thesis/research copy, synopsis and consent letter (7.7.6.3 iii)"),
)
OUTCOMES = (
    ("completed", "Course completed successfully"),
    ("failed", "Failed the course (7.7.8.1 i)"),
    ("pending_completion", "Reported but pending completion (7.7.8.1 iii)"),
)

# ------------------------------------------------------------------- pure helpers


def in_country(country: Any) -> bool:
    return country == "bhutan"


def in_saarc(country: Any) -> bool:
    return country in SAARC_CODES


def is_teacher(record: Profile | None, proposal: Mapping[str, Any]) -> bool:
    """The teaching profession (7.7.1 ii, 7.7.3): the occupational group, or the HR declaration."""
    if proposal.get("teaching_profession"):
        return True
    group = (record.occupational_group if record is not None else "") or ""
    return "teach" in group.lower()


def approving_agency(
    mode: Any, level: Any, country: Any, teacher: bool, working_agency: str
) -> tuple[str, str]:
    """7.7.3: (agency code, section) of the authority that approves this LTT."""
    if mode == "mixed_mode":
        if teacher:
            return MOESD_AGENCY, "7.7.3"
        return R.RCSC_AGENCY, "7.7.1"  # special/strategic programme determined by the RCSC
    if mode == "continuing_education":
        return working_agency, "7.7.3"
    if level == "bachelors":
        return working_agency, "7.7.3"
    if level == "masters" and in_country(country) and teacher:
        return MOESD_AGENCY, "7.7.3"
    return R.RCSC_AGENCY, "7.7.3"


def approving_authority(ctx: Context) -> Authority:
    """7.7.3, 8.11.12: MoESD, the working agency or the RCSC, by mode and level."""
    agency, cite = approving_agency(
        ctx.value("mode"),
        ctx.value("level"),
        ctx.value("country"),
        is_teacher(ctx.profile(), ctx.proposal),
        ctx.subject.agency,
    )
    return Authority((agency,), cite)


def agency_body(ctx: Context) -> Authority:
    """The working agency's HR officer and HRC process the application (8.11.12, 7.4.7)."""
    return Authority((ctx.subject.agency,), "8.11.12")


def agency_hrc(ctx: Context) -> Authority:
    """8.13.3: preparatory leave is granted by the HRC of the agency."""
    return Authority((ctx.subject.agency,), "8.13.3")


def agency_or_approving(ctx: Context) -> Authority:
    """7.7.6.5: the agency ensures the timely return and initiates action; the approving
    authority receives the report (7.7.6.1)."""
    approving = approving_authority(ctx)
    agencies = tuple(dict.fromkeys((ctx.subject.agency, *approving.agencies)))
    return Authority(agencies, "7.7.6.5")


def retirement_authority(ctx: Context) -> Authority:
    """Compulsory retirement is a major penalty: the RCSC for EX/ES, the agency for P1-O4
    (19.3.6)."""
    if ctx.subject.executive_or_specialist:
        return Authority((R.RCSC_AGENCY,), "19.3.6")
    return Authority((ctx.subject.agency,), "19.3.6")


def course_days(start: date, end: date) -> int:
    """Calendar days of a course, both ends included."""
    return max(0, (end - start).days + 1)


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def study_leave_pay(
    level: str, mode: str, country: str, start: date, end: date, gross: Decimal | None
) -> dict[str, Any]:
    """8.11.3-8.11.5, 8.11.10: what the civil servant is paid while on study leave.

    Full gross pay for the first 12 months and 50% after that; full gross pay throughout in
    a SAARC country; a bachelor's without pay. Continuing education is after office hours
    (pay continues; study leave only for examinations). Allowances cease except house rent
    (8.11.6). Months are calendar days / (365.25 / 12), for the estimate.
    """
    days = course_days(start, end)
    months = (Decimal(days) / (Decimal("365.25") / 12)).quantize(Decimal("0.01"))
    out: dict[str, Any] = {"course_days": days, "course_months": str(months)}
    if level == "bachelors":
        out.update(
            rule="without pay (8.11.3)",
            cite="8.11.3",
            full_pay_until=None,
            half_pay_from=None,
            monthly_full=_money(Decimal(0)),
            estimated_total=_money(Decimal(0)),
        )
        return out
    if mode == "continuing_education":
        out.update(
            rule="classes after office hours: pay continues; study leave only for term and "
            "final examinations and their preparation (8.11.10)",
            cite="8.11.10",
            full_pay_until=None,
            half_pay_from=None,
        )
        return out
    gross = gross or Decimal(0)
    if in_saarc(country):
        out.update(
            rule="full gross pay for the whole course, held in a SAARC country (8.11.5)",
            cite="8.11.5",
            full_pay_until=end.isoformat(),
            half_pay_from=None,
            monthly_full=_money(gross),
            estimated_total=_money(gross * months),
        )
        return out
    twelve = add_months(start, FULL_PAY_MONTHS) - timedelta(days=1)
    full_months = min(months, Decimal(FULL_PAY_MONTHS))
    half_months = max(Decimal(0), months - Decimal(FULL_PAY_MONTHS))
    out.update(
        rule="full gross pay for the first 12 months, 50% of gross pay after that (8.11.4)",
        cite="8.11.4",
        full_pay_until=min(twelve, end).isoformat(),
        half_pay_from=(twelve + timedelta(days=1)).isoformat() if twelve < end else None,
        monthly_full=_money(gross),
        monthly_half=_money(gross / 2),
        estimated_total=_money(gross * full_months + gross / 2 * half_months),
    )
    return out


def promotion_delay(
    start: date, end: date, times: int, cite: str, *, calendar: bool = False
) -> dict[str, Any]:
    """7.7.8.1 i, iv: promotion delayed by ``times`` the approved duration of the course,
    counted from the due date of the promotion: the course's days multiplied, or
    (``calendar``, R-7.7.7.6-duration) its calendar months and days left over multiplied."""
    if calendar:
        span = duration(start, end).times(times)
        return {
            "months": span.months,
            "days_over": span.days,
            "duration": span.text(),
            "times_course_duration": times,
            "from": "the due date of the promotion",
            "cite": cite,
        }
    days = course_days(start, end) * times
    return {
        "days": days,
        "times_course_duration": times,
        "from": "the due date of the promotion",
        "cite": cite,
    }


def commenced_ltts(record: Profile) -> list[Entry]:
    """LTTs counted as 1st/2nd/3rd: commenced, except continuing education (7.7.8.1 xi)."""
    return [
        e
        for e in record.ltts()
        if e.status in COMMENCED and e.details.get("mode") != "continuing_education"
    ]


def next_ordinal(record: Profile) -> int:
    return len(commenced_ltts(record)) + 1


# ------------------------------------------------------------------- eligibility


def _start(proposal: Mapping[str, Any], today: date) -> date:
    return proposed_date(proposal, "start_on", today)


def _age_day(proposal: Mapping[str, Any], today: date) -> date:
    """7.7.4.3: at commencement; for RCSC/agency-administered scholarships at the deadline."""
    deadline = as_date(proposal.get("scholarship_deadline"))
    return deadline or _start(proposal, today)


def citizen_and_regular(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return p.nationality.strip().lower() == "bhutanese" and p.employment_type == "regular"


def relevant_course(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    level = proposal.get("level")
    if not level or level == "bachelors" or "relevant_to_work" not in proposal:
        return True
    return bool(proposal.get("relevant_to_work"))


def age_within_limit(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return p.age_on(_age_day(proposal, today)) <= MAX_AGE


def explain_age(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    day = _age_day(proposal, today)
    return f"aged {p.age_on(day)} on {day.isoformat()}"


SAME_LEVEL_STATUSES = frozenset(
    {"approved", "ongoing", "completed", "failed", "pending_completion"}
)


def first_of_level(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    level = proposal.get("level")
    if not level or proposal.get("rcsc_exception"):
        return True
    return not any(
        e.details.get("level") == level
        for e in p.ltts()
        if e.status in SAME_LEVEL_STATUSES
        or (e.status == "withdrawn" and not e.details.get("withdrawn_beyond_control"))
    )


def stt_gap_met(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    last = p.last_stt_end()
    return last is None or _start(proposal, today) >= add_months(last, STT_GAP_MONTHS)


def explain_stt_gap(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    last = p.last_stt_end()
    assert last is not None
    return (
        f"last STT ended {last.isoformat()}; an LTT may start from "
        f"{add_months(last, STT_GAP_MONTHS).isoformat()}"
    )


def ltt_obligation_complete(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start = _start(proposal, today)
    if any(e.status in ("approved", "ongoing") for e in p.ltts()):
        return False  # an LTT already approved or under way
    return not p.unserved_obligations(start, "ltt", "service_obligation")


def explain_ltt_obligation(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    live = [e for e in p.ltts() if e.status in ("approved", "ongoing")]
    if live:
        return f"an LTT is already {live[0].status}"
    ends = sorted(
        str(p.obligation_end(e))
        for e in p.unserved_obligations(_start(proposal, today), "ltt", "service_obligation")
    )
    last = date.fromisoformat(ends[-1]) - timedelta(days=1)
    return f"service obligation runs until {ends[-1]} (the last day owed {last.isoformat()})"


def _away_on(p: Profile, day: date) -> list[str]:
    away = [
        f"{e.kind} {e.start}-{e.end or ''}".strip()
        for e in p.entries
        if e.kind in ("secondment", "eol") and e.status not in ("revoked",) and e.covers(day)
    ]
    away += [
        f"{e.details.get('leave_type')} leave {e.start}-{e.end or ''}"
        for e in p.on_leave_of(day, "maternity", "medical_escort", "medical")
    ]
    return away


def not_away(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not (_away_on(p, today) or _away_on(p, _start(proposal, today)))


def explain_away(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    return "; ".join(_away_on(p, today) or _away_on(p, _start(proposal, today)))


def drug_test_cleared(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return p.drug_test == "cleared"


def rating_good(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return p.performance_rating in RATINGS_AT_LEAST_GOOD


def explain_rating(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    return f"latest rating: {p.performance_rating.replace('_', ' ') or 'none recorded'}"


def required_service_years(p: Profile) -> int:
    return 2 if p.bcse_selected else 4  # 7.7.4.9, 7.7.4.10


def active_service_met(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    start = _start(proposal, today)
    return p.active_service_years(start, after_probation=True) >= required_service_years(p)


def explain_active_service(p: Profile, proposal: Mapping[str, Any], today: date) -> str:
    start = _start(proposal, today)
    years = p.active_service_years(start, after_probation=True)
    return (
        f"{years:.1f} years of active service after probation by {start.isoformat()}, "
        f"{required_service_years(p)} needed"
    )


def _rank(qualification: str) -> int:
    return QUALIFICATION_RANK.get(qualification, -1)


def postgraduate_qualified(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if proposal.get("level") not in POSTGRADUATE:
        return True
    return _rank(p.qualification) >= _rank("bachelors") and (
        p.bcse_selected or p.position_category == "PMC"
    )


def class_xii_for_bachelors(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if proposal.get("level") not in ("bachelors", "diploma"):
        return True
    return _rank(p.qualification) >= _rank("class_xii")


def within_three_ltts(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if proposal.get("mode") == "continuing_education":
        return True  # not counted (7.7.8.1 xi)
    return len(commenced_ltts(p)) < MAX_LTTS


def discontinued_on_medical_grounds(p: Profile, proposal: Mapping[str, Any]) -> bool:
    return bool(proposal.get("discontinued_on_medical_grounds")) or any(
        e.details.get("medical_grounds") for e in p.ltts()
    )


def fitness_certified(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    if not discontinued_on_medical_grounds(p, proposal):
        return True
    return bool(proposal.get("fitness_certificate"))


def none_pending_completion(p: Profile, proposal: Mapping[str, Any], today: date) -> bool:
    return not p.of("ltt", "pending_completion")


RULES = (
    Rule("7.7.4.1", "must be a Bhutanese citizen and a regular civil servant", citizen_and_regular),
    Rule(
        "7.7.4.2",
        "the course must be relevant to the work and position level and lead to greater "
        "specialisation (not required for a bachelor's degree)",
        relevant_course,
    ),
    Rule(
        "7.7.4.3",
        "must be 45 years of age or below at the commencement of the LTT (at the application "
        "deadline for scholarships administered by the RCSC or the agency)",
        age_within_limit,
        explain=explain_age,
    ),
    Rule(
        "7.7.4.4",
        "may not pursue more than one LTT of the same level, except programmes the RCSC "
        "determines mandatory, special or strategic",
        first_of_level,
    ),
    Rule(
        "7.7.4.5, 7.5.2 iii",
        "six months must pass between the last short-term training and an LTT",
        stt_gap_met,
        explain=explain_stt_gap,
    ),
    Rule(
        "7.7.4.5, 7.5.2 iv",
        "the previous LTT must be over and its service obligation completed first",
        ltt_obligation_complete,
        explain=explain_ltt_obligation,
    ),
    Rule(
        "7.7.4.6",
        "must not be on secondment, EOL, maternity, medical escort or medical leave",
        not_away,
        explain=explain_away,
    ),
    Rule("7.7.4.7", "must have cleared the drug test", drug_test_cleared),
    Rule(
        "7.7.4.8",
        "the latest performance rating must be at least 'Good' or 'Meeting Expectation'",
        rating_good,
        explain=explain_rating,
    ),
    Rule(
        "7.7.4.9, 7.7.4.10",
        "two years of active service after probation (BCSE entrants) or four years (others) "
        "by the commencement of the course",
        active_service_met,
        explain=explain_active_service,
    ),
    Rule(
        "7.7.4.11",
        "postgraduate study needs a bachelor's degree and selection through the BCSE (or a "
        "PMC position with a bachelor's degree)",
        postgraduate_qualified,
    ),
    Rule(
        "7.7.4.12",
        "a bachelor's degree or diploma needs Class XII completed",
        class_xii_for_bachelors,
    ),
    Rule(
        "7.7.4.13, 8.11.2",
        "at most three in-service LTTs in the whole service",
        within_three_ltts,
    ),
    Rule(
        "7.7.4.14",
        "a training discontinued on medical grounds needs a fitness certificate from the "
        "medical board",
        fitness_certified,
    ),
    Rule(
        "7.7.8.1 iii",
        "an LTT reported but pending completion must be completed (evidence submitted) first",
        none_pending_completion,
    ),
)

# ------------------------------------------------------------------------ guards


def end_after_start(ctx: Context) -> bool:
    start, end = as_date(ctx.value("start_on")), as_date(ctx.value("end_on"))
    return start is None or end is None or end > start


def documents_missing(ctx: Context) -> list[str]:
    given = set(ctx.value("documents") or [])
    needed = list(ALWAYS_REQUIRED_DOCUMENTS)
    if ctx.value("funding") == "private":
        needed.append("funding_assurance")
    if ctx.value("research_based") and ctx.value("funding") == "rgob":
        needed.append("field_work_plan")
    return [n for n in needed if n not in given]


def documents_complete(ctx: Context) -> bool:
    return not documents_missing(ctx)


def mode_fits_level_and_place(ctx: Context) -> bool:
    mode, level, country = ctx.value("mode"), ctx.value("level"), ctx.value("country")
    if mode == "continuing_education":
        return level in CONTINUING_EDUCATION_LEVELS and in_country(country)
    if mode == "mixed_mode":
        return in_country(country)
    return True


def mixed_mode_for_teachers(ctx: Context) -> bool:
    if ctx.value("mode") != "mixed_mode":
        return True
    return is_teacher(ctx.profile(), ctx.proposal) or bool(ctx.value("rcsc_strategic_programme"))


def costs_given(ctx: Context) -> bool:
    return ctx.value("funding") != "rgob" or ctx.value("scholarship_cost") not in (None, "")


def country_named(ctx: Context) -> bool:
    return ctx.value("country") != "other" or bool(ctx.value("other_country"))


def briefed_before_start(ctx: Context) -> bool:
    pdb, start = as_date(ctx.value("pdb_attended_on")), as_date(ctx.data.get("start_on"))
    return pdb is None or start is None or pdb <= start


def undertaking_signed(ctx: Context) -> bool:
    return bool(ctx.value("undertaking_signed_on")) and bool(ctx.value("guarantor_name"))


def commenced_after_briefing(ctx: Context) -> bool:
    commenced, pdb = as_date(ctx.value("commenced_on")), as_date(ctx.data.get("pdb_attended_on"))
    return commenced is None or pdb is None or commenced >= pdb


def extension_later(ctx: Context) -> bool:
    new, old = as_date(ctx.fields.get("end_on")), as_date(ctx.data.get("end_on"))
    return new is None or old is None or new > old


def reported_in_time(ctx: Context) -> bool:
    """7.7.6.1: within 21 days of the course end date, unless the late reporting was condoned."""
    if ctx.data.get("late_reporting_condoned"):
        return True
    reported, end = as_date(ctx.value("reported_on")), as_date(ctx.data.get("end_on"))
    if reported is None or end is None:
        return True
    return reported <= end + timedelta(days=REPORT_WITHIN_DAYS)


def has_document(name: str):
    return lambda ctx: name in (ctx.value("documents") or [])


def certificate_unless_pending(ctx: Context) -> bool:
    return ctx.value("outcome") == "pending_completion" or has_document("certificate")(ctx)


def thesis_if_research(ctx: Context) -> bool:
    if ctx.value("outcome") != "completed" or not ctx.data.get("research_based"):
        return True
    return has_document("thesis")(ctx)


def campus_days_for_mixed_mode(ctx: Context) -> bool:
    return ctx.data.get("mode") != "mixed_mode" or bool(ctx.value("days_on_campus"))


def expenses_for_mixed_mode(ctx: Context) -> bool:
    """7.7.8.1 ix: a mixed-mode failure or withdrawal within control is refunded, so the
    expenses incurred must be known."""
    if ctx.data.get("mode") != "mixed_mode" or ctx.data.get("level") == "bachelors":
        return True
    penalised = ctx.value("outcome") == "failed" or ctx.value("withdrawal_ground") == (
        "within_control"
    )
    return not penalised or ctx.value("expenses_incurred") not in (None, "")


MIXED_MODE_REFUND = Guard(
    "7.7.8.1 ix",
    "for a mixed-mode course give the expenses incurred (tuition, stipend/DSA, TA/DA, "
    "mileage, others): 2/3/4 times them are to be refunded",
    expenses_for_mixed_mode,
)


def reporting_deadline_passed(ctx: Context) -> bool:
    due = ctx.due.get("reporting_due")
    return due is not None and ctx.today > due


def outcome_is(*values: str):
    return lambda ctx: ctx.value("outcome") in values


def ground_is(*values: str):
    return lambda ctx: ctx.value("withdrawal_ground") in values


def cancelled(ctx: Context) -> bool:
    return bool(ctx.data.get("study_leave_cancelled_on"))


def not_cancelled(ctx: Context) -> bool:
    return not cancelled(ctx)


def positive_days(ctx: Context) -> bool:
    return int(ctx.value("report_within_days") or 0) > 0


# ------------------------------------------------------------------------ fields

APPLICATION_FIELDS = (
    Field("course", "text", "Course title (as per the letter of award or enrolment)"),
    Field("institute", "text", "Institute and city"),
    Field(
        "country",
        "choice",
        "Country of the institute (SAARC countries first, 8.11.5)",
        choices=COUNTRIES,
    ),
    Field("other_country", "text", "Country, if not listed", required=False),
    Field("level", "choice", "Level of the LTT (7.3.3)", choices=LTT_LEVELS),
    Field("mode", "choice", "Mode (7.7.1)", choices=LTT_MODES),
    Field("funding", "choice", "Funding (7.7.2)", choices=LTT_FUNDING),
    Field("start_on", "date", "Course commencement date", future_ok=True),
    Field("end_on", "date", "Course end date (as per the LoA)", future_ok=True),
    Field(
        "employment_cost",
        "decimal",
        "Estimated employment-related cost, Nu (pay, allowances, 7.7.2)",
    ),
    Field(
        "scholarship_cost",
        "decimal",
        "Estimated scholarship-related cost, Nu (RGoB funding, 7.7.2)",
        required=False,
    ),
    Field("gross_pay", "decimal", "Gross pay, Nu per month (for study leave pay, 8.11.4)"),
    Field(
        "documents",
        "multichoice",
        "Supporting documents attached (LTT Study Leave Application Form, III)",
        choices=APPLICATION_DOCUMENTS,
    ),
    Field(
        "relevant_to_work",
        "bool",
        "The course is relevant to the work and position level and leads to greater "
        "specialisation (7.7.4.2)",
        required=False,
    ),
    Field("research_based", "bool", "Research-based (thesis) course", required=False),
    Field(
        "teaching_profession",
        "bool",
        "The civil servant is in the teaching profession (7.7.1 ii, 7.7.3)",
        required=False,
    ),
    Field(
        "rcsc_strategic_programme",
        "bool",
        "Mixed mode for a special/strategic programme determined by the RCSC (7.7.1 ii)",
        required=False,
    ),
    Field(
        "rcsc_exception",
        "bool",
        "Mandatory/special/strategic programme determined by the RCSC (7.7.4.4)",
        required=False,
    ),
    Field(
        "scholarship_deadline",
        "date",
        "Application deadline of an RCSC/agency-administered scholarship (7.7.4.3)",
        required=False,
        future_ok=True,
    ),
    Field(
        "discontinued_on_medical_grounds",
        "bool",
        "Has discontinued a training programme on medical grounds before (7.7.4.14)",
        required=False,
    ),
    Field(
        "fitness_certificate",
        "bool",
        "Fitness certificate from the medical board produced (7.7.4.14)",
        required=False,
    ),
    Field("applied_on", "date", "Application received on"),
)

PROPOSAL_FIELDS = tuple(
    f
    for f in APPLICATION_FIELDS
    if f.name
    in (
        "level",
        "mode",
        "start_on",
        "relevant_to_work",
        "rcsc_exception",
        "scholarship_deadline",
        "discontinued_on_medical_grounds",
        "fitness_certificate",
    )
)

DECISION = (
    Field("decision_on", "date", "Decided on"),
    Field("reasons", "textarea", "Reasons"),
)

# ------------------------------------------------------------------------ states

RETIREMENT_QUEUE = "compulsory_retirement"

STATES = (
    State("new", "not yet applied"),
    State("applied", "applied; awaiting the HRC's recommendation"),
    State("recommended", "recommended by the HRC; awaiting the approving authority"),
    State("approved", "approved; awaiting the pre-departure briefing and Undertaking"),
    State("briefed", "briefed and Undertaking signed; awaiting departure"),
    State("preparatory_leave", "on preparatory leave before the course"),
    State("on_study_leave", "on study leave (course commenced)"),
    State("pending_completion", "reported but pending completion"),
    State("recalled", "study leave cancelled; to report back"),
    State(
        "retirement_proposed",
        "Compulsory retirement proposed",
        queue=RETIREMENT_QUEUE,
    ),
    State("reporting_condoned", "late reporting condoned; report and documents awaited"),
    State("not_approved", "not recommended or not approved", final=True),
    State("not_availed", "withdrawn before the course commenced", final=True),
    State("completed", "completed; service obligation running", final=True),
    State("failed", "failed the course", final=True),
    State("withdrawn", "withdrawn from the course", final=True),
    State("cancelled", "study leave cancelled; reported back", final=True),
    State("retired", "compulsorily retired", final=True),
)

BEFORE_COMMENCEMENT = ("applied", "recommended", "approved", "briefed", "preparatory_leave")
HRC = frozenset({R.HRC_CHAIR, R.DC_MEMBER, R.MEMBER_SECRETARY})
DECIDERS = frozenset({R.HRC_CHAIR, R.RCSC})
RECORDERS = frozenset({R.HR_OFFICER, R.RCSC})

REPORTING_ARM = Arm(
    "reporting_due",
    "Report in person after the course (21 days, weekends and holidays included)",
    "7.7.6.1",
    days=REPORT_WITHIN_DAYS,
    from_field="end_on",
    on_timeout="fail_to_report",
)

RETURN_FIELDS = (
    Field("reported_on", "date", "Reported in person on"),
    Field(
        "outcome",
        "choice",
        "Outcome of the course (7.7.8.1)",
        choices=OUTCOMES,
    ),
    Field(
        "documents",
        "multichoice",
        "Documents submitted (7.7.6.3)",
        choices=RETURN_DOCUMENTS,
        required=False,
    ),
    Field(
        "days_on_campus",
        "int",
        "Days on campus / absent from office, per the attendance sheet (mixed mode, 7.7.7.6 ii a)",
        required=False,
    ),
    Field(
        "expenses_incurred",
        "decimal",
        "Tuition, stipend/DSA, TA/DA, mileage and other expenses incurred, Nu (mixed mode, "
        "7.7.8.1 ix)",
        required=False,
    ),
    Field("remarks", "textarea", "Remarks", required=False),
)
RETURN_GUARDS = (
    Guard(
        "7.7.6.1",
        "the civil servant must report within 21 days (weekends and holidays included) of "
        "the course end date; late reporting leads to compulsory retirement (7.7.8.1 v)",
        reported_in_time,
    ),
    Guard(
        "7.7.6.3 i",
        "the Training Report and Feedback Form (Schedule 7/D) must be submitted",
        has_document("training_report"),
    ),
    Guard(
        "7.7.6.3 ii",
        "the completion certificate or consolidated transcript must be submitted (or record "
        "the LTT as reported but pending completion, 7.7.8.1 iii)",
        certificate_unless_pending,
    ),
    Guard(
        "7.7.6.3 iii",
        "a research-based course needs the thesis/research copy with its synopsis and consent "
        "letter",
        thesis_if_research,
    ),
    Guard(
        "7.7.7.6 ii",
        "for a mixed-mode course give the days on campus verified against the attendance sheet",
        campus_days_for_mixed_mode,
    ),
    MIXED_MODE_REFUND,
)

EVIDENCE_FIELDS = (
    Field(
        "outcome",
        "choice",
        "Result shown by the evidence (7.7.8.1 iii)",
        choices=OUTCOMES[:2],
    ),
    Field("evidence_on", "date", "Evidence submitted on"),
    Field(
        "documents",
        "multichoice",
        "Documents submitted (7.7.6.3)",
        choices=RETURN_DOCUMENTS,
        required=False,
    ),
    Field(
        "expenses_incurred",
        "decimal",
        "Expenses incurred, Nu (mixed mode, 7.7.8.1 ix)",
        required=False,
    ),
    Field("remarks", "textarea", "Remarks", required=False),
)

WITHDRAWAL_FIELDS = (
    Field("withdrawn_on", "date", "Withdrew from the course on"),
    Field(
        "withdrawal_ground",
        "choice",
        "Reason for the withdrawal",
        choices=(
            ("beyond_control", "Beyond the candidate's control (7.7.7.6 v, 7.7.8.1 ii)"),
            ("within_control", "Within the candidate's control (7.7.8.1 i b)"),
        ),
    ),
    Field(
        "medical_grounds",
        "bool",
        "Discontinued on medical grounds (a fitness certificate is needed later, 7.7.4.14)",
        required=False,
    ),
    Field("reported_on", "date", "Reported back to the office on"),
    Field(
        "expenses_incurred",
        "decimal",
        "Expenses incurred, Nu (mixed mode, 7.7.8.1 ix)",
        required=False,
    ),
    Field("reasons", "textarea", "Reasons and evidence"),
)

STEPS = (
    # -- application (LTT Study Leave Application Form; 7.7.4 eligibility)
    Step(
        "open",
        "new",
        "applied",
        "Apply for long-term training and study leave",
        "8.11.1",
        by=frozenset({R.CIVIL_SERVANT, R.HR_OFFICER}),
        authority=agency_body,
        fields=APPLICATION_FIELDS,
        guards=(
            *as_guards(RULES),
            Guard("8.11.1", "the course must end after it starts", end_after_start),
            Guard(
                "8.11.1",
                "the application needs the letter of award or enrolment, the course details, "
                "the security and audit clearances and the medical fitness certificate; "
                "private funding needs the assurance of funding; a research-based RGoB LTT "
                "the field visits work plan (LTT Study Leave Application Form, III)",
                documents_complete,
            ),
            Guard(
                "7.7.1",
                "continuing education is in-country, for Class X, Class XII, a bachelor's or "
                "a master's; mixed mode is in-country",
                mode_fits_level_and_place,
            ),
            Guard(
                "7.7.1 ii",
                "mixed mode is for the teaching profession, or a special/strategic programme "
                "determined by the RCSC",
                mixed_mode_for_teachers,
            ),
            Guard(
                "7.7.2",
                "an RGoB-funded LTT needs the estimated scholarship-related cost",
                costs_given,
            ),
            Guard("8.11.1", "name the country of the institute", country_named),
        ),
        effects=("ltt_application",),
    ),
    # -- HRC recommendation (8.11.12)
    Step(
        "recommend",
        "applied",
        "recommended",
        "Recommend the study leave (HRC)",
        "8.11.12",
        by=HRC,
        authority=agency_body,
        fields=(
            Field("hrc_meeting_no", "text", "HRC meeting number"),
            Field("recommended_on", "date", "HRC meeting held on"),
            Field("hrc_remarks", "textarea", "HRC remarks", required=False),
        ),
    ),
    Step(
        "not_recommend",
        "applied",
        "not_approved",
        "Do not recommend (HRC)",
        "8.11.12",
        by=HRC,
        authority=agency_body,
        fields=(Field("hrc_meeting_no", "text", "HRC meeting number"), *DECISION),
    ),
    # -- approval (7.7.3)
    Step(
        "approve",
        "recommended",
        "approved",
        "Approve the LTT and study leave",
        "7.7.3",
        by=DECIDERS,
        authority=approving_authority,
        fields=(
            Field("approval_order_no", "text", "Approval / office order number"),
            Field("approved_on", "date", "Approved on"),
        ),
        guards=(
            *as_guards(RULES),
            Guard(
                "7.7.1 ii",
                "mixed mode is approved by MoESD for the teaching profession; otherwise only "
                "as an RCSC special/strategic programme",
                mixed_mode_for_teachers,
            ),
        ),
        effects=("ltt_approve",),
    ),
    Step(
        "decline",
        "recommended",
        "not_approved",
        "Do not approve",
        "7.7.3",
        by=DECIDERS,
        authority=approving_authority,
        fields=DECISION,
    ),
    # -- pre-departure (7.7.5.1) and preparatory leave (8.13.2.2)
    Step(
        "brief",
        "approved",
        "briefed",
        "Record the pre-departure briefing and the signed Undertaking",
        "7.7.5.1",
        by=RECORDERS,
        authority=approving_authority,
        fields=(
            Field("pdb_attended_on", "date", "Pre-departure briefing attended on"),
            Field("undertaking_signed_on", "date", "Undertaking signed on"),
            Field("guarantor_name", "text", "Guarantor's name"),
            Field("guarantor_cid", "text", "Guarantor's CID number", required=False),
        ),
        guards=(
            Guard(
                "7.7.5.1",
                "the Undertaking must be signed, with a guarantor (7.7.5.3)",
                undertaking_signed,
            ),
            Guard(
                "7.7.5.3",
                "the pre-departure briefing must be held before the course starts",
                briefed_before_start,
            ),
        ),
    ),
    Step(
        "grant_preparatory_leave",
        "briefed",
        "preparatory_leave",
        "Grant five days of preparatory leave before the course",
        "8.13.2.2",
        by=frozenset({R.HR_OFFICER, R.HRC_CHAIR}),
        authority=agency_hrc,
        fields=(Field("granted_on", "date", "Granted on"),),
        effects=("ltt_preparatory_leave",),
    ),
    Step(
        "report_joining",
        ("briefed", "preparatory_leave"),
        "on_study_leave",
        "Record the joining report: course commenced",
        "7.7.8.1 xi",
        by=frozenset({R.CIVIL_SERVANT, R.HR_OFFICER, R.RCSC}),
        authority=agency_or_approving,
        fields=(
            Field("commenced_on", "date", "Course commenced on"),
            Field(
                "joining_report_on",
                "date",
                "Course/Institute Joining Report (Schedule 7/C) received on",
            ),
        ),
        guards=(
            Guard(
                "7.7.5.3",
                "the course cannot commence before the pre-departure briefing",
                commenced_after_briefing,
            ),
        ),
        arms=(REPORTING_ARM,),
        effects=("ltt_commence",),
    ),
    # -- during the course
    Step(
        "extend_course",
        "on_study_leave",
        "on_study_leave",
        "Approve a course extension",
        "7.7.7.6",
        by=DECIDERS,
        authority=approving_authority,
        fields=(
            Field("end_on", "date", "New course end date", future_ok=True),
            Field("extension_letter_no", "text", "Extension approval letter number"),
            Field("extension_reasons", "textarea", "Reasons"),
        ),
        guards=(
            Guard("7.7.7.6", "the new end date must be after the current one", extension_later),
        ),
        arms=(REPORTING_ARM,),
        effects=("ltt_extend",),
    ),
    Step(
        "withdraw",
        "on_study_leave",
        "withdrawn",
        "Record a withdrawal from the course",
        "7.7.8.1 ii",
        by=DECIDERS,
        authority=approving_authority,
        when=ground_is("beyond_control"),
        fields=WITHDRAWAL_FIELDS,
        guards=(MIXED_MODE_REFUND,),
        settles=("reporting_due",),
        effects=("ltt_withdraw",),
    ),
    Step(
        "withdraw",
        "on_study_leave",
        "withdrawn",
        "Record a withdrawal from the course",
        "7.7.8.1 i",
        by=DECIDERS,
        authority=approving_authority,
        when=ground_is("within_control"),
        fields=WITHDRAWAL_FIELDS,
        guards=(MIXED_MODE_REFUND,),
        settles=("reporting_due",),
        effects=("ltt_withdraw",),
    ),
    Step(
        "cancel_study_leave",
        "on_study_leave",
        "recalled",
        "Cancel the study leave: course or institute changed without approval",
        "7.7.8.1 iv",
        by=DECIDERS,
        authority=approving_authority,
        fields=(
            Field("changed_to", "text", "Course or institute changed to"),
            Field("study_leave_cancelled_on", "date", "Study leave cancelled on"),
            Field("cancellation_order_no", "text", "Cancellation order number"),
            Field("report_within_days", "int", "Days allowed to report back (stipulated time)"),
        ),
        guards=(Guard("7.7.8.1 iv", "stipulate the days to report back", positive_days),),
        arms=(
            Arm(
                "reporting_due",
                "Report back after the study leave is cancelled (stipulated time)",
                "7.7.8.1 iv",
                days_field="report_within_days",
                from_field="study_leave_cancelled_on",
                on_timeout="fail_to_report",
            ),
        ),
        effects=("ltt_cancel_study_leave",),
    ),
    Step(
        "withdraw_application",
        BEFORE_COMMENCEMENT,
        "not_availed",
        "Withdraw the application / study leave not availed",
        "7.7.8.1 xi",
        by=frozenset({R.CIVIL_SERVANT, R.HR_OFFICER}),
        authority=agency_body,
        fields=DECISION,
        effects=("ltt_not_availed",),
    ),
    # -- return (7.7.6)
    *(
        Step(
            "report_back",
            ("on_study_leave", "reporting_condoned"),
            dest,
            "Record reporting in person after the course",
            cite,
            by=RECORDERS,
            authority=approving_authority,
            when=outcome_is(dest),
            fields=RETURN_FIELDS,
            guards=(
                Guard(
                    "7.7.8.1 iv",
                    "the study leave was cancelled: record the report after cancellation",
                    not_cancelled,
                    precheck=True,
                ),
                *RETURN_GUARDS,
            ),
            settles=("reporting_due",),
            effects=("ltt_return",),
        )
        for dest, cite in (
            ("completed", "7.7.6.1"),
            ("failed", "7.7.8.1 i"),
            ("pending_completion", "7.7.8.1 iii"),
        )
    ),
    *(
        Step(
            "submit_completion_evidence",
            "pending_completion",
            dest,
            "Record the evidence of completion or failure",
            "7.7.8.1 iii",
            by=RECORDERS,
            authority=approving_authority,
            when=outcome_is(dest),
            fields=EVIDENCE_FIELDS,
            guards=(
                Guard(
                    "7.7.6.3 ii",
                    "the completion certificate or consolidated transcript is the evidence",
                    has_document("certificate"),
                ),
                Guard(
                    "7.7.6.3 iii",
                    "a research-based course needs the thesis/research copy",
                    thesis_if_research,
                ),
                MIXED_MODE_REFUND,
            ),
            effects=("ltt_completion_evidence",),
        )
        for dest in ("completed", "failed")
    ),
    Step(
        "report_after_cancellation",
        ("recalled", "reporting_condoned"),
        "cancelled",
        "Record reporting back after the study leave was cancelled",
        "7.7.8.1 iv",
        by=RECORDERS,
        authority=approving_authority,
        guards=(
            Guard(
                "7.7.8.1 iv",
                "the study leave was not cancelled: record the report after the course",
                cancelled,
                precheck=True,
            ),
        ),
        fields=(
            Field("reported_on", "date", "Reported back on"),
            Field("remarks", "textarea", "Remarks", required=False),
        ),
        settles=("reporting_due",),
        effects=("ltt_report_after_cancellation",),
    ),
    # -- late reporting (7.7.8.1 v) into the shared compulsory-retirement queue
    Step(
        "fail_to_report",
        ("on_study_leave", "recalled"),
        "retirement_proposed",
        "Not reported in time: compulsory retirement proposed",
        "7.7.8.1 v",
        by=frozenset({R.SYSTEM}),
        effects=("ltt_propose_retirement",),
    ),
    Step(
        "propose_retirement",
        ("on_study_leave", "recalled"),
        "retirement_proposed",
        "Propose compulsory retirement for failing to report in time",
        "7.7.8.1 v",
        by=RECORDERS,
        authority=agency_or_approving,
        guards=(
            Guard(
                "7.7.6.1",
                "the time to report has not yet passed",
                reporting_deadline_passed,
                precheck=True,
                dated=True,
            ),
        ),
        fields=(Field("remarks", "textarea", "Facts of the failure to report"),),
        settles=("reporting_due",),
        effects=("ltt_propose_retirement",),
    ),
    Step(
        "retire",
        "retirement_proposed",
        "retired",
        "Compulsorily retire",
        "7.7.8.1 v",
        by=DECIDERS,
        authority=retirement_authority,
        fields=(
            Field("effective_on", "date", "Effective on", required=False, future_ok=True),
            Field("order_no", "text", "Office order number"),
        ),
        effects=("compulsory_retirement", "ltt_close_on_retirement"),
    ),
    Step(
        "condone",
        "retirement_proposed",
        "reporting_condoned",
        "Condone the late reporting",
        "7.7.8.1 v",
        by=DECIDERS,
        authority=retirement_authority,
        guards=(no_condonation(readings.LTT_LATE_REPORTING),),
        fields=(Field("reasons", "textarea", "Reasons for condoning"),),
        effects=("ltt_condone",),
    ),
)

PROCESS = Process(
    key="ltt",
    title="Long-term training (study leave)",
    version=VERSION,
    cite="7.7",
    states=STATES,
    steps=STEPS,
    initial="new",
    opening="open",
    summary="BCSR 2023 7.7 and 8.11: application, HRC recommendation, approval by the "
    "authority of 7.7.3, pre-departure briefing and Undertaking, preparatory leave, study "
    "leave, extensions, reporting within 21 days, completion, failure or pending completion, "
    "service obligation; late reporting to compulsory retirement.",
    eligibility=RULES,
    proposal_fields=PROPOSAL_FIELDS,
    readings=(
        readings.InForce(readings.LTT_LATE_REPORTING, "condonable", readings.CONDONE_WHY),
        readings.InForce(
            readings.WITHDRAWAL_OBLIGATION,
            "period_studied",
            "a withdrawal ends the course early; the first version counted the obligation on "
            "the period the candidate studied",
        ),
        readings.InForce(
            readings.LTT_OBLIGATION_DURATION,
            "days",
            "the first version multiplied the course's days",
        ),
    ),
)

# ------------------------------------------------------------------ 2023.2


def expenses_on_every_mixed_mode_return(ctx: Context) -> bool:
    """7.7.8.1 ix: the refund of the expenses is owed on failing, on a withdrawal within
    control "and separation during and after completing LTT with study obligation", so a
    mixed-mode course's expenses are recorded on every return (separation reads them)."""
    if ctx.data.get("mode") != "mixed_mode" or ctx.data.get("level") == "bachelors":
        return True
    return ctx.value("expenses_incurred") not in (None, "")


UNDERTAKING_TERMS = (
    Field(
        "undertaking_obligation_months",
        "int",
        "Service obligation stated in the Undertaking, months (if it states one; the higher "
        "of it and 2/3/4 times the course applies, 7.7.7.1)",
        required=False,
    ),
    Field(
        "undertaking_amount",
        "decimal",
        "Financial obligation stated in the Undertaking, Nu (if it states one; the higher "
        "applies, 7.7.7.2)",
        required=False,
    ),
)
ACTUAL_SCHOLARSHIP_COST = Field(
    "actual_scholarship_cost",
    "decimal",
    "Actual scholarship-related cost, Nu (RGoB funding; the higher of the estimated and the "
    "actual cost applies, 7.7.7.6 i)",
    required=False,
)
MIXED_MODE_EXPENSES_ON_RETURN = Guard(
    "7.7.8.1 ix",
    "for a mixed-mode course give the tuition fee, stipend/DSA, TA/DA, mileage and other "
    "expenses incurred: 2/3/4 times them are refunded on failing, withdrawing within control "
    "or separating with the obligation unserved",
    expenses_on_every_mixed_mode_return,
)

# Effects whose 2023.2 form differs (cases.processes.ltt and ltt_return register both names).
EFFECTS_2023_2 = frozenset({"ltt_return", "ltt_withdraw", "ltt_completion_evidence"})


def _v2(step: Step, *, fields: tuple[Field, ...] = (), guards: tuple[Guard, ...] = ()) -> Step:
    """A 2023.2 branch of ``step``: its effects under their 2023.2 names (a mixed-mode
    refund awaits the office order for repayment, 7.7.7.5), more fields and guards."""
    return replace(
        step,
        fields=(*step.fields, *fields),
        guards=(*step.guards, *guards),
        effects=tuple(f"{e}_2023_2" if e in EFFECTS_2023_2 else e for e in step.effects),
    )


def _branches(trigger: str) -> list[Step]:
    return [s for s in STEPS if s.trigger == trigger]


def _returned(step: Step) -> Step:
    """A report_back branch with the fields every 2023.2 return takes (one form serves each
    outcome): the actual scholarship cost (7.7.7.6 i), Schedule 10/B (8.11.8.1) and the
    placement (7.7.4.2, 8.11.11), on the Waiting List only on completion."""
    listed = PLACEMENT_GUARDS if step.dest == "completed" else (LIST_ON_COMPLETION,)
    return replace(
        step,
        fields=(*step.fields, ACTUAL_SCHOLARSHIP_COST, SCHEDULE_10B, PLACEMENT),
        guards=(*step.guards, *listed),
    )


def _placed(step: Step) -> tuple[Step, ...]:
    """A completed return placed, or on the Waiting List after a bachelor's if no position is
    vacant (7.7.4.2, 8.11.11; waiting_list.branch)."""
    return waiting_list.branch(step) if step.dest == "completed" else (step,)


# -- 7.7.8.1 ix: a mixed-mode refund, its office order, and the year's delay when late


def mixed_mode_refund_owed(ctx: Context) -> bool:
    """7.7.8.1 ix: a mixed-mode course (not a bachelor's, 7.7.8.1 x) failed or left within
    the candidate's control is refunded: the case waits for the refund."""
    if ctx.data.get("mode") != "mixed_mode" or ctx.data.get("level") == "bachelors":
        return False
    return ctx.value("outcome") == "failed" or ctx.value("withdrawal_ground") == "within_control"


def _and(*checks):
    return lambda ctx: all(c(ctx) for c in checks)


def _into_refund(step: Step) -> Step:
    """A 2023.2 branch of ``step`` for a mixed-mode refund: the case waits in refund_due."""
    return replace(
        _v2(step),
        dest="refund_due",
        cite=f"{step.cite}, 7.7.8.1 ix",
        when=_and(step.when or (lambda ctx: True), mixed_mode_refund_owed),
    )


REFUND_ARM = Arm(
    "refund_due",
    "Refund the mixed-mode expenses (90 days from the office order for repayment)",
    "7.7.7.5, 7.7.8.1 ix",
    days=90,
    from_field="refund_order_on",
    on_timeout="refund_not_made",
)
REFUND_STATES = (
    State("refund_due", "refund of the mixed-mode expenses due (7.7.8.1 ix)"),
    State("refunded", "mixed-mode expenses refunded", final=True),
    State(
        "refund_late",
        "not refunded within the stipulated period: promotion delayed by one year",
        final=True,
    ),
)
REFUND_STEPS = (
    Step(
        "issue_refund_order",
        "refund_due",
        "refund_due",
        "Record the office order for repayment of the expenses",
        "7.7.7.5",
        by=RECORDERS,
        authority=agency_or_approving,
        guards=(
            Guard(
                "7.7.7.5",
                "the office order for repayment is already recorded",
                lambda ctx: not ctx.data.get("refund_order_no"),
                precheck=True,
            ),
        ),
        fields=(
            Field("refund_order_no", "text", "Office order for repayment, number"),
            Field("refund_order_on", "date", "Office order for repayment issued on"),
        ),
        arms=(REFUND_ARM,),
        effects=("ltt_refund_order",),
    ),
    Step(
        "record_refund",
        "refund_due",
        "refunded",
        "Record the refund of the expenses",
        "7.7.8.1 ix",
        by=RECORDERS,
        authority=agency_or_approving,
        fields=(
            Field("refunded_on", "date", "Refunded on"),
            Field("receipt_no", "text", "Receipt number"),
        ),
        settles=("refund_due",),
        effects=("ltt_refunded",),
    ),
    Step(
        "refund_not_made",
        "refund_due",
        "refund_late",
        "Not refunded within the stipulated period: promotion delayed by one year",
        "7.7.8.1 ix",
        by=frozenset({R.SYSTEM}),
        effects=("ltt_refund_late",),
    ),
)


# -- 7.7.5.3: left for the LTT without the pre-departure requirements


def not_condoned_for_a_missing_undertaking(ctx: Context) -> bool:
    return not ctx.data.get("undertaking_missing")


UNDERTAKING_ARM = Arm(
    "undertaking_due",
    "The guarantor submits the Undertaking signed by the candidate (within a month of leaving)",
    "7.7.5.3",
    days=0,
    from_field="undertaking_due_on",
    on_timeout="undertaking_not_submitted",
)
PDB_STATES = (
    State(
        "undertaking_awaited",
        "left for the LTT without the pre-departure requirements; the signed Undertaking is "
        "awaited from the guarantor",
    ),
)
PDB_STEPS = (
    Step(
        "left_without_briefing",
        "approved",  # briefed: the PDB and the Undertaking are done (7.7.5.1)
        "undertaking_awaited",
        "Record that the candidate left without completing the pre-departure requirements",
        "7.7.5.3",
        by=RECORDERS,
        authority=approving_authority,
        fields=(
            Field("left_on", "date", "Left for the LTT on"),
            Field("commenced_on", "date", "Course commenced on"),
            Field("guarantor_name", "text", "Guarantor's name", required=False),
            Field("remarks", "textarea", "What was not completed (PDB, Undertaking)"),
        ),
        arms=(UNDERTAKING_ARM,),
        effects=("ltt_left_without_briefing",),
    ),
    Step(
        "submit_undertaking",
        "undertaking_awaited",
        "on_study_leave",
        "Record the Undertaking signed by the candidate, submitted by the guarantor",
        "7.7.5.3",
        by=RECORDERS,
        authority=approving_authority,
        fields=(
            Field("undertaking_signed_on", "date", "Undertaking signed on"),
            Field("guarantor_name", "text", "Guarantor's name"),
            Field("guarantor_cid", "text", "Guarantor's CID number", required=False),
            *UNDERTAKING_TERMS,
        ),
        settles=("undertaking_due",),
        arms=(REPORTING_ARM,),
        effects=("ltt_undertaking",),
    ),
    Step(
        "undertaking_not_submitted",
        "undertaking_awaited",
        "retirement_proposed",
        "Undertaking not submitted within a month: compulsory retirement proposed",
        "7.7.5.3",
        by=frozenset({R.SYSTEM}),
        effects=("ltt_undertaking_missing",),
    ),
)


# -- 7.4.7: the parent agency consulted for a parented position


def parent_consulted_if_parented(ctx: Context) -> bool:
    """7.4.7: where the working agency has a parent agency (the position is parented), the
    date the parent was consulted, not after the HRC's meeting that initiates the proposal."""
    parent = ctx.subject.parent_agency
    if not parent or parent == ctx.subject.agency:
        return True
    consulted, meeting = (
        as_date(ctx.value("parent_agency_consulted_on")),
        as_date(ctx.value("recommended_on")),
    )
    return consulted is not None and (meeting is None or consulted <= meeting)


PARENT_CONSULTED_ON = Field(
    "parent_agency_consulted_on",
    "date",
    "Parent agency consulted on (a parented position, 7.4.7)",
    required=False,
)
PARENT_CONSULTED = Guard(
    "7.4.7",
    "the position is parented: the working agency consults the parent agency before "
    "initiating the LTT proposal; give the date it was consulted, on or before the HRC meeting",
    parent_consulted_if_parented,
)


# -- 8.12.9: a government quarter vacated for an LTT exceeding 12 months (9.7.2)

QUARTER_MONTHS = 12  # 8.12.9


def quarter_vacated_if_over_12_months(ctx: Context) -> bool:
    """8.12.9: "A civil servant who has been provided with a government quarter shall vacate
    it when he leaves for LTT ... exceeding 12 months" (9.7.2): a course whose last day falls
    on or after the same date twelve months on exceeds them."""
    if ctx.value("government_quarter") != "retained":
        return True
    start = as_date(ctx.value("commenced_on")) or as_date(ctx.data.get("start_on"))
    end = as_date(ctx.data.get("end_on"))
    return start is None or end is None or end < add_months(start, QUARTER_MONTHS)


GOVERNMENT_QUARTER = Field(
    "government_quarter",
    "choice",
    "Government quarter (vacated for an LTT exceeding 12 months, 8.12.9)",
    required=False,
    choices=QUARTER,
)
QUARTER_VACATED = Guard(
    "8.12.9",
    "a government quarter is vacated on leaving for an LTT exceeding 12 months (9.7.2)",
    quarter_vacated_if_over_12_months,
)


# -- 7.7.4.2, 8.11.11: placement after a bachelor's degree; the Waiting List's six months

PLACEMENTS = (
    ("own_position", "Resumed the position held before the study leave"),
    ("other_position", "Placed in another vacant position"),
    (
        "waiting_list",
        "No vacant position after a bachelor's degree: on the RCSC Waiting List (7.7.4.2, "
        "13.5.1.2 iii)",
    ),
)
PLACEMENT = Field(
    "placement",
    "choice",
    "Placement on return (after a bachelor's the position was not protected, 8.11.11)",
    required=False,
    choices=PLACEMENTS,
)


def after_bachelors(ctx: Context) -> bool:
    return ctx.data.get("level") == "bachelors"


def placement_given_after_bachelors(ctx: Context) -> bool:
    return not after_bachelors(ctx) or bool(ctx.value("placement"))


def waiting_list_only_after_bachelors(ctx: Context) -> bool:
    return after_bachelors(ctx) or not waiting_list.on_the_list(ctx)


LIST_ON_COMPLETION = Guard(
    "7.7.4.2",
    'the Waiting List follows a bachelor\'s degree "upon completion of study"',
    waiting_list.not_on_the_list,
)
PLACEMENT_GUARDS = (
    Guard(
        "7.7.4.2, 8.11.11",
        "the position is not protected while pursuing a bachelor's degree: state the placement "
        "on completion (the Waiting List if there is no vacant position)",
        placement_given_after_bachelors,
    ),
    Guard(
        "8.11.11",
        "service protection is ensured on study leave: only a civil servant completing a "
        "bachelor's degree goes on the Waiting List",
        waiting_list_only_after_bachelors,
    ),
)


# -- 8.11.8: the study leave counted as active service for promotion

PROMOTION_MONTHS = 18  # 8.11.8.1
SCHEDULE_10B_MONTHS = 24  # 8.11.8.1: "more than two years"
SCHEDULE_10B = Field(
    "schedule_10b",
    "bool",
    "Covered by Schedule 10/B (the entire course counts for promotion if over two years, 8.11.8.1)",
    required=False,
)


def study_leave_for_promotion(
    level: str | None, start: date, end: date, schedule_10b: bool = False
) -> dict[str, Any]:
    """8.11.8: which days of the study leave (``start`` to ``end``, the course, both
    included) are active service for promotion: up to 18 calendar months for any single LTT;
    the entire course under Schedule 10/B when it is more than two years; none for a
    bachelor's degree. The last day counted is stated."""
    if level == "bachelors":
        counted_to, why = None, "a bachelor's degree: none of it (8.11.8.2)"
    elif schedule_10b and end >= add_months(start, SCHEDULE_10B_MONTHS):
        counted_to, why = (
            end,
            "Schedule 10/B, a course of more than two years: all of it (8.11.8.1)",
        )
    else:
        counted_to = min(end, add_months(start, PROMOTION_MONTHS) - timedelta(days=1))
        why = "up to 18 months for a single LTT (8.11.8.1)"
    out: dict[str, Any] = {"cite": "8.11.8", "counted_to": None, "not_counted_from": None}
    if counted_to is None:
        out["note"] = (
            f"Study leave {start:%a %d %b %Y} to {end:%a %d %b %Y}: not active service for "
            f"promotion, {why}"
        )
        out["not_counted_from"] = start.isoformat()
        return out
    out["counted_to"] = counted_to.isoformat()
    note = (
        f"Study leave active service for promotion from {start:%a %d %b %Y} to "
        f"{counted_to:%a %d %b %Y}, the last day counted, {why}"
    )
    if counted_to < end:
        rest = counted_to + timedelta(days=1)
        out["not_counted_from"] = rest.isoformat()
        note += f"; from {rest:%a %d %b %Y} to {end:%a %d %b %Y} not counted"
    out["note"] = note
    return out


V2 = revise(
    PROCESS,
    version="2023.2",
    effective_from=date(2026, 12, 7),
    changes='7.7.7.3, 7.7.7.6, 7.7.8.1 i, iv: "2/3/4 times the approved duration of course" '
    "and the promotion delays in calendar months (and days left over) added on the calendar, "
    "the last day owed stated; 7.7.7.5: a mixed-mode refund is payable within 90 days of the "
    "office order for repayment, not of the return; 7.7.7.6 ii b, 7.7.8.1 ix: a mixed-mode "
    "course's expenses are recorded on every return (the refund on separation is of them); "
    "7.7.7.1-2: the obligation and the amount stated in the Undertaking apply where higher; "
    "7.7.7.6 i: the actual scholarship-related cost where higher than the estimate; "
    "7.7.8.1 ix: a mixed-mode refund waits in the case for its office order and the refund, "
    "and not refunding within 90 days of the order delays promotion by one year (a timer); "
    "7.7.5.3: leaving without the pre-departure requirements is recorded: promotion delayed "
    "by double the course, the signed Undertaking due within a month of leaving, else "
    "compulsory retirement proposed (not condoned); 7.4.7: the parent agency consulted "
    "before the HRC initiates the proposal for a parented position; 8.12.9: a government "
    "quarter vacated on leaving for an LTT exceeding 12 months; 7.7.4.2, 8.11.11: after a "
    "bachelor's degree the placement is stated, on the Waiting List if no position is vacant, "
    "with its six months (13.5.1.5); 8.11.8: the study leave counted as active service for "
    "promotion (18 months, Schedule 10/B, none for a bachelor's) recorded on return or withdrawal",
    replace=(
        replace(
            _branches("condone")[0],
            guards=(
                *_branches("condone")[0].guards,
                Guard(
                    "7.7.5.3",
                    'the Undertaking was not submitted within a month: the candidate "shall be '
                    'compulsorily retired" (condoning is for late reporting, 7.7.8.1 v)',
                    not_condoned_for_a_missing_undertaking,
                    precheck=True,
                ),
            ),
        ),
        replace(
            _branches("brief")[0],
            fields=(*_branches("brief")[0].fields, *UNDERTAKING_TERMS),
            effects=("ltt_undertaking",),
        ),
        *(
            b
            for s in _branches("report_back")
            for b in ((_into_refund(_returned(s)),) if s.dest == "failed" else ())
            + _placed(_v2(_returned(s), guards=(MIXED_MODE_EXPENSES_ON_RETURN,)))
        ),
        replace(
            _branches("recommend")[0],
            fields=(*_branches("recommend")[0].fields, PARENT_CONSULTED_ON),
            guards=(*_branches("recommend")[0].guards, PARENT_CONSULTED),
        ),
        *(
            replace(s, fields=(*s.fields, GOVERNMENT_QUARTER), guards=(*s.guards, QUARTER_VACATED))
            for s in _branches("report_joining")
        ),
        *(
            b
            for s in _branches("withdraw")
            for b in ((_into_refund(s),) if s.cite == "7.7.8.1 i" else ()) + (_v2(s),)
        ),
        *(
            b
            for s in _branches("submit_completion_evidence")
            for b in ((_into_refund(s),) if s.dest == "failed" else ()) + (_v2(s),)
        ),
    ),
    add=(
        *REFUND_STEPS,
        *(
            replace(s, fields=(*s.fields, GOVERNMENT_QUARTER), guards=(*s.guards, QUARTER_VACATED))
            if s.trigger == "left_without_briefing"
            else s
            for s in PDB_STEPS
        ),
        *waiting_list.steps("completed", RECORDERS, "7.7.4.2, 8.11.11, 13.5.1.2 iii"),
    ),
    states=(*REFUND_STATES, *PDB_STATES, *waiting_list.STATES),
    readings=(
        readings.InForce(readings.LTT_OBLIGATION_DURATION, "calendar", readings.DURATION_WHY),
    ),
)

# Every version, oldest first (workflows.registry, workflows.revision).
VERSIONS: tuple[Process, ...] = (PROCESS, V2)
