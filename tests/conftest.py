"""Shared fixtures: a migrated database, an injected clock, and a small world of agencies,
civil servants and users (BCSR 2023 chapter 19 roles) to run disciplinary cases in.

Tests under tests/workflows, tests/cases and tests/web reuse these names.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from cases.core import deadlines, profiles, service
from cases.core.db import engine_for, transaction, upgrade
from cases.core.models import Agency, Case, CivilServant, Deadline, ServiceEntry, User
from cases.people import auth
from cases.review import committees
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor

PASSWORD = "pw"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files marked ``long`` go first: with the suite spread over workers by file
    (scripts/test.sh), a long file started last would leave one worker running alone."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


class Clock:
    """The one clock a test moves; starts on Monday 2026-12-14, 10:00 in Thimphu."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 12, 14, 4, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    @property
    def today(self) -> date:
        """The day in Bhutan (what the rules count)."""
        return bhutan_today(self.now)

    def advance(self, days: float = 0, hours: float = 0) -> datetime:
        self.now += timedelta(days=days, hours=hours)
        return self.now


@pytest.fixture(autouse=True)
def files_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's case-file store (cases.core.file_store) in its own directory, never
    beside the code (a PostgreSQL run has no SQLite file to put it next to)."""
    where = tmp_path / "case-files"
    monkeypatch.setenv("DRUKFLOW_FILES_DIR", str(where))
    return where


@pytest.fixture
def clock() -> Clock:
    return Clock()


# The suite runs on SQLite files by default. DRUKFLOW_TEST_DATABASE_URL (or, failing that, a
# postgresql DRUKFLOW_DATABASE_URL) names a PostgreSQL server instead (scripts/postgres.sh
# starts one; scripts/test.sh runs the suite both ways). Only databases named
# drukflow_t<pid>_* are ever created or dropped on that server.
PG_SERVER_URL = os.environ.get("DRUKFLOW_TEST_DATABASE_URL") or (
    os.environ.get("DRUKFLOW_DATABASE_URL", "")
    if os.environ.get("DRUKFLOW_DATABASE_URL", "").startswith("postgresql")
    else ""
)
# Tests choose their database through the fixtures below, never from the caller's shell.
os.environ.pop("DRUKFLOW_DATABASE_URL", None)
ON_POSTGRES = bool(PG_SERVER_URL)


class PgDatabases:
    """Databases of one test run on a PostgreSQL server.

    CREATE DATABASE takes most of a second even from a template, so ``db_url`` reuses one
    migrated database and empties it before each test (TRUNCATE ... RESTART IDENTITY: ids
    start at 1 again, as in a new SQLite file). A test that changes the schema itself asks
    for ``fresh_db_url``, a copy of the migrated template of its own.
    """

    PREFIX = "drukflow_t"

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.prefix = f"{self.PREFIX}{os.getpid()}"
        self.count = 0
        self._drop_leftovers()
        self.template = f"{self.prefix}_template"
        self._sql(f'CREATE DATABASE "{self.template}"')
        upgrade(self.url(self.template))
        engine_for(self.url(self.template)).dispose()  # a template must have no connection
        self.shared = self.create(migrated=True)
        with engine_for(self.shared).connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'alembic_version'"
            ).scalars()
            names = ", ".join(f'"{t}"' for t in tables)
        self._empty_shared = f"TRUNCATE {names} RESTART IDENTITY CASCADE"

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _sql(self, statement: str) -> list[Any]:
        with self.admin.connect() as conn:
            result = conn.exec_driver_sql(statement)
            return list(result) if result.returns_rows else []

    def _drop_leftovers(self) -> None:
        """Databases left by a run that was killed (its pid is gone)."""
        rows = self._sql(
            f"SELECT datname FROM pg_database WHERE starts_with(datname, '{self.PREFIX}')"
        )
        for (name,) in rows:
            pid = name[len(self.PREFIX) :].split("_")[0]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                self._drop(name)

    def create(self, *, migrated: bool) -> str:
        """A new database of its own: empty, or at the newest schema."""
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        self._sql(f'CREATE DATABASE "{name}"{template}')
        return self.url(name)

    def emptied_shared(self) -> str:
        """The shared database with no rows, after cutting off what an earlier test left."""
        engine_for(self.shared).dispose()
        name = make_url(self.shared).database
        self._sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND usename = current_user AND pid <> pg_backend_pid()"
        )
        with engine_for(self.shared).begin() as conn:
            conn.exec_driver_sql(self._empty_shared)
        return self.shared

    def drop(self, url: str) -> None:
        engine_for(url).dispose()
        self._drop(make_url(url).database)

    def _drop(self, name: str | None) -> None:
        """FORCE ends this role's sessions, but is refused while an autovacuum worker (a
        superuser's process) is in the database, e.g. analysing a restore's rows; a plain
        DROP DATABASE stops autovacuum itself, so it is the fallback."""
        try:
            self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except sa.exc.ProgrammingError:
            self._sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND usename = current_user "
                "AND pid <> pg_backend_pid()"
            )
            self._sql(f'DROP DATABASE IF EXISTS "{name}"')

    def close(self) -> None:
        self.drop(self.shared)
        self.drop(self.url(self.template))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases | None]:
    if not ON_POSTGRES:
        yield None
        return
    databases = PgDatabases(PG_SERVER_URL)
    yield databases
    databases.close()


@pytest.fixture
def db_url(tmp_path, pg_databases: PgDatabases | None) -> str:
    """A database at the newest schema with no rows, for this test alone."""
    if pg_databases is None:
        url = f"sqlite:///{tmp_path / 'drukflow.db'}"
        upgrade(url)
        return url
    return pg_databases.emptied_shared()


def own_database(directory: Path, pg_databases: PgDatabases | None) -> Iterator[str]:
    """A migrated database no other test touches, on the server the suite runs on, dropped
    afterwards: the body of ``fresh_db_url`` and of module-wide worlds (the API fuzz)."""
    if pg_databases is None:
        url = f"sqlite:///{directory / 'fresh.db'}"
        upgrade(url)
        yield url
        return
    url = pg_databases.create(migrated=True)
    yield url
    pg_databases.drop(url)


@pytest.fixture(scope="session")
def own_databases(
    pg_databases: PgDatabases | None,
) -> Callable[[Path], contextlib.AbstractContextManager[str]]:
    """``with own_databases(directory) as url``: ``own_database`` for wider-scoped fixtures."""
    return contextlib.contextmanager(lambda directory: own_database(directory, pg_databases))


@pytest.fixture
def fresh_db_url(tmp_path, pg_databases: PgDatabases | None) -> Iterator[str]:
    """Like ``db_url``, but a database no other test touches: for tests that change the
    schema (migrations, dropping the audit trail's triggers)."""
    yield from own_database(tmp_path, pg_databases)


@pytest.fixture
def empty_db_url(tmp_path, pg_databases: PgDatabases | None) -> Iterator[str]:
    """A database of this test's own with no tables yet (for SQLite: no file yet)."""
    if pg_databases is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = pg_databases.create(migrated=False)
    yield url
    pg_databases.drop(url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = engine_for(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """argon2 is deliberately slow: hash the shared password once per test run."""
    return auth.hash_password(PASSWORD)


# Agencies of the world: code -> (kind, parent). 19.3.7 turns on kind and parent.
AGENCIES = {
    "RCSC": ("rcsc", None),
    "AT": ("tribunal", None),
    "MOH": ("ministry", None),
    "MOHA": ("ministry", None),
    "DOPH": ("department", "MOH"),
    "THIMPHU": ("dzongkhag", "MOHA"),
}

# username -> (roles, agency, employee_eid)
USERS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "hr": ((R.HR_OFFICER,), "MOH", None),
    "dc": ((R.DC_MEMBER,), "MOH", None),
    "dc2": ((R.DC_MEMBER,), "MOH", None),
    "chair": ((R.HRC_CHAIR,), "MOH", None),
    "secretary": ((R.MEMBER_SECRETARY,), "MOH", None),
    "investigator": ((R.INVESTIGATOR,), "MOH", None),
    "rcsc": ((R.RCSC, R.APPELLATE), "RCSC", None),
    "tribunal": ((R.APPELLATE,), "AT", None),
    "moh_appeal": ((R.APPELLATE,), "MOH", None),
    "respondent": ((R.RESPONDENT,), None, "E100"),
    "admin": ((R.ADMIN,), None, None),
}

# A written complaint with every particular of 19.5.2.
COMPLAINT = {
    "opened_by": "written_complaint",
    "complainant_name": "Karma Wangmo",
    "complainant_address": "Changzamtog, Thimphu",
    "respondent_address": "Motithang, Thimphu",
    "narration": "Absent from duty on 2 and 3 December 2026 without leave.",
    "evidence": "Attendance register extract",
}

# Offence 11 (Minor) and offence 3 (Major) of the schedule to chapter 19.
CHARGES = ["11", "3"]
FINDINGS = [
    {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
    {"charge": 2, "finding": "guilty", "penalty": "demotion"},
]
# The committee's decision on those charges (19.8.2.3), less its day and members present.
DECISION = {
    "hearing": "heard",
    "findings": FINDINGS,
    "decision_reasons": "The evidence establishes the charges.",
    "accountable_supervisor": "Sonam Dorji",
}

MAIN_PATH = (
    "received",
    "enquiry_directed",
    "notice_served",
    "explained",
    "investigation_ordered",
    "investigating",
    "report_due",
    "dc_meeting",
    "awaiting_endorsement",
    "endorsed",
    "decided",
    "appeal",
    "appeal_decided",
    "closed",
)


class World:
    """Agencies, civil servants and users, and short ways to drive a case through fire()."""

    def __init__(self, engine: Engine, clock: Clock, password_hash: str) -> None:
        self.engine = engine
        self.clock = clock
        self._hash = password_hash
        self.users: dict[str, User] = {}
        self.actors: dict[str, Actor] = {}
        with transaction(engine) as s:
            for code, (kind, _parent) in AGENCIES.items():
                s.add(Agency(code=code, name=f"Agency {code}", kind=kind))
            s.flush()
            for code, (_kind, parent) in AGENCIES.items():
                if parent:
                    s.get(Agency, code).parent_code = parent  # type: ignore[union-attr]
        self.make_servant("E100", name="Dorji Wangchuk")
        for username, (roles, agency, eid) in USERS.items():
            self.add_user(username, roles, agency=agency, employee_eid=eid)

    # -- building the world
    def make_servant(
        self, eid: str, level: str = "P3", agency: str = "MOH", **overrides: Any
    ) -> CivilServant:
        values: dict[str, Any] = {
            "eid": eid,
            "name": f"Civil servant {eid}",
            "date_of_birth": date(1990, 1, 1),
            "position_title": "Officer",
            "position_level": level,
            "agency_code": agency,
            "appointment_date": date(2015, 1, 1),
        }
        values.update(overrides)
        with transaction(self.engine) as s:
            cs = CivilServant(**values)
            s.add(cs)
        return cs

    def add_user(
        self,
        username: str,
        roles: tuple[str, ...] | list[str],
        *,
        agency: str | None = None,
        employee_eid: str | None = None,
    ) -> Actor:
        unknown = set(roles) - R.ALL
        assert not unknown, f"unknown roles {unknown}"
        with transaction(self.engine) as s:
            user = User(
                username=username,
                display_name=username,
                password_hash=self._hash,
                roles=",".join(roles),
                agency_code=agency,
                employee_eid=employee_eid,
            )
            s.add(user)
            s.flush()
        self.users[username] = user
        self.actors[username] = auth.actor_of(user)
        return self.actors[username]

    def deactivate(self, username: str) -> None:
        """The account can no longer act (a user who left, 19.3.5's checks refuse it)."""
        with transaction(self.engine) as s:
            user = s.get(User, self.users[username].id)
            assert user is not None
            user.active = False
            s.add(user)

    def add_entry(self, eid: str = "E100", by: str = "register", **details: Any) -> ServiceEntry:
        """A line written straight to ``eid``'s record (an LTT, a service obligation...)."""
        with transaction(self.engine) as s:
            return profiles.add_entry(s, eid=eid, now=self.clock.now, by=by, **details)

    def make_committee(self, kind: str, code: str, name: str, by: str = "hr", **fields: Any) -> int:
        """A committee recorded by ``by`` (2.10.1; an Investigation Committee, 19.8.2.2, on
        the case its ``case_id`` names); returns its id."""
        raw = {"kind": kind, "code": code, "name": name, **fields}
        with transaction(self.engine) as s:
            return committees.create(s, self.actors[by], raw, now=self.clock.now).id  # type: ignore[return-value]

    def seat(
        self,
        committee_id: int,
        username: str,
        seat: str,
        by: str = "hr",
        start_on: str = "2026-01-01",
        **fields: Any,
    ) -> int:
        """``username`` takes ``seat`` on the committee from ``start_on`` (2.10.6.1)."""
        raw = {"username": username, "seat": seat, "start_on": start_on, **fields}
        with transaction(self.engine) as s:
            member = committees.add_member(
                s, self.actors[by], committee_id, raw, now=self.clock.now
            )
            return member.id  # type: ignore[return-value]

    # -- driving cases
    def today(self, shift: int = 0) -> str:
        return (self.clock.today + timedelta(days=shift)).isoformat()

    def open(self, eid: str = "E100", username: str = "hr", **fields: Any) -> int:
        raw = {**COMPLAINT, "received_on": self.today(), **fields}
        raw = {k: v for k, v in raw.items() if v is not None}
        return self.open_case("disciplinary", eid, username, raw)

    def open_case(self, process: str, eid: str, username: str, raw: dict[str, Any]) -> int:
        """A case of ``process`` about ``eid`` opened by ``username``; returns its id."""
        with transaction(self.engine) as s:
            fired = service.open_case(
                s, process, eid, self.actors[username], raw, now=self.clock.now
            )
            return fired.case.id  # type: ignore[return-value]

    def fire(self, case_id: int, trigger: str, username: str, **fields: Any) -> str:
        with transaction(self.engine) as s:
            case = service.load(s, case_id)
            fired = service.fire(
                s,
                case_id,
                trigger,
                self.actors[username],
                fields,
                now=self.clock.now,
                expected_version=case.version,
            )
            return fired.case.state

    def recuse(
        self, case_id: int, username: str, reason: str = "Related to the respondent"
    ) -> None:
        """``username`` steps aside from the case (19.3.5)."""
        with transaction(self.engine) as s:
            service.declare_recusal(s, case_id, self.actors[username], reason, now=self.clock.now)

    def order_investigation(
        self, case_id: int, investigators: Any, by: str = "dc", **changes: Any
    ) -> str:
        """19.8.2.2(i): ``by`` orders an investigation by ``investigators`` (accounts from
        2023.2, typed names under 2023.1), directed and received today; a change to None
        leaves that particular out (2023.1 recorded no day of receipt). Returns the state."""
        raw = {
            "investigated_by": "investigation_committee",
            "investigators": investigators,
            "directive_on": self.today(),
            "directive_received_on": self.today(),
            **changes,
        }
        fields = {k: v for k, v in raw.items() if v is not None}
        return self.fire(case_id, "order_investigation", by, **fields)

    def main_path_steps(
        self, charges: list[str], findings: list[dict[str, Any]]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """(trigger, username, fields) leading from 'received' along the main path."""
        today = self.today()
        return [
            ("direct_enquiry", "chair", {"reasons": "Not suitable for ADR"}),
            (
                "serve_notice",
                "dc",
                {
                    "charges": charges,
                    "particulars": "Charges as per the complaint",
                    "prima_facie": True,
                    "notice_received_on": today,
                },
            ),
            ("submit_explanation", "respondent", {"explanation": "I was unwell."}),
            (
                "order_investigation",
                "dc",
                {
                    "investigated_by": "member_secretary",
                    "investigators": self.actors["secretary"].username,
                    "directive_on": today,
                    "directive_received_on": today,
                },
            ),
            ("commence_investigation", "secretary", {"commenced_on": today}),
            ("complete_investigation", "secretary", {"completed_on": today}),
            (
                "submit_report",
                "secretary",
                {
                    "report_findings": "Absence established",
                    "report_received_on": today,
                    "copy_to_respondent_on": today,
                },
            ),
            (
                "record_decision",
                "dc",
                {
                    "meeting_on": today,
                    "hearing": "heard",
                    # the accounts acting as the committee (a test may swap them)
                    "members_present": ", ".join(
                        self.actors[u].username for u in ("dc", "dc2", "chair", "secretary")
                    ),
                    "findings": findings,
                    "decision_reasons": "The evidence establishes the charges.",
                    "accountable_supervisor": "Sonam Dorji, Chief Store Officer",
                },
            ),
            ("endorse_decision", "chair", {"endorsed_on": today, "hrc_meeting_no": "HRC/12"}),
            (
                "communicate_decision",
                "chair",
                {"letter_no": "MOH/HR/7", "decision_received_on": today, "copy_to_rcsc": True},
            ),
            (
                "lodge_appeal",
                "respondent",
                {
                    "grounds": ["19.12.2.2"],
                    "appeal_statement": "The decision is not supported by the evidence.",
                    "appeal_lodged_on": today,
                    "appeal_received_on": today,
                },
            ),
            (
                "decide_appeal",
                "rcsc",
                {
                    "appeal_outcome": "upheld",
                    "due_process_examined": True,
                    "due_process_followed": True,
                    "appeal_reasons": "Due process was followed; the evidence supports it.",
                },
            ),
            # 19.8.3: the appellate authority's own committee (the RCSC's, for MOH) executes.
            (
                "execute_appeal_decision",
                "rcsc",
                {
                    "executed_on": today,
                    "execution_letter_no": "RCSC/AP/1",
                    "appeal_decision_received_on": today,
                },
            ),
        ]

    def walk_to(
        self,
        state: str,
        eid: str = "E100",
        *,
        charges: list[str] | None = None,
        findings: list[dict[str, Any]] | None = None,
        respondent: str = "respondent",
    ) -> int:
        """A fresh case driven along the main path to ``state``; returns its id."""
        case_id = self.open(eid)
        self.drive(case_id, state, charges=charges, findings=findings, respondent=respondent)
        return case_id

    def notice_served(
        self,
        eid: str,
        hr: str,
        director: str,
        dc: str,
        *,
        received_on: str,
        particulars: str = "Absent",
    ) -> int:
        """A case opened by ``hr``, sent to enquiry by ``director`` and its notice of offence 11
        served by ``dc``: the main path's first steps, by another agency's officers."""
        case_id = self.open(eid, username=hr)
        self.fire(case_id, "direct_enquiry", director, reasons="Not suitable for ADR")
        self.fire(
            case_id,
            "serve_notice",
            dc,
            charges=["11"],
            particulars=particulars,
            prima_facie=True,
            notice_received_on=received_on,
        )
        return case_id

    def drive(
        self,
        case_id: int,
        state: str,
        *,
        charges: list[str] | None = None,
        findings: list[dict[str, Any]] | None = None,
        respondent: str = "respondent",
    ) -> None:
        """Drive an existing case on along the main path, from where it is, to ``state``."""
        if state not in MAIN_PATH:
            raise ValueError(f"{state} is not on the main path {MAIN_PATH}")
        steps = self.main_path_steps(charges or CHARGES, findings or FINDINGS)
        here = self.case(case_id).state
        while here != state:
            at = MAIN_PATH.index(here)
            if at >= MAIN_PATH.index(state):
                raise ValueError(f"case {case_id} is already past {state} (at {here})")
            trigger, username, fields = steps[at]
            who = respondent if username == "respondent" else username
            here = self.fire(case_id, trigger, who, **fields)
            assert here == MAIN_PATH[at + 1], f"{trigger} led to {here}"

    def execute_appeal(self, case_id: int, username: str = "rcsc") -> str:
        """19.8.3 (2023.2): the appellate authority's own committee executes its decision."""
        return self.fire(
            case_id,
            "execute_appeal_decision",
            username,
            executed_on=self.today(),
            execution_letter_no="AP/EX/1",
            appeal_decision_received_on=self.today(),
        )

    # -- reading
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def case(self, case_id: int) -> Case:
        with self.session() as s:
            return service.load(s, case_id)

    def data(self, case_id: int) -> dict[str, Any]:
        return json.loads(self.case(case_id).data)

    def deadlines(self, case_id: int) -> list[Deadline]:
        with self.session() as s:
            return deadlines.for_case(s, case_id)

    def deadline(self, case_id: int, kind: str, status: str | None = None) -> Deadline:
        """The newest deadline of ``kind`` (optionally with ``status``) on the case."""
        rows = [
            d
            for d in self.deadlines(case_id)
            if d.kind == kind and (status is None or d.status == status)
        ]
        assert rows, f"no {kind} deadline ({status or 'any status'}) on case {case_id}"
        return rows[-1]


@pytest.fixture
def world(engine: Engine, clock: Clock, password_hash: str) -> World:
    return World(engine, clock, password_hash)
