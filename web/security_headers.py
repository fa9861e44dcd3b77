"""Security headers on every response drukflow sends: pages, /api, static files, error pages
and the 500 answer of an unhandled exception.

- ``Content-Security-Policy``: scripts, styles, images, fonts and fetches from this origin
  only, no inline script or style, no plugins, forms post only here, no framing. A page that
  let a civil servant's typed text through unescaped could then still run no script of it.
  Every script is a file under web/static/ (htmx, mermaid, the diagram, print and /docs
  starters); every style is in a stylesheet, except what mermaid draws (``DIAGRAM_CSP``).
- ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``: no other site frames a form to
  trick a click (clickjacking).
- ``X-Content-Type-Options: nosniff``: an upload or a JSON answer is never run as script.
- ``Referrer-Policy: same-origin``: a case URL (its number) does not leave the site.

A route may set its own ``Content-Security-Policy`` (a page with a state diagram:
``DIAGRAM_CSP``; an issued letter: ``DOCUMENT_CSP``); the others are always the same.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Swagger UI's stylesheet draws its icons as data: SVGs
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# A page that draws a state diagram (the case and process pages): the vendored mermaid writes
# its theme as a <style> element and style attributes into the SVG it draws, at run time, so
# neither a hash nor a nonce can name them; without them the diagram is black boxes. Inline
# style only, on those pages only; scripts stay this origin's files.
DIAGRAM_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

# An issued letter or order is shown as the exact HTML whose SHA-256 is in the audit trail
# (cases/review/documents.py), and WeasyPrint prints that same HTML: its stylesheet is part of the
# hashed bytes, so it stays inline. Nothing else inline is allowed, and no script runs at all.
DOCUMENT_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",  # web/static/print.js, the print button
        "style-src 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI (nothing buffered): adds ``HEADERS`` to each response's start, keeping a
    ``Content-Security-Policy`` the route chose itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    """Wrap the whole middleware stack, Starlette's error middleware included: the 500 page
    of an unhandled exception gets the headers too (``add_middleware`` would sit inside it)."""
    build: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
