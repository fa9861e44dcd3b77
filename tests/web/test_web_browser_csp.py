"""In a real browser, under the Content-Security-Policy (web/security_headers.py): the main
pages, the state diagram and the API docs work, and the browser reports no violation (an
inline script, style or handler would be refused and reported on the console)."""

from __future__ import annotations

import pytest
from web_helpers import sign_in

pytestmark = pytest.mark.browser

# Playwright's init script is not subject to the page's policy: it collects every violation
# the browser reports, as the page's own listeners would.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def violations(page, console: list[str]) -> list[str]:  # noqa: ANN001
    seen = page.evaluate("window.__csp || []")
    return [*seen, *(m for m in console if "Content Security Policy" in m)]


def test_main_pages_run_under_the_policy_without_violations(
    app, world, serve_app, browser_page, clock
) -> None:
    case_id = world.walk_to("decided")
    base = serve_app(app)
    page = browser_page
    console: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(COLLECT)
    found: dict[str, list[str]] = {}

    def visit(path: str, ready: str = "main") -> None:
        console.clear()
        resp = page.goto(base + path)
        assert resp is not None and resp.status == 200, path
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        if bad := violations(page, console):
            found[path] = bad

    visit("/login")
    sign_in(page, base, "rcsc")
    visit("/")
    visit(f"/cases/{case_id}", "#diagram svg")  # mermaid drew the state diagram
    visit(f"/cases/{case_id}/due-process")
    visit("/processes/disciplinary", "pre.mermaid svg")
    visit("/processes")
    visit("/inbox")
    visit("/servants")
    visit("/servants/E100")
    visit("/calendar")
    visit("/oversight")
    visit("/security")
    visit("/queues/retirement")
    visit("/docs", ".opblock")  # Swagger UI drew the operations from /openapi.json
    assert found == {}
    assert errors == []
