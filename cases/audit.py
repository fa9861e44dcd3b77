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


def payload(ev: AuditEvent) -> str:
    return canonical(
        {
            "seq": ev.seq,
            "case_id": ev.case_id,
            "at": ev.at,
            "actor": ev.actor,
            "role": ev.role,
            "trigger": ev.trigger,
            "from": ev.from_state,
            "to": ev.to_state,
            "fields": ev.fields,
            "cite": ev.cite,
            "process": ev.process,
            "process_version": ev.process_version,
            "prev_hash": ev.prev_hash,
        }
    )


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


def _stream(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)  # type: ignore[arg-type]
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(session: Session, expected_head: str | None = None) -> Verification:
    """Recompute the whole chain; name the first event that does not match."""
    prev, n, expected_seq = GENESIS, 0, 1
    for ev in _stream(session):
        if ev.seq != expected_seq:
            return Verification(False, n, prev, expected_seq, f"event {expected_seq} is missing")
        if ev.prev_hash != prev:
            return Verification(False, n, prev, ev.seq, "does not link to the previous event")
        if digest(ev) != ev.hash:
            return Verification(False, n, prev, ev.seq, "its content does not match its hash")
        prev, n, expected_seq = ev.hash, n + 1, expected_seq + 1
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


def events_for(session: Session, case_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)  # type: ignore[arg-type]
        ).all()
    )
