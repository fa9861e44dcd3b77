"""Accessibility and layout checks the browser tests run on a page: axe-core's WCAG 2.2 A and
AA rules, and whether the page scrolls sideways.

axe-core is vendored (tests/web/vendor/README.md) and evaluated in the page through
Playwright: evaluation is not subject to the app's Content-Security-Policy, so the app
needs no exception for a test tool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (issue 17: "WCAG 2.2 AA").
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG A/AA rules on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, to read in a failing assertion."""
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(
                f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: "
                f"{node.get('failureSummary', '')[:200]}"
            )
    return "\n".join(lines)


def assert_accessible(page: Any, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {where}:\n{describe(violations)}"


def sideways_overflow(page: Any) -> int:
    """How many CSS pixels the document is wider than the window (0: no sideways scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
