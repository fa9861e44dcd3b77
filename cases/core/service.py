"""The one way a case changes: ``fire``.

The web UI, the API, the CLI and the deadline sweep all call ``fire``; nothing else
writes a case's state. It checks authority, recusal and guards (each refusal names its
BCSR section), runs the process's machine, writes state and version with a
compare-and-set, settles and arms deadlines, applies effects and appends the audit
event, all inside the caller's transaction: the caller commits, so a step is
all-or-nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from time import perf_counter
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from cases.core import (
    audit,
    calendar_store,
    deadlines,
    hooks,
    metrics,
    profiles,
    step_users,
    waiting,
)
from cases.core.effects import EFFECTS, MOVES_DEADLINES, EffectContext
from cases.core.file_store import safe_name, sha256_of
from cases.core.models import Agency, AuditEvent, Case, CivilServant, Deadline, Recusal
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor, Context, Refusal, Refused, Subject
from workflows.declarations import Field, Step
from workflows.fields import Upload, parse_values
from workflows.record import EID_CITE, eid_problem

SYSTEM_ACTOR = Actor(user_id=0, username="system", roles=frozenset({R.SYSTEM}), agency=None)


class NotFound(Exception):
    """No such case, or not one this user may see (answered as 404)."""


class Stale(Exception):
    """The case moved on since the form was shown (answered as 409)."""

    def __init__(self, current_version: int, message: str = ""):
        self.current_version = current_version
        super().__init__(
            message
            or f"the case has changed (now version {current_version}); reload it and try again"
        )


class Filing(Protocol):
    """Puts the papers sent for a step's file field on the case file, in the step's
    transaction, after the step's event (cases.review.case_file.StepPapers): a paper it
    refuses (type, size) refuses the step with it."""

    def __call__(
        self,
        session: Session,
        case: Case,
        step_event: AuditEvent,
        field: Field,
        uploads: list[Upload],
        actor: Actor,
        now: datetime,
    ) -> None: ...


@dataclass(frozen=True)
class Fired:
    case: Case
    event: AuditEvent
    step: Step
    context: Context  # the case's context after the step


# Built once (every step reads them): a reused statement keeps its compiled form. Plain
# rows, not ORM objects: the rules read a few columns, and nothing here is written back.
_SERVANTS = CivilServant.__table__.c  # type: ignore[attr-defined]
_AGENCIES = Agency.__table__.c  # type: ignore[attr-defined]
_SERVANT_ROW = (
    sa.select(
        _SERVANTS.eid,
        _SERVANTS.name,
        _SERVANTS.position_level,
        _SERVANTS.agency_code,
        _SERVANTS.head_of_agency,
        _AGENCIES.kind.label("agency_kind"),
        _AGENCIES.parent_code.label("parent_agency"),
    ).select_from(
        CivilServant.__table__.outerjoin(Agency.__table__, _AGENCIES.code == _SERVANTS.agency_code)
    )  # type: ignore[attr-defined]
)
_SUBJECT = _SERVANT_ROW.where(_SERVANTS.eid == sa.bindparam("eid"))
_SUBJECTS = _SERVANT_ROW.where(_SERVANTS.eid.in_(sa.bindparam("eids", expanding=True)))
_RECUSED = sa.select(Recusal.__table__.c.user_id).where(  # type: ignore[attr-defined]
    Recusal.__table__.c.case_id == sa.bindparam("case_id")  # type: ignore[attr-defined]
)
_CASE = select(Case).where(Case.id == sa.bindparam("case_id"))
_CASE_LOCKED = _CASE.with_for_update()
# A step's write: the new state, version, data and times, only if no one wrote it meanwhile.
_CASE_TABLE = Case.__table__  # type: ignore[attr-defined]
_WRITE_CASE = (
    sa.update(_CASE_TABLE)
    .where(
        _CASE_TABLE.c.id == sa.bindparam("b_id"),
        _CASE_TABLE.c.version == sa.bindparam("b_version"),
    )
    .values({c: sa.bindparam(c) for c in ("state", "version", "data", "updated_at", "closed_at")})
)


def subject_of(session: Session, eid: str) -> Subject:
    """The civil servant as the rules see them now (an effect earlier in the step may have
    changed the register's row: pending changes are written first, as a query through the
    session would)."""
    session.flush()
    found = session.connection().execute(_SUBJECT, {"eid": eid}).first()
    if found is None:
        raise Refused(
            [
                Refusal(
                    "field", "19.5.2.2", f"no civil servant with employee ID {eid}", "subject_eid"
                )
            ]
        )
    return subject_from(found)


def subjects_of(session: Session, eids: Iterable[str]) -> dict[str, Subject]:
    """Many civil servants at once, by employee ID (a list's cases), as ``subject_of``."""
    eids = sorted(set(eids))
    out: dict[str, Subject] = {}
    for start in range(0, len(eids), 5000):  # within any database's limit of parameters
        part = eids[start : start + 5000]
        rows = session.connection().execute(_SUBJECTS, {"eids": part})
        out.update((row.eid, subject_from(row)) for row in rows)
    return out


def subject_from(row: Any) -> Subject:
    """The civil servant as the rules see them, from a row of ``_SERVANT_ROW``'s columns (a
    servant whose agency is not recorded counts as a ministry's)."""
    return Subject(
        eid=row.eid,
        name=row.name,
        level=row.position_level,
        agency=row.agency_code,
        agency_kind=row.agency_kind if row.agency_kind is not None else "ministry",
        parent_agency=row.parent_agency,
        head_of_agency=row.head_of_agency,
    )


def context(
    session: Session,
    case: Case,
    now: datetime,
    fields: dict[str, Any] | None = None,
    *,
    open_rows: list[Deadline] | None = None,
) -> Context:
    """The case as guards and authorities see it; ``open_rows`` is its unsettled deadline
    rows when the caller has read them already (``fire`` keeps them for the step)."""
    subject = subject_of(session, case.subject_eid)  # flushes: a recusal made here counts
    recused = session.connection().execute(_RECUSED, {"case_id": case.id}).scalars().all()
    if open_rows is None:
        open_rows = deadlines.armed(session, case.id or 0)
    return Context(
        subject=subject,
        data=json.loads(case.data),
        fields=fields or {},
        today=bhutan_today(now),
        recused_user_ids=frozenset(recused),
        due=deadlines.due_dates(open_rows),
        record_loader=lambda: profiles.profile_of(session, case.subject_eid, bhutan_today(now)),
    )


def acting_role(actor: Actor, step: Step) -> str:
    for role in sorted(actor.roles & step.by):
        return role
    if R.RCSC in actor.roles:
        return R.RCSC
    return next(iter(sorted(actor.roles)), "")


def load(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    """The case; ``for_update`` locks its row until the commit. On SQLite a write
    transaction holds the database's write lock from its first statement (BEGIN
    IMMEDIATE), so a case this session has read already is current and is not read again."""
    if for_update and session.get_bind().dialect.name == "sqlite":
        case = session.get(Case, case_id)
    else:
        stmt = _CASE_LOCKED if for_update else _CASE
        case = session.exec(stmt, params={"case_id": case_id}).first()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def fire(
    session: Session,
    case_id: int,
    trigger: str,
    actor: Actor,
    raw: dict[str, Any],
    *,
    now: datetime,
    expected_version: int | None,
    filing: Filing | None = None,
) -> Fired:
    """Apply one step to one case, inside the caller's transaction (counted and timed for
    /metrics by its outcome: 200, the refusal's status, 409 stale, 404 unknown).
    ``filing`` files the papers sent for the step's file fields (the web form and the API's
    multipart request pass one; a step sent papers without it is refused)."""
    started = perf_counter()
    try:
        fired = _fire(session, case_id, trigger, actor, raw, now, expected_version, filing)
    except (Refused, Stale, NotFound) as e:
        case = session.get(Case, case_id)  # already loaded, unless the case is unknown
        outcome = e.status if isinstance(e, Refused) else 409 if isinstance(e, Stale) else 404
        metrics.step(case.process if case else "", outcome, perf_counter() - started)
        raise
    metrics.step(fired.case.process, 200, perf_counter() - started)
    return fired


def _fire(
    session: Session,
    case_id: int,
    trigger: str,
    actor: Actor,
    raw: dict[str, Any],
    now: datetime,
    expected_version: int | None,
    filing: Filing | None = None,
) -> Fired:
    case = load(session, case_id, for_update=True)
    if expected_version is not None and expected_version != case.version:
        raise Stale(case.version)
    process = registry.for_case(case)
    open_rows = deadlines.unsettled(session, case.id or 0)
    ctx = context(session, case, now, open_rows=open_rows)
    step, fields = process.check(case.state, trigger, actor, ctx, raw)
    step_users.check(session, case, step, fields, ctx)  # accounts named, not typed (19.3.5)
    papers = _papers_sent(step, fields, filing is not None)
    typed = replace(ctx, fields=fields)
    dest, taken = process.run(case.state, trigger, typed)
    data = dict(ctx.data)
    data.update(fields)
    data["last_step"] = taken.trigger

    for name in taken.effects:
        EFFECTS[name](EffectContext(session, case, data, fields, now, ctx.today, actor))
    if MOVES_DEADLINES.intersection(taken.effects):  # rows of its own case changed
        open_rows = deadlines.unsettled(session, case.id or 0)
    deadlines.settle(session, open_rows, taken.settles, now, ctx.today)
    if taken.cancels:
        deadlines.cancel(session, open_rows, taken.cancels, now, f"moot after {taken.trigger}")
    if taken.arms:
        cal = calendar_store.load(session)
        for spec in taken.arms:
            deadlines.arm(
                session,
                open_rows,
                case.id,  # type: ignore[arg-type]
                case.process,
                spec,
                fields,
                data,
                cal,
                now,
                ctx.today,
            )
    final = process.is_final(dest)
    if final:
        deadlines.cancel_all(session, open_rows, now, f"case closed ({dest})")

    from_state = case.state
    written = {
        "state": dest,
        "version": case.version + 1,
        "data": audit.canonical(data),
        "updated_at": now,
        # A step recorded on a closed case (19.12.6: a court's judgement) keeps its day.
        "closed_at": (case.closed_at or now) if final else None,
    }
    result = session.connection().execute(
        _WRITE_CASE, {**written, "b_id": case.id, "b_version": case.version}
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Stale(case.version + 1)
    # The row now holds what was just written: the object takes it without a re-read.
    for name, value in written.items():
        set_committed_value(case, name, value)
    # The context the step ran in, moved on to the new state: the subject, recusals and
    # lazily read record stand; the data and the open deadlines are the new ones. The
    # notices and the caller's answer ("what may I do next?") read it instead of a rebuild.
    after = replace(ctx, data=data, fields={}, due=deadlines.due_dates(open_rows))
    session.flush()  # the hooks read the step's deadline rows in SQL, as the step left them
    hooks.after_step(session, case, from_state, actor, now, after)  # the inbox's notices
    # The chain's head is taken last (on PostgreSQL its lock is held from here to the
    # commit, so every other step's append waits only for this step's last statements).
    event = audit.append(
        session,
        case_id=case.id,
        now=now,
        actor=actor.username,
        role=acting_role(actor, taken),
        trigger=taken.trigger,
        from_state=from_state,
        to_state=dest,
        fields=fields,
        cite=taken.cite,
        process=process.key,
        process_version=case.process_version,
    )
    for f, uploads in papers:
        filing(session, case, event, f, uploads, actor, now)  # type: ignore[misc]
    if audit.head_locked_late(session):
        # The chain's lock, taken just now, orders this step after any register change that
        # committed while it ran (an import holds the lock for its whole write): read the
        # subject again, so the rows name the competent authority of now (19.3.6-19.3.7).
        after = replace(after, subject=subject_of(session, case.subject_eid))
    waiting.write(session, case, after)  # what the case waits for now, for the work queue
    return Fired(case, event, taken, after)


def _papers_sent(
    step: Step, fields: dict[str, Any], can_file: bool
) -> list[tuple[Field, list[Upload]]]:
    """The papers sent for the step's file fields, taken out of its facts: the facts (the
    case's data, the step's event) keep each paper's name, SHA-256 and size, the bytes go to
    the case file. A field sent no paper is left out of the facts."""
    out = []
    for f in step.fields:
        if f.type != "file":
            continue
        uploads = fields.pop(f.name, None) or []
        if not uploads:
            continue
        if not can_file:
            reason = f"{f.label}: papers are sent with the step's form or a multipart request"
            raise Refused([Refusal("field", step.cite, reason, f.name)])
        fields[f.name] = [
            {"name": safe_name(u.name), "sha256": sha256_of(u.data), "size": len(u.data)}
            for u in uploads
        ]
        out.append((f, uploads))
    return out


def open_case(
    session: Session,
    process_key: str,
    subject_eid: str,
    actor: Actor,
    raw: dict[str, Any],
    *,
    now: datetime,
    filing: Filing | None = None,
) -> Fired:
    """Create a case and take its process's opening step, in one transaction."""
    process = registry.requested(process_key, bhutan_today(now))
    problem = eid_problem(subject_eid)
    if problem:  # the ID's one format (workflows.record), before it reaches a query
        raise Refused([Refusal("field", EID_CITE, problem, "subject_eid")])
    subject = subject_of(session, subject_eid)
    case = Case(
        process=process.key,
        process_version=process.version,
        subject_eid=subject.eid,
        agency_code=subject.agency,
        state=process.initial,
        version=0,
        title=f"{process.title}: {subject.name}",
        opened_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    return fire(
        session,
        case.id,
        process.opening,
        actor,
        raw,
        now=now,  # type: ignore[arg-type]
        expected_version=0,
        filing=filing,
    )


@sa.event.listens_for(OrmSession, "before_flush")
def _note_servants(session: OrmSession, flush_context: Any, instances: Any) -> None:
    waiting.note_servants(session)  # type: ignore[arg-type]


@sa.event.listens_for(OrmSession, "before_commit")
def _rewrite_waiting(session: OrmSession) -> None:
    """Before any transaction commits, the waiting rows of every case it changed are
    rewritten from the case as it now stands (``waiting``): a change made anywhere (a page,
    the API, an import, the CLI, the sweep) reaches the work queue in the same commit."""
    session.flush()  # a civil servant changed through the session marks their cases
    for case_id, at in sorted(waiting.take_stale(session).items()):  # type: ignore[arg-type]
        case = session.get(Case, case_id)
        if case is not None:
            waiting.write(session, case, context(session, case, at))  # type: ignore[arg-type]


# What a member declaring a recusal states (19.3.5); the case page's form shows its limit.
RECUSAL_REASON = Field("reason", "text", "Relation or prejudice")


def declare_recusal(
    session: Session, case_id: int, actor: Actor, reason: str, *, now: datetime
) -> AuditEvent:
    """19.3.5: a member related to or prejudiced against the respondent steps aside."""
    if not reason.strip():
        raise Refused([Refusal("field", "19.3.5", "state the relation or prejudice", "reason")])
    values, errors = parse_values((RECUSAL_REASON,), {"reason": reason}, {}, "19.3.5")
    if errors:
        raise Refused(errors)
    reason = values["reason"]
    case = load(session, case_id)
    session.add(
        Recusal(case_id=case_id, user_id=actor.user_id, reason=reason.strip(), declared_at=now)
    )
    return audit.append(
        session,
        case_id=case_id,
        now=now,
        actor=actor.username,
        role=next(iter(sorted(actor.roles)), ""),
        trigger="declare_recusal",
        from_state=case.state,
        to_state=case.state,
        fields={"reason": reason.strip()},
        cite="19.3.5",
        process=case.process,
        process_version=case.process_version,
    )


def available_steps(session: Session, case: Case, actor: Actor, now: datetime) -> list[Step]:
    process = registry.for_case(case)
    return process.available(case.state, actor, context(session, case, now))
