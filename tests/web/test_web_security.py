"""Sessions, throttling, the security log, CSRF, GETs that change nothing, and escaping, as a
user, an attacker and a security officer meet them through the web app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import select

from cases.core import profiles, timers
from cases.core.db import transaction
from cases.core.models import (
    Case,
    Committee,
    Document,
    Meeting,
    MeetingMinutes,
    SecurityEvent,
    User,
)
from cases.core.service import NotFound
from cases.demo import seed
from cases.people import auth
from cases.people import security_log as SL
from cases.review import case_file, documents, meetings
from tests.web.web_helpers import login
from web.app import create_app
from workflows.context import Refused

ATTACKER, OFFICE = ("10.6.6.6", 40000), ("10.1.1.1", 40000)
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMG}"


def events(world: Any, kind: str | None = None) -> list[SecurityEvent]:
    with transaction(world.engine) as s:
        stmt = select(SecurityEvent).order_by(SecurityEvent.id)  # type: ignore[arg-type]
        if kind:
            stmt = stmt.where(SecurityEvent.kind == kind)
        return list(s.exec(stmt).all())


def client_from(app: Any, address: tuple[str, int]) -> TestClient:
    return TestClient(app, client=address)


def try_login(client: TestClient, username: str, password: str) -> Any:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def signed_out(client: TestClient) -> bool:
    resp = client.get("/", follow_redirects=False)
    return resp.status_code == 303 and "/login" in resp.headers["location"]


# ------------------------------------------------------------------ session lifetimes


def test_activity_keeps_a_session_only_until_the_absolute_timeout(client, world, clock) -> None:
    login(client, "dc")
    clock.advance(hours=7)
    assert client.get("/").status_code == 200
    clock.advance(hours=4.9)  # idle 4.9 h, signed in 11.9 h ago
    assert client.get("/").status_code == 200
    clock.advance(hours=0.2)  # 12.1 h after sign-in, whatever the activity
    resp = client.get("/", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/login?ended=1"
    assert "Your session has ended" in client.get(resp.headers["location"]).text
    [ended] = events(world, SL.SESSION_EXPIRED)
    assert ended.username == "dc" and ended.detail == "signed in more than 12 hours ago"


def test_an_idle_session_ends_after_eight_hours(client, world, clock) -> None:
    login(client, "dc")
    clock.advance(hours=8.05)
    assert signed_out(client)
    assert events(world, SL.SESSION_EXPIRED)[0].detail == "idle for more than 8 hours"
    login(client, "dc")
    clock.advance(hours=8)
    assert client.get("/").status_code == 200  # exactly eight hours idle: still signed in


def test_the_timeouts_are_the_app_settings(app, client, world, clock) -> None:
    app.state.session_policy = auth.SessionPolicy(
        idle=timedelta(minutes=30), absolute=timedelta(hours=1)
    )
    login(client, "dc")
    clock.advance(hours=0.55)
    assert signed_out(client)


def test_logout_ends_the_session_at_once(app, client, world) -> None:
    csrf = login(client, "dc")
    cookie = client.cookies.get("drukflow_session")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 200
    # The same cookie, kept by someone else, no longer works.
    with TestClient(app, cookies={"drukflow_session": cookie}) as thief:
        assert signed_out(thief)
    [out] = events(world, SL.LOGOUT)
    assert out.username == "dc"


def test_disabling_ends_sessions_and_tokens_at_once(app, client, world, clock) -> None:
    login(client, "dc")
    with transaction(world.engine) as s:
        token = auth.issue_token(s, auth.find_user(s, "dc"), clock.now)  # type: ignore[arg-type]
    assert client.get("/api/cases", headers={"Authorization": f"Bearer {token}"}).is_success
    with transaction(world.engine) as s:
        auth.disable_user(s, auth.find_user(s, "dc"), clock.now, by="admin")  # type: ignore[arg-type]
    assert signed_out(client)
    with TestClient(app) as api:
        resp = api.get("/api/cases", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401
    assert try_login(client, "dc", "pw").status_code == 401
    kinds = [e.kind for e in events(world) if e.username == "dc"]
    assert kinds[-2:] == [SL.ACCOUNT_DISABLED, SL.LOGIN_FAILED]
    # The token was deleted with the account's sessions: it is now simply unknown.
    [refused] = events(world, SL.TOKEN_REFUSED)
    assert (refused.path, refused.status, refused.detail) == (
        "/api/cases",
        401,
        "unknown API token",
    )


def test_a_role_change_takes_effect_on_the_next_request(client, world) -> None:
    login(client, "hr")
    assert client.get("/security").status_code == 403
    assert "Security log" not in client.get("/").text
    with transaction(world.engine) as s:
        s.exec(select(User).where(User.username == "hr")).one().roles = "hr_officer,admin"
    assert client.get("/security").status_code == 200  # no new sign-in needed
    assert "Security log" in client.get("/").text
    with transaction(world.engine) as s:
        s.exec(select(User).where(User.username == "hr")).one().roles = "hr_officer"
    assert client.get("/security").status_code == 403


# ------------------------------------------------------------------ throttling


def test_an_attacker_cannot_lock_out_the_real_user(app, world, clock) -> None:
    with client_from(app, ATTACKER) as attacker, client_from(app, OFFICE) as office:
        for _ in range(5):
            assert try_login(attacker, "dc", "guess").status_code == 401
        refused = try_login(attacker, "dc", "pw")  # even the right password waits
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"
        assert "Try again in 30 seconds (at 10:00:30 Bhutan time)" in refused.text
        # The real user, from the office, signs in at once.
        assert try_login(office, "dc", "pw").status_code == 303
        # The back-off grows: 30 s, then 60 s, then 120 s after each further failure.
        clock.advance(hours=31 / 3600)
        assert try_login(attacker, "dc", "guess").status_code == 401
        assert try_login(attacker, "dc", "guess").headers["Retry-After"] == "60"
        clock.advance(hours=61 / 3600)
        assert try_login(attacker, "dc", "guess").status_code == 401
        refused = try_login(attacker, "dc", "guess")
        assert refused.headers["Retry-After"] == "120" and "in 2 minutes" in refused.text
        # Never locked for good: after the wait, the right password works from there too.
        clock.advance(hours=121 / 3600)
        assert try_login(attacker, "dc", "pw").status_code == 303
    failed = events(world, SL.LOGIN_FAILED)
    assert len(failed) == 7 and {e.ip for e in failed} == {ATTACKER[0]}
    throttled = events(world, SL.LOGIN_THROTTLED)
    assert [e.status for e in throttled] == [429, 429, 429]
    assert [e.ip for e in events(world, SL.LOGIN_OK)] == [OFFICE[0], ATTACKER[0]]


# ------------------------------------------------------------------ the log of refusals


def test_every_sign_in_and_refusal_is_in_the_log(app, client, world, clock) -> None:
    own = world.open(eid="E100")
    world.make_servant("E200", name="Sonam Choden")
    other = world.open(eid="E200")
    assert try_login(client, "respondent", "wrong").status_code == 401
    csrf = login(client, "respondent")
    assert client.get(f"/cases/{own}").status_code == 200
    assert client.get(f"/cases/{other}").status_code == 404  # exists, not theirs
    assert client.get("/cases/999").status_code == 404  # does not exist
    assert client.get("/api/cases/999").status_code == 404
    # Directing an enquiry is the HRC chairperson's; the respondent is refused (403).
    resp = client.post(
        f"/cases/{own}/actions/direct_enquiry",
        data={"csrf_token": csrf, "version": world.case(own).version, "reasons": "mine"},
    )
    assert resp.status_code == 403
    logged = [(e.kind, e.username, e.path, e.status) for e in events(world)]
    assert logged == [
        (SL.LOGIN_FAILED, "respondent", "/login", 401),
        (SL.LOGIN_OK, "respondent", "/login", 303),
        (SL.NOT_VISIBLE, "respondent", f"/cases/{other}", 404),
        (SL.NOT_FOUND, "respondent", "/cases/999", 404),
        (SL.NOT_FOUND, "respondent", "/api/cases/999", 404),
        (SL.FORBIDDEN, "respondent", f"/cases/{own}/actions/direct_enquiry", 403),
    ]
    assert "19." in events(world, SL.FORBIDDEN)[0].detail  # the refusal's reason and section
    assert world.case(own).state == "received"  # the refused request changed nothing


def test_a_page_that_shows_its_own_403_is_logged_too(client, world) -> None:
    csrf = login(client, "hr")  # sensitive register fields are the RCSC's (16.3.7)
    resp = client.post("/servants/E100/edit", data={"csrf_token": csrf, "position_level": "P1"})
    assert resp.status_code == 403
    [e] = events(world, SL.FORBIDDEN)
    assert (e.username, e.path, e.status) == ("hr", "/servants/E100/edit", 403)


def test_a_post_without_the_token_is_refused_and_logged(client, world) -> None:
    case_id = world.open()
    login(client, "chair")
    version = world.case(case_id).version
    resp = client.post(
        f"/cases/{case_id}/actions/direct_enquiry",
        data={"version": version, "reasons": "Not suitable for ADR"},
    )
    assert resp.status_code == 403
    assert world.case(case_id).state == "received"
    [e] = events(world, SL.CSRF_REFUSED)
    assert (e.username, e.path, e.status) == (
        "chair",
        f"/cases/{case_id}/actions/direct_enquiry",
        403,
    )


def test_a_cross_site_post_is_refused_and_logged_even_with_the_token(client, world) -> None:
    case_id = world.open()
    csrf = login(client, "chair")
    data = {"csrf_token": csrf, "version": world.case(case_id).version, "reasons": "No ADR"}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        resp = client.post(f"/cases/{case_id}/actions/direct_enquiry", data=data, headers=headers)
        assert resp.status_code == 403
    assert world.case(case_id).state == "received"
    assert len(events(world, SL.CSRF_REFUSED)) == 2


def test_the_login_form_refuses_a_forged_post_and_logs_it(client, world) -> None:
    resp = client.post("/login", data={"username": "dc", "password": "pw", "csrf_token": "x"})
    assert resp.status_code == 403
    [e] = events(world, SL.CSRF_REFUSED)
    assert e.path == "/login" and e.username == ""  # the form is not read once refused
    assert events(world, SL.LOGIN_OK) == []


# ------------------------------------------------------------------ the page


def test_the_security_page_is_for_the_administrator_and_the_rcsc(app, world, clock) -> None:
    with client_from(app, ATTACKER) as attacker:
        for i in range(3):
            try_login(attacker, "chair", f"guess{i}")
    for who in ("admin", "rcsc"):
        with TestClient(app) as c:
            login(c, who)
            page = c.get("/security")
            assert page.status_code == 200, who
            assert 'id="nav-security"' in page.text
            assert page.text.count(ATTACKER[0]) == 3
    with TestClient(app) as c:
        login(c, "chair")
        assert c.get("/security").status_code == 403
        assert 'id="nav-security"' not in c.get("/").text
    assert events(world, SL.FORBIDDEN)[-1].path == "/security"  # the refusal is logged too


def test_the_security_page_filters_newest_first_and_pages(app, client, world, clock) -> None:
    with transaction(world.engine) as s:
        for i in range(60):
            SL.record(s, SL.LOGIN_FAILED, at=clock.now, username=f"u{i:02}", ip="10.9.9.9")
            clock.advance(hours=0.01)
    login(client, "admin")
    first = client.get("/security", params={"kind": SL.LOGIN_FAILED})
    assert first.status_code == 200
    names = re.findall(r"<td>(u\d\d)</td>", first.text)
    assert names[:2] == ["u59", "u58"] and len(names) == 50
    assert "Page 1 of 2" in first.text and 'rel="next"' in first.text
    second = client.get("/security", params={"kind": SL.LOGIN_FAILED, "page": 2})
    assert re.findall(r"<td>(u\d\d)</td>", second.text)[-1] == "u00"
    only = client.get("/security", params={"username": "u07"})
    assert re.findall(r"<td>(u\d\d)</td>", only.text) == ["u07"]
    bad = client.get("/security", params={"kind": "bogus"})
    assert bad.status_code == 422 and "kind: &#39;bogus&#39;" in bad.text
    assert client.get("/security", params={"page": "0"}).status_code == 422


# ------------------------------------------------------------------ no GET changes state


@pytest.fixture
def demo_app(db_url, engine, clock) -> tuple[Any, Any]:
    """The demo world, swept once (so inboxes hold unread notices) and with one letter issued,
    served with the test's clock."""
    seed.build(engine, clock.now)
    timers.sweep(engine, clock.now)
    with transaction(engine) as s:
        states = documents.DOCUMENTS["notice_of_charges"].states
        case = s.exec(
            select(Case).where(
                Case.process == "disciplinary",
                Case.agency_code == "MOH",
                Case.state.in_(states),  # type: ignore[attr-defined]
            )
        ).first()
        dc = auth.actor_of(auth.find_user(s, "dc"))  # type: ignore[arg-type]
        documents.issue(s, case.id, "notice_of_charges", dc, now=clock.now)  # type: ignore[union-attr, arg-type]
    return create_app(db_url, clock=clock, run_sweeper=False), engine


# Pure bookkeeping, excluded from the comparison: web_session.last_seen_at is when the
# session was last used, for the idle timeout; every request by a signed-in user must move
# it (at most once a minute), and it is not data any user sees or any rule reads.
BOOKKEEPING = {("web_session", "last_seen_at")}


def dump(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (SQLite or PostgreSQL), bookkeeping columns left out."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            cols = [c["name"] for c in sa.inspect(conn).get_columns(table)]
            keep = ", ".join(f'"{c}"' for c in cols if (table, c) not in BOOKKEEPING)
            rows = conn.exec_driver_sql(f'SELECT {keep} FROM "{table}" ORDER BY 1').fetchall()
            out[table] = [tuple(r) for r in rows]
    return out


def get_routes(app: Any) -> list[str]:
    """Every GET route's path, through included routers."""

    def walk(routes: list[Any]) -> Iterator[Any]:
        for r in routes:
            inner = getattr(r, "original_router", None)
            if inner is not None:
                yield from walk(inner.routes)
            else:
                yield r

    return sorted(
        {r.path for r in walk(app.routes) if "GET" in (getattr(r, "methods", None) or ())}
    )


def fill(path: str, values: dict[str, list[str]]) -> list[str]:
    names = re.findall(r"{(\w+)(?::\w+)?}", path)
    missing = [n for n in names if n not in values]
    assert not missing, f"{path}: give the GET walk a value for {missing}"
    urls = [path]
    for name in names:
        pattern = r"{" + name + r"(?::\w+)?}"
        urls = [re.sub(pattern, v, u, count=1) for u in urls for v in values[name]]
    return urls


QUERIES = {
    "/eligibility": "?process=eol&subject_eid=E8126",
    "/": "?closed=true",
    "/servants": "?q=a",
    "/api/search": "?q=absent",
}


def _a_paper_on(s: Any, app: Any, case: Case, clock: Any) -> Any:
    """A paper on the case's file, added by the first demo user who acts on the case (the
    case file's reads are GET routes too)."""
    for user in s.exec(select(User).order_by(User.id)).all():  # type: ignore[arg-type]
        try:
            return case_file.add(
                s,
                app.state.file_store,
                case.id,
                auth.actor_of(user),
                name="note.txt",
                data=b"a note\n",
                kind="other",
                now=clock(),
            ).paper
        except (Refused, NotFound):
            continue
    raise AssertionError(f"no demo user acts on case {case.id}")


def test_no_get_route_changes_anything(demo_app, clock) -> None:
    app, engine = demo_app
    with transaction(engine) as s:
        cases = s.exec(select(Case).order_by(Case.id)).all()  # type: ignore[arg-type]
        doc = s.exec(select(Document)).one()
        one_per_process = {c.process: c for c in cases}
        sample = sorted({c.id for c in one_per_process.values()} | {doc.case_id})
        values = {
            "case_id": [str(i) for i in sample],
            "eid": [cases[0].subject_eid],
            "key": [c.process for c in one_per_process.values()],
            "process": ["eol"],
            "version": ["2023.1"],
            "doc_id": [str(doc.id)],
        }
        paper = _a_paper_on(s, app, cases[0], clock)
        values["paper_id"] = [str(paper.id)]
        # The demo's committees: today's MOH HRC meeting, a case on its agenda, minutes.
        meeting = s.exec(select(Meeting).order_by(Meeting.id.desc())).first()  # type: ignore[union-attr]
        minutes = s.exec(select(MeetingMinutes)).first()
        item = meetings.agenda(s, meeting, s.get(Committee, meeting.committee_id), clock())
        on_agenda = item.waiting[0]
        values["committee_id"] = [str(meeting.committee_id)]
        values["meeting_id"] = sorted({str(meeting.id), str(minutes.meeting_id)})
        values["minutes_id"] = [str(minutes.id)]
        values["trigger"] = [on_agenda.steps[0].trigger]
        values["case_id"].append(str(on_agenda.case.id))
        # A due a separation left, awaiting its office order (the record page's form, 7.7.7.5).
        due = profiles.add_entry(
            s, eid=cases[0].subject_eid, kind="due", now=clock(), by="register",
            start_on=clock().date(), status="outstanding", obligation="ltt", amount="1000.00",
        )  # fmt: skip
        s.flush()
        values["entry_id"] = [str(due.id)]
    with TestClient(app) as c:
        login(c, "admin", seed.PASSWORD)
        clock.advance(hours=0.1)  # so the session's last-seen bookkeeping does happen
        before = dump(engine)
        seen: dict[str, int] = {}
        for route in get_routes(app):
            for url in fill(route, values):
                # Documents belong to their own case; other pairings are expected 404s.
                if "{doc_id" in route and not url.startswith(f"/cases/{doc.case_id}/"):
                    continue
                if "{paper_id" in route and f"/cases/{paper.case_id}/" not in url:
                    continue
                if "{minutes_id" in route and f"/meetings/{minutes.meeting_id}/" not in url:
                    continue
                if "{trigger" in route and not url.endswith(
                    f"/meetings/{meeting.id}/cases/{on_agenda.case.id}/{values['trigger'][0]}"
                ):
                    continue
                resp = c.get(url + QUERIES.get(route, ""), follow_redirects=False)
                seen[url] = resp.status_code
        after = dump(engine)
    assert len(seen) > 40
    assert all(code < 500 for code in seen.values()), seen
    assert {u: s for u, s in seen.items() if s not in (200, 303)} == {}, "unexpected statuses"
    changed = {t for t in before if before[t] != after.get(t)}
    assert changed == set(), {t: (before[t][-3:], after[t][-3:]) for t in changed}


# ------------------------------------------------------------------ escaping


@pytest.fixture
def hostile_case(world, client) -> tuple[int, int]:
    """A case whose subject's name, complaint and charge particulars carry markup; served
    with its notice of charges issued. Returns (case id, document id)."""
    world.make_servant("E666", name=f"Karma {PAYLOAD}")
    case_id = world.open(eid="E666", narration=f"Absent. {PAYLOAD}")
    world.fire(case_id, "direct_enquiry", "chair", reasons=f"No ADR {PAYLOAD}")
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars=f"Particulars {PAYLOAD}",
        prima_facie=True,
        notice_received_on=world.today(),
    )
    with transaction(world.engine) as s:
        doc = documents.issue(
            s, case_id, "notice_of_charges", world.actors["dc"], now=world.clock.now
        )
        return case_id, doc.id  # type: ignore[return-value]


def assert_inert(html: str, where: str) -> None:
    assert SCRIPT not in html, f"{where}: live <script>"
    assert "<img src=x" not in html, f"{where}: live <img>"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, f"{where}: text not shown"
    assert "&lt;img src=x onerror=alert(1)&gt;" in html, f"{where}: text not shown"


def test_markup_in_names_and_complaints_is_shown_as_text(client, world, hostile_case) -> None:
    case_id, doc_id = hostile_case
    login(client, "admin")
    pages = {
        "case page": f"/cases/{case_id}",
        "dashboard": "/?tab=all",  # the admin's queue is empty: all cases
        "timeline": f"/cases/{case_id}/timeline",
        "due-process page": f"/cases/{case_id}/due-process",
        "letter": f"/cases/{case_id}/documents/{doc_id}",
        "civil servant": "/servants/E666",
    }
    for where, url in pages.items():
        resp = client.get(url)
        assert resp.status_code == 200, where
        assert_inert(resp.text, where)


@pytest.mark.browser
def test_no_script_runs_and_the_text_is_visible(
    app, world, hostile_case, serve_app, browser_page
) -> None:
    case_id, doc_id = hostile_case
    base = serve_app(app)
    dialogs: list[str] = []
    browser_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_page.goto(base + "/login")
    browser_page.fill("input[name=username]", "admin")
    browser_page.fill("input[name=password]", "pw")
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url(base + "/")
    for url in (f"/cases/{case_id}", "/?tab=all", f"/cases/{case_id}/documents/{doc_id}"):
        browser_page.goto(base + url)
        browser_page.wait_for_load_state("load")
        text = browser_page.inner_text("body")
        assert SCRIPT in text and IMG.strip('"') in text, url
        assert browser_page.locator("img[src=x]").count() == 0, url
    assert dialogs == []


def test_the_security_page_filters_by_bhutan_days_and_pages_within_them(
    app, client, world, clock
) -> None:
    """from_day and to_day are whole days in Bhutan (the times the page shows), both
    included; the page links keep the filters; a bad or reversed day is a 422 naming it."""
    from datetime import UTC, datetime

    with transaction(world.engine) as s:
        # 23:30 BTT on 14 Dec is 17:30 UTC on 14 Dec; 00:30 BTT on 16 Dec is 18:30 UTC on 15th.
        for at, who in (
            (datetime(2026, 12, 13, 17, 30, tzinfo=UTC), "d13"),
            (datetime(2026, 12, 14, 17, 30, tzinfo=UTC), "d14"),
            (datetime(2026, 12, 15, 18, 30, tzinfo=UTC), "d16"),
        ):
            SL.record(s, SL.LOGIN_FAILED, at=at, username=who, ip="10.9.9.9")
        for i in range(55):
            SL.record(
                s, SL.LOGIN_FAILED, at=datetime(2026, 12, 14, 6, i, tzinfo=UTC), username="bulk"
            )
    login(client, "admin")
    names = lambda r: re.findall(r"<td>(d1\d)</td>", r.text)  # noqa: E731
    the_14th = {"kind": SL.LOGIN_FAILED, "from_day": "2026-12-14", "to_day": "2026-12-14"}
    day = client.get("/security", params=the_14th)
    assert day.status_code == 200
    assert "56 events in these filters" in day.text and "Page 1 of 2" in day.text
    assert (
        'href="?kind=login_failed&amp;from_day=2026-12-14&amp;to_day=2026-12-14&amp;page=2"'
        in day.text
    )
    older = client.get("/security", params={**the_14th, "page": 2})
    assert names(day) + names(older) == ["d14"]
    assert names(client.get("/security", params={"from_day": "2026-12-16"})) == ["d16"]
    assert names(client.get("/security", params={"to_day": "2026-12-13"})) == ["d13"]
    bad = client.get("/security", params={"from_day": "14/12/2026"})
    assert bad.status_code == 422 and "from_day: &#39;14/12/2026&#39; is not a date" in bad.text
    assert 'name="from_day" value="14/12/2026" aria-invalid="true"' in bad.text
    reversed_ = client.get("/security", params={"from_day": "2026-12-15", "to_day": "2026-12-14"})
    assert reversed_.status_code == 422
    assert "to_day: 2026-12-14 is before from_day 2026-12-15" in reversed_.text
