"""Idempotency-Key for the JSON API's state-changing calls: a retried request has one effect.

A client that lost the answer to a POST (timeout, dropped connection, a double click) sends
it again with the same ``Idempotency-Key`` header and gets the first answer back, byte for
byte, with ``Idempotency-Replayed: true``, instead of a second transition or a second case.

The record of the answer is written in the same transaction as the effect, so a crash leaves
both or neither: never a transition whose retry would run again, never a record of an
answer for an effect that was rolled back. Only answers that changed something are kept: a
refused request (403/404/409/422) rolls back with its transaction and changed nothing, so
repeating it is harmless and is answered from the case as it then is.

Two requests with the same key at once: the key is claimed first thing inside the write
transaction. On SQLite every write transaction starts with BEGIN IMMEDIATE, so the second
waits for the first to commit and then finds its record: it replays. On PostgreSQL the
second's claim blocks on the UNIQUE(user_id, key) index until the first commits, fails, and
is answered by a replay from a fresh transaction. Either way the loser replays the winner's
answer rather than getting a 409: the client asked for one effect and it happened, so it
deserves the answer that says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlmodel import Session, select

from cases.core.models import IdempotencyRecord
from web.deps import CurrentViewer, now, tx
from web.error_body import api_error
from workflows.context import Refusal

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
MAX_KEY_LENGTH = 128
KEEP_FOR = timedelta(hours=24)


class KeyRefused(Exception):
    """The header is malformed, or the key was already used for a different request (422)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Replay(Exception):
    """This key already has an answer: send it again instead of acting twice."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.status_code = record.status_code
        self.body = record.body


class LostRace(Exception):
    """Another request with the same key committed first (PostgreSQL): look its answer up."""


def request_hash(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests "the same": method, path, query and body. A JSON body is
    compared by content (key order and spacing do not matter)."""
    try:
        text = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        text = body.decode("utf-8", "replace")
    return hashlib.sha256(f"{method}\n{path}\n{query}\n{text}".encode()).hexdigest()


def _check_key(key: str) -> None:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise KeyRefused(
            f"{HEADER}: a key is 1 to {MAX_KEY_LENGTH} visible ASCII characters "
            "(e.g. a UUID), without spaces"
        )


def _plain(value: Any) -> Any:
    """What ``jsonable_encoder`` makes of a value ``json`` cannot write itself: dates as ISO
    text, sets as lists; anything rarer is left to FastAPI's encoder."""
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return list(value)
    return jsonable_encoder(value)


def _rendered(body: Any) -> str:
    """The JSON text exactly as FastAPI's JSONResponse would send ``jsonable_encoder(body)``
    (tests/web/test_web_idempotency.py checks), so a replay is byte-identical; written in
    one pass of the C encoder instead of FastAPI's walk over every value of a case view."""
    return json.dumps(
        body,
        ensure_ascii=False,
        allow_nan=False,
        indent=None,
        separators=(",", ":"),
        default=_plain,
    )


class Idempotent:
    """One request's key (or none): opens the route's write transaction and keeps its answer."""

    def __init__(self, request: Request, user_id: int, key: str | None, digest: str) -> None:
        self.request = request
        self.user_id = user_id
        self.key = key
        self.digest = digest
        self._record: IdempotencyRecord | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """The route's one write transaction, with the key claimed before anything else."""
        with tx(self.request) as session:
            if self.key is not None:
                self._claim(session)
            yield session
            if self._record is not None and not self._record.body:
                raise RuntimeError("an idempotent route must save its answer before commit")

    def save(self, session: Session, body: Any, status_code: int = 200) -> Response:
        """Keep the answer with the effect (same transaction); returns the response to send."""
        text = _rendered(body)
        if self._record is not None:
            self._record.status_code = status_code
            self._record.body = text
            session.add(self._record)
            session.flush()
        return Response(text, status_code=status_code, media_type="application/json")

    def _claim(self, session: Session) -> None:
        found = find(session, self.user_id, self.key or "")
        if found is not None:
            raise _answer_for(found, self.digest)
        self._record = IdempotencyRecord(
            user_id=self.user_id,
            key=self.key or "",
            request_hash=self.digest,
            status_code=0,
            body="",
            created_at=now(self.request),
        )
        session.add(self._record)
        try:
            session.flush()
        except sa.exc.IntegrityError:
            raise LostRace() from None


def _answer_for(record: IdempotencyRecord, digest: str) -> Exception:
    if record.request_hash != digest:
        return KeyRefused(
            f"{HEADER}: this key was already used for a different request "
            "(another method, path or body); use a new key for a new request"
        )
    return Replay(record)


def find(session: Session, user_id: int, key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    ).first()


def purge(session: Session, now: datetime, keep_for: timedelta = KEEP_FOR) -> int:
    """Forget answers older than ``keep_for``: a client retries within minutes, not days."""
    result = session.execute(
        sa.delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - keep_for)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def idempotency(
    request: Request,
    viewer: CurrentViewer,
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="any unique string (e.g. a UUID): a repeat with the same key gets "
            "the first answer again (header Idempotency-Replayed: true) and acts only once",
        ),
    ] = None,
) -> Idempotent:
    if key is None:
        return Idempotent(request, viewer.user.id or 0, None, "")
    _check_key(key)
    digest = request_hash(request.method, request.url.path, request.url.query, await request.body())
    return Idempotent(request, viewer.user.id or 0, key, digest)


Idempotency = Annotated[Idempotent, Depends(idempotency)]


def _replay(exc: Replay) -> Response:
    return Response(
        exc.body,
        status_code=exc.status_code,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )


def _refused(exc: KeyRefused) -> Response:
    return api_error(422, exc.reason, refusals=[Refusal("field", "", exc.reason, HEADER)])


class IdempotentRoute(APIRoute):
    """Answers replays and refused keys for every route of the router it is set on."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except Replay as exc:
                return _replay(exc)
            except KeyRefused as exc:
                return _refused(exc)
            except LostRace:
                return _after_race(request)

        return run


def _after_race(request: Request) -> Response:
    """The winner has committed by now (PostgreSQL): answer as if we had come second."""
    viewer = request.state.viewer
    body = getattr(request, "_body", b"")  # read (and cached) by the dependency
    digest = request_hash(request.method, request.url.path, request.url.query, body)
    with tx(request) as session:
        found = find(session, viewer.user.id or 0, request.headers[HEADER])
        answer = _answer_for(found, digest) if found is not None else None
    if answer is None:  # the winner rolled back after all: nothing happened, retry
        return api_error(409, f"{HEADER}: a request with this key was in flight; retry it")
    return _replay(answer) if isinstance(answer, Replay) else _refused(answer)  # type: ignore[arg-type]
