"""The generic test every registered process must pass, and the engine's field parsing.

DESIGN.md: every transition cites a rule, every state is reachable, no non-final state
is a dead end, every deadline's timeout is valid from the state that arms it.
"""

from __future__ import annotations

from datetime import date

import pytest

from workflows import registry
from workflows import roles as R
from workflows.context import Actor, Context, Refused, Subject
from workflows.declarations import Field, Step
from workflows.engine import Process, check_authority, registry_check
from workflows.fields import parse_fields

# Every version of every process: the generic checks hold for each (a case may run on any).
PROCESSES = sorted(registry.every_version(), key=lambda p: (p.key, p.version))
by_key = pytest.mark.parametrize("process", PROCESSES, ids=lambda p: f"{p.key}-{p.version}")

SUBJECT = Subject(eid="E1", name="Pema", level="P3", agency="MOH", agency_kind="ministry")
SYSTEM = Actor(0, "system", frozenset({R.SYSTEM}), None)
EVERY_ROLE = Actor(99, "everyone", R.ALL, "RCSC")


def ctx(**data) -> Context:
    return Context(subject=SUBJECT, data=data, fields={}, today=date(2026, 12, 14))


def reachable(process: Process) -> set[str]:
    seen, frontier = {process.initial}, [process.initial]
    while frontier:
        for step in process.steps_from(frontier.pop()):
            if step.dest not in seen:
                seen.add(step.dest)
                frontier.append(step.dest)
    return seen


def test_registry_holds_the_disciplinary_process():
    assert "disciplinary" in registry.keys()
    assert registry.latest("disciplinary").cite == "19"


@by_key
def test_registry_check_finds_no_problems(process: Process):
    assert registry_check(process) == []


@by_key
def test_every_transition_cites_a_rule(process: Process):
    uncited = [s.trigger for s in process.steps if not s.cite.strip()]
    assert uncited == []
    for step in process.steps:
        assert step.cite[0].isdigit(), f"{step.trigger} cites '{step.cite}', not a section"


@by_key
def test_every_state_is_reachable_from_the_initial_state(process: Process):
    assert {s.name for s in process.states} - reachable(process) == set()


@by_key
def test_no_open_state_is_a_dead_end(process: Process):
    for state in process.states:
        leaving = [s for s in process.steps_from(state.name) if s.dest != state.name]
        if state.final:
            # Only a step declared to reopen a final state (19.12.1) leaves one.
            kept = [s for s in leaving if not s.reopens]
            assert kept == [], f"final state {state.name} can be left"
        else:
            assert leaving, f"{state.name} is not final but nothing leaves it"


@by_key
def test_every_open_state_can_reach_a_final_state(process: Process):
    finals = {s.name for s in process.states if s.final}
    for state in process.states:
        if state.final:
            continue
        seen, frontier = {state.name}, [state.name]
        while frontier:
            for step in process.steps_from(frontier.pop()):
                if step.dest not in seen:
                    seen.add(step.dest)
                    frontier.append(step.dest)
        assert seen & finals, f"no final state can be reached from {state.name}"


@by_key
def test_every_timeout_is_a_system_step_valid_where_it_is_armed(process: Process):
    armed = [(step, arm) for step in process.steps for arm in step.arms if arm.on_timeout]
    assert armed, "a process with deadlines should let at least one time out"
    for step, arm in armed:
        timeouts = process.steps_from(step.dest, arm.on_timeout)
        assert timeouts, f"{arm.kind}: {arm.on_timeout} is not possible from {step.dest}"
        assert all(t.timer_only for t in timeouts), f"{arm.on_timeout} is open to people"


@by_key
def test_every_deadline_declares_its_length_and_section(process: Process):
    for step in process.steps:
        for arm in step.arms:
            lengths = [arm.working_days, arm.days, arm.days_field]
            assert sum(x is not None for x in lengths) == 1, arm.kind
            assert arm.cite[0].isdigit(), arm.kind


@by_key
def test_only_the_system_fires_timer_only_steps(process: Process):
    timer_steps = [s for s in process.steps if s.timer_only]
    assert timer_steps
    for step in timer_steps:
        assert check_authority(step, SYSTEM, ctx()) == []
        refusals = check_authority(step, EVERY_ROLE, ctx())
        assert [r.kind for r in refusals] == ["authority"]
        assert refusals[0].cite == step.cite
        for state in step.sources:
            offered = {s.trigger for s in process.available(state, EVERY_ROLE, ctx())}
            assert step.trigger not in offered


@by_key
def test_the_system_takes_no_step_meant_for_people(process: Process):
    for step in process.steps:
        if not step.timer_only:
            assert check_authority(step, SYSTEM, ctx()), step.trigger


@by_key
def test_the_machine_is_built_once_and_shared(process: Process, monkeypatch):
    assert registry.version(process.key, process.version) is process
    machine = process._machine
    assert registry.version(process.key, process.version)._machine is machine
    assert machine.auto_transitions is False

    def no_new_machines(*args, **kwargs):
        raise AssertionError("a Machine was built while running a step")

    monkeypatch.setattr(type(machine), "__init__", no_new_machines)
    first = next(s for s in process.steps if process.initial in s.sources)
    data = {"narration": "facts"}
    dest, taken = process.run(process.initial, first.trigger, ctx(**data))
    assert dest == first.dest and taken is first
    assert process._machine is machine


@by_key
def test_no_auto_transitions_skip_the_rules(process: Process):
    assert not any(t.startswith("to_") for t in process._machine.events)


@by_key
def test_describe_lists_every_step_with_its_section(process: Process):
    described = process.describe()
    assert len(described["transitions"]) == len(process.steps)
    assert all(t["cite"] for t in described["transitions"])
    assert described["diagram"].startswith("stateDiagram-v2")


def test_an_unknown_trigger_is_refused():
    process = registry.latest("disciplinary")
    with pytest.raises(Refused) as exc:
        process.select("received", "no_such_step", ctx())
    assert exc.value.kind == "state"
    assert "unknown action 'no_such_step'" in str(exc.value)


def test_a_trigger_from_the_wrong_state_is_refused_naming_the_state():
    process = registry.latest("disciplinary")
    with pytest.raises(Refused) as exc:
        process.select("received", "record_decision", ctx())
    assert exc.value.kind == "state"
    assert exc.value.refusals[0].cite == "19.8.2.3(viii)"
    assert "received, awaiting screening" in str(exc.value)


# ------------------------------------------------------------------ field parsing

STEP = Step(
    "probe",
    "a",
    "b",
    "Probe",
    "1.1",
    by=frozenset({R.HR_OFFICER}),
    fields=(
        Field("received_on", "date", "Received on"),
        Field("days", "int", "Days", required=False),
        Field("amount", "decimal", "Amount", required=False),
        Field("kind", "choice", "Kind", required=False, choices=(("x", "X"), ("y", "Y"))),
        Field("flag", "bool", "Flag"),
    ),
)


def refusal_for(raw: dict, name: str):
    _, errors = parse_fields(STEP, raw, {})
    named = [e for e in errors if e.field == name]
    assert len(named) == 1, errors
    return named[0]


def test_an_unknown_field_is_refused_naming_it():
    err = refusal_for({"received_on": "2026-12-14", "verdict": "guilty"}, "verdict")
    assert err.kind == "field"
    assert "unknown field 'verdict'" in err.reason


def test_a_bad_date_is_refused_naming_the_field():
    err = refusal_for({"received_on": "14/12/2026"}, "received_on")
    assert err.kind == "field" and err.cite == "1.1"
    assert err.reason == "Received on: must be a date (YYYY-MM-DD)"


def test_a_missing_required_field_is_refused_naming_it():
    err = refusal_for({}, "received_on")
    assert err.reason == "Received on is required"


@pytest.mark.parametrize(
    ("raw", "name", "reason"),
    [
        ({"days": "ten"}, "days", "Days: must be a whole number"),
        ({"amount": "-1"}, "amount", "Amount: must not be negative"),
        ({"amount": "lots"}, "amount", "Amount: must be a number"),
        ({"kind": "z"}, "kind", "Kind: 'z' is not a permitted choice"),
    ],
)
def test_a_badly_typed_field_is_refused_naming_it(raw, name, reason):
    err = refusal_for({"received_on": "2026-12-14", **raw}, name)
    assert err.reason == reason


def test_fields_are_typed():
    typed, errors = parse_fields(
        STEP,
        {"received_on": date(2026, 12, 14), "days": "20", "amount": "10.5", "flag": "on"},
        {},
    )
    assert errors == []
    assert typed == {
        "received_on": "2026-12-14",
        "days": 20,
        "amount": "10.50",
        "kind": None,
        "flag": True,
    }


def test_an_unticked_box_is_false_not_missing():
    typed, errors = parse_fields(STEP, {"received_on": "2026-12-14"}, {})
    assert errors == [] and typed["flag"] is False


def test_every_bad_field_is_reported_at_once():
    _, errors = parse_fields(STEP, {"received_on": "x", "days": "y", "junk": 1}, {})
    assert {e.field for e in errors} == {"received_on", "days", "junk"}
