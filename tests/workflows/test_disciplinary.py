"""BCSR 2023 chapter 19 as rule tables: (state, actor, trigger) -> allowed, or refused with
the section that refuses it, or the state it leads to. No database: hand-built subjects,
actors and contexts against the shared machine of ``workflows.disciplinary``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from workflows import roles as R
from workflows.context import Actor, Context, Refused, Subject
from workflows.disciplinary import PROCESS

TODAY = date(2026, 12, 15)  # a Tuesday, two days before National Day


def subject(
    level: str = "P3",
    agency: str = "MOH",
    kind: str = "ministry",
    parent: str | None = None,
    head: bool = False,
) -> Subject:
    return Subject("E100", "Dorji", level, agency, kind, parent, head)


P3_MINISTRY = subject()
ES1_MINISTRY = subject("ES1")
EX2_MINISTRY = subject("EX2")
P3_DEPARTMENT = subject(agency="DOPH", kind="department", parent="MOH")
P3_DZONGKHAG = subject(agency="THIMPHU", kind="dzongkhag", parent="MOHA")
EX2_DEPARTMENT = subject("EX2", agency="DOPH", kind="department", parent="MOH")
P1_HEAD = subject("P1", head=True)


def actor(uid: int, roles: set[str], agency: str | None, eid: str | None = None) -> Actor:
    return Actor(uid, f"user{uid}", frozenset(roles), agency, eid)


HR = actor(1, {R.HR_OFFICER}, "MOH")
DC = actor(2, {R.DC_MEMBER}, "MOH")
CHAIR = actor(3, {R.HRC_CHAIR}, "MOH")
SECRETARY = actor(4, {R.MEMBER_SECRETARY}, "MOH")
INVESTIGATOR = actor(5, {R.INVESTIGATOR}, "MOH")
RCSC = actor(6, {R.RCSC, R.APPELLATE}, "RCSC")
TRIBUNAL = actor(7, {R.APPELLATE}, "AT")
MOH_APPEAL = actor(8, {R.APPELLATE}, "MOH")
MOHA_APPEAL = actor(9, {R.APPELLATE}, "MOHA")
RESPONDENT = actor(10, {R.RESPONDENT}, None, "E100")
OTHER_RESPONDENT = actor(11, {R.RESPONDENT}, None, "E200")
MOHA_DC = actor(12, {R.DC_MEMBER}, "MOHA")
MOH_WITH_RCSC_ROLE = actor(13, {R.RCSC}, "MOH")
MOHA_CHAIR = actor(14, {R.HRC_CHAIR}, "MOHA")

COMPLAINT = {
    "opened_by": "written_complaint",
    "complainant_name": "Karma Wangmo",
    "complainant_address": "Changzamtog, Thimphu",
    "complainant_eid": "E300",
    "respondent_address": "Motithang, Thimphu",
    "narration": "Absent without leave.",
    "anonymous": False,
}
CHARGED = {
    **COMPLAINT,
    "charges": [
        {"no": 1, "offence": 11, "classification": "Minor"},
        {"no": 2, "offence": 3, "classification": "Major"},
        {"no": 3, "offence": 15, "classification": "Minor/Major"},
    ],
}
D = TODAY.isoformat()

# Fields that make each step valid; a test changes only what it is about.
VALID: dict[str, dict[str, Any]] = {
    "dismiss_complaint": {"dismissal_ground": "19.5.3", "reasons": "Particulars absent"},
    "refer_to_adr": {"adr_method": "counselling", "adr_officer": "Sonam"},
    "adr_resolved": {"resolution": "Agreed to attend on time"},
    "terminate_adr": {"termination_ground": "19.7.7", "reasons": "Not satisfied"},
    "direct_enquiry": {},
    "serve_notice": {
        "charges": ["11"],
        "particulars": "p",
        "prima_facie": True,
        "notice_received_on": "2026-12-15",
    },
    "submit_explanation": {"explanation": "I was unwell"},
    "dismiss_case": {"reasons": "No basis", "beyond_reasonable_doubt": True},
    "order_investigation": {
        "investigated_by": "member_secretary",
        "investigators": "MS",
        "directive_on": D,
    },
    "convene_meeting": {},
    "commence_investigation": {"commenced_on": D},
    "escalate_to_committee": {"reasons": "Complex", "investigators": "IC"},
    "extend_investigation": {"total_days": 30, "extension_reason": "Witness abroad"},
    "complete_investigation": {"completed_on": D},
    "submit_report": {"report_findings": "f", "report_received_on": D, "copy_to_respondent_on": D},
    "record_decision": {
        "meeting_on": D,
        "hearing": "heard",
        "members_present": "a, b",
        "findings": [
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "demotion"},
            {"charge": 3, "finding": "not_guilty", "penalty": None},
        ],
        "decision_reasons": "r",
    },
    "endorse_decision": {"endorsed_on": D, "hrc_meeting_no": "12"},
    "return_to_dc": {"reasons": "Reconsider charge 2"},
    "communicate_decision": {"letter_no": "L1", "decision_received_on": D, "copy_to_rcsc": True},
    "lodge_appeal": {
        "grounds": ["19.12.2.2"],
        "appeal_statement": "s",
        "appeal_lodged_on": D,
        "appeal_received_on": D,
    },
    "decide_appeal": {
        "appeal_outcome": "upheld",
        "due_process_examined": True,
        "appeal_reasons": "r",
    },
    "recommend_summary": {"summary_ground": "19.10.1.2", "summary_evidence": "Admission"},
    "summary_retire": {"order_no": "RCSC/1", "effective_on": D},
    "decline_summary": {"reasons": "Investigate first"},
    "hold_pre_suspension_hearing": {"pre_suspension_hearing_on": D, "hearing_record": "h"},
    "suspend": {
        "suspension_grounds": ["19.9.5.1"],
        "office_order_no": "OO/1",
        "suspended_from": D,
        "gross_pay": "40000",
        "rcsc_notified": True,
    },
    "revoke_suspension": {"revoked_on": D, "reasons": "r"},
    "decide_on_death": {"died_on": D, "death_outcome": "acquitted", "reasons": "r"},
}


def context(
    subj: Subject = P3_MINISTRY,
    data: dict[str, Any] | None = None,
    recused: frozenset[int] = frozenset(),
    due: dict[str, date] | None = None,
    today: date = TODAY,
) -> Context:
    return Context(
        subject=subj,
        data=CHARGED if data is None else data,
        fields={},
        today=today,
        recused_user_ids=recused,
        due=due or {},
    )


def check(state: str, trigger: str, who: Actor, ctx: Context | None = None, **fields: Any):
    raw = {**VALID[trigger], **fields}
    return PROCESS.check(state, trigger, who, ctx or context(), raw)


def refusal(state: str, trigger: str, who: Actor, ctx: Context | None = None, **fields: Any):
    with pytest.raises(Refused) as exc:
        check(state, trigger, who, ctx, **fields)
    return exc.value


def destination(state: str, trigger: str, who: Actor, ctx: Context | None = None, **fields):
    """Where the shared machine takes the case, and the section of the branch taken."""
    ctx = ctx or context()
    step, typed = check(state, trigger, who, ctx, **fields)
    run_ctx = Context(ctx.subject, ctx.data, typed, ctx.today, ctx.recused_user_ids, ctx.due)
    dest, taken = PROCESS.run(state, trigger, run_ctx)
    assert taken is step
    return dest, taken.cite


# ----------------------------------------------------------- 19.3.6 penalty authority

CHARGE_STEPS = [
    ("enquiry_directed", "serve_notice"),
    ("explained", "order_investigation"),
    ("dc_meeting", "record_decision"),
    ("awaiting_endorsement", "endorse_decision"),
]


@pytest.mark.parametrize(("state", "trigger"), CHARGE_STEPS)
@pytest.mark.parametrize(
    ("subj", "who", "refused_with"),
    [
        (EX2_MINISTRY, CHAIR, "19.3.6"),
        (ES1_MINISTRY, CHAIR, "19.3.6"),
        (EX2_MINISTRY, RCSC, None),
        (ES1_MINISTRY, RCSC, None),
        (P3_MINISTRY, CHAIR, None),
        (subject("O4"), CHAIR, None),
        (P3_MINISTRY, RCSC, "19.3.4"),
        (P3_MINISTRY, MOHA_CHAIR, "19.3.4"),
    ],
    ids=[
        "EX-agency-refused",
        "ES-agency-refused",
        "EX-rcsc",
        "ES-rcsc",
        "P3-agency",
        "O4-agency",
        "P3-rcsc-refused",
        "P3-other-agency-refused",
    ],
)
def test_19_3_6_rcsc_decides_executives_and_specialists_the_agency_everyone_else(
    state, trigger, subj, who, refused_with
):
    ctx = context(subj)
    if refused_with is None:
        check(state, trigger, who, ctx)
    else:
        exc = refusal(state, trigger, who, ctx)
        assert exc.kind == "authority"
        assert exc.refusals[0].cite == refused_with


# ------------------------------------------------------------ 19.3.7 appellate authority


@pytest.mark.parametrize(
    ("subj", "competent"),
    [
        (ES1_MINISTRY, TRIBUNAL),
        (EX2_DEPARTMENT, TRIBUNAL),
        (P3_MINISTRY, RCSC),
        (P3_DEPARTMENT, MOH_APPEAL),
        (P3_DZONGKHAG, MOHA_APPEAL),
    ],
    ids=["ES1-tribunal", "EX2-in-department-tribunal", "ministry-rcsc", "department-ministry",
         "dzongkhag-ministry"],
)  # fmt: skip
def test_19_3_7_appeal_goes_to_the_competent_appellate_authority(subj, competent):
    ctx = context(subj)
    dest, cite = destination("appeal", "decide_appeal", competent, ctx)
    assert (dest, cite) == ("closed", "19.12.4")
    for other in {TRIBUNAL, RCSC, MOH_APPEAL, MOHA_APPEAL} - {competent}:
        exc = refusal("appeal", "decide_appeal", other, ctx)
        assert exc.kind == "authority"
        assert exc.refusals[0].cite == "19.3.7"
    offered = {s.trigger for s in PROCESS.available("appeal", competent, ctx)}
    assert offered == {"decide_appeal"}


def test_19_3_7_the_disciplinary_committee_does_not_hear_its_own_appeal():
    exc = refusal("appeal", "decide_appeal", CHAIR)
    assert exc.kind == "authority"
    assert exc.refusals[0].cite == "19.12.4"


# ------------------------------------------------------------------ 19.3.5 fairness


@pytest.mark.parametrize(
    ("state", "trigger", "who"),
    [
        ("enquiry_directed", "serve_notice", DC),
        ("investigation_ordered", "commence_investigation", INVESTIGATOR),
        ("dc_meeting", "record_decision", SECRETARY),
        ("appeal", "decide_appeal", RCSC),
    ],
)
def test_19_3_5_a_recused_member_cannot_sit_on_the_dc_investigation_or_appeal(state, trigger, who):
    ctx = context(recused=frozenset({who.user_id}))
    exc = refusal(state, trigger, who, ctx)
    assert exc.kind == "recusal"
    assert exc.refusals[0].cite == "19.3.5"
    assert trigger not in {s.trigger for s in PROCESS.available(state, who, ctx)}
    check(state, trigger, who)  # the same person may act on a case they are not recused from


def test_19_3_5_another_members_recusal_does_not_bar_the_rest_of_the_committee():
    check("enquiry_directed", "serve_notice", DC, context(recused=frozenset({CHAIR.user_id})))


def test_19_3_5_the_respondent_cannot_act_as_dc_on_their_own_case():
    respondent_on_dc = actor(20, {R.DC_MEMBER, R.RESPONDENT}, "MOH", "E100")
    exc = refusal("enquiry_directed", "serve_notice", respondent_on_dc)
    assert exc.kind == "recusal" and exc.refusals[0].cite == "19.3.5"
    assert "own case" in str(exc)
    # ... but may still explain as the respondent (19.8.2.1(ii))
    check("notice_served", "submit_explanation", respondent_on_dc)


def test_19_3_5_the_complainant_cannot_act_on_the_case():
    complainant_on_dc = actor(21, {R.DC_MEMBER}, "MOH", "E300")
    exc = refusal("dc_meeting", "record_decision", complainant_on_dc)
    assert exc.kind == "recusal" and exc.refusals[0].cite == "19.3.5"
    assert "complainant" in str(exc)


# ---------------------------------------------------------- 19.5 filing of charges

MISSING = ["complainant_name", "complainant_address", "respondent_address", "narration"]


@pytest.mark.parametrize("missing", MISSING)
def test_19_5_2_a_complaint_lacking_a_particular_can_only_be_dismissed_19_5_3(missing):
    ctx = context(data={**COMPLAINT, missing: ""})
    for trigger in ("direct_enquiry", "refer_to_adr"):
        exc = refusal("received", trigger, CHAIR, ctx)
        assert exc.kind == "guard"
        assert [r.cite for r in exc.refusals] == ["19.5.2"]
        assert "may only be dismissed (19.5.3)" in str(exc)
    assert destination("received", "dismiss_complaint", CHAIR, ctx) == ("dismissed", "19.5.3")


@pytest.mark.parametrize("opened_by", ["dc_initiative", "court_judgement", "agency"])
def test_19_5_1_a_charge_not_from_a_complaint_needs_only_the_facts(opened_by):
    facts_only = {"opened_by": opened_by, "narration": "Judgement of 1 December 2026"}
    check("received", "direct_enquiry", CHAIR, context(data=facts_only))
    exc = refusal("received", "direct_enquiry", CHAIR, context(data={"opened_by": opened_by}))
    assert [r.cite for r in exc.refusals] == ["19.5.2"]


def test_19_5_4_an_anonymous_complaint_is_not_admitted():
    ctx = context(data={**COMPLAINT, "anonymous": True})
    for trigger in ("direct_enquiry", "refer_to_adr"):
        exc = refusal("received", trigger, CHAIR, ctx)
        assert [r.cite for r in exc.refusals] == ["19.5.4"]
    dest = destination("received", "dismiss_complaint", CHAIR, ctx, dismissal_ground="19.5.4")
    assert dest == ("dismissed", "19.5.3")


def test_19_5_1_the_respondents_agency_records_a_charge_and_the_rcsc_too_for_executives():
    fields = {**COMPLAINT, "received_on": D}
    PROCESS.check("new", "open", HR, context(data={}), fields)
    exc = pytest.raises(Refused, PROCESS.check, "new", "open", RCSC, context(data={}), fields)
    assert exc.value.refusals[0].cite == "19.5.1"
    PROCESS.check("new", "open", RCSC, context(EX2_MINISTRY, data={}), fields)
    PROCESS.check("new", "open", HR, context(EX2_MINISTRY, data={}), fields)


# ------------------------------------------------------------------------ 19.7 ADR


@pytest.mark.parametrize(
    ("subj", "who", "refused_with"),
    [
        (EX2_MINISTRY, CHAIR, "19.7.5"),
        (ES1_MINISTRY, CHAIR, "19.7.5"),
        (P1_HEAD, CHAIR, "19.7.5"),
        (EX2_MINISTRY, RCSC, None),
        (P1_HEAD, RCSC, None),
        (P3_MINISTRY, CHAIR, None),
        (P3_MINISTRY, RCSC, "19.7.4"),
    ],
    ids=["EX", "ES", "head-of-agency", "EX-rcsc", "head-rcsc", "P3-agency", "P3-rcsc"],
)
def test_19_7_5_adr_for_esc_or_a_head_of_agency_is_conducted_by_the_rcsc(subj, who, refused_with):
    # The agency refers such a case to the RCSC (19.7.5); the RCSC then conducts the ADR.
    referral = context(subj)
    if refused_with in (None, "19.7.5"):
        check("received", "refer_to_adr", who, referral)
    for state, trigger in (
        ("adr", "adr_resolved"),
        ("adr", "terminate_adr"),
    ):
        ctx = context(subj)
        if refused_with is None:
            check(state, trigger, who, ctx)
        else:
            exc = refusal(state, trigger, who, ctx)
            assert exc.kind == "authority" and exc.refusals[0].cite == refused_with


@pytest.mark.parametrize(
    ("trigger", "fields", "dest", "cite"),
    [
        ("adr_resolved", {}, "resolved_by_adr", "19.7.2"),
        ("terminate_adr", {}, "enquiry_directed", "19.7.7"),
        ("terminate_adr", {"termination_ground": "19.7.8"}, "enquiry_directed", "19.7.7"),
    ],
)
def test_19_7_7_adr_ends_resolved_or_goes_to_the_dc(trigger, fields, dest, cite):
    assert destination("adr", trigger, CHAIR, **fields) == (dest, cite)


# ---------------------------------------------------------------- 19.8.2.1 notice


def test_19_8_2_1_i_notice_needs_the_dc_convinced_of_a_prima_facie_case():
    exc = refusal("enquiry_directed", "serve_notice", DC, prima_facie=False)
    assert exc.kind == "guard" and [r.cite for r in exc.refusals] == ["19.8.2.1(i)"]
    assert destination("enquiry_directed", "serve_notice", DC) == (
        "notice_served",
        "19.8.2.1(i)",
    )


def test_19_8_2_1_i_notice_arms_explanation_due_five_working_days_after_receipt():
    step, _ = check("enquiry_directed", "serve_notice", DC)
    (arm,) = step.arms
    assert (arm.kind, arm.working_days, arm.from_field) == (
        "explanation_due",
        5,
        "notice_received_on",
    )
    assert arm.on_timeout == "explanation_lapsed"


def test_19_8_2_1_i_notice_charges_offences_of_the_schedule():
    exc = refusal("enquiry_directed", "serve_notice", DC, charges=["99"])
    assert exc.kind == "field" and exc.refusals[0].field == "charges"
    exc = refusal("enquiry_directed", "serve_notice", DC, charges=[])
    assert exc.kind == "field" and exc.refusals[0].field == "charges"


def test_19_8_2_1_ii_the_respondent_explains_on_their_own_case_only():
    assert destination("notice_served", "submit_explanation", RESPONDENT) == (
        "explained",
        "19.8.2.1(ii)",
    )
    exc = refusal("notice_served", "submit_explanation", OTHER_RESPONDENT)
    assert exc.kind == "authority"
    assert {s.trigger for s in PROCESS.available("notice_served", RESPONDENT, context())} == {
        "submit_explanation"
    }
    assert PROCESS.available("notice_served", OTHER_RESPONDENT, context()) == []


def test_19_8_2_1_ii_a_committee_of_another_agency_cannot_record_the_explanation():
    check("notice_served", "submit_explanation", DC)
    exc = refusal("notice_served", "submit_explanation", MOHA_DC)
    assert exc.kind == "authority" and exc.refusals[0].cite == "19.3.4"


def test_19_8_2_1_iii_dismissal_needs_the_charges_proved_without_basis():
    exc = refusal("explained", "dismiss_case", DC, beyond_reasonable_doubt=False)
    assert [r.cite for r in exc.refusals] == ["19.8.2.1(iii)"]
    assert destination("explained", "dismiss_case", DC) == ("dismissed", "19.8.2.1(iii)")


def test_19_8_2_1_the_timer_lapses_an_explanation_not_given():
    assert "explanation_lapsed" not in {
        s.trigger for s in PROCESS.available("notice_served", DC, context())
    }
    exc = refusal_of_timer("notice_served", "explanation_lapsed", DC)
    assert exc.kind == "authority"


def refusal_of_timer(state: str, trigger: str, who: Actor) -> Refused:
    with pytest.raises(Refused) as exc:
        PROCESS.check(state, trigger, who, context(), {})
    return exc.value


# ----------------------------------------------------------- 19.8.2.2 investigation


@pytest.mark.parametrize(
    ("investigated_by", "allowed"),
    [("member_secretary", True), ("investigation_committee", False)],
)
def test_19_8_2_2_iv_only_a_member_secretarys_investigation_moves_to_the_committee(
    investigated_by, allowed
):
    ctx = context(data={**CHARGED, "investigated_by": investigated_by})
    if allowed:
        dest = destination("investigating", "escalate_to_committee", SECRETARY, ctx)
        assert dest == ("investigating", "19.8.2.2(iv)")
    else:
        exc = refusal("investigating", "escalate_to_committee", SECRETARY, ctx)
        assert [r.cite for r in exc.refusals] == ["19.8.2.2(iv)"]


@pytest.mark.parametrize(
    ("total_days", "allowed"), [(16, True), (30, True), (31, False), (45, False), (15, False)]
)
def test_19_8_2_2_vi_the_dc_may_extend_the_investigation_to_at_most_30_days(total_days, allowed):
    ctx = context(data={**CHARGED, "commenced_on": D})
    if allowed:
        step, _ = check("investigating", "extend_investigation", DC, ctx, total_days=total_days)
        (arm,) = step.arms
        assert (arm.kind, arm.days_field, arm.from_field) == (
            "investigation_completion_due",
            "total_days",
            "commenced_on",
        )
    else:
        exc = refusal("investigating", "extend_investigation", DC, ctx, total_days=total_days)
        assert [r.cite for r in exc.refusals] == ["19.8.2.2(vi)"]


def test_19_8_2_2_vi_only_the_dc_extends_not_the_investigator():
    exc = refusal("investigating", "extend_investigation", INVESTIGATOR)
    assert exc.kind == "authority"


@pytest.mark.parametrize(
    ("state", "trigger", "dest", "cite", "arm", "amount"),
    [
        ("explained", "order_investigation", "investigation_ordered", "19.8.2.2(i)",
         "investigation_commencement_due", ("working_days", 5)),
        ("investigation_ordered", "commence_investigation", "investigating", "19.8.2.2(v)",
         "investigation_completion_due", ("days", 15)),
        ("investigating", "complete_investigation", "report_due", "19.8.2.2(vi)",
         "report_due", ("working_days", 5)),
        ("report_due", "submit_report", "dc_meeting", "19.8.2.2(x)",
         "meeting_conclusion_due", ("days", 30)),
        ("explained", "convene_meeting", "dc_meeting", "19.8.2.3",
         "meeting_conclusion_due", ("days", 30)),
    ],
)  # fmt: skip
def test_19_8_2_2_each_investigation_step_arms_the_next_clock(
    state, trigger, dest, cite, arm, amount
):
    who = SECRETARY
    assert destination(state, trigger, who) == (dest, cite)
    step, _ = check(state, trigger, who)
    (armed,) = step.arms
    unit, n = amount
    assert armed.kind == arm
    assert getattr(armed, unit) == n


# ---------------------------------------------------------- 19.8.2.3 DC meeting


def findings(*rows: tuple[int, str, str | None]) -> list[dict[str, Any]]:
    return [{"charge": c, "finding": f, "penalty": p} for c, f, p in rows]


def test_19_8_2_3_i_the_respondent_must_be_heard_or_have_failed_to_respond():
    exc = refusal("dc_meeting", "record_decision", DC, hearing="")
    assert exc.kind == "field" and exc.refusals[0].field == "hearing"
    exc = refusal("dc_meeting", "record_decision", DC, hearing="not_asked")
    assert exc.refusals[0].field == "hearing"
    assert destination("dc_meeting", "record_decision", DC, hearing="did_not_respond") == (
        "awaiting_endorsement",
        "19.8.2.3(viii)",
    )


def test_19_8_2_3_vii_a_finding_is_needed_on_every_charge():
    exc = refusal(
        "dc_meeting",
        "record_decision",
        DC,
        findings=findings((1, "guilty", "reprimand"), (2, "guilty", "demotion")),
    )
    assert exc.kind == "field" and exc.refusals[0].field == "findings"
    assert "charge 3" in str(exc)


@pytest.mark.parametrize(
    "rows",
    [
        findings((1, "guilty", None), (2, "guilty", "demotion"), (3, "not_guilty", None)),
        findings((1, "not_guilty", "reprimand"), (2, "guilty", "demotion"),
                 (3, "not_guilty", None)),
    ],
    ids=["guilty-without-penalty", "penalty-without-guilt"],
)  # fmt: skip
def test_19_11_2_one_penalty_per_charge_found_proven_none_otherwise(rows):
    exc = refusal("dc_meeting", "record_decision", DC, findings=rows)
    assert [r.cite for r in exc.refusals] == ["19.11.2"]


def test_19_11_2_two_penalties_on_one_charge_are_refused():
    rows = findings((1, "guilty", None), (2, "guilty", "demotion"), (3, "not_guilty", None))
    rows[0]["penalty"] = ["reprimand", "fine"]
    exc = refusal("dc_meeting", "record_decision", DC, findings=rows)
    assert exc.refusals[0].field == "findings"
    assert "one penalty per charge (19.11.2)" in str(exc)


def test_19_11_2_findings_from_flat_form_fields_are_one_per_charge():
    fields = {k: v for k, v in VALID["record_decision"].items() if k != "findings"}
    raw = {
        **fields,
        "findings__1__finding": "guilty",
        "findings__1__penalty": "fine",
        "findings__2__finding": "guilty",
        "findings__2__penalty": "dismissal",
        "findings__3__finding": "not_guilty",
        "findings__3__penalty": "",
    }
    _, typed = PROCESS.check("dc_meeting", "record_decision", DC, context(), raw)
    assert typed["findings"] == findings(
        (1, "guilty", "fine"), (2, "guilty", "dismissal"), (3, "not_guilty", None)
    )


@pytest.mark.parametrize(
    ("charge", "penalty", "allowed"),
    [
        (2, "reprimand", False),  # offence 3, Major
        (2, "increment_deduction_minor", False),
        (2, "reassignment", True),
        (2, "dismissal", True),
        (1, "demotion", False),  # offence 11, Minor
        (1, "fine", True),
        (3, "reprimand", True),  # offence 15, Minor/Major: the HRC chooses
        (3, "compulsory_retirement", True),
    ],
)
def test_19_11_3_the_penalty_matches_the_classification_of_the_offence(charge, penalty, allowed):
    rows = findings((1, "guilty", "reprimand"), (2, "guilty", "demotion"), (3, "not_guilty", None))
    rows[charge - 1] = {"charge": charge, "finding": "guilty", "penalty": penalty}
    if allowed:
        check("dc_meeting", "record_decision", DC, findings=rows)
    else:
        exc = refusal("dc_meeting", "record_decision", DC, findings=rows)
        assert [r.cite for r in exc.refusals] == ["19.11.3"]


CONVICTED = {
    **CHARGED,
    "charges": [
        {"no": 1, "offence": 1, "classification": "Major"},  # conviction, official functions
        {"no": 2, "offence": 2, "classification": "Major"},  # conviction, anything else
    ],
}


@pytest.mark.parametrize(
    ("item", "penalty", "refused_with"),
    [
        (1, "dismissal", None),
        (1, "compulsory_retirement", "19.11.7"),
        (1, "demotion", "19.11.7"),
        (2, "compulsory_retirement", None),
        (2, "dismissal", "19.11.8"),
        (2, "reassignment", "19.11.8"),
    ],
)
def test_19_11_7_and_19_11_8_a_court_conviction_fixes_the_penalty(item, penalty, refused_with):
    prescribed = {1: "dismissal", 2: "compulsory_retirement"}
    rows = findings((1, "guilty", prescribed[1]), (2, "guilty", prescribed[2]))
    rows[item - 1]["penalty"] = penalty
    ctx = context(data=CONVICTED)
    if refused_with is None:
        check("dc_meeting", "record_decision", DC, ctx, findings=rows)
    else:
        exc = refusal("dc_meeting", "record_decision", DC, ctx, findings=rows)
        assert [r.cite for r in exc.refusals] == [refused_with]


def test_19_11_7_a_conviction_charge_found_not_proven_carries_no_penalty():
    rows = findings((1, "not_guilty", None), (2, "guilty", "compulsory_retirement"))
    check("dc_meeting", "record_decision", DC, context(data=CONVICTED), findings=rows)


# ---------------------------------------------------------- 19.8.2.4 execution


def test_19_8_2_4_i_only_the_hrc_chair_endorses_or_returns_the_decision():
    for trigger, dest in (("endorse_decision", "endorsed"), ("return_to_dc", "dc_meeting")):
        assert destination("awaiting_endorsement", trigger, CHAIR) == (dest, "19.8.2.4(i)")
        exc = refusal("awaiting_endorsement", trigger, DC)
        assert exc.kind == "authority"


def test_19_8_2_4_ii_endorsement_arms_communication_within_five_working_days():
    step, _ = check("awaiting_endorsement", "endorse_decision", CHAIR)
    (arm,) = step.arms
    assert (arm.kind, arm.working_days, arm.from_field) == (
        "decision_communication_due",
        5,
        "endorsed_on",
    )


def test_19_8_2_4_iv_a_copy_of_the_decision_letter_goes_to_the_rcsc():
    exc = refusal("endorsed", "communicate_decision", CHAIR, copy_to_rcsc=False)
    assert [r.cite for r in exc.refusals] == ["19.8.2.4(iv)"]
    assert destination("endorsed", "communicate_decision", CHAIR) == ("decided", "19.8.2.4(ii)")


def test_19_8_2_4_iii_the_letter_is_signed_by_the_chair_not_a_member():
    exc = refusal("endorsed", "communicate_decision", DC)
    assert exc.kind == "authority"


# ---------------------------------------------------------------------- 19.12 appeal

WINDOW_CLOSES = date(2026, 12, 29)


@pytest.mark.parametrize(
    ("lodged_on", "allowed"),
    [("2026-12-15", True), ("2026-12-29", True), ("2026-12-30", False), ("2027-01-11", False)],
)
def test_19_12_2_appeal_within_ten_working_days_of_receiving_the_decision(lodged_on, allowed):
    # Recorded on the day it was lodged: a lodging date cannot lie in the future.
    ctx = context(due={"appeal_window": WINDOW_CLOSES}, today=date.fromisoformat(lodged_on))
    if allowed:
        dest = destination("decided", "lodge_appeal", RESPONDENT, ctx, appeal_lodged_on=lodged_on)
        assert dest == ("appeal", "19.12.2")
    else:
        exc = refusal("decided", "lodge_appeal", RESPONDENT, ctx, appeal_lodged_on=lodged_on)
        assert exc.kind == "guard" and [r.cite for r in exc.refusals] == ["19.12.2"]


def test_dates_of_what_happened_cannot_lie_in_the_future():
    ctx = context(due={"appeal_window": WINDOW_CLOSES}, today=date(2026, 12, 20))
    exc = refusal("decided", "lodge_appeal", RESPONDENT, ctx, appeal_lodged_on="2026-12-21")
    assert exc.kind == "field" and exc.refusals[0].field == "appeal_lodged_on"
    assert "cannot be later than today" in exc.refusals[0].reason


def test_19_12_2_only_the_respondent_appeals_their_own_case():
    exc = refusal("decided", "lodge_appeal", OTHER_RESPONDENT)
    assert exc.kind == "authority"


def test_19_12_2_the_decision_becomes_final_only_by_the_timer():
    (step,) = PROCESS.steps_from("decided", "decision_becomes_final")
    assert step.timer_only and step.dest == "closed"


def test_19_12_3_the_appellate_authority_must_examine_due_process():
    exc = refusal("appeal", "decide_appeal", RCSC, due_process_examined=False)
    assert [r.cite for r in exc.refusals] == ["19.12.3"]


@pytest.mark.parametrize(
    ("outcome", "dest", "cite"),
    [
        ("upheld", "closed", "19.12.4"),
        ("quashed", "closed", "19.12.4"),
        ("remanded", "dc_meeting", "19.8.3"),
    ],
)
def test_19_12_4_the_appellate_decision_records_the_branch_taken(outcome, dest, cite):
    assert destination("appeal", "decide_appeal", RCSC, appeal_outcome=outcome) == (dest, cite)


def test_19_8_3_a_remand_gives_the_dc_thirty_days_again():
    step, _ = check("appeal", "decide_appeal", RCSC, appeal_outcome="remanded")
    assert [(a.kind, a.days) for a in step.arms] == [("meeting_conclusion_due", 30)]


# ----------------------------------------------------------------- 19.9 suspension

HEARD = {**CHARGED, "pre_suspension_hearing_on": D}


def test_19_9_3_suspension_needs_a_pre_suspension_hearing_first():
    exc = refusal("investigating", "suspend", DC)
    assert [r.cite for r in exc.refusals] == ["19.9.3"]
    dest = destination("investigating", "hold_pre_suspension_hearing", DC)
    assert dest == ("investigating", "19.9.3")
    dest = destination("investigating", "suspend", DC, context(data=HEARD))
    assert dest == ("investigating", "19.9.6")


@pytest.mark.parametrize("trigger", ["hold_pre_suspension_hearing", "suspend"])
def test_19_9_2_only_the_rcsc_suspends_a_civil_servant_in_esc(trigger):
    ctx = context(EX2_MINISTRY, data=HEARD)
    exc = refusal("investigating", trigger, CHAIR, ctx)
    assert exc.kind == "authority" and exc.refusals[0].cite == "19.9.2"
    check("investigating", trigger, RCSC, ctx)


def test_19_9_6_the_suspension_order_is_notified_to_the_rcsc():
    exc = refusal("investigating", "suspend", DC, context(data=HEARD), rcsc_notified=False)
    assert [r.cite for r in exc.refusals] == ["19.9.6"]


def test_19_9_12_a_suspension_stays_until_revoked_and_is_not_doubled():
    suspended = context(data={**HEARD, "suspended": True})
    exc = refusal("investigating", "suspend", DC, suspended)
    assert [r.cite for r in exc.refusals] == ["19.9.12"]
    assert destination("investigating", "revoke_suspension", DC, suspended) == (
        "investigating",
        "19.9.12",
    )
    exc = refusal("investigating", "revoke_suspension", DC)
    assert [r.cite for r in exc.refusals] == ["19.9.12"]


def test_19_9_suspension_only_alongside_an_open_enquiry():
    for state in ("received", "adr", "decided", "appeal", "closed"):
        assert not PROCESS.steps_from(state, "suspend"), state


def test_19_9_14_a_case_is_decided_at_once_when_the_respondent_dies():
    for state in ("notice_served", "investigating", "decided", "appeal"):
        assert destination(state, "decide_on_death", CHAIR) == ("closed", "19.9.14")


# --------------------------------------------------------- 19.10 summary proceedings


def test_19_10_1_the_hrc_recommends_and_only_the_rcsc_retires_summarily():
    assert destination("received", "recommend_summary", CHAIR) == (
        "summary_recommended",
        "19.10.1",
    )
    for who in (CHAIR, DC, MOH_APPEAL, MOH_WITH_RCSC_ROLE):
        exc = refusal("summary_recommended", "summary_retire", who)
        assert exc.kind == "authority" and exc.refusals[0].cite == "19.10.1"
    assert destination("summary_recommended", "summary_retire", RCSC) == (
        "retired_summarily",
        "19.10.1",
    )
    assert destination("summary_recommended", "decline_summary", RCSC) == (
        "enquiry_directed",
        "19.10.1",
    )


def test_19_10_1_summary_proceedings_are_not_open_once_investigation_starts():
    for state in ("investigating", "dc_meeting", "decided"):
        assert not PROCESS.steps_from(state, "recommend_summary")


# ------------------------------------------------------------ what each actor sees


MS_INVESTIGATING = {**CHARGED, "investigated_by": "member_secretary"}


@pytest.mark.parametrize(
    ("state", "who", "data", "offered"),
    [
        ("received", CHAIR, CHARGED, {"dismiss_complaint", "refer_to_adr", "direct_enquiry",
                                      "recommend_summary", "decide_on_death"}),
        ("received", HR, CHARGED, set()),
        ("received", RCSC, CHARGED, set()),
        ("notice_served", RESPONDENT, CHARGED, {"submit_explanation"}),
        ("decided", RESPONDENT, CHARGED, {"lodge_appeal"}),
        ("decided", CHAIR, CHARGED, {"decide_on_death"}),
        ("summary_recommended", RCSC, CHARGED, {"summary_retire", "decline_summary"}),
        ("investigating", INVESTIGATOR, MS_INVESTIGATING,
         {"escalate_to_committee", "complete_investigation"}),
        # 19.8.2.2(iv): once with the committee, there is nothing to escalate
        ("investigating", INVESTIGATOR, {**CHARGED, "investigated_by": "investigation_committee"},
         {"complete_investigation"}),
        # 19.9.3: no suspension order is offered before the pre-suspension hearing
        ("investigating", CHAIR, MS_INVESTIGATING,
         {"escalate_to_committee", "extend_investigation", "complete_investigation",
          "hold_pre_suspension_hearing", "decide_on_death"}),
        ("investigating", CHAIR, HEARD,
         {"extend_investigation", "complete_investigation", "hold_pre_suspension_hearing",
          "suspend", "decide_on_death"}),
        ("investigating", CHAIR, {**HEARD, "suspended": True},
         {"extend_investigation", "complete_investigation", "revoke_suspension",
          "decide_on_death"}),
        ("closed", CHAIR, CHARGED, set()),
    ],
)  # fmt: skip
def test_each_actor_is_offered_only_the_steps_the_rules_give_them(state, who, data, offered):
    assert {s.trigger for s in PROCESS.available(state, who, context(data=data))} == offered
