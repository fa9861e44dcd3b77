"""Who a case waits for (cases.inbox.next_actors): the steps, the competent body (19.3.4-19.3.7,
13.6.5) and the users who may take them, with recusal (19.3.5) applied."""

from __future__ import annotations

from datetime import date

import pytest

from cases.core import service
from cases.core.db import transaction
from cases.core.models import Agency, User
from cases.inbox import next_actors
from workflows import roles as R


def waiting(world, case_id: int) -> dict[str, list[str]]:
    """username -> triggers the case waits for that user to take."""
    names = {u.id: name for name, u in world.users.items()}
    with world.session() as s:
        found = next_actors.users_to_act(s, service.load(s, case_id), world.clock.now)
    return {names[uid]: sorted(st.trigger for st in steps) for uid, steps in found.items()}


def actions(world, case_id: int) -> list[next_actors.NextAction]:
    with world.session() as s:
        return next_actors.next_actions(s, service.load(s, case_id), world.clock.now)


@pytest.fixture
def moha_chair(world):
    return world.add_user("moha_chair", (R.HRC_CHAIR,), agency="MOHA")


def test_19_3_4_a_new_complaint_waits_for_the_agency_committee_only(world, moha_chair):
    case_id = world.open()  # by the HR officer of MOH

    assert waiting(world, case_id) == {
        "dc": ["direct_enquiry", "dismiss_complaint", "refer_to_adr"],
        "dc2": ["direct_enquiry", "dismiss_complaint", "refer_to_adr"],
        "chair": ["direct_enquiry", "dismiss_complaint", "recommend_summary", "refer_to_adr"],
        "secretary": ["direct_enquiry", "dismiss_complaint", "refer_to_adr"],
    }  # not the HR officer, the investigator, the RCSC, nor another agency's chairperson
    direct = next(a for a in actions(world, case_id) if a.trigger == "direct_enquiry")
    assert (direct.cite, direct.agencies, direct.authority_cite) == ("19.8.2", ("MOH",), "19.3.4")
    assert direct.who() == "DC/HRC member or HRC chairperson or member secretary of MOH"


def test_19_3_5_a_recused_member_is_not_waited_for(world):
    case_id = world.walk_to("enquiry_directed")
    world.recuse(case_id, "dc2")

    assert set(waiting(world, case_id)) == {"dc", "chair", "secretary"}


def test_suspension_and_death_steps_are_not_what_a_case_waits_for(world):
    case_id = world.walk_to("enquiry_directed")

    triggers = {a.trigger for a in actions(world, case_id)}
    assert triggers == {"serve_notice", "recommend_summary"}  # not suspend, hearing, death


def test_19_8_2_1_the_respondent_is_waited_for_on_their_own_case_only(world):
    world.make_servant("E200")
    world.add_user("other_respondent", (R.RESPONDENT,), employee_eid="E200")
    case_id = world.walk_to("notice_served")

    found = waiting(world, case_id)
    assert found["respondent"] == ["submit_explanation"]
    assert "other_respondent" not in found
    (explain,) = actions(world, case_id)
    assert explain.who() == (
        "the respondent, or DC/HRC member or HRC chairperson or member secretary of MOH"
    )


def test_a_running_deadline_says_what_is_owed(world):
    """19.8.2.2(vi): investigating, the case waits for the completion the clock runs on, not
    for an extension or an escalation, which the committee may also take."""
    case_id = world.walk_to("investigating")

    assert [a.trigger for a in actions(world, case_id)] == ["complete_investigation"]
    found = waiting(world, case_id)
    # The Member Secretary was chosen (19.8.2.2(iii)): the investigator was not (19.8.2.2(v)).
    assert found["secretary"] == ["complete_investigation"] and "investigator" not in found


def test_19_3_6_an_executive_case_waits_for_the_rcsc_not_the_agency(world):
    world.make_servant("E300", level="EX3", name="Director General")
    case_id = world.open("E300")
    world.fire(case_id, "direct_enquiry", "rcsc", reasons="Not suitable for ADR")

    found = waiting(world, case_id)
    assert "serve_notice" in found["rcsc"]
    # 19.10.1 "upon the recommendation of the HR Committee of the Agency": from 2023.2 the
    # agency's chair may recommend summary retirement; the notice is the RCSC's alone.
    assert set(found) - {"rcsc"} <= {"chair"} and found.get("chair", []) == ["recommend_summary"]
    (serve,) = [a for a in actions(world, case_id) if a.trigger == "serve_notice"]
    assert (serve.agencies, serve.authority_cite) == (("RCSC",), "19.3.6")
    assert serve.who().endswith("of RCSC")


def test_19_12_1_an_appeal_waits_for_the_respondent_and_their_agency_not_the_rcsc(world):
    case_id = world.walk_to("decided")

    found = waiting(world, case_id)
    assert found == {"respondent": ["lodge_appeal"], "hr": ["lodge_appeal"]}
    (appeal,) = actions(world, case_id)
    assert appeal.who() == "the respondent, or HR officer of MOH or RCSC"


def test_19_3_7_the_appeal_waits_for_the_appellate_authority_of_the_agency(world):
    case_id = world.walk_to("appeal")

    assert waiting(world, case_id) == {"rcsc": ["decide_appeal"]}  # MOH is a ministry


def test_a_closed_case_waits_for_no_one(world):
    case_id = world.walk_to("closed")

    assert actions(world, case_id) == []
    assert waiting(world, case_id) == {}


def test_13_9_4_a_relieved_transfer_waits_for_the_receiving_agency_to_report_joining(world):
    """report_joining has three branches from two stages: still what the case waits for."""
    with transaction(world.engine) as s:
        s.add(Agency(code="MOE", name="Ministry of Education", kind="ministry"))
    world.add_user("moe_hr", (R.HR_OFFICER,), agency="MOE")
    world.make_servant("E200", date_of_birth=date(1988, 4, 2), position_since=date(2018, 3, 1))
    raw = {
        "transfer_kind": "on_request",
        "receiving_agency": "MOE",
        "new_position": "Planning Officer",
        "new_station": "Trashigang",
        "effective_on": "2027-01-15",
        "distance_km": "550",
        "change_of_residence": True,
        "reasons": "Spouse posted to Trashigang",
    }
    case_id = world.open_case("transfer", "E200", "hr", raw)
    world.fire(
        case_id,
        "recommend_request",
        "chair",
        recommended_on=world.today(),
        hrc_meeting_no="MOH/HRC/22",
        recommendation="Recommended on family grounds",
    )
    world.fire(case_id, "issue_order", "rcsc", order_no="RCSC/TO/9", order_date=world.today())
    world.fire(case_id, "relieve", "hr", relieved_on=world.today(), handing_over_confirmed=True)

    assert {a.trigger for a in actions(world, case_id)} == {
        "report_joining",
        "send_personal_file",
        "withhold_salary",
    }
    found = waiting(world, case_id)
    assert "report_joining" in found["moe_hr"]
    assert "send_personal_file" in found["hr"]


def test_19_3_4_a_role_given_or_moved_later_changes_who_the_case_waits_for(world):
    """Holders are found by role and agency (user_role, kept from each user's roles): an
    officer made a committee member of the competent agency is waited for at once, and one
    moved to another agency no longer is."""
    case_id = world.open()
    nurse = world.add_user("nurse", (R.CIVIL_SERVANT,), agency="MOH")
    assert "nurse" not in waiting(world, case_id)

    with transaction(world.engine) as s:
        user = s.get(User, nurse.user_id)
        user.roles = f"{R.CIVIL_SERVANT},{R.DC_MEMBER}"
    assert waiting(world, case_id)["nurse"] == [
        "direct_enquiry",
        "dismiss_complaint",
        "refer_to_adr",
    ]

    with transaction(world.engine) as s:
        s.get(User, nurse.user_id).agency_code = "MOHA"
    assert "nurse" not in waiting(world, case_id)
