"""Random walks through every process: Hypothesis picks a user, a case, an action and
maybe some fields (typed from the step's own declarations), and fires it through
``cases.core.service.fire`` on a real migrated SQLite database, with the clock injected and
moved forward now and then (the deadline sweep runs then, as the server's would).

Whatever happens, the rules that make the record trustworthy must hold:
- the audit chain verifies;
- every case is in a state its process defines;
- a refused action changes nothing (the case's state, version and events are as before);
- a case in a final state accepts no action at all.

The world is the demo (all five processes, users of every role); each example starts from
a fresh copy of it.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlmodel import Session, func, select

from cases.core import audit, service, timers
from cases.core.db import engine_for, transaction, upgrade
from cases.core.models import AuditEvent, Case, User
from cases.demo import seed as demo
from cases.people import auth
from workflows import registry
from workflows import roles as R
from workflows.context import Refused
from workflows.declarations import Field
from workflows.engine import Process

START = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stateful") / "demo.db"
    upgrade(f"sqlite:///{path}")
    engine = engine_for(f"sqlite:///{path}")
    demo.build(engine, START)
    engine.dispose()  # the WAL is folded into the file, so a plain copy is the whole world
    return path


def field_values(f: Field, today: date) -> st.SearchStrategy[Any]:
    """Plausible and implausible values of one declared field."""
    if f.type == "date":
        return st.integers(-12, 2).map(lambda d: (today + timedelta(days=d)).isoformat())
    if f.type == "bool":
        return st.booleans()
    if f.type == "int":
        return st.integers(-5, 60)
    if f.type == "decimal":
        return st.sampled_from(["0", "1500.50", "-3", "abc"])
    if f.type == "choice" and f.choices:
        return st.sampled_from([c[0] for c in f.choices] * 4 + ["nonsense"])
    if f.type == "multichoice" and f.choices:
        return st.lists(st.sampled_from([c[0] for c in f.choices]), max_size=2)
    if f.type == "findings":
        row = st.fixed_dictionaries(
            {
                "charge": st.integers(1, 2),
                "finding": st.sampled_from(["guilty", "not_guilty"]),
                "penalty": st.sampled_from([None, "reprimand", "demotion"]),
            }
        )
        return st.lists(row, max_size=2)
    return st.text(alphabet="abc xyz", min_size=0, max_size=12)


def machine_for(process: Process, path: Path, tmp: Path) -> type[RuleBasedStateMachine]:
    class ProcessMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            live = tmp / "live.db"
            for suffix in ("-wal", "-shm"):
                Path(f"{live}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(path, live)
            self.engine = engine_for(f"sqlite:///{live}")
            self.now = START
            with Session(self.engine) as s:
                self.users = [auth.actor_of(u) for u in s.exec(select(User)).all()]
                self.case_ids = list(
                    s.exec(select(Case.id).where(Case.process == process.key)).all()
                )
            self.fired = 0

        def teardown(self) -> None:
            self.engine.dispose()

        def snapshot(self, case_id: int) -> tuple[str, int, int]:
            with Session(self.engine) as s:
                case = s.get(Case, case_id)
                assert case is not None
                events = s.exec(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.case_id == case_id)
                ).one()
                return case.state, case.version, events

        @rule(data=st.data())
        def act(self, data: st.DataObject) -> None:
            case_id = data.draw(st.sampled_from(self.case_ids), label="case")
            with Session(self.engine) as s:
                case = s.get(Case, case_id)
                assert case is not None
                wanted = set().union(*(x.by for x in process.steps_from(case.state)))
                likely = [u for u in self.users if u.roles & (wanted | {R.RCSC})]
                pool = likely if likely and data.draw(st.integers(0, 3)) > 0 else self.users
                actor = data.draw(st.sampled_from(pool), label="user")
                offered = [x.trigger for x in service.available_steps(s, case, actor, self.now)]
            # mostly an action the user is offered, filled in; else anything at all
            if offered and data.draw(st.integers(0, 3), label="offered") > 0:
                trigger = data.draw(st.sampled_from(offered), label="action")
                declared = {
                    f.name: f for x in process.steps_from(case.state, trigger) for f in x.fields
                }
                names = [n for n, f in declared.items() if f.required]
            else:
                trigger = data.draw(st.sampled_from(process.triggers()), label="action")
                declared = {
                    f.name: f for x in process.steps if x.trigger == trigger for f in x.fields
                }
                names = []
            optional = sorted(set(declared) - set(names))
            if optional:
                names += data.draw(st.lists(st.sampled_from(optional), unique=True), label="more")
            today = (self.now + timedelta(hours=6)).date()
            raw = {n: data.draw(field_values(declared[n], today), label=n) for n in names}
            if data.draw(st.integers(0, 9), label="stray field") == 0:
                raw["not_a_field"] = "x"
            before = self.snapshot(case_id)
            was_final = process.is_final(before[0])
            try:
                with transaction(self.engine) as s:
                    service.fire(
                        s, case_id, trigger, actor, raw, now=self.now, expected_version=before[1]
                    )
            except (Refused, service.Stale):
                assert self.snapshot(case_id) == before, f"refused {trigger} changed the case"
                return
            assert not was_final, f"{trigger} was taken from the final state {before[0]}"
            assert "not_a_field" not in raw, "an undeclared field was accepted"
            after = self.snapshot(case_id)
            assert after[1] == before[1] + 1 and after[2] == before[2] + 1
            self.fired += 1

        @rule(days=st.integers(1, 20))
        def time_passes(self, days: int) -> None:
            self.now += timedelta(days=days)
            timers.sweep(self.engine, self.now)

        @invariant()
        def chain_verifies(self) -> None:
            with Session(self.engine) as s:
                result = audit.verify(s)
            assert result.ok, result

        @invariant()
        def states_are_defined(self) -> None:
            with Session(self.engine) as s:
                states = s.exec(select(Case.state).where(Case.process == process.key)).all()
            assert set(states) <= set(process.state_by_name)

    ProcessMachine.__name__ = f"{process.key.title()}Machine"
    return ProcessMachine


@pytest.mark.parametrize("key", sorted(registry.keys()))
def test_random_walks_keep_the_record_trustworthy(
    key: str, demo_file: Path, tmp_path: Path
) -> None:
    machine = machine_for(registry.latest(key), demo_file, tmp_path)
    machine.TestCase.settings = settings(
        max_examples=5,
        stateful_step_count=20,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its steps
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    machine.TestCase().runTest()


def test_a_refusal_names_every_stray_field() -> None:
    """Sanity of the generator's premise: the engine refuses an undeclared field by name."""
    process = registry.latest("disciplinary")
    step = process.steps_from("received", "direct_enquiry")[0]
    from workflows.fields import parse_fields

    _, errors = parse_fields(step, {"reasons": "r", "not_a_field": "x"}, {})
    assert [(e.field, e.reason) for e in errors] == [
        ("not_a_field", "unknown field 'not_a_field' for step 'direct_enquiry'")
    ]
    assert json.dumps(errors[0].as_dict())
