"""Chapter 19 as version 2023.2 of the disciplinary definition reads it, on the database:
what a committee following drukflow now sees happen to the civil servant's record."""

from __future__ import annotations

import functools
from datetime import date

import pytest

from cases.core.db import reading, transaction
from cases.core.models import CivilServant
from cases.review import documents
from workflows.context import Refused

# A reprimand on charge 1 and a dismissal (19.11.14.7) on charge 2 of the main path.
DISMISSED = [
    {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
    {"charge": 2, "finding": "guilty", "penalty": "dismissal"},
]


def test_19_11_14_a_dismissal_once_executed_separates_the_civil_servant_from_2023_2(world):
    """19.11.14 "Dismissal or termination of service without post-retirement and other
    benefits": once the decision is executed (19.8.2.4(ii)), the register shows the civil
    servant separated, with the penalty and its section (2023.2)."""
    case_id = world.walk_to("decided", findings=DISMISSED)
    assert world.case(case_id).process_version == "2023.2"
    with reading(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        assert cs.status == "separated" and cs.separated_on == world.clock.today
        assert cs.separation_reason.startswith("Dismissal or termination of service")
        assert "(BCSR 19.11.14" in cs.separation_reason


def test_19_9_14_an_acquittal_on_death_replaces_the_earlier_findings(world):
    """19.9.14: "the administrative case against him shall be immediately decided so that
    whatever benefits decided in his favour may be availed of by his family or legal
    nominees." Earlier guilty findings and their penalties do not outlive the decision."""
    from sqlmodel import select

    from cases.core.models import Penalty

    case_id = world.walk_to("decided")
    assert any(f["finding"] == "guilty" for f in world.data(case_id)["findings"])
    world.fire(
        case_id,
        "decide_on_death",
        "dc",
        died_on=world.today(),
        death_outcome="acquitted",
        reasons="Charges not established beyond the record.",
    )
    assert world.case(case_id).state == "closed"
    assert {f["finding"] for f in world.data(case_id)["findings"]} == {"not_guilty"}
    with reading(world.engine) as s:
        statuses = {p.status for p in s.exec(select(Penalty).where(Penalty.case_id == case_id))}
    assert statuses == {"revoked"}


# ------------------------------------------- 19.2.4, 19.3.7: appeal of a summary retirement


def _penalties(world, case_id: int) -> list[tuple[int, str, str]]:
    from sqlmodel import select

    from cases.core.models import Penalty

    with reading(world.engine) as s:
        rows = s.exec(select(Penalty).where(Penalty.case_id == case_id).order_by(Penalty.id))
        return [(p.charge_no, p.code, p.status) for p in rows]


def _retired_summarily(world) -> int:
    case_id = world.open()
    world.fire(
        case_id,
        "recommend_summary",
        "chair",
        summary_ground="19.10.1.1",
        summary_evidence="Three written warnings and two 'Poor' appraisals",
    )
    world.fire(
        case_id,
        "summary_retire",
        "rcsc",
        order_no="RCSC/SP/1",
        effective_on=world.today(),
        order_received_on=world.today(),  # Monday 14 December 2026
    )
    return case_id


def refusal_of(fn) -> tuple[str, str]:
    from workflows.context import Refused

    with pytest.raises(Refused) as exc:
        fn()
    return exc.value.kind, exc.value.refusals[0].cite


@pytest.fixture
def tribunal_dc(world) -> str:
    """A member of the Administrative Tribunal's own committee, which executes its
    decisions (19.8.3)."""
    from workflows import roles as R

    world.add_user("at_dc", (R.DC_MEMBER,), agency="AT")
    return "at_dc"


def appeal(world, case_id: int, grounds: list[str], statement: str) -> str:
    """The respondent appeals today, received by the appellate body today (19.12.2)."""
    return world.fire(
        case_id,
        "lodge_appeal",
        "respondent",
        grounds=grounds,
        appeal_statement=statement,
        appeal_lodged_on=world.today(),
        appeal_received_on=world.today(),
    )


def tribunal_decides(world, case_id: int, outcome: str, reasons: str) -> str:
    return world.fire(
        case_id,
        "decide_appeal",
        "tribunal",
        appeal_outcome=outcome,
        due_process_examined=True,
        appeal_reasons=reasons,
    )


def test_19_2_4_a_summary_retirement_is_appealed_to_the_tribunal_within_10_working_days(
    world, tribunal_dc
):
    """19.2.4: the right "To an appeal or review of a disciplinary decision"; 19.3.7:
    "Administrative Tribunal: For appeal cases against the decision of the RCSC"; 19.12.2:
    "within 10 working days from the receipt of the decision" (reading R-19.12.2-summary: the
    RCSC's order is held to the same window). Received Monday 14 December 2026, the last day
    is Tuesday 29 December (17 December, National Day, is no working day). The Tribunal's
    decision quashing it is executed by the Tribunal's own committee (19.8.3), and the
    civil servant is back in service on the register."""
    case_id = _retired_summarily(world)
    case = world.case(case_id)
    assert (case.state, case.closed_at) == ("retired_summarily", None)
    window = world.deadline(case_id, "appeal_window")
    assert (window.amount, window.unit, window.due_on) == (10, "working_days", date(2026, 12, 29))
    with reading(world.engine) as s:
        assert s.get(CivilServant, "E100").status == "separated"

    appeal(world, case_id, ["19.12.2.1"], "No warning was ever served on me.")
    assert world.data(case_id)["appellate_body"] == {"agencies": ["AT"], "cite": "19.3.7"}
    decision = {
        "appeal_outcome": "quashed",
        "due_process_examined": True,
        "appeal_reasons": "The warnings were never served.",
    }
    # The RCSC decided: it does not hear the appeal against its own decision.
    assert refusal_of(lambda: world.fire(case_id, "decide_appeal", "rcsc", **decision)) == (
        "authority",
        "19.3.7",
    )
    assert world.fire(case_id, "decide_appeal", "tribunal", **decision) == "appeal_decided"
    assert world.execute_appeal(case_id, tribunal_dc) == "closed"
    assert _penalties(world, case_id) == [(0, "compulsory_retirement", "revoked")]
    with reading(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        assert (cs.status, cs.separated_on) == ("in_service", None)


def test_19_2_4_an_unappealed_summary_retirement_is_final_when_the_window_lapses(world, clock):
    """19.12.2 (reading R-19.12.2-summary): no appeal by Tuesday 29 December 2026, and the
    deadline sweep makes the retirement final on the next day."""
    from datetime import UTC, datetime

    from cases.core import timers

    case_id = _retired_summarily(world)
    clock.now = datetime(2026, 12, 29, 17, 0, tzinfo=UTC)  # 23:00 on the last day, Thimphu
    timers.sweep(world.engine, clock.now)
    assert world.case(case_id).state == "retired_summarily"
    clock.now = datetime(2026, 12, 30, 4, 0, tzinfo=UTC)
    timers.sweep(world.engine, clock.now)
    case = world.case(case_id)
    assert (case.state, case.closed_at) == ("retirement_final", clock.now)
    assert _penalties(world, case_id) == [(0, "compulsory_retirement", "in_force")]


def test_19_8_3_a_remanded_summary_retirement_goes_back_to_the_rcsc(world, tribunal_dc):
    """19.8.3: the Tribunal's committee executes a remand; the RCSC, which decided, decides
    again on the HRC's recommendation (19.10.1)."""
    case_id = _retired_summarily(world)
    appeal(world, case_id, ["19.12.2.4"], "New appraisal evidence.")
    tribunal_decides(world, case_id, "remanded", "Weigh the 2026 appraisal.")
    assert world.execute_appeal(case_id, tribunal_dc) == "summary_recommended"
    assert _penalties(world, case_id) == [(0, "compulsory_retirement", "revoked")]


# ----------------------------------------------------- 19.12.1: an oversight agency's appeal


def _lapsed(world, clock) -> int:
    from datetime import UTC, datetime

    from cases.core import timers

    case_id = world.walk_to("decided")  # received 14 December; the window ends 29 December
    clock.now = datetime(2026, 12, 30, 4, 0, tzinfo=UTC)
    timers.sweep(world.engine, clock.now)
    assert world.case(case_id).state == "closed"
    return case_id


OVERSIGHT = {
    "inconsistencies": "A demotion for a first absence, against 19.11.4's like penalties.",
    "grounds": ["19.12.2.1"],
}


def _oversight_appeal(world, case_id: int) -> str:
    """The RCSC appeals as an oversight agency today (19.12.1)."""
    return world.fire(
        case_id,
        "lodge_oversight_appeal",
        "rcsc",
        **OVERSIGHT,
        appeal_lodged_on=world.today(),
        appeal_received_on=world.today(),
    )


def test_19_12_1_an_oversight_agency_appeals_after_the_respondent_s_window_closed(world, clock):
    """19.12.1: "In the event an aggrieved civil servant or oversight Agency has observed
    inconsistencies in the disciplinary action, the case may be appealed to the Appellate
    Authority." 19.12.2's 10 working days are the respondent's ("A respondent civil servant
    may appeal ... within 10 working days"); the oversight agency has no window (reading
    R-19.12.1-oversight). The respondent, late, is still refused."""
    case_id = _lapsed(world, clock)
    late = {
        "grounds": ["19.12.2.2"],
        "appeal_statement": "Late.",
        "appeal_lodged_on": world.today(),
        "appeal_received_on": world.today(),
    }
    assert refusal_of(lambda: world.fire(case_id, "lodge_appeal", "respondent", **late)) == (
        "state",
        "19.12.2",
    )
    state = _oversight_appeal(world, case_id)
    case = world.case(case_id)
    assert (state, case.closed_at) == ("appeal", None)
    assert world.deadline(case_id, "appellate_decision_due").due_on == date(2027, 1, 29)


def test_19_12_1_an_oversight_appeal_within_the_window_makes_it_moot(world):
    """19.12.1: lodged while the respondent's window runs, the oversight appeal ends that
    window (cancelled, not met: the respondent did not appeal)."""
    case_id = world.walk_to("decided")
    _oversight_appeal(world, case_id)
    assert world.deadline(case_id, "appeal_window").status == "cancelled"


def test_19_12_1_a_case_closed_by_its_appeal_is_not_reopened_by_an_oversight_appeal(world):
    """19.12.1 appeals "the disciplinary action" to the Appellate Authority: once that
    authority has decided, the oversight appeal is not available (the case stays closed)."""
    case_id = world.walk_to("closed")
    assert refusal_of(lambda: _oversight_appeal(world, case_id)) == ("guard", "19.12.1")
    assert world.case(case_id).state == "closed"


# --------------------------------------------- 19.8.3: the appellate decision and its execution


def test_19_8_3_the_appellate_authority_s_own_committee_executes_a_varied_decision(world):
    """19.8.3: "In appeal cases, the Disciplinary Committee of the Appellate Authority shall
    execute the decision rendered by the Appellate Authority." The RCSC (appellate body for a
    ministry, 19.3.7) acquits on charge 1 and varies charge 2's penalty; the ministry's own
    committee may not execute it, the RCSC's does, and the service record follows
    (19.11.9)."""
    case_id = world.walk_to("appeal")
    state = world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome="varied",
        appellate_findings=[
            {"charge": 1, "finding": "not_guilty", "penalty": None},
            {"charge": 2, "finding": "guilty", "penalty": "reassignment"},
        ],
        due_process_examined=True,
        due_process_followed=True,
        appeal_reasons="Charge 1 rests on one register entry; demotion too harsh.",
    )
    assert state == "appeal_decided"
    assert _penalties(world, case_id) == [(1, "reprimand", "in_force"), (2, "demotion", "in_force")]
    assert refusal_of(lambda: world.execute_appeal(case_id, "dc")) == ("authority", "19.8.3")
    assert world.execute_appeal(case_id, "rcsc") == "closed"
    assert _penalties(world, case_id) == [
        (1, "reprimand", "revoked"),
        (2, "demotion", "revoked"),
        (2, "reassignment", "in_force"),
    ]
    data = world.data(case_id)
    assert [f["finding"] for f in data["findings"]] == ["not_guilty", "guilty"]
    assert data["appeal_executed"]["changes"] == [
        "charge 1: acquitted on appeal",
        "charge 2: penalty varied on appeal from demotion to reassignment",
    ]


_ACQUIT_1 = {"charge": 1, "finding": "not_guilty", "penalty": None}
_AS_DECIDED = [
    {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
    {"charge": 2, "finding": "guilty", "penalty": "demotion"},
]
_MINOR_FOR_MAJOR = [_ACQUIT_1, {"charge": 2, "finding": "guilty", "penalty": "reprimand"}]
_NO_PENALTY_ON_PROVEN = [_ACQUIT_1, {"charge": 2, "finding": "guilty", "penalty": None}]


@pytest.mark.parametrize(
    ("outcome", "rows", "refusal"),
    [
        ("varied", [], ("guard", "19.12.4")),
        ("varied", [_ACQUIT_1], ("field", "19.12.4")),
        ("varied", _NO_PENALTY_ON_PROVEN, ("guard", "19.11.2")),
        ("varied", _MINOR_FOR_MAJOR, ("guard", "19.11.3")),
        ("upheld", _AS_DECIDED, ("guard", "19.12.4")),
    ],
    ids=[
        "varied_without_findings",
        "varied_missing_a_charge",
        "varied_proven_without_penalty",
        "varied_minor_penalty_for_a_major_offence",
        "findings_with_another_outcome",
    ],
)
def test_19_12_4_a_varied_decision_needs_a_lawful_finding_on_every_charge(
    world, outcome, rows, refusal
):
    """19.12.4 with 19.11.2 and 19.11.3: a varied decision states a finding on every charge,
    one penalty per proven charge, of the class the offence carries; no other outcome states
    findings. Each refusal names its section and nothing is written."""
    case_id = world.walk_to("appeal")
    fire = functools.partial(
        world.fire,
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome=outcome,
        appellate_findings=rows,
        due_process_examined=True,
        appeal_reasons="Reasons.",
    )
    assert refusal_of(fire) == refusal
    assert world.case(case_id).state == "appeal"


def quash(world, case_id: int) -> str:
    """The RCSC quashes the decision on appeal and its own committee executes it (19.8.3)."""
    world.fire(
        case_id,
        "decide_appeal",
        "rcsc",
        appeal_outcome="quashed",
        due_process_examined=True,
        appeal_reasons="The notice was never served.",
    )
    return world.execute_appeal(case_id)


def test_19_8_3_a_dismissal_quashed_on_appeal_puts_the_civil_servant_back_in_service(world):
    """19.8.3 and 19.11.14.7: the dismissal separated the civil servant when executed; the
    appellate decision quashing it, once executed, revokes it and the register shows them in
    service again."""
    case_id = world.walk_to("appeal", findings=DISMISSED)
    with reading(world.engine) as s:
        assert s.get(CivilServant, "E100").status == "separated"
    quash(world, case_id)
    with reading(world.engine) as s:
        cs = s.get(CivilServant, "E100")
        assert (cs.status, cs.separated_on, cs.separation_reason) == ("in_service", None, "")
    assert world.data(case_id)["reinstated"]["cite"] == "19.8.3"


def test_7_7_7_2_a_reinstatement_revokes_the_ltt_dues_the_dismissal_left(world):
    """7.7.7.2: "In the event a civil servant does not fulfil his service obligation, he
    shall be liable for financial obligation"; 19.9.9: "accordingly reinstated in service".
    The dismissal separated the civil servant with a master's obligation unserved, leaving
    twice the costs as a due (7.7.7.6); the appeal quashes it, and once executed (19.8.3)
    the civil servant serves on: the due is revoked, saying why, and no office order for
    repayment (7.7.7.5) can be recorded on it."""
    import json

    from sqlmodel import select
    from test_register_edits import ltt_with_obligation

    from cases.core.models import ServiceEntry
    from cases.people import repayment

    ltt_with_obligation(world)  # a master's, 1st LTT, obligation to 1 January 2028
    case_id = world.walk_to("appeal", findings=DISMISSED)

    def dues() -> list[ServiceEntry]:
        with reading(world.engine) as s:
            return list(s.exec(select(ServiceEntry).where(ServiceEntry.kind == "due")).all())

    [due] = dues()
    assert (due.status, due.case_id, json.loads(due.details)["amount"]) == (
        "outstanding",
        case_id,
        "3000000.00",
    )
    quash(world, case_id)
    [due] = dues()
    assert due.status == "revoked"
    assert "(BCSR 19.8.3)" in json.loads(due.details)["revoked"]
    assert "(BCSR 7.7.7.2)" in json.loads(due.details)["revoked"]
    assert world.data(case_id)["reinstated"]["dues_revoked"] == [due.id]
    order = {"order_no": "MOH/HR/2026/90", "issued_on": world.today()}
    with transaction(world.engine) as s:
        fire = functools.partial(
            repayment.record_repayment_order,
            s,
            "E100",
            due.id,
            order,
            world.actors["hr"],
            world.clock.now,
        )
        assert refusal_of(fire) == ("state", "7.7.7.5")


# ------------------------------------------------- 19.11.5, 19.11.6, 19.13: prosecution


PROSECUTION = {
    "prosecution_need_established": True,
    "prosecution_grounds": "Forged stock entries worth Nu 2.4 million.",
    "oag_reference": "MOH/DC/OAG/3",
    "rcsc_notified_of_prosecution": True,
}


def test_19_11_6_a_case_is_forwarded_for_prosecution_through_the_attorney_general(world):
    """19.11.6: "All disciplinary cases involving civil servants after establishing, beyond a
    reasonable doubt by the Commission/Agencies, the need for criminal prosecution in the
    Court of Law shall be forwarded to the Court of Law through the Office of the Attorney
    General." 19.13: "No party shall prosecute or suspend a civil servant without notifying
    the RCSC." 19.11.5: the committee "shall file appropriate criminal charges"."""
    case_id = world.walk_to("decided")
    charges = {
        "prosecution_court": "Thimphu District Court",
        "charges_filed_on": world.today(),
        "court_case_no": "TDC/CR/118",
    }
    assert refusal_of(
        functools.partial(world.fire, case_id, "record_criminal_charges", "dc", **charges)
    ) == ("guard", "19.11.6")
    for missing, cite in (
        ("rcsc_notified_of_prosecution", "19.13"),
        ("prosecution_need_established", "19.11.6"),
    ):
        raw = {**PROSECUTION, missing: False, "forwarded_to_oag_on": world.today()}
        fire = functools.partial(world.fire, case_id, "forward_for_prosecution", "dc", **raw)
        assert refusal_of(fire) == ("guard", cite)
    world.fire(
        case_id, "forward_for_prosecution", "dc", **PROSECUTION, forwarded_to_oag_on=world.today()
    )
    assert world.fire(case_id, "record_criminal_charges", "dc", **charges) == "decided"
    prosecution = world.data(case_id)["prosecution"]
    assert (prosecution["oag_reference"], prosecution["court_case_no"]) == (
        "MOH/DC/OAG/3",
        "TDC/CR/118",
    )


# ----------------------------------- 19.12.5, 19.12.6: beyond the Tribunal, to the courts


def court_judgement(world, case_id: int, outcome: str, summary: str) -> str:
    """The Tribunal records the High Court's judgement today (19.12.6)."""
    return world.fire(
        case_id,
        "record_court_judgement",
        "tribunal",
        judgement_on=world.today(),
        court_outcome=outcome,
        judgement_summary=summary,
    )


def test_19_12_6_a_court_acquittal_revokes_the_penalty_on_the_closed_case(world, tribunal_dc):
    """19.12.5: "An aggrieved civil servant, if not satisfied with the decision of the
    ultimate Appellate Authority, namely, Administrative Tribunal, may appeal against such
    decision to the High Court or Supreme Court"; 19.12.6: "In the event the High Court or
    Supreme Court acquits the concerned civil servant of all charges ... the penalty shall
    stand revoked." The case stays closed, on the day it closed."""
    case_id = _retired_summarily(world)
    appeal(world, case_id, ["19.12.2.2"], "The appraisals were not mine.")
    tribunal_decides(world, case_id, "upheld", "The record supports the retirement.")
    world.execute_appeal(case_id, tribunal_dc)
    closed_at = world.case(case_id).closed_at
    world.clock.advance(days=40)
    world.fire(
        case_id,
        "lodge_court_appeal",
        "respondent",
        appeal_court="high_court",
        court_appeal_filed_on=world.today(),
        court_appeal_no="HC/ADM/7",
    )
    world.clock.advance(days=60)
    state = court_judgement(
        world, case_id, "acquitted", "Acquitted: the appraisals were of another officer."
    )
    case = world.case(case_id)
    assert (state, case.closed_at) == ("closed", closed_at)
    assert _penalties(world, case_id) == [(0, "compulsory_retirement", "revoked")]
    with reading(world.engine) as s:
        assert s.get(CivilServant, "E100").status == "in_service"
    assert world.data(case_id)["court_judgement"]["cite"] == "19.12.6"


# ----------------------------------------------------- 19.3.3.3, 19.3.3.4: summons


def test_19_3_3_4_a_failure_to_comply_is_recorded_against_an_issued_summons(world):
    """19.3.3.3: "Summon witnesses and/or the parties concerned with administrative
    complaints, issue subpoena, and subpoena ducestecum, and take testimony in an
    investigation"; 19.3.3.4: "Punish or recommend punishment of the witness in case of a
    civil servant or the civil servant concerned who fails to comply with a summons"."""
    case_id = world.walk_to("investigating")
    failure = {
        "summons_no": 1,
        "non_compliance": "Did not appear on the day.",
        "non_compliance_action": "recommended",
        "non_compliance_details": "Reprimand recommended to the witness's agency.",
    }
    fire = functools.partial(world.fire, case_id, "record_non_compliance", "secretary", **failure)
    assert refusal_of(fire) == ("guard", "19.3.3.4")  # no summons issued yet
    world.fire(
        case_id,
        "issue_summons",
        "secretary",
        summoned="Pema Lhamo, Store Assistant",
        summons_kind="subpoena_duces_tecum",
        summoned_for=world.today(3),
        summons_purpose="Produce the stock ledger for November.",
    )
    assert refusal_of(functools.partial(fire, summons_no=2)) == ("guard", "19.3.3.4")
    assert fire() == "investigating"
    [summons] = world.data(case_id)["summonses"]
    assert (summons["kind"], summons["not_complied"]["action"]) == (
        "subpoena_duces_tecum",
        "recommended",
    )


# ------------------------------------------------- 19.9.13: a suspension continued


def test_19_9_13_a_suspension_in_force_is_continued_on_a_later_proceeding(world):
    """19.9.13: "Where a civil servant is suspended ... and another disciplinary proceeding
    has commenced against him during the suspension, the competent authority to place him
    under suspension may, for justifiable reasons, order the continued suspension of the
    civil servant until the completion of all the proceedings against him." Only a
    suspension in force of the same civil servant can be continued."""
    from sqlmodel import select
    from test_paths import suspend

    from cases.core.models import ServiceEntry

    first = world.walk_to("investigating")
    later = world.walk_to("investigating")
    raw = {"continued_from": world.today(), "reasons": "Both cases concern the same store."}
    fire = functools.partial(world.fire, later, "continue_suspension", "dc", **raw)
    assert refusal_of(functools.partial(fire, suspension_case=first)) == ("field", "19.9.13")
    suspend(world, first)
    assert fire(suspension_case=first) == "investigating"
    data = world.data(later)
    assert (data["suspended"], data["subsistence_allowance"]) == (True, "20000.00")
    assert data["suspension_continued"]["from_case"] == first
    with reading(world.engine) as s:  # 19.9.15: the record holds the position on both
        rows = s.exec(select(ServiceEntry).where(ServiceEntry.kind == "suspension")).all()
    assert [(r.case_id, r.status) for r in rows] == [(first, "in_force"), (later, "in_force")]
    assert f"continued from case {first} (BCSR 19.9.13)" in rows[1].details
    assert refusal_of(functools.partial(fire, suspension_case=first)) == ("guard", "19.9.12")


def html_of(world, case_id: int, kind: str, username: str) -> str:
    """The issued letter's text as printed (its HTML, whitespace folded)."""
    with transaction(world.engine) as s:
        doc = documents.issue(s, case_id, kind, world.actors[username], now=world.clock.now)
    return " ".join(doc.html.split())


def _minor_penalties(world, eid: str, count: int) -> None:
    """``count`` reprimands already on the record, from an earlier case."""
    from cases.core.models import Penalty

    earlier = world.walk_to("received", eid)
    with transaction(world.engine) as s:
        for n in range(count):
            s.add(
                Penalty(
                    case_id=earlier,
                    eid=eid,
                    charge_no=n + 1,
                    offence_no=11,
                    code="reprimand",
                    severity="minor",
                    imposed_on=world.clock.today,
                )
            )


def decide(world, case_id: int, findings: list[dict], **extra) -> None:
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, dc2, chair, secretary",
        findings=findings,
        decision_reasons="The evidence establishes the charges.",
        **extra,
    )


def test_19_11_13_4_the_decision_records_that_repeated_minor_penalties_led_to_a_major_one(world):
    """19.11.13.4: "Three or more reprimands or minor penalties would lead to a major
    penalty": a fourth proven failure to declare a conflict of interest (row 11, Minor) is
    met with a major penalty, and the decision and its letter say why."""
    _minor_penalties(world, "E100", 3)
    case_id = world.walk_to("dc_meeting", charges=["11"])
    decide(world, case_id, [{"charge": 1, "finding": "guilty", "penalty": "withhold_promotion"}])
    assert world.data(case_id)["repeated_minor"]["minor_on_record"] == 3
    world.drive(case_id, "decided")
    letter = html_of(world, case_id, "decision_letter", "chair")
    assert "holds 3 reprimands or minor penalties" in letter and "(BCSR 19.11.13.4)" in letter


def test_19_11_1_an_unpaid_fine_is_owed_on_the_record_with_24_percent_a_year(world):
    """19.11.13.2: "Fine of an amount not exceeding one month's salary"; 19.11.1: "failure
    to comply with such obligation within the specified time frame, shall levy 24 percent
    penalty per annum on the initial amount"."""
    from datetime import date, timedelta

    from cases.people import register_reads

    case_id = world.walk_to("dc_meeting", charges=["11"])
    decide(
        world,
        case_id,
        [{"charge": 1, "finding": "guilty", "penalty": "fine", "amount": "36500"}],
        monthly_salary="40000",
        fine_payable_by="2027-01-14",
    )
    world.drive(case_id, "decided")
    with reading(world.engine) as s:
        [due] = [h for h in register_reads.history_rows(s, "E100") if h["row"].kind == "due"]
        assert due["row"].status == "outstanding" and due["details"]["amount"] == "36500.00"
        assert due["row"].end_on == date(2027, 1, 14) and "19.11.1" in due["details"]["note"]
        on_time = register_reads.history_rows(s, "E100", date(2027, 1, 14))
        late = register_reads.history_rows(s, "E100", date(2027, 1, 14) + timedelta(days=100))
    assert not [k for h in on_time for k in h["details"] if k.startswith("owed today")]
    owed = [v for h in late for k, v in h["details"].items() if k.startswith("owed today")]
    assert owed == ["Nu 38,900.00"]  # 36,500 + 24% x 100/365 of 36,500


def test_19_11_11_another_offence_is_charged_decided_and_printed_as_outside_the_schedule(world):
    """19.11.11: "A civil servant can be charged with any other offences which are not
    covered in the Rule ... with a comparison to those offences/penalties covered in the
    Rule"."""
    case_id = world.open()
    world.fire(case_id, "direct_enquiry", "chair", reasons="Not suitable for ADR")
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars="As per the complaint",
        prima_facie=True,
        notice_received_on=world.today(),
        other_offence="Running a private tuition centre during office hours",
        other_classification="Major",
        other_rule_breached="BCSR 3.3.6",
        other_compared_with="5",
    )
    charges = world.data(case_id)["charges"]
    assert [(c["no"], c["offence"], c["classification"]) for c in charges] == [
        (1, 11, "Minor"),
        (2, 0, "Major"),
    ]
    assert charges[1]["breaches"] == "BCSR 3.3.6" and charges[1]["cite"] == "19.11.11"
    notice = html_of(world, case_id, "notice_of_charges", "dc")
    assert (
        "not in Schedule 19/A, BCSR 19.11.11; breaches BCSR 3.3.6; compared with Sl. No. 5"
        in notice
    )
    world.drive(case_id, "dc_meeting")
    decide(
        world,
        case_id,
        [
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "guilty", "penalty": "reassignment"},
        ],
    )
    assert world.case(case_id).state == "awaiting_endorsement"


def test_19_9_7_the_rcsc_s_suspension_order_goes_to_the_agency_concerned(world):
    """19.9.7: "The civil servant and the Agency concerned shall be notified if the
    Suspension Order is issued by the RCSC." The step asks for it and the order is copied
    to the agency."""
    world.make_servant("E300", level="ES1")
    case_id = world.open("E300", username="rcsc")
    world.fire(case_id, "direct_enquiry", "rcsc", reasons="Not suitable for ADR")
    world.fire(
        case_id,
        "serve_notice",
        "rcsc",
        charges=["24"],
        particulars="Gross neglect",
        prima_facie=True,
        notice_received_on=world.today(),
    )
    world.fire(
        case_id,
        "hold_pre_suspension_hearing",
        "rcsc",
        pre_suspension_hearing_on=world.today(),
        hearing_record="Heard.",
    )
    order = {
        "suspension_grounds": ["19.9.5.1"],
        "office_order_no": "RCSC/OO/9",
        "suspended_from": world.today(),
        "gross_pay": "90000",
    }
    with pytest.raises(Refused) as refused:
        world.fire(case_id, "suspend", "rcsc", **order)
    assert [r.cite for r in refused.value.refusals] == ["19.9.7"]
    world.fire(case_id, "suspend", "rcsc", agency_notified=True, **order)
    text = html_of(world, case_id, "suspension_order", "rcsc")
    assert "This order of the RCSC is notified to you and to Agency MOH (BCSR 19.9.7)" in text
    assert "<li>Agency MOH (BCSR 19.9.7)</li>" in text


def test_19_3_5_an_objection_upheld_by_the_chair_takes_the_member_off_the_case(world):
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of Disciplinary Committee, the Investigating Committee or as an
    Appellate Authority." The respondent objects, the HRC chair decides, the audit chain
    and the due-process report show it, and the member can neither act nor be listed as
    present at the meeting."""
    from sqlmodel import select

    from cases.core.models import AuditEvent
    from cases.review import due_process

    case_id = world.walk_to("dc_meeting", charges=["11"])
    world.fire(
        case_id,
        "object_to_member",
        "respondent",
        objected_member="dc2",
        objection_grounds="He is married to my sister.",
        objection_raised_on=world.today(),
    )
    assert world.data(case_id)["objections"][0]["status"] == "pending"
    with pytest.raises(Refused) as refused:  # only the HRC chair decides it
        world.fire(
            case_id,
            "decide_objection",
            "dc2",
            objected_member="dc2",
            objection_decision="dismissed",
            objection_reasons="No.",
        )
    assert refused.value.kind == "authority"
    world.fire(
        case_id,
        "decide_objection",
        "chair",
        objected_member="dc2",
        objection_decision="upheld",
        objection_reasons="Related by marriage.",
    )
    assert world.data(case_id)["objections"][0]["status"] == "upheld"
    with pytest.raises(Refused) as refused:
        decide(world, case_id, [{"charge": 1, "finding": "guilty", "penalty": "reprimand"}])
    assert refused.value.refusals[0].cite == "19.3.5"
    assert "dc2 stepped aside from this case" in refused.value.refusals[0].reason
    with pytest.raises(Refused) as refused:
        world.fire(
            case_id,
            "record_decision",
            "dc2",
            meeting_on=world.today(),
            hearing="heard",
            members_present="dc, chair",
            findings=[{"charge": 1, "finding": "guilty", "penalty": "reprimand"}],
            decision_reasons="Proven.",
        )
    assert refused.value.kind == "recusal"
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=world.today(),
        hearing="heard",
        members_present="dc, chair, secretary",
        findings=[{"charge": 1, "finding": "guilty", "penalty": "reprimand"}],
        decision_reasons="Proven.",
    )
    with reading(world.engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.case_id == case_id)).all()
        report = due_process.build(s, world.case(case_id), world.clock.now, world.actors["rcsc"])
    assert {(e.trigger, e.cite) for e in events} >= {
        ("object_to_member", "19.3.5"),
        ("decide_objection", "19.3.5"),
    }
    [recusal] = report.recusals
    assert recusal.username == "dc2" and "objection upheld by the HRC chair" in recusal.reason
    meeting = next(d for d in report.decisions if d.trigger == "record_decision")
    assert meeting.recused_before == ("dc2",) and meeting.flags == ()


def test_19_14_3_1_a_case_opened_on_a_conviction_puts_the_civil_servant_on_the_negative_list(
    world,
):
    """19.14.3.1: "Been convicted by the Court of Law, he shall automatically be included in
    the Negative List": the judgement that opens the case (19.5.1.3) is recorded as a
    conviction on the register, before any penalty."""
    from datetime import date

    from cases.people import record

    case_id = world.open(opened_by="court_judgement", narration="Convicted of forgery.")
    with reading(world.engine) as s:
        standing = record.standing(s, "E100", date(2027, 1, 1))
    assert standing.on_negative_list and not standing.penalties
    assert standing.negative_list_reason == "convicted by a Court of Law (BCSR 19.14.3.1)"
    assert world.case(case_id).state == "received"
