"""A holiday added or removed after a deadline was armed: the administrator sees which
deadlines moved, the case page keeps the first date and explains the new one."""

from __future__ import annotations

from datetime import date, datetime, time

from web_helpers import login

from workflows.calendar import BHUTAN_TZ


def notice_received_tuesday_15_december(world) -> int:  # noqa: ANN001
    case_id = world.walk_to("enquiry_directed")
    world.clock.now = max(
        world.clock.now, datetime.combine(date(2026, 12, 15), time(10), BHUTAN_TZ)
    )
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars="Absent without leave",
        prima_facie=True,
        notice_received_on="2026-12-15",
    )
    return case_id  # explanation due Wed 23 Dec 2026 (5 working days, 19.8.2.1(i))


def test_a_closure_lists_the_deadlines_it_moved(client, world) -> None:
    case_id = notice_received_tuesday_15_december(world)
    csrf = login(client, "admin")
    resp = client.post(
        "/calendar",
        data={"csrf_token": csrf, "day": "2026-12-18", "kind": "added", "note": "Winter storm"},
    )
    assert resp.status_code == 200
    moved = resp.context["change"].moved
    assert [(m.case_id, m.kind, m.was, m.due) for m in moved] == [
        (case_id, "explanation_due", date(2026, 12, 23), date(2026, 12, 24))
    ]
    assert "1 armed deadline moved" in resp.text
    history = client.get("/calendar").context["moves"]
    assert [(m["event"].case_id, m["fields"]["was"], m["fields"]["now"]) for m in history] == [
        (case_id, "2026-12-23", "2026-12-24")
    ]


def test_the_case_page_keeps_the_first_date_and_explains_the_new_one(client, world) -> None:
    case_id = notice_received_tuesday_15_december(world)
    csrf = login(client, "admin")
    client.post(
        "/calendar",
        data={"csrf_token": csrf, "day": "2026-12-18", "kind": "added", "note": "Winter storm"},
    )
    login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    (row,) = [d for d in page.context["deadlines"] if d["kind"] == "explanation_due"]
    assert (row["due_on"], row["original_due_on"], row["moved"]) == (
        date(2026, 12, 24),
        date(2026, 12, 23),
        True,
    )
    skipped = {s.day: s.reason for s in row["reckoning"].skipped}
    assert skipped[date(2026, 12, 18)] == "Winter storm"
    assert skipped[date(2026, 12, 19)] == "Saturday"
    assert "first computed as Wed 23 Dec 2026" in page.text
    assert "Why Thu 24 Dec 2026?" in page.text
    api = client.get(f"/api/cases/{case_id}").json()
    (d,) = [d for d in api["deadlines"] if d["kind"] == "explanation_due"]
    assert (d["due_on"], d["original_due_on"]) == ("2026-12-24", "2026-12-23")


def test_clearing_a_correction_that_does_not_exist_names_the_day(client, world) -> None:
    csrf = login(client, "admin")
    resp = client.post("/calendar", data={"csrf_token": csrf, "day": "2026-12-16", "kind": "clear"})
    assert resp.status_code == 422
    assert "day: no correction on 2026-12-16" in resp.text


def test_moved_deadlines_of_cases_the_viewer_may_not_see_are_not_listed(client, world) -> None:
    """The calendar page lists each move with its case number and dates: only for cases the
    viewer may see (the case list's rule), so one respondent never sees another's case."""
    theirs = notice_received_tuesday_15_december(world)
    world.make_servant("E200", name="Pema Lhamo")
    world.add_user("other_respondent", ("respondent",), employee_eid="E200")
    csrf = login(client, "admin")
    client.post(
        "/calendar",
        data={"csrf_token": csrf, "day": "2026-12-18", "kind": "added", "note": "Winter storm"},
    )
    login(client, "other_respondent")
    page = client.get("/calendar")
    assert page.context["moves"] == []
    assert f"/cases/{theirs}" not in page.text
    login(client, "respondent")
    own = client.get("/calendar").context["moves"]
    assert [m["event"].case_id for m in own] == [theirs]


def test_removing_a_day_that_is_not_a_listed_holiday_is_refused_naming_the_day(
    client, world
) -> None:
    """Any date the `holidays` package does not list (a working day, a weekend, a closure
    the administrator added) cannot be "removed": 422 naming the field, nothing saved."""
    notice_received_tuesday_15_december(world)
    csrf = login(client, "admin")
    client.post(
        "/calendar",
        data={"csrf_token": csrf, "day": "2026-12-18", "kind": "added", "note": "Winter storm"},
    )
    for day in ("2026-12-16", "2026-12-19", "2026-12-18"):
        resp = client.post(
            "/calendar", data={"csrf_token": csrf, "day": day, "kind": "removed", "note": "x"}
        )
        assert resp.status_code == 422, day
        assert f"day: {day}: that date is not a listed holiday" in resp.text
        # the form keeps what was typed, and the date input points at the message
        assert (
            f'name="day" value="{day}" required aria-invalid="true" '
            'aria-describedby="calendar-error"' in resp.text
        )
        assert '<option value="removed" selected>' in resp.text
    page = client.get("/calendar")
    assert [(o.day, o.kind) for o in page.context["overrides"]] == [(date(2026, 12, 18), "added")]
