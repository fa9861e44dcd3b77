"""Reading the register: its CSV export (the columns ``register_import`` reads back), the
search of civil servants by name or employee ID, a servant's register events from the audit
chain and their service history, as the pages and the API show them (BCSR 16.3.7)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core.models import AuditEvent, CivilServant, ServiceEntry
from cases.people import csv_cells
from cases.people.register import EXPORT_ONLY, FIELDS
from workflows.obligations import FinancialObligation
from workflows.record import KINDS

# ------------------------------------------------------------------ CSV export


EXPORT_COLUMNS = ("eid", *[f.name for f in FIELDS], *EXPORT_ONLY)


def export_csv(session: Session, agency: str | None = None) -> str:
    """The register as CSV, in the columns import_csv reads back (plus status); cells are
    neutralised against formula injection (``csv_cells``)."""
    stmt = select(CivilServant).order_by(CivilServant.eid)
    if agency:
        stmt = stmt.where(CivilServant.agency_code == agency)

    def rows() -> Iterator[list[object]]:
        yield list(EXPORT_COLUMNS)
        for cs in session.exec(stmt):
            row: list[object] = []
            for col in EXPORT_COLUMNS:
                v = getattr(cs, col)
                if isinstance(v, bool):
                    v = "yes" if v else "no"
                row.append("" if v is None else (v.isoformat() if isinstance(v, date) else v))
            yield row

    return csv_cells.write_csv(rows())


def like_literal(text: str) -> str:
    """``text`` as a LIKE pattern that matches only itself: ``%``, ``_`` and the escape
    character are escaped (use with ``escape=LIKE_ESCAPE``). A user's text in a LIKE would
    otherwise be a wildcard: ``/servants/%25`` matched every record's edits."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


LIKE_ESCAPE = "\\"


def search_words(text: str, most: int = 8) -> list[str]:
    """The words of a search box, each matched on its own (so full names match in any
    order: "dema kinley" finds Kinley Dema); at most ``most`` of them."""
    return text.split()[:most]


def servant_matches(text: str) -> sa.ColumnElement[bool]:
    """Register rows matching every word of ``text`` in their name, employee ID, position
    level or position title, ignoring case (ilike: PostgreSQL's LIKE minds case, SQLite's
    does not), ``%`` and ``_`` taken literally."""
    return sa.and_(
        sa.true(),
        *[
            sa.or_(
                *[
                    column.ilike(f"%{like_literal(word)}%", escape=LIKE_ESCAPE)  # type: ignore[attr-defined]
                    for column in (
                        CivilServant.name,
                        CivilServant.eid,
                        CivilServant.position_level,
                        CivilServant.position_title,
                    )
                ]
            )
            for word in search_words(text)
        ],
    )


def record_events(session: Session, eid: str, limit: int = 50) -> list[AuditEvent]:
    """The register's audit events about ``eid`` (edits, imports, history lines,
    separations), newest first. The event names its record as ``"eid":<JSON string>`` in
    its canonical fields; that text is matched literally, never as a pattern."""
    needle = like_literal(f'"eid":{json.dumps(eid, ensure_ascii=False)}')
    return list(
        session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.process == "register",
                AuditEvent.fields.like(f"%{needle}%", escape=LIKE_ESCAPE),  # type: ignore[attr-defined]
            )
            .order_by(AuditEvent.seq.desc())  # type: ignore[attr-defined]
            .limit(limit)
        ).all()
    )


def history_rows(session: Session, eid: str, today: date | None = None) -> list[dict[str, Any]]:
    """The service history, newest first; an outstanding due also says what is owed
    ``today`` with the late-payment penalty of 19.11.1."""
    rows = session.exec(
        select(ServiceEntry)
        .where(ServiceEntry.eid == eid)
        .order_by(ServiceEntry.start_on.desc(), ServiceEntry.id.desc())  # type: ignore[union-attr]
    ).all()
    out = []
    for r in rows:
        spec = KINDS.get(r.kind)
        details = json.loads(r.details or "{}")
        if today is not None and r.kind == "due" and r.status == "outstanding":
            details.update(owed_today(r, details, today))
        out.append(
            {
                "row": r,
                "label": spec.label if spec else r.kind,
                "cite": spec.cite if spec else "",
                "status": dict(spec.statuses).get(r.status, r.status) if spec else r.status,
                "details": details,
            }
        )
    return out


def owed_today(row: ServiceEntry, details: dict[str, Any], today: date) -> dict[str, str]:
    """19.11.1: "failure to comply with such obligation within the specified time frame,
    shall levy 24 percent penalty per annum on the initial amount": what a due payable by
    its end date is owed today (unchanged until that day)."""
    if row.end_on is None or not details.get("amount"):
        return {}
    owed = FinancialObligation(None, Decimal(str(details["amount"])), "", row.end_on)
    total = owed.with_penalty(today)
    if total == owed.amount:
        return {}
    return {"owed today (24% a year after the due day, BCSR 19.11.1)": f"Nu {total:,}"}
