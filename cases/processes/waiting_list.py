"""What the Waiting List steps (workflows.waiting_list, BCSR 13.5.1) change beyond the
case's state: the six months' last day when a returnee goes on the list, the placement in
the register, and the note of 13.5.1.5 iii when the six months pass without one."""

from __future__ import annotations

from datetime import date

from cases.core.effects import EffectContext, effect
from cases.core.models import CivilServant
from workflows.values import as_date
from workflows.waiting_list import HOW_PLACED, last_day


def put_on_list(ec: EffectContext, since: date, why: str) -> None:
    """The returnee is on the Waiting List from ``since`` (``why``: the section that puts
    them there); the deadline armed with the step counts to ``waiting_list_until``."""
    until = last_day(since)
    ec.data["waiting_list_since"] = since.isoformat()
    ec.data["waiting_list_until"] = until.isoformat()
    ec.data["waiting_list_note"] = (
        f"On the RCSC Waiting List from {since:%a %d %b %Y} ({why}); six months at most: to be "
        f"placed by {until:%a %d %b %Y}, the last day (BCSR 13.5.1.5 i)"
    )


@effect("waiting_list_placed")
def waiting_list_placed(ec: EffectContext) -> None:
    """13.5.1.5 ii: placed from the list; a position named enters the register."""
    placed = as_date(ec.fields["placed_on"])
    assert placed is not None
    how = dict(HOW_PLACED)[ec.fields["placed_how"]]
    ec.data["waiting_list_placed_on"] = placed.isoformat()
    ec.data["waiting_list_note"] = f"Placed from the Waiting List on {placed:%a %d %b %Y}: {how}"
    if ec.fields.get("position_title"):
        cs = ec.session.get(CivilServant, ec.case.subject_eid)
        assert cs is not None
        cs.position_title = ec.fields["position_title"]
        cs.position_since = placed
        ec.session.add(cs)


@effect("waiting_list_lapsed")
def waiting_list_lapsed(ec: EffectContext) -> None:
    """13.5.1.5 iii: not placed within six months; the options to consider are recorded."""
    until = ec.data.get("waiting_list_until")
    ec.data["waiting_list_note"] = (
        f"Not placed within six months (the last day was {until}): the Early Retirement "
        "Scheme, voluntary resignation or compulsory retirement to be considered (BCSR "
        "13.5.1.5 iii)"
    )
