"""Rule versions and declared readings (BCSR 2023 section 1.7: "The authority for amendment
and interpretation of any provision under the BCSR 2023 shall vest with the RCSC"): every
version stays, each case runs on its own, a version is a revision of the one before, and
both sides of each declared reading give their own answer. No database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from workflows import disciplinary, eol, ltt, readings, registry, revision, secondment
from workflows import roles as R
from workflows.context import Actor, Context, Refused, Subject
from workflows.eligibility import evaluate
from workflows.engine import Process
from workflows.obligations import INSIDE, INSIDE_OTHER, OUTSIDE, owes_return_service
from workflows.profile import Profile

SUBJECT = Subject("E100", "Dorji", "P3", "MOH", "ministry")
DC = Actor(2, "dc", frozenset({R.DC_MEMBER}), "MOH")
RCSC = Actor(6, "rcsc", frozenset({R.RCSC}), "RCSC")
TODAY = date(2026, 12, 15)


def ctx(data: dict[str, Any] | None = None, **kw: Any) -> Context:
    return Context(subject=SUBJECT, data=data or {}, fields={}, today=TODAY, **kw)


def reading_as(process: Process, reading: readings.Reading, option: str) -> Process:
    """``process`` with one reading changed: a new version, as the RCSC would issue it."""
    return revision.revise(
        process,
        version=f"{process.version}-{option}",
        effective_from=date(2030, 1, 1),
        changes=f"{reading.id} read as {option}",
        readings=(readings.InForce(reading, option, "test"),),
    )


# ------------------------------------------------------------------ versions


def test_a_case_opens_on_the_version_in_force_on_its_opening_day():
    """1.2.2 "The Rule shall come into effect on 17 December 2023"; 2023.2 from 7 Dec 2026."""
    assert registry.in_force("disciplinary", date(2026, 12, 6)).version == "2023.1"
    assert registry.in_force("disciplinary", date(2026, 12, 7)).version == "2023.2"
    assert registry.in_force("eol", date(2026, 12, 6)).version == "2023.1"
    first = registry.versions("disciplinary")[0]
    assert first.effective_from == date(2023, 12, 17)


def test_every_version_of_every_process_is_listed_and_reachable_by_its_number():
    for key in registry.keys():
        for v in registry.versions(key):
            assert registry.version(key, v.version) is v
    with pytest.raises(KeyError):
        registry.version("disciplinary", "1999.1")


def test_a_revision_names_real_steps_and_comes_into_force_later():
    with pytest.raises(ValueError, match="no step 'no_such'"):
        revision.revise(
            disciplinary.PROCESS,
            version="x",
            effective_from=date(2030, 1, 1),
            changes="x",
            remove=("no_such",),
        )
    with pytest.raises(ValueError, match="after 2023.1"):
        revision.revise(
            disciplinary.PROCESS, version="x", effective_from=date(2020, 1, 1), changes="x"
        )


def test_the_difference_between_2023_1_and_2023_2_names_each_change_with_its_section():
    first, second = registry.versions("disciplinary")[:2]
    changes = {(c.what, c.how, c.name): c for c in revision.diff(first, second)}
    dismiss = changes[("step", "changed", "dismiss_case")]
    assert dismiss.cite == "19.8.2.1(iii)"
    assert any("explanation" in d and "(19.8.2.1(iii))" in d for d in dismiss.details)
    order = changes[("step", "changed", "order_investigation")].details
    assert any("directive_received_on" in d and d.startswith("deadline added") for d in order)
    for trigger in ("convene_meeting", "return_to_dc", "decide_appeal"):
        details = changes[("step", "changed", trigger)].details
        assert (
            "deadline removed: DC meeting to conclude: 30 days from the day of the step "
            "(19.8.2.3(vi))"
        ) in details
    appeal = changes[("step", "changed", "decide_appeal")].details
    assert "to state added: appeal_decided" in appeal  # 19.8.3: executed by its own DC
    assert appeal[-1].startswith("competent body: 19.3.7, read by who decided")
    assert changes[("step", "added", "execute_appeal_decision")].cite == "19.8.3"
    assert revision.diff(first, first) == []


def test_a_dismissal_on_a_lapsed_explanation_is_refused_only_from_2023_2():
    """19.8.2.1(iii): "The Disciplinary Committee may dismiss the case when the respondent
    civil servant's explanation proves beyond reasonable doubt that the administrative
    charge(s) is/are without basis." A case on 2023.1 keeps 2023.1's rule."""
    first, second = registry.versions("disciplinary")[:2]
    lapsed = ctx({"charges": [{"no": 1}]})
    raw = {"reasons": "r", "beyond_reasonable_doubt": True}
    assert "dismiss_case" in {s.trigger for s in first.available("explained", DC, lapsed)}
    assert "dismiss_case" not in {s.trigger for s in second.available("explained", DC, lapsed)}
    with pytest.raises(Refused) as refused:
        second.check("explained", "dismiss_case", DC, lapsed, raw)
    assert refused.value.refusals[0].cite == "19.8.2.1(iii)"
    explained = ctx({"explanation": "I was on approved leave."})
    step, _ = second.check("explained", "dismiss_case", DC, explained, raw)
    assert step.dest == "dismissed"


# ------------------------------------------------------------------ readings


@pytest.mark.parametrize(
    ("option", "days", "allowed"),
    [("total", 30, True), ("total", 31, False), ("beyond", 45, True), ("beyond", 46, False)],
)
def test_19_8_2_2_vi_the_extension_under_each_reading(option: str, days: int, allowed: bool):
    """19.8.2.2(vi): "The investigation shall be completed within 15 days from its
    commencement. The Disciplinary Committee may extend the investigation period if required
    for a maximum period of 30 days": 30 in total, or up to 30 beyond the first 15."""
    process = reading_as(disciplinary.PROCESS, readings.INVESTIGATION_EXTENSION, option)
    raw = {"total_days": days, "extension_reason": "Witness abroad"}
    c = ctx({"commenced_on": "2026-12-01"})
    if allowed:
        step, _ = process.check("investigating", "extend_investigation", DC, c, raw)
        assert step.trigger == "extend_investigation"
        return
    with pytest.raises(Refused) as refused:
        process.check("investigating", "extend_investigation", DC, c, raw)
    [r] = refused.value.refusals
    assert r.cite == "19.8.2.2(vi)"
    assert f"reading R-19.8.2.2-vi: {readings.INVESTIGATION_EXTENSION.option(option).does}" in (
        r.reason
    )
    # A reading kept from the first version keeps its day; a changed one starts anew.
    since = "Sun 17 Dec 2023" if option == "total" else "Tue 01 Jan 2030"
    assert f"in force since {since}" in r.reason


CONDONING = [
    (eol.PROCESS, readings.EOL_NOT_REJOINED, {"reasons": "Flood", "rejoin_by": "2026-12-20"}),
    (secondment.PROCESS, readings.SECONDMENT_NOT_REJOINED, {"reasons": "Flight cancelled"}),
    (ltt.PROCESS, readings.LTT_LATE_REPORTING, {"reasons": "Visa delay"}),
]


@pytest.mark.parametrize(
    ("process", "reading", "raw"), CONDONING, ids=lambda x: getattr(x, "id", "")
)
def test_shall_be_compulsorily_retired_under_each_reading(process, reading, raw):
    """8.12.15 "shall be compulsorily retired", 13.10.6.4 "shall be compulsorily retired",
    7.7.8.1(v) "Compulsory retirement from the service": mandatory, or open to condonation
    (8.15.2: "should the HRC of the Agency be convinced that the civil servant has remained
    absent due to unavoidable circumstances and deserves regularisation")."""
    assert process.reading(reading.id) == "condonable"  # the first versions' reading
    strict = reading_as(process, reading, "mandatory")
    [condone] = process.branches("condone")
    [guard] = [g for g in condone.guards if g.under and g.under[0] == reading.id]
    assert not process.binds(guard) and strict.binds(guard)
    assert guard.precheck  # not offered at all where it binds
    assert strict.because(guard).endswith(
        f"(reading {reading.id}: compulsory retirement is mandatory: no condonation, "
        "in force since Tue 01 Jan 2030)"
    )
    if process is secondment.PROCESS:  # the RCSC decides (13.10.6.4): the whole check
        c = ctx({"end_on": "2026-12-01"})
        assert "condone" in {s.trigger for s in process.available("retirement_proposed", RCSC, c)}
        assert "condone" not in {
            s.trigger for s in strict.available("retirement_proposed", RCSC, c)
        }
        with pytest.raises(Refused) as refused:
            strict.check("retirement_proposed", "condone", RCSC, c, raw)
        assert refused.value.refusals[0].cite == "13.10.6.4"


def test_13_10_3_1_a_penalty_whose_term_is_over_under_each_reading():
    """13.10.3.1: "Has a clean service record with no outstanding dues, audit memos, or
    administrative penalties": no penalty ever (unless revoked), or none in force."""
    record = Profile(
        eid="E100",
        name="Dorji",
        date_of_birth=date(1985, 1, 1),
        level="P3",
        agency="MOH",
        appointment_date=date(2010, 1, 1),
        penalties_in_force=0,
        penalties_on_record=1,
    )
    proposal = {"start_on": "2027-03-01", "end_on": "2028-02-28"}

    def cites(process: Process) -> list[str]:
        return [
            u.reason
            for u in evaluate(process.eligibility, record, proposal, TODAY, version=process)
            if u.cite == "13.10.3.1"
        ]

    assert cites(secondment.PROCESS) == []
    strict = reading_as(secondment.PROCESS, readings.CLEAN_RECORD, "ever")
    [reason] = cites(strict)
    assert reason.startswith("no administrative penalty on the record: 1 penalty(ies)")
    assert "reading R-13.10.3.1" in reason


@pytest.mark.parametrize(
    ("location", "option", "owes"),
    [
        (OUTSIDE, "international_only", True),
        (INSIDE, "international_only", True),
        (INSIDE_OTHER, "international_only", False),
        (INSIDE_OTHER, "any", True),
    ],
)
def test_13_10_6_2_the_return_obligation_under_each_reading(location, option, owes):
    """13.10.6.2: "A civil servant, upon return from secondment from International
    Organisations within Bhutan shall be required to serve the Civil Service equivalent to
    the duration of secondment period"."""
    assert owes_return_service(location, option) is owes


def test_every_declared_reading_is_applied_by_a_version_with_its_reason():
    seen = {r.reading.id: r for v in registry.every_version() for r in v.readings}
    assert set(seen) == {r.id for r in readings.ALL}
    assert all(r.why and r.since for r in seen.values())


# ------------------------------------------------------- 19.3.7 in 2023.2


def appeal_ctx(subject: Subject) -> Context:
    return Context(subject=subject, data={"charges": [{"no": 1}]}, fields={}, today=TODAY)


APPEAL = {
    "appeal_outcome": "upheld",
    "due_process_examined": True,
    "appeal_reasons": "The committee followed due process.",
}
RCSC_STAFF = Subject("E100", "Dorji", "P3", "RCSC", "rcsc")
ORPHAN_DEPARTMENT = Subject("E100", "Dorji", "P3", "DOX", "department", None)
TRIBUNAL = Actor(7, "at", frozenset({R.APPELLATE}), "AT")
RCSC_APPEAL = Actor(6, "rcsc", frozenset({R.RCSC, R.APPELLATE}), "RCSC")


def test_19_3_7_an_appeal_against_the_rcsc_s_own_decision_goes_to_the_tribunal():
    """19.3.7: "Administrative Tribunal: For appeal cases against the decision of the RCSC."
    The RCSC decides a case of its own staff (19.3.4: the agency's committee); from 2023.2
    the appeal goes to the Tribunal, so one body never decides a case and its appeal."""
    first, second = registry.versions("disciplinary")[:2]
    c = appeal_ctx(RCSC_STAFF)
    assert disciplinary.disciplinary_body(c).agencies == ("RCSC",)
    step, _ = first.check("appeal", "decide_appeal", RCSC_APPEAL, c, APPEAL)  # 2023.1 kept
    step, _ = second.check("appeal", "decide_appeal", TRIBUNAL, c, APPEAL)
    assert step.dest == "appeal_decided"  # executed next by the Tribunal's committee (19.8.3)
    with pytest.raises(Refused) as refused:
        second.check("appeal", "decide_appeal", RCSC_APPEAL, c, APPEAL)
    assert (refused.value.kind, refused.value.refusals[0].cite) == ("authority", "19.3.7")


def test_19_3_7_a_department_with_no_ministry_recorded_has_no_appellate_body_until_fixed():
    """19.3.7: "Ministry: For appeal cases against the decision of Departments and
    Dzongkhags." With no ministry recorded, 2023.2 refuses naming the fix; 2023.1 fell back
    to the RCSC."""
    first, second = registry.versions("disciplinary")[:2]
    c = appeal_ctx(ORPHAN_DEPARTMENT)
    first.check("appeal", "decide_appeal", RCSC_APPEAL, c, APPEAL)
    with pytest.raises(Refused) as refused:
        second.check("appeal", "decide_appeal", RCSC_APPEAL, c, APPEAL)
    [r] = refused.value.refusals
    assert r.cite == "19.3.7" and "no parent ministry recorded" in r.reason
    assert "decide_appeal" not in {s.trigger for s in second.available("appeal", RCSC_APPEAL, c)}


# ------------------------------------------- 19.11.7-8 and 19.10.1 in 2023.2

CONVICTED = {
    "opened_by": "court_judgement",
    "narration": "Convicted of embezzlement by the Thimphu District Court.",
    "charges": [{"no": 1, "offence": 1, "classification": "Major"}],
}
SCREENER = Actor(1, "hr", frozenset({R.HR_OFFICER, R.HRC_CHAIR, R.DC_MEMBER}), "MOH")


def refusal_cites(process: Process, state: str, trigger: str, c: Context, raw) -> set[str]:
    try:
        process.check(state, trigger, SCREENER, c, raw)
    except Refused as exc:
        return {r.cite for r in exc.refusals}
    return set()


def test_19_11_7_a_case_on_a_court_conviction_is_not_for_adr_dismissal_or_acquittal():
    """19.11.7: "A civil servant shall be terminated from service if he is convicted by the
    Court of Law for a criminal offence of a misdemeanour and above for offences related to
    discharge of official functions." The committee applies the prescribed penalty."""
    first, second = registry.versions("disciplinary")[:2]
    c = ctx(CONVICTED)
    adr = {"adr_method": "counselling", "adr_officer": "Sonam"}
    assert "19.11.7, 19.11.8" not in refusal_cites(first, "received", "refer_to_adr", c, adr)
    assert "19.11.7, 19.11.8" in refusal_cites(second, "received", "refer_to_adr", c, adr)
    assert "refer_to_adr" not in {s.trigger for s in second.available("received", SCREENER, c)}
    acquittal = {
        "meeting_on": "2026-12-15",
        "hearing": "heard",
        "members_present": "five",
        "findings": [{"charge": 1, "finding": "not_guilty", "penalty": None}],
        "decision_reasons": "r",
    }
    assert "19.11.7, 19.11.8" in refusal_cites(
        second, "dc_meeting", "record_decision", c, acquittal
    )
    assert "19.11.7, 19.11.8" not in refusal_cites(
        first, "dc_meeting", "record_decision", c, acquittal
    )


def test_19_10_1_the_agency_hrc_recommends_summary_retirement_of_an_executive():
    """19.10.1: "The RCSC, upon the recommendation of the HR Committee of the Agency, may
    compulsorily retire a civil servant without formal investigation"."""
    first, second = registry.versions("disciplinary")[:2]
    executive = Context(
        subject=Subject("E100", "Dorji", "ES1", "MOH", "ministry"), data={}, fields={}, today=TODAY
    )
    chair = Actor(3, "chair", frozenset({R.HRC_CHAIR}), "MOH")
    raw = {"summary_ground": "19.10.1.1", "summary_evidence": "Three years of warnings."}
    with pytest.raises(Refused) as refused:
        first.check("received", "recommend_summary", chair, executive, raw)
    assert refused.value.kind == "authority"
    step, _ = second.check("received", "recommend_summary", chair, executive, raw)
    assert step.dest == "summary_recommended"
    with pytest.raises(Refused) as refused:
        second.check("received", "recommend_summary", RCSC_APPEAL, executive, raw)
    assert refused.value.refusals[0].cite == "19.10.1"


def test_19_5_1_2_a_written_complaint_needs_its_documentary_evidence_from_2023_2():
    """19.5.1.2: "On written complaint supported with sufficient documentary evidence by any
    person"."""
    first, second = registry.versions("disciplinary")[:2]
    hr = Actor(1, "hr", frozenset({R.HR_OFFICER}), "MOH")
    raw = {
        "opened_by": "written_complaint",
        "complainant_name": "Karma Wangmo",
        "complainant_address": "Changzamtog",
        "respondent_address": "Motithang",
        "narration": "Absent without leave.",
        "received_on": "2026-12-15",
    }
    first.check("new", "open", hr, ctx(), raw)
    with pytest.raises(Refused) as refused:
        second.check("new", "open", hr, ctx(), raw)
    assert [r.cite for r in refused.value.refusals] == ["19.5.1.2"]
    second.check("new", "open", hr, ctx(), {**raw, "evidence": "Attendance register"})


def test_schedule_19a_a_proven_asterisked_offence_names_the_accountable_supervisor():
    """Schedule 19/A: "The Supervisor shall be accountable and liable for administrative
    sanction for all the offences with asterisk (*) in the above table." (3.5.3)"""
    first, second = registry.versions("disciplinary")[:2]
    c = ctx({"charges": [{"no": 1, "offence": 3, "classification": "Major"}]})
    raw = {
        "meeting_on": "2026-12-15",
        "hearing": "heard",
        "members_present": "five",
        "findings": [{"charge": 1, "finding": "guilty", "penalty": "demotion"}],
        "decision_reasons": "Proven.",
    }
    assert "Schedule 19/A" not in refusal_cites(first, "dc_meeting", "record_decision", c, raw)
    assert "Schedule 19/A" in refusal_cites(second, "dc_meeting", "record_decision", c, raw)
    named = {**raw, "accountable_supervisor": "Sonam Dorji, Chief Store Officer"}
    assert "Schedule 19/A" not in refusal_cites(second, "dc_meeting", "record_decision", c, named)


# ---------------------------------------- 19.2.4, 19.12.1, 19.8.3 in 2023.2

RESPONDENT = Actor(9, "respondent", frozenset({R.RESPONDENT}), None, employee_eid="E100")


def offered(process: Process, state: str, actor: Actor, c: Context) -> set[str]:
    return {s.trigger for s in process.available(state, actor, c)}


def test_19_2_4_a_summary_retirement_is_final_in_2023_1_and_appealable_in_2023_2():
    """19.2.4: "To an appeal or review of a disciplinary decision"; 19.3.7: "Administrative
    Tribunal: For appeal cases against the decision of the RCSC"."""
    first, second = registry.versions("disciplinary")[:2]
    assert first.is_final("retired_summarily") and not second.is_final("retired_summarily")
    c = ctx({"decided_by": {"agencies": ["RCSC"], "cite": "19.10.1"}})
    assert offered(first, "retired_summarily", RESPONDENT, c) == set()
    assert offered(second, "retired_summarily", RESPONDENT, c) == {"lodge_appeal"}
    assert disciplinary.appellate_body_by_decider(c).agencies == ("AT",)
    assert second.reading(readings.SUMMARY_APPEAL_WINDOW.id) == "ten_working_days"


def test_19_12_1_an_oversight_appeal_after_the_window_exists_only_from_2023_2():
    """19.12.1: "In the event an aggrieved civil servant or oversight Agency has observed
    inconsistencies in the disciplinary action, the case may be appealed to the Appellate
    Authority" (no time is set for the oversight agency)."""
    first, second = registry.versions("disciplinary")[:2]
    lapsed = ctx({"last_step": "decision_becomes_final"})
    assert "lodge_oversight_appeal" not in first.triggers()
    assert offered(second, "closed", RCSC, lapsed) == {"lodge_oversight_appeal"}
    after_appeal = ctx({"last_step": "execute_appeal_decision"})
    assert offered(second, "closed", RCSC, after_appeal) == set()
    assert second.reading(readings.OVERSIGHT_APPEAL.id) == "no_limit"


def test_19_8_3_a_varied_appellate_decision_exists_only_from_2023_2():
    """19.8.3: "In appeal cases, the Disciplinary Committee of the Appellate Authority shall
    execute the decision rendered by the Appellate Authority": 2023.1 closed the case on the
    decision and sent a remand to the committee that first decided; 2023.2 decides (upheld,
    varied charge by charge, quashed, remanded) and the appellate body's committee executes."""
    first, second = registry.versions("disciplinary")[:2]
    c = Context(
        subject=SUBJECT,
        data={"charges": [{"no": 1, "offence": 11, "classification": "Minor"}]},
        fields={},
        today=TODAY,
    )
    varied = {
        **APPEAL,
        "appeal_outcome": "varied",
        "appellate_findings": [{"charge": 1, "finding": "not_guilty", "penalty": None}],
    }
    with pytest.raises(Refused) as refused:
        first.check("appeal", "decide_appeal", RCSC_APPEAL, c, varied)
    assert refused.value.kind == "field"
    step, _ = second.check("appeal", "decide_appeal", RCSC_APPEAL, c, varied)
    assert step.dest == "appeal_decided"
    remanded = Context(
        subject=SUBJECT,
        data={"appeal_outcome": "remanded", "appellate_body": {"agencies": ["RCSC"]}},
        fields={},
        today=TODAY,
    )
    raw = {
        "executed_on": "2026-12-15",
        "execution_letter_no": "RCSC/AP/1",
        "appeal_decision_received_on": "2026-12-15",
    }
    step, _ = second.check("appeal_decided", "execute_appeal_decision", RCSC, remanded, raw)
    assert (step.dest, step.cite) == ("dc_meeting", "19.8.3")
    with pytest.raises(Refused) as refused:
        second.check("appeal_decided", "execute_appeal_decision", DC, remanded, raw)
    assert (refused.value.kind, refused.value.refusals[0].cite) == ("authority", "19.8.3")
    [first_remand] = [s for s in first.branches("decide_appeal") if s.dest == "dc_meeting"]
    assert first_remand.by == frozenset({R.APPELLATE})  # 2023.1: no execution step


def test_19_12_5_only_the_tribunal_s_decision_goes_on_to_the_courts_from_2023_2():
    """19.12.5: "if not satisfied with the decision of the ultimate Appellate Authority,
    namely, Administrative Tribunal, may appeal against such decision to the High Court or
    Supreme Court"."""
    first, second = registry.versions("disciplinary")[:2]
    executed = {"outcome": "upheld", "cite": "19.8.3"}
    by_tribunal = ctx({"appellate_body": {"agencies": ["AT"]}, "appeal_executed": executed})
    by_rcsc = ctx({"appellate_body": {"agencies": ["RCSC"]}, "appeal_executed": executed})
    assert "lodge_court_appeal" not in first.triggers()
    assert "lodge_court_appeal" in offered(second, "closed", RESPONDENT, by_tribunal)
    assert "lodge_court_appeal" not in offered(second, "closed", RESPONDENT, by_rcsc)


# ----------------------------------------- 19.11.13.4, 19.9.7, 19.11.13.2-3, 19.11.11

DECISION = {
    "meeting_on": "2026-12-15",
    "hearing": "heard",
    "members_present": "five",
    "decision_reasons": "Proven.",
}
MINOR_CHARGE = {"charges": [{"no": 1, "offence": 11, "classification": "Minor"}]}


def record_with(minor: int) -> Profile:
    return Profile(
        "E100",
        "Dorji",
        date(1990, 1, 1),
        "P3",
        "MOH",
        date(2015, 1, 1),
        penalties_on_record=minor,
        minor_penalties_on_record=minor,
    )


def decided(penalty: str, **row: Any) -> dict[str, Any]:
    return {
        **DECISION,
        "findings": [{"charge": 1, "finding": "guilty", "penalty": penalty, **row}],
    }


def test_19_11_13_4_three_minor_penalties_on_record_lead_to_a_major_penalty():
    """19.11.13.4: "Three or more reprimands or minor penalties would lead to a major
    penalty." From 2023.2 a committee is led to a major penalty even for schedule row 11
    (the only purely Minor offence), which 19.11.3 otherwise keeps minor; 2023.1 refused it."""
    first, second = registry.versions("disciplinary")[:2]
    three, two = ctx(MINOR_CHARGE, record=record_with(3)), ctx(MINOR_CHARGE, record=record_with(2))
    assert "19.11.3" in refusal_cites(
        first, "dc_meeting", "record_decision", three, decided("demotion")
    )
    assert (
        refusal_cites(second, "dc_meeting", "record_decision", three, decided("demotion")) == set()
    )
    minor = refusal_cites(second, "dc_meeting", "record_decision", three, decided("reprimand"))
    assert minor == {"19.11.13.4"}
    assert (
        refusal_cites(first, "dc_meeting", "record_decision", three, decided("reprimand")) == set()
    )
    # Two on record: row 11 stays minor.
    assert refusal_cites(second, "dc_meeting", "record_decision", two, decided("demotion")) == {
        "19.11.3, 19.11.13.4"
    }
    assert (
        refusal_cites(second, "dc_meeting", "record_decision", two, decided("reprimand")) == set()
    )
    assert second.reading(readings.REPEATED_MINOR.id) == "leads"


ESC_HEARD = Context(
    subject=Subject("E100", "Dorji", "ES1", "MOH", "ministry"),
    data={"pre_suspension_hearing_on": "2026-12-14"},
    fields={},
    today=TODAY,
)
SUSPENSION = {
    "suspension_grounds": ["19.9.5.1"],
    "office_order_no": "RCSC/OO/1",
    "suspended_from": "2026-12-15",
    "gross_pay": "90000",
}


def test_19_9_7_the_rcsc_s_suspension_order_is_notified_to_the_agency():
    """19.9.7: "The civil servant and the Agency concerned shall be notified if the
    Suspension Order is issued by the RCSC." From 2023.2 the RCSC's order is refused until
    the agency is notified; 2023.1 asked only for the RCSC's own notification (19.9.6)."""
    first, second = registry.versions("disciplinary")[:2]
    first.check(
        "investigating", "suspend", RCSC_APPEAL, ESC_HEARD, {**SUSPENSION, "rcsc_notified": True}
    )
    with pytest.raises(Refused) as refused:
        second.check("investigating", "suspend", RCSC_APPEAL, ESC_HEARD, SUSPENSION)
    assert [r.cite for r in refused.value.refusals] == ["19.9.7"]
    second.check(
        "investigating", "suspend", RCSC_APPEAL, ESC_HEARD, {**SUSPENSION, "agency_notified": True}
    )
    # The agency's own order is still notified to the RCSC (19.9.6).
    agency = ctx({"pre_suspension_hearing_on": "2026-12-14"})
    with pytest.raises(Refused) as refused:
        second.check("investigating", "suspend", DC, agency, SUSPENSION)
    assert [r.cite for r in refused.value.refusals] == ["19.9.6"]


def test_19_11_13_2_a_fine_does_not_exceed_one_month_s_salary():
    """19.11.13.2: "Fine of an amount not exceeding one month's salary"; 19.11.1: failing to
    pay "within the specified time frame, shall levy 24 percent penalty per annum on the
    initial amount", so the decision names the day. 2023.1 took a fine with no amount."""
    first, second = registry.versions("disciplinary")[:2]
    c = ctx(MINOR_CHARGE)
    assert refusal_cites(first, "dc_meeting", "record_decision", c, decided("fine")) == set()
    assert refusal_cites(second, "dc_meeting", "record_decision", c, decided("fine")) == {
        "19.11.13.2",
        "19.11.1",
    }
    paid = {"monthly_salary": "40000", "fine_payable_by": "2027-01-15"}
    within = {**decided("fine", amount="40000"), **paid}
    assert refusal_cites(second, "dc_meeting", "record_decision", c, within) == set()
    over = {**decided("fine", amount="40000.01"), **paid}
    assert refusal_cites(second, "dc_meeting", "record_decision", c, over) == {"19.11.13.2"}
    stray = {**decided("reprimand", amount="100"), **paid}
    assert refusal_cites(second, "dc_meeting", "record_decision", c, stray) == {
        "19.11.13.2, 19.11.13.3"
    }


@pytest.mark.parametrize(
    ("penalty", "offence", "allowed", "refused"),
    [
        ("increment_deduction_minor", {"offence": 11, "classification": "Minor"}, (1, 2), (0, 3)),
        ("increment_deduction_major", {"offence": 8, "classification": "Major"}, (3, 5), (2, 6)),
    ],
)
def test_19_11_13_3_and_19_11_14_2_the_increments_deducted(penalty, offence, allowed, refused):
    """19.11.13.3: "Deduction of one/two increments from the current basic pay" (minor);
    19.11.14.2: "Deduction of three to five increments from the current basic pay" (major)."""
    first, second = registry.versions("disciplinary")[:2]
    c = ctx({"charges": [{"no": 1, **offence}]})
    assert refusal_cites(first, "dc_meeting", "record_decision", c, decided(penalty)) == set()
    for n in allowed:
        assert (
            refusal_cites(
                second, "dc_meeting", "record_decision", c, decided(penalty, increments=n)
            )
            == set()
        )
    for n in (None, *refused):
        row = {} if n is None else {"increments": n}
        assert refusal_cites(
            second, "dc_meeting", "record_decision", c, decided(penalty, **row)
        ) == {"19.11.13.3, 19.11.14.2"}


NOTICE = {
    "particulars": "As per the complaint",
    "prima_facie": True,
    "notice_received_on": "2026-12-15",
}
OTHER = {
    "other_offence": "Running a private tuition centre during office hours",
    "other_classification": "Major",
    "other_rule_breached": "BCSR 3.3.6 (private business)",
    "other_compared_with": "5",
}


def test_19_11_11_an_offence_outside_the_schedule_is_charged_with_its_own_classification():
    """19.11.11: "A civil servant can be charged with any other offences which are not
    covered in the Rule and shall be liable for the administrative penalties as may be
    determined by the RCSC/Disciplinary Committee of an Agency with a comparison to those
    offences/penalties covered in the Rule." 2023.1 knew only the schedule's rows."""
    first, second = registry.versions("disciplinary")[:2]
    with pytest.raises(Refused) as refused:
        first.check("enquiry_directed", "serve_notice", DC, ctx(), {**NOTICE, **OTHER})
    assert refused.value.kind == "field"
    second.check("enquiry_directed", "serve_notice", DC, ctx(), {**NOTICE, **OTHER})
    incomplete = {**NOTICE, **OTHER, "other_rule_breached": ""}
    assert refusal_cites(second, "enquiry_directed", "serve_notice", ctx(), incomplete) == {
        "19.11.11"
    }
    assert refusal_cites(second, "enquiry_directed", "serve_notice", ctx(), NOTICE) == {
        "19.8.2.1(i), 19.11.11"
    }
    # The committee's classification binds the penalty (19.11.3 as for a schedule row).
    other = ctx(
        {"charges": [{"no": 1, "offence": 0, "classification": "Major", "cite": "19.11.11"}]}
    )
    assert (
        refusal_cites(second, "dc_meeting", "record_decision", other, decided("demotion")) == set()
    )
    assert refusal_cites(second, "dc_meeting", "record_decision", other, decided("reprimand")) == {
        "19.11.3, 19.11.13.4"
    }
    assert [o.number for o in disciplinary.OFFENCES] == list(range(1, 34))  # rows unchanged


def test_19_11_13_4_under_each_reading():
    """R-19.11.13.4: "would lead to a major penalty": "leads" refuses a minor penalty once
    three are on record; "permits" lets the committee choose either weight."""
    leads = registry.versions("disciplinary")[1]
    permits = reading_as(leads, readings.REPEATED_MINOR, "permits")
    three = ctx(MINOR_CHARGE, record=record_with(3))
    minor, major = decided("reprimand"), decided("demotion")
    assert refusal_cites(leads, "dc_meeting", "record_decision", three, minor) == {"19.11.13.4"}
    assert refusal_cites(permits, "dc_meeting", "record_decision", three, minor) == set()
    assert refusal_cites(permits, "dc_meeting", "record_decision", three, major) == set()
