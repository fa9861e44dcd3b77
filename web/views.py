"""What a page or an API answer shows of a case, built once for both."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from cases.core import calendar_store, deadlines, service
from cases.core.models import Agency, AuditEvent, Case, CivilServant, Deadline, Recusal, User
from cases.people import record
from cases.review import documents, due_process
from workflows import registry
from workflows.calendar import bhutan_today
from workflows.engine import Actor, Context, Step, field_decl, redact


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


def deadline_view(row: Deadline, cal: Any, today: Any) -> dict[str, Any]:
    """A deadline row as shown, with the count behind its date ("why is this due on X?",
    ``deadlines.reckon``: the page and the API say the same)."""
    left = deadlines.days_left(cal, row, today) if row.status == "armed" else None
    return {
        "id": row.id,
        "kind": row.kind,
        "label": row.label,
        "cite": row.cite,
        "due_on": row.due_on,
        "status": row.status,
        "days_left": left,
        "overdue": row.status == "armed" and row.due_on < today,
        "due_soon": left is not None and 0 <= left <= 2,
        "reckoning": deadlines.reckon(cal, row),
        "original_due_on": row.original_due_on,
        "moved": row.original_due_on is not None and row.original_due_on != row.due_on,
        "settled_at": row.settled_at,
        "note": row.note,
    }


def action_view(step: Step, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "trigger": step.trigger,
        "label": step.label,
        "cite": step.cite,
        "fields": [field_decl(f) for f in step.fields],
        "guards": [{"cite": g.cite, "rule": g.reason} for g in step.guards],
        "charges": data.get("charges") or [],
    }


def _core(
    session: Session, case: Case, actor: Actor, now: datetime, ctx: Context | None = None
) -> dict[str, Any]:
    """What both the page and the API show: state, data, the actions open to ``actor`` (from
    ``ctx`` when ``fire`` just left one) and the deadlines."""
    process = registry.for_case(case)
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    data = json.loads(case.data)
    steps = process.available(case.state, actor, ctx or service.context(session, case, now))
    rows = deadlines.for_case(session, case.id)  # type: ignore[arg-type]
    return {
        "case": case,
        "process": process,
        "state": process.state(case.state),
        "data": public_fields(data, actor, case.process, case.process_version),
        "actions": [action_view(s, data) for s in steps],
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
    view.update(
        warnings=record_warnings(session, case, view["today"]),
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
    """A case's audit events as its timeline shows them, confidential fields redacted."""
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "role": e.role,
            "trigger": e.trigger,
            "from": e.from_state,
            "to": e.to_state,
            "cite": e.cite,
            "hash": e.hash,
            "process_version": e.process_version,
            "fields": public_fields(json.loads(e.fields), actor, process, e.process_version),
        }
        for e in trail
    ]


def page_panels(session: Session, case: Case, actor: Actor, now: datetime) -> dict[str, Any]:
    """The panels only the full case page shows (not the API, not an htmx fragment). The
    due-process summary reads the whole trail, so the page only says whether this viewer
    gets one and the browser loads it after the page (``/cases/{id}/due-process/summary``,
    again on every change): a long case's page then costs about what a short one does."""
    return {
        "due_process_panel": due_process.may_view(session, case, actor, now),
        "documents": documents.for_viewer(session, case, actor, now),
    }


def record_warnings(session: Session, case: Case, today: Any) -> list[str]:
    """What the service record tells the committee before it decides (shown, not enforced)."""
    if case.process != "disciplinary":
        return []
    standing = record.standing(session, case.subject_eid, today)
    out = []
    if standing.minor_total >= 2:
        out.append(
            f"The respondent has {standing.minor_total} minor penalties on record: three or "
            "more reprimands or minor penalties lead to a major penalty (BCSR 19.11.13.4)."
        )
    if standing.on_negative_list:
        out.append(f"The respondent is on the Negative List: {standing.negative_list_reason}.")
    return out


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
