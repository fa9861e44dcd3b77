"""The page after a step: every part the step changed is fresh (htmx or plain form), a
confirmation says what was recorded and what comes next, no form opens by itself, and a
step that ends the case asks for confirmation naming the consequence."""

from __future__ import annotations

import re

from web_helpers import login

ENDORSE = {"endorsed_on": "2026-12-14", "hrc_meeting_no": "HRC/1"}
CONFIRMATION = (
    "Recorded: Endorse the DC decision (HRC) (BCSR 19.8.2.4(i)). Next: Sign and communicate "
    "the decision letter (BCSR 19.8.2.4(ii)), for you, by Tue 22 Dec 2026 (5 working days left)."
)


def _endorse(client, world, csrf: str, case_id: int, **headers: str):  # noqa: ANN001, ANN202
    version = world.case(case_id).version
    return client.post(
        f"/cases/{case_id}/actions/endorse_decision",
        data={"csrf_token": csrf, "version": version, **ENDORSE},
        headers=headers,
        follow_redirects=False,
    )


def test_an_htmx_step_refreshes_facts_letters_and_diagram_and_says_what_comes_next(
    client, world
) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    csrf = login(client, "chair")

    resp = _endorse(client, world, csrf, case_id, **{"HX-Request": "true"})

    assert resp.status_code == 200 and "<html" not in resp.text
    text = re.sub(r"\s+", " ", resp.text)
    assert CONFIRMATION in text
    for part in ("record", "documents", "diagram"):
        assert f'<section id="{part}" hx-swap-oob="true">' in text, part
    assert "Issue: Decision of the Disciplinary Committee" in text  # the letter, now due
    assert "class endorsed current" in text  # the diagram highlights the new stage
    assert resp.headers["HX-Trigger"] == "case-changed"  # timeline and due-process reload


def test_a_plain_form_step_confirms_after_the_redirect(client, world) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    csrf = login(client, "chair")

    resp = _endorse(client, world, csrf, case_id)

    assert resp.status_code == 303 and "recorded=" in resp.headers["location"]
    page = client.get(resp.headers["location"])
    assert CONFIRMATION in re.sub(r"\s+", " ", page.text)
    # An event of another case confirms nothing here.
    other = world.walk_to("received")
    assert "Recorded:" not in client.get(f"/cases/{other}?recorded=1").text


def test_no_action_form_opens_by_itself(client, world) -> None:
    case_id = world.walk_to("investigation_ordered")
    login(client, "secretary")

    page = client.get(f"/cases/{case_id}")

    assert page.context["actions"]
    assert re.search(r'<details class="action"[^>]*\bopen\b', page.text) is None


def test_every_step_that_ends_the_case_asks_for_confirmation_naming_the_consequence(
    client, world
) -> None:
    case_id = world.walk_to("explained")
    login(client, "dc")

    page = client.get(f"/cases/{case_id}")

    actions = {a["trigger"]: a for a in page.context["actions"]}
    dismiss = actions["dismiss_case"]
    assert dismiss["confirm"].startswith("This ends the case: it will be \u201cdismissed\u201d")
    form = page.text[page.text.index('name="dismiss_case"') :]
    form = form[: form.index("</form>")]
    assert '<input type="checkbox" required>' in form and "no further step can be taken" in form
    assert all(
        a["confirm"] is None
        for a in actions.values()
        if not page.context["process"].is_final(
            page.context["process"].steps_from("explained", a["trigger"])[0].dest
        )
    )


def test_a_stale_tab_shows_the_case_as_it_is_now_with_what_was_entered(client, world) -> None:
    case_id = world.walk_to("awaiting_endorsement")
    csrf = login(client, "chair")
    version = world.case(case_id).version
    world.fire(case_id, "endorse_decision", "chair", **ENDORSE)

    resp = client.post(
        f"/cases/{case_id}/actions/return_to_dc",
        data={"csrf_token": csrf, "version": version, "reasons": "Reconsider penalty 2"},
    )

    assert resp.status_code == 409
    assert "This case moved on to \u201cendorsed; to be communicated\u201d while you were" in (
        re.sub(r"\s+", " ", resp.text)
    )
    assert "Reconsider penalty 2" in resp.text
    assert resp.context["case"].state == "endorsed"
