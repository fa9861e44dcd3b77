"""Words a person reads: applicants are applicants, never respondents; the apply flow ends
with "Submit application" and says who decides and by when; no stored snake_case names in
the timeline, the recorded facts or the diagram's arrows; dates carry their weekday and
deadlines say whether they count days or working days."""

from __future__ import annotations

import re

import pytest
from web_helpers import login

from workflows import registry
from workflows import roles as R

EOL = {
    "process": "eol",
    "subject_eid": "E100",
    "start_on": "2027-01-04",
    "end_on": "2027-02-26",
    "purpose": "career_break",
    "specific_reasons": "To care for an ailing parent.",
    "undertaking_signed": "on",
    "no_conflicting_employment": "on",
}
SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def _visible(html: str) -> str:
    """The page's text outside the diagram's source (mermaid's node ids are not shown)."""
    html = re.sub(r'<pre class="mermaid">.*?</pre>', "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html[html.index("<main") :])


@pytest.fixture
def applied(client, world):  # noqa: ANN001, ANN201
    world.add_user("applicant", (R.CIVIL_SERVANT,), employee_eid="E100")
    csrf = login(client, "applicant")
    form = client.get("/cases/new?process=eol")
    assert ">Submit application</button>" in form.text and "(applicant)" in form.text
    return client.post("/cases", data={"csrf_token": csrf, **EOL})


def test_the_apply_flow_confirms_who_decides_and_by_when(applied) -> None:
    text = re.sub(r"\s+", " ", applied.text)
    assert applied.status_code == 200 and "recorded=" in str(applied.url)
    flash = re.search(r'<p class="flash"[^>]*>([^<]*)</p>', text).group(1)
    assert flash.startswith("Application submitted: Apply for extraordinary leave (BCSR 8.12.10).")
    assert "Next: Grant the extraordinary leave (BCSR 8.12.16) or Reject the application" in flash
    assert "for the HRC chairperson" in flash and "Withdraw" not in flash


def test_an_applicant_is_called_applicant_never_respondent(applied) -> None:
    text = _visible(applied.text)
    assert "Applicant: Dorji Wangchuk" in re.sub(r"\s+", " ", text)
    assert "espondent" not in text


def test_no_snake_case_in_the_timeline_facts_diagram_or_filters(client, world, applied) -> None:
    assert SNAKE.findall(_visible(applied.text)) == []
    login(client, "dc")
    case_id = world.walk_to("investigating")
    page = client.get(f"/cases/{case_id}")
    # The accounts to choose investigators from (19.3.5) are named as their users are: the
    # test's accounts are called by their usernames, which are not the app's words.
    accounts = set(world.users)
    assert [w for w in SNAKE.findall(_visible(page.text)) if w not in accounts] == []
    triggers = {s.trigger for p in registry.every_version() for s in p.steps}
    arrows = re.findall(r" --> \S+ : (.+) \(", page.context["diagram"])
    assert arrows and not set(arrows) & triggers  # arrows carry step titles
    assert "Serve the notice of charges" in arrows
    assert SNAKE.findall(_visible(client.get("/?tab=all").text)) == []


def test_dates_carry_their_weekday_and_deadlines_their_unit(client, world) -> None:
    case_id = world.walk_to("notice_served")
    login(client, "dc")
    page = client.get(f"/cases/{case_id}")
    deadlines = page.text[page.text.index('<section id="deadlines">') :]
    deadlines = deadlines[: deadlines.index("</section>")]
    assert "<td>5 working days</td>" in deadlines and "Why Tue 22 Dec 2026?" in deadlines
    timeline = page.text[page.text.index('<ol class="timeline">') :]
    assert re.search(r'<span class="when">(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d \w{3} 2026', timeline)
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", _visible(page.text)) is None


def test_a_calendar_day_deadline_counts_days_in_the_queue_and_the_lists(client, world) -> None:
    """19.8.2.2(vi): the investigation is completed within 15 days (calendar days)."""
    world.walk_to("investigating")
    login(client, "secretary")
    queue = client.get("/").context["queue"]
    (item,) = queue.mine
    assert item.due.unit == "days" and item.due.phrase() == "15 days left"
    assert "15 days left" in client.get("/").text
    assert "15 days left" in client.get("/?tab=all").text


def test_an_empty_section_is_not_shown(client, world) -> None:  # noqa: ANN001
    """The respondent does not declare recusals (19.3.5 is for those who act): with none
    declared, their case page has no empty "Recusal" heading; a committee member's has the
    form under it."""
    case_id = world.walk_to("notice_served")
    login(client, "respondent")
    assert "Recusal (BCSR 19.3.5)" not in client.get(f"/cases/{case_id}").text
    client.cookies.clear()
    login(client, "dc")
    assert "Recusal (BCSR 19.3.5)" in client.get(f"/cases/{case_id}").text


def test_a_received_on_date_is_filled_with_today_and_stays_editable(client, world) -> None:  # noqa: ANN001
    """A paper is usually recorded the day it arrives: the form fills "received on" with
    today (the user may change it); a date the user must decide is left empty."""
    case_id = world.walk_to("enquiry_directed")
    login(client, "dc")
    page = client.get(f"/cases/{case_id}").text
    today = world.clock.today.isoformat()
    assert re.search(rf'name="notice_received_on"[^>]*value="{today}"', page)
