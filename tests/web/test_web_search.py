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
