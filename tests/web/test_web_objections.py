"""19.3.5 on the case page from disciplinary 2023.2: the respondent objects to a member,
the HRC chair decides, and the page shows the objection and its decision."""

from __future__ import annotations

from functools import partial
from typing import Any

from web_helpers import login


def post_step(client: Any, world: Any, case_id: int, csrf: str, trigger: str, **fields: str) -> Any:
    """The step's form on the case page as submitted, at the case's current version."""
    form = {"csrf_token": csrf, "version": str(world.case(case_id).version), **fields}
    return client.post(f"/cases/{case_id}/actions/{trigger}", data=form)


def test_19_3_5_the_respondent_objects_and_the_chair_decides_on_the_case_page(client, world):
    """19.3.5: "A person related to or prejudicial against a respondent civil servant shall
    not be a member of Disciplinary Committee"."""
    case_id = world.walk_to("notice_served", charges=["11"])
    step = partial(post_step, client, world, case_id)
    csrf = login(client, "respondent")
    page = client.get(f"/cases/{case_id}")
    assert 'id="action-object_to_member"' in page.text
    resp = step(
        csrf,
        "object_to_member",
        objected_member="nobody",
        objection_grounds="Prejudiced",
        objection_raised_on="2026-12-14",
    )
    assert resp.status_code == 422 and "no active user named &#39;nobody&#39;" in resp.text
    resp = step(
        csrf,
        "object_to_member",
        objected_member="dc2",
        objection_grounds="He is married to my sister.",
        objection_raised_on="2026-12-14",
    )
    assert resp.status_code == 200
    csrf = login(client, "chair")
    page = client.get(f"/cases/{case_id}")
    assert "dc2: He is married to my sister." in page.text
    assert "waiting for the HRC chair" in page.text
    resp = step(
        csrf,
        "decide_objection",
        objected_member="dc2",
        objection_decision="upheld",
        objection_reasons="Related by marriage.",
    )
    assert resp.status_code == 200
    page = client.get(f"/cases/{case_id}")
    assert "upheld by chair: Related by marriage." in page.text
