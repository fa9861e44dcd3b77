"""The audit trail: one SHA-256 hash chain over every event of every case.

Each event's hash covers the exact bytes stored (canonical JSON: sorted keys, no
floats, RFC 3339 UTC times), and names the previous event's hash, so changing,
inserting or removing any event breaks the chain at that point. The appellate body
(19.12.3) reads this trail to check that due process was followed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.models import AuditEvent

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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


def head(session: Session) -> tuple[int, str]:
    row = session.exec(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)  # type: ignore[union-attr]
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS)


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
    """Append one event at the chain head, inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.exec(sa.text("SELECT pg_advisory_xact_lock(7231)"))  # type: ignore[call-overload]
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
    session.add(ev)
    session.flush()
    return ev


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    problem: str = ""


def _rows(session: Session, batch: int = 20_000) -> Iterator[sa.Row[Any]]:
    """Plain rows (not ORM objects) in chain order, a batch at a time, so memory stays flat
    however long the chain."""
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    columns = [table.c[name] for name in HASHED] + [table.c.hash]
    last = 0
    while True:
        rows = session.execute(
            sa.select(*columns).where(table.c.seq > last).order_by(table.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify(session: Session, expected_head: str | None = None) -> Verification:
    """Recompute the whole chain; name the first event that does not match."""
    prev, n, expected_seq = GENESIS, 0, 1
    sha256 = hashlib.sha256
    for row in _rows(session):
        seq, stored = row[0], row[13]
        if seq != expected_seq:
            return Verification(False, n, prev, expected_seq, f"event {expected_seq} is missing")
        if row[12] != prev:
            return Verification(False, n, prev, seq, "does not link to the previous event")
        if sha256(_payload(*row[:13]).encode()).hexdigest() != stored:
            return Verification(False, n, prev, seq, "its content does not match its hash")
        prev, n, expected_seq = stored, n + 1, expected_seq + 1
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
