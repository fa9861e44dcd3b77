"""BCSR 2023 section 8.12 (extraordinary leave) as rule tables: eligibility per section,
the competent authority by level (8.12.16), and the guards of each step. No database:
hand-built profiles, subjects, actors and contexts against ``workflows.eol``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from workflows import roles as R
from workflows.context import Actor, Context, Refused, Subject
from workflows.eligibility import evaluate
from workflows.eol import PROCESS, RULES, approving_authority, cap_days, protected_until
from workflows.profile import Entry, Profile

TODAY = date(2026, 12, 14)  # a Monday
START = date(2027, 1, 4)


def profile(**kw: Any) -> Profile:
    values: dict[str, Any] = {
        "eid": "E100",
        "name": "Dorji",
        "date_of_birth": date(1988, 1, 1),
        "level": "P3",
        "agency": "MOH",
        "appointment_date": date(2015, 1, 1),
        "probation_end": date(2015, 12, 31),
    }
    values.update(kw)
    return Profile(**values)


def entry(kind: str, start: date | None, end: date | None, status: str, **details: Any) -> Entry:
    return Entry(kind, start, end, status, details)


def unmet(p: Profile, proposal: dict[str, Any] | None = None, today: date = TODAY) -> list[str]:
    return [u.cite for u in evaluate(RULES, p, proposal or {}, today) if not u.advisory]


def warnings(p: Profile, proposal: dict[str, Any] | None = None) -> list[str]:
    return [u.cite for u in evaluate(RULES, p, proposal or {}, TODAY) if u.advisory]


def period(start: date = START, end: date | None = None, months: int = 2) -> dict[str, str]:
    from workflows.obligations import add_months

    last = end or add_months(start, months) - timedelta(days=1)
    return {"start_on": start.isoformat(), "end_on": last.isoformat()}


# ------------------------------------------------------------------ eligibility


def test_a_clean_record_meets_every_rule_with_or_without_a_proposal():
    assert unmet(profile()) == []
    assert unmet(profile(), period(months=24)) == []
    assert warnings(profile(), period()) == []


@pytest.mark.parametrize(
    ("probation_end", "refused"),
    [
        (date(2027, 6, 30), True),  # on probation today and on the start date
        (date(2026, 12, 31), True),  # on probation today, leave after it ends: still refused
        (date(2026, 12, 13), False),
        (None, False),
    ],
)
def test_8_12_4_1_no_eol_during_probation(probation_end, refused):
    p = profile(appointment_date=date(2026, 1, 1), probation_end=probation_end)
    assert ("8.12.4.1" in unmet(p, period(months=1))) is refused


def test_8_12_4_1_the_reason_names_the_end_of_probation():
    p = profile(appointment_date=date(2026, 7, 1), probation_end=date(2027, 6, 30))
    found = evaluate(RULES, p, period(), TODAY)
    assert any("on probation until 2027-06-30" in u.reason for u in found)


@pytest.mark.parametrize(
    ("appointed", "end", "refused"),
    [
        (date(2023, 1, 1), date(2027, 4, 3), False),  # exactly three months
        (date(2023, 1, 1), date(2027, 4, 4), True),  # three months and a day
        (date(2022, 1, 4), date(2027, 12, 31), False),  # five years on the start date
        (date(2022, 1, 5), date(2027, 12, 31), True),  # a day short of five years
    ],
)
def test_8_12_4_2_more_than_three_months_needs_five_years_of_service(appointed, end, refused):
    p = profile(appointment_date=appointed, probation_end=appointed + timedelta(days=364))
    assert ("8.12.4.2" in unmet(p, period(end=end))) is refused


def test_8_12_4_2_is_not_judged_without_an_end_date():
    p = profile(appointment_date=date(2024, 1, 1), probation_end=date(2024, 12, 31))
    assert unmet(p, {"start_on": START.isoformat()}) == []


@pytest.mark.parametrize(
    ("stt_end", "refused"),
    [(date(2026, 7, 5), True), (date(2026, 7, 4), False), (date(2020, 1, 1), False)],
)
def test_7_6_3_3_six_months_after_the_last_stt(stt_end, refused):
    p = profile(entries=(entry("stt", stt_end - timedelta(days=5), stt_end, "completed"),))
    assert ("7.6.3.3, 8.12.4.3" in unmet(p, period())) is refused


def test_7_6_3_3_the_reason_gives_the_first_possible_start():
    p = profile(entries=(entry("stt", date(2026, 10, 1), date(2026, 10, 10), "completed"),))
    found = evaluate(RULES, p, period(), TODAY)
    assert any("EOL may start from 2027-04-10" in u.reason for u in found)


def ltt(status: str, level: str = "masters", mode: str = "full_time", **kw: Any) -> Entry:
    return entry(
        "ltt",
        date(2022, 8, 1),
        date(2024, 7, 31),
        status,
        level=level,
        mode=mode,
        course="MSc Public Health",
        **kw,
    )


@pytest.mark.parametrize(
    ("ltt_entry", "refused"),
    [
        (ltt("completed", obligation_end="2028-07-31"), True),
        (ltt("completed", obligation_end="2027-01-03"), False),  # served before the start
        (ltt("ongoing"), True),  # still on the course: the obligation is yet to be served
        (ltt("ongoing", level="bachelors"), False),  # no obligation for a bachelor's (7.7.7.6)
        (ltt("completed", mode="continuing_education"), False),
    ],
)
def test_7_7_7_8_the_ltt_service_obligation_must_be_complete(ltt_entry, refused):
    p = profile(entries=(ltt_entry,))
    assert ("7.7.7.8, 8.12.4.3" in unmet(p, period())) is refused


def test_7_7_8_1_iii_an_ltt_reported_but_pending_completion_blocks_eol():
    p = profile(entries=(ltt("pending_completion", level="bachelors"),))
    assert unmet(p, period()) == ["7.7.8.1 iii"]
    found = evaluate(RULES, p, period(), TODAY)
    assert any("MSc Public Health: evidence of completion" in u.reason for u in found)


def test_8_12_4_4_a_court_case_on_official_functions_is_a_warning_not_a_refusal():
    case = entry("court_case", date(2026, 3, 1), None, "pending", official_functions=True)
    assert unmet(profile(entries=(case,)), period()) == []
    assert warnings(profile(entries=(case,)), period()) == ["8.12.4.4"]
    private = entry("court_case", date(2026, 3, 1), None, "pending", official_functions=False)
    closed = entry("court_case", date(2026, 3, 1), None, "closed", official_functions=True)
    assert warnings(profile(entries=(private, closed)), period()) == []


def test_8_12_1_the_24_month_cap_counts_every_day_of_every_eol():
    # 700 days taken before; 24 months from 2027-01-04 are 731 days (over 29 February 2028).
    past = entry("eol", date(2015, 1, 1), date(2016, 11, 30), "completed")
    assert past.days() == 700
    assert cap_days(START) == 731
    p = profile(entries=(past,))
    assert "8.12.1, 8.12.2" not in unmet(p, period(end=START + timedelta(days=30)))
    assert "8.12.1, 8.12.2" in unmet(p, period(end=START + timedelta(days=31)))
    found = evaluate(RULES, p, period(end=START + timedelta(days=31)), TODAY)
    assert any("700 days of EOL already on record, 32 days proposed" in u.reason for u in found)
    assert any("at most 31 days remain" in u.reason for u in found)


def test_8_12_1_a_leap_day_lengthens_the_24_months_by_a_day():
    assert cap_days(date(2027, 3, 1)) == 731  # spans 29 February 2028
    assert cap_days(date(2028, 3, 1)) == 730


def test_8_12_1_revoked_leave_counts_the_days_taken_and_unbegun_leave_counts_none():
    revoked = entry("eol", date(2020, 1, 1), date(2020, 1, 31), "revoked")
    never = entry("eol", None, None, "revoked", planned_start_on="2021-01-01")
    p = profile(entries=(revoked, never))
    found = evaluate(RULES, p, period(end=START + timedelta(days=700)), TODAY)
    assert any("31 days of EOL already on record" in u.reason for u in found)


def test_8_12_1_already_granted_leave_counts_and_a_second_one_waits():
    granted = entry("eol", date(2027, 3, 1), date(2027, 4, 30), "approved")
    assert "8.12.1" in unmet(profile(entries=(granted,)), period())
    on_leave = replace(granted, start=date(2026, 12, 1), status="on_leave")
    assert "8.12.1" in unmet(profile(entries=(on_leave,)), period())
    done = replace(granted, start=date(2020, 1, 1), end=date(2020, 2, 1), status="completed")
    assert "8.12.1" not in unmet(profile(entries=(done,)), period())


def leave(start: date, end: date) -> Entry:
    return entry("leave", start, end, "taken", leave_type="earned")


@pytest.mark.parametrize(
    ("other", "refused"),
    [
        (leave(date(2026, 12, 28), date(2027, 1, 3)), True),  # ends the day before
        (leave(date(2026, 12, 28), date(2027, 1, 2)), False),  # a day between
        (leave(date(2027, 3, 4), date(2027, 3, 10)), True),  # starts the day after the end
        (leave(date(2027, 3, 5), date(2027, 3, 10)), False),
        (leave(date(2027, 2, 1), date(2027, 2, 5)), True),  # within the period
    ],
)
def test_8_12_3_no_other_leave_prefixed_or_suffixed(other, refused):
    proposal = period(end=date(2027, 3, 3))
    assert ("8.12.3" in unmet(profile(entries=(other,)), proposal)) is refused


def test_8_12_3_is_not_judged_before_dates_are_proposed():
    other = leave(date(2026, 12, 7), date(2026, 12, 13))
    assert unmet(profile(entries=(other,))) == []


def test_a_contract_employee_is_not_permitted_eol():
    assert unmet(profile(employment_type="contract"), period()) == [
        "8 (Leave Types and Eligibility)"
    ]


def test_a_separated_civil_servant_is_not_eligible():
    assert unmet(profile(status="separated"), period()) == ["8.1.1"]


def test_8_15_1_leave_is_not_granted_after_the_fact_and_ends_after_it_starts():
    assert unmet(profile(), period(start=TODAY - timedelta(days=1))) == ["8.15.1"]
    assert unmet(profile(), period(start=TODAY)) == []
    bad = {"start_on": "2027-02-01", "end_on": "2027-01-31"}
    assert unmet(profile(), bad) == ["8.12.10"]


# ------------------------------------------------------------------ the competent authority


@pytest.mark.parametrize(
    ("level", "kind", "agencies", "cite"),
    [
        ("EX1", "ministry", ("RCSC",), "8.12.16(i)"),
        ("ES3", "ministry", ("RCSC",), "8.12.16(i)"),
        ("EX1", "constitutional", ("RCSC",), "8.12.16(i)"),
        ("EX2", "constitutional", ("ECB",), "8.12.16(ii)"),
        ("ES3", "constitutional", ("ECB",), "8.12.16(ii)"),
        ("P1", "constitutional", ("ECB",), "8.12.16(iii)"),
        ("P3", "ministry", ("ECB",), "8.12.16(iii)"),
        ("O4", "dzongkhag", ("ECB",), "8.12.16(iii)"),
    ],
)
def test_8_12_16_authority_by_level(level, kind, agencies, cite):
    ctx = Context(subject=Subject("E1", "x", level, "ECB", kind), data={}, fields={}, today=TODAY)
    auth = approving_authority(ctx)
    assert (auth.agencies, auth.cite) == (agencies, cite)


# ------------------------------------------------------------------ steps

P3 = Subject("E100", "Dorji", "P3", "MOH", "ministry")
ES1 = Subject("E100", "Dorji", "ES1", "MOH", "ministry")


def actor(uid: int, roles: set[str], agency: str | None, eid: str | None = None) -> Actor:
    return Actor(uid, f"user{uid}", frozenset(roles), agency, eid)


HR = actor(1, {R.HR_OFFICER}, "MOH")
CHAIR = actor(2, {R.HRC_CHAIR}, "MOH")
SECRETARY = actor(3, {R.MEMBER_SECRETARY}, "MOH")
DC = actor(4, {R.DC_MEMBER}, "MOH")
RCSC = actor(5, {R.RCSC}, "RCSC")
SELF = actor(6, {R.CIVIL_SERVANT}, None, "E100")
OTHER_SERVANT = actor(7, {R.CIVIL_SERVANT}, None, "E200")
MOHA_HR = actor(8, {R.HR_OFFICER}, "MOHA")

APPLICATION = {
    "purpose": "family",
    "specific_reasons": "My father is ill in Mongar.",
    **period(),
    "undertaking_signed": True,
    "no_conflicting_employment": True,
}
APPLIED = {**APPLICATION}
D = TODAY.isoformat()


def ctx(
    subject: Subject = P3,
    data: dict[str, Any] | None = None,
    record: Profile | None = None,
    due: dict[str, date] | None = None,
    today: date = TODAY,
) -> Context:
    return Context(
        subject=subject,
        data=data or {},
        fields={},
        today=today,
        due=due or {},
        record=record or profile(),
    )


def check(state: str, trigger: str, who: Actor, raw: dict[str, Any], c: Context | None = None):
    return PROCESS.check(state, trigger, who, c or ctx(), raw)


def refusal(state, trigger, who, raw, c=None) -> list[tuple[str, str]]:
    with pytest.raises(Refused) as exc:
        check(state, trigger, who, raw, c)
    return [(r.kind, r.cite) for r in exc.value.refusals]


@pytest.mark.parametrize("who", [HR, SELF])
def test_8_12_10_the_applicant_or_the_hr_officer_applies(who):
    step, _fields = check("new", "open", who, APPLICATION)
    assert step.dest == "applied"


@pytest.mark.parametrize(
    ("who", "kind"),
    [(OTHER_SERVANT, "authority"), (MOHA_HR, "authority"), (CHAIR, "authority")],
)
def test_nobody_else_applies(who, kind):
    assert refusal("new", "open", who, APPLICATION)[0][0] == kind


def test_8_12_10_the_undertaking_and_8_12_13_the_declaration_are_required():
    raw = {**APPLICATION, "undertaking_signed": False, "no_conflicting_employment": False}
    assert refusal("new", "open", HR, raw) == [("guard", "8.12.10"), ("guard", "8.12.13")]


def test_8_12_12_the_purpose_must_be_one_of_the_three():
    raw = {**APPLICATION, "purpose": "employment"}
    assert refusal("new", "open", HR, raw) == [("field", "8.12.10")]


def test_the_opening_step_enforces_eligibility_with_its_sections():
    probationer = profile(appointment_date=date(2026, 7, 1), probation_end=date(2027, 6, 30))
    c = ctx(record=probationer)
    assert ("guard", "8.12.4.1") in refusal("new", "open", SELF, APPLICATION, c)


@pytest.mark.parametrize(
    ("subject", "who", "ok"),
    [
        (P3, CHAIR, True),
        (P3, SECRETARY, True),
        (P3, HR, False),
        (P3, DC, False),
        (P3, RCSC, False),
        (ES1, CHAIR, False),
        (ES1, RCSC, True),
    ],
)
def test_8_12_16_who_grants(subject, who, ok):
    ref = {"rcsc_decision_ref": "RCSC/1"} if subject is ES1 else {"hrc_meeting_no": "HRC/3"}
    raw = {"decided_on": D, **ref}
    c = ctx(subject=subject, data=APPLIED)
    if ok:
        assert check("applied", "approve", who, raw, c)[0].dest == "approved"
    else:
        assert refusal("applied", "approve", who, raw, c)[0][0] == "authority"


def test_8_12_16_the_refusal_names_the_rcsc_for_an_executive():
    c = ctx(subject=ES1, data=APPLIED)
    assert refusal("applied", "approve", CHAIR, {"decided_on": D}, c) == [
        ("authority", "8.12.16(i)")
    ]


def test_8_12_16_the_decision_records_the_hrc_meeting_or_the_rcsc_reference():
    assert refusal("applied", "approve", CHAIR, {"decided_on": D}, ctx(data=APPLIED)) == [
        ("guard", "8.12.16")
    ]
    c = ctx(subject=ES1, data=APPLIED)
    assert refusal("applied", "approve", RCSC, {"decided_on": D}, c) == [("guard", "8.12.16(i)")]


def test_the_grant_rechecks_eligibility_on_the_period_granted():
    raw = {"decided_on": D, "hrc_meeting_no": "HRC/3", "end_on": "2029-06-30"}
    junior = profile(appointment_date=date(2023, 1, 1), probation_end=date(2023, 12, 31))
    assert ("guard", "8.12.4.2") in refusal(
        "applied", "approve", CHAIR, raw, ctx(data=APPLIED, record=junior)
    )


def test_a_rejection_needs_reasons():
    raw = {"decided_on": D, "hrc_meeting_no": "HRC/3"}
    assert refusal("applied", "reject", CHAIR, raw, ctx(data=APPLIED)) == [("field", "8.12.16")]
    raw["rejection_reasons"] = "Service exigencies in the unit."
    assert check("applied", "reject", CHAIR, raw, ctx(data=APPLIED))[0].dest == "rejected"


def test_withdrawal_only_before_the_leave_begins():
    granted = {**APPLIED, "decided_on": D}
    assert check("approved", "withdraw", SELF, {}, ctx(data=granted))[0].dest == "withdrawn"
    on_start = ctx(data=granted, today=START)
    assert refusal("approved", "withdraw", SELF, {}, on_start) == [("guard", "8.12.10")]
    assert "withdraw" not in {s.trigger for s in PROCESS.available("approved", SELF, on_start)}
    # An application not yet decided can be withdrawn even past its proposed start.
    assert check("applied", "withdraw", HR, {}, ctx(data=APPLIED, today=START))[0]


def test_the_leave_begins_within_the_period_granted():
    granted = {**APPLIED, "decided_on": D}
    c = ctx(data=granted, today=START + timedelta(days=3))
    early = {"commenced_on": (START - timedelta(days=1)).isoformat()}
    assert refusal("approved", "commence", HR, early, c) == [("guard", "8.12.16")]
    assert check("approved", "commence", HR, {"commenced_on": START.isoformat()}, c)[0]


def test_8_12_9_a_quarter_is_vacated_for_more_than_twelve_months():
    long = {**APPLIED, **period(months=13), "in_government_quarter": True}
    c = ctx(data=long, today=START)
    raw = {"commenced_on": START.isoformat()}
    assert refusal("approved", "commence", HR, raw, c) == [("guard", "8.12.9")]
    assert check("approved", "commence", HR, {**raw, "quarter_vacated": True}, c)[0]
    twelve = ctx(data={**long, **period(months=12)}, today=START)
    assert check("approved", "commence", HR, raw, twelve)[0]


ON_LEAVE = {**APPLIED, "decided_on": D, "commenced_on": START.isoformat()}


def test_8_12_14_the_waiting_list_only_once_the_position_is_unprotected():
    raw = {"rejoined_on": "2027-02-01", "placement": "waiting_list"}
    c = ctx(data={**ON_LEAVE, "position_protected": True}, today=date(2027, 2, 1))
    assert refusal("on_leave", "rejoin", HR, raw, c) == [("guard", "8.12.14")]
    c = ctx(data={**ON_LEAVE, "position_protected": False}, today=date(2027, 2, 1))
    assert check("on_leave", "rejoin", HR, raw, c)[0].dest == "rejoined"


def test_8_12_15_a_late_return_goes_to_the_competent_authority_first():
    due = {"rejoin_due": date(2027, 3, 4)}
    c = ctx(data=ON_LEAVE, due=due, today=date(2027, 3, 8))
    raw = {"rejoined_on": "2027-03-08", "placement": "own_position"}
    assert refusal("on_leave", "rejoin", HR, raw, c) == [("guard", "8.12.15")]
    assert check("on_leave", "report_not_rejoined", HR, {}, c)[0].dest == "retirement_proposed"
    early = ctx(data=ON_LEAVE, due=due, today=date(2027, 3, 4))
    assert refusal("on_leave", "report_not_rejoined", HR, {}, early) == [("guard", "8.12.15")]
    assert check("on_leave", "rejoin", HR, {**raw, "rejoined_on": "2027-02-15"}, early)[0]


def test_8_14_1_revocation_sets_a_date_to_rejoin_within_the_leave():
    c = ctx(data=ON_LEAVE, today=date(2027, 2, 1))
    raw = {
        "revoked_on": "2027-02-01",
        "revocation_order_no": "MOH/HRC/REV/1",
        "revocation_reasons": "Outbreak response needs every epidemiologist.",
        "rejoin_by": "2027-02-15",
    }
    assert check("on_leave", "revoke", CHAIR, raw, c)[0].dest == "to_rejoin"
    late = {**raw, "rejoin_by": "2027-03-05"}
    assert refusal("on_leave", "revoke", CHAIR, late, c) == [("guard", "8.14.1")]
    assert refusal("on_leave", "revoke", HR, raw, c)[0][0] == "authority"
    assert check("approved", "revoke", CHAIR, {k: raw[k] for k in list(raw)[:3]}, c)[0].dest == (
        "revoked"
    )


def test_8_12_11_a_breach_is_reported_once():
    raw = {
        "breach": "conflicting_employment",
        "breach_particulars": "Working full time for a private hospital.",
        "breach_found_on": "2027-02-01",
    }
    c = ctx(data=ON_LEAVE, today=date(2027, 2, 1))
    assert check("on_leave", "report_breach", HR, raw, c)[0].dest == "on_leave"
    reported = ctx(data={**ON_LEAVE, "disciplinary_case_id": 9}, today=date(2027, 2, 1))
    assert refusal("on_leave", "report_breach", HR, raw, reported) == [("guard", "8.12.11")]


def test_8_12_15_retirement_and_condoning_rest_with_the_competent_authority():
    c = ctx(data={**ON_LEAVE, "retirement_ground": "8.12.15"}, today=date(2027, 3, 8))
    assert check("retirement_proposed", "retire", CHAIR, {"order_no": "O/1"}, c)[0].dest == (
        "retired"
    )
    assert refusal("retirement_proposed", "condone", CHAIR, {}, c) == [("field", "8.12.15")]
    assert check("retirement_proposed", "condone", CHAIR, {"reasons": "Flood"}, c)[0].dest == (
        "to_rejoin"
    )
    assert refusal("retirement_proposed", "retire", HR, {"order_no": "O/1"}, c)[0][0] == (
        "authority"
    )
    es = ctx(subject=ES1, data=c.data, today=c.today)
    assert check("retirement_proposed", "retire", RCSC, {"order_no": "O/1"}, es)[0]


def test_the_retirement_queue_state_follows_the_shared_convention():
    state = PROCESS.state("retirement_proposed")
    assert state.queue == "compulsory_retirement"
    assert state.label == "Compulsory retirement proposed"
    retire = PROCESS.steps_from("retirement_proposed", "retire")[0]
    assert retire.effects[0] == "compulsory_retirement"
    assert {f.name for f in retire.fields} == {"effective_on", "order_no"}


def test_six_months_of_protection_end_on_the_day_before_the_same_date():
    assert protected_until(date(2027, 1, 4)) == date(2027, 7, 3)
    assert protected_until(date(2027, 8, 31)) == date(2028, 2, 28)
