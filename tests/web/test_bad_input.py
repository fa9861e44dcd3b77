"""Bad input anywhere is a 4xx naming the field, never a 5xx, and nothing is stored.

One test per class of input (numbers beyond the database's range, implausible dates,
numbers JSON should not carry, text no database can store, bodies and fields over their
limits, bad values in a page's address, unknown filter values), and the one shape of every
/api error. The page routes are walked with each class of odd value (the /api operations
are fuzzed by tests/web/test_api_fuzz.py).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select
from web_helpers import login, opening

from cases.core import audit
from cases.core.db import transaction
from cases.core.models import AuditEvent, CalendarOverride, Case
from cases.review import oversight_filters
from web.request_checks import DEFAULT_BODY_LIMIT, app_routes
from workflows import bounds

BIGINT_PLUS_ONE = str(2**63)
INTEGER_PLUS_ONE = str(2**31)  # beyond PostgreSQL's INTEGER, within SQLite's


@pytest.fixture
def case_id(world) -> int:  # noqa: ANN001
    return world.open()


def _stored(world) -> tuple[int, int, int]:  # noqa: ANN001
    """Cases, audit events and calendar corrections: what a refused request must not add."""
    with transaction(world.engine) as s:
        return tuple(  # type: ignore[return-value]
            s.exec(select(sa.func.count()).select_from(model)).one()
            for model in (Case, AuditEvent, CalendarOverride)
        )


def _api_error(resp: Any, status: int) -> dict[str, Any]:
    """The one shape of an /api error: detail a sentence, field named (or null)."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert isinstance(body["detail"], str) and body["detail"], body
    assert "field" in body and (body["field"] is None or isinstance(body["field"], str)), body
    for r in body.get("refusals", []):
        assert isinstance(r["reason"], str) and r["kind"], body
    return body


# ------------------------------------------------------------------ numbers beyond range


@pytest.mark.parametrize(
    "path",
    [
        f"/api/cases/{BIGINT_PLUS_ONE}",
        f"/api/cases/{BIGINT_PLUS_ONE}/events",
        f"/api/cases/{BIGINT_PLUS_ONE}/documents",
        f"/api/cases/{BIGINT_PLUS_ONE}/due-process",
        f"/api/cases/{BIGINT_PLUS_ONE}/due-process.pdf",
        f"/api/cases/{INTEGER_PLUS_ONE}",
        f"/api/cases/{INTEGER_PLUS_ONE}/events",
        "/api/cases/-1",
        f"/api/cases?limit={BIGINT_PLUS_ONE}",
        "/api/inbox?limit=1e30",
    ],
)
def test_integers_beyond_the_databases_range_in_api_paths_and_queries(
    client, token, path: str
) -> None:  # noqa: ANN001
    body = _api_error(client.get(path, headers=token("admin")), 422)
    assert body["field"] in ("case_id", "limit")


def test_a_version_beyond_the_databases_range_is_refused(client, token, case_id: int) -> None:  # noqa: ANN001
    for version in (INTEGER_PLUS_ONE, BIGINT_PLUS_ONE, "-1"):
        resp = client.post(
            f"/api/cases/{case_id}/actions/direct_enquiry",
            headers={**token("chair"), "Content-Type": "application/json"},
            content=f'{{"version": {version}, "fields": {{}}}}',
        )
        assert _api_error(resp, 422)["field"] == "version"


def test_integers_beyond_the_databases_range_in_page_paths_and_queries(client, world) -> None:  # noqa: ANN001
    login(client, "admin")
    for path in (
        f"/cases/{BIGINT_PLUS_ONE}",
        f"/cases/{INTEGER_PLUS_ONE}",
        f"/cases/1/documents/{BIGINT_PLUS_ONE}",
    ):
        resp = client.get(path)
        assert resp.status_code == 404 and "text/html" in resp.headers["content-type"], path
    for query in ("1e30", str(10**30), BIGINT_PLUS_ONE):
        resp = client.get(f"/security?page={query}")
        assert resp.status_code == 422 and "is not a page number" in resp.text, query


# ------------------------------------------------------------------ implausible dates


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "1949-12", "2101-01"])
def test_months_outside_the_plausible_range_are_refused_naming_the_filter(
    client, world, token, month: str
) -> None:  # noqa: ANN001
    for param in ("from_month", "to_month"):
        body = _api_error(client.get(f"/api/oversight?{param}={month}", headers=token("rcsc")), 422)
        assert body["field"] == param and "1950-01 to 2100-12" in body["detail"]
    login(client, "rcsc")
    assert client.get(f"/oversight?to_month={month}").status_code == 422
    assert client.get(f"/oversight.csv?to_month={month}").status_code == 422


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1949-12-31", "2101-01-01"])
def test_dates_outside_the_plausible_range_are_refused_naming_the_field(
    client, world, token, day: str
) -> None:  # noqa: ANN001
    world.make_servant("E200")
    before = _stored(world)
    # an application's proposal (eligibility)
    resp = client.get(
        f"/api/employees/E200/eligibility/eol?start_on={day}&end_on={day}", headers=token("hr")
    )
    body = _api_error(resp, 422)
    assert body["field"] == "start_on" and "not a plausible date" in body["detail"]
    # an event date of a step
    resp = client.post(
        "/api/cases",
        headers=token("hr"),
        json=opening("E200", day),
    )
    body = _api_error(resp, 422)
    assert body["field"] == "received_on"
    assert f"from {bounds.EARLIEST_DATE} to {bounds.HORIZON_DATE}" in body["detail"]
    # the calendar's correction (a form)
    csrf = login(client, "admin")
    resp = client.post("/calendar", data={"csrf_token": csrf, "day": day, "kind": "added"})
    assert resp.status_code == 422 and "not a plausible date" in resp.text
    assert _stored(world) == before


# ------------------------------------------------------------------ numbers JSON should not carry


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_non_finite_json_numbers_are_refused_naming_the_field(
    client, world, token, case_id: int, number: str
) -> None:  # noqa: ANN001
    before = _stored(world)
    headers = {**token("chair"), "Content-Type": "application/json"}
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry",
        headers=headers,
        content=f'{{"version": {number}, "fields": {{}}}}',
    )
    assert _api_error(resp, 422)["field"] == "version"
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry",
        headers=headers,
        content=f'{{"version": 1, "fields": {{"reasons": [{number}]}}}}',
    )
    assert _api_error(resp, 422)["field"] == "fields.reasons.0"
    assert _stored(world) == before


@pytest.mark.parametrize("number", ["99999999999999999999999", "-100001", "1.5", "true"])
def test_whole_number_fields_are_bounded(client, world, token, number: str) -> None:  # noqa: ANN001
    """A whole-number field (here an extension's days, 19.8.2.2) is at most MAX_WHOLE_NUMBER
    either way (a sign is the rules' to refuse, e.g. 13.11.2); a larger one would overflow
    the deadline's date arithmetic."""
    from workflows.declarations import Field
    from workflows.fields import parse_values

    days = Field("total_days", "int", "Total days")
    _, errors = parse_values((days,), {"total_days": number if number != "true" else True}, {}, "")
    assert [e.field for e in errors] == ["total_days"], number
    _, errors = parse_values((days,), {"total_days": "30"}, {}, "")
    assert errors == []


# ------------------------------------------------------------------ text no database stores


@pytest.mark.parametrize(
    "text,where",
    [
        ('"\\ud800"', "fields.reasons"),
        ('"a\\udfffb"', "fields.reasons"),
        ('"nul \\u0000 inside"', "fields.reasons"),
    ],
)
def test_unstorable_text_in_a_json_body_is_refused_naming_the_field(
    client, world, token, case_id: int, text: str, where: str
) -> None:  # noqa: ANN001
    before = _stored(world)
    headers = {**token("chair"), "Content-Type": "application/json"}
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry",
        headers=headers,
        content=f'{{"version": 1, "fields": {{"reasons": {text}}}}}',
    )
    assert _api_error(resp, 422)["field"] == where
    resp = client.post(
        "/api/cases",
        headers=headers,
        content=f'{{"process": "disciplinary", "subject_eid": {text}, "fields": {{}}}}',
    )
    assert _api_error(resp, 422)["field"] == "subject_eid"
    assert _stored(world) == before


def test_unstorable_text_in_a_form_query_or_path_is_refused(client, world, case_id: int) -> None:  # noqa: ANN001
    before = _stored(world)
    csrf = login(client, "chair")
    resp = client.post(
        f"/cases/{case_id}/actions/direct_enquiry",
        data={"csrf_token": csrf, "version": "1", "reasons": "nul \x00 inside"},
    )
    assert resp.status_code == 422 and "reasons" in resp.text
    assert client.get("/servants?q=%00").status_code == 422
    assert client.get("/servants/E%00100").status_code == 404
    assert _stored(world) == before


# ------------------------------------------------------------------ sizes


def test_a_body_over_the_request_limit_is_413_and_not_stored(
    client, world, token, case_id: int
) -> None:  # noqa: ANN001
    before = _stored(world)
    big = "x" * (10 * 1024 * 1024)  # a 10 MB reasons
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry",
        headers=token("chair"),
        json={"version": 1, "fields": {"reasons": big}},
    )
    body = _api_error(resp, 413)
    assert f"{DEFAULT_BODY_LIMIT:,} bytes" in body["detail"]
    csrf = login(client, "chair")
    resp = client.post(
        f"/cases/{case_id}/actions/direct_enquiry",
        data={"csrf_token": csrf, "version": "1", "reasons": big},
    )
    assert resp.status_code == 413 and "text/html" in resp.headers["content-type"]
    assert _stored(world) == before


def test_a_text_over_its_fields_limit_is_422_naming_the_field_and_the_limit(
    client, world, token, case_id: int
) -> None:  # noqa: ANN001
    limit = bounds.TEXT_LIMITS["textarea"]
    before = _stored(world)
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry",
        headers=token("chair"),
        json={"version": 1, "fields": {"reasons": "x" * (limit + 1)}},
    )
    body = _api_error(resp, 422)
    assert body["field"] == "reasons" and f"at most {limit:,} characters" in body["detail"]
    assert _stored(world) == before
    # the form declares the limit and says it
    login(client, "chair")
    page = client.get(f"/cases/{case_id}").text
    form = page[page.index('name="reasons"') - 200 : page.index('name="reasons"') + 400]
    assert f'maxlength="{limit}"' in form and f"At most {limit:,} characters" in form
    # and the API publishes it with the field
    action = next(
        a
        for a in client.get(f"/api/cases/{case_id}", headers=token("chair")).json()["actions"]
        if a["trigger"] == "direct_enquiry"
    )
    assert action["fields"][0]["max_length"] == limit


def test_a_recusal_reason_over_its_limit_is_refused(client, world, case_id: int) -> None:  # noqa: ANN001
    csrf = login(client, "dc")
    resp = client.post(f"/cases/{case_id}/recusal", data={"csrf_token": csrf, "reason": "x" * 201})
    assert resp.status_code == 422 and "at most 200 characters" in resp.text
    with transaction(world.engine) as s:
        assert audit.count_for(s, case_id) == 1


# ------------------------------------------------------------------ pages' addresses


@pytest.mark.parametrize(
    "path,status",
    [
        ("/cases/abc", 404),
        ("/cases/1.5/timeline", 404),
        ("/cases/abc/due-process", 404),
        ("/calendar?year=abc", 422),
        ("/calendar?year=9999", 422),
        ("/calendar?year=1", 422),
        ("/?closed=maybe", 422),
        ("/no/such/page", 404),
    ],
)
def test_bad_page_path_or_query_values_answer_the_html_error_page(
    client, world, path: str, status: int
) -> None:  # noqa: ANN001
    login(client, "admin")
    resp = client.get(path)
    assert resp.status_code == status
    assert resp.headers["content-type"].startswith("text/html")
    assert "<h1>" in resp.text and '"detail"' not in resp.text


# ------------------------------------------------------------------ filters


@pytest.mark.parametrize("query", ["state=nope", "process=nope", "process=eol&state=investigating"])
def test_unknown_filter_values_are_422_naming_the_allowed_values(
    client, world, token, query: str
) -> None:  # noqa: ANN001
    body = _api_error(client.get(f"/api/cases?{query}", headers=token("hr")), 422)
    param = "state" if "state" in query else "process"
    assert body["field"] == param and "(one of " in body["detail"]
    allowed = {"state=nope": "received", "process=nope": "disciplinary"}.get(query, "on_leave")
    assert allowed in body["detail"]
    login(client, "hr")
    resp = client.get(f"/?{query}")
    assert resp.status_code == 422 and "one of" in resp.text
    # a known one still lists
    resp = client.get("/api/cases?process=disciplinary&state=received", headers=token("hr"))
    assert resp.status_code == 200 and resp.json()["cases"] == []


# ------------------------------------------------------------------ one error shape


def test_every_api_error_has_one_shape(client, world, token, case_id: int) -> None:  # noqa: ANN001
    hr = token("hr")
    json_headers = {**hr, "Content-Type": "application/json"}
    # malformed JSON: 400, as the OpenAPI declares
    resp = client.post("/api/cases", headers=json_headers, content=b'{"process": ')
    assert _api_error(resp, 400)["field"] is None
    # a body that does not fit its model: FastAPI's list, converted
    resp = client.post("/api/cases", headers=hr, json={"process": "disciplinary"})
    body = _api_error(resp, 422)
    assert body["field"] == "subject_eid"
    assert body["refusals"][0] == {
        "kind": "field",
        "cite": "",
        "reason": body["refusals"][0]["reason"],
        "field": "subject_eid",
    }
    resp = client.post(f"/api/cases/{case_id}/actions/x", headers=hr, json={"fields": {}})
    assert _api_error(resp, 422)["field"] == "version"
    # the refusals of the rules, and the rest
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry", headers=hr, json={"version": 1}
    )
    assert _api_error(resp, 403)["refusals"][0]["kind"] == "authority"
    resp = client.post(
        f"/api/cases/{case_id}/actions/direct_enquiry", headers=token("chair"), json={"version": 9}
    )
    assert _api_error(resp, 409)["field"] == "version"
    _api_error(client.get("/api/cases/999999", headers=hr), 404)
    _api_error(client.get("/api/cases"), 401)
    _api_error(client.get("/api/nothing-here", headers=hr), 404)
    _api_error(client.put("/api/cases", headers=hr), 405)
    # and the OpenAPI says so
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ApiError"]
    assert schema["properties"]["detail"]["type"] == "string"
    assert schema["required"] == ["detail", "field"]


# ------------------------------------------------------------------ every page, odd values

# Each class of odd value a URL can carry; the page routes are walked with each.
ODD_VALUES = {
    "beyond_bigint": BIGINT_PLUS_ONE,
    "beyond_integer": INTEGER_PLUS_ONE,
    "negative": "-1",
    "float_exponent": "1e30",
    "not_a_number": "abc",
    "thousands_of_digits": "9" * 5000,
    "year_9999_date": "9999-12-31",
    "year_1_date": "0001-01-01",
    "month_9999": "9999-12",
    "month_0": "0000-00",
    "nul": "%00",
    "encoded_surrogate": "%ED%A0%80",
    "percent_and_underscore": "%25_",
    "encoded_slash": "a%2Fb",
    "long_text": "x" * 20_000,
    "markup": "%3Cscript%3E",
}
# Query parameters pages read from request.query_params rather than declare.
READ_QUERY = {
    "/oversight": oversight_filters.FILTER_PARAMS,
    "/oversight.csv": oversight_filters.FILTER_PARAMS,
    "/eligibility": ("process", "subject_eid", "start_on", "end_on", "months"),
}


def _page_urls(app: Any, value: str) -> list[str]:
    urls = []
    for route in app_routes(app.router.routes):
        if not hasattr(route, "dependant") or "GET" not in route.methods:
            continue
        if route.path.startswith(("/api/", "/openapi", "/docs", "/redoc")):
            continue
        names = [p.name for p in route.dependant.path_params]
        path = route.path
        for name in names:
            path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", value, path)
        queries = [p.alias for p in route.dependant.query_params]
        queries += list(READ_QUERY.get(route.path, ()))
        urls.append(path)
        for q in queries:
            urls.append(f"{path}?{q}={value}")
        if "case_id" in names and len(names) > 1:  # the other parameter, on a real case
            urls.append(
                re.sub(r"\{[a-z_]+(:[a-z]+)?\}", value, route.path.replace("{case_id}", "1"))
            )
    return urls


@pytest.mark.parametrize("kind", sorted(ODD_VALUES))
def test_page_routes_answer_odd_values_without_a_server_error(
    client, world, app, case_id: int, kind: str
) -> None:  # noqa: ANN001
    before = _stored(world)
    urls = _page_urls(app, ODD_VALUES[kind])
    assert len(urls) > 20
    failures = []
    for username in ("admin", "respondent"):
        client.cookies.clear()
        login(client, username)
        for url in urls:
            resp = client.get(url, follow_redirects=False)
            if resp.status_code >= 500:
                failures.append((username, url[:120], resp.status_code))
    assert failures == []
    assert _stored(world) == before


def test_the_register_upload_declares_its_own_body_limit(client, world) -> None:  # noqa: ANN001
    """The 1 MB default does not apply to the register's CSV upload (20 MB): a 2 MB file
    reaches the import, which answers it (here refusing the file); more is 413."""
    csrf = login(client, "hr")
    before = _stored(world)
    big = b"eid,name\nE300," + b"x" * (2 * 1024 * 1024) + b"\n"
    resp = client.post(
        "/servants/import", data={"csrf_token": csrf}, files={"file": ("r.csv", big, "text/csv")}
    )
    assert resp.status_code == 422 and "Import CSV" in resp.text  # the import's own answer
    huge = b"eid,name\n" + b"E301,x\n" * (3 * 1024 * 1024)  # 21 MB
    resp = client.post(
        "/servants/import", data={"csrf_token": csrf}, files={"file": ("r.csv", huge, "text/csv")}
    )
    assert resp.status_code == 413 and "text/html" in resp.headers["content-type"]
    assert _stored(world) == before
