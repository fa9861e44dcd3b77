"""The checks of the due-process report (19.12.3): chapter 19's steps for a disciplinary
case (19.8.2.1-19.8.2.4, 19.12.2, 19.12.4), one check per deadline kind for any other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from cases.core.models import AuditEvent
from cases.review.due_process_lines import (
    LAPSED,
    MET,
    MISSED,
    NOT_APPLICABLE,
    PENDING,
    RETURNED,
    Check,
    Line,
)
from cases.review.due_process_trail import (
    Track,
    Trail,
    as_date,
    event_day,
    listed,
    plural,
    step_of,
)
from workflows import roles as R


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
    "execute_appeal_decision": lambda f: (
        "appellate decision executed by the appellate authority's committee (19.8.3)"
    ),
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
        received = as_date(f.get("notice_received_on"))
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
        note = f"by the {by}: {listed(f.get('investigators'))}"
        for esc in tr.of("escalate_to_committee"):
            note += (
                f"; transferred to the Investigation Committee on {event_day(esc)} (19.8.2.2(iv))"
            )
        return _done(ev, as_date(f.get("directive_on")), f"directive issued by {ev.actor}", note)

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
        given = as_date(f.get("copy_to_respondent_on"))
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
        meeting = as_date(f.get("meeting_on"))
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
    "execute_appeal_decision": "after the appellate authority remanded the case (19.8.3)",
}


def _meeting(tr: Trail) -> Check:
    def adjust(t: Track, line: Line) -> Line:
        basis = MEETING_BASIS.get(t.armed_by.trigger, "") if t.armed_by else ""
        return replace(line, note="; ".join(x for x in (basis, line.note) if x))

    tracks = tr.tracks_of("meeting_conclusion_due")
    clocked = {t.armed_by.seq for t in tracks if t.armed_by}
    found = [(t.armed_by.seq if t.armed_by else 0, adjust(t, tr.judge(t))) for t in tracks]
    # 19.8.2.3(vi) counts 30 days "from the receipt of the investigation report" only: a
    # meeting reached another way (version 2023.2 on) runs on no clock, and says so.
    for ev in tr.of("convene_meeting", "return_to_dc", "decide_appeal", "execute_appeal_decision"):
        if ev.to_state == "dc_meeting" and ev.seq not in clocked:
            line = Line(
                NOT_APPLICABLE,
                "no time limit",
                required="no time limit in the rule: 19.8.2.3(vi) counts from the receipt "
                "of an investigation report, and this meeting follows none",
                actual_on=event_day(ev),
                note=MEETING_BASIS[ev.trigger],
                seq=ev.seq,
            )
            found.append((ev.seq, line))
    lines = tuple(x for _, x in sorted(found, key=lambda p: p[0])) or (_absent(tr, "meeting"),)
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
        return _done(ev, as_date(f.get("endorsed_on")), f"endorsed by {ev.actor} ({ev.role})", note)

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


def _appeal_executed(tr: Trail) -> Check | None:
    """19.8.3: "the Disciplinary Committee of the Appellate Authority shall execute the
    decision rendered by the Appellate Authority" (a step from version 2023.2). The rule sets
    no time for it."""
    if not tr.process.branches("execute_appeal_decision"):
        return None
    named = json.loads(tr.case.data or "{}").get("appellate_body") or {}
    body = " or ".join(named.get("agencies") or []) or "the appellate authority"

    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        note = f"letter {f.get('execution_letter_no', '')}; by the committee of {body}"
        where = tr.process.state(ev.to_state).label
        return _done(ev, as_date(f.get("executed_on")), f"executed by {ev.actor}: {where}", note)

    lines = _event_lines(tr, ("execute_appeal_decision",), "appellate", line)
    label = "Appellate decision executed by the appellate authority's own committee"
    return Check("appeal_executed", label, "19.8.3", lines)


def _suspension(tr: Trail) -> Check:
    def line(ev: AuditEvent) -> Line:
        f = tr.fields_of(ev)
        hearings = [h for h in tr.of("hold_pre_suspension_hearing") if h.seq < ev.seq]
        start = as_date(f.get("suspended_from"))
        if not hearings:
            return Line(MISSED, "no pre-suspension hearing", actual_on=start, seq=ev.seq)
        held = tr.fields_of(hearings[-1]).get("pre_suspension_hearing_on")
        note = f"office order {f.get('office_order_no', '')}; hearing held on {held}"
        return _done(ev, start, f"suspended by {ev.actor} after a hearing", note)

    lines = _event_lines(tr, ("suspend",), "suspension", line)
    label = "Pre-suspension hearing before any suspension"
    return Check("suspension", label, "19.9.3", lines)


CHAPTER_19: tuple[Callable[[Trail], Check | None], ...] = (
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
    _appeal_executed,
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
