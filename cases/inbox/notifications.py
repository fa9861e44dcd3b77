"""The in-app inbox: who is told what, and when.

Three notices, each citing the rule behind it:

- action needed: after a step, each user who may take a step the case now waits for
  (cases.inbox.next_actors: role, competent agency, recusal, 19.3.4-19.3.7), except the one who
  just acted;
- deadline near: an armed deadline two working days away, to those who can settle it;
- deadline missed: to the HRC chairperson(s) answerable for the case (19.3.4), with who must
  act now.

``key`` makes each notice once per user ("action:<case>:<version>", "near:<deadline>",
"missed:<deadline>"): a sweep run twice, or by two workers, adds nothing, and a duplicate is
skipped by the database (ON CONFLICT DO NOTHING) without aborting the caller's transaction.
When SMTP is configured (cases.inbox.mailer) and the user has an address, the notice is also
queued for e-mail; the sweeper sends it after the transaction, never inside it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import calendar_store, hooks, queries, service
from cases.core.db import transaction
from cases.core.models import Case, Deadline, Notification, Recusal, User
from cases.inbox import mailer, next_actors
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today, long_date
from workflows.context import Actor, Context
from workflows.declarations import Step

log = logging.getLogger("drukflow.notifications")

ACTION, NEAR, MISSED = "action_needed", "deadline_near", "deadline_missed"
NEAR_WORKING_DAYS = 2
_CHUNK = 500  # rows per INSERT (SQLite caps the bound parameters of one statement)


@dataclass(frozen=True)
class Notice:
    user_id: int
    case_id: int | None
    kind: str
    text: str
    cite: str
    key: str


# ------------------------------------------------------------------ writing


def add(session: Session, notices: Sequence[Notice], now: datetime) -> int:
    """Insert the notices a user does not have yet (by key); returns how many were new."""
    if not notices:
        return 0
    emails: dict[int, str] = {}
    if mailer.configured():
        ids = {n.user_id for n in notices}
        emails = {
            uid: email
            for uid, email in session.exec(
                select(User.id, User.email).where(User.id.in_(ids))  # type: ignore[union-attr]
            ).all()
            if uid is not None and email
        }
    rows = [
        {
            "user_id": n.user_id,
            "case_id": n.case_id,
            "kind": n.kind,
            "text": n.text,
            "cite": n.cite[:32],
            "key": n.key,
            "created_at": now,
            "email_status": "pending" if n.user_id in emails else "",
        }
        for n in notices
    ]
    return sum(_insert_new(session, rows[i : i + _CHUNK]) for i in range(0, len(rows), _CHUNK))


_TABLE = Notification.__table__  # type: ignore[attr-defined]
# Insert what is new and skip what the user has (unique user_id, key). Built once and run
# with the rows as parameters, so every step reuses one compiled statement. SQLite counts
# the rows inserted in the cursor's rowcount; psycopg reports none for an executemany, so
# PostgreSQL counts the ids RETURNING gives back.
_COLUMNS = ("user_id", "case_id", "kind", "text", "cite", "key", "created_at", "email_status")


def _sqlite_insert_new() -> sa.TextClause:
    """SQLAlchemy leaves ON CONFLICT out of its statement cache (it would compile it on
    every step), so SQLite's statement is rendered once into text with typed parameters."""
    stmt = (
        sqlite.insert(_TABLE)
        .values({c: sa.bindparam(c) for c in _COLUMNS})
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
    )
    sql = str(stmt.compile(dialect=sqlite.dialect(paramstyle="named")))
    return sa.text(sql).bindparams(*[sa.bindparam(c, type_=_TABLE.c[c].type) for c in _COLUMNS])


_INSERT_NEW = {
    "sqlite": _sqlite_insert_new(),
    "postgresql": postgresql.insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["user_id", "key"])
    .returning(_TABLE.c.id),
}


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    name = session.get_bind().dialect.name
    stmt = _INSERT_NEW.get(name)
    if name == "sqlite":
        return int(session.connection().execute(stmt, rows).rowcount)  # type: ignore[attr-defined]
    if stmt is not None:
        return len(session.connection().execute(stmt, rows).all())
    # Other databases: check, then insert, inside the caller's transaction.
    have = set(
        session.exec(
            select(Notification.user_id, Notification.key).where(
                Notification.key.in_({r["key"] for r in rows})  # type: ignore[attr-defined]
            )
        ).all()
    )
    new = [r for r in rows if (r["user_id"], r["key"]) not in have]
    if new:
        session.execute(sa.insert(_TABLE), new)
    return len(new)


def _safely(session: Session, what: str, make: Any, *args: Any) -> int:
    """A notice must never cost the step or the sweep that caused it: a failure here is
    logged and rolled back to a savepoint, and the case moves on.

    The savepoint is the connection's, not the session's (a session's savepoint costs a
    flush and its own bookkeeping on every step): the session is flushed first and not
    flushed inside, so the savepoint holds the notices' own statements only."""
    session.flush()
    savepoint = session.connection().begin_nested()
    try:
        with session.no_autoflush:
            made = int(make(session, *args))
    except Exception:
        savepoint.rollback()
        log.exception("could not create %s notices", what)
        return 0
    savepoint.commit()
    return made


def _case_ref(case: Case) -> str:
    return f"Case #{case.id} ({case.title})"


def _steps_text(steps: Iterable[Step]) -> str:
    return " or ".join(f"{s.label} (BCSR {s.cite})" for s in steps)


# ------------------------------------------------------------------ after a step


def after_step(
    session: Session,
    case: Case,
    from_state: str,
    actor: Actor,
    now: datetime,
    ctx: Context,
) -> int:
    """Settle the notices the step answered and tell each user the case now waits for
    (service.fire calls it through core.hooks, in its transaction, with the case's context
    in its new state).

    A step that stays in its stage (a suspension, an appraisal received) leaves the case
    waiting for the same steps; those users were told when it entered the stage."""
    return _safely(session, "step", _step_notices, case, from_state, actor, now, ctx)


def _step_notices(
    session: Session, case: Case, from_state: str, actor: Actor, now: datetime, ctx: Context
) -> int:
    """Both halves under one savepoint: a failure loses the step's notices, never the step."""
    _settle(session, case, from_state, now, ctx)
    if case.state == from_state:
        return 0
    return _action_notices(session, case, actor, now, ctx)


def _settle(session: Session, case: Case, from_state: str, now: datetime, ctx: Context) -> int:
    """A "waits for you" notice is settled once the case no longer waits for its user: the
    step was taken (by anyone) or the case moved on. A deadline's notices (near, missed) are
    settled once the deadline is no longer owed (met, late, cancelled, or taken by the
    timer). Settled notices leave the unread count and stay in the inbox's history."""
    params: dict[str, Any] = {"b_now": now, "b_case": case.id}
    if case.state == from_state:  # still waiting for those it waited for, if they may act
        params["still"] = sorted(next_actors.users_to_act(session, case, now, ctx))
        result = session.connection().execute(_SETTLE_SOME, params)
    else:
        result = session.connection().execute(_SETTLE_ALL, params)
    return int(result.rowcount)  # type: ignore[attr-defined]


def _settle_statement(answered: Any) -> Any:
    """One UPDATE per step, built once: the case's open "waits for you" notices that
    ``answered`` selects, and its near/missed notices whose deadline is no longer owed (their
    key is "near:<deadline id>" or "missed:<deadline id>")."""
    n, d = _TABLE.c, Deadline.__table__.c  # type: ignore[attr-defined]
    owed_no_more = sa.and_(
        d.case_id == sa.bindparam("b_case"),
        d.status != "armed",
        ~sa.and_(d.status == "missed", d.settled_at.is_(None), d.fired_at.is_(None)),
    )
    keys = sa.union_all(
        *(
            sa.select(sa.literal(prefix) + sa.cast(d.id, sa.String)).where(owed_no_more)
            for prefix in ("near:", "missed:")
        )
    )
    return (
        sa.update(_TABLE)
        .where(
            n.case_id == sa.bindparam("b_case"),
            n.settled_at.is_(None),
            sa.or_(
                sa.and_(n.kind == ACTION, answered),
                sa.and_(n.kind.in_((NEAR, MISSED)), n.key.in_(keys)),
            ),
        )
        .values(settled_at=sa.bindparam("b_now"))
    )


def _action_notices(session: Session, case: Case, actor: Actor, now: datetime, ctx: Context) -> int:
    waiting = next_actors.users_to_act(session, case, now, ctx)
    notices = [
        Notice(
            user_id,
            case.id,
            ACTION,
            f"{_case_ref(case)} waits for you: {_steps_text(steps)}",
            steps[0].cite,
            f"action:{case.id}:{case.version}",
        )
        for user_id, steps in sorted(waiting.items())
        if user_id != actor.user_id
    ]
    return add(session, notices, now)


# ------------------------------------------------------------------ deadlines


def _days_phrase(n: int) -> str:
    if n == 0:
        return "today"
    return f"{n} working day{'s' if n != 1 else ''}"


# Deadline ids already noticed, per database (notices are never deleted, so a deadline once
# noticed stays noticed): spares every sweep the lookup of notices already made.
_noticed: dict[str, set[int]] = {}


def sweep_near(engine: Engine, now: datetime) -> int:
    """Notices for armed deadlines at most two working days away, each deadline in its own
    transaction (one that fails does not hold back the rest). Only the deadlines due in that
    window are read (index on status, due_on), and those already noticed are skipped before
    anyone is looked up, so a sweep every minute stays cheap."""
    today = bhutan_today(now)
    url = str(engine.url)
    with transaction(engine) as s:
        cal = calendar_store.load(s)
        # The last day at most two working days away: the day before the third working day
        # (a calendar-day deadline may fall on the weekend after the second).
        last = cal.add_working_days(today, NEAR_WORKING_DAYS + 1) - timedelta(days=1)
        near = set(
            s.exec(
                select(Deadline.id).where(
                    Deadline.status == "armed",
                    Deadline.due_on >= today,  # type: ignore[operator]
                    Deadline.due_on <= last,  # type: ignore[operator]
                )
            ).all()
        )
        seen = _noticed.get(url, set()) & near
        todo = sorted(near - seen)
        if todo:
            done = s.exec(
                select(Notification.key).where(
                    Notification.key.in_([f"near:{d}" for d in todo])  # type: ignore[attr-defined]
                )
            ).all()
            seen |= {int(k.split(":")[1]) for k in done}
    _noticed[url] = seen
    made = 0
    for deadline_id in todo:
        if deadline_id in seen:
            continue
        try:
            with transaction(engine) as s:
                made += _near_notices(s, deadline_id, today, now)
            seen.add(deadline_id)
        except Exception:  # one bad deadline must not hold back the others; next sweep retries
            log.exception("deadline %s: could not create near notices", deadline_id)
    return made


def _near_notices(session: Session, deadline_id: int, today: date, now: datetime) -> int:
    row = session.get(Deadline, deadline_id)
    if row is None or row.status != "armed":
        return 0
    case = session.get(Case, row.case_id)
    assert case is not None
    n = calendar_store.load(session).working_days_between(today, row.due_on)
    if not 0 <= n <= NEAR_WORKING_DAYS:
        return 0
    text = (
        f"{_case_ref(case)}: due on {long_date(row.due_on)} ({_days_phrase(n)}): "
        f"{row.label} (BCSR {row.cite})"
    )
    key = f"near:{row.id}"
    return add(
        session,
        [
            Notice(u, case.id, NEAR, text, row.cite, key)
            for u in _near_users(session, case, row, now)
        ],
        now,
    )


def _near_users(session: Session, case: Case, row: Deadline, now: datetime) -> list[int]:
    """Those who can settle the deadline; else anyone the case waits for; else (no one can
    act, e.g. a timer-only date) the civil servant concerned and their agency's HR officers."""
    waiting = next_actors.users_to_act(session, case, now)
    settling = [u for u, steps in waiting.items() if any(row.kind in s.settles for s in steps)]
    if settling or waiting:
        return sorted(settling or waiting)
    users = session.exec(
        select(User).where(
            User.active == True,  # noqa: E712
            sa.or_(User.employee_eid == case.subject_eid, User.agency_code == case.agency_code),
        )
    ).all()
    return sorted(
        u.id
        for u in users
        if u.id is not None
        and (
            (u.employee_eid == case.subject_eid and u.role_set & R.SELF)
            or (u.agency_code == case.agency_code and R.HR_OFFICER in u.role_set)
        )
    )


def deadline_missed(session: Session, row: Deadline, now: datetime) -> int:
    """Tell the HRC chairperson(s) a deadline was missed (the sweep calls it through
    core.hooks, in the transaction that marks it missed, after any timeout step it fired)."""
    return _safely(session, "missed", _missed_notices, row, now)


def _missed_notices(session: Session, row: Deadline, now: datetime) -> int:
    case = session.get(Case, row.case_id)
    assert case is not None
    actions = next_actors.next_actions(session, case, now)
    text = (
        f"{_case_ref(case)}: deadline missed: {row.label} (BCSR {row.cite}) "
        f"was due on {long_date(row.due_on)}."
    )
    if row.fired_at is not None and row.on_timeout:
        timeout = next(
            (s for s in registry.for_case(case).steps if s.trigger == row.on_timeout), None
        )
        if timeout is not None:
            text += f" The timer took the step the rule provides: {timeout.label}."
    if actions:
        by_who: dict[str, list[str]] = {}
        for a in actions:
            by_who.setdefault(a.who(), []).append(f"{a.label} (BCSR {a.cite})")
        text += " Now for " + "; for ".join(
            f"{who}: {' or '.join(labels)}" for who, labels in by_who.items()
        )
        text += "."
    else:
        text += f" The case is now {registry.for_case(case).state(case.state).label}."
    recipients = chairpersons(session, case, actions)
    key = f"missed:{row.id}"
    return add(session, [Notice(u, case.id, MISSED, text, row.cite, key) for u in recipients], now)


def chairpersons(
    session: Session, case: Case, actions: Sequence[next_actors.NextAction]
) -> list[int]:
    """Who answers for a missed deadline: the HRC chairperson of the case's agency (its HRC
    is the Disciplinary Committee, 19.3.4, and decides the agency's HR matters), and the
    chairperson of every other body competent for what the case now waits for, as the
    process's own authority says (a receiving agency, 13.6.5; a parent ministry hearing an
    appeal, 19.3.7). Where that body is the RCSC (executives and specialists, 19.3.6; appeals
    from agencies, 19.3.7; EOL for EX, 8.12.16(i)) the case's agency may be an ordinary
    agency, so the RCSC's own officers are told too: its users holding hrc_chair or rcsc.
    An agency with no chairperson user falls back to its HR officers, so a miss is never
    told to no one. Never to a member recused on the case (19.3.5: "shall not be a member"
    for it; a chairperson who stepped aside hands over to the HR officers) nor to the civil
    servant the case is about."""
    agencies = {case.agency_code} | {a for act in actions for a in act.agencies}
    users = session.exec(
        select(User).where(
            User.active == True,  # noqa: E712
            User.agency_code.in_(agencies),  # type: ignore[union-attr]
        )
    ).all()
    recused = set(session.exec(select(Recusal.user_id).where(Recusal.case_id == case.id)).all())
    out: set[int] = set()
    for agency in agencies:
        staff = [
            u
            for u in users
            if u.agency_code == agency
            and u.id is not None
            and u.id not in recused
            and u.employee_eid != case.subject_eid
        ]
        wanted = {R.HRC_CHAIR, R.RCSC} if agency == R.RCSC_AGENCY else {R.HRC_CHAIR}
        chairs = {u.id for u in staff if u.role_set & wanted}
        if not chairs and agency == case.agency_code:
            chairs = {u.id for u in staff if R.HR_OFFICER in u.role_set}
        out |= chairs  # type: ignore[arg-type]
    return sorted(out)


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class InboxItem:
    notice: Notification
    case_visible: bool  # link the case only while the user may still see it


# The navigation counts a user's unread notices this far, then says "99+": it is on every
# page, and a count of thousands (a committee member after months away) would read each one.
NAV_MOST = 99


def unread_count(session: Session, user_id: int, most: int | None = None) -> int:
    """The user's unread notices (neither read nor settled); with ``most``, counted no
    further than one past it."""
    unread = select(Notification.id).where(
        Notification.user_id == user_id,
        Notification.read_at.is_(None),  # type: ignore[union-attr]
        Notification.settled_at.is_(None),  # type: ignore[union-attr]
    )
    if most is not None:
        unread = unread.limit(most + 1)
    return int(session.exec(select(sa.func.count()).select_from(unread.subquery())).one())


def inbox(session: Session, actor: Actor, limit: int = 200) -> list[InboxItem]:
    """The user's own notices, unread and unsettled first, then newest (settled ones stay
    readable as history)."""
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == actor.user_id)
        .order_by(
            sa.case(  # open and unread first, then the history
                (
                    sa.and_(Notification.read_at.is_(None), Notification.settled_at.is_(None)),  # type: ignore[union-attr]
                    0,
                ),
                else_=1,
            ),
            Notification.created_at.desc(),  # type: ignore[attr-defined]
            Notification.id.desc(),  # type: ignore[union-attr]
        )
        .limit(limit)
    ).all()
    case_ids = {n.case_id for n in rows if n.case_id is not None}
    visible: set[int] = set()
    if case_ids:
        visible = set(
            session.exec(
                select(Case.id).where(
                    Case.id.in_(case_ids),  # type: ignore[union-attr]
                    queries.visibility(actor),
                )
            ).all()  # type: ignore[arg-type]
        )
    return [InboxItem(n, n.case_id in visible) for n in rows]


def mark_read(session: Session, user_id: int, notice_id: int, now: datetime) -> Notification:
    """Another user's notice is answered as not found, like an invisible case."""
    row = session.get(Notification, notice_id)
    if row is None or row.user_id != user_id:
        raise service.NotFound(f"notice {notice_id} not found")
    if row.read_at is None:
        row.read_at = now
        session.add(row)
        session.flush()
    return row


def mark_all_read(session: Session, user_id: int, now: datetime) -> int:
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(read_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# The core calls these through its hooks (it never imports the inbox): once per import.
for _hooks, _listener in (
    (hooks.AFTER_STEP, after_step),
    (hooks.BEFORE_SWEEP, sweep_near),
    (hooks.DEADLINE_MISSED, deadline_missed),
):
    if _listener not in _hooks:
        _hooks.append(_listener)


_SETTLE_ALL = _settle_statement(sa.true())
_SETTLE_SOME = _settle_statement(_TABLE.c.user_id.not_in(sa.bindparam("still", expanding=True)))
