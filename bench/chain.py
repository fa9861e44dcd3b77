"""Audit events for bulk-built data, hashed exactly as ``cases.core.audit.append`` hashes them.

The bench data must pass ``audit.verify``: every event names the previous hash and its own
hash is ``cases.core.audit.digest`` of ``cases.core.audit.payload``, the same functions the
app uses.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases.core import audit
from cases.core.models import AuditEvent

EVENT = AuditEvent.__table__  # type: ignore[attr-defined]


class Chain:
    """The chain's head, moved forward by each event built (one writer: the builder)."""

    def __init__(self, conn: Connection) -> None:
        row = conn.execute(
            sa.select(EVENT.c.seq, EVENT.c.hash).order_by(EVENT.c.seq.desc()).limit(1)
        ).first()
        self.seq, self.prev = (row[0], row[1]) if row else (0, audit.GENESIS)

    def link(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values``: an audit_event row without seq, prev_hash and hash; returns it linked."""
        self.seq += 1
        row = {**values, "seq": self.seq, "prev_hash": self.prev, "hash": ""}
        row["hash"] = audit.digest(SimpleNamespace(**row))  # type: ignore[arg-type]
        self.prev = row["hash"]
        return row
