"""Rebuild every case from its audit events and compare with the live case rows.

The hash chain (cases.core.audit.verify) proves the trail was not edited; this proves the trail
is complete: that the state and version the case table holds are exactly what the recorded
steps lead to under the process definition. An appellate body (19.12.3) can then rely on
the trail alone, and a crash or a write behind the application's back that left a case
without its event (or an event without its case change) shows up as drift.

Each event is one of two kinds. A step of the case's process (``fire``) must start where
the previous one ended, must be a transition the process allows from that state to the
recorded one, and raises the case's version by one. Any other event on a case (a recusal,
an issued document, a missed or recomputed deadline) records the state it happened in and
leaves state and version alone.

The register's events (an edit, a CSV import) carry each changed column's before and
after; ``register_drift`` rebuilds every changed column from them and names each record
whose live row says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core.migration import MIGRATE_VERSION
from cases.core.models import AuditEvent, Case, CivilServant
from cases.people import register
from workflows import registry
from workflows.engine import Process

BATCH = 5000


@dataclass
class Rebuilt:
    """What a case's events say about it."""

    case_id: int
    process: str
    state: str = ""
    version: int = 0
    process_version: str = ""
    events: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Drift:
    """A case whose live row and whose audit trail disagree."""

    case_id: int
    live_state: str | None
    live_version: int | None
    rebuilt_state: str | None
    rebuilt_version: int | None
    problem: str

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.problem}"


def _case_events(session: Session) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.seq > last, AuditEvent.case_id.is_not(None))  # type: ignore[union-attr]
            .order_by(AuditEvent.seq)  # type: ignore[arg-type]
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def _version(ev: AuditEvent) -> Process | None:
    try:
        return registry.version(ev.process, ev.process_version)
    except KeyError:
        return None


def _apply(process: Process | None, into: Rebuilt, ev: AuditEvent) -> None:
    first = into.events == 0
    into.events += 1
    if process is None:
        into.problems.append(
            f"event {ev.seq}: unknown process '{ev.process}' version '{ev.process_version}'"
        )
        into.state = ev.to_state
        return
    expected = process.initial if first else into.state
    if ev.from_state != expected:
        into.problems.append(
            f"event {ev.seq} ({ev.trigger}) starts from {ev.from_state}, "
            f"but the events before it leave the case {expected}"
        )
    if ev.trigger == MIGRATE_VERSION:
        # The case moved to the event's version by a migration plan: the state it maps to
        # must be one of that version's.
        if ev.to_state not in process.state_by_name:
            into.problems.append(
                f"event {ev.seq}: migration to {process.version} leads to {ev.to_state}, "
                f"not a state of that version"
            )
        into.version += 1
    elif into.process_version and ev.process_version != into.process_version:
        into.problems.append(
            f"event {ev.seq}: runs on {ev.process_version}, but the case is on "
            f"{into.process_version} and no migration moved it"
        )
    into.process_version = ev.process_version
    if ev.trigger == MIGRATE_VERSION:
        into.state = ev.to_state
        return
    if ev.trigger in process.triggers():
        allowed = {s.dest for s in process.steps_from(ev.from_state, ev.trigger)}
        if ev.to_state not in allowed:
            into.problems.append(
                f"event {ev.seq}: {ev.trigger} does not lead from {ev.from_state} "
                f"to {ev.to_state} in process {process.key}"
            )
        into.version += 1
    elif ev.from_state != ev.to_state:
        into.problems.append(
            f"event {ev.seq}: {ev.trigger} is not a step of {process.key} yet changes the state"
        )
    into.state = ev.to_state


def replay(session: Session) -> dict[int, Rebuilt]:
    """Every case that has events, rebuilt from them in chain order."""
    out: dict[int, Rebuilt] = {}
    for ev in _case_events(session):
        case_id = ev.case_id or 0
        rebuilt = out.setdefault(case_id, Rebuilt(case_id, ev.process))
        _apply(_version(ev), rebuilt, ev)
    return out


def rebuild(session: Session) -> dict[int, str]:
    """case id -> the state its audit events lead to."""
    return {case_id: r.state for case_id, r in replay(session).items()}


def drift(session: Session) -> list[Drift]:
    """Cases whose live state or version differs from what their events say, or whose
    events do not follow the process; empty when the trail and the table agree."""
    rebuilt = replay(session)
    live = {
        row[0]: (row[1], row[2], row[3])
        for row in session.exec(
            select(Case.id, Case.state, Case.version, Case.process_version)  # type: ignore[call-overload]
        ).all()
    }
    out: list[Drift] = []
    for case_id in sorted(set(live) | set(rebuilt)):
        state, version, on_version = live.get(case_id, (None, None, None))
        r = rebuilt.get(case_id)
        if r is None:
            out.append(Drift(case_id, state, version, None, None, "no audit events"))
            continue
        if state is None:
            out.append(
                Drift(case_id, None, None, r.state, r.version, "events for a case that is gone")
            )
            continue
        problems = list(r.problems)
        if (state, version) != (r.state, r.version):
            problems.insert(
                0,
                f"live {state} (version {version}), its events say {r.state} (version {r.version})",
            )
        if on_version != r.process_version:
            problems.insert(0, f"live on rules {on_version}, its events say {r.process_version}")
        if problems:
            out.append(Drift(case_id, state, version, r.state, r.version, "; ".join(problems)))
    return out


# ------------------------------------------------------------------ the register

# Register events that change a record's columns, each with {"eid", "changes": {column:
# [before, after]}} (cases.people.register.edit, cases.people.register_import).
REGISTER_CHANGES = frozenset({"register_edit", "register_import"})


@dataclass(frozen=True)
class RecordDrift:
    """A register column whose live value is not what the register's events last set."""

    eid: str
    column: str
    live: object
    rebuilt: object
    seq: int  # the event that set it last

    def __str__(self) -> str:
        return (
            f"record {self.eid}: {self.column} is {self.live!r}, "
            f"its events say {self.rebuilt!r} (event {self.seq})"
        )


def _plain(column: str, value: object) -> object:
    """A column's value as an event writes it: dates as ISO text; an emptied text column
    (None in an edit's after) as the empty text the row holds."""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    if value is None and register.FIELD_BY_NAME[column].type in ("text", "choice"):
        return ""
    return value


def rebuild_register(session: Session) -> dict[str, dict[str, tuple[object, int]]]:
    """eid -> column -> (value, seq of the event that set it), from the register's events
    in chain order: what the trail says each changed column of each record holds."""
    out: dict[str, dict[str, tuple[object, int]]] = {}
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent.seq, AuditEvent.fields)  # type: ignore[call-overload]
            .where(
                AuditEvent.seq > last,
                AuditEvent.process == "register",
                AuditEvent.trigger.in_(REGISTER_CHANGES),  # type: ignore[attr-defined]
            )
            .order_by(AuditEvent.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return out
        for seq, text in rows:
            fields = json.loads(text)
            record = out.setdefault(fields["eid"], {})
            if fields.get("created"):  # a new record: what its event does not name is default
                record.update({c: (_plain(c, v), seq) for c, v in register.DEFAULTS.items()})
            for column, (_before, after) in fields.get("changes", {}).items():
                if column in register.FIELD_BY_NAME:
                    record[column] = (_plain(column, after), seq)
        last = rows[-1][0]


def register_drift(session: Session) -> list[RecordDrift]:
    """Register columns whose live value differs from what their last register event set:
    a write to the register behind the application's back, or one it did not audit. A
    column a process also writes (register.WRITTEN_BY_PROCESSES: a transfer moves the
    agency) is checked only while no case event about that civil servant came after."""
    rebuilt = rebuild_register(session)
    if not rebuilt:
        return []
    later_case_event = dict(
        session.exec(
            select(Case.subject_eid, sa.func.max(AuditEvent.seq))  # type: ignore[call-overload]
            .join(Case, Case.id == AuditEvent.case_id)
            .group_by(Case.subject_eid)
        ).all()
    )
    table = CivilServant.__table__  # type: ignore[attr-defined]
    names = [f.name for f in register.FIELDS]
    out: list[RecordDrift] = []
    eids = sorted(rebuilt)
    for i in range(0, len(eids), 2000):
        part = eids[i : i + 2000]
        live = {
            row[0]: dict(zip(names, row[1:], strict=True))
            for row in session.execute(
                sa.select(table.c.eid, *(table.c[n] for n in names)).where(table.c.eid.in_(part))
            )
        }
        for eid in part:
            row = live.get(eid)
            for column, (value, seq) in sorted(rebuilt[eid].items()):
                if row is None:
                    out.append(RecordDrift(eid, column, None, value, seq))
                    break
                if column in register.WRITTEN_BY_PROCESSES and later_case_event.get(eid, 0) > seq:
                    continue
                if _plain(column, row[column]) != value:
                    out.append(RecordDrift(eid, column, _plain(column, row[column]), value, seq))
    return out
