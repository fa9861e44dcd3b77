"""The pages a Disciplinary Committee uses: sign-in, dashboard, case page, forms, refusals."""

from __future__ import annotations

import re

from web_helpers import login


def serve_notice_form(csrf: str, version: int, **over: str) -> dict[str, object]:
    form = {
        "csrf_token": csrf,
        "version": str(version),
        "charges[]": ["11"],
        "particulars": "Absent two days",
        "prima_facie": "on",
        "notice_received_on": "2026-12-15",
    }
    form.update(over)
    return form


def test_wrong_password_is_refused_without_saying_which_part(client, world) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    resp = client.post("/login", data={"username": "dc", "password": "nope", "csrf_token": token})
    assert resp.status_code == 401
    assert "Wrong username or password" in resp.text


def test_pages_need_a_session(client, world) -> None:
    resp = client.get("/", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"].endswith("/login")


def test_dashboard_lists_cases_with_next_deadline_overdue_first(client, world, clock) -> None:
    late = world.walk_to("notice_served")  # explanation due 5 working days after receipt
    fresh = world.open()
    clock.advance(days=20)
    login(client, "dc")
    page = client.get("/?tab=all")
    assert page.status_code == 200
    assert page.template.name == "pages/dashboard.html"
    rows = [i["row"].case.id for i in page.context["items"]]
    assert rows.index(late) < rows.index(fresh)
    first = page.context["items"][0]
    assert first["overdue"] and first["row"].next_kind == "explanation_due"
    assert "overdue by" in page.text


def test_case_page_shows_state_actions_deadlines_timeline_and_diagram(client, world) -> None:
    case_id = world.walk_to("enquiry_directed")
    login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    ctx = page.context
    assert ctx["case"].state == "enquiry_directed"
    assert "serve_notice" in [a["trigger"] for a in ctx["actions"]]
    assert "Serve the notice of charges" in page.text and "BCSR 19.8.2.1(i)" in page.text
    assert "class enquiry_directed current" in page.text  # diagram highlights where we are
    assert [e["trigger"] for e in ctx["events"]][-1] == "direct_enquiry"


def test_serving_a_notice_arms_the_explanation_deadline(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    version = world.case(case_id).version
    resp = client.post(
        f"/cases/{case_id}/actions/serve_notice", data=serve_notice_form(csrf, version)
    )
    assert resp.status_code == 200
    assert world.case(case_id).state == "notice_served"
    due = world.deadline(case_id, "explanation_due")
    assert due.due_on.isoformat() == "2026-12-23"  # 17 December, National Day, is skipped
    assert "National Day" in resp.text


def test_htmx_submission_returns_the_panel_and_signals_the_timeline(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    resp = client.post(
        f"/cases/{case_id}/actions/serve_notice",
        data=serve_notice_form(csrf, world.case(case_id).version),
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 200
    assert resp.text.lstrip().startswith('<div id="panels">')
    assert "<html" not in resp.text
    assert resp.headers["HX-Trigger"] == "case-changed"
    assert "Respondent&#39;s explanation" in resp.text or "Respondent's explanation" in resp.text


def test_csrf_token_is_required_for_every_state_change(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    login(client, "dc")
    form = serve_notice_form("forged", world.case(case_id).version)
    resp = client.post(f"/cases/{case_id}/actions/serve_notice", data=form)
    assert resp.status_code == 403
    assert world.case(case_id).state == "enquiry_directed"


def test_cross_site_origin_is_refused_even_with_the_token(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    resp = client.post(
        f"/cases/{case_id}/actions/serve_notice",
        data=serve_notice_form(csrf, world.case(case_id).version),
        headers={"Origin": "https://evil.example"},
    )
    assert resp.status_code == 403
    assert world.case(case_id).state == "enquiry_directed"


def test_stale_version_is_refused_with_409_and_nothing_changes(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    old = world.case(case_id).version
    world.fire(
        case_id,
        "recommend_summary",
        "chair",
        summary_ground="19.10.1.1",
        summary_evidence="three warnings",
    )
    resp = client.post(f"/cases/{case_id}/actions/serve_notice", data=serve_notice_form(csrf, old))
    assert resp.status_code == 409
    assert "This case moved on to" in resp.text and "while you were working" in resp.text
    assert "Absent two days" in resp.text  # what the user entered is kept
    assert world.case(case_id).state == "summary_recommended"


def test_wrong_role_is_refused_with_403_and_the_section(client, world) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    csrf = login(client, "dc")  # only the HRC chairperson endorses
    resp = client.post(
        f"/cases/{case_id}/actions/endorse_decision",
        data={
            "csrf_token": csrf,
            "version": world.case(case_id).version,
            "endorsed_on": "2026-12-20",
            "hrc_meeting_no": "7",
        },
    )
    assert resp.status_code == 403
    assert "BCSR 19.8.2.4(i)" in resp.text
    assert world.case(case_id).state == "awaiting_endorsement"


def test_recused_member_is_refused_with_19_3_5(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    resp = client.post(
        f"/cases/{case_id}/recusal",
        data={"csrf_token": csrf, "reason": "the respondent is my cousin"},
    )
    assert resp.status_code == 200
    assert "You declared a relation" in resp.text
    resp = client.post(
        f"/cases/{case_id}/actions/serve_notice",
        data=serve_notice_form(csrf, world.case(case_id).version),
    )
    assert resp.status_code == 403
    assert "BCSR 19.3.5" in resp.text


def test_bad_input_is_shown_inline_naming_field_and_rule(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    form = serve_notice_form(csrf, world.case(case_id).version, notice_received_on="15/12/2026")
    form.pop("prima_facie")
    resp = client.post(f"/cases/{case_id}/actions/serve_notice", data=form)
    assert resp.status_code == 422
    assert "Respondent received the notice on: must be a date" in resp.text
    assert world.case(case_id).state == "enquiry_directed"


def test_unmet_rule_is_refused_with_its_section(client, world, clock) -> None:
    clock.advance(days=1)  # the notice is received on Tuesday 15 December
    case_id = world.walk_to("enquiry_directed")
    csrf = login(client, "dc")
    form = serve_notice_form(csrf, world.case(case_id).version)
    form.pop("prima_facie")
    resp = client.post(f"/cases/{case_id}/actions/serve_notice", data=form)
    assert resp.status_code == 422
    assert "prima facie case exists (BCSR 19.8.2.1(i))" in resp.text


def test_respondent_sees_only_own_cases(client, world) -> None:
    own = world.open(eid="E100")
    world.make_servant("E200", name="Sonam Choden")
    other = world.open(eid="E200")
    login(client, "respondent")
    assert client.get(f"/cases/{own}").status_code == 200
    assert client.get(f"/cases/{other}").status_code == 404
    ids = [i["row"].case.id for i in client.get("/?tab=all").context["items"]]
    assert ids == [own]


def test_user_text_is_escaped(client, world) -> None:
    case_id = world.open(narration="<script>alert(1)</script> facts")
    login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_opening_a_case_from_the_form(client, world) -> None:
    csrf = login(client, "hr")
    resp = client.post(
        "/cases",
        data={
            "csrf_token": csrf,
            "process": "disciplinary",
            "subject_eid": "E100",
            "opened_by": "dc_initiative",
            "narration": "Repeated absence",
            "received_on": "2026-12-14",
        },
    )
    assert resp.status_code == 200 and resp.context["case"].state == "received"


def test_civil_servant_page_shows_penalties_and_negative_list(client, world) -> None:
    world.walk_to("closed")
    login(client, "dc")
    page = client.get("/servants/E100")
    assert page.status_code == 200
    assert page.context["standing"].on_negative_list
    assert "On the Negative List" in page.text and "Demotion" in page.text


def test_admin_adds_a_closure_on_the_calendar_page(client, world) -> None:
    csrf = login(client, "admin")
    resp = client.post(
        "/calendar",
        data={"csrf_token": csrf, "day": "2026-12-16", "kind": "added", "note": "Flood closure"},
    )
    assert resp.status_code == 200
    assert "Flood closure" in resp.text


def test_only_an_admin_changes_the_calendar(client, world) -> None:
    csrf = login(client, "dc")
    resp = client.post(
        "/calendar", data={"csrf_token": csrf, "day": "2026-12-16", "kind": "added", "note": "x"}
    )
    assert resp.status_code == 403


def test_a_long_timeline_shows_the_newest_events_and_offers_all(client, world) -> None:
    """A case page costs about the same however long the case's history; every event is one
    click away (and in the due-process report)."""
    from cases.core import service
    from cases.core.db import transaction
    from web.views import TIMELINE_NEWEST

    case_id = world.walk_to("notice_served")
    with transaction(world.engine) as s:
        for n in range(TIMELINE_NEWEST):
            service.declare_recusal(
                s,
                case_id,
                world.actors["dc2"],
                f"related to the respondent ({n})",
                now=world.clock.now,
            )
    login(client, "chair")
    page = client.get(f"/cases/{case_id}")
    shown = page.context["events"]
    assert len(shown) == TIMELINE_NEWEST
    total = page.context["events_total"]
    assert total > TIMELINE_NEWEST
    assert shown[-1]["seq"] - shown[0]["seq"] == TIMELINE_NEWEST - 1  # the newest, in order
    assert (
        "Direct the DC to hold an enquiry"
        not in page.text.split('id="timeline"')[1].split("</section>")[0]
    )
    assert f"Showing the newest {TIMELINE_NEWEST} of {total} events" in page.text
    everything = client.get(f"/cases/{case_id}/timeline?events=all")
    assert everything.text.count('class="hash"') == total
    assert "Direct the DC to hold an enquiry" in everything.text
    assert "Showing the newest" not in everything.text


def test_19_8_3_an_appeal_varied_from_the_form_is_executed_by_the_rcsc_committee(
    client, world
) -> None:
    """19.12.4, 19.8.3 (2023.2): the appellate body's form takes a finding per charge only
    for a varied decision (the per-charge choices are optional on the page), and the case
    then waits for the appellate authority's committee to execute it."""
    case_id = world.walk_to("appeal")
    csrf = login(client, "rcsc")
    page = client.get(f"/cases/{case_id}")
    assert 'name="appellate_findings__1__finding">' in page.text  # not required
    form = {
        "csrf_token": csrf,
        "version": str(world.case(case_id).version),
        "appeal_outcome": "varied",
        "appellate_findings__1__finding": "not_guilty",
        "appellate_findings__2__finding": "guilty",
        "appellate_findings__2__penalty": "reassignment",
        "due_process_examined": "on",
        "appeal_reasons": "Charge 1 not proven; demotion too harsh.",
    }
    resp = client.post(f"/cases/{case_id}/actions/decide_appeal", data=form)
    assert resp.status_code == 200
    assert world.case(case_id).state == "appeal_decided"
    assert "Execute the appellate decision" in resp.text and "BCSR 19.8.3" in resp.text


def test_all_cases_list_is_read_only_on_its_own_tab(client, world) -> None:
    """The queue's tabs do not pay for the all-cases list: its rows and its count appear on
    the "All cases" tab only."""
    case_id = world.open()
    login(client, "dc")
    mine = client.get("/")
    assert mine.context["items"] == [] and 'id="tab-all"' in mine.text
    assert re.search(r'id="tab-all"[^>]*>All cases</a>', mine.text)
    listed = client.get("/?tab=all")
    assert [i["row"].case.id for i in listed.context["items"]] == [case_id]
    assert re.search(r'id="tab-all"[^>]*>All cases <span class="count">\(1\)</span>', listed.text)
