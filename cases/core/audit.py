"""The audit trail: one SHA-256 hash chain over every event of every case.

Each event's hash covers the exact bytes stored (canonical JSON: sorted keys, no
floats, RFC 3339 UTC times), and names the previous event's hash, so changing,
inserting or removing any event breaks the chain at that point. The appellate body
(19.12.3) reads this trail to check that due process was followed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import waiting
from cases.core.db import bulk_insert
from cases.core.models import AuditEvent

GENESIS = "0" * 64


# One encoder, made once: json.dumps with these options builds a new one per call, a third
# of the time of a short event (a 100,000-line register import writes 100,000).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(obj: Any) -> str:
    return _CANONICAL.encode(obj)


def rfc3339(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The columns an event's hash covers, in the order ``_payload`` takes them.
HASHED = (
    "seq",
    "case_id",
    "at",
    "actor",
    "role",
    "trigger",
    "from_state",
    "to_state",
    "fields",
    "cite",
    "process",
    "process_version",
    "prev_hash",
)
# The C string encoder json.dumps(ensure_ascii=False) itself uses.
_str = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _payload(
    seq: int,
    case_id: int | None,
    at: str,
    actor: str,
    role: str,
    trigger: str,
    from_state: str,
    to_state: str,
    fields: str,
    cite: str,
    process: str,
    process_version: str,
    prev_hash: str,
) -> str:
    """``canonical()`` of the event's hashed mapping, written in its sorted key order: the
    same bytes (tests/cases/test_audit.py checks), without a dict built and sorted per
    event, which made verifying the whole chain fifty times slower than hashing it."""
    return (
        f'{{"actor":{_str(actor)},"at":{_str(at)},'
        f'"case_id":{"null" if case_id is None else int(case_id)},"cite":{_str(cite)},'
        f'"fields":{_str(fields)},"from":{_str(from_state)},"prev_hash":{_str(prev_hash)},'
        f'"process":{_str(process)},"process_version":{_str(process_version)},'
        f'"role":{_str(role)},"seq":{int(seq)},"to":{_str(to_state)},"trigger":{_str(trigger)}}}'
    )


def payload(ev: AuditEvent) -> str:
    """The exact text an event's hash covers."""
    return _payload(*(getattr(ev, name) for name in HASHED))


def digest(ev: AuditEvent) -> str:
    return hashlib.sha256(payload(ev).encode()).hexdigest()


_EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
# Built once: every step reads the head and appends one row, so both reuse one compiled
# statement instead of building and looking up a new one each time.
_HEAD = sa.select(_EVENTS.c.seq, _EVENTS.c.hash).order_by(_EVENTS.c.seq.desc()).limit(1)
_INSERT = sa.insert(_EVENTS)


def head(session: Session) -> tuple[int, str]:
    row = session.connection().execute(_HEAD).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def head_locked_late(session: Session) -> bool:
    """Whether a writer takes the chain's head only when it appends (PostgreSQL), so that
    what it read before may have changed under another writer that held the head; on
    SQLite, BEGIN IMMEDIATE orders whole write transactions."""
    return session.get_bind().dialect.name == "postgresql"


def lock_head(session: Session) -> None:
    """Hold the chain's head until the transaction ends, so no other writer appends between
    reading it and appending after it (SQLite's BEGIN IMMEDIATE holds it already)."""
    if head_locked_late(session):
        session.exec(sa.text("SELECT pg_advisory_xact_lock(7231)"))  # type: ignore[call-overload]


def append(
    session: Session,
    *,
    case_id: int | None,
    now: datetime,
    actor: str,
    role: str,
    trigger: str,
    from_state: str,
    to_state: str,
    fields: dict[str, Any],
    cite: str,
    process: str,
    process_version: str,
) -> AuditEvent:
    """Append one event at the chain head, inside the caller's transaction. The case's
    waiting rows are rewritten before the transaction commits (``waiting``): whatever
    changed the case, they follow it."""
    if case_id is not None:
        waiting.mark(session, case_id, now)
    lock_head(session)
    seq, prev = head(session)
    ev = AuditEvent(
        seq=seq + 1,
        case_id=case_id,
        at=rfc3339(now),
        actor=actor,
        role=role,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        fields=canonical(fields),
        cite=cite,
        process=process,
        process_version=process_version,
        prev_hash=prev,
        hash="",
    )
    ev.hash = digest(ev)
    if session.new:  # a case opened by this step: its row first, the event refers to it
        session.flush()
    session.connection().execute(_INSERT, {name: getattr(ev, name) for name in EVENT_COLUMNS})
    return ev


EVENT_COLUMNS = (*HASHED, "hash")


def chained(
    texts: Sequence[str],
    after: tuple[int, str],
    *,
    now: datetime,
    actor: str,
    role: str,
    trigger: str,
    cite: str,
    process: str,
    process_version: str,
) -> list[tuple[Any, ...]]:
    """Rows (``EVENT_COLUMNS``) of events with no case and no state, one per canonical
    ``fields`` text, chained after the head ``after`` = (seq, hash). Pure: a caller that
    knows the head may build them before taking the lock and insert them under it
    (``insert_rows``) once the head is seen unchanged."""
    seq, prev = after
    at = rfc3339(now)
    sha256 = hashlib.sha256
    rows = []
    for text in texts:
        seq += 1
        payload_text = _payload(
            seq, None, at, actor, role, trigger, "", "", text, cite, process,
            process_version, prev,
        )  # fmt: skip
        h = sha256(payload_text.encode()).hexdigest()
        rows.append(
            (seq, None, at, actor, role, trigger, "", "", text, cite, process,
             process_version, prev, h)
        )  # fmt: skip
        prev = h
    return rows


def insert_rows(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """``chained`` rows in one bulk insert, under the head's lock (``lock_head``)."""
    bulk_insert(session, "audit_event", EVENT_COLUMNS, rows)


def append_many(
    session: Session,
    texts: Sequence[str],
    *,
    now: datetime,
    actor: str,
    role: str,
    trigger: str,
    cite: str,
    process: str,
    process_version: str,
) -> int:
    """Append one event per canonical ``fields`` text at the chain head, with one bulk
    INSERT: a 100,000-row register import writes its events in a second instead of a
    flush per event. Returns the last event's seq."""
    lock_head(session)
    rows = chained(
        texts,
        head(session),
        now=now,
        actor=actor,
        role=role,
        trigger=trigger,
        cite=cite,
        process=process,
        process_version=process_version,
    )
    insert_rows(session, rows)
    return rows[-1][0] if rows else head(session)[0]


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    problem: str = ""


def _batches(
    session: Session, columns: list[Any], batch: int = 20_000, after: int = 0
) -> Iterator[list[Any]]:
    """Rows of the events after ``after``, in chain order, a thousand at a time; ``columns``
    start with seq. A query per ``batch`` rows, so memory stays flat however long the
    chain. The rows are the driver's own tuples, taken from its cursor: a SQLAlchemy Row
    built per event was a tenth of verify()'s time, and a whole batch alive at once kept
    the garbage collector walking it."""
    seq = AuditEvent.__table__.c.seq  # type: ignore[attr-defined]
    conn = session.connection()
    last = after
    while True:
        start = last
        with conn.execute(
            sa.select(*columns).where(seq > last).order_by(seq).limit(batch)
        ) as result:
            cursor = result.cursor  # the DBAPI cursor: no types to convert in these columns
            while part := cursor.fetchmany(1000):
                yield part
                last = part[-1][0]
        if last == start:
            return


def _rows(
    session: Session, columns: list[Any], batch: int = 20_000, after: int = 0
) -> Iterator[Sequence[Any]]:
    """``_batches``, one row at a time."""
    for part in _batches(session, columns, batch, after):
        yield from part


# _payload's keys in its (sorted) order, each with the column it writes.
_KEYS = (
    ("actor", "actor"),
    ("at", "at"),
    ("case_id", "case_id"),
    ("cite", "cite"),
    ("fields", "fields"),
    ("from", "from_state"),
    ("prev_hash", "prev_hash"),
    ("process", "process"),
    ("process_version", "process_version"),
    ("role", "role"),
    ("seq", "seq"),
    ("to", "to_state"),
    ("trigger", "trigger"),
)


def payload_sql(dialect: str) -> sa.ColumnElement[str] | None:
    """``_payload``'s text written by the database as it reads the row, for ``dialect``
    ("sqlite", "postgresql"); None for a database we do not know how to ask.

    Writing it in Python, from fourteen columns fetched per event, was most of verify()'s
    time. verify() trusts this text only as far as it hashes to the stored hash, and
    checks any event whose text does not with ``_payload`` itself. That is sound because
    the database escapes strings as JSON does, as ``_payload`` does: two texts that are
    the same spell the same values, so no changed event can match here and fail there.
    """
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    if dialect == "sqlite":
        # JSON1's json_object: compact, keys in the order given, strings escaped as
        # encode_basestring escapes them, NULL as null, integers as digits (a BLOB it
        # refuses with an error: see _chain).
        pairs = [(sa.literal(key, sa.String), table.c[name]) for key, name in _KEYS]
        return sa.func.json_object(*(x for pair in pairs for x in pair), type_=sa.String)
    if dialect == "postgresql":
        # json_build_object would put spaces around ':' and ','; one format() call writes
        # the text (27 || would copy it 27 times). to_json escapes as encode_basestring
        # does (PostgreSQL text holds no NUL). A NULL comes out as nothing: JSON no hash
        # was ever made of, so _payload decides.
        template = "{" + ",".join(f'"{key}":%s' for key, _ in _KEYS) + "}"
        values = []
        for _, name in _KEYS:
            column = table.c[name]
            if name == "case_id":
                values.append(sa.func.coalesce(sa.cast(column, sa.String), "null"))
            elif name == "seq":
                values.append(sa.cast(column, sa.String))
            else:
                values.append(sa.cast(sa.func.pg_catalog.to_json(column), sa.String))
        return sa.func.pg_catalog.format(sa.literal(template, sa.String), *values, type_=sa.String)
    return None


def _payload_bytes(dialect: str) -> sa.ColumnElement[bytes] | None:
    """``payload_sql``'s text as its UTF-8 bytes, the form sha256 takes: the driver then
    hands back bytes, with no text decoded from UTF-8 only to be encoded again per event."""
    text = payload_sql(dialect)
    if text is None:
        return None
    if dialect == "postgresql":  # a cast to bytea would read backslashes as escapes
        return sa.func.convert_to(text, sa.literal("UTF8"), type_=sa.LargeBinary)
    return sa.cast(text, sa.LargeBinary)  # SQLite: the text's own bytes (a UTF-8 database)


def _python_batches(session: Session, after: int = 0) -> Iterator[list[Any]]:
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in HASHED] + [table.c.hash]
    for part in _batches(session, columns, after=after):
        yield [(row[0], row[12], row[13], _python_payload(row[:13])) for row in part]


def _python_payload(values: Sequence[Any]) -> bytes:
    """``_payload``'s bytes of the ``HASHED`` values as read; none for a value no hash was
    ever made from (a BLOB written into a text column), so such an event does not match."""
    try:
        return _payload(*values).encode()
    except (TypeError, ValueError):
        return b""


def _chain(session: Session) -> Iterator[list[Any]]:
    """(seq, prev_hash, hash, payload bytes) of every event in chain order, in batches, the
    payload written by the database where it can."""
    dialect = session.get_bind().dialect
    text = _payload_bytes(dialect.name)
    last = 0
    if text is not None:
        table = AuditEvent.__table__  # type: ignore[attr-defined]
        # The driver's own error: its cursor is read directly (``_batches``).
        errors = (sa.exc.OperationalError, dialect.loaded_dbapi.OperationalError)
        try:
            for part in _batches(session, [table.c.seq, table.c.prev_hash, table.c.hash, text]):
                yield part
                last = part[-1][0]
            return
        except errors:
            # SQLite will not write a BLOB as JSON, nor hand back text that is not UTF-8:
            # the rest of such a chain goes the Python way, which reports it as it always did.
            if dialect.name != "sqlite":
                raise
    yield from _python_batches(session, after=last)


def _python_digest(session: Session, seq: int) -> str:
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    row = session.execute(
        sa.select(*(table.c[name] for name in HASHED)).where(table.c.seq == seq)
    ).one()
    return hashlib.sha256(_python_payload(row)).hexdigest()


def _walk(
    session: Session, part: list[Any], prev: str, n: int
) -> tuple[str, int, Verification | None]:
    """Event by event through one batch after ``n`` good events ending in ``prev``: the
    first problem, named, or the batch's end (prev, n)."""
    sha256 = hashlib.sha256
    for seq, prev_hash, stored, text in part:
        expected_seq = n + 1
        if seq != expected_seq:
            return (
                prev,
                n,
                Verification(False, n, prev, expected_seq, f"event {expected_seq} is missing"),
            )
        if prev_hash != prev:
            return prev, n, Verification(False, n, prev, seq, "does not link to the previous event")
        # The database's text may escape something unlike Python (a newer SQLite, say):
        # then _payload, the form every hash was made from, has the last word.
        if sha256(text).hexdigest() != stored and _python_digest(session, seq) != stored:
            return prev, n, Verification(False, n, prev, seq, "its content does not match its hash")
        prev, n = stored, n + 1
    return prev, n, None


def verify(session: Session, expected_head: str | None = None) -> Verification:
    """Recompute the whole chain; name the first event that does not match.

    A batch whose seqs run on without a gap (ordered by its key, so first and last say it)
    and whose every event links and hashes right is taken whole; any other is walked event
    by event (``_walk``) to name its first problem."""
    prev, n = GENESIS, 0
    sha256 = hashlib.sha256
    with closing(_chain(session)) as chain:  # an early answer closes the open query too
        for part in chain:
            if part[0][0] == n + 1 and part[-1][0] == n + len(part):
                last = prev
                for _, prev_hash, stored, text in part:
                    if prev_hash != last or sha256(text).hexdigest() != stored:
                        break
                    last = stored
                else:
                    prev, n = last, n + len(part)
                    continue
            prev, n, problem = _walk(session, part, prev, n)
            if problem is not None:
                return problem
    if expected_head and expected_head != prev:
        seen = session.exec(select(AuditEvent.seq).where(AuditEvent.hash == expected_head)).first()
        if seen is None:
            return Verification(
                False,
                n,
                prev,
                None,
                f"the exported head {expected_head[:12]}… is not in the chain: "
                "events were removed or rewritten",
            )
    return Verification(True, n, prev)


def events_for(session: Session, case_id: int, newest: int | None = None) -> list[AuditEvent]:
    """A case's events in trail order: all of them, or only the ``newest`` few."""
    stmt = select(AuditEvent).where(AuditEvent.case_id == case_id)
    if newest is None:
        return list(session.exec(stmt.order_by(AuditEvent.seq)).all())  # type: ignore[arg-type]
    last = session.exec(stmt.order_by(AuditEvent.seq.desc()).limit(newest)).all()  # type: ignore[union-attr]
    return list(reversed(last))


def count_for(session: Session, case_id: int) -> int:
    return session.exec(
        select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id)
    ).one()
