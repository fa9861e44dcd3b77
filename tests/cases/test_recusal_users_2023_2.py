"""19.3.5 as 2023.2 reads it for the people a step names: investigators and members present
are accounts chosen from users, never names typed in, so a recused member or the respondent
cannot be named; and the investigation's own steps are the chosen investigators'."""

from __future__ import annotations

import pytest

from cases.core import service
from cases.core.db import transaction
from tests.conftest import DECISION
from workflows import registry
from workflows.context import Refused


def refusal(exc: pytest.ExceptionInfo[Refused]) -> tuple[str | None, str, str]:
    (r,) = exc.value.refusals
    return r.field, r.cite, r.reason


def investigation_committee(world, case_id: int, members: list[str]) -> None:
    """The agency records the case's Investigation Committee (19.8.2.2) with ``members``."""
    committee = world.make_committee(
        "investigation", f"IC {case_id}", "Investigation Committee", case_id=case_id
    )
    for username in members:
        world.seat(committee, username, "member", start_on=world.today())


def test_19_3_5_investigators_named_by_typed_text_are_refused_from_2023_2(world) -> None:
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of ... the Investigating Committee." A typed name cannot be checked
    against a recusal: from 2023.2 the investigators are accounts, and a name that is no
    account is refused naming the field and 19.3.5, nothing written."""
    case_id = world.walk_to("explained")
    assert world.case(case_id).process_version == "2023.2"
    with pytest.raises(Refused) as exc:
        world.order_investigation(case_id, "Member Secretary")
    field, cite, reason = refusal(exc)
    assert (field, cite) == ("investigators", "19.3.5") and "no user 'Member Secretary'" in reason
    assert world.case(case_id).state == "explained"
    assert (
        world.order_investigation(case_id, ["investigator", "secretary"]) == "investigation_ordered"
    )
    assert world.data(case_id)["investigators"] == ["investigator", "secretary"]


@pytest.mark.parametrize("named", ["respondent", "recused_member", "inactive_account"])
def test_19_3_5_an_investigator_who_may_not_investigate_is_refused(world, named: str) -> None:
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of ... the Investigating Committee": neither the respondent, nor a member
    who stepped aside from the case, nor an account no longer active is named."""
    case_id = world.walk_to("explained")
    username = {"respondent": "respondent", "recused_member": "dc2", "inactive_account": "dc2"}[
        named
    ]
    if named == "recused_member":
        world.recuse(case_id, "dc2", "brother-in-law")
    if named == "inactive_account":
        world.deactivate("dc2")
    with pytest.raises(Refused) as exc:
        world.order_investigation(case_id, ["investigator", username])
    field, cite, reason = refusal(exc)
    assert (field, cite) == ("investigators", "19.3.5") and username in reason
    assert world.case(case_id).state == "explained"


def test_19_8_2_2_investigators_come_from_the_recorded_investigation_committee(world) -> None:
    """19.8.2.2(iv)-(v) "the Investigation Committee": where the agency recorded one for
    the case, the investigators are chosen from its members; elsewhere from the competent
    agency's active users (an officer of another agency is refused)."""
    world.add_user("moha_investigator", ("investigator",), agency="MOHA")
    plain = world.walk_to("explained")
    with pytest.raises(Refused) as exc:
        world.order_investigation(plain, ["moha_investigator"])
    field, cite, reason = refusal(exc)
    assert (field, cite) == ("investigators", "19.8.2.2") and "active users of MOH" in reason

    case_id = world.walk_to("explained")
    investigation_committee(world, case_id, ["investigator", "dc2"])
    with pytest.raises(Refused) as exc:
        world.order_investigation(case_id, ["investigator", "secretary"])
    field, cite, reason = refusal(exc)
    assert (field, cite) == ("investigators", "19.8.2.2") and f"IC {case_id}" in reason
    assert world.order_investigation(case_id, ["investigator", "dc2"]) == "investigation_ordered"


def test_19_8_2_2_the_investigation_s_steps_are_taken_by_the_chosen_investigators(world):
    """19.8.2.2(v) "The Investigator or Investigating Committee shall commence
    investigation within five working days on receiving directives from the Disciplinary
    Committee" and (x) "The investigator/Investigation Committee shall submit a written
    report": an investigator the committee did not choose is refused, citing the provision
    that gives the step to the chosen ones; the chosen one takes it."""
    world.add_user("other_investigator", ("investigator",), agency="MOH")
    case_id = world.walk_to("explained")
    world.order_investigation(case_id, ["investigator"])
    with transaction(world.engine) as s:
        case = service.load(s, case_id)
        offered = service.available_steps(
            s, case, world.actors["other_investigator"], world.clock.now
        )
    assert "commence_investigation" not in [st.trigger for st in offered]
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id, "commence_investigation", "other_investigator", commenced_on=world.today()
        )
    assert [r.cite for r in exc.value.refusals] == ["19.8.2.2(v)"]
    assert "not among the investigators chosen" in exc.value.refusals[0].reason
    world.fire(case_id, "commence_investigation", "investigator", commenced_on=world.today())
    world.fire(case_id, "complete_investigation", "investigator", completed_on=world.today())
    with pytest.raises(Refused) as exc:
        world.fire(
            case_id,
            "submit_report",
            "other_investigator",
            report_findings="f",
            report_received_on=world.today(),
            copy_to_respondent_on=world.today(),
        )
    assert [r.cite for r in exc.value.refusals] == ["19.8.2.2(x)"]


@pytest.mark.parametrize("named", ["recused_member", "respondent", "another_agency_s_officer"])
def test_19_3_5_members_present_outside_a_meeting_are_chosen_from_users(world, named) -> None:
    """19.3.5 "shall not be a member of Disciplinary Committee": a decision taken outside a
    recorded meeting names its members present as accounts; where the agency recorded no
    committee, from its active users, never a recused member or the respondent."""
    case_id = world.walk_to("dc_meeting")
    username, cite = {
        "recused_member": ("dc2", "19.3.5"),
        "respondent": ("respondent", "19.3.5"),
        "another_agency_s_officer": ("moha_dc", "19.3.4, 2.10.6.1"),
    }[named]
    if named == "recused_member":
        world.recuse(case_id, "dc2", "brother-in-law")
    if named == "another_agency_s_officer":
        world.add_user("moha_dc", ("dc_member",), agency="MOHA")
    fields = dict(DECISION, meeting_on=world.today())
    with pytest.raises(Refused) as exc:
        world.fire(case_id, "record_decision", "dc", members_present=["dc", username], **fields)
    field, got, reason = refusal(exc)
    assert (field, got) == ("members_present", cite) and username in reason
    assert world.case(case_id).state == "dc_meeting"
    world.fire(case_id, "record_decision", "dc", members_present=["dc", "chair"], **fields)
    assert world.data(case_id)["members_present"] == ["dc", "chair"]


def test_19_3_5_the_first_version_keeps_typed_names() -> None:
    """2023.1 typed the investigators and the members present; a case opened before 7
    December 2026 keeps doing so until migrated (the 2023.2 steps take accounts)."""

    def kind(version: str, state: str, trigger: str, name: str) -> str:
        step = registry.version("disciplinary", version).steps_from(state, trigger)[0]
        return next(f.type for f in step.fields if f.name == name)

    for state, trigger, name in (
        ("explained", "order_investigation", "investigators"),
        ("investigating", "escalate_to_committee", "investigators"),
        ("dc_meeting", "record_decision", "members_present"),
    ):
        assert (kind("2023.1", state, trigger, name), kind("2023.2", state, trigger, name)) == (
            "text",
            "users",
        )
    commence = registry.version("disciplinary", "2023.1").steps_from(
        "investigation_ordered", "commence_investigation"
    )[0]
    assert [g.cite for g in commence.guards] == []
