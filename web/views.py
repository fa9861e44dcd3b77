"""What a page or an API answer shows of a case, built once for both."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape
from sqlmodel import Session, select

from cases.core import calendar_store, deadlines, search_index, service, step_users
from cases.core.models import Agency, AuditEvent, Case, CivilServant, Deadline, Recusal, User
from cases.inbox import next_actors, work_queue
from cases.people import record
from cases.review import (
    case_file,
    committees,
    documents,
    due_process,
    meetings,
    penalty_consistency,
)
from workflows import case_file as file_rules
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today, long_date
from workflows.context import Actor, Context
from workflows.declarations import Step
from workflows.engine import Process, redact
from workflows.fields import field_decl
from workflows.readings import REPEATED_MINOR


def marked(snippet: str) -> Markup:
    """A search snippet as HTML: its text escaped, its matched words in <mark>."""
    text = str(escape(snippet))
    return Markup(text.replace(search_index.OPEN, "<mark>").replace(search_index.CLOSE, "</mark>"))


def public_fields(
    fields: dict[str, Any], actor: Actor, process: str, version: str
) -> dict[str, Any]:
    """What ``actor`` may read of a case's data or an event's fields: the fields the case's
    version of the process marks confidential (``Field.visible_to``) are dropped for
    everyone else."""
    try:
        known = registry.version(process, version)
    except KeyError:
        return fields
    return redact(known, fields, actor)


def event_fields(
    trigger: str, fields: dict[str, Any], actor: Actor, process: str, version: str
) -> dict[str, Any]:
    """An event's fields as ``actor`` may read them: ``public_fields``, and a case-file paper
    the reader may not read shows only that one of that kind and mark was added (its name
    and hash are the readers')."""
    if trigger == case_file.ADD_FILE and not file_rules.may_read(
        actor, str(fields.get("confidential", ""))
    ):
        return {"kind": fields.get("kind"), "confidential": fields.get("confidential")}
    return public_fields(fields, actor, process, version)


def deadline_view(row: Deadline, cal: Any, today: Any) -> dict[str, Any]:
    """A deadline row as shown, with the count behind its date ("why is this due on X?",
    ``deadlines.reckon``: the page and the API say the same)."""
    left = deadlines.days_left(cal, row, today) if row.status == "armed" else None
    reckoning = deadlines.reckon(cal, row)
    return {
        # As the rule counts it: "3 working days left", "overdue by 2 days" (7.7, 8.12 and
        # 13 count some terms in calendar days).
        "time_left": work_queue.due_of(row, cal, today).phrase() if row.status == "armed" else "",
        "id": row.id,
        "kind": row.kind,
        "label": row.label,
        "cite": row.cite,
        "due_on": row.due_on,
        "status": row.status,
        "days_left": left,
        "overdue": row.status == "armed" and row.due_on < today,
        "due_soon": left is not None and 0 <= left <= 2,
        "reckoning": reckoning,
        "original_due_on": row.original_due_on,
        "moved": row.original_due_on is not None and row.original_due_on != row.due_on,
        "settled_at": row.settled_at,
        "note": row.note,
    }


def action_view(
    step: Step, data: dict[str, Any], process: Process | None = None, today: Any = None
) -> dict[str, Any]:
    return {
        "trigger": step.trigger,
        "label": step.label,
        "cite": step.cite,
        "fields": [field_decl(f) for f in step.fields],
        "guards": [{"cite": g.cite, "rule": g.reason} for g in step.guards],
        "charges": data.get("charges") or [],
        "confirm": consequence(step, process) if process else None,
        "prefill": prefill(step, today),
    }


def with_user_options(
    session: Session, case: Case, ctx: Context, view: dict[str, Any], step: Step
) -> dict[str, Any]:
    """An ``action_view``, each users field with the accounts it may name (19.3.5): the
    form's picker and the API's answer show the same eligible users the step will accept."""
    for f, decl in zip(step.fields, view["fields"], strict=True):
        if f.type == "users":
            found = step_users.eligible(session, case, step, f, ctx)
            decl["options"] = [[u.username, u.display_name] for u in found.users]
            decl["options_from"] = found.source
    return view


def prefill(step: Step, today: Any) -> dict[str, str]:
    """What the form can fill in for the user: the day a paper was received is usually the
    day it is recorded (today, still editable); nothing the user must decide."""
    if today is None:
        return {}
    return {
        f.name: today.isoformat()
        for f in step.fields
        if f.type == "date" and not f.future_ok and f.name.endswith("received_on")
    }


def consequence(step: Step, process: Process) -> str | None:
    """What a step that ends the case (a death, a withdrawal, a dismissal, a retirement)
    makes final, for the confirmation its form asks: None for a step the case goes on from.
    Every step to a final state asks, so a new grave step cannot be forgotten."""
    if not process.is_final(step.dest):
        return None
    return (
        f"This ends the case: it will be \u201c{process.state(step.dest).label}\u201d "
        f"(BCSR {step.cite}) and no further step can be taken."
    )


def confirmation(
    session: Session,
    case: Case,
    step: Step,
    actor: Actor,
    now: datetime,
    ctx: Context | None = None,
) -> str:
    """What a step recorded and what comes next, e.g. "Recorded: Endorse the DC decision
    (HRC) (BCSR 19.8.2.4(i)). Next: Communicate the decision (BCSR 19.8.2.4(ii)), for the HRC
    chairperson of MOH, by Fri 18 Dec 2026 (5 working days left)." Built from what the case
    now waits for (cases.inbox.next_actors) and the deadlines those steps settle."""
    process = registry.for_case(case)
    said = f"Recorded: {step.label} (BCSR {step.cite})."
    if process.eligibility and step.trigger == process.opening:
        said = f"Application submitted: {step.label} (BCSR {step.cite})."
    if process.is_final(case.state):
        return f"{said} The case is now {process.state(case.state).label}; no step follows."
    ctx = ctx or service.context(session, case, now)
    actions = next_actors.next_actions(session, case, now, ctx)
    yours = {s.trigger for s in process.available(case.state, actor, ctx)}
    if not actions:
        return f"{said} The case is now {process.state(case.state).label}."
    # What comes next is what others must do (an applicant's own withdrawal is open almost
    # throughout); only when no one else may act, what the user must do next.
    others = [a for a in actions if a.trigger not in yours]
    actions = others or actions
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    rows = deadlines.armed(session, case.id or 0)
    grouped: dict[tuple[str, str], list[str]] = {}
    for a in actions:
        who = a.who()
        who = "you" if a.trigger in yours else who if who.startswith("the ") else f"the {who}"
        kinds = {k for st in process.steps_from(case.state, a.trigger) for k in st.settles}
        owed = [r for r in rows if r.kind in kinds]
        if owed:
            due = work_queue.due_of(min(owed, key=lambda r: r.due_on), cal, today)
            when = f"by {long_date(due.due_on)} ({due.phrase()})"
        else:
            when = "with no time limit in the rules"
        grouped.setdefault((who, when), []).append(f"{a.label} (BCSR {a.cite})")
    nexts = [f"{' or '.join(steps)}, for {who}, {when}" for (who, when), steps in grouped.items()]
    return f"{said} Next: " + "; or ".join(nexts) + "."


def _core(
    session: Session, case: Case, actor: Actor, now: datetime, ctx: Context | None = None
) -> dict[str, Any]:
    """What both the page and the API show: state, data, the actions open to ``actor`` (from
    ``ctx`` when ``fire`` just left one) and the deadlines."""
    process = registry.for_case(case)
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    data = json.loads(case.data)
    ctx = ctx or service.context(session, case, now)
    steps = process.available(case.state, actor, ctx)
    rows = deadlines.for_case(session, case.id)  # type: ignore[arg-type]
    return {
        "case": case,
        "process": process,
        "state": process.state(case.state),
        "data": public_fields(data, actor, case.process, case.process_version),
        "actions": [
            with_user_options(session, case, ctx, action_view(s, data, process, today), s)
            for s in steps
        ],
        "deadlines": [deadline_view(d, cal, today) for d in rows],
        "today": today,
    }


def case_view(session: Session, case: Case, actor: Actor, now: datetime) -> dict[str, Any]:
    """The case page: the core, with the servant, the agency, recusals and record warnings."""
    view = _core(session, case, actor, now)
    recusals = session.exec(
        select(Recusal, User.username)
        .join(User, User.id == Recusal.user_id)
        .where(Recusal.case_id == case.id)
    ).all()
    deciding = any(a["trigger"] == "record_decision" for a in view["actions"])
    view.update(
        warnings=record_warnings(session, case, view["today"])
        + (penalty_guidance(session, case, actor) if deciding else []),
        servant=session.get(CivilServant, case.subject_eid),
        agency=session.get(Agency, case.agency_code),
        recusals=[{"username": u, "reason": r.reason, "at": r.declared_at} for r, u in recusals],
        recused=any(r.user_id == actor.user_id for r, _ in recusals),
        recusal_reason=service.RECUSAL_REASON,
    )
    return view


# The case page's timeline shows this many newest events, and offers the rest: a long case
# page then costs about what a short one does; the due-process report reads every event.
TIMELINE_NEWEST = 100


def timeline(trail: list[AuditEvent], actor: Actor, process: str) -> list[dict[str, Any]]:
    """A case's audit events as its timeline shows them, confidential fields redacted; the
    step's title, the stages' labels and the role's name, never their stored names."""
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "role": R.LABELS.get(e.role, humanize(e.role)),
            "trigger": e.trigger,
            "label": step_title(_version(process, e.process_version), e.trigger, e.from_state),
            "from": e.from_state,
            "to": e.to_state,
            "from_label": state_title(_version(process, e.process_version), e.from_state),
            "to_label": state_title(_version(process, e.process_version), e.to_state),
            "cite": e.cite,
            "hash": e.hash,
            "process_version": e.process_version,
            "fields": event_fields(
                e.trigger, json.loads(e.fields), actor, process, e.process_version
            ),
        }
        for e in trail
    ]


# Audit events that are not steps of a process, as the timeline names them.
OTHER_EVENTS = {
    "declare_recusal": "Recusal declared",
    "add_file": "Paper added to the case file",
    "issue_document": "Letter or order issued",
    "deadline_recomputed": "Deadline moved by a calendar change",
    "deadline_missed": "Deadline missed",
}


def humanize(name: str) -> str:
    """A stored name as words: "notice_received_on" -> "Notice received on"."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _version(process: str, version: str) -> Process | None:
    """The version of the process an event ran on (None: an event of no process, e.g. the
    register's)."""
    try:
        return registry.version(process, version)
    except KeyError:
        return None


def step_title(process: Process | None, trigger: str, from_state: str = "") -> str:
    """The title a person reads for a step (its label), never its trigger."""
    if process is not None:
        steps = process.steps_from(from_state, trigger) or [
            s for s in process.steps if s.trigger == trigger
        ]
        if steps:
            return steps[0].label
    base, _, kind = trigger.partition(":")  # "deadline_missed:explanation_due"
    if base in OTHER_EVENTS:
        return OTHER_EVENTS[base] + (f": {humanize(kind).lower()}" if kind else "")
    return humanize(trigger)


def state_title(process: Process | None, state: str) -> str:
    if process is not None and state in process.state_by_name:
        return process.state(state).label
    return humanize(state)


def diagram(process: Process, current: str | None = None) -> str:
    """The process's state diagram with each arrow named by its step's title (the engine's
    ``mermaid`` names them by trigger, for the access matrix and tests)."""
    titles = {(src, s.dest, s.trigger): s.label for s in process.steps for src in s.sources}
    out = []
    for line in process.mermaid(current).splitlines():
        head, sep, tail = line.partition(" : ")
        parts = head.split()
        if sep and len(parts) == 3 and parts[1] == "-->" and " (" in tail:
            trigger, cite = tail.split(" (", 1)
            title = titles.get((parts[0], parts[2], trigger))
            if title:
                line = f"{head} : {_mermaid_words(title)} ({cite}"
        out.append(line)
    return "\n".join(out)


def _mermaid_words(text: str) -> str:
    """Mermaid ends a statement at ';' and splits a label at ':'; '#' starts an entity."""
    return text.replace(";", ",").replace(":", " -").replace("#", "No.")


def page_panels(session: Session, case: Case, actor: Actor, now: datetime) -> dict[str, Any]:
    """The panels only the full case page shows (not the API, not an htmx fragment). The
    due-process summary reads the whole trail, so the page only says whether this viewer
    gets one and the browser loads it after the page (``/cases/{id}/due-process/summary``,
    again on every change): a long case's page then costs about what a short one does."""
    return {
        "due_process_panel": due_process.may_view(session, case, actor, now),
        "documents": documents.for_viewer(session, case, actor, now),
        "case_file": case_file_panel(session, case, actor),
        "meetings_decided": meetings.decisions(session, case_id=case.id),
        "investigation_committees": committees.of_case(session, case.id or 0),
    }


def case_file_panel(session: Session, case: Case, actor: Actor) -> dict[str, Any]:
    """The papers this viewer may read, and the form to add one if they act on the case:
    the kinds its process holds, and only the confidentiality marks they could read."""
    process = registry.for_case(case)
    return {
        "papers": case_file.papers(session, case, actor),
        "can_add": file_rules.acts_on(process, actor, case.subject_eid),
        "kinds": file_rules.kinds_for(case.process),
        "marks": [c for c in file_rules.CONFIDENTIALITY if file_rules.may_read(actor, c.cite)],
    }


def penalty_guidance(session: Session, case: Case, actor: Actor) -> list[str]:
    """For a committee about to decide: what was decided before for the offences charged
    (19.12.1 inconsistencies; counts only, guidance, never a rule)."""
    charges = json.loads(case.data).get("charges") or []
    charged = [int(c["offence"]) for c in charges if isinstance(c, dict) and c.get("offence")]
    return penalty_consistency.guidance(session, actor, charged) if charged else []


def record_warnings(session: Session, case: Case, today: Any) -> list[str]:
    """What the service record tells the committee before it decides (shown, not enforced)."""
    if case.process != "disciplinary":
        scrutiny = (
            record.special_scrutiny(record.standing(session, case.subject_eid, today), case.process)
            if case.process in record.SPECIAL_SCRUTINY
            else ""
        )
        return [f"{scrutiny} (BCSR 19.14.5.1)."] if scrutiny else []
    standing = record.standing(session, case.subject_eid, today)
    out = []
    if standing.minor_total >= 2:
        out.append(
            f"The respondent has {standing.minor_total} minor penalties on record: three or "
            "more reprimands or minor penalties lead to a major penalty (BCSR 19.11.13.4)."
            + (
                " The decision must impose a major penalty, whatever the offence's "
                "classification (reading R-19.11.13.4)."
                if standing.minor_total >= 3 and _repeated_minor_leads(case)
                else ""
            )
        )
    if standing.on_negative_list:
        out.append(f"The respondent is on the Negative List: {standing.negative_list_reason}.")
    return out


def _repeated_minor_leads(case: Case) -> bool:
    """Whether the case's version reads 19.11.13.4 as leading to a major penalty."""
    process = registry.for_case(case)
    ids = {r.reading.id for r in process.readings}
    return REPEATED_MINOR.id in ids and process.reading(REPEATED_MINOR.id) == "leads"


def api_case(
    session: Session, case: Case, actor: Actor, now: datetime, ctx: Context | None = None
) -> dict[str, Any]:
    """The case as the API answers it (a step's answer passes the context ``fire`` left, so
    the next actions cost no second build)."""
    return case_json(_core(session, case, actor, now, ctx))


def case_json(view: dict[str, Any]) -> dict[str, Any]:
    case: Case = view["case"]
    return {
        "id": case.id,
        "process": case.process,
        "process_version": case.process_version,
        "subject_eid": case.subject_eid,
        "agency": case.agency_code,
        "title": case.title,
        "state": case.state,
        "state_label": view["state"].label,
        "version": case.version,
        "final": view["state"].final,
        "data": view["data"],
        "deadlines": [
            {
                "kind": d["kind"],
                "label": d["label"],
                **d["reckoning"].as_json(),
                "status": d["status"],
                "cite": d["cite"],
                "days_left": d["days_left"],
                "original_due_on": d["original_due_on"] and d["original_due_on"].isoformat(),
                "note": d["note"],
            }
            for d in view["deadlines"]
        ],
        "actions": view["actions"],
    }
