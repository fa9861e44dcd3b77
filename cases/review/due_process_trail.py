"""The case's trail replayed for the due-process report (19.12.3): each deadline row with
the events that armed, settled, missed or moved it, and the questions the checks ask.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cases.core import deadlines
from cases.core.models import AuditEvent, Case, Deadline
from cases.review.due_process_lines import (
    LAPSED,
    MET,
    MISSED,
    NOT_APPLICABLE,
    OVERDUE,
    PENDING,
    Line,
)
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.context import Actor
from workflows.declarations import Step
from workflows.engine import Process, hidden_fields, redact


@dataclass
class Track:
    """One deadline row with the events around it: the step that armed it, the one that
    settled it, the sweep's miss, the timeout it fired, calendar moves, rows it superseded."""

    row: Deadline
    armed_by: AuditEvent | None = None
    settled_by: AuditEvent | None = None
    settled_step: Step | None = None
    missed_by: AuditEvent | None = None
    timeout: AuditEvent | None = None
    superseded: list[Track] = field(default_factory=list)
    moves: list[AuditEvent] = field(default_factory=list)


def step_of(process: Process, ev: AuditEvent) -> Step | None:
    """The declared branch an event took (a trigger may have several, e.g. decide_appeal)."""
    return _branches(process).get((ev.trigger, ev.from_state, ev.to_state))


_BRANCHES: dict[tuple[str, str], dict[tuple[str, str, str], Step]] = {}


def _branches(process: Process) -> dict[tuple[str, str, str], Step]:
    """(trigger, from, to) → the first declared step with that branch, per process version:
    a report looks up every event of a trail."""
    key = (process.key, process.version)
    if key not in _BRANCHES:
        index: dict[tuple[str, str, str], Step] = {}
        for step in process.steps:
            for source in step.sources:
                index.setdefault((step.trigger, source, step.dest), step)
        _BRANCHES[key] = index
    return _BRANCHES[key]


def replay(process: Process, events: list[AuditEvent], rows: list[Deadline]) -> list[Track]:
    """Pair each deadline row with its events by replaying the trail through the definition:
    the n-th event whose step arms kind K armed the n-th row of kind K (``fire`` arms in
    event order and rows are numbered as armed), and the next step that settles K settled it."""
    queue: dict[str, deque[Deadline]] = defaultdict(deque)
    for row in rows:
        queue[row.kind].append(row)
    current: dict[str, Track] = {}
    tracks: list[Track] = []
    for ev in events:
        head, _, kind = ev.trigger.partition(":")
        if head == "deadline_missed":
            if kind in current:
                current[kind].missed_by = ev
            continue
        if head == "deadline_recomputed":
            if kind in current:
                current[kind].moves.append(ev)
            continue
        step = step_of(process, ev)
        if step is None:
            continue
        if step.timer_only:
            for t in current.values():
                if t.missed_by and t.timeout is None and t.row.on_timeout == ev.trigger:
                    t.timeout = ev
        for k in step.settles:
            t = current.pop(k, None)
            if t is not None:
                t.settled_by, t.settled_step = ev, step
        for k in step.cancels:
            current.pop(k, None)
        for arm in step.arms:
            if not queue[arm.kind]:
                continue
            track = Track(queue[arm.kind].popleft(), armed_by=ev)
            old = current.pop(arm.kind, None)
            if old is not None:  # an extension: one occurrence, the first date kept beside it
                track.superseded = [*old.superseded, old]
                old.superseded = []
                tracks.remove(old)
            current[arm.kind] = track
            tracks.append(track)
        if process.is_final(step.dest):
            current.clear()
    for rest in queue.values():  # rows the definition no longer explains: still shown
        tracks.extend(Track(row) for row in rest)
    return tracks


def event_day(ev: AuditEvent) -> date:
    return bhutan_today(datetime.fromisoformat(ev.at.replace("Z", "+00:00")))


def as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def actual_of(tr: Trail, track: Track) -> date | None:
    """The day the settling step says it happened (its first date field, e.g. commenced_on),
    else the day it was recorded, in Bhutan."""
    ev, step = track.settled_by, track.settled_step
    if ev is None or step is None:
        return None
    values = tr.fields_of(ev)
    for f in step.fields:
        if f.type == "date" and not f.future_ok and values.get(f.name):
            return as_date(values[f.name])
    return event_day(ev)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def listed(value: Any) -> str:
    """A field naming people as recorded: typed text (2023.1), or the usernames a users
    field chose (2023.2, 19.3.5), joined with commas."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


class Trail:
    """The case's events and deadline tracks, with the questions the checks ask of them."""

    def __init__(
        self,
        process: Process,
        case: Case,
        events: list[AuditEvent],
        rows: list[Deadline],
        cal: WorkingCalendar,
        today: date,
        actor: Actor,
    ) -> None:
        self.process, self.case, self.events = process, case, events
        self.cal, self.today = cal, today
        self.tracks = replay(process, events, rows)
        # Every check reads an event's fields as the viewer may read them (the case view's
        # one rule, ``redact``): no line of the report can quote what the viewer's role does
        # not read, whichever check writes it.
        self.hidden = hidden_fields(process, actor)
        self._fields = {e.seq: redact(process, json.loads(e.fields), actor) for e in events}
        # The checks ask "which events were X?" some seventy times per report: index once.
        self._by_trigger: dict[str, list[AuditEvent]] = defaultdict(list)
        for e in events:
            self._by_trigger[e.trigger].append(e)

    def of(self, *triggers: str) -> list[AuditEvent]:
        """The events of these triggers, in trail order."""
        if len(triggers) == 1:
            return list(self._by_trigger.get(triggers[0], ()))
        found = [e for t in set(triggers) for e in self._by_trigger.get(t, ())]
        return sorted(found, key=lambda e: e.seq)

    def fields_of(self, ev: AuditEvent | None) -> dict[str, Any]:
        """An event's fields without the confidential ones the viewer may not read."""
        return dict(self._fields.get(ev.seq, {})) if ev is not None else {}

    def tracks_of(self, kind: str) -> list[Track]:
        return [t for t in self.tracks if t.row.kind == kind]

    def armed_by(self, ev: AuditEvent, kind: str) -> Track | None:
        return next((t for t in self.tracks_of(kind) if t.armed_by is ev), None)

    def ending(self) -> AuditEvent | None:
        """The event that closed the case, if it is closed."""
        if not self.process.is_final(self.case.state):
            return None
        return next((e for e in reversed(self.events) if e.to_state == self.case.state), None)

    def late(self, due: date, actual: date) -> int:
        return self.cal.working_days_between(due, actual)

    def judge(self, t: Track) -> Line:
        """met / missed by N working days / overdue / pending / lapsed / not applicable."""
        row = t.row
        moved = row.original_due_on if row.original_due_on not in (None, row.due_on) else None
        base = {
            "required_on": row.due_on,
            "required": required_text(self, row, t),
            "original_required_on": moved,
        }
        actual = actual_of(self, t)
        if actual is not None:
            ev = t.settled_by
            assert ev is not None
            who = f"{t.settled_step.label if t.settled_step else ev.trigger} by {ev.actor}"
            note = ""
            if actual <= row.due_on and row.status == MISSED and event_day(ev) > row.due_on:
                note = f"recorded on {event_day(ev)}, after the date had passed"
            if actual <= row.due_on:
                return Line(MET, "met", actual_on=actual, actual=who, note=note, seq=ev.seq, **base)
            n = self.late(row.due_on, actual)
            days = (actual - row.due_on).days
            status = f"missed by {plural(n, 'working day')}"
            if row.unit == "days" or n == 0:
                status += f" ({plural(days, 'day')})"
            return Line(MISSED, status, actual_on=actual, actual=who, late_by=n, seq=ev.seq, **base)
        if t.timeout is not None:
            day = event_day(t.timeout)
            text = f"ran out; {t.timeout.trigger.replace('_', ' ')} on {day}"
            return Line(LAPSED, "lapsed", actual_on=day, actual=text, seq=t.timeout.seq, **base)
        if row.status == deadlines.CANCELLED:
            return Line(NOT_APPLICABLE, "not applicable", note=f"cancelled: {row.note}", **base)
        if row.due_on < self.today and row.on_timeout and t.missed_by is None:
            # A period given to someone, run out but not yet swept: the timer, not a person,
            # takes the next step, so nobody is late yet.
            step = row.on_timeout.replace("_", " ")
            note = f"the deadline sweep takes '{step}' at its next run"
            return Line(PENDING, f"pending: the period ended {row.due_on}", note=note, **base)
        if row.due_on < self.today:
            n = self.late(row.due_on, self.today)
            return Line(
                OVERDUE,
                f"overdue by {plural(n, 'working day')}",
                late_by=n,
                note="not done yet",
                **base,
            )
        return Line(PENDING, f"pending: due {row.due_on}", **base)


def required_text(tr: Trail, row: Deadline, t: Track) -> str:
    unit = row.unit.replace("_", " ")
    text = f"{row.amount} {unit} from {row.basis_on}" if row.amount else f"by {row.basis_on}"
    for old in t.superseded:
        text += f"; first {old.row.amount} {old.row.unit.replace('_', ' ')}, due {old.row.due_on}"
    for ev in t.moves:
        moved = tr.fields_of(ev)
        text += (
            f"; moved from {moved.get('was')} by a calendar change of {moved.get('calendar_day')}"
        )
    return text
