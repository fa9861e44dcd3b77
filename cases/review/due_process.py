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

This module says who may read the report and builds it; its parts live beside it: what it
holds (``due_process_lines``), the trail replayed (``due_process_trail``), the checks
(``due_process_checks``) and who decided (``due_process_decisions``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from cases.core import audit, calendar_store, deadlines, queries, service
from cases.core.migration import MIGRATE_VERSION
from cases.core.models import AuditEvent, Case, CaseAgency, CivilServant
from cases.review import case_file, printing
from cases.review.due_process_checks import CHAPTER_19, generic_checks
from cases.review.due_process_decisions import decisions_and_recusals
from cases.review.due_process_lines import (
    CITE,
    TEMPLATE,
    Chain,
    PaperLine,
    Report,
    RulesPeriod,
)
from cases.review.due_process_trail import Trail
from workflows import case_file as file_rules
from workflows import disciplinary, registry
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor, Context, Refusal, Refused

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
    appeal = disciplinary.appellate_authority(registry.for_case(case), ctx)
    if R.APPELLATE in actor.roles and actor.agency in appeal.agencies:
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


# ------------------------------------------------------------------ the report


def build(session: Session, case: Case, now: datetime, actor: Actor) -> Report:
    """Derive the report from the audit trail and the deadline rows, as they are now, read
    as ``actor`` may read them (confidential fields redacted for every role not named)."""
    process = registry.for_case(case)
    today = bhutan_today(now)
    events = audit.events_for(session, case.id)  # type: ignore[arg-type]
    rows = deadlines.for_case(session, case.id)  # type: ignore[arg-type]
    tr = Trail(process, case, events, rows, calendar_store.load(session), today, actor)
    if process.key == "disciplinary":
        # A check of a step the case's version lacks (e.g. 19.8.3's execution before
        # 2023.2) gives None and is left out.
        checks = [c for c in (make(tr) for make in CHAPTER_19) if c is not None]
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
        rules=rules_applied(case.process, events),
        papers=papers_on_file(session, case, actor, process, events),
        chain=Chain(
            head_seq,
            head_hash,
            events[-1].seq if events else None,
            events[-1].hash if events else None,
        ),
    )


def papers_on_file(
    session: Session, case: Case, actor: Actor, process: Any, events: list[AuditEvent]
) -> tuple[PaperLine, ...]:
    """The case file's papers ``actor`` may read, each with the stage it was added at."""
    stage = {e.seq: e.from_state for e in events}
    out = []
    for shown in case_file.papers(session, case, actor):
        p = shown.paper
        kind = file_rules.BY_KEY.get(p.kind)
        state = stage.get(p.audit_seq, "")
        out.append(
            PaperLine(
                seq=p.audit_seq,
                added_at=p.added_at,
                added_by=p.added_by,
                state_label=_stage(process, state),
                kind=shown.kind_label,
                cite=file_rules.cite_of(kind, process) if kind else process.cite,
                name=p.name,
                media_type=p.media_type,
                size=p.size,
                sha256=p.sha256,
                confidential=p.confidential,
                supersedes=p.supersedes_id,
                superseded_by=shown.superseded_by,
                paper_id=p.id or 0,
            )
        )
    return tuple(out)


def _stage(process: Any, state: str) -> str:
    found = process.state_by_name.get(state)
    return found.label if found is not None else state


def rules_applied(process: str, events: list[AuditEvent]) -> tuple[RulesPeriod, ...]:
    """The case's events grouped by the version they ran on, in order: a migration starts
    a new period (and names its plan)."""
    out: list[RulesPeriod] = []
    run: list[AuditEvent] = []

    def close() -> None:
        if not run:
            return
        try:
            v = registry.version(process, run[0].process_version)
        except KeyError:
            return
        first = run[0]
        out.append(
            RulesPeriod(
                version=v.version,
                effective_from=v.effective_from,
                changes=v.changes,
                first_seq=first.seq,
                last_seq=run[-1].seq,
                first_at=first.at,
                steps=len(run),
                readings=tuple(
                    (r.reading.id, r.reading.section, r.chosen.does, r.since) for r in v.readings
                ),
                migrated_by=json.loads(first.fields).get("plan_hash", "")
                if first.trigger == MIGRATE_VERSION
                else "",
            )
        )

    for ev in events:
        if run and ev.process_version != run[-1].process_version:
            close()
            run = []
        run.append(ev)
    close()
    return tuple(out)


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
        "papers": [
            {
                "id": p.paper_id,
                "name": p.name,
                "kind": p.kind,
                "cite": p.cite,
                "media_type": p.media_type,
                "size": p.size,
                "sha256": p.sha256,
                "confidential": p.confidential,
                "supersedes": p.supersedes,
                "superseded_by": p.superseded_by,
                "added_by": p.added_by,
                "added_at": audit.rfc3339(p.added_at),
                "stage": p.state_label,
                "audit_seq": p.seq,
            }
            for p in report.papers
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
        "rules": [
            {
                "version": r.version,
                "effective_from": r.effective_from.isoformat(),
                "changes": r.changes,
                "first_event": r.first_seq,
                "last_event": r.last_seq,
                "steps": r.steps,
                "migrated_by_plan": r.migrated_by or None,
                "readings": [
                    {"id": i, "section": sec, "does": does, "since": _iso(since)}
                    for i, sec, does, since in r.readings
                ],
            }
            for r in report.rules
        ],
        "chain": {
            "head_seq": report.chain.head_seq,
            "head_hash": report.chain.head_hash,
            "case_last_seq": report.chain.case_seq,
            "case_last_hash": report.chain.case_hash,
            "verify": report.chain.command,
        },
    }
