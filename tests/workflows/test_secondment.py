"""BCSR 2023 section 13.10 (secondment) as rule tables: eligibility per section, who may
take each step, the guards on the term and its notices, and the branches. No database:
hand-built profiles, subjects, actors and contexts against ``workflows.secondment``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from workflows import roles as R
from workflows import secondment as S
from workflows.context import Actor, Context, Refused, Subject
from workflows.eligibility import evaluate
from workflows.profile import Entry, Profile
from workflows.secondment import PROCESS

TODAY = date(2026, 12, 14)
D = TODAY.isoformat()


def profile(**kw: Any) -> Profile:
    values: dict[str, Any] = {
        "eid": "E100",
        "name": "Dorji",
        "date_of_birth": date(1988, 5, 14),
        "level": "P3",
        "agency": "MOH",
        "appointment_date": date(2012, 1, 2),
        "probation_end": date(2012, 12, 31),
    }
    values.update(kw)
    return Profile(**values)


def entry(kind: str, status: str, start: date | None = None, end: date | None = None, **d: Any):
    return Entry(kind, start, end, status, d)


def unmet(p: Profile, **proposal: Any) -> list[str]:
    return [u.cite for u in evaluate(S.RULES, p, proposal, TODAY)]


# ------------------------------------------------------------------ eligibility (13.10.3)


def test_a_clean_regular_officer_with_five_years_is_eligible():
    assert unmet(profile()) == []


@pytest.mark.parametrize(
    "entries, penalties, pending, expected",
    [
        ((entry("due", "outstanding", amount="1200"),), 0, 0, ["13.10.3.1"]),
        ((entry("due", "cleared", amount="1200"),), 0, 0, []),
        ((entry("audit_memo", "pending", note="RAA 4"),), 0, 0, ["13.10.3.1"]),
        ((entry("audit_memo", "settled"),), 0, 0, []),
        ((), 1, 0, ["13.10.3.1"]),
        ((), 0, 1, ["13.10.3.1"]),
        (
            (entry("due", "outstanding"), entry("audit_memo", "pending")),
            2,
            1,
            ["13.10.3.1"] * 4,
        ),
    ],
)
def test_13_10_3_1_clean_service_record(entries, penalties, pending, expected):
    p = profile(entries=entries, penalties_in_force=penalties, pending_disciplinary=pending)
    assert unmet(p) == expected


def test_13_10_3_1_explains_what_is_outstanding():
    p = profile(entries=(entry("due", "outstanding", amount="18450.00"),))
    [u] = evaluate(S.RULES, p, {}, TODAY)
    assert u.reason.endswith("1 outstanding (Nu 18,450.00)")


@pytest.mark.parametrize(
    "appointed, eol, expected",
    [
        (date(2021, 12, 14), None, []),  # five years to the day, probation included
        (date(2021, 12, 20), None, ["13.10.3.2"]),
        (date(2021, 6, 1), (date(2023, 1, 1), date(2023, 12, 31)), ["13.10.3.2"]),  # 8.12.6
        (date(2019, 6, 1), (date(2023, 1, 1), date(2023, 12, 31)), []),
    ],
)
def test_13_10_3_2_five_years_of_active_service_including_probation(appointed, eol, expected):
    entries = (entry("eol", "completed", *eol),) if eol else ()
    p = profile(appointment_date=appointed, probation_end=appointed + timedelta(364))
    assert unmet(replace(p, entries=entries)) == expected


@pytest.mark.parametrize("status", ["approved", "on_secondment", "returned", "not_rejoined"])
def test_13_10_3_4_any_earlier_secondment_makes_this_not_the_first(status):
    p = profile(entries=(entry("secondment", status, date(2017, 1, 1), organisation="UNDP"),))
    [u] = evaluate(S.RULES, p, {}, TODAY)
    assert u.cite == "13.10.3.4"
    assert "already seconded to UNDP from 2017-01-01" in u.reason


@pytest.mark.parametrize("kind, expected", [("regular", []), ("contract", ["13.10.3.5"])])
def test_13_10_3_5_not_a_contract_employee(kind, expected):
    assert unmet(profile(employment_type=kind)) == expected


@pytest.mark.parametrize(
    "status, expected",
    [
        ("pending_completion", ["7.7.8.1(iii)"]),
        ("completed", []),
        ("failed", []),
        ("ongoing", []),
    ],
)
def test_7_7_8_1_iii_an_ltt_reported_but_pending_completion(status, expected):
    p = profile(entries=(entry("ltt", status, date(2020, 8, 1), date(2022, 7, 31)),))
    assert unmet(p) == expected


@pytest.mark.parametrize(
    "proposal, expected",
    [
        ({}, []),  # no term proposed yet: the RCSC fixes it
        ({"start_on": "2027-02-01"}, []),
        ({"start_on": "2027-02-01", "end_on": "2030-01-31"}, []),  # three years exactly
        ({"start_on": "2027-02-01", "end_on": "2030-02-01"}, ["13.10.5.1"]),
        ({"start_on": "2027-02-01", "end_on": "2027-01-31"}, ["13.10.5.1"]),
    ],
)
def test_13_10_5_1_the_proposed_term(proposal, expected):
    assert unmet(profile(), **proposal) == expected


def test_the_rules_are_all_binding():
    assert not any(r.advisory for r in S.RULES)
    assert [f.name for f in PROCESS.proposal_fields] == ["start_on", "end_on"]


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "start, last_day",
    [
        (date(2027, 2, 1), date(2030, 1, 31)),
        (date(2028, 2, 29), date(2031, 2, 27)),  # a leap day start
        (date(2027, 1, 31), date(2030, 1, 30)),
    ],
)
def test_13_10_5_1_three_years_at_most(start, last_day):
    assert S.term_limit(start) == last_day
    assert S.term_within_limit(start, last_day)
    assert not S.term_within_limit(start, last_day + timedelta(days=1))


@pytest.mark.parametrize(
    "end, today, due",
    [
        (date(2029, 1, 31), TODAY, date(2028, 10, 31)),
        (date(2029, 5, 31), TODAY, date(2029, 2, 28)),
        (date(2027, 2, 15), TODAY, TODAY),  # a term ending sooner is notified at once
    ],
)
def test_13_10_7_2_notice_three_months_before_the_end(end, today, due):
    assert S.end_notice_due(end, today) == due


def test_13_10_5_5_an_appraisal_each_year_and_one_for_the_last_year():
    start, end = date(2027, 2, 1), date(2029, 7, 31)
    dues = [S.appraisal_due(start, end, n) for n in range(3)]
    assert dues == [date(2028, 2, 1), date(2029, 2, 1), date(2029, 7, 31)]
    assert [S.appraisals_remain_after(start, end, n) for n in range(3)] == [True, True, False]
    # A one-year term: a single appraisal, at the end.
    assert S.appraisal_due(start, date(2028, 1, 31), 0) == date(2028, 1, 31)
    assert not S.appraisals_remain_after(start, date(2028, 1, 31), 0)


@pytest.mark.parametrize(
    "notified, new_end, ok",
    [
        (date(2027, 3, 1), date(2027, 6, 1), True),
        (date(2027, 3, 1), date(2027, 5, 31), False),
        (None, date(2027, 6, 1), False),
    ],
)
def test_13_10_7_1_and_7_4_three_months_notice(notified, new_end, ok):
    assert S.notice_long_enough(notified, new_end) is ok


# ------------------------------------------------------------------ who acts

P3 = Subject("E100", "Dorji", "P3", "MOH", "ministry")
ES2 = Subject("E100", "Dorji", "ES2", "MOH", "ministry")
DEPT = Subject("E100", "Dorji", "P3", "DOPH", "department", "MOH")


def actor(uid: int, roles: set[str], agency: str | None, eid: str | None = None) -> Actor:
    return Actor(uid, f"user{uid}", frozenset(roles), agency, eid)


HR = actor(1, {R.HR_OFFICER}, "MOH")
CHAIR = actor(2, {R.HRC_CHAIR}, "MOH")
SECRETARY = actor(3, {R.MEMBER_SECRETARY}, "MOH")
RCSC = actor(4, {R.RCSC, R.APPELLATE}, "RCSC")
MOHA_CHAIR = actor(5, {R.HRC_CHAIR}, "MOHA")
DOPH_CHAIR = actor(6, {R.HRC_CHAIR}, "DOPH")
DOPH_HR = actor(7, {R.HR_OFFICER}, "DOPH")
SELF = actor(8, {R.CIVIL_SERVANT}, None, "E100")
SYSTEM = actor(0, {R.SYSTEM}, None)

NOMINATION = {
    "organisation": "UNICEF Bhutan",
    "post": "Education Specialist",
    "location": "inside",
    "programme": "established",
    "nominated_on": D,
    "hrc_meeting_no": "HRC/21",
}
APPROVED = {
    **NOMINATION,
    "start_on": "2027-02-01",
    "end_on": "2029-01-31",
    "approval_order_no": "RCSC/1",
}
ON_SECONDMENT = {
    **APPROVED,
    "secondment_start_on": "2027-02-01",
    "appraisals_received": 0,
}
VALID: dict[str, dict[str, Any]] = {
    "open": NOMINATION,
    "withdraw": {"reasons": "Needed at home"},
    "validate": {
        "validated_on": D,
        "organisation_consulted": True,
        "record_verified": True,
        "organisation_criteria_met": True,
        "validation_note": "On merit",
    },
    "decline": {"declined_on": D, "reasons": "r"},
    "record_selection": {"selection": "selected", "decision_received_on": D},
    "approve": {
        "approved_on": D,
        "approval_order_no": "RCSC/1",
        "organisation": "UNICEF Bhutan",
        "location": "inside",
        "start_on": "2027-02-01",
        "end_on": "2029-01-31",
    },
    "cancel_approval": {"reasons": "Offer withdrawn"},
    "relieve": {
        "relieved_on": D,
        "takes_up_post_on": "2027-02-01",
        "relieving_order_no": "REL/1",
        "pay_stopped": True,
        "government_quarter": "none",
    },
    "notify_end_of_term": {"notified_on": D, "notice_letter_no": "L/1"},
    "receive_appraisal": {
        "received_on": D,
        "appraisal_period": "2027",
        "appraisal_result": "Meets",
    },
    "revert_early": {"notified_on": D, "new_end_on": "2027-06-30", "reasons": "Project closed"},
    "recall": {"notified_on": D, "new_end_on": "2027-06-30", "reasons": "Needed"},
    "rejoin": {"rejoined_on": D, "placement": "waiting_list", "lpc_submitted": True},
    "report_not_rejoined": {"particulars": "No reply"},
    "retire": {"order_no": "RCSC/CR/1"},
    "condone": {"reasons": "Flights cancelled"},
}
DATA = {
    "new": {},
    "nominated": NOMINATION,
    "validated": NOMINATION,
    "selected": NOMINATION,
    "approved": APPROVED,
    "on_secondment": ON_SECONDMENT,
    "retirement_proposed": {**ON_SECONDMENT, "retirement_effective_on": "2029-01-31"},
    "return_condoned": {**ON_SECONDMENT, "end_on": "2026-12-01"},
}


def ctx(
    subject: Subject = P3,
    data: dict[str, Any] | None = None,
    record: Profile | None = None,
    today: date = TODAY,
    due: dict[str, date] | None = None,
) -> Context:
    return Context(
        subject=subject,
        data=data or {},
        fields={},
        today=today,
        due=due or {},
        record=record or profile(),
    )


def check(state: str, trigger: str, who: Actor, subject: Subject = P3, **kw: Any):
    fields = {**VALID[trigger], **kw.pop("fields", {})}
    c = ctx(subject, kw.pop("data", DATA[state]), **kw)
    return PROCESS.check(state, trigger, who, c, fields)


def refused(state: str, trigger: str, who: Actor, subject: Subject = P3, **kw: Any):
    with pytest.raises(Refused) as exc:
        check(state, trigger, who, subject, **kw)
    return exc.value


AT_THE_END = {"today": date(2029, 2, 1), "due": {"rejoining_due": date(2029, 2, 1)}}
ON_TIME = {"rejoined_on": "2029-02-01"}
AFTER_THE_END = {"today": date(2029, 2, 2), "due": {"rejoining_due": date(2029, 2, 1)}}

# (state, trigger, allowed actors, subject, extra context)
WHO = [
    ("new", "open", [CHAIR, SECRETARY], P3, {}),
    ("new", "open", [RCSC], ES2, {}),
    ("new", "open", [DOPH_CHAIR], DEPT, {}),
    ("nominated", "withdraw", [CHAIR, SECRETARY], P3, {}),
    ("nominated", "validate", [RCSC], P3, {}),
    ("nominated", "decline", [RCSC], P3, {}),
    ("validated", "record_selection", [RCSC], P3, {}),
    ("selected", "approve", [RCSC], P3, {}),
    ("approved", "cancel_approval", [RCSC], P3, {}),
    ("approved", "relieve", [HR, SECRETARY], P3, {}),
    ("approved", "relieve", [DOPH_HR], DEPT, {}),
    ("on_secondment", "notify_end_of_term", [HR, SECRETARY], P3, {}),
    ("on_secondment", "receive_appraisal", [HR, SECRETARY], P3, {}),
    ("on_secondment", "revert_early", [RCSC], P3, {}),
    ("on_secondment", "recall", [RCSC], P3, {}),
    ("on_secondment", "report_not_rejoined", [HR, SECRETARY], P3, AFTER_THE_END),
    ("retirement_proposed", "retire", [RCSC], P3, {}),
    ("retirement_proposed", "condone", [RCSC], P3, {}),
]
EVERYONE = [HR, CHAIR, SECRETARY, RCSC, MOHA_CHAIR, DOPH_CHAIR, DOPH_HR, SELF, SYSTEM]


@pytest.mark.parametrize(
    "state, trigger, allowed, subject, extra", WHO, ids=[f"{w[1]}-{w[3].level}" for w in WHO]
)
def test_who_takes_each_step(state, trigger, allowed, subject, extra):
    for who in EVERYONE:
        if who in allowed:
            check(state, trigger, who, subject, **extra)
        else:
            assert refused(state, trigger, who, subject, **extra).kind == "authority", who


def test_rejoin_is_recorded_by_the_relieving_agency():
    check("on_secondment", "rejoin", HR, fields=ON_TIME, **AT_THE_END)
    for who in (CHAIR, RCSC, MOHA_CHAIR, SELF):
        exc = refused("on_secondment", "rejoin", who, fields=ON_TIME, **AT_THE_END)
        assert exc.kind == "authority"


def test_the_timer_alone_proposes_retirement_automatically():
    step, _ = PROCESS.check("on_secondment", "not_rejoined", SYSTEM, ctx(data=ON_SECONDMENT), {})
    assert step.dest == "retirement_proposed" and step.timer_only
    assert refused("on_secondment", "report_not_rejoined", SYSTEM, **AFTER_THE_END).kind == (
        "authority"
    )


# ------------------------------------------------------------------ guards


def cites(exc: Refused) -> list[str]:
    return [r.cite for r in exc.refusals]


def test_nomination_enforces_eligibility_and_a_new_programme_needs_rcsc_approval():
    contract = profile(employment_type="contract")
    assert cites(refused("new", "open", CHAIR, record=contract)) == ["13.10.3.5"]
    assert cites(refused("new", "open", CHAIR, fields={"programme": "new"})) == ["13.10.4.2"]
    check("new", "open", CHAIR, fields={"programme": "new", "programme_approval_ref": "P/3"})


def test_validation_checks_consultation_record_and_criteria_and_the_record_again():
    fields = {
        "organisation_consulted": False,
        "record_verified": False,
        "organisation_criteria_met": False,
    }
    exc = refused("nominated", "validate", RCSC, fields=fields)
    assert cites(exc) == ["13.10.4.1(ii)", "13.10.4.1(iii)", "13.10.3.3"]
    pending = profile(pending_disciplinary=1)
    assert cites(refused("nominated", "validate", RCSC, record=pending)) == ["13.10.3.1"]


@pytest.mark.parametrize(
    "selection, dest", [("selected", "selected"), ("not_selected", "not_selected")]
)
def test_13_10_4_1_v_the_organisation_decides(selection, dest):
    step, _ = check("validated", "record_selection", RCSC, fields={"selection": selection})
    assert step.dest == dest


@pytest.mark.parametrize(
    "end, ok",
    [("2030-01-31", True), ("2030-02-01", False), ("2027-01-31", False)],
)
def test_13_10_5_1_approval_within_three_years(end, ok):
    if ok:
        check("selected", "approve", RCSC, fields={"end_on": end})
    else:
        assert cites(refused("selected", "approve", RCSC, fields={"end_on": end})) == ["13.10.5.1"]


def test_approval_rechecks_the_record():
    record = profile(entries=(entry("audit_memo", "pending"),))
    assert cites(refused("selected", "approve", RCSC, record=record)) == ["13.10.3.1"]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"takes_up_post_on": "2026-12-01"}, ["13.10.4.1(vi)"]),
        ({"pay_stopped": False}, ["13.10.5.2"]),
        ({"government_quarter": "retained"}, ["9.7.2"]),  # a two-year term
        ({"government_quarter": "vacated"}, []),
    ],
)
def test_relief(fields, expected):
    if expected:
        assert cites(refused("approved", "relieve", HR, fields=fields)) == expected
    else:
        check("approved", "relieve", HR, fields=fields)


def test_9_7_2_a_quarter_may_be_kept_for_a_secondment_of_twelve_months_or_less():
    data = {**APPROVED, "end_on": "2028-01-31"}
    check("approved", "relieve", HR, data=data, fields={"government_quarter": "retained"})


def test_13_10_5_1_relief_cannot_stretch_the_term_beyond_three_years():
    data = {**APPROVED, "end_on": "2030-01-31"}
    exc = refused("approved", "relieve", HR, data=data, fields={"takes_up_post_on": "2027-01-15"})
    assert cites(exc) == ["13.10.5.1"]


def test_13_10_7_2_one_notice_per_end_of_term():
    data = {**ON_SECONDMENT, "end_notified_for": "2029-01-31"}
    assert cites(refused("on_secondment", "notify_end_of_term", HR, data=data)) == ["13.10.7.2"]
    # A new end (reversion, recall) needs a new notice.
    check("on_secondment", "notify_end_of_term", HR, data={**data, "end_on": "2027-06-30"})
    offered = PROCESS.available("on_secondment", HR, ctx(data=data))
    assert "notify_end_of_term" not in {s.trigger for s in offered}


@pytest.mark.parametrize(
    "received, dest_arms",
    [(0, ["appraisal_due"]), (1, [])],  # two-year term: the second is the last
)
def test_13_10_5_5_the_appraisal_branch(received, dest_arms):
    data = {**ON_SECONDMENT, "appraisals_received": received}
    step, _ = check("on_secondment", "receive_appraisal", HR, data=data)
    assert [a.kind for a in step.arms] == dest_arms
    assert step.settles == ("appraisal_due",)


@pytest.mark.parametrize("trigger, cite", [("revert_early", "13.10.7.1"), ("recall", "13.10.7.4")])
@pytest.mark.parametrize(
    "new_end, expected",
    [
        ("2027-03-13", ["13.10.7.1"]),  # three months less a day
        ("2027-03-14", []),
        ("2029-01-31", ["13.10.5.1"]),  # the approved end itself is not "early"
        ("2029-06-30", ["13.10.5.1"]),  # cannot be extended
    ],
)
def test_early_end_needs_three_months_notice_and_cannot_extend(trigger, cite, new_end, expected):
    want = [cite if c == "13.10.7.1" else c for c in expected]
    fields = {"notified_on": "2026-12-14", "new_end_on": new_end}
    if want:
        assert cites(refused("on_secondment", trigger, RCSC, fields=fields)) == want
    else:
        check("on_secondment", trigger, RCSC, fields=fields)


def test_an_early_end_is_not_dated_in_the_past():
    fields = {"notified_on": "2026-06-01", "new_end_on": "2026-12-01"}
    assert cites(refused("on_secondment", "recall", RCSC, fields=fields)) == ["13.10.7.4"]


@pytest.mark.parametrize(
    "rejoined, extra, expected",
    [
        ("2029-02-01", AT_THE_END, []),
        ("2029-01-31", AT_THE_END, ["13.10.7.1"]),  # on the last day: still seconded
        ("2029-02-02", AFTER_THE_END, ["13.10.6.4"]),  # late: for the RCSC
    ],
)
def test_rejoining(rejoined, extra, expected):
    fields = {"rejoined_on": rejoined}
    if expected:
        assert cites(refused("on_secondment", "rejoin", HR, fields=fields, **extra)) == expected
    else:
        step, _ = check("on_secondment", "rejoin", HR, fields=fields, **extra)
        assert step.dest == "returned"


def test_a_condoned_late_return_is_recorded_without_the_deadline():
    data = {**ON_SECONDMENT, "end_on": "2029-01-31"}
    step, _ = check(
        "return_condoned", "rejoin", HR, data=data, today=date(2029, 2, 9),
        fields={"rejoined_on": "2029-02-09"},
    )  # fmt: skip
    assert step.dest == "returned"


def test_13_10_8_1_placement_at_the_same_level_names_the_position():
    fields = {"rejoined_on": "2029-02-01", "placement": "same_level"}
    exc = refused("on_secondment", "rejoin", HR, fields=fields, **AT_THE_END)
    assert cites(exc) == ["13.10.8.1"]
    check(
        "on_secondment", "rejoin", HR, fields={**fields, "position_title": "Dy. CPO"}, **AT_THE_END
    )


def test_13_10_6_4_not_rejoined_only_after_the_rejoining_day():
    assert cites(refused("on_secondment", "report_not_rejoined", HR, **AT_THE_END)) == ["13.10.6.4"]
    check("on_secondment", "report_not_rejoined", HR, **AFTER_THE_END)


@pytest.mark.parametrize(
    "effective, ok", [(None, True), ("2029-01-31", True), ("2029-02-20", False)]
)
def test_13_10_6_4_retirement_from_the_end_of_the_approved_period(effective, ok):
    fields = {"effective_on": effective} if effective else {}
    if ok:
        step, _ = check("retirement_proposed", "retire", RCSC, fields=fields)
        assert step.effects == ("compulsory_retirement",)
    else:
        exc = refused("retirement_proposed", "retire", RCSC, fields=fields)
        assert cites(exc) == ["13.10.6.4"]


def test_the_retirement_queue_state():
    state = PROCESS.state("retirement_proposed")
    assert (state.label, state.queue) == ("Compulsory retirement proposed", "compulsory_retirement")
    assert {s.trigger: s.dest for s in PROCESS.steps_from("retirement_proposed")} == {
        "retire": "retired",
        "condone": "return_condoned",
    }
    assert PROCESS.is_final("retired")


def test_withdrawal_only_before_approval():
    sources = {s for step in PROCESS.steps if step.trigger == "withdraw" for s in step.sources}
    assert sources == {"nominated", "validated", "selected"}


def test_every_step_guard_and_arm_cites_a_section():
    for step in PROCESS.steps:
        assert step.cite[0].isdigit()
        assert all(g.cite[0].isdigit() for g in step.guards)
        assert all(a.cite[0].isdigit() for a in step.arms)
    assert all(r.cite[0].isdigit() for r in S.RULES)
