"""Eligibility before and at application: the same rules answer the page and refuse the step.

A small process declared here exercises the framework (workflows.eligibility, the
opening guards, cases.processes.applications) independently of any one HR process's rules.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from cases.core import service
from cases.core.db import transaction
from cases.core.models import Case
from cases.processes import applications
from workflows import registry
from workflows import roles as R
from workflows.context import Refused
from workflows.declarations import Field, State, Step
from workflows.eligibility import Rule, as_guards, proposed_date
from workflows.engine import Process

RULES = (
    Rule("8.12.4.1", "not on probation", lambda p, _q, today: not p.on_probation(today)),
    Rule(
        "8.12.4.2",
        "more than three months only after five years of service",
        lambda p, q, today: (
            int(q.get("months") or 0) <= 3
            or p.service_years(proposed_date(q, "start_on", today)) >= 5
        ),
    ),
    Rule(
        "8.12.4.4",
        "no pending court case",
        lambda p, _q, _t: not p.pending("court_case"),
        advisory=True,
    ),
)
PROPOSAL = (
    Field("months", "int", "Months", required=False),
    Field("start_on", "date", "Start", required=False, future_ok=True),
)
PROBE = Process(
    key="probe",
    title="Probe leave",
    version="1",
    cite="8.12",
    states=(State("new", "New"), State("applied", "Applied"), State("done", "Done", final=True)),
    steps=(
        Step(
            "open",
            "new",
            "applied",
            "Apply",
            "8.12.10",
            frozenset({R.HR_OFFICER}),
            fields=PROPOSAL,
            guards=as_guards(RULES),
        ),
        Step("close", "applied", "done", "Close", "8.12", frozenset({R.HR_OFFICER})),
    ),
    eligibility=RULES,
    proposal_fields=PROPOSAL,
)


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setitem(registry.VERSIONS, "probe", (PROBE,))


def check(world, eid: str = "E100", **proposal):
    with world.session() as s:
        return applications.eligibility(s, "probe", eid, proposal, world.clock.today)


def test_eligible_servant(world, probe) -> None:
    result = check(world, months="2")
    assert result.eligible and result.unmet == [] and result.warnings == []
    assert result.as_dict()["eligible"] is True


def test_unmet_rules_are_listed_with_their_sections(world, probe) -> None:
    world.make_servant("E200", probation_end=world.clock.today, appointment_date=world.clock.today)
    result = check(world, "E200", months="6")
    assert not result.eligible
    assert [(u["cite"], u["reason"]) for u in result.as_dict()["unmet"]] == [
        ("8.12.4.1", "not on probation"),
        ("8.12.4.2", "more than three months only after five years of service"),
    ]


def test_advisory_rules_warn_but_do_not_refuse(world, probe) -> None:
    from cases.core.profiles import add_entry

    with transaction(world.engine) as s:
        add_entry(
            s,
            eid="E100",
            kind="court_case",
            now=world.clock.now,
            by="hr",
            start_on="2026-01-01",
            status="pending",
        )
    result = check(world)
    assert result.eligible and [w.cite for w in result.warnings] == ["8.12.4.4"]
    with transaction(world.engine) as s:
        service.open_case(s, "probe", "E100", world.actors["hr"], {}, now=world.clock.now)


def test_bad_and_unknown_query_parameters_name_the_field(world, probe) -> None:
    with pytest.raises(Refused) as exc:
        check(world, months="six", colour="red")
    assert {r.field for r in exc.value.refusals} == {"months", "colour"}


def test_unknown_servant_and_process(world, probe) -> None:
    with pytest.raises(service.NotFound):
        check(world, "E999")
    with world.session() as s, pytest.raises(Refused):
        applications.eligibility(s, "nope", "E100", {}, world.clock.today)


def test_the_opening_step_refuses_what_the_panel_showed(world, probe) -> None:
    world.make_servant("E200", probation_end=world.clock.today, appointment_date=world.clock.today)
    with pytest.raises(Refused) as exc, transaction(world.engine) as s:
        service.open_case(
            s, "probe", "E200", world.actors["hr"], {"months": "6"}, now=world.clock.now
        )
    assert [r.cite for r in exc.value.refusals] == ["8.12.4.1", "8.12.4.2"]
    assert exc.value.kind == "guard"
    with world.session() as s:
        assert s.exec(select(Case)).all() == []  # nothing half-written


def test_a_second_application_while_one_is_open_is_warned_about(world, probe) -> None:
    with transaction(world.engine) as s:
        service.open_case(
            s, "probe", "E100", world.actors["hr"], {"months": "2"}, now=world.clock.now
        )
    result = check(world, months="2")
    assert result.eligible  # no rule of this process refuses it
    [warning] = result.warnings
    assert warning.cite == "8.12" and warning.reason.startswith(
        "1 probe leave case(s) already open"
    )
