"""Request ids and logs an operator can search: one JSON object per line, one line per
request, and the id a user can quote from an error page.

Every request gets an id (a proxy's ``X-Request-ID`` is kept when it is a plain token, so
one id follows the request through the agency's web server); it is echoed in the
response's ``X-Request-ID`` header, shown on error pages, and written on the request's log
line with the user, the route, the status and the duration.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")
access_log = logging.getLogger("drukflow.access")

# LogRecord attributes a request's line carries (set through ``extra``).
FIELDS = ("request_id", "user", "method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's fields, and
    the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """uvicorn's ``log_config``: drukflow's and uvicorn's loggers as JSON lines on stderr;
    uvicorn's own access log is off, as each request's line is drukflow.access's."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "drukflow": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def request_id(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", ""))


class RequestLog:
    """Pure ASGI, outermost: the id exists before anything else runs, and the 500 of an
    unhandled exception is logged and carries the header too."""

    def __init__(self, app: ASGIApp, clock: Callable[[], float] = time.perf_counter) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _TOKEN.fullmatch(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = rid
        started = self.clock()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = rid
            await send(message)

        failed = None
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as e:
            failed = e
            raise
        finally:
            viewer = scope.get("state", {}).get("viewer")
            route = scope.get("route")
            access_log.log(
                logging.ERROR if failed or status >= 500 else logging.INFO,
                "%s %s %s",
                scope.get("method", ""),
                scope.get("path", ""),
                status,
                exc_info=(type(failed), failed, failed.__traceback__) if failed else None,
                extra={
                    "request_id": rid,
                    "user": viewer.user.username if viewer is not None else "",
                    "method": scope.get("method", ""),
                    "route": getattr(route, "path", scope.get("path", "")),
                    "status": status,
                    "duration_ms": round((self.clock() - started) * 1000, 1),
                },
            )


def install(app: FastAPI) -> None:
    """Wrap the whole stack (after web.security_headers.install, so outside it too)."""
    build = app.build_middleware_stack

    def build_with_log() -> ASGIApp:
        return RequestLog(build())

    app.build_middleware_stack = build_with_log  # type: ignore[method-assign]
