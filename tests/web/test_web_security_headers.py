"""Security headers on every kind of response (web/security_headers.py), and /docs served
from the app's own files so it works with no internet and under the policy."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from web_helpers import login

from web.security_headers import DIAGRAM_CSP, DOCUMENT_CSP, PAGE_CSP

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def assert_secured(resp, csp: str = PAGE_CSP) -> None:  # noqa: ANN001
    assert {k: resp.headers.get(k) for k in EXPECTED} == EXPECTED, resp.request.url
    assert resp.headers.get("content-security-policy") == csp, resp.request.url


def test_the_policy_allows_no_inline_script_and_no_framing() -> None:
    for csp in (PAGE_CSP, DIAGRAM_CSP, DOCUMENT_CSP):
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert "'unsafe-inline'" not in directives.get("script-src", "")
        assert "'unsafe-eval'" not in csp
        assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in PAGE_CSP


def test_every_kind_of_response_carries_the_security_headers(app, world) -> None:
    """Pages, the API, static files, the docs, redirects, 401/404/422 answers and the 500
    of an unhandled exception: all carry the same headers."""

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("an unhandled failure")

    with TestClient(app, raise_server_exceptions=False) as client:
        case_id = world.walk_to("enquiry_directed")
        assert_secured(client.get("/login"))
        assert_secured(client.get("/", follow_redirects=False))  # 303 to /login
        assert_secured(client.get("/api/cases"))  # 401
        assert_secured(client.get("/static/app.css"))
        assert_secured(client.get("/static/nope.css"))  # 404
        assert_secured(client.get("/docs"))
        assert_secured(client.get("/openapi.json"))
        assert_secured(client.get("/healthz"))
        boom = client.get("/boom")
        assert boom.status_code == 500
        assert_secured(boom)
        login(client, "dc")
        assert_secured(client.get("/"))
        assert_secured(client.get("/cases/999999"))  # 404 page
        assert_secured(client.get(f"/cases/{case_id}"), DIAGRAM_CSP)  # mermaid's styles
        assert_secured(client.get("/processes/disciplinary"), DIAGRAM_CSP)
        assert_secured(client.get("/inbox"))


def test_an_issued_document_runs_no_inline_code(client, world) -> None:  # noqa: ANN001
    """A letter is shown as the stored bytes its audit event hashes: its stylesheet stays
    inline, and nothing else inline runs."""
    case_id = world.walk_to("notice_served")
    csrf = login(client, "dc")
    resp = client.post(
        f"/cases/{case_id}/documents/notice_of_charges",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    doc = client.get(resp.headers["location"])
    assert doc.status_code == 200
    assert_secured(doc, DOCUMENT_CSP)
    assert "onclick" not in doc.text


@pytest.mark.parametrize("path", ["/docs"])
def test_docs_load_only_same_origin_assets_that_answer(client, path: str) -> None:  # noqa: ANN001
    page = client.get(path)
    assert page.status_code == 200
    assert "<script>" not in page.text  # no inline script: the policy would refuse it
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls)
    assert any(u.endswith("swagger-ui.css") for u in urls)
    for url in urls:
        full = urljoin(str(page.url), url)
        assert urlsplit(full).netloc == "testserver", url
        asset = client.get(full)
        assert asset.status_code == 200, url
        assert_secured(asset)
    spec = re.search(r'data-openapi-url="([^"]+)"', page.text).group(1)
    assert client.get(spec).json()["paths"]


def test_no_template_carries_inline_script_handlers_or_styles() -> None:
    """What the policy would refuse, caught before a browser meets it: no inline <script>,
    no on...= handler or javascript: URL anywhere; no <style> or style= outside the printed
    documents (templates/documents/, served with DOCUMENT_CSP or printed by WeasyPrint)."""
    from cases.review.printing import TEMPLATES

    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        name = str(path.relative_to(TEMPLATES))
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            found.append((name, "inline <script>"))
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            found.append((name, "inline handler"))
        if not name.startswith("documents/") and re.search(r"<style|\sstyle\s*=", text):
            found.append((name, "inline style"))
    assert found == []
