"""The inbox page: each user's own notices, the unread count in the navigation, mark read
(plain form and htmx), and the JSON list under /api."""

from __future__ import annotations

from sqlmodel import select
from web_helpers import login

from cases.core.db import transaction
from cases.core.models import Notification, User
from cases.people import auth


def test_the_navigation_shows_the_unread_count(client, world) -> None:
    world.open()  # the committee, the chairperson among them, must act
    login(client, "chair")

    page = client.get("/")

    assert page.context["viewer"].unread == 1
    assert ">Inbox (1)</a>" in page.text


def test_the_navigation_counts_to_99_and_the_inbox_counts_them_all(client, world) -> None:
    """The count on every page stops past 99 ("99+": it would otherwise read each unread
    notice on every page); the inbox and the API still say how many there are."""
    case_id = world.open()
    with transaction(world.engine) as s:
        chair = s.exec(select(User).where(User.username == "chair")).one()
        s.add_all(
            Notification(
                user_id=chair.id,
                case_id=case_id,
                kind="deadline_near",
                text=f"notice {n}",
                cite="19.8.2",
                key=f"test-{n}",
                created_at=world.clock.now,
            )
            for n in range(100)
        )
    login(client, "chair")

    page = client.get("/")
    inbox = client.get("/inbox")

    assert ">Inbox (99+)</a>" in page.text and ">Inbox (99+)</a>" in inbox.text
    assert "101 unread notices." in inbox.text
    assert client.get("/api/inbox").json()["unread"] == 101


def test_the_inbox_lists_the_users_notices_with_case_link_cite_and_time(client, world) -> None:
    case_id = world.open()
    login(client, "chair")

    page = client.get("/inbox")

    assert page.status_code == 200 and page.template.name == "pages/inbox.html"
    (item,) = page.context["items"]
    assert item.notice.case_id == case_id and item.case_visible
    assert f'/cases/{case_id}">Open case #{case_id}</a>' in page.text
    assert "Direct the DC to hold an enquiry (BCSR 19.8.2)" in page.text
    assert "Mon 14 Dec 2026 10:00 BTT" in page.text  # 04:00 UTC, in Bhutan time, with weekday
    assert "1 unread notice." in page.text and "Mark all read" in page.text


def test_an_empty_inbox_says_so(client, world) -> None:
    world.open()
    login(client, "investigator")  # nothing waits for the investigator yet

    page = client.get("/inbox")

    assert page.context["items"] == []
    assert "Your inbox is empty" in page.text
    assert ">Inbox</a>" in page.text


def test_mark_read_with_a_plain_form(client, world) -> None:
    world.open()
    csrf = login(client, "chair")
    (item,) = client.get("/inbox").context["items"]

    resp = client.post(
        f"/inbox/{item.notice.id}/read", data={"csrf_token": csrf}, follow_redirects=False
    )

    assert resp.status_code == 303 and resp.headers["location"].endswith("/inbox")
    page = client.get("/inbox")
    assert page.context["items"][0].notice.read_at is not None
    assert page.context["viewer"].unread == 0
    assert ">Inbox</a>" in page.text and "Mark read</button>" not in page.text


def test_mark_read_with_htmx_returns_the_list_and_the_new_count(client, world, clock) -> None:
    world.open()
    clock.advance(hours=1)
    world.open()
    csrf = login(client, "chair")
    newest = client.get("/inbox").context["items"][0]

    resp = client.post(
        f"/inbox/{newest.notice.id}/read",
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )

    assert resp.status_code == 200
    assert "<html" not in resp.text and '<section id="inbox">' in resp.text
    assert 'id="nav-inbox" hx-swap-oob="true"' in resp.text and ">Inbox (1)</a>" in resp.text
    assert f'<li id="notice-{newest.notice.id}" class="read' in resp.text
    assert resp.text.count("Mark read</button>") == 1  # the older one is still unread


def test_mark_all_read(client, world, clock) -> None:
    world.open()
    world.open()
    csrf = login(client, "chair")

    resp = client.post("/inbox/read-all", data={"csrf_token": csrf})

    assert resp.status_code == 200  # followed the redirect to the inbox
    assert [i.notice.read_at is not None for i in resp.context["items"]] == [True, True]
    assert resp.context["viewer"].unread == 0


def test_another_users_notice_answers_404(client, world) -> None:
    world.open()
    csrf = login(client, "dc")
    dc_notice = client.get("/inbox").context["items"][0].notice
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "chair")

    resp = client.post(f"/inbox/{dc_notice.id}/read", data={"csrf_token": csrf})

    assert resp.status_code == 404
    assert client.post("/inbox/999999/read", data={"csrf_token": csrf}).status_code == 404


def test_mark_read_needs_the_csrf_token(client, world) -> None:
    world.open()
    login(client, "chair")
    (item,) = client.get("/inbox").context["items"]

    assert client.post(f"/inbox/{item.notice.id}/read").status_code == 403
    assert client.post("/inbox/read-all", data={"csrf_token": "forged"}).status_code == 403


def test_a_case_no_longer_visible_is_not_linked(client, world) -> None:
    case_id = world.open()
    with transaction(world.engine) as s:  # the chairperson moved to another agency
        s.get(User, world.users["chair"].id).agency_code = "MOHA"  # type: ignore[union-attr]
    login(client, "chair")

    page = client.get("/inbox")

    (item,) = page.context["items"]
    assert not item.case_visible
    assert f"Open case #{case_id}" not in page.text


def test_the_api_lists_notices_with_a_bearer_token(client, world) -> None:
    case_id = world.open()
    with transaction(world.engine) as s:
        token = auth.issue_token(s, world.users["chair"], world.clock.now)

    body = client.get("/api/inbox", headers={"Authorization": f"Bearer {token}"}).json()

    assert body["unread"] == 1
    (notice,) = body["notices"]
    assert (notice["kind"], notice["case_id"], notice["cite"]) == (
        "action_needed",
        case_id,
        "19.5.3",
    )
    assert notice["read_at"] is None
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/inbox" in paths and "/inbox" not in paths
