"""What a process's demo module declares: its civil servants, their history, its cases.

``cases.demo.seed`` gathers the modules listed in ``cases.demo.seed.MODULES`` and drives every
script through ``service.open_case`` and ``service.fire`` in date order, so the demo's
states, deadlines and audit trail are exactly what the rules produce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Day = Callable[[int], str]  # working days before today -> ISO date
Step = tuple[int, str, str, dict[str, Any]]  # working days ago, trigger, username, fields


@dataclass
class Script:
    """One demo case: opened ``opened_k`` working days ago, then ``steps`` as
    (working days ago, trigger, username, fields), oldest first."""

    key: str
    label: str
    eid: str
    opened_by_user: str
    opened_k: int
    opening: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    process: str = "disciplinary"
