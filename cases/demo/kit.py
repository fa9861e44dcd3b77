"""What a process's demo module declares: its civil servants, their history, its cases.

``cases.demo.seed`` gathers the modules listed in ``cases.demo.seed.MODULES`` and drives every
script through ``service.open_case`` and ``service.fire`` in date order, so the demo's
states, deadlines and audit trail are exactly what the rules produce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cases.demo.papers import Paper
from workflows.record import category_of

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
    # Papers put on the case file after a step (cases.demo.papers.Paper).
    papers: tuple[Paper, ...] = ()


def servant(
    eid: str,
    name: str,
    born: date,
    title: str,
    level: str,
    agency: str,
    appointed: date,
    **values: Any,
) -> dict[str, Any]:
    """A demo civil servant's register row: in the category of the level, a graduate (or
    class XII below the professional and executive categories) selected through the BCSE if
    professional, on probation for the year after appointment, in the position since, rated
    very good and cleared by the drug test (what eligibility tests), with ``values`` over
    these."""
    category = category_of(level)
    return {
        "eid": eid,
        "name": name,
        "date_of_birth": born,
        "position_title": title,
        "position_level": level,
        "agency_code": agency,
        "appointment_date": appointed,
        "position_category": category,
        "probation_end": appointed + timedelta(days=364),
        "position_since": appointed,
        "performance_rating": "very_good",
        "drug_test": "cleared",
        "qualification": "bachelors" if category in ("PMC", "ESC") else "class_xii",
        "bcse_selected": category == "PMC",
        **values,
    }
