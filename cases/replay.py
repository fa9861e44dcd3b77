"""Rebuild every case from its audit events and compare with the live case rows.

The hash chain (cases.audit.verify) proves the trail was not edited; this proves the trail
is complete: that the state and version the case table holds are exactly what the recorded
steps lead to under the process definition. An appellate body (19.12.3) can then rely on
the trail alone, and a crash or a write behind the application's back that left a case
without its event (or an event without its case change) shows up as drift.

Each event is one of two kinds. A step of the case's process (``fire``) must start where
the previous one ended, must be a transition the process allows from that state to the
recorded one, and raises the case's version by one. Any other event on a case (a recusal,
an issued document, a missed or recomputed deadline) records the state it happened in and
leaves state and version alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlmodel import Session, select

from cases.models import AuditEvent, Case
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


def _apply(process: Process | None, into: Rebuilt, ev: AuditEvent) -> None:
    first = into.events == 0
    into.events += 1
    if process is None:
        into.problems.append(f"event {ev.seq}: unknown process '{ev.process}'")
        into.state = ev.to_state
        return
    expected = process.initial if first else into.state
    if ev.from_state != expected:
        into.problems.append(
            f"event {ev.seq} ({ev.trigger}) starts from {ev.from_state}, "
            f"but the events before it leave the case {expected}"
        )
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
        process = registry.PROCESSES.get(ev.process)
        _apply(process, rebuilt, ev)
    return out


def rebuild(session: Session) -> dict[int, str]:
    """case id -> the state its audit events lead to."""
    return {case_id: r.state for case_id, r in replay(session).items()}


def drift(session: Session) -> list[Drift]:
    """Cases whose live state or version differs from what their events say, or whose
    events do not follow the process; empty when the trail and the table agree."""
    rebuilt = replay(session)
    live = {
        row[0]: (row[1], row[2])
        for row in session.exec(select(Case.id, Case.state, Case.version)).all()  # type: ignore[call-overload]
    }
    out: list[Drift] = []
    for case_id in sorted(set(live) | set(rebuilt)):
        state, version = live.get(case_id, (None, None))
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
        if problems:
            out.append(Drift(case_id, state, version, r.state, r.version, "; ".join(problems)))
    return out
