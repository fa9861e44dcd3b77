"""The due-process report of a case (BCSR 19.12.3): "the Appellate Authority, while reviewing
the appeal shall examine whether the disciplinary authority has complied with the due process".

Nothing in it is typed in. It is derived from the case's audit events and its deadline rows:
each step the rules require (19.8.2.1-19.8.2.4, 19.12.2, 19.12.4) with the date the rule set,
the date the trail shows, and "met", "missed by N working days" (Bhutan's working calendar,
corrections included), "pending" or "not applicable" with the reason; the committee that took
each decision and the recusals declared (19.3.5). It carries the audit chain head at the time
it was made, so a paper copy can later be checked against the system with
``drukflow audit verify --head <hash>``.

Other processes (EOL, secondment, transfer, LTT) get the same table, built generically from
their deadline rows and the steps that armed and settled them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from cases.core import audit, calendar_store, deadlines, queries, service
from cases.core.models import AuditEvent, Case, CaseAgency, CivilServant, Deadline, Recusal, User
from cases.review import printing
from workflows import disciplinary, registry
from workflows import roles as R
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.engine import Actor, Context, Process, Refusal, Refused, Step, hidden_fields, redact

CITE = "19.12.3"
TEMPLATE = "documents/due_process_report.html"

MET, MISSED, OVERDUE, PENDING, LAPSED, RETURNED, NOT_APPLICABLE = (
    "met",
    "missed",
    "overdue",
    "pending",
    "lapsed",
    "returned",
    "not_applicable",
)

# ------------------------------------------------------------------ what the report holds


@dataclass(frozen=True)
class Line:
    """One occurrence of one required step: what the rule required and what the trail shows.

    ``verdict`` is one of met, missed, overdue (not done, past its date), pending, lapsed (a
    period given to the respondent or applicant ran out and the process took its declared
    course), returned (HRC sent the decision back, 19.8.2.4(i)) and not_applicable.
    """

    verdict: str
    status: str
    required_on: date | None = None
    required: str = ""
    original_required_on: date | None = None
    actual_on: date | None = None
    actual: str = ""
    late_by: int | None = None  # working days past the required date
    note: str = ""
    seq: int | None = None  # the audit event that shows the step
    cite: str = ""  # when one occurrence turns on another clause than the check's


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    cite: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Decision:
    """A decision taken on the case, by whom, in what capacity, and who had stepped aside."""

    seq: int
    at: str
    on: date
    label: str
    trigger: str
    cite: str
    actor: str
    name: str
    role: str
    detail: str
    recused_before: tuple[str, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RecusalLine:
    username: str
    name: str
    role: str
    reason: str
    declared_at: str
    seq: int | None
    acted_before: tuple[str, ...]


@dataclass(frozen=True)
class Chain:
    head_seq: int
    head_hash: str
    case_seq: int | None
    case_hash: str | None

    @property
    def command(self) -> str:
        return f"drukflow audit verify --head {self.head_hash}"


@dataclass(frozen=True)
class Report:
    case_id: int
    title: str
    process: str
    process_title: str
    process_version: str
    subject_eid: str
    subject_name: str
    subject_level: str
    agency: str
    state: str
    state_label: str
    final: bool
    generated_at: datetime
    today: date
    checks: tuple[Check, ...]
    decisions: tuple[Decision, ...]
    recusals: tuple[RecusalLine, ...]
    chain: Chain
    cite: str = CITE

    @property
    def counts(self) -> dict[str, int]:
        out = {v: 0 for v in (MET, MISSED, OVERDUE, PENDING, LAPSED, RETURNED, NOT_APPLICABLE)}
        for check in self.checks:
            for line in check.lines:
                out[line.verdict] += 1
        return out

    @property
    def problems(self) -> list[tuple[Check, Line]]:
        """The lines an appellate reviewer must look at first: missed or overdue."""
        return [(c, x) for c in self.checks for x in c.lines if x.verdict in (MISSED, OVERDUE)]


# ------------------------------------------------------------------ who may read it


def may_view(session: Session, case: Case, actor: Actor, now: datetime) -> bool:
    """19.12.3 gives the review to the appellate authority; the HRC sitting as DC (19.3.4) or
    the RCSC as disciplinary body (19.3.6) answers for the due process; the RCSC oversees
    (19.12.1) and administrators keep the system."""
    if actor.roles <= R.SELF:
        return False
    if R.ADMIN in actor.roles or R.RCSC in actor.roles or actor.agency == R.RCSC_AGENCY:
        return True
    if case.process != "disciplinary":
        parties = session.exec(
            select(CaseAgency.agency_code).where(CaseAgency.case_id == case.id)
        ).all()
        return bool(actor.roles & R.COMMITTEE) and actor.agency in {case.agency_code, *parties}
    subject = service.subject_of(session, case.subject_eid)
    ctx = Context(subject=subject, data={}, fields={}, today=bhutan_today(now))
    if R.APPELLATE in actor.roles and actor.agency in disciplinary.appellate_body(ctx).agencies:
        return True
    return bool(actor.roles & R.COMMITTEE) and (
        actor.agency in disciplinary.disciplinary_body(ctx).agencies
    )


def report_for(session: Session, actor: Actor, case_id: int, now: datetime) -> Report:
    """The report, or NotFound (404) for a case the viewer may not see or not review; the
    respondent on their own case is refused (403) with the rule: they see their case and its
    timeline, so a 404 would misstate that the case exists, but the review is the appellate
    authority's (19.12.3); their own remedy is the appeal (19.12.1, 19.12.2)."""
    case = queries.can_see(session, actor, case_id)
    if case is None:
        raise service.NotFound(f"case {case_id} not found")
    if not may_view(session, case, actor, now):
        if actor.employee_eid and actor.employee_eid == case.subject_eid:
            raise Refused(
                [
                    Refusal(
                        "authority",
                        CITE,
                        "the due-process report serves the appellate authority's review of "
                        "whether the disciplinary authority complied with due process, and the "
                        "HRC; a respondent raises a failure of due process by appeal "
                        "(19.12.1, 19.12.2)",
                    )
                ]
            )
        raise service.NotFound(f"case {case_id} not found")
    return build(session, case, now, actor)


def for_viewer(session: Session, case: Case, actor: Actor, now: datetime) -> Report | None:
    """The report to show on the case page, or None where this viewer is not to see it."""
    if not may_view(session, case, actor, now):
        return None
    return build(session, case, now, actor)


def html(report: Report) -> str:
    """The printable report: the same HTML the browser prints and WeasyPrint lays out."""
    return printing.render_html(TEMPLATE, {"report": report, "standalone": True})


def pdf(report: Report) -> bytes:
    return printing.pdf_of(html(report))


def pdf_filename(report: Report) -> str:
    return f"due-process-case-{report.case_id}.pdf"


# ------------------------------------------------------------------ the trail, replayed


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


def _date(value: Any) -> date | None:
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
            return _date(values[f.name])
    return event_day(ev)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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


# ------------------------------------------------------------------ chapter 19 checks


def _na(reason: str) -> Line:
    return Line(NOT_APPLICABLE, "not applicable", note=reason)


ENDINGS: dict[str, Callable[[dict[str, Any]], str]] = {
    "dismiss_complaint": lambda f: (
        f"complaint dismissed at screening ({f.get('dismissal_ground') or '19.5.3'})"
    ),
    "adr_resolved": lambda f: "closed by ADR (19.7.2)",
    "dismiss_case": lambda f: "case dismissed on the respondent's explanation (19.8.2.1(iii))",
    "summary_retire": lambda f: (
        "compulsorily retired by summary proceedings without formal investigation (19.10.1)"
    ),
    "decide_on_death": lambda f: "decided at once on the respondent's death (19.9.14)",
    "decision_becomes_final": lambda f: (
        "no appeal lodged within 10 working days; the decision became final (19.12.2)"
    ),
    "decide_appeal": lambda f: f"appeal decided: {f.get('appeal_outcome', '')} (19.12.4)",
}


def _absent(tr: Trail, phase: str) -> Line:
    """Why a required step has no occurrence: the path skipped it, or it is still to come."""
    convened = tr.of("convene_meeting")
    if phase in ("investigation", "copy") and convened and not tr.of("order_investigation"):
        return _na("no investigation ordered: the DC went to its meeting without one (19.8.2.3)")
    if phase == "extension":
        return _na("no extension granted (19.8.2.2(vi))")
    if phase == "suspension":
        return _na("no suspension ordered; it is discretionary (19.9.1)")
    lapsed = [t for t in tr.tracks_of("appeal_window") if t.timeout is not None]
    if phase == "appellate" and lapsed and not tr.of("lodge_appeal"):
        return _na("no appeal lodged (19.12.2)")
    end = tr.ending()
    if end is not None and end.trigger in ENDINGS:
        return _na(ENDINGS[end.trigger](tr.fields_of(end)))
    if end is not None:
        return _na(f"case closed by {end.trigger.replace('_', ' ')} ({end.cite})")
    where = tr.process.state(tr.case.state).label
    if phase == "appellate":
        return Line(PENDING, "pending", note=f"only if an appeal is lodged (19.12.2); now {where}")
    return Line(PENDING, "pending", note=f"not reached yet: {where}")


def _deadline_lines(
    tr: Trail, kind: str, phase: str, adjust: Callable[[Track, Line], Line] | None = None
) -> tuple[Line, ...]:
    tracks = tr.tracks_of(kind)
    if not tracks:
        return (_absent(tr, phase),)
    out = []
    for t in tracks:
        line = tr.judge(t)
        out.append(adjust(t, line) if adjust else line)
    return tuple(out)


def _event_lines(
    tr: Trail, triggers: Iterable[str], phase: str, make: Callable[[AuditEvent], Line]
) -> tuple[Line, ...]:
    events = tr.of(*triggers)
    return tuple(make(e) for e in events) if events else (_absent(tr, phase),)


def _done(
    ev: AuditEvent, actual_on: date | None, actual: str, note: str = "", cite: str = ""
) -> Line:
    return Line(
        MET,
        "met",
        required="no time limit in the rule",
        actual_on=actual_on or event_day(ev),
        actual=actual,
        note=note,
        seq=ev.seq,
        cite=cite,
    )


def _notice(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        received = _date(f.get("notice_received_on"))
        charges = f.get("charges") or []
        note = f"{plural(len(charges), 'charge')} notified in writing by {ev.actor} ({ev.role})"
        if not f.get("prima_facie"):
            return Line(MISSED, "prima facie case not recorded", actual_on=received, seq=ev.seq)
        return _done(ev, received, "received by the respondent", note)

    lines = _event_lines(tr, ("serve_notice",), "notice", line)
    label = "Notice of the charges served in writing, on a prima facie case, and received"
    return Check("notice", label, "19.8.2.1(i)", lines)


def _explanation(tr: Trail) -> Check:
    """The DC's duty is to give five working days (19.8.2.1(i)); an explanation that lapsed
    after the full period is the respondent's choice, not a failure of due process."""

    def adjust(t: Track, line: Line) -> Line:
        if line.verdict == LAPSED:
            return replace(
                line,
                verdict=MET,
                status="met: the full period was given",
                actual="no explanation received; " + line.actual,
            )
        if line.verdict == MISSED:
            return replace(
                line,
                verdict=MET,
                status="met",
                actual="explanation received late and accepted",
                note=f"received {plural(line.late_by or 0, 'working day')} after the period",
                late_by=None,
            )
        if line.verdict == MET:
            return replace(line, actual="explanation received (19.8.2.1(ii))")
        return line

    lines = _deadline_lines(tr, "explanation_due", "notice", adjust)
    return Check("explanation", "Five working days given for the explanation", "19.8.2.1(i)", lines)


def _ordered(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        by = str(f.get("investigated_by", "")).replace("_", " ")
        note = f"by the {by}: {f.get('investigators', '')}"
        for esc in tr.of("escalate_to_committee"):
            note += (
                f"; transferred to the Investigation Committee on {event_day(esc)} (19.8.2.2(iv))"
            )
        return _done(ev, _date(f.get("directive_on")), f"directive issued by {ev.actor}", note)

    lines = _event_lines(tr, ("order_investigation",), "investigation", line)
    return Check("investigation_ordered", "Investigation ordered", "19.8.2.2(i)", lines)


def _commenced(tr: Trail) -> Check:
    lines = _deadline_lines(tr, "investigation_commencement_due", "investigation")
    label = "Investigation commenced within five working days of the directive"
    return Check("investigation_commenced", label, "19.8.2.2(v)", lines)


def _extended(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        total, reason = int(f.get("total_days") or 0), str(f.get("extension_reason") or "")
        track = tr.armed_by(ev, "investigation_completion_due")
        due = f", to {track.row.due_on}" if track else ""
        ok = 15 < total <= 30 and bool(reason.strip())
        return Line(
            MET if ok else MISSED,
            "met" if ok else "beyond 30 days or without a reason",
            required="at most 30 days from commencement, with a reason",
            actual_on=event_day(ev),
            actual=f"extended to {total} days{due} by {ev.actor}",
            note=f"reason: {reason}",
            seq=ev.seq,
        )

    lines = _event_lines(tr, ("extend_investigation",), "extension", line)
    return Check("investigation_extended", "Any extension, with its reason", "19.8.2.2(vi)", lines)


def _completed(tr: Trail) -> Check:
    lines = _deadline_lines(tr, "investigation_completion_due", "investigation")
    label = "Investigation completed within 15 days of commencement (or as extended)"
    return Check("investigation_completed", label, "19.8.2.2(vi)", lines)


def _report(tr: Trail) -> Check:
    lines = _deadline_lines(tr, "report_due", "investigation")
    label = "Written report to the DC within five working days of completion"
    return Check("report", label, "19.8.2.2(x)", lines)


def _copy(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        given = _date(f.get("copy_to_respondent_on"))
        if "withheld_parts" in tr.hidden:
            # What was withheld, and whether anything was, is for the readers 19.8.2.2(xi)
            # names; the step's guard (copy_or_withheld) records a copy or withheld parts,
            # so the copy requirement is met either way.
            note = "what was withheld, if anything, is confidential (19.8.2.2(xi))"
            return _done(ev, given, "copy given", note)
        withheld = str(f.get("withheld_parts") or "")
        note = f"parts withheld as inappropriate to disclose: {withheld}" if withheld else ""
        if given is None and not withheld:
            return Line(MISSED, "no copy recorded", seq=ev.seq)
        actual = "complete copy given" if not withheld else "copy given, parts withheld"
        return _done(ev, given, actual, note)

    lines = _event_lines(tr, ("submit_report",), "copy", line)
    label = "Copy of the investigation report to the respondent"
    return Check("report_copy", label, "19.8.2.2(xi)", lines)


def _heard(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        meeting = _date(f.get("meeting_on"))
        if f.get("hearing") == "heard":
            return _done(ev, meeting, "heard and responded", cite="19.8.2.3(i), (iv)")
        if f.get("hearing") == "did_not_respond":
            text = "given the opportunity; did not respond, decided on the evidence"
            return _done(ev, meeting, text, cite="19.8.2.3(v)")
        return Line(MISSED, "no hearing recorded", actual_on=meeting, seq=ev.seq)

    lines = _event_lines(tr, ("record_decision",), "meeting", line)
    label = "Respondent heard at the DC meeting"
    return Check("heard", label, "19.8.2.3(i), (iv), (v)", lines)


MEETING_BASIS = {
    "submit_report": "counted from the receipt of the investigation report",
    "convene_meeting": "convened without an investigation",
    "return_to_dc": "after the HRC returned the decision",
    "decide_appeal": "after the appellate authority remanded the case (19.8.3)",
}


def _meeting(tr: Trail) -> Check:
    def adjust(t: Track, line: Line) -> Line:
        basis = MEETING_BASIS.get(t.armed_by.trigger, "") if t.armed_by else ""
        return replace(line, note="; ".join(x for x in (basis, line.note) if x))

    lines = _deadline_lines(tr, "meeting_conclusion_due", "meeting", adjust)
    label = "DC meeting concluded within 30 days of receiving the report"
    return Check("meeting", label, "19.8.2.3(vi)", lines)


def _endorsed(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        if ev.trigger == "return_to_dc":
            return Line(
                RETURNED,
                "returned to the DC",
                actual_on=event_day(ev),
                actual=f"returned for reconsideration by {ev.actor}",
                note=f"reasons: {f.get('reasons', '')}",
                seq=ev.seq,
            )
        note = f"HRC meeting {f.get('hrc_meeting_no', '')}"
        return _done(ev, _date(f.get("endorsed_on")), f"endorsed by {ev.actor} ({ev.role})", note)

    lines = _event_lines(tr, ("endorse_decision", "return_to_dc"), "execution", line)
    return Check("endorsed", "DC decision endorsed by the HRC", "19.8.2.4(i)", lines)


def _communicated(tr: Trail) -> Check:
    def adjust(t: Track, line: Line) -> Line:
        letter = tr.fields_of(t.settled_by).get("letter_no")
        return replace(line, note=f"letter {letter}" if letter else line.note)

    lines = _deadline_lines(tr, "decision_communication_due", "execution", adjust)
    label = "Decision informed to the respondent within five working days of endorsement"
    return Check("communicated", label, "19.8.2.4(ii)", lines)


def _signed(tr: Trail) -> Check:
    signers = {R.HRC_CHAIR, R.RCSC}  # the RCSC decides and signs for EX/ES levels (19.3.6)

    def line(ev: AuditEvent) -> Line:
        letter = tr.fields_of(ev).get("letter_no", "")
        if ev.role not in signers:
            return Line(MISSED, f"signed as {ev.role}", actual_on=event_day(ev), seq=ev.seq)
        return _done(ev, None, f"letter {letter} signed by {ev.actor} ({ev.role})")

    lines = _event_lines(tr, ("communicate_decision",), "execution", line)
    label = "Decision letter signed by the Chairperson of the HRC"
    return Check("signed", label, "19.8.2.4(iii)", lines)


def _rcsc_copy(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        if not tr.fields_of(ev).get("copy_to_rcsc"):
            return Line(MISSED, "no copy to the RCSC recorded", seq=ev.seq)
        return _done(ev, None, "copy submitted to the RCSC")

    lines = _event_lines(tr, ("communicate_decision",), "execution", line)
    return Check("rcsc_copy", "Copy of the decision letter to the RCSC", "19.8.2.4(iv)", lines)


def _appeal_window(tr: Trail) -> Check:
    def adjust(t: Track, line: Line) -> Line:
        if line.verdict == LAPSED:
            return replace(
                line,
                status="closed without an appeal",
                actual=f"no appeal; decision final on {line.actual_on}",
            )
        if line.verdict == PENDING:
            return replace(line, status=f"open until {t.row.due_on}")
        f = tr.fields_of(t.settled_by)
        if f:
            grounds = ", ".join(f.get("grounds") or [])
            received = f.get("appeal_received_on", "")
            note = f"grounds {grounds}; received by the appellate authority on {received}"
            return replace(line, actual=f"appeal lodged ({t.settled_by.actor})", note=note)
        return line

    lines = _deadline_lines(tr, "appeal_window", "appeal", adjust)
    label = "Appeal window of ten working days from receipt of the decision"
    return Check("appeal_window", label, "19.12.2", lines)


def _appellate(tr: Trail) -> Check:
    def adjust(t: Track, line: Line) -> Line:
        f = tr.fields_of(t.settled_by)
        if not f:
            return line
        examined = "yes" if f.get("due_process_examined") else "no"
        followed = "yes" if f.get("due_process_followed") else "no"
        note = f"due process examined (19.12.3): {examined}; found followed: {followed}"
        outcome = f"appeal {f.get('appeal_outcome', '')} by {t.settled_by.actor}"
        return replace(line, actual=outcome, note=note)

    lines = _deadline_lines(tr, "appellate_decision_due", "appellate", adjust)
    label = "Appellate decision within 30 days of receiving the appeal"
    return Check("appellate_decision", label, "19.12.4", lines)


def _suspension(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        hearings = [h for h in tr.of("hold_pre_suspension_hearing") if h.seq < ev.seq]
        start = _date(f.get("suspended_from"))
        if not hearings:
            return Line(MISSED, "no pre-suspension hearing", actual_on=start, seq=ev.seq)
        held = tr.fields_of(hearings[-1]).get("pre_suspension_hearing_on")
        note = f"office order {f.get('office_order_no', '')}; hearing held on {held}"
        return _done(ev, start, f"suspended by {ev.actor} after a hearing", note)

    lines = _event_lines(tr, ("suspend",), "suspension", line)
    label = "Pre-suspension hearing before any suspension"
    return Check("suspension", label, "19.9.3", lines)


CHAPTER_19 = (
    _notice,
    _explanation,
    _ordered,
    _commenced,
    _extended,
    _completed,
    _report,
    _copy,
    _heard,
    _meeting,
    _endorsed,
    _communicated,
    _signed,
    _rcsc_copy,
    _appeal_window,
    _appellate,
    _suspension,
)


def generic_checks(tr: Trail) -> list[Check]:
    """Any process: one check per deadline kind, in the order first armed."""
    kinds: dict[str, Track] = {}
    for t in tr.tracks:
        kinds.setdefault(t.row.kind, t)
    out = []
    for kind, first in kinds.items():
        lines = []
        for t in tr.tracks_of(kind):
            line = tr.judge(t)
            if t.armed_by is not None:
                step = step_of(tr.process, t.armed_by)
                name = step.label if step else t.armed_by.trigger
                armed = f"set by {name} on {event_day(t.armed_by)}"
                line = replace(line, note="; ".join(x for x in (armed, line.note) if x))
            lines.append(line)
        out.append(Check(kind, first.row.label, first.row.cite, tuple(lines)))
    return out


# ------------------------------------------------------------------ who decided


DECIDING = frozenset(
    {
        "direct_enquiry",
        "refer_to_adr",
        "terminate_adr",
        "adr_resolved",
        "dismiss_complaint",
        "serve_notice",
        "dismiss_case",
        "order_investigation",
        "convene_meeting",
        "extend_investigation",
        "escalate_to_committee",
        "record_decision",
        "endorse_decision",
        "return_to_dc",
        "communicate_decision",
        "decide_appeal",
        "recommend_summary",
        "summary_retire",
        "decline_summary",
        "suspend",
        "revoke_suspension",
        "decide_on_death",
    }
)


def _names(text: str) -> set[str]:
    return {w.strip().lower() for w in re.split(r"[,;/\n]|\band\b", text) if w.strip()}


def decisions_and_recusals(
    session: Session, tr: Trail
) -> tuple[tuple[Decision, ...], tuple[RecusalLine, ...]]:
    """Each deciding event with the actor's capacity and the recusals in force, and each
    recusal (19.3.5) with what the member had done on the case before stepping aside."""
    users = {
        u.username: u
        for u in session.exec(
            select(User).where(User.username.in_({e.actor for e in tr.events}))  # type: ignore[attr-defined]
        )
    }
    rows = session.exec(
        select(Recusal, User)
        .join(User, User.id == Recusal.user_id)
        .where(Recusal.case_id == tr.case.id)
    ).all()
    declared = tr.of("declare_recusal")
    recusals: list[RecusalLine] = []
    seen: set[tuple[str, str]] = set()
    for ev in declared:
        reason = str(tr.fields_of(ev).get("reason", ""))
        seen.add((ev.actor, reason))
        acted = tuple(
            f"{e.trigger.replace('_', ' ')} (#{e.seq})"
            for e in tr.events
            if e.actor == ev.actor and e.seq < ev.seq and e.trigger != "declare_recusal"
        )
        name = users[ev.actor].display_name if ev.actor in users else ev.actor
        recusals.append(RecusalLine(ev.actor, name, ev.role, reason, ev.at, ev.seq, acted))
    for rec, user in rows:  # a recusal row without its event would itself be a finding
        if (user.username, rec.reason) not in seen:
            at = audit.rfc3339(rec.declared_at)
            recusals.append(
                RecusalLine(user.username, user.display_name, "", rec.reason, at, None, ())
            )

    process_is_19 = tr.process.key == "disciplinary"
    decisions: list[Decision] = []
    for ev in tr.events:
        step = step_of(tr.process, ev)
        if step is None or step.timer_only:
            continue
        if process_is_19 and ev.trigger not in DECIDING:
            continue
        before = [r for r in declared if r.seq < ev.seq]
        out_names = {r.actor.lower() for r in before} | {
            users[r.actor].display_name.lower() for r in before if r.actor in users
        }
        f = tr.fields_of(ev)
        detail = _detail(ev.trigger, f)
        flags = []
        if ev.actor in {r.actor for r in before}:
            flags.append("taken by a member who had declared a recusal (19.3.5)")
        present = _names(str(f.get("members_present", "")))
        if present & out_names:
            flags.append("a recused member is listed as present (19.3.5)")
        name = users[ev.actor].display_name if ev.actor in users else ev.actor
        decisions.append(
            Decision(
                seq=ev.seq,
                at=ev.at,
                on=event_day(ev),
                label=step.label,
                trigger=ev.trigger,
                cite=ev.cite,
                actor=ev.actor,
                name=name,
                role=R.LABELS.get(ev.role, ev.role),
                detail=detail,
                recused_before=tuple(sorted({r.actor for r in before})),
                flags=tuple(flags),
            )
        )
    return tuple(decisions), tuple(recusals)


def _detail(trigger: str, f: dict[str, Any]) -> str:
    if trigger == "record_decision":
        return (
            f"members present: {f.get('members_present', '')}; meeting on {f.get('meeting_on', '')}"
        )
    if trigger == "endorse_decision":
        return f"HRC meeting {f.get('hrc_meeting_no', '')} on {f.get('endorsed_on', '')}"
    if trigger == "communicate_decision":
        return f"letter {f.get('letter_no', '')}"
    if trigger == "decide_appeal":
        return f"outcome: {f.get('appeal_outcome', '')}"
    if trigger == "order_investigation":
        return f"investigators: {f.get('investigators', '')}"
    if trigger == "serve_notice":
        return f"charges: {', '.join(f.get('charges') or [])}"
    return ""


# ------------------------------------------------------------------ the report


def build(session: Session, case: Case, now: datetime, actor: Actor) -> Report:
    """Derive the report from the audit trail and the deadline rows, as they are now, read
    as ``actor`` may read them (confidential fields redacted for every role not named)."""
    process = registry.get(case.process)
    today = bhutan_today(now)
    events = audit.events_for(session, case.id)  # type: ignore[arg-type]
    rows = deadlines.for_case(session, case.id)  # type: ignore[arg-type]
    tr = Trail(process, case, events, rows, calendar_store.load(session), today, actor)
    if process.key == "disciplinary":
        checks = [make(tr) for make in CHAPTER_19]
    else:
        checks = generic_checks(tr)
    decisions, recusals = decisions_and_recusals(session, tr)
    head_seq, head_hash = audit.head(session)
    servant = session.get(CivilServant, case.subject_eid)
    return Report(
        case_id=case.id or 0,
        title=case.title,
        process=process.key,
        process_title=process.title,
        process_version=case.process_version,
        subject_eid=case.subject_eid,
        subject_name=servant.name if servant else case.subject_eid,
        subject_level=servant.position_level if servant else "",
        agency=case.agency_code,
        state=case.state,
        state_label=process.state(case.state).label,
        final=process.is_final(case.state),
        generated_at=now,
        today=today,
        checks=tuple(checks),
        decisions=decisions,
        recusals=recusals,
        chain=Chain(
            head_seq,
            head_hash,
            events[-1].seq if events else None,
            events[-1].hash if events else None,
        ),
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def as_json(report: Report) -> dict[str, Any]:
    """The report for GET /api/cases/{id}/due-process: the same facts as the printed copy."""
    return {
        "case": {
            "id": report.case_id,
            "title": report.title,
            "process": report.process,
            "process_version": report.process_version,
            "subject_eid": report.subject_eid,
            "subject_name": report.subject_name,
            "agency": report.agency,
            "state": report.state,
            "state_label": report.state_label,
            "final": report.final,
        },
        "cite": report.cite,
        "generated_at": audit.rfc3339(report.generated_at),
        "counts": report.counts,
        "checks": [
            {
                "key": c.key,
                "label": c.label,
                "cite": c.cite,
                "occurrences": [
                    {
                        "n": i,
                        "verdict": x.verdict,
                        "status": x.status,
                        "required_on": _iso(x.required_on),
                        "original_required_on": _iso(x.original_required_on),
                        "required": x.required,
                        "actual_on": _iso(x.actual_on),
                        "actual": x.actual,
                        "late_by_working_days": x.late_by,
                        "note": x.note,
                        "cite": x.cite or c.cite,
                        "audit_seq": x.seq,
                    }
                    for i, x in enumerate(c.lines, 1)
                ],
            }
            for c in report.checks
        ],
        "decisions": [
            {
                "audit_seq": d.seq,
                "at": d.at,
                "on": d.on.isoformat(),
                "step": d.label,
                "trigger": d.trigger,
                "cite": d.cite,
                "actor": d.actor,
                "name": d.name,
                "role": d.role,
                "detail": d.detail,
                "recused_before": list(d.recused_before),
                "flags": list(d.flags),
            }
            for d in report.decisions
        ],
        "recusals": [
            {
                "username": r.username,
                "name": r.name,
                "role": r.role,
                "reason": r.reason,
                "declared_at": r.declared_at,
                "audit_seq": r.seq,
                "acted_before": list(r.acted_before),
                "cite": "19.3.5",
            }
            for r in report.recusals
        ],
        "chain": {
            "head_seq": report.chain.head_seq,
            "head_hash": report.chain.head_hash,
            "case_last_seq": report.chain.case_seq,
            "case_last_hash": report.chain.case_hash,
            "verify": report.chain.command,
        },
    }
