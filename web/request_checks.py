"""What every request is checked for before a route sees it: its size, and text and numbers
that no field can hold.

- A body larger than its route's limit is refused with 413 before it is read whole (a 10 MB
  ``reasons`` was once stored in a case and in the audit chain). The limit is 1 MB unless
  the route declares its own with FastAPI's ``max_body_size=`` for a multipart body (the
  register's CSV upload, the case file's papers, a step's papers), which FastAPI enforces
  again as the route reads.
- A JSON body must be JSON as RFC 8259 has it: Python's parser also takes ``NaN``,
  ``Infinity`` and ``1e400`` (which becomes infinity), and none of them is a number a field
  can hold: 422 naming where it was. Malformed JSON is 400, as the OpenAPI declares.
- Text anywhere (path, query, JSON strings and keys, form fields) must be storable: a lone
  surrogate (``"\\ud800"``) cannot be encoded as UTF-8, and PostgreSQL refuses the NUL
  character; either ended in a 500 deep in the database driver. 422 naming the field.

Answers use the shapes of web/errors.py: the API's error body under /api, the HTML message
page elsewhere. Nothing is stored: the route never runs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, Headers
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workflows.context import Refusal

MB = 1024 * 1024
# JSON and form bodies: a case's fields with every text at its limit (workflows.bounds) fit
# many times over.
DEFAULT_BODY_LIMIT = 1 * MB
# Objects and lists nested deeper than this are no field of any step.
MAX_JSON_DEPTH = 32
# Methods whose body is read and checked here.
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class InputRefused(Exception):
    """A request refused before its route runs: the status, the reason, the field if any,
    each reason where there are several; ``page_status`` where a page answers otherwise (a
    bad value in a page's address: no such page, 404)."""

    def __init__(
        self,
        status: int,
        detail: str,
        field: str | None = None,
        refusals: Sequence[Refusal] = (),
        page_status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.refusals = list(refusals) or ([Refusal("field", "", detail, field)] if field else [])
        self.page_status = page_status or status


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored as it is, or None."""
    if "\x00" in text:
        return "contains the NUL character, which no text field may hold"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (it holds a lone surrogate such as \\ud800)"
    return None


# ------------------------------------------------------------------ URL


def check_url(scope: Scope) -> None:
    why = unstorable(scope.get("path", ""))
    if why:
        raise InputRefused(404, f"the address {why}")
    query = scope.get("query_string", b"").decode("latin-1")
    if not query:
        return
    for name, value in parse_qsl(query, keep_blank_values=True):
        why = unstorable(name) or unstorable(value)
        if why:
            raise InputRefused(422, f"{name}: the query parameter {why}", name)


# ------------------------------------------------------------------ JSON


class _NonFinite:
    """What the strict parser makes of NaN, Infinity or a float beyond double range."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else _NonFinite(text)


def check_json(body: bytes) -> None:
    """Refuse a body that is not strict JSON or holds what no field can: 400 or 422."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text, parse_constant=_NonFinite, parse_float=_parse_float)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise InputRefused(400, f"the body is not well-formed JSON: {exc}") from None
    except RecursionError:
        raise InputRefused(400, "the body is not well-formed JSON: nested too deeply") from None
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputRefused(422, f"{where}: nested deeper than {MAX_JSON_DEPTH} levels", where)
        if isinstance(value, _NonFinite):
            reason = f"{value.text} is not a number a field can hold (finite numbers only)"
            raise InputRefused(422, f"{where or 'body'}: {reason}", where or None)
        if isinstance(value, str):
            why = unstorable(value)
            if why:
                raise InputRefused(422, f"{where or 'body'}: the text {why}", where or None)
        elif isinstance(value, dict):
            for key, item in value.items():
                why = unstorable(key)
                if why:
                    raise InputRefused(422, f"{where or 'body'}: a key {why}", where or None)
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{where}.{i}" if where else str(i), depth + 1))


def is_json(content_type: str | None) -> bool:
    """Whether FastAPI reads the body as JSON: a JSON content type (its strict content type
    rule leaves a body without one unread, and the route refuses it as missing)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


# ------------------------------------------------------------------ forms


async def check_form(headers: Headers, body: bytes) -> None:
    """Each text field of a form (urlencoded or multipart; uploaded files are the route's)."""
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()

    async def stream() -> AsyncIterator[bytes]:
        yield body

    form: FormData
    try:
        if kind == "multipart/form-data":
            form = await MultiPartParser(headers, stream(), max_part_size=len(body) + 1).parse()
        elif kind == "application/x-www-form-urlencoded":
            form = await FormParser(headers, stream(), max_part_size=len(body) + 1).parse()
        else:
            return
    except (MultiPartException, ValueError) as exc:
        raise InputRefused(400, f"the form could not be read: {exc}") from None
    try:
        for name, value in form.multi_items():
            why = unstorable(name) or (unstorable(value) if isinstance(value, str) else None)
            if why:
                raise InputRefused(422, f"{name}: the field {why}", name)
    finally:
        await form.close()


# ------------------------------------------------------------------ the middleware


def app_routes(routes: Sequence[Any]) -> Iterator[Any]:
    """The app's routes, through the routers FastAPI includes."""
    for route in routes:
        if hasattr(route, "effective_candidates"):  # an included router
            yield from app_routes(route.effective_candidates())
        else:
            yield route


def route_limit(scope: Scope) -> int:
    """The body limit the matching route declares (``max_body_size=``), else the default.
    A declared limit is for files: only a multipart body gets it (a step's form takes its
    papers, and its text stays within the default like any other form's)."""
    content_type = Headers(scope=scope).get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return DEFAULT_BODY_LIMIT
    for route in app_routes(scope["app"].router.routes):
        match, _ = route.matches(scope)
        if match == Match.FULL:
            declared = getattr(route, "max_body_size", None)
            return DEFAULT_BODY_LIMIT if declared is None else declared
    return DEFAULT_BODY_LIMIT


class RequestChecks:
    """Pure ASGI: reads a body (up to its limit), checks it, then hands it on unchanged."""

    def __init__(self, app: ASGIApp, answer: Callable[[Request, InputRefused], Any]) -> None:
        self.app = app
        self.answer = answer  # web.errors.input_refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_url(scope)
            if scope.get("method") not in WITH_BODY:
                await self.app(scope, receive, send)
                return
            body = await self._read(scope, receive, route_limit(scope))
            headers = Headers(scope=scope)
            if body and is_json(headers.get("content-type")):
                check_json(body)
            else:
                await check_form(headers, body)
        except InputRefused as refused:
            response = await self.answer(Request(scope), refused)
            await response(scope, receive, send)
            return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, scope: Scope, receive: Receive, limit: int) -> bytes:
        too_large = InputRefused(
            413, f"the request body is larger than this address accepts ({limit:,} bytes)"
        )
        declared = Headers(scope=scope).get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)
