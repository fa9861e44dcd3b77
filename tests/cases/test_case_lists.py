"""The dashboard's list: most urgent first, then cases owing nothing, newest first; the same
list whichever of its two plans (walk the owed deadlines, or read the viewer's cases) runs."""

from __future__ import annotations

import pytest

from cases.core import queries
from tests.applications import eol_application
from workflows import roles as R

STATES = ("received", "notice_served", "explained", "investigating", "closed", "dc_meeting")


@pytest.fixture
def cases(world) -> dict[str, int]:
    """Cases in several stages, a second respondent's among them, one of them closed."""
    world.make_servant("E200", name="Pema Lhamo")
    world.add_user("respondent2", (R.RESPONDENT,), employee_eid="E200")
    made = {}
    for n, state in enumerate(STATES):
        other = n % 2 == 1
        made[state] = world.walk_to(
            state,
            eid="E200" if other else "E100",
            respondent="respondent2" if other else "respondent",
        )
        world.clock.advance(days=1)
    return made


def listed(world, username: str, **kwargs) -> list[tuple[int, str | None]]:
    with world.session() as s:
        rows = queries.list_cases(s, world.actors[username], **kwargs)
    return [(r.case.id, r.next_due and r.next_due.isoformat()) for r in rows]


def test_owed_cases_come_first_by_due_date_then_the_rest_newest_first(world, cases):
    rows = listed(world, "chair")
    due = [d for _, d in rows if d is not None]
    assert due and due == sorted(due)
    owing_nothing = [cid for cid, d in rows if d is None]
    assert rows[len(due) :] == [(cid, None) for cid in owing_nothing]
    assert owing_nothing == sorted(owing_nothing, reverse=True)
    assert cases["closed"] not in {cid for cid, _ in rows}
    assert cases["closed"] in {cid for cid, _ in listed(world, "chair", include_closed=True)}


@pytest.mark.parametrize("username", ["chair", "respondent", "rcsc", "tribunal", "moh_appeal"])
@pytest.mark.parametrize(
    "filters",
    [{}, {"include_closed": True}, {"limit": 2}, {"state": "explained"}, {"process": "eol"}],
)
def test_both_plans_give_the_same_list(world, cases, monkeypatch, username, filters):
    walked = listed(world, username, **filters)
    monkeypatch.setattr(queries, "WALK_BATCHES", 0)  # straight to the viewer's own cases
    assert listed(world, username, **filters) == walked


def test_a_sparse_view_falls_back_to_the_viewers_cases(world, cases, monkeypatch):
    """The respondent sees only their own cases: after the walk's batches they are listed
    directly, and nothing of theirs is lost."""
    monkeypatch.setattr(queries, "WALK_BATCHES", 1)
    rows = listed(world, "respondent", limit=1)
    with world.session() as s:
        mine = [r.case.id for r in queries.list_cases(s, world.actors["respondent"])]
    assert [cid for cid, _ in rows] == mine[:1]


def test_overdue_lists_only_cases_owing_past_their_date(world, cases):
    world.clock.advance(days=40)
    rows = listed(world, "chair", overdue_on=world.clock.today)
    assert rows and all(d is not None and d < world.clock.today.isoformat() for _, d in rows)


def test_an_appellate_authority_sees_a_case_once_it_is_appealed_to_it(world):
    """19.12.2, 19.3.7: a department's case reaches its ministry's appellate authority when
    the appeal is lodged, not before; another ministry's never."""
    world.make_servant("E300", agency="DOPH")
    world.add_user("e300", (R.RESPONDENT,), employee_eid="E300")
    world.add_user("moha_appeal", (R.APPELLATE,), agency="MOHA")
    for username in ("hr", "dc", "dc2", "chair", "secretary", "investigator"):  # DOPH's committee
        roles = tuple(world.actors[username].roles)
        world.actors[username] = world.add_user(f"doph_{username}", roles, agency="DOPH")
    case_id = world.walk_to("decided", eid="E300", respondent="e300")

    def sees(username: str) -> bool:
        with world.session() as s:
            found = queries.can_see(s, world.actors[username], case_id) is not None
            listed = case_id in [r.case.id for r in queries.list_cases(s, world.actors[username])]
        assert found == listed
        return found

    assert not sees("moh_appeal") and not sees("moha_appeal")
    world.drive(case_id, "appeal", respondent="e300")
    assert sees("moh_appeal") and not sees("moha_appeal")


EOL = eol_application()


def eol_case(world, eid: str, *, then: str | None = None) -> int:
    """An EOL application (it owes nothing), granted (owes the leave's commencement) or
    rejected (closed)."""
    world.make_servant(eid)
    case_id = world.open_case("eol", eid, "hr", EOL)
    decided = {"decided_on": world.today(), "hrc_meeting_no": "MOH/HRC/2026/12"}
    if then == "approve":
        world.fire(case_id, "approve", "chair", **decided)
    elif then == "reject":
        world.fire(case_id, "reject", "chair", rejection_reasons="Short-staffed.", **decided)
    world.clock.advance(days=1)
    return case_id  # type: ignore[return-value]


def test_a_deadline_armed_by_a_step_carries_its_cases_process(world):
    enquiry = world.walk_to("notice_served")
    leave = eol_case(world, "E300", then="approve")
    assert {(d.kind, d.process) for d in world.deadlines(leave)} == {("leave_commences", "eol")}
    rows = world.deadlines(enquiry)
    assert rows and {d.process for d in rows} == {"disciplinary"}


def test_a_process_filter_lists_its_owing_cases_first_then_the_rest_newest_first(
    world, cases, monkeypatch
):
    applied = eol_case(world, "E300")
    granted = eol_case(world, "E301", then="approve")
    rejected = eol_case(world, "E302", then="reject")
    due = world.deadline(granted, "leave_commences").due_on.isoformat()
    expected = [(granted, due), (rejected, None), (applied, None)]
    assert listed(world, "chair", process="eol", include_closed=True) == expected
    assert listed(world, "chair", process="eol") == [(granted, due), (applied, None)]
    disciplinary = listed(world, "chair", process="disciplinary", include_closed=True)
    assert set(cases.values()) == {cid for cid, _ in disciplinary}
    monkeypatch.setattr(queries, "WALK_BATCHES", 0)  # the other plan agrees
    assert listed(world, "chair", process="eol", include_closed=True) == expected


def test_a_final_state_lists_its_cases_newest_first(world, cases, monkeypatch):
    """Closing a case cancels what it owed: a list of closed cases is by age alone."""
    later = world.walk_to("closed")
    eol_case(world, "E300", then="reject")  # closed too, but not "closed"
    expected = [(later, None), (cases["closed"], None)]
    assert listed(world, "chair", state="closed") == expected
    assert listed(world, "chair", state="closed", process="disciplinary") == expected
    assert listed(world, "chair", state="rejected") != []
    assert listed(world, "respondent", state="closed") == expected
    assert listed(world, "respondent2", state="closed") == []
    monkeypatch.setattr(queries, "WALK_BATCHES", 0)
    assert listed(world, "chair", state="closed") == expected
