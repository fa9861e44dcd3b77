"""The API's documentation page, /docs: Swagger UI served by the app itself.

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline script, so it
works neither offline nor under the Content-Security-Policy (web/security_headers.py). Here
Swagger UI's files come from the ``fastapi-offline`` package (pinned in uv.lock) under
/swagger-ui/, and a static script starts it (web/static/docs.js).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import escape

SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
DOCS_URL = "/docs"


def install(app: FastAPI) -> None:
    """Mount Swagger UI's assets and serve the page that loads them (the app is created with
    ``docs_url=None`` so that FastAPI's CDN page is not registered)."""
    app.mount("/swagger-ui", StaticFiles(directory=SWAGGER_UI), name="swagger_ui")

    @app.get(DOCS_URL, include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        assets = f"{root}/swagger-ui"
        spec = escape(f"{root}{app.openapi_url}")
        return HTMLResponse(
            "<!doctype html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(app.title)} API</title>"
            f'<link rel="stylesheet" href="{assets}/swagger-ui.css">'
            f'<link rel="icon" href="{assets}/favicon.png"></head>'
            f'<body><div id="swagger-ui" data-openapi-url="{spec}"></div>'
            f'<script src="{assets}/swagger-ui-bundle.js"></script>'
            f'<script src="{root}/static/docs.js"></script>'
            "</body></html>"
        )
