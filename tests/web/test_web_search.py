"""The search box of every page finds the cases the user may see by case number, name (in
any order) and employee ID, and says plainly when there are none; the register's search
matches position levels and full names in any order."""

from __future__ import annotations

from web_helpers import login


def test_the_search_box_is_on_every_page(client, world) -> None:
    login(client, "dc")
    for path in ("/", "/inbox", "/servants", "/calendar"):
        assert 'action="http://testserver/search"' in client.get(path).text, path


def test_cases_are_found_by_number_name_in_any_order_and_employee_id(client, world) -> None:
    world.make_servant("E200", name="Kinley Dema")
    hers = world.open(eid="E200")
    his = world.open(eid="E100")  # Dorji Wangchuk
    login(client, "dc")

    def found(q: str) -> list[int]:
        return [r["case"].id for r in client.get("/search", params={"q": q}).context["rows"]]

    assert found(str(hers)) == [hers] and found(f"#{his}") == [his]
    assert found("dema kinley") == [hers] and found("KINLEY") == [hers]
    assert found("E200") == [hers]
    assert found("disciplinary wangchuk") == [his]
    assert found("%") == [] and found("_") == []  # wildcards are taken literally


def test_no_results_is_said_plainly_and_unseen_cases_are_not_found(client, world) -> None:
    world.make_servant("E300", name="Sonam Choden")
    world.open(eid="E300")  # the agency's case, not the respondent's own
    login(client, "respondent")  # sees only their own case

    page = client.get("/search", params={"q": "Sonam"})

    assert page.status_code == 200 and page.context["rows"] == []
    assert "No results: no case you may see matches" in page.text
    assert client.get("/search", params={"q": "x" * 201}).status_code == 422


def test_the_register_search_matches_levels_and_full_names_in_any_order(client, world) -> None:
    world.make_servant("E200", name="Kinley Dema", level="P5")
    world.make_servant("E201", name="Dema Choden", level="S2")
    login(client, "hr")

    def found(q: str) -> list[str]:
        return [s.eid for s in client.get("/servants", params={"q": q}).context["servants"]]

    assert found("dema kinley") == ["E200"]
    assert found("S2") == ["E201"]
    assert found("dema p5") == ["E200"]


def test_words_of_a_case_find_it_with_the_match_marked_and_the_text_escaped(client, world) -> None:  # noqa: ANN001
    """The search box also reads a case's recorded facts (cases.core.search_index): the
    matching words in context, marked, and anything a user typed shown as text."""
    from tests.web.web_helpers import login

    case_id = world.open(narration="Left the <b>store</b> unlocked overnight")
    login(client, "dc")
    page = client.get("/search", params={"q": "unlocked"})
    assert page.status_code == 200 and f"#{case_id}" in page.text
    assert "<mark>unlocked</mark>" in page.text
    # Never the user's markup: SQLite's snippet keeps it (escaped), PostgreSQL's
    # ts_headline drops tags; either way no <b> of the narration reaches the page.
    assert "<b>store</b>" not in page.text
    assert "&lt;b&gt;store&lt;/b&gt;" in page.text or "<b>" not in page.text


def test_the_search_api_filters_and_marks_matches(client, world, token) -> None:  # noqa: ANN001
    first = world.open(narration="Left the store unlocked overnight")
    world.walk_to("notice_served")
    dc = token("dc")
    got = client.get("/api/search", params={"q": "absent"}, headers=dc).json()["results"]
    assert len(got) == 1 and "**Absent**" in got[0]["snippet"]
    both = client.get("/api/search", params={"q": "karma"}, headers=dc).json()["results"]
    assert len(both) == 2
    received = client.get(
        "/api/search", params={"q": "karma", "state": "received"}, headers=dc
    ).json()["results"]
    assert [r["case_id"] for r in received] == [first]
    bad = client.get("/api/search", params={"q": "x", "opened_from": "someday"}, headers=dc)
    assert bad.status_code == 422 and bad.json()["field"] == "opened_from"


def test_the_search_page_filters_by_offence_and_penalty_alone_or_with_words(
    client,
    world,  # noqa: ANN001
) -> None:
    """The filters of the search page (process, stage, agency, Schedule 19/A row, penalty,
    days opened, version) narrow the words, and alone list every case they keep."""
    decided = world.walk_to("decided")  # offences 11 and 3; a reprimand and a demotion
    served = world.walk_to("notice_served", charges=["15"])
    login(client, "dc")
    page = client.get("/search")
    assert 'id="search-filters"' in page.text and 'name="penalty"' in page.text
    alone = client.get("/search", params={"q": "", "offence": "15", "penalty": ""})
    assert f"/cases/{served}" in alone.text and f'/cases/{decided}"' not in alone.text
    assert "with these filters" in alone.text
    words = client.get("/search", params={"q": "karma", "penalty": "demotion"})
    assert f"/cases/{decided}" in words.text and f'/cases/{served}"' not in words.text
    bad = client.get("/search", params={"q": "karma", "offence": "99"})
    assert bad.status_code == 422 and "Schedule 19/A" in bad.text


def test_the_search_api_filters_by_offence_row_and_penalty(client, world, token) -> None:  # noqa: ANN001
    decided = world.walk_to("decided")
    world.walk_to("notice_served", charges=["15"])
    dc = token("dc")
    got = client.get(
        "/api/search", params={"q": "karma", "offence": "3", "penalty": "reprimand"}, headers=dc
    ).json()["results"]
    assert [r["case_id"] for r in got] == [decided]
    bad = client.get("/api/search", params={"q": "karma", "penalty": "exile"}, headers=dc)
    assert bad.status_code == 422 and bad.json()["field"] == "penalty"
