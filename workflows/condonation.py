"""The guard the "shall be compulsorily retired" provisions share (8.12.15, 13.10.6.4,
7.7.8.1(v)): under their "mandatory" reading (workflows.readings) the condoning step is
neither offered nor taken; under "condonable" (8.15.2) the authority may condone.
"""

from __future__ import annotations

from workflows.context import Context
from workflows.declarations import Guard
from workflows.readings import Reading


def _never(_ctx: Context) -> bool:
    return False


def no_condonation(reading: Reading) -> Guard:
    """Under the "mandatory" reading of a "shall be compulsorily retired" provision the
    condoning step is not offered, and refused if sent."""
    return Guard(
        reading.section,
        "the rule says the civil servant shall be compulsorily retired: the failure cannot "
        "be condoned",
        _never,
        precheck=True,
        under=(reading.id, "mandatory"),
    )
