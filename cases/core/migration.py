"""Moving cases in flight to a later version of their process: planned, dry-run, audited.

A case runs on the version of its process it was opened under (workflows.registry). When
the RCSC corrects a rule (BCSR 2023 section 1.7 vests amendment and interpretation in it),
cases already open keep their rules unless moved by a plan: each state of the old version
mapped to one of the new (the same name by default; anything else explicitly). The dry
run shows, per case, the state before and after and each armed deadline's date under the
old and the new rules, and refuses what the new version cannot continue. Applying it moves
each case in its own transaction (the caller's), appends a ``migrate_version`` event to
the chain and leaves refused cases where they are; a second run finds nothing to move.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import audit, calendar_store, deadlines
from cases.core.db import reading, transaction
from cases.core.models import AuditEvent, Case, Deadline
from workflows import registry
from workflows import roles as R
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.context import Actor, Refusal, Refused
from workflows.declarations import Arm
from workflows.engine import Process

MIGRATE_VERSION = "migrate_version"
CITE = "1.7"  # "The authority for amendment and interpretation ... shall vest with the RCSC"
MAY_MIGRATE = frozenset({R.RCSC, R.ADMIN})


@dataclass(frozen=True)
class Plan:
    """Which cases of ``process`` move from ``from_version`` (any earlier one when empty)
    to ``to_version``, with each old state mapped to a new one (``states``; unnamed states
    keep their name where the new version has it). ``case_ids`` narrows it to those."""

    process: str
    to_version: str
    from_version: str = ""
    states: Mapping[str, str] = field(default_factory=dict)
    case_ids: tuple[int, ...] = ()

    @property
    def digest(self) -> str:
        """The plan's SHA-256, recorded on every case it moves: the same plan, the same hash."""
        body = {
            "process": self.process,
            "from": self.from_version,
            "to": self.to_version,
            "states": dict(sorted(self.states.items())),
            "cases": sorted(self.case_ids),
        }
        return hashlib.sha256(audit.canonical(body).encode()).hexdigest()


@dataclass(frozen=True)
class Moved:
    """An armed deadline under the old and the new rules."""

    kind: str
    label: str
    cite: str
    old_due: date
    new_due: date | None  # None: the new version sets no such deadline (it is cancelled)
    why: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "label": self.label,
            "cite": self.cite,
            "old_due": self.old_due.isoformat(),
            "new_due": self.new_due.isoformat() if self.new_due else None,
            "why": self.why,
        }


@dataclass(frozen=True)
class Outcome:
    """What the plan does (or did) to one case; ``refused`` says why it stays."""

    case_id: int
    title: str
    from_version: str
    to_version: str
    state_before: str
    state_after: str | None
    deadlines: tuple[Moved, ...] = ()
    refused: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "case_id": self.case_id,
            "title": self.title,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "state_before": self.state_before,
            "state_after": self.state_after,
            "deadlines": [m.as_dict() for m in self.deadlines],
            "refused": self.refused or None,
        }


def check_plan(plan: Plan, actor: Actor) -> Process:
    """The target version, after checking who asks and that the plan names real things."""
    if not actor.roles & MAY_MIGRATE:
        raise Refused(
            [Refusal("authority", CITE, "only the RCSC or an administrator migrates cases")]
        )
    if plan.process not in registry.keys():
        raise Refused([Refusal("field", CITE, f"unknown process '{plan.process}'", "process")])
    known = [p.version for p in registry.versions(plan.process)]
    for name, value in (("to", plan.to_version), ("from", plan.from_version)):
        if value and value not in known:
            raise Refused(
                [
                    Refusal(
                        "field",
                        CITE,
                        f"{name}: no version '{value}' of {plan.process} "
                        f"(one of {', '.join(known)})",
                        name,
                    )
                ]
            )
    target = registry.version(plan.process, plan.to_version)
    if plan.from_version and known.index(plan.from_version) >= known.index(plan.to_version):
        raise Refused([Refusal("field", CITE, "a migration goes to a later version only", "to")])
    old_states = {s.name for p in registry.versions(plan.process) for s in p.states}
    for old, new in plan.states.items():
        if old not in old_states or new not in target.state_by_name:
            raise Refused(
                [
                    Refusal(
                        "field",
                        CITE,
                        f"map: '{old}={new}' must map a state of {plan.process} to a state "
                        f"of {target.version}",
                        "map",
                    )
                ]
            )
    return target


def candidates(session: Session, plan: Plan) -> list[Case]:
    """Open cases of the process on an earlier version (or the one named), oldest first."""
    earlier = [p.version for p in registry.versions(plan.process)]
    earlier = earlier[: earlier.index(plan.to_version)]
    wanted = [plan.from_version] if plan.from_version else earlier
    stmt = select(Case).where(
        Case.process == plan.process,
        Case.process_version.in_(wanted),  # type: ignore[attr-defined]
        Case.closed_at.is_(None),  # type: ignore[union-attr]
    )
    if plan.case_ids:
        stmt = stmt.where(Case.id.in_(plan.case_ids))  # type: ignore[union-attr]
    return list(session.exec(stmt.order_by(Case.id)).all())  # type: ignore[arg-type]


def dry_run(session: Session, plan: Plan, actor: Actor, now: datetime) -> list[Outcome]:
    """What applying ``plan`` now would do to each case it touches; nothing is written."""
    target = check_plan(plan, actor)
    cal = calendar_store.load(session)
    return [
        _outcome(case, target, plan, cal, _armed(session, case))
        for case in candidates(session, plan)
    ]


def migrate_case(
    session: Session, case_id: int, plan: Plan, actor: Actor, now: datetime
) -> Outcome:
    """Move one case by ``plan`` inside the caller's transaction (commit per case); a
    refused one is returned untouched, one already moved is not a candidate."""
    target = check_plan(plan, actor)
    case = session.exec(
        select(Case).where(Case.id == case_id).with_for_update()  # type: ignore[arg-type]
    ).first()
    if case is None or case.id not in {c.id for c in candidates(session, plan)}:
        raise Refused([Refusal("state", CITE, f"case {case_id} is not one this plan moves")])
    cal = calendar_store.load(session)
    armed = _armed(session, case)
    out = _outcome(case, target, plan, cal, armed)
    if out.refused:
        return out
    rows = {r.kind: (r, ev) for r, ev in armed}
    for moved in out.deadlines:
        row, ev = rows[moved.kind]
        if moved.new_due is None:
            row.status, row.settled_at = deadlines.CANCELLED, now
            row.note = f"not set by version {target.version} (migrated)"
        else:
            basis, amount, unit = _new_term(case, target, row, ev) or (
                row.basis_on,
                row.amount,
                row.unit,
            )
            row.basis_on, row.amount, row.unit, row.due_on = basis, amount, unit, moved.new_due
            row.cite = moved.cite
        session.add(row)
    before = case.state
    written = {
        "state": out.state_after,
        "process_version": target.version,
        "version": case.version + 1,
        "updated_at": now,
    }
    done = session.execute(
        sa.update(Case)
        .where(Case.id == case.id, Case.version == case.version)  # type: ignore[arg-type]
        .values(**written)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Refused([Refusal("state", CITE, f"case {case_id} changed meanwhile; run again")])
    session.expire(case)
    audit.append(
        session,
        case_id=case.id,
        now=now,
        actor=actor.username,
        role=R.RCSC if R.RCSC in actor.roles else R.ADMIN,
        trigger=MIGRATE_VERSION,
        from_state=before,
        to_state=out.state_after or before,
        fields={
            "from_version": out.from_version,
            "to_version": target.version,
            "plan_hash": plan.digest,
            "deadlines": [m.as_dict() for m in out.deadlines],
        },
        cite=CITE,
        process=case.process,
        process_version=target.version,
    )
    return out


def apply(engine: sa.Engine, plan: Plan, actor: Actor, now: datetime) -> list[Outcome]:
    """Move every case the plan names, each in a transaction of its own: a refused case
    stays on its version and the others move."""
    with reading(engine) as s:
        check_plan(plan, actor)
        ids = [c.id for c in candidates(s, plan)]
    out = []
    for case_id in ids:
        with transaction(engine) as s:
            out.append(migrate_case(s, case_id, plan, actor, now))  # type: ignore[arg-type]
    return out


CSV_HEAD = (
    "case",
    "title",
    "from_version",
    "to_version",
    "state_before",
    "state_after",
    "deadline",
    "cite",
    "due_old",
    "due_new",
    "why_new",
    "refused",
)


def csv_rows(outcomes: Iterable[Outcome]) -> list[list[object]]:
    """The dry run as a spreadsheet's lines (CSV_HEAD): one per deadline, or one per case
    without an armed deadline."""
    out: list[list[object]] = []
    for o in outcomes:
        head = [o.case_id, o.title, o.from_version, o.to_version, o.state_before]
        head.append(o.state_after or "")
        if not o.deadlines:
            out.append([*head, "", "", "", "", "", o.refused])
        for m in o.deadlines:
            new = m.new_due.isoformat() if m.new_due else "cancelled"
            out.append([*head, m.label, m.cite, m.old_due.isoformat(), new, m.why, o.refused])
    return out


# ------------------------------------------------------------------ the reckoning

# An armed deadline with the audit event of the step that armed it (None: an effect armed it).
Armed = tuple[Deadline, AuditEvent | None]


def _armed(session: Session, case: Case) -> list[Armed]:
    """The case's armed deadlines, each with the step that armed it: that step wrote its
    event in the same moment, and one of the process's versions arms that kind at that step
    (several steps may share the moment). The events of those moments are read in one
    query for the case, however many deadlines and questions the reckoning asks of them."""
    rows = deadlines.armed(session, case.id or 0)
    stamps = sorted({audit.rfc3339(row.armed_at) for row in rows})
    events = (
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.at.in_(stamps))  # type: ignore[attr-defined]
            .order_by(AuditEvent.seq.desc())  # type: ignore[attr-defined]
        ).all()
        if stamps
        else []
    )
    return [(row, _arming_event(case, row, events)) for row in rows]


def _arming_event(case: Case, row: Deadline, events: Sequence[AuditEvent]) -> AuditEvent | None:
    """Of ``events`` (newest first), the step that armed ``row`` (see ``_armed``)."""
    at = audit.rfc3339(row.armed_at)
    for ev in events:
        if ev.at == at and any(
            a.kind == row.kind
            for p in registry.versions(case.process)
            for s in p.steps_from(ev.from_state, ev.trigger)
            for a in s.arms
        ):
            return ev
    return None


def _outcome(
    case: Case, target: Process, plan: Plan, cal: WorkingCalendar, armed: list[Armed]
) -> Outcome:
    base = dict(
        case_id=case.id or 0,
        title=case.title,
        from_version=case.process_version,
        to_version=target.version,
        state_before=case.state,
    )
    after = plan.states.get(case.state) or (
        case.state if case.state in target.state_by_name else None
    )
    if after is None:
        return Outcome(
            **base,  # type: ignore[arg-type]
            state_after=None,
            refused=f"state '{case.state}' has no counterpart in {target.version}: map it "
            f"explicitly (--map {case.state}=STATE)",
        )
    typed = _typed_names(case, target, after)
    if typed:
        return Outcome(**base, state_after=after, refused=typed)  # type: ignore[arg-type]
    moved: list[Moved] = []
    for row, ev in armed:
        if row.on_timeout and not target.steps_from(after, row.on_timeout):
            return Outcome(
                **base,  # type: ignore[arg-type]
                state_after=after,
                refused=f"'{row.label}' fires '{row.on_timeout}' when missed, which "
                f"{target.version} does not offer from '{after}'",
            )
        term = _new_term(case, target, row, ev)
        if term is None:
            why = f"version {target.version} sets no '{row.label}' at the step that armed it"
            moved.append(Moved(row.kind, row.label, row.cite, row.due_on, None, why))
            continue
        basis, amount, unit = term
        counted = deadlines.count(cal, basis, amount, unit)
        arm = _arm_of(target, row, ev)
        moved.append(
            Moved(
                row.kind,
                row.label,
                arm.cite if arm else row.cite,
                row.due_on,
                counted.due,
                counted.explain() + _unrecorded(case, target, row, ev),
            )
        )
    return Outcome(**base, state_after=after, deadlines=tuple(moved))  # type: ignore[arg-type]


def _typed_names(case: Case, target: Process, state: str) -> str:
    """Why the case cannot move while ``target`` gives a step open from ``state`` only to
    the accounts the case names (``Guard.named_in``; 19.8.2.2: the investigators chosen)
    and the case holds them as the names an earlier version typed ("" if it can).

    19.3.5 ("A person related to or prejudicial against a respondent civil servant shall
    not be a member of ... the Investigating Committee") is why the later version takes
    accounts, each checked against the recusals on the case. Reading: a typed name is no
    account, and the migration does not guess one (the Disciplinary Committee chose the
    investigators, 19.8.2.2(v); the RCSC moving the case does not re-choose them), nor lets
    the typed value stand (the rule would then match no one, or anyone). So such a case
    stays on its version, its investigation going on under the rules it began under, and
    moves once the stage is past (the report in, 19.8.2.2(x)); the dry run says so."""
    data = json.loads(case.data or "{}")
    for step in target.steps_from(state):
        for guard in step.guards:
            value = data.get(guard.named_in) if guard.named_in else None
            if not value or isinstance(value, list):
                continue
            label = next(
                (
                    f.label
                    for s in target.steps
                    for f in s.fields
                    if f.name == guard.named_in and f.type == "users"
                ),
                guard.named_in,
            )
            return (
                f"'{label}' was recorded under {case.process_version} as typed names "
                f"({value!r}); {target.version} gives {step.label} (BCSR {guard.cite}) only to "
                "the accounts the case names, each checked against the recusals on the case "
                f"(BCSR 19.3.5): the case stays on {case.process_version} until that stage "
                "is past"
            )
    return ""


def _arm_of(target: Process, row: Deadline, ev: AuditEvent | None) -> Arm | None:
    """The deadline ``target`` arms of ``row``'s kind at the step ``ev`` recorded."""
    if ev is None:
        return None
    for step in target.steps_from(ev.from_state, ev.trigger):
        if step.dest != ev.to_state:
            continue
        for arm in step.arms:
            if arm.kind == row.kind:
                return arm
    return None


def _new_term(
    case: Case, target: Process, row: Deadline, ev: AuditEvent | None
) -> tuple[date, int, str] | None:
    """``row``'s start, length and unit as ``target`` sets them at the step that armed it
    (``ev``; None: it sets none). A deadline an effect armed (no step's rule) keeps its term."""
    if ev is None:
        return row.basis_on, row.amount, row.unit
    arm = _arm_of(target, row, ev)
    if arm is None:
        return None
    fields = json.loads(ev.fields)
    data = json.loads(case.data)
    return deadlines.basis_and_amount(arm, fields, data, bhutan_today(row.armed_at))


def _unrecorded(case: Case, target: Process, row: Deadline, ev: AuditEvent | None) -> str:
    """The date field the new rule counts from, when the case never recorded it (the
    count then starts on the day of the step that armed it, and the dry run says so)."""
    arm = _arm_of(target, row, ev)
    if arm is None or ev is None or not arm.from_field:
        return ""
    if json.loads(ev.fields).get(arm.from_field) or json.loads(case.data).get(arm.from_field):
        return ""
    return (
        f" The new rule counts from '{arm.from_field}', which this case has not recorded: "
        "counted from the day of the step that armed it."
    )
