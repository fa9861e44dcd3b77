"""The home page is the work queue: "Waiting for you" (the steps open to this user now, most
urgent first, with the deadline and the rule), "Waiting for others" (who must act next on
the cases one follows), filters, a count per tab, and an empty queue that says why."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from web_helpers import login

from cases.core.db import reading
from cases.inbox import work_queue as wq


def test_waiting_for_you_lists_each_open_step_with_deadline_weekday_and_rule(
    client, world, clock
) -> None:
    endorse = world.walk_to("awaiting_endorsement")
    late = world.walk_to("notice_served")  # explanation due in 5 working days (19.8.2.1(i))
    clock.advance(days=14)
    login(client, "chair")

    page = client.get("/")

    assert page.status_code == 200
    queue = page.context["queue"]
    assert [i.case.id for i in queue.mine] == [late, endorse]  # overdue first
    assert 'Waiting for you <span class="count">(2)</span>' in page.text
    row = page.text[page.text.index(f"/cases/{late}#action-submit_explanation") :]
    row = row[: row.index("</tr>")]
    assert "Tue 22 Dec 2026" in row and "overdue by" in row and "working days" in row
    assert "(BCSR 19.8.2.1(ii))" in page.text
    assert f"/cases/{endorse}#action-endorse_decision" in page.text
    assert "Endorse the DC decision (HRC)" in page.text and "(BCSR 19.8.2.4(i))" in page.text


def test_waiting_for_others_names_the_role_agency_and_people_who_must_act(client, world) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    login(client, "hr")  # opened the case; the chairperson must endorse

    page = client.get("/?tab=others")

    (item,) = page.context["queue"].others
    assert item.case.id == case_id
    assert "Endorse the DC decision (HRC)" in page.text
    assert "HRC chairperson of MOH (chair)" in page.text
    assert page.context["queue"].mine == []


def test_an_empty_queue_says_why(client, world) -> None:
    world.walk_to("awaiting_endorsement")
    login(client, "tribunal")

    page = client.get("/")

    assert page.context["queue"].mine == []
    assert "No appeal is before the Agency AT." in page.text
    login(client, "investigator")
    assert "No investigation waits for you." in client.get("/").text


def test_filters_narrow_every_tab_and_the_counts(client, world, clock) -> None:
    endorse = world.walk_to("awaiting_endorsement")
    late = world.walk_to("notice_served")
    clock.advance(days=14)
    login(client, "chair")

    overdue = client.get("/", params={"overdue": "true"}).context["queue"]
    staged = client.get("/", params={"state": "awaiting_endorsement"}).context["queue"]
    other = client.get("/", params={"process": "eol"})

    assert [i.case.id for i in overdue.mine] == [late] and overdue.mine_total == 1
    assert [i.case.id for i in staged.mine] == [endorse]
    assert other.context["queue"].mine == []
    assert "No case matching these filters waits for you." in other.text


def test_only_the_rcsc_filters_by_agency_and_the_agency_must_exist(client, world) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    login(client, "rcsc")
    listed = client.get("/?tab=all&agency=MOH").context["items"]
    assert [i["row"].case.id for i in listed] == [case_id]
    assert client.get("/?tab=all&agency=MOHA").context["items"] == []
    assert client.get("/?agency=NOPE").status_code == 422
    login(client, "chair")
    refused = client.get("/?agency=MOH")
    assert refused.status_code == 422 and "agency" in refused.text


def test_the_queue_costs_the_same_queries_for_few_or_many_cases(client, world, app) -> None:
    """No query per case: the contexts of all candidate cases are read together."""
    engine = app.state.engine
    login(client, "chair")

    def queries_for_home_page() -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN202
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    for _ in range(2):
        world.walk_to("awaiting_endorsement")
    few = queries_for_home_page()
    for _ in range(8):
        world.walk_to("awaiting_endorsement")
    many = queries_for_home_page()

    assert len(client.get("/").context["queue"].mine) == 10
    assert many == few


def three_cases_for_the_chair_one_overdue(client, world, clock) -> int:  # noqa: ANN001
    """Two decisions to endorse and an explanation overdue by 14 days (19.8.2.1(i)), the
    chairperson signed in; returns the overdue case."""
    for _ in range(2):
        world.walk_to("awaiting_endorsement")
    late = world.walk_to("notice_served")
    clock.advance(days=14)
    login(client, "chair")
    return late


def test_past_the_cap_the_count_says_more_than_and_the_list_keeps_the_most_urgent(
    client, world, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count past ``COUNT_CAP`` would cost every case; the tab says "more than" instead,
    and the list still starts with the most urgent (19.8.2.1(i): the explanation owed in 5
    working days before the cases that owe nothing by a date)."""
    monkeypatch.setattr(wq, "COUNT_CAP", 2)
    late = three_cases_for_the_chair_one_overdue(client, world, clock)

    page = client.get("/")

    queue = page.context["queue"]
    assert 'Waiting for you <span class="count">(more than 2)</span>' in page.text
    assert queue.mine[0].case.id == late and queue.mine[0].overdue
    assert len(queue.mine) == 2


def test_waiting_for_others_names_only_the_investigators_chosen_on_the_case(client, world) -> None:
    """19.8.2.2(v): "The Investigator or Investigating Committee shall commence investigation
    within five working days on receiving directives from the Disciplinary Committee": the
    investigation waits for the investigators the committee chose, so "Waiting for others"
    names them, not every investigator of the agency."""
    world.add_user("other_investigator", ("investigator",), agency="MOH")
    case_id = world.walk_to("explained")
    world.order_investigation(case_id, ["investigator"])
    login(client, "hr")  # opened the case

    page = client.get("/?tab=others")

    (item,) = page.context["queue"].others
    assert item.case.id == case_id
    text = " ".join(f"{h.who} {h.people}" for h in item.holders)
    assert "the investigator chosen on the case (investigator)" in text
    assert "other_investigator" not in text
    assert "investigator" in {p for h in item.holders for p in h.people}


def test_a_list_longer_than_a_page_counts_every_case_and_pages_the_rest_most_urgent_first(
    client, world, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tab counts every case and shows a page of them, most urgent first (19.8.2.1(i):
    the overdue explanation first, "within five working days"); the next page goes on where
    it ended, and a page past the end says so instead of showing nothing."""
    monkeypatch.setattr(wq, "PAGE", 2)
    late = three_cases_for_the_chair_one_overdue(client, world, clock)

    first = client.get("/")
    second = client.get("/?page=2")
    past = client.get("/?page=3")

    assert 'Waiting for you <span class="count">(3)</span>' in first.text
    assert "Showing 1–2 of 3, most urgent first." in first.text
    assert "Page 1 of 2" in first.text and 'rel="next" href="/?tab=mine&amp;page=2"' in first.text
    one = [i.case.id for i in first.context["queue"].mine]
    two = [i.case.id for i in second.context["queue"].mine]
    assert one[0] == late and len(one) == 2 and len(two) == 1
    assert len(set(one) | set(two)) == 3  # every case once, on one page or the other
    assert "Showing 3–3 of 3, most urgent first." in second.text
    assert 'rel="prev" href="/?tab=mine&amp;page=1"' in second.text
    assert "Page 3 is past the end of this list (2 pages)." in past.text


def test_a_page_number_the_queue_cannot_have_is_refused_naming_it(client, world) -> None:
    """A page of the work queue is a whole number from 1 to the last page its counts reach;
    anything else is refused (422) with the field named, never a 500."""
    login(client, "chair")
    for bad in ("0", "-1", "x", str(wq.LAST_PAGE + 1), "9" * 40):
        page = client.get(f"/?page={bad}")
        assert page.status_code == 422, bad
        assert "page" in page.text


def test_waiting_for_others_is_the_same_list_walked_in_due_order_or_gathered(
    world, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Waiting for others" walks who every case waits for in due order until it has a page
    of the cases the viewer follows, and gathers every case they follow when the walk would
    go on too long: both give the same list, most urgent first (19.8.2.1(i): the
    respondent's explanation "within five working days"), and the same count. The HR officer
    who opened the cases follows them; the committee acts on them next."""
    served = [world.walk_to("notice_served") for _ in range(2)]
    clock.advance(days=2)
    served.append(world.walk_to("notice_served"))
    world.walk_to("awaiting_endorsement")  # no running deadline: after every due date
    hr = world.actors["hr"]

    def others(walk: int, cap: int = 1000) -> tuple[list[int], str]:
        monkeypatch.setattr(wq, "FOLLOWED_WALK", walk)
        monkeypatch.setattr(wq, "COUNT_CAP", cap)
        with reading(world.engine) as s:
            queue = wq.work_queue(s, hr, clock.now, wq.Filters())
        return [i.case.id for i in queue.others], queue.others_count

    gathered = others(0)  # the walk reads nothing, so every followed case is gathered
    assert gathered[0][:3] == served and gathered[1] == "4"
    for walk in (1, 3, 5, 10_000):
        assert others(walk) == gathered
    assert others(10_000, cap=2) == others(0, cap=2) == (gathered[0][:2], "more than 2")


def test_waiting_for_others_and_all_cases_go_on_a_page_at_a_time(
    client, world, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HR officer who opened three cases follows them while they wait for the
    committee: "Waiting for others" pages them by number, most urgent first (19.8.2.1(i):
    the explanation owed first), and "All cases" goes on from where its page ended, so no
    case is shown twice or skipped. A cursor the list did not give is refused, named."""
    monkeypatch.setattr(wq, "PAGE", 2)
    late = three_cases_for_the_chair_one_overdue(client, world, clock)
    login(client, "hr")

    others = [client.get(f"/?tab=others&page={n}") for n in (1, 2)]
    first = client.get("/?tab=all")
    link = first.text[first.text.index('rel="next" href="') + len('rel="next" href="') :]
    second = client.get(link[: link.index('"')].replace("&amp;", "&"))

    pages = [[i.case.id for i in p.context["queue"].others] for p in others]
    assert pages[0][0] == late and [len(p) for p in pages] == [2, 1]
    assert len({*pages[0], *pages[1]}) == 3
    assert "Showing 3–3 of 3, most urgent first." in others[1].text
    assert 'All cases <span class="count">(2+)</span>' in first.text
    listed = [[i["row"].case.id for i in p.context["items"]] for p in (first, second)]
    assert listed[0][0] == late and [len(p) for p in listed] == [2, 1]
    assert len({*listed[0], *listed[1]}) == 3
    assert "First page" in second.text and 'rel="next"' not in second.text
    bad = client.get("/?tab=all&cursor=not-a-cursor")
    assert bad.status_code == 422 and "cursor" in bad.text
