"""Links only to what the viewer may open: every link on a user's pages answers that user.

A user who may see a case does not always see the civil servant's record (16.3.3: another
agency's chair acting on a transfer, the Administrative Tribunal on an appeal), nor every
case a calendar change moved. A link that answers 403 or 404 tells them nothing but that
something exists; the page shows the name without a link instead.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_helpers import login

from cases.core import timers
from cases.demo import seed
from web.app import create_app

STARTS = ("/", "/?tab=all", "/?tab=others", "/calendar", "/inbox")


@pytest.fixture
def demo_client(db_url, engine, clock):  # noqa: ANN001, ANN201
    seed.build(engine, clock.now)
    timers.sweep(engine, clock.now)
    with TestClient(create_app(db_url, clock=clock, run_sweeper=False)) as c:
        yield c


def links(html: str) -> set[str]:
    return set(re.findall(r'href="(?:http://testserver)?(/[^"#?]*)', html))


def test_every_link_on_a_users_pages_opens_for_that_user(demo_client) -> None:
    """For every demo user: the start pages, each case page they link, and every link on
    those answer below 400 for that user (static files and sign-out aside)."""
    broken: list[str] = []
    for username in seed.USERS:
        login(demo_client, username, seed.PASSWORD)
        pages, checked = list(STARTS), set()
        while pages:
            path = pages.pop()
            checked.add(path)
            page = demo_client.get(path)
            assert page.status_code == 200, (username, path)
            for href in sorted(links(page.text) - checked):
                if href.startswith(("/static/", "/logout")):
                    continue
                if path in STARTS and re.fullmatch(r"/cases/\d+", href):
                    pages.append(href)  # read this case page's own links too
                    continue
                checked.add(href)
                status = demo_client.get(href).status_code
                if status >= 400:
                    broken.append(f"{username} on {path}: {href} answers {status}")
    assert broken == []


def test_a_route_s_name_leads_to_one_path(db_url) -> None:  # noqa: ANN001
    """Pages link by route name (``url_for``), which takes the first route of that name: two
    paths under one name (a page and its /api twin) would send a link to whichever router
    the app includes first. A name may stand for several methods of one path."""
    app = create_app(db_url, run_sweeper=False)

    def routes(router):  # noqa: ANN001, ANN202
        for route in router.routes:
            if hasattr(route, "original_router"):  # an included router
                yield from routes(route.original_router)
            elif getattr(route, "methods", None):
                yield route

    paths: dict[str, set[str]] = {}
    for route in routes(app.router):
        paths.setdefault(route.name, set()).add(route.path)
    assert {name: p for name, p in paths.items() if len(p) > 1} == {}


def test_links_behind_a_proxy_prefix_keep_it(app, world) -> None:
    """Served under a path prefix (a reverse proxy's ``root_path``), every link a page makes
    keeps the prefix: the case links the work queue builds the quick way
    (``web.templating.url_for``) as the ones the router builds."""
    case_id = world.walk_to("awaiting_endorsement")
    with TestClient(app, root_path="/hr") as c:
        login(c, "chair")
        page = c.get("/hr/").text
    assert f'href="http://testserver/hr/cases/{case_id}"' in page
    assert f'href="http://testserver/hr/cases/{case_id}#action-endorse_decision"' in page
    assert 'href="http://testserver/hr/static/' in page  # built by the router
    assert 'href="http://testserver/cases/' not in page
