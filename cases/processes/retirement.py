"""Compulsory retirement, the one effect several processes share: proposed in the EOL, LTT
and secondment queues (7.7.8.1 v, 8.12.15, 13.10.6.4) and decided by the competent
authority; the register marks the separation and unserved LTT obligations become dues.
"""

from __future__ import annotations

from datetime import date

from cases.core.effects import EffectContext, effect
from cases.people.separation import separate


@effect("compulsory_retirement")
def compulsory_retirement(ec: EffectContext) -> None:
    """The competent authority retires the civil servant (7.7.8.1 v, 8.12.15, 13.10.6.4).

    The proposing step records ``retirement_ground`` (with its section) and may record
    ``retirement_effective_on`` (13.10.6.4 dates it from the end of the secondment); the
    deciding step may give ``effective_on``. Unserved LTT obligations become dues.
    """
    on = ec.fields.get("effective_on") or ec.data.get("retirement_effective_on")
    day = date.fromisoformat(on) if on else ec.today
    owed = separate(
        ec.session,
        ec.case.subject_eid,
        on=day,
        reason=f"compulsory retirement: {ec.data.get('retirement_ground', '')}".strip(),
        now=ec.now,
        by=ec.actor.username,
        case_id=ec.case.id,
    )
    ec.data["separated_on"] = day.isoformat()
    ec.data["financial_obligations"] = [o.as_dict() for o in owed]
