"""Chapter 13 as version 2023.2 of the transfer definition reads it (issue 16): each test
is named after its provision, quotes the rule, and shows 2023.1 doing otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from test_transfer import HR, RCSC, TODAY, ctx, ltt, profile, subject

from workflows.calendar import WorkingCalendar
from workflows.context import Refused
from workflows.eligibility import evaluate
from workflows.obligations import calendar_span, ltt_transfer_bar_last_day
from workflows.transfer import (
    LTT_EQUAL_PERIOD,
    LTT_EQUAL_PERIOD_APPLIED,
    PROCESS,
    RULES,
    RULES_2023_2,
    V2,
    joining_time,
    lower_level_pay,
)

CAL = WorkingCalendar()


def cites(rules, p, effective: str) -> list[str]:
    return [u.cite for u in evaluate(rules, p, {"effective_on": effective}, TODAY)]


def test_7_7_7_7_bars_a_transfer_only_for_the_period_of_13_4_5_2():
    """7.7.7.7 "A civil servant shall have service obligation to his agency/position as per
    Section 13.4.5.2 to be eligible for transfer"; 13.4.5.2 "Completed a minimum duration
    equal to the LTT period in the same position at the time of the transfer effective
    date". An 18-month course reported back from on 20 Feb 2026 bars a transfer to 19 Aug
    2027, not to the end of the 2x obligation (2029)."""
    course = ltt(
        date(2024, 8, 1), date(2026, 1, 31), obligation_end="2029-02-20", reported_on="2026-02-20"
    )
    p = profile(position_since=date(2015, 1, 1), entries=(course,))
    assert calendar_span(date(2024, 8, 1), date(2026, 1, 31)) == (18, 0)
    assert cites(RULES_2023_2, p, "2027-08-19") == ["13.4.5.2, 7.7.7.7"]
    why = evaluate(RULES_2023_2, p, {"effective_on": "2027-08-19"}, TODAY)[0].reason
    assert "runs to Thu 19 Aug 2027, the last day owed" in why and "18 months" in why
    assert cites(RULES_2023_2, p, "2027-08-20") == []
    # 2023.1 refused for the whole obligation.
    assert cites(RULES, p, "2028-06-30") == ["7.7.7.7"]
    # V2 applies them, under its reading of 13.4.5.2's scope (every transfer).
    assert V2.rules == tuple(r for r in RULES_2023_2 if r is not LTT_EQUAL_PERIOD_APPLIED)
    assert PROCESS.rules == RULES


@pytest.mark.parametrize(
    ("start", "end", "back", "last"),
    [
        # 12 months over 29 February 2024: 366 days in 2023.1, 12 months in 2023.2.
        (date(2023, 3, 1), date(2024, 2, 29), date(2024, 3, 1), date(2025, 2, 28)),
        # 24 months reported back on 1 March 2026: the equal period ends 29 Feb 2028.
        (date(2024, 1, 1), date(2025, 12, 31), date(2026, 3, 1), date(2028, 2, 29)),
        # months and days: 14 months and 10 days.
        (date(2024, 9, 1), date(2025, 11, 10), date(2025, 12, 1), date(2027, 2, 10)),
    ],
)
def test_13_4_5_2_the_equal_period_is_counted_in_calendar_months_across_leap_years(
    start, end, back, last
):
    """13.4.5.2 "a minimum duration equal to the LTT period": a period of months, not a
    count of days, so a 29 February neither lengthens nor shortens it."""
    assert ltt_transfer_bar_last_day(start, end, back) == last
    p = profile(
        position_since=date(2015, 1, 1),
        entries=(ltt(start, end, reported_on=back.isoformat()),),
    )
    assert cites(RULES_2023_2, p, last.isoformat()) == ["13.4.5.2, 7.7.7.7"]
    day_after = date.fromordinal(last.toordinal() + 1).isoformat()
    assert cites(RULES_2023_2, p, day_after) == []


def test_13_4_5_2_in_2023_1_counted_days_and_a_leap_day_moved_the_end():
    """2023.1 counted 366 days for the twelve months over 29 February 2024: a transfer
    effective 1 March 2025 was refused there and is allowed in 2023.2."""
    course = ltt(date(2023, 3, 1), date(2024, 2, 29), reported_on="2024-03-01")
    p = profile(position_since=date(2015, 1, 1), entries=(course,))
    assert cites(RULES, p, "2025-03-01") == ["13.4.5.2"]
    assert cites(RULES_2023_2, p, "2025-03-01") == []


@pytest.mark.parametrize(
    ("relieved", "km", "residence", "travel", "ends", "report_by", "v1"),
    [
        # Fri 11 Dec 2026: five working days Mon 14 - Mon 21 (17 Dec National Day) + 2 days'
        # travel: the joining time ends Wed 23; report Thu 24.
        ("2026-12-11", 120, True, 2, "2026-12-23", "2026-12-24", "2026-12-23"),
        # travel only: Sat 12, Sun 13; report Mon 14 (2023.1: Sunday 13).
        ("2026-12-11", 120, False, 2, "2026-12-13", "2026-12-14", "2026-12-13"),
        # neither: the next working day, as before.
        ("2026-12-11", 9, True, 0, "2026-12-11", "2026-12-14", "2026-12-14"),
        # preparatory leave only: its 5th day is Mon 21; report Tue 22.
        ("2026-12-11", 10, True, 0, "2026-12-21", "2026-12-22", "2026-12-21"),
    ],
)
def test_13_9_3_report_by_the_first_working_day_after_the_joining_time(
    relieved, km, residence, travel, ends, report_by, v1
):
    """13.9.3: "shall assume the new responsibilities immediately on expiry of the
    admissible joining time"; 13.9.4 withholds the salary only for failing that. 2023.1
    made the last day of the joining time itself the day to report by, reading 13.9.4's
    "within the admissible joining time" (reading R-13.9.3)."""
    day = date.fromisoformat(relieved)
    jt = joining_time(CAL, day, km, residence, travel, report_after_expiry=True)
    assert (jt.ends.isoformat(), jt.due.isoformat()) == (ends, report_by)
    assert f"report by {jt.due:%a %d %b %Y}" in jt.explain and "13.9.3" in jt.explain
    assert CAL.is_working_day(jt.due)
    assert joining_time(CAL, day, km, residence, travel).due.isoformat() == v1
    assert (PROCESS.reading("R-13.9.3"), V2.reading("R-13.9.3")) == ("within", "on_expiry")


def test_13_3_1_a_specialist_s_transfer_is_the_rcsc_s_not_the_agency_s():
    """13.3.1 delegates to the Parent Agency "Inter-Agency for parented positions up to P1"
    and to the Agency "Intra/Inter-Major Occupational Group within the Super Structure
    group up to P1": a specialist (ES1-ES3) is above P1, so the RCSC orders the transfer.
    2023.1 let the agency order an intra-agency transfer of a specialist."""
    intra = {"transfer_kind": "planned", "receiving_agency": "MOH", "from_agency": "MOH"}
    order = {"order_no": "MOH/TO/1", "order_date": TODAY.isoformat()}
    es = subject("ES2")
    with pytest.raises(Refused) as exc:
        V2.check("awaiting_order", "issue_order", HR, ctx(intra, subj=es), order)
    assert [r.cite for r in exc.value.refusals] == ["13.3.1 (rows 3-4: agencies only up to P1)"]
    step, _ = V2.check("awaiting_order", "issue_order", RCSC, ctx(intra, subj=es), order)
    assert step.dest == "ordered"
    # A P1 is still the agency's.
    step, _ = V2.check("awaiting_order", "issue_order", HR, ctx(intra, subj=subject("P1")), order)
    assert step.dest == "ordered"
    # 2023.1: the agency ordered it.
    step, _ = PROCESS.check("awaiting_order", "issue_order", HR, ctx(intra, subj=es), order)
    assert step.dest == "ordered"


@pytest.mark.parametrize(("term_end", "v2_ok", "v1_ok"), [
    ("2030-06-29", True, True),  # three years to the day before
    ("2030-06-30", False, True),  # the same date three years on: a day over
])  # fmt: skip
def test_13_7_2_a_term_of_three_years_ends_the_day_before_the_same_date(term_end, v2_ok, v1_ok):
    """13.7.2 "each for a maximum term of three years"; 13.8.2.2 "for a maximum of three
    years": an OSA effective 30 June 2027 ends at the latest on 29 June 2030."""
    raw = {
        "transfer_kind": "osa",
        "receiving_agency": "MOE",
        "new_position": "Planning Officer",
        "new_station": "Thimphu",
        "effective_on": "2027-06-30",
        "term_end_on": term_end,
        "distance_km": "0",
        "reasons": "Special assignment",
    }

    def ok(process) -> bool:
        try:
            process.check("new", "open", RCSC, ctx(), raw)
        except Refused as exc:
            assert [r.cite for r in exc.refusals] == ["13.7.2"]
            return False
        return True

    assert (ok(V2), ok(PROCESS)) == (v2_ok, v1_ok)


@pytest.mark.parametrize(("level", "p1_specialist", "v2_ok", "v1_ok"), [
    ("P1", True, True, False),  # a P1 Specialist: a Specialist (2.2.6, 12.4.1)
    ("P1", False, False, False),  # a P1 in management: above "up to P2"
    ("P2", False, True, True),
    ("ES3", False, True, True),
    ("EX3", False, False, False),
])  # fmt: skip
def test_13_7_1_an_osa_is_open_to_a_p1_specialist(level, p1_specialist, v2_ok, v1_ok):
    """13.7.1 "A civil servant in PMC (up to P2) and Specialist"; 2.2.6 "progression to P1
    specialist and ES positions shall be based on the fulfilment of relevant specialist
    promotion criteria": a P1 Specialist is a Specialist, so 2023.2 opens the OSA to one
    (reading R-13.7.1); 2023.1 refused every P1."""
    p = profile(level=level, position_since=date(2010, 1, 1), date_of_birth=date(1980, 1, 1))
    proposal = {"transfer_kind": "osa", "effective_on": "2027-06-30"}
    proposal["p1_specialist"] = p1_specialist

    def ok(process) -> bool:
        unmet = evaluate(process.rules, p, proposal, TODAY, version=process)
        return "13.7.1" not in [u.cite for u in unmet]

    assert (ok(V2), ok(PROCESS)) == (v2_ok, v1_ok)
    if not v2_ok:
        [why] = [u.reason for u in evaluate(V2.rules, p, proposal, TODAY, version=V2)]
        assert "a P1 Specialist included" in why and "reading R-13.7.1" in why
    # The proposal form asks for it in 2023.2 only.
    assert "p1_specialist" in [f.name for f in V2.proposal_fields]
    assert "p1_specialist" not in [f.name for f in PROCESS.proposal_fields]
    assert (PROCESS.reading("R-13.7.1"), V2.reading("R-13.7.1")) == ("es_only", "p1_specialist")


@pytest.mark.parametrize(("kind", "every", "applied"), [
    ("planned", True, False),
    ("osa", True, False),
    ("on_request", True, True),
    ("lateral", True, True),
])  # fmt: skip
def test_13_4_5_2_the_scope_of_the_equal_period_is_a_declared_reading(kind, every, applied):
    """13.4.5.2 "Completed a minimum duration equal to the LTT period in the same position at
    the time of the transfer effective date, if any, to apply to another position"; 7.7.7.7
    "as per Section 13.4.5.2 to be eligible for transfer". Whether the period bars every
    transfer or only one applied for is reading R-13.4.5.2-scope: both are implemented; both
    versions read "every"."""
    course = ltt(date(2024, 8, 1), date(2026, 1, 31), reported_on="2026-02-20")
    p = profile(position_since=date(2015, 1, 1), entries=(course,))
    proposal = {"transfer_kind": kind, "effective_on": "2027-08-19"}
    bars = {
        option: "13.4.5.2, 7.7.7.7" in [u.cite for u in evaluate([rule], p, proposal, TODAY)]
        for option, rule in (("every", LTT_EQUAL_PERIOD), ("applied", LTT_EQUAL_PERIOD_APPLIED))
    }
    assert bars == {"every": every, "applied": applied}
    [unmet] = [
        u for u in evaluate(V2.rules, p, proposal, TODAY, version=V2) if "13.4.5.2" in u.cite
    ]
    assert "reading R-13.4.5.2-scope" in unmet.reason
    assert (PROCESS.reading("R-13.4.5.2-scope"), V2.reading("R-13.4.5.2-scope")) == (
        "every",
        "every",
    )


@pytest.mark.parametrize(("kind", "applied", "on_request_only"), [
    ("on_request", "13.4.16.2", "13.4.16.2"),
    ("lateral", "13.4.16.2", "13.4.16.1"),
    ("planned", "13.4.16.1", "13.4.16.1"),
    ("foreign", "13.4.16.1", "13.4.16.1"),
])  # fmt: skip
def test_13_4_16_which_transfers_are_of_personal_choice_is_a_declared_reading(
    kind, applied, on_request_only
):
    """13.4.16.1 "When a transfer is in the public interest, the employee shall be entitled
    to maintain his existing salary"; 13.4.16.2 "When a transfer is of the employee's
    personal choice, remuneration will be based on the new Position Title and Position
    Level". Whether a lateral transfer is personal choice is reading R-13.4.16: 2023.2 reads
    the kinds the civil servant applies for (on request, lateral)."""
    got = {
        option: (lower_level_pay(kind, "P2", "P3", option) or "")[-10:-1]
        for option in ("applied", "on_request_only")
    }
    assert got == {"applied": applied, "on_request_only": on_request_only}
    assert lower_level_pay(kind, "P3", "P2", "on_request_only") is None  # not lower
    assert V2.reading("R-13.4.16") == "applied"
