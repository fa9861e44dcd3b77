"""The work queue, every user's home page: what waits for me, and by when.

"Waiting for you": the open cases where a step the case waits for (``next_actors``) is open
to this user now, with role, competent agency and recusal applied exactly as when they act
(``Process.available``, 19.3.4-19.3.7, 19.3.5); most urgent first, by the deadline the step
settles. "Waiting for others": the open cases the user follows (their own, those they acted
on, those they were told about) that wait for someone else, with who that is.

A page costs what it shows, however many cases the database holds: the cases are found by
walking who each case waits for (``cases.core.waiting``) by the user's roles and agency in
due order, and only the page's cases are then worked out in full, as when the user acts.
The counts stop at ``COUNT_CAP`` ("more than 1,000"): a count past that would cost every
case, and no one reads a thousand cases from one list. Each list is shown ``PAGE`` rows a
page, up to the count's cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import calendar_store, contexts, deadlines, queries, waiting
from cases.core.models import (
    Agency,
    AuditEvent,
    Case,
    CivilServant,
    Deadline,
    Notification,
    Recusal,
    User,
)
from cases.core.waiting import waiting_steps
from cases.inbox.next_actors import NextAction, expected, next_actions
from workflows import registry
from workflows import roles as R
from workflows.calendar import WorkingCalendar, bhutan_today
from workflows.context import Actor
from workflows.declarations import Step

PAGE = 50  # rows per page of a tab; the counts say how many there are in all
COUNT_CAP = 1000  # the counts stop here, and so do the pages
LAST_PAGE = COUNT_CAP // PAGE


@dataclass(frozen=True)
class Due:
    """The deadline a waiting step settles, as the queue shows it."""

    label: str
    cite: str
    due_on: date
    left: int  # negative: overdue by that many
    unit: str  # "working days" or "days", as the rule counts

    @property
    def overdue(self) -> bool:
        return self.left < 0

    def phrase(self) -> str:
        """ "3 working days left", "due today", "overdue by 2 days"."""
        n = abs(self.left)
        unit = self.unit[:-1] if n == 1 else self.unit
        if self.left == 0:
            return "due today"
        return f"overdue by {n} {unit}" if self.left < 0 else f"{n} {unit} left"


@dataclass(frozen=True)
class Holder:
    """Who must act next: the role and agency, and the active users holding them."""

    who: str
    step: str
    cite: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    case: Case
    subject_name: str
    state_label: str
    steps: tuple[Step, ...] = ()  # Waiting for you: the steps open to the viewer
    holders: tuple[Holder, ...] = ()  # Waiting for others: who must act
    due: Due | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due.overdue


@dataclass
class Queue:
    mine: list[Item] = field(default_factory=list)
    others: list[Item] = field(default_factory=list)
    empty_reason: str = ""
    mine_total: int = 0  # the lists show a page of ``per_page`` rows each
    others_total: int = 0
    mine_more: bool = False  # more than COUNT_CAP: mine_total is COUNT_CAP
    others_more: bool = False
    others_read: bool = True  # False: "Waiting for others" was not asked for
    page: int = 1
    per_page: int = PAGE

    @property
    def first_shown(self) -> int:
        """The place in the whole list of the page's first row (1 for the first page)."""
        return (self.page - 1) * self.per_page + 1

    def pages(self, tab: str) -> int:
        """How many pages the tab's list fills (its count is capped, and so are they)."""
        total = self.mine_total if tab == "mine" else self.others_total
        return max(1, -(-total // self.per_page))

    @property
    def mine_count(self) -> str:
        return f"more than {COUNT_CAP:,}" if self.mine_more else f"{self.mine_total:,}"

    @property
    def others_count(self) -> str:
        if not self.others_read:
            return ""
        return f"more than {COUNT_CAP:,}" if self.others_more else f"{self.others_total:,}"


@dataclass(frozen=True)
class Filters:
    process: str | None = None
    state: str | None = None
    overdue: bool = False
    agency: str | None = None

    def any(self) -> bool:
        return bool(self.process or self.state or self.overdue or self.agency)


def work_queue(
    session: Session,
    actor: Actor,
    now: datetime,
    filters: Filters,
    *,
    others: bool = True,
    page: int = 1,
    per_page: int | None = None,
) -> Queue:
    """The viewer's two lists, most urgent first, page ``page`` of each (``per_page`` rows);
    "Waiting for others" only when ``others`` (the page's tab shows it): it starts from every
    case the viewer ever acted on or was told about, so it costs what they follow, and a
    page that does not show it skips it. A later page costs the pages before it too (the
    rows a page shows are checked as when the viewer acts, in due order), up to COUNT_CAP."""
    per_page = per_page or PAGE
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    found, mine_more = _waiting_for(session, actor, filters, today)
    end = page * per_page
    mine: list[Item] = []
    checked = 0
    while len(mine) < end and checked < len(found):
        chunk = [case_id for case_id, _ in found[checked : checked + per_page]]
        checked += len(chunk)
        mine += _mine_items(session, actor, _cases(session, chunk), now, cal, today, filters)
    refused = checked - len(mine)  # rows whose steps the full check did not offer the viewer
    mine_total = COUNT_CAP if mine_more else len(found) - refused
    everything = len(mine)
    mine = sorted(mine, key=_urgency)[end - per_page : end]
    queue = Queue(
        mine,
        [],
        "" if everything else empty_reason(session, actor, filters),
        max(mine_total, everything),
        mine_more=mine_more,
        others_read=others,
        page=page,
        per_page=per_page,
    )
    if others:
        followed, queue.others_more = _followed(session, actor, filters, today)
        shown = followed[end - per_page : end]
        items = _others_items(session, _cases(session, shown), now, cal, today, filters)
        total = COUNT_CAP if queue.others_more else len(followed) - (len(shown) - len(items))
        queue.others = sorted(items, key=_urgency)
        queue.others_total = max(total, len(items))
    return queue


def _mine_items(
    session: Session,
    actor: Actor,
    picked: Sequence[tuple[Case, str]],
    now: datetime,
    cal: WorkingCalendar,
    today: date,
    filters: Filters,
) -> list[Item]:
    """The cases whose waiting rows name the viewer, checked as when they act: the steps
    open to them that the case waits for, and the deadline those steps settle."""
    armed = contexts.armed_rows(session, [c.id for c, _ in picked])  # type: ignore[misc]
    found = contexts.many(session, [c for c, _ in picked], now, armed)
    out = []
    for case, name in picked:
        ctx = found[case.id]  # type: ignore[index]
        process = registry.for_case(case)
        waits = {s.trigger for s in waiting_steps(case, ctx.due)}
        steps = [
            s
            for s in process.available(case.state, actor, ctx)
            if s.trigger in waits and expected(s, actor.roles, ctx)
        ]
        if not steps:
            continue
        due = _due_for(steps, armed.get(case.id, []), cal, today)  # type: ignore[arg-type]
        if filters.overdue and not (due and due.overdue):
            continue
        out.append(Item(case, name, process.state(case.state).label, tuple(steps), due=due))
    return out


def _others_items(
    session: Session,
    picked: Sequence[tuple[Case, str]],
    now: datetime,
    cal: WorkingCalendar,
    today: date,
    filters: Filters,
) -> list[Item]:
    """The cases followed that wait for someone else, with who that is."""
    armed = contexts.armed_rows(session, [c.id for c, _ in picked])  # type: ignore[misc]
    found = contexts.many(session, [c for c, _ in picked], now, armed)
    actions = {c.id: next_actions(session, c, now, found[c.id]) for c, _ in picked}  # type: ignore[index]
    people = _people(session, [a for acts in actions.values() for a in acts])
    out = []
    for case, name in picked:
        acts = actions[case.id]
        if not acts:
            continue
        process = registry.for_case(case)
        kinds = {
            k for a in acts for s in process.steps_from(case.state, a.trigger) for k in s.settles
        }
        rows = [r for r in armed.get(case.id, []) if r.kind in kinds]  # type: ignore[arg-type]
        due = due_of(min(rows, key=lambda r: r.due_on), cal, today) if rows else None
        if filters.overdue and not (due and due.overdue):
            continue
        holders = tuple(Holder(a.who(), a.label, a.cite, tuple(people.get(a, ()))) for a in acts)
        out.append(Item(case, name, process.state(case.state).label, holders=holders, due=due))
    return out


def _urgency(item: Item) -> tuple[int, date, int]:
    """Overdue and soonest first; then cases with no deadline, oldest first."""
    if item.due is None:
        return (1, date.max, item.case.id or 0)
    return (0, item.due.due_on, item.case.id or 0)


def empty_reason(session: Session, actor: Actor, filters: Filters) -> str:
    """Why nothing waits for this user, in the words of what they do."""
    if filters.any():
        return "No case matching these filters waits for you."
    if R.APPELLATE in actor.roles and actor.agency and not actor.roles & R.AGENCY_STAFF:
        agency = session.get(Agency, actor.agency)
        body = agency.name if agency else actor.agency
        if R.RCSC not in actor.roles:
            return f"No appeal is before the {body}."
    if actor.roles <= R.SELF:
        return "Nothing waits for you: no step in your own cases is yours to take now."
    if R.INVESTIGATOR in actor.roles and not actor.roles & R.COMMITTEE:
        return "No investigation waits for you."
    return "No step is open to you on any case you can see."


# ------------------------------------------------------------------ walking the rows

W = waiting.TABLE.c
C = Case.__table__.c  # type: ignore[attr-defined]
_JOINED = waiting.TABLE.join(Case.__table__, C.id == W.case_id)  # type: ignore[attr-defined]


def _combos(actor: Actor) -> list[tuple[str, str, str]]:
    """The (role, agency, user) rows that name the viewer: a staff role they hold, in their
    agency or where no agency is named, and unnamed or naming them."""
    return [
        (role, agency, user)
        for role in sorted(actor.roles - R.SELF)
        for agency in sorted({actor.agency or "", ""})
        for user in sorted({actor.username, ""})
    ]


def _names(actor: Actor, w: Any, combo: tuple[str, str, str]) -> sa.ColumnElement[bool]:
    """Row ``w`` (of the case joined) names ``actor`` by ``combo``: not on a case they stepped
    aside from (19.3.5) or are the subject of (the respondent cannot act on their own case)."""
    role, agency, user = combo
    term = sa.and_(
        w.role == role,
        w.agency_code == agency,
        w.username == user,
        ~sa.exists().where(Recusal.case_id == w.case_id, Recusal.user_id == actor.user_id),  # type: ignore[arg-type]
    )
    return sa.and_(term, C.subject_eid != actor.employee_eid) if actor.employee_eid else term


def _own(actor: Actor, w: Any) -> sa.ColumnElement[bool] | None:
    """Row ``w`` is the respondent's or applicant's own step on their own case."""
    own = sorted(actor.roles & R.SELF)
    if not own or not actor.employee_eid:
        return None
    return sa.and_(w.role.in_(own), C.subject_eid == actor.employee_eid)


def _scope(actor: Actor, filters: Filters, today: date, w: Any = W) -> list[sa.ColumnElement[bool]]:
    """What the viewer may see and the filters ask for, of row ``w`` joined to its case."""
    where: list[sa.ColumnElement[bool]] = [queries.visibility(actor), C.closed_at.is_(None)]
    if filters.process:
        where.append(C.process == filters.process)
    if filters.state:
        where.append(C.state == filters.state)
    if filters.agency:
        where.append(C.agency_code == filters.agency)
    if filters.overdue:
        where.append(w.due_on < today)
    return where


def _waiting_for(
    session: Session, actor: Actor, filters: Filters, today: date
) -> tuple[list[tuple[int, date]], bool]:
    """(case id, soonest due date) of the cases waiting for the viewer, most urgent first,
    and whether there are more than ``COUNT_CAP``. One walk of the index per (role, agency,
    user) that names them, in due order, stopping past ``COUNT_CAP``; their own cases by
    employee ID."""
    scope = _scope(actor, filters, today)
    walks = [
        sa.select(W.case_id, W.due_on)
        .select_from(_JOINED)
        .where(_names(actor, W, combo), *scope)
        .order_by(W.due_on, W.case_id)
        .limit(COUNT_CAP + 1)
        for combo in _combos(actor)
    ]
    own = _own(actor, W)
    if own is not None:
        walks.append(sa.select(W.case_id, W.due_on).select_from(_JOINED).where(own, *scope))
    best: dict[int, date] = {}
    more = False
    conn = session.connection()
    for walk in walks:
        rows = conn.execute(walk).all()
        more = more or len(rows) > COUNT_CAP
        for case_id, due in rows:
            if case_id not in best or due < best[case_id]:
                best[case_id] = due
    ordered = sorted(best.items(), key=lambda kv: (kv[1], kv[0]))
    return (ordered[:COUNT_CAP], True) if more or len(ordered) > COUNT_CAP else (ordered, False)


# Cases the "Waiting for others" walk reads in due order before it turns to the cases the
# viewer follows one by one: a committee member follows a large share of the cases, so the
# walk meets the count's cap early; a viewer who follows few would walk far.
FOLLOWED_WALK = 20_000


def _followed(
    session: Session, actor: Actor, filters: Filters, today: date
) -> tuple[list[int], bool]:
    """The cases the viewer follows (their own, those they acted on, those they were told
    about) that wait for someone else, most urgent first; and whether more than
    ``COUNT_CAP``. Two plans give the same list: a walk of the first ``FOLLOWED_WALK`` cases
    in due order (``_walk_followed``), kept when it finds more than the cap or reaches the
    last case; else every case the viewer follows (an index each)."""
    sources = [
        sa.select(case_id).where(column == value) for case_id, column, value in _follows(actor)
    ]
    if actor.employee_eid:
        sources.append(select(Case.id).where(Case.subject_eid == actor.employee_eid))
    conn = session.connection()
    ids, complete = _walk_followed(conn, actor, filters, today)
    if not complete:
        follows = sa.union(*sources).subquery("follows")
        rows = follows.join(_JOINED, C.id == follows.c[0])
        ids = [
            case_id for case_id, _ in conn.execute(_followed_query(actor, filters, today, rows, W))
        ]
    return ids[:COUNT_CAP], len(ids) > COUNT_CAP


# A case's first row in due order (one a case: index ix_case_waiting_soonest).
SOONEST = W.soonest == sa.true()
# The walk's last row and the one after it (none after: the walk reads every case).
_WINDOW_END = (
    sa.select(W.due_on, W.case_id)
    .where(SOONEST)
    .order_by(W.due_on, W.case_id)
    .offset(sa.bindparam("b_last"))
    .limit(2)
)


def _follows(actor: Actor) -> list[tuple[Any, Any, Any]]:
    """How a viewer follows a case, besides being its subject: (the case column, the
    viewer's column, their value) of the notices they were sent and the events they made."""
    return [
        (Notification.case_id, Notification.user_id, actor.user_id),
        (AuditEvent.case_id, AuditEvent.actor, actor.username),
    ]


def _walk_followed(
    conn: Any, actor: Actor, filters: Filters, today: date
) -> tuple[list[int], bool]:
    """The cases the viewer follows that wait for someone else, in due order, read from the
    first ``FOLLOWED_WALK`` cases of case_waiting (each case's soonest row, in the order of
    its index), stopping at the case past COUNT_CAP; and whether that is the whole list
    (past the cap, or every case read). Only case_waiting is in the walk's FROM, each row's
    case checked by its keys, so the database reads the rows in the index's order and stops
    when the reading does."""
    if FOLLOWED_WALK < 1:
        return [], False
    end = conn.execute(_WINDOW_END, {"b_last": FOLLOWED_WALK - 1}).all()
    # The row's case is followed (cheapest first: most rows are not), then checked as the
    # tab's rule and filters say.
    followed = [
        sa.exists().where(column == value, case_id == W.case_id)
        for case_id, column, value in _follows(actor)
    ]
    if actor.employee_eid:
        followed.append(
            W.case_id.in_(select(Case.id).where(Case.subject_eid == actor.employee_eid))
        )
    case = sa.select(C.id).where(C.id == W.case_id, *_scope(actor, filters, today))
    waits_for_viewer = _waits_for_viewer(actor, C.id)
    if waits_for_viewer is not None:
        case = case.where(~waits_for_viewer)
    walk = (
        sa.select(W.case_id)
        .where(SOONEST, sa.or_(*followed), case.correlate(waiting.TABLE).exists())
        .order_by(W.due_on, W.case_id)
        .execution_options(yield_per=256)
    )
    if len(end) == 2:  # stop at the window's last row
        due, case_id = end[0]
        walk = walk.where(W.due_on <= due, sa.or_(W.due_on < due, W.case_id <= case_id))
    found: list[int] = []
    with conn.execute(walk) as rows:
        for (case_id,) in rows:
            found.append(case_id)
            if len(found) > COUNT_CAP:
                return found, True
    return found, len(end) < 2


def _followed_query(actor: Actor, filters: Filters, today: date, rows: Any, w: Any) -> Any:
    """(case id, soonest due date) of the cases in ``rows`` (who they wait for, ``w``'s
    columns, joined to the case) that the viewer may see and wait for no step of theirs,
    most urgent first, up to ``COUNT_CAP`` + 1."""
    due = sa.func.min(w.due_on).label("due")
    stmt = (
        sa.select(w.case_id, due)
        .select_from(rows)
        .where(*_scope(actor, filters, today, w))
        .group_by(w.case_id)
        .order_by(due, w.case_id)
        .limit(COUNT_CAP + 1)
    )
    waits_for_viewer = _waits_for_viewer(actor, w.case_id)
    return stmt if waits_for_viewer is None else stmt.where(~waits_for_viewer)


def _waits_for_viewer(actor: Actor, case_id: Any) -> sa.ColumnElement[bool] | None:
    """The case ``case_id`` waits for a step of the viewer's (a row of case_waiting names
    them); None when no row could."""
    mine = waiting.TABLE.alias("mine")
    names = [_names(actor, mine.c, combo) for combo in _combos(actor)]
    own = _own(actor, mine.c)
    if own is not None:
        names.append(own)
    return sa.exists().where(mine.c.case_id == case_id, sa.or_(*names)) if names else None


def _cases(session: Session, ids: Sequence[int]) -> list[tuple[Case, str]]:
    """The cases ``ids``, in that order, with their subjects' names."""
    if not ids:
        return []
    found = {
        case.id: (case, name)
        for case, name in session.exec(
            select(Case, CivilServant.name)
            .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
            .where(Case.id.in_(ids))  # type: ignore[union-attr]
        ).all()
    }
    return [found[i] for i in ids if i in found]


def due_of(row: Deadline, cal: WorkingCalendar, today: date) -> Due:
    reckoning = deadlines.reckon(cal, row)
    if reckoning.unit_name == "calendar_days":
        left, unit = (row.due_on - today).days, "days"
    else:
        left, unit = deadlines.days_left(cal, row, today), "working days"
    return Due(row.label, row.cite, row.due_on, left, unit)


def _due_for(
    steps: Sequence[Step], rows: Sequence[Deadline], cal: WorkingCalendar, today: date
) -> Due | None:
    """The soonest armed deadline that one of ``steps`` settles."""
    kinds = {k for s in steps for k in s.settles}
    owed = [r for r in rows if r.kind in kinds]
    return due_of(min(owed, key=lambda r: r.due_on), cal, today) if owed else None


def _people(session: Session, actions: Sequence[NextAction]) -> dict[NextAction, list[str]]:
    """The active users who must act on each action: holding its role in its agency, or
    named on the case where it names who takes the step (19.8.2.2(v)); one query for all
    (the respondent or applicant is named by the role: "the respondent")."""
    staff_roles = frozenset().union(*(a.roles for a in actions)) - R.SELF if actions else set()
    if not staff_roles:
        return {}
    users = session.exec(
        select(User).where(
            User.active == True,  # noqa: E712
            sa.or_(*[User.roles.like(f"%{r}%") for r in sorted(staff_roles)]),  # type: ignore[attr-defined]
        )
    ).all()
    return {
        a: sorted(
            {
                u.display_name or u.username
                for u in users
                if a.may_be(u.role_set, u.agency_code, u.username)
            }
        )
        for a in set(actions)
    }
