"""A step's ``cancels`` withdraws deadlines it makes moot: neither met nor missed."""

from __future__ import annotations

import pytest

from cases.core import deadlines, service
from cases.core.db import transaction
from workflows import registry
from workflows import roles as R
from workflows.declarations import Arm, State, Step
from workflows.engine import Process

HR = frozenset({R.HR_OFFICER})
PROBE = Process(
    key="probe_cancels",
    title="Probe",
    version="1",
    cite="8.14",
    states=(State("new", "New"), State("open", "Open"), State("done", "Done", final=True)),
    steps=(
        Step(
            "open",
            "new",
            "open",
            "Open",
            "8.12",
            HR,
            arms=(
                Arm("rejoin", "Rejoin", "8.12.15", days=10),
                Arm("notice", "Notice", "13.10.7.2", days=5),
            ),
        ),
        Step("revoke", "open", "open", "Revoke", "8.14.1", HR, cancels=("notice",)),
        Step("close", "open", "done", "Close", "8.12", HR),
    ),
)


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setitem(registry.VERSIONS, PROBE.key, (PROBE,))


def test_cancels_withdraws_only_the_named_deadline(world, probe) -> None:
    hr = world.actors["hr"]
    with transaction(world.engine) as s:
        case_id = service.open_case(s, PROBE.key, "E100", hr, {}, now=world.clock.now).case.id
    with transaction(world.engine) as s:
        service.fire(s, case_id, "revoke", hr, {}, now=world.clock.now, expected_version=1)
    with world.session() as s:
        status = {d.kind: (d.status, d.note) for d in deadlines.for_case(s, case_id)}
    assert status == {"rejoin": ("armed", ""), "notice": ("cancelled", "moot after revoke")}
