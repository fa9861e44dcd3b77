"""Demo data: agencies, civil servants, users and disciplinary cases (BCSR 2023 chapter 19).

Every case is driven only through ``cases.core.service.open_case`` and ``fire``, with a clock
that moves forward working day by working day, so each state, deadline, penalty and
audit event is exactly what the rules would have produced. Everything is written in one
transaction: the demo is there completely or not at all, and ``build`` on a database
that already holds it changes nothing.

The cases are placed relative to ``now``: one just received, one in ADR, one whose
explanation is overdue (its deadline is left armed and past due, so the dashboard shows
it; the next sweep lapses it), one under investigation, one awaiting endorsement, one
decided with the appeal window open, one closed with penalties on the record, one with
a suspension in force, and one against an executive handled by the RCSC (19.3.6).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from types import ModuleType
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import audit, calendar_store, deadlines, file_store, profiles, service
from cases.core.db import transaction
from cases.core.models import Agency, Case, CivilServant, User
from cases.demo import (
    committees,
    disciplinary,
    disciplinary_rcsc,
    eol,
    ltt,
    papers,
    secondment,
    transfer,
)
from cases.demo.kit import Script, servant
from cases.people import auth
from workflows import registry
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ, WorkingCalendar, bhutan_today
from workflows.context import Actor

PASSWORD = "drukflow-demo"

# code -> (name, kind, parent); kind and parent decide the appellate body (19.3.7).
AGENCIES: dict[str, tuple[str, str, str | None]] = {
    "RCSC": ("Royal Civil Service Commission", "rcsc", None),
    "AT": ("Administrative Tribunal", "tribunal", None),
    "MOH": ("Ministry of Health", "ministry", None),
    "MOE": ("Ministry of Education and Skills Development", "ministry", None),
    "MOHA": ("Ministry of Home Affairs", "ministry", None),
    "DOPH": ("Department of Public Health", "department", "MOH"),
    "THIMPHU": ("Thimphu Dzongkhag Administration", "dzongkhag", "MOHA"),
}

# eid, name, date of birth, position title, level, agency, appointed, head of agency
SERVANTS: tuple[tuple[str, str, date, str, str, str, date, bool], ...] = (
    (
        "E1000",
        "Dasho Pemba Wangchuk",
        date(1970, 3, 2),
        "Secretary",
        "EX1",
        "MOH",
        date(1995, 7, 1),
        True,
    ),
    (
        "E1001",
        "Sonam Tshering",
        date(1988, 5, 14),
        "Planning Officer",
        "P3",
        "MOH",
        date(2012, 1, 2),
        False,
    ),
    (
        "E1002",
        "Pema Choden",
        date(1993, 9, 21),
        "Administrative Assistant",
        "S2",
        "MOH",
        date(2016, 3, 1),
        False,
    ),
    (
        "E1003",
        "Karma Dorji",
        date(1985, 11, 3),
        "Procurement Officer",
        "P4",
        "MOH",
        date(2010, 1, 4),
        False,
    ),
    (
        "E1004",
        "Tshering Wangmo",
        date(1980, 2, 8),
        "Chief Accounts Officer",
        "P2",
        "MOH",
        date(2004, 7, 1),
        False,
    ),
    ("E1005", "Ugyen Penjor", date(1979, 6, 30), "Driver", "O2", "MOH", date(2001, 9, 1), False),
    (
        "E1006",
        "Dechen Wangchuk",
        date(1990, 12, 12),
        "Store Keeper",
        "S4",
        "MOH",
        date(2014, 2, 3),
        False,
    ),
    ("E1007", "Kinley Dema", date(1987, 4, 17), "Accountant", "P5", "MOH", date(2011, 1, 3), False),
    (
        "E1008",
        "Jigme Namgyel",
        date(1972, 8, 25),
        "Director General",
        "EX3",
        "MOE",
        date(1997, 1, 1),
        False,
    ),
    (
        "E1009",
        "Dr. Tashi Lhamo",
        date(1978, 1, 19),
        "Specialist (Epidemiology)",
        "ES2",
        "DOPH",
        date(2006, 8, 1),
        False,
    ),
    (
        "E1010",
        "Yeshi Zangmo",
        date(1995, 10, 5),
        "Dzongkhag Accounts Assistant",
        "S1",
        "THIMPHU",
        date(2018, 4, 2),
        False,
    ),
    (
        "E1011",
        "Phub Dorji",
        date(1986, 7, 7),
        "Human Resource Officer",
        "P3",
        "RCSC",
        date(2011, 1, 3),
        False,
    ),
)

# username -> (display name, roles, agency, employee ID)
USERS: dict[str, tuple[str, tuple[str, ...], str | None, str | None]] = {
    "hr": ("Chimi Yangzom", (R.HR_OFFICER,), "MOH", None),
    "dc": ("Kuenzang Norbu", (R.DC_MEMBER,), "MOH", None),
    "dc2": ("Sangay Choden", (R.DC_MEMBER,), "MOH", None),
    "chair": ("Rinzin Dorji", (R.HRC_CHAIR,), "MOH", None),
    "secretary": ("Tandin Wangmo", (R.MEMBER_SECRETARY,), "MOH", None),
    "investigator": ("Lhakpa Tshering", (R.INVESTIGATOR,), "MOH", None),
    "rcsc": ("Nima Tshering", (R.RCSC, R.APPELLATE), "RCSC", None),
    "tribunal": ("Passang Dorji", (R.APPELLATE,), "AT", None),
    "moha_appeal": ("Dorji Penjor", (R.APPELLATE,), "MOHA", None),
    "respondent": ("Dechen Wangchuk", (R.RESPONDENT,), None, "E1006"),
    "admin": ("System administrator", (R.ADMIN,), None, None),
}

# The other processes' demo modules (cases.demo.kit): their servants, history and cases.
MODULES: tuple[ModuleType, ...] = (eol, secondment, transfer, ltt)
for _module in MODULES:
    USERS.update(getattr(_module, "USERS", {}))


def credentials() -> list[dict[str, str]]:
    """The demo sign-ins, for the CLI and the README."""
    return [
        {
            "username": username,
            "password": PASSWORD,
            "name": name,
            "roles": ", ".join(roles),
            "agency": agency or "",
            "employee": eid or "",
        }
        for username, (name, roles, agency, eid) in USERS.items()
    ]


def format_credentials() -> str:
    rows = [("username", "password", "roles", "agency", "name")] + [
        (c["username"], c["password"], c["roles"], c["agency"] or c["employee"], c["name"])
        for c in credentials()
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ---------------------------------------------------------------------- building


def _working_days_back(cal: WorkingCalendar, today: date, k: int) -> date:
    day, n = today, 0
    while n < k:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            n += 1
    return day


def _not_after(case: Case, fields: dict[str, Any], day: date, trigger: str) -> dict[str, Any]:
    """A step records only what has happened by its day (the engine refuses future dates),
    and only the fields the case's version takes: the scripts are written for the newest
    version, and a case the demo opened before it came into force runs on an earlier one."""
    step = registry.for_case(case).steps_from(case.state, trigger)[0]
    past = {f.name for f in step.fields if f.type == "date" and not f.future_ok}
    typed = {f.name for f in step.fields if f.type == "text"}
    declared = {f.name for f in step.fields}
    return {
        k: (
            day.isoformat()
            if k in past and v and date.fromisoformat(v) > day
            # The accounts a users field names (19.3.5), on a version that typed the names.
            else ", ".join(USERS[u][0] if u in USERS else u for u in v)
            if k in typed and isinstance(v, list)
            else v
        )
        for k, v in fields.items()
        if k in declared or k.split("__", 1)[0] in declared
    }


def existing(session: Session) -> list[str]:
    """Demo names already in the database (agencies or users)."""
    found = [
        f"agency {c}"
        for c in session.exec(
            select(Agency.code).where(Agency.code.in_(list(AGENCIES)))  # type: ignore[attr-defined]
        ).all()
    ]
    found += [
        f"user {u}"
        for u in session.exec(
            select(User.username).where(User.username.in_(list(USERS)))  # type: ignore[attr-defined]
        ).all()
    ]
    return found


def build(
    engine: Engine, now: datetime, store: file_store.FileStore | None = None
) -> dict[str, Any]:
    """Create the demo world at ``now`` (timezone-aware); nothing if it is already there.
    The cases' papers go to ``store`` (else the database's, cases.core.file_store)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    store = store or file_store.store_for(engine.url.render_as_string(hide_password=False))
    with transaction(engine) as session:
        already = existing(session)
        if already:
            return {"created": False, "existing": already, "password": PASSWORD}
        _register(session, now)
        actors = _users(session)
        cases = _cases(session, actors, now, store)
        meetings = committees.build(session, actors, now)
    return {
        "created": True,
        "now": now.isoformat(),
        "password": PASSWORD,
        "agencies": len(AGENCIES),
        "civil_servants": len(SERVANTS)
        + sum(len(_resolved(getattr(m, "SERVANTS", ()), bhutan_today(now))) for m in MODULES),
        "users": list(USERS),
        "cases": cases,
        "committees": meetings,
    }


def _register(session: Session, now: datetime) -> None:
    for code, (name, kind, _parent) in AGENCIES.items():
        session.add(Agency(code=code, name=name, kind=kind))
    session.flush()
    for code, (_name, _kind, parent) in AGENCIES.items():
        if parent:
            agency = session.get(Agency, code)
            assert agency is not None
            agency.parent_code = parent
            session.add(agency)
    for eid, name, born, title, level, agency, appointed, head in SERVANTS:
        values = servant(
            eid,
            name,
            born,
            title,
            level,
            agency,
            appointed,
            head_of_agency=head,
        )
        session.add(CivilServant(**values))
    today = bhutan_today(now)
    for module in MODULES:
        for values in _resolved(getattr(module, "SERVANTS", ()), today):
            session.add(CivilServant(**values))
    session.flush()
    for module in MODULES:
        for values in _resolved(getattr(module, "HISTORY", ()), today):
            profiles.add_entry(session, now=now, by="register", **values)


def _users(session: Session) -> dict[str, Actor]:
    # One password for all: hash it once (argon2 is deliberately slow).
    hashed = auth.hash_password(PASSWORD)
    actors = {}
    for username, (name, roles, agency, eid) in USERS.items():
        unknown = set(roles) - R.ALL
        assert not unknown, f"unknown roles {unknown}"
        user = User(
            username=username,
            display_name=name,
            password_hash=hashed,
            roles=",".join(roles),
            agency_code=agency,
            employee_eid=eid,
        )
        session.add(user)
        session.flush()
        actors[username] = auth.actor_of(user)
    return actors


def _cases(
    session: Session, actors: dict[str, Actor], now: datetime, store: file_store.FileStore
) -> list[dict[str, Any]]:
    today = bhutan_today(now)
    cal = calendar_store.load(session)
    days: dict[int, date] = {}

    def day_of(k: int) -> date:
        if k not in days:
            days[k] = _working_days_back(cal, today, k)
        return days[k]

    def d(k: int) -> str:
        return day_of(k).isoformat()

    scripts = (
        disciplinary.scripts(d, today)
        + disciplinary_rcsc.scripts(d, today)
        + [s for m in MODULES for s in m.scripts(d, today)]
    )
    # Every step of every case in the order it happened, so the audit trail reads forward.
    timeline: list[tuple[date, int, int, Script, str, str, dict[str, Any]]] = []
    for i, script in enumerate(scripts):
        timeline.append(
            (day_of(script.opened_k), i, 0, script, "open", script.opened_by_user, script.opening)
        )
        last = script.opened_k
        for j, (k, trigger, user, fields) in enumerate(script.steps, start=1):
            assert k <= last, f"{script.key}: {trigger} goes back in time"
            last = k
            timeline.append((day_of(k), i, j, script, trigger, user, fields))
    timeline.sort(key=lambda t: (t[0], t[1], t[2]))
    on_today = sum(1 for t in timeline if t[0] == today)
    # Today's steps a minute apart, closer when the day in Thimphu has only just begun, so
    # none falls on yesterday (a step dated today must not be taken before today).
    midnight = datetime.combine(today, time(0, 0), BHUTAN_TZ).astimezone(UTC)
    gap = min(timedelta(minutes=1), (now - midnight) / (on_today + 1))

    ids: dict[str, int] = {}
    filed: set[tuple[str, str]] = set()
    seen_today = 0
    for when_day, ci, si, script, trigger, user, fields in timeline:
        if when_day == today:
            seen_today += 1
            at = now - gap * (on_today - seen_today + 1)
        else:
            # Office hours in Thimphu, a few minutes apart.
            at = datetime.combine(when_day, time(10, 0), BHUTAN_TZ) + timedelta(minutes=5 * ci + si)
            at = at.astimezone(UTC)
        if trigger == "open":
            fired = service.open_case(
                session, script.process, script.eid, actors[user], dict(fields), now=at
            )
            ids[script.key] = fired.case.id  # type: ignore[assignment]
        else:
            case = service.load(session, ids[script.key])
            service.fire(
                session,
                case.id,
                trigger,
                actors[user],
                _not_after(case, fields, when_day, trigger),
                now=at,  # type: ignore[arg-type]
                expected_version=case.version,
            )
        for paper in script.papers:
            if paper.after == trigger and (script.key, paper.name) not in filed:
                filed.add((script.key, paper.name))
                dated = when_day.isoformat()
                papers.add(session, store, ids[script.key], paper, actors[paper.by], at, dated)

    out = [_summary(session, ids[s.key], s.key, s.label, s.process, s.eid, today) for s in scripts]
    # A step may open a case of its own (a transfer's referral for action, 13.12.2; a breach
    # of the EOL undertaking, 8.12.11): it is listed too, named after the step that opened it.
    scripted = set(ids.values())
    for case in session.exec(select(Case).where(Case.id.not_in(scripted)).order_by(Case.id)):  # type: ignore[union-attr]
        key, label = _opened_by(session, case, out)
        out.append(
            _summary(session, case.id, key, label, case.process, case.subject_eid, today)  # type: ignore[arg-type]
        )
    return out


def _summary(
    session: Session, case_id: int, key: str, label: str, process: str, eid: str, today: date
) -> dict[str, Any]:
    """One demo case as ``drukflow demo`` prints it."""
    case = session.get(Case, case_id)
    assert case is not None
    armed = sorted(deadlines.armed(session, case_id), key=lambda r: r.due_on)
    return {
        "id": case.id,
        "key": key,
        "label": label,
        "subject_eid": eid,
        "process": process,
        "subject": _name_of(session, eid),
        "state": case.state,
        "next_deadline": (
            {
                "kind": armed[0].kind,
                "due_on": armed[0].due_on.isoformat(),
                "cite": armed[0].cite,
                "overdue": armed[0].due_on < today,
            }
            if armed
            else None
        ),
    }


def _opened_by(session: Session, case: Case, scripted: list[dict[str, Any]]) -> tuple[str, str]:
    """(key, label) of a case a demo case's step opened: the case that links to it
    (``disciplinary_case_id``, linked both ways by the effect) and that case's step, the
    first of its events after the opening."""
    for parent in scripted:
        data = json.loads(session.get(Case, parent["id"]).data)  # type: ignore[union-attr]
        if data.get("disciplinary_case_id") != case.id:
            continue
        opened = audit.events_for(session, case.id)[0]  # type: ignore[arg-type]
        step = next(e for e in audit.events_for(session, parent["id"]) if e.seq > opened.seq)
        parent_case = session.get(Case, parent["id"])
        said = next(s for s in registry.for_case(parent_case).steps if s.trigger == step.trigger)
        return (
            f"{parent['key']}_{step.trigger}",
            f"opened by {parent['process']} case {parent['id']}'s step: {said.label} ({step.cite})",
        )
    return f"case_{case.id}", "opened by another case's step"


def _name_of(session: Session, eid: str) -> str:
    cs = session.get(CivilServant, eid)
    return cs.name if cs else eid


def _resolved(rows: Any, today: date) -> list[dict[str, Any]]:
    """A module's SERVANTS or HISTORY: a list, or a function of the demo's day."""
    return list(rows(today) if callable(rows) else rows)
