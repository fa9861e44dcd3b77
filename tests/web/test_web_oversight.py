"""The turnaround-time page, its CSV and its JSON (BCSR 2.10.1, 2.9.1): what an HRC and the
RCSC see, the filters, the charts, and who is turned away."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from web_helpers import login

from cases.core import timers
from web.charts import Bar, met_missed_chart
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ

WHO_EXPLAINS = "the respondent, or DC/HRC member or HRC chairperson or member secretary of MOH"


def bt(day: str, hour: int = 10) -> datetime:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=BHUTAN_TZ).astimezone(UTC)


@pytest.fixture
def cases(world, clock) -> dict[str, int]:
    """MOH: notices received Monday 14 December 2026, explanations due Tuesday 22 December.
    One explained after 1 working day, one after 6 (late), one never (lapsed by the sweep),
    one still armed and overdue on 24 December, one received 22 December (due soon).
    MOHA: one explained after 3 working days."""
    world.make_servant("E200", agency="MOHA")
    world.add_user("moha_hr", (R.HR_OFFICER,), agency="MOHA")
    world.add_user("moha_chair", (R.HRC_CHAIR,), agency="MOHA")
    world.add_user("moha_dc", (R.DC_MEMBER,), agency="MOHA")
    clock.now = bt("2026-12-14")
    ids = {name: world.walk_to("notice_served") for name in ("quick", "late", "lapsed")}
    moha = world.open("E200", username="moha_hr")
    world.fire(moha, "direct_enquiry", "moha_chair", reasons="Not suitable for ADR")
    world.fire(
        moha,
        "serve_notice",
        "moha_dc",
        charges=["11"],
        particulars="Absent",
        prima_facie=True,
        notice_received_on="2026-12-14",
    )
    ids["moha"] = moha
    clock.now = bt("2026-12-15")
    world.fire(ids["quick"], "submit_explanation", "dc", explanation="Unwell")
    clock.now = bt("2026-12-18")
    world.fire(moha, "submit_explanation", "moha_dc", explanation="Unwell")
    clock.now = bt("2026-12-23")
    world.fire(ids["late"], "submit_explanation", "dc", explanation="Unwell")
    timers.sweep(world.engine, clock.now)  # the third lapses (19.8.2.1(i))
    clock.now = bt("2026-12-14")
    ids["overdue"] = world.walk_to("notice_served")  # armed, due 22nd; no sweep since
    clock.now = bt("2026-12-22")
    ids["soon"] = world.walk_to("notice_served")  # due Tuesday 29 December
    clock.now = bt("2026-12-24")
    return ids


def step_row(page_text: str, table: str, kind: str) -> dict[str, str]:
    """The cells of a step's row in one of the page's tables, by their class."""
    body = page_text.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    row = re.search(
        rf'<tr data-process="disciplinary" data-kind="{kind}"[^>]*>(.*?)</tr>', body, re.S
    )
    assert row, f"no {kind} row in {table}"
    cells = re.findall(r'<td class="num (\w+)">(.*?)</td>', row.group(1), re.S)
    return {name: re.sub(r"<[^>]+>", "", value).strip() for name, value in cells}


def test_an_hrc_sees_its_steps_with_counts_days_charts_and_lists(client, world, cases):
    login(client, "chair")
    page = client.get("/oversight")
    assert page.status_code == 200
    assert page.template.name == "pages/oversight.html"
    step = page.context["ov"].report.steps[0]
    assert (step.kind, step.met, step.missed, step.missed_late, step.open) == (
        "explanation_due",
        1,
        2,
        1,
        2,
    )
    # days taken 1 and 6: median 3.5, p90 rank ceil(1.8) = 2 → 6
    assert step_row(page.text, "tat-steps", "explanation_due") == {
        "met": "1",
        "missed": "2",
        "late": "1",
        "open": "2",
        "median": "3.5",
        "p90": "6",
    }
    # two inline SVG charts, readable without colour: titled, legend and numbers in words
    assert page.text.count("<svg") == 2
    assert '<title id="chart-steps-title">Deadlines met on time and missed, per step' in page.text
    assert "Missed (hatched)" in page.text and ">1 met</text>" in page.text
    assert ">2 missed</text>" in page.text
    # the definitions are on the page
    assert "Cancelled deadlines are left out" in page.text
    assert "still measured in working days" in page.text
    assert "nearest-rank" in page.text

    overdue = page.context["ov"].overdue
    assert [(p.case.id, p.working_days) for p in overdue.rows] == [(cases["overdue"], 2)]
    assert WHO_EXPLAINS in page.text.split('id="tat-overdue"')[1]
    soon = page.context["ov"].due_soon
    assert [p.case.id for p in soon.rows] == [cases["soon"]]
    assert page.context["ov"].soon_until == date(2026, 12, 30)  # 24, 25, 28, 29, 30
    assert "MOHA" not in page.context["agencies"]


def test_csv_round_trips_and_matches_the_page(client, world, cases):
    login(client, "rcsc")
    page = client.get("/oversight")
    resp = client.get("/oversight.csv")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/csv")
    assert resp.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(resp.text)))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["process", "step_kind", "step", "cite", "unit", "agency", "month"]
    lines = [dict(zip(header, r, strict=True)) for r in body]
    assert [
        (r["agency"], r["month"], r["met_on_time"], r["missed"], r["still_open"]) for r in lines
    ] == [
        ("MOH", "2026-12", "1", "2", "2"),
        ("MOHA", "2026-12", "1", "0", "0"),
    ]
    assert (lines[0]["median_working_days"], lines[0]["p90_working_days"]) == ("3.5", "6")
    assert (lines[1]["median_working_days"], lines[1]["p90_working_days"]) == ("3", "3")
    # the same numbers as the page's table per step and agency
    for line in lines:
        body_of = page.text.split('id="tat-agencies"', 1)[1].split("</table>", 1)[0]
        row = re.search(
            rf'data-kind="{line["step_kind"]}" data-agency="{line["agency"]}">(.*?)</tr>',
            body_of,
            re.S,
        )
        cells = dict(re.findall(r'<td class="num (\w+)">(?:<span[^>]*>)?([^<]*)', row.group(1)))
        assert (cells["met"], cells["missed"], cells["open"], cells["median"], cells["p90"]) == (
            line["met_on_time"],
            line["missed"],
            line["still_open"],
            line["median_working_days"] or "—",
            line["p90_working_days"] or "—",
        )


def test_filters_apply_to_the_page_the_csv_and_the_api(client, world, cases):
    login(client, "rcsc")
    page = client.get("/oversight", params={"agency": "MOHA"})
    (step,) = page.context["ov"].report.steps
    assert (step.met, step.missed, step.open) == (1, 0, 0)
    assert page.context["ov"].overdue.rows == []
    assert 'href="http://testserver/oversight.csv?agency=MOHA"' in page.text
    lines = list(csv.reader(io.StringIO(client.get("/oversight.csv?agency=MOHA").text)))
    assert [r[5] for r in lines[1:]] == ["MOHA"]
    assert client.get("/oversight.csv?from_month=2027-01").text.count("\n") == 1  # header only
    api = client.get("/api/oversight", params={"process": "disciplinary", "to_month": "2026-12"})
    assert api.status_code == 200
    assert [(r["agency"], r["met_on_time"]) for r in api.json()["rows"]] == [
        ("MOH", 1),
        ("MOHA", 1),
    ]
    assert api.json()["overdue"][0]["next"][0]["who"] == WHO_EXPLAINS


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("process=payroll", "process"),
        ("agency=NOPE", "agency"),
        ("from_month=2026-13", "from_month"),
        ("from_month=2027-02&to_month=2027-01", "to_month"),
    ],
)
def test_a_bad_filter_is_422_naming_the_parameter(client, world, query, param):
    login(client, "chair")
    page = client.get(f"/oversight?{query}")
    assert page.status_code == 422
    assert f"The filter {param} was not understood" in page.text
    assert 'id="oversight-filters"' in page.text  # the form is there to correct it
    csv_resp = client.get(f"/oversight.csv?{query}")
    assert csv_resp.status_code == 422 and csv_resp.text.startswith(f"{param}: ")
    api = client.get(f"/api/oversight?{query}")
    assert api.status_code == 422 and api.json()["field"] == param


def test_another_agencys_hrc_sees_only_its_own_numbers(client, world, cases):
    login(client, "moha_chair")
    page = client.get("/oversight")
    assert page.status_code == 200
    assert [(t.agency, t.met) for t in page.context["ov"].report.by_agency] == [("MOHA", 1)]
    assert page.context["ov"].overdue.rows == [] and page.context["ov"].due_soon.rows == []
    assert 'data-agency="MOH"' not in page.text
    rows = list(csv.reader(io.StringIO(client.get("/oversight.csv").text)))[1:]
    assert {r[5] for r in rows} == {"MOHA"}


@pytest.mark.parametrize("username", ["respondent", "investigator"])
def test_a_respondent_or_investigator_is_refused_with_a_reason(client, world, username):
    login(client, username)
    page = client.get("/oversight")
    assert page.status_code == 403
    assert "HR Committee" in page.text and "BCSR 2.10.1" in page.text
    assert client.get("/oversight.csv").status_code == 403
    api = client.get("/api/oversight")
    assert api.status_code == 403 and api.json()["refusals"][0]["cite"] == "2.10.1"


def test_the_json_is_described_in_openapi_and_the_pages_are_not(client, world):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/oversight" in paths
    assert "/oversight" not in paths and "/oversight.csv" not in paths


def test_the_month_chart_shows_empty_months_between_busy_ones(client, world, clock):
    clock.now = bt("2026-11-02")
    november = world.walk_to("notice_served")
    world.fire(november, "submit_explanation", "dc", explanation="Unwell")  # met
    clock.now = bt("2027-01-04")
    world.walk_to("notice_served")  # due 12 January, missed on the 13th
    clock.now = bt("2027-01-13")
    timers.sweep(world.engine, clock.now)
    clock.now = bt("2027-01-29")
    world.walk_to("notice_served")  # due 5 February, still running: no month of its own
    login(client, "chair")
    chart = client.get("/oversight").text.split('id="chart-months"', 1)[1].split("</svg>")[0]
    labels = re.findall(r'text-anchor="end">([^<]+)</text>', chart)
    assert labels == ["November 2026", "December 2026", "January 2027"]
    assert ">0 met</text>" in chart and ">1 missed</text>" in chart


def test_chart_labels_are_escaped_text():
    svg = str(met_missed_chart("c1", "A <b>title</b>", "d & e", [Bar("<script>x</script>", 2, 1)]))
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "A &lt;b&gt;title&lt;/b&gt;" in svg and "d &amp; e" in svg
    assert ">2 met</text>" in svg and ">1 missed</text>" in svg


def test_summaries_come_first_and_the_parts_sit_behind_tabs(client, world, cases):
    """The totals open the page; each part (steps, months, agencies, overdue, due soon) is a
    section reached by a plain anchor (tabs.js makes them tabs; without it they are links),
    and the counting notes start closed."""
    login(client, "chair")
    text = client.get("/oversight").text
    assert text.index('id="tat-summary"') < text.index("data-tabs") < text.index('id="tat-steps"')
    tabs = text.split("data-tabs", 1)[1].split("</nav>", 1)[0]
    targets = re.findall(r'href="#([\w-]+)"', tabs)
    assert targets == ["steps", "months", "agencies", "overdue", "due-soon"]
    for target in targets:
        assert f'<section id="{target}" class="tab-panel">' in text
    assert "Overdue now (1)" in tabs and "Due soon (1)" in tabs
    assert '<details class="tat-notes">' in text
    assert "/static/tabs.js" in text


def test_chart_labels_are_the_titles_people_read_at_a_legible_size(client, world, cases):
    """No process key (snake_case or not) in a chart: the step chart names each process by
    its title; the charts are drawn at their own width (they scroll in their box on a phone,
    never shrink) in 14 px text."""
    login(client, "rcsc")
    text = client.get("/oversight").text
    for chart_id in ("chart-steps", "chart-months"):
        svg = text.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
        assert 'font-size="14"' in svg and 'width="900"' in svg
        for label in re.findall(r"<text[^>]*>([^<]+)</text>", svg):
            assert not re.search(r"[a-z]_[a-z]", label), label
    steps = text.split('id="chart-steps"', 1)[1].split("</svg>", 1)[0]
    labels = re.findall(r'text-anchor="end">([^<]+)</text>', steps)
    assert labels and all(label.startswith("Disciplinary enquiry: ") for label in labels)
