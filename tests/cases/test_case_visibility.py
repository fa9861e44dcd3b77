"""Who sees a case (cases.core.queries): ``can_see`` answers the rules a loaded case holds
by itself (``_sees_plainly``: all cases, one's own, one's agency's) without asking the
database, and asks ``visibility`` (the SQL rule every list uses) for the rest. The shortcut
must never let anyone see what the rule hides."""

from __future__ import annotations

import itertools

from sqlmodel import select

from cases.core import queries
from cases.core.db import transaction
from cases.core.models import Case, CaseAgency
from workflows import roles as R
from workflows.context import Actor

AGENCIES = (None, "MOH", "MOHA", "DOPH", R.RCSC_AGENCY, R.TRIBUNAL_AGENCY)
EIDS = (None, "E100", "E300", "E400")
# Every role alone, and the holdings that mix the rules: the RCSC's officer who also hears
# appeals, an officer who is also a respondent, an appellate authority on its agency's staff.
ROLES = (
    *(frozenset({r}) for r in sorted(R.ALL)),
    frozenset({R.RCSC, R.APPELLATE}),
    frozenset({R.RESPONDENT, R.HRC_CHAIR}),
    frozenset({R.APPELLATE, R.HR_OFFICER}),
    frozenset(),
)


def test_the_loaded_case_shortcut_never_grants_what_visibility_denies(world) -> None:
    """16.3.3, 19.3.7, 19.12: for admin, the RCSC, a civil servant's own cases, an agency's
    officers, an agency with a part in a case (a receiving agency, an appellate body named
    on it), an appellate authority and an outsider, over cases of a ministry, of another
    ministry, of a department and appealed: whatever ``_sees_plainly`` grants, ``visibility``
    grants too, and ``can_see`` answers exactly as ``visibility``."""
    world.make_servant("E300", agency="MOHA")
    world.make_servant("E400", agency="DOPH")
    world.add_user("moha_hr", (R.HR_OFFICER,), agency="MOHA")
    world.add_user("doph_hr", (R.HR_OFFICER,), agency="DOPH")
    cases = {
        "moh": world.open(),
        "moh_appealed": world.walk_to("appeal"),
        "moha_received_by_moh": world.open("E300", username="moha_hr"),
        "doph_appealed_to_moh": world.open("E400", username="doph_hr"),
        "doph": world.open("E400", username="doph_hr"),
    }
    with transaction(world.engine) as s:  # the parts a transfer or an appeal records
        s.add(
            CaseAgency(case_id=cases["moha_received_by_moh"], agency_code="MOH", part="receiving")
        )
        s.add(
            CaseAgency(case_id=cases["doph_appealed_to_moh"], agency_code="MOH", part="appellate")
        )

    plainly_seen, seen_by_rule_only, hidden = 0, 0, 0
    with world.session() as s:
        loaded = {name: s.get(Case, case_id) for name, case_id in cases.items()}
        for roles, agency, eid in itertools.product(ROLES, AGENCIES, EIDS):
            actor = Actor(0, "probe", roles, agency, eid)
            allowed = set(
                s.exec(
                    select(Case.id).where(
                        Case.id.in_(cases.values()),  # type: ignore[union-attr]
                        queries.visibility(actor),
                    )
                ).all()
            )
            for name, case in loaded.items():
                plain = queries._sees_plainly(actor, case)
                who = f"{sorted(roles)} of {agency}, employee {eid}, on the {name} case"
                assert not plain or case.id in allowed, f"shortcut grants what SQL denies: {who}"
                seen = queries.can_see(s, actor, case.id) is not None
                assert seen == (case.id in allowed), who
                plainly_seen += plain
                seen_by_rule_only += seen and not plain
                hidden += not seen
    # The spread reaches every branch: the shortcut, the rule alone, and neither.
    assert plainly_seen and seen_by_rule_only and hidden
