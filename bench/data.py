"""The bench's data, built in bulk but true to the rules.

A handful of template cases are made by the real code (``cases.demo.seed`` drives 28 cases of
the five processes through ``service.fire``; the bench drives three more). Everything
else is a copy of a template, written with SQLAlchemy Core ``executemany`` into the tables
the migrations created: each copy gets its own civil servant, its case row (same process,
state and data), its deadline rows and its audit events, re-linked into the one hash
chain with ``cases.core.audit``'s own functions, so ``audit verify`` passes over the result.
Firing 100,000 cases one by one would take hours; copying them takes seconds.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bench.chain import Chain
from cases.core import contexts, db, file_store, search_index, service, timers
from cases.core.db import transaction
from cases.core.models import (
    AuditEvent,
    Case,
    CaseAgency,
    CaseWaiting,
    CivilServant,
    Deadline,
    SearchText,
    User,
    UserRole,
    role_rows,
)
from cases.demo import seed
from cases.people import auth
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor

CASE = Case.__table__  # type: ignore[attr-defined]
DEADLINE = Deadline.__table__  # type: ignore[attr-defined]
EVENT = AuditEvent.__table__  # type: ignore[attr-defined]
SERVANT = CivilServant.__table__  # type: ignore[attr-defined]
PARTY = CaseAgency.__table__  # type: ignore[attr-defined]
WORDS = SearchText.__table__  # type: ignore[attr-defined]
WAITING = CaseWaiting.__table__  # type: ignore[attr-defined]
CASE_BITS = ((1 << 31) - 1) << search_index.CASE_SHIFT  # a search key's case number

# The committee member whose dashboard is measured, and the agency most cases belong to.
VIEWER = "dc"
VIEWER_AGENCY = "MOH"
PASSWORD = seed.PASSWORD
CHUNK = 20_000
SHARE_IN_VIEWER_AGENCY = 0.7

COMPLAINT = {
    "opened_by": "written_complaint",
    "complainant_name": "Karma Wangmo",
    "complainant_address": "Changzamtog, Thimphu",
    "respondent_address": "Motithang, Thimphu",
    "narration": "Absent from duty on two days without leave.",
    "evidence": "Attendance register extract",
}
NOTICE = {"charges": ["11", "3"], "particulars": "Charges as per the complaint"}


@dataclass(frozen=True)
class Template:
    """One real case with everything a copy needs."""

    case: dict[str, Any]
    servant: dict[str, Any]
    deadlines: list[dict[str, Any]]
    events: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    words: list[dict[str, Any]]  # its search_text rows (cases.core.search_index)
    waits: list[dict[str, Any]]  # its case_waiting rows (cases.core.waiting), without ids


def read_template(conn: Connection, case_id: int) -> Template:
    case = dict(conn.execute(sa.select(CASE).where(CASE.c.id == case_id)).mappings().one())
    servant = conn.execute(sa.select(SERVANT).where(SERVANT.c.eid == case["subject_eid"]))
    rows = conn.execute(
        sa.select(DEADLINE).where(DEADLINE.c.case_id == case_id).order_by(DEADLINE.c.id)
    )
    events = conn.execute(sa.select(EVENT).where(EVENT.c.case_id == case_id).order_by(EVENT.c.seq))
    parties = conn.execute(sa.select(PARTY).where(PARTY.c.case_id == case_id))
    words = conn.execute(sa.select(WORDS).where(WORDS.c.case_id == case_id))
    waits = conn.execute(sa.select(WAITING).where(WAITING.c.case_id == case_id))
    return Template(
        case,
        dict(servant.mappings().one()),
        [dict(r) for r in rows.mappings()],
        [
            {k: v for k, v in e.items() if k not in ("seq", "prev_hash", "hash")}
            for e in events.mappings()
        ],
        [dict(p) for p in parties.mappings()],
        [dict(w) for w in words.mappings()],
        [{k: v for k, v in w.items() if k != "id"} for w in waits.mappings()],
    )


class Builder:
    """Grows one database in steps; each method reports what it added."""

    def __init__(self, url: str, now: datetime, seed: int = 6) -> None:
        self.url = url
        self.now = now
        self.today = bhutan_today(now)
        self.rng = random.Random(seed)
        db.upgrade(url)
        self.engine = db.engine_for(url)  # the app's own engine (fire, sweep, verify)
        self.bulk = _bulk_engine(url)  # for copies: no fsync per chunk on SQLite
        self.growth: list[Template] = []
        self.weights: list[float] = []
        self.enquiry: Template | None = None
        self.due: Template | None = None
        self.investigating: Template | None = None
        self.copied: list[int] = []
        self.copies: list[str] = []  # PostgreSQL databases copy_to made, dropped by close
        self.files = ""  # the demo papers' store (base), removed by close

    # ------------------------------------------------------------ the real cases
    def base(self) -> None:
        """The demo (28 cases through fire), one sweep, and three bench cases through fire."""
        with self.bulk.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(CASE)).scalar_one():
                raise SystemExit("the bench needs an empty database: it builds its own data")
        # The demo's papers go to a throwaway store of the bench's own, removed by close().
        self.files = tempfile.mkdtemp(prefix="drukflow-bench-files-")
        seed.build(self.engine, self.now, file_store.LocalStore(Path(self.files)))
        # The demo leaves two deadlines past due; settle them now, so no copy is due.
        timers.sweep(self.engine, self.now)
        with self.bulk.connect() as conn:
            demo_ids = conn.execute(sa.select(CASE.c.id).order_by(CASE.c.id)).scalars().all()
            self.growth = [read_template(conn, i) for i in demo_ids]
        mine = [t for t in self.growth if t.case["agency_code"] == VIEWER_AGENCY]
        others = [t for t in self.growth if t.case["agency_code"] != VIEWER_AGENCY]
        share = SHARE_IN_VIEWER_AGENCY
        self.weights = [
            share / len(mine) if t in mine else (1 - share) / len(others) for t in self.growth
        ]
        self.investigating = next(
            t
            for t in self.growth
            if t.case["process"] == "disciplinary" and t.case["state"] == "investigating"
        )
        enquiry_id = self._drive("BT0001", self.now, serve=False)
        due_id = self._drive("BT0002", self.now - timedelta(days=30), serve=True)
        with self.bulk.connect() as conn:
            self.enquiry = read_template(conn, enquiry_id)
            self.due = read_template(conn, due_id)

    def _drive(self, eid: str, at: datetime, *, serve: bool) -> int:
        """A disciplinary case opened, directed to enquiry and maybe served, by fire."""
        day = bhutan_today(at).isoformat()
        with transaction(self.engine) as s:
            model = s.get(CivilServant, "E1001")
            assert model is not None
            s.add(CivilServant(**{**model.model_dump(), "eid": eid, "name": f"Bench {eid}"}))
            s.flush()
            actors = {
                u.username: auth.actor_of(u)
                for u in s.exec(sa.select(User)).scalars()  # type: ignore[call-overload]
            }
            fired = service.open_case(
                s, "disciplinary", eid, actors["hr"], {**COMPLAINT, "received_on": day}, now=at
            )
            case_id = fired.case.id
            assert case_id is not None
            service.fire(
                s, case_id, "direct_enquiry", actors["chair"], {}, now=at, expected_version=1
            )
            if serve:
                fields = {**NOTICE, "prima_facie": True, "notice_received_on": day}
                service.fire(
                    s, case_id, "serve_notice", actors[VIEWER], fields, now=at, expected_version=2
                )
        return case_id

    # ------------------------------------------------------------ copies
    def grow_cases(self, total: int) -> int:
        """Copies of the demo's cases until the database holds ``total`` cases."""
        n = max(0, total - self.count(CASE))
        picks = self.rng.choices(self.growth, weights=self.weights, k=n)
        self.copied += self._copy(picks)
        return n

    def grow_users(self, total: int) -> int:
        """Accounts until the service has ``total``: civil servants of every agency with an
        account for their own applications (the officers who act on cases are the demo's
        HR officers and committees). Who must act next on a case is found in SQL by role and
        competent agency, so a step should not slow as accounts grow."""
        agency = sa.table("agency", sa.column("code"))
        user = User.__table__  # type: ignore[attr-defined]
        with self.bulk.begin() as conn:
            codes = conn.execute(sa.select(agency.c.code).order_by(agency.c.code)).scalars().all()
            have = conn.execute(sa.select(sa.func.count()).select_from(user)).scalar_one()
            n = max(0, total - have)
            rows = [
                {
                    "username": f"bench-user-{have + i}",
                    "display_name": f"Bench user {have + i}",
                    "password_hash": "!",  # no password: these accounts never log in
                    "roles": R.CIVIL_SERVANT,
                    "agency_code": codes[i % len(codes)],
                    "employee_eid": None,
                    "active": True,
                    "email": "",
                }
                for i in range(n)
            ]
            for part in _chunks(rows, CHUNK):
                conn.execute(user.insert(), part)
            # The role index the app keeps beside each account (models.UserRole).
            ids = conn.execute(
                sa.select(user.c.id, user.c.roles, user.c.agency_code).where(user.c.id > have)
            ).all()
            held = [row for i, roles, agency in ids for row in role_rows(i, roles, agency)]
            for part in _chunks(held, CHUNK):
                conn.execute(UserRole.__table__.insert(), part)  # type: ignore[attr-defined]
        return n

    def fresh_enquiries(self, n: int) -> list[tuple[int, int]]:
        """``n`` disciplinary cases in enquiry_directed, each ready for serve_notice."""
        assert self.enquiry is not None
        ids = self._copy([self.enquiry] * n)
        return [(i, self.enquiry.case["version"]) for i in ids]

    def due_set(self, n: int) -> int:
        """Cases in notice_served whose explanation deadline is past: ``n`` due in all."""
        assert self.due is not None
        have = self.count_due()
        self._copy([self.due] * max(0, n - have))
        return self.count_due()

    def history_cases(self, short: int, long: int) -> tuple[int, int]:
        """Two cases in the same state whose trails hold ``short`` and ``long`` events (the
        case's real steps, repeated)."""
        assert self.investigating is not None
        a = self._copy([self.investigating], events=short)
        b = self._copy([self.investigating], events=long)
        return a[0], b[0]

    def pad_deadlines(self, total: int) -> int:
        """Settled or far-off deadline rows on the copied cases until ``total`` rows exist:
        history that a sweep or a page must not pay for. A padded row is one of its case's
        own process, and a running one goes to an open case only: closing a case cancels
        what it had running (``service.fire``), so a closed case owing one is not real."""
        n = max(0, total - self.count(DEADLINE))
        pool: dict[str, list[dict[str, Any]]] = {}
        for t in self.growth:
            pool.setdefault(t.case["process"], []).extend(t.deadlines)
        with self.bulk.begin() as conn:
            found = conn.execute(sa.select(CASE.c.id, CASE.c.process, CASE.c.closed_at))
            cases = {i: (process, closed is None) for i, process, closed in found}
            targets = self.copied or [t.case["id"] for t in self.growth]
            targets = [i for i in targets if pool.get(cases[i][0])]
            running = [i for i in targets if cases[i][1]]
            next_id = _max(conn, DEADLINE.c.id) + 1
            rows = []
            armed_on: set[int] = set()
            for i in range(n):
                roll = self.rng.random()
                armed = roll < 0.05 and bool(running)
                case_id = self.rng.choice(running if armed else targets)
                process = cases[case_id][0]
                d = dict(self.rng.choice(pool[process]))
                d["id"], d["case_id"], d["process"] = next_id + i, case_id, process
                if armed:  # still running, due months ahead
                    armed_on.add(case_id)
                    d["status"], d["settled_at"], d["missed_at"], d["fired_at"] = (
                        "armed",
                        None,
                        None,
                        None,
                    )
                    d["due_on"] = self.today + timedelta(days=self.rng.randint(30, 400))
                else:
                    d["status"] = "met" if roll < 0.85 else "cancelled"
                    d["settled_at"] = self.now - timedelta(days=self.rng.randint(1, 3650))
                    d["missed_at"] = d["fired_at"] = None
                rows.append(d)
                if len(rows) >= CHUNK:
                    conn.execute(DEADLINE.insert(), rows)
                    rows = []
            if rows:
                conn.execute(DEADLINE.insert(), rows)
            _sync_sequences(conn)
            # Who those cases wait for, with their new deadlines, as a step would leave it.
            contexts.refill_waiting(conn, self.now, armed_on)
        return n

    def pad_texts(self, total: int) -> int:
        """Papers' texts (search_text rows of source "paper:N") on the copied cases until
        ``total`` exist: a few short paragraphs each, drawn from a fixed stock of words so
        a query matches a realistic share of them; one in ten withheld (19.8.2.2(xi)), read
        only by the roles the case file names. Written in bulk, as the copies are."""
        with self.bulk.connect() as conn:
            have = conn.execute(
                sa.select(sa.func.count()).select_from(WORDS).where(WORDS.c.source.like("paper:%"))  # type: ignore[attr-defined]
            ).scalar_one()
        n = max(0, total - have)
        targets = self.copied or [t.case["id"] for t in self.growth]
        with self.bulk.connect() as conn:
            ended = sa.select(CASE.c.id).where(CASE.c.closed_at.is_not(None))
            closed = set(conn.execute(ended).scalars())
        paragraphs = _paragraphs(self.rng)
        withheld = ",appellate,dc_member,hrc_chair,investigator,member_secretary,rcsc,"
        start = 10_000_000 + have  # beyond any real paper's number
        with self.bulk.begin() as conn:
            rows = []
            for i in range(n):
                body = " ".join(self.rng.sample(paragraphs, 3))
                case_id = self.rng.choice(targets)
                slot = search_index.PAPER_SLOT + start + i
                rows.append(
                    {
                        "id": search_index.doc_key(case_id, slot, case_id not in closed),
                        "case_id": case_id,
                        "source": f"paper:{start + i}",
                        "readers": withheld if i % 10 == 9 else "",
                        "body": f"paper {start + i}.pdf {body}",
                    }
                )
                if len(rows) >= CHUNK:
                    conn.execute(WORDS.insert(), rows)
                    rows = []
            if rows:
                conn.execute(WORDS.insert(), rows)
        return n

    def _copy(self, picks: Sequence[Template], events: int | None = None) -> list[int]:
        ids: list[int] = []
        with self.bulk.begin() as conn:
            chain = Chain(conn)
            case_id = _max(conn, CASE.c.id)
            deadline_id = _max(conn, DEADLINE.c.id)
            for batch in _chunks(picks, 5000):
                servants, cases, rows, trail, parties, words, waits = [], [], [], [], [], [], []
                for t in batch:
                    case_id += 1
                    ids.append(case_id)
                    eid = f"B{case_id:07d}"
                    name = f"{t.servant['name']} {case_id}"
                    servants.append({**t.servant, "eid": eid, "name": name})
                    cases.append(
                        {
                            **t.case,
                            "id": case_id,
                            "subject_eid": eid,
                            "title": t.case["title"].replace(t.servant["name"], name),
                        }
                    )
                    for d in t.deadlines:  # same process as the template: its rows carry it
                        deadline_id += 1
                        rows.append({**d, "id": deadline_id, "case_id": case_id})
                    steps = t.events
                    if events is not None:
                        steps = [t.events[i % len(t.events)] for i in range(events)]
                    trail += [chain.link({**e, "case_id": case_id}) for e in steps]
                    parties += [{**p, "case_id": case_id} for p in t.parties]
                    waits += [{**w, "case_id": case_id} for w in t.waits]
                    # Its words as the step's hook would have written them: its own name
                    # and number (search_index.case_documents), keyed as its own.
                    tid = str(t.case["id"])
                    words += [
                        {
                            **w,
                            "id": w["id"] & ~CASE_BITS | case_id << search_index.CASE_SHIFT,
                            "case_id": case_id,
                            "body": w["body"]
                            .replace(t.servant["name"], name)
                            .replace(t.servant["eid"], eid)
                            .replace(f"#{tid} {tid} ", f"#{case_id} {case_id} ", 1),
                        }
                        for w in t.words
                    ]
                for table, values in (
                    (SERVANT, servants),
                    (CASE, cases),
                    (DEADLINE, rows),
                    (EVENT, trail),
                    (PARTY, parties),
                    (WORDS, words),
                    (WAITING, waits),
                ):
                    for part in _chunks(values, CHUNK):
                        conn.execute(table.insert(), part)
            _sync_sequences(conn)
        return ids

    # ------------------------------------------------------------ reading
    def copy_to(self, name: str) -> str | None:
        """A copy of the database as it stands, so pages can be measured on "small" after
        it has grown: SQLite's online backup (WAL included) into a file beside it, or on
        PostgreSQL a database made from it as a template. None where no copy can be made
        (a PostgreSQL role without CREATEDB, or a database other sessions hold open)."""
        if self.engine.dialect.name == "sqlite" and self.engine.url.database:
            here = os.path.dirname(os.path.abspath(self.engine.url.database))
            path = os.path.join(here, name)
            with self.engine.connect() as conn:
                source = conn.connection.dbapi_connection
                target = sqlite3.connect(path)
                try:
                    source.backup(target)  # type: ignore[union-attr]
                finally:
                    target.close()
            return f"sqlite:///{path}"
        if self.engine.dialect.name != "postgresql":
            return None
        source = self.engine.url.database
        copy = f"{source}_{os.path.splitext(name)[0]}"
        # CREATE DATABASE ... TEMPLATE wants the source idle: close this process's pools.
        self.engine.dispose()
        self.bulk.dispose()
        admin = self._server()
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        except sa.exc.DBAPIError:
            return None
        finally:
            admin.dispose()
        self.copies.append(copy)
        return self.engine.url.set(database=copy).render_as_string(hide_password=False)

    def count(self, table: sa.Table) -> int:
        with self.bulk.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()

    def count_due(self) -> int:
        with self.bulk.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count())
                .select_from(DEADLINE)
                .where(DEADLINE.c.status == "armed", DEADLINE.c.due_on < self.today)
            ).scalar_one()

    def actors(self) -> dict[str, Actor]:
        with transaction(self.engine) as s:
            users = s.exec(sa.select(User)).scalars()  # type: ignore[call-overload]
            return {u.username: auth.actor_of(u) for u in users}

    def register_csv(self, rows: int, prefix: str = "BI") -> str:
        """A register import file of ``rows`` new civil servants of the viewer's agency,
        with every required column and a few optional ones."""
        out = [
            "eid,name,date_of_birth,position_title,position_level,agency_code,"
            "appointment_date,place_of_posting,qualification,bcse_selected"
        ]
        levels = ("P1", "P2", "P3", "P4", "P5", "S1", "S2", "O1")
        for i in range(rows):
            level = levels[i % len(levels)]
            born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28).isoformat()
            appointed = date(1995 + i % 28, 1 + i % 12, 1).isoformat()
            out.append(
                f"{prefix}{i:07d},Imported Servant {i},{born},Officer {i % 97},{level},"
                f"{VIEWER_AGENCY},{appointed},Thimphu,bachelors,{'yes' if i % 3 else 'no'}"
            )
        return "\n".join(out) + "\n"

    def token(self, username: str = VIEWER) -> str:
        with transaction(self.engine) as s:
            user = s.exec(sa.select(User).where(User.username == username)).scalars().one()  # type: ignore[call-overload]
            return auth.issue_token(s, user, self.now)

    def close(self) -> None:
        self.bulk.dispose()
        self.engine.dispose()
        if self.files:
            shutil.rmtree(self.files, ignore_errors=True)
        if self.copies:
            admin = self._server()
            with admin.connect() as conn:
                for copy in self.copies:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy}"')
            admin.dispose()

    def _server(self) -> Engine:
        """The PostgreSQL server's maintenance database, outside any transaction (CREATE
        and DROP DATABASE cannot run inside one)."""
        return sa.create_engine(
            self.engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )


def _bulk_engine(url: str) -> Engine:
    engine = db.make_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _fast(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.execute("PRAGMA synchronous=OFF")

    return engine


def _max(conn: Connection, column: sa.Column) -> int:  # type: ignore[type-arg]
    return conn.execute(sa.select(sa.func.max(column))).scalar() or 0


def _sync_sequences(conn: Connection) -> None:
    """PostgreSQL's serial sequences do not see ids written explicitly: move them on."""
    if conn.dialect.name != "postgresql":
        return
    for table in (CASE, DEADLINE):
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'(SELECT max(id) FROM "{table.name}"))'
            )
        )


# The stock of the bench's papers: the words of the rules' papers (registers, vouchers,
# reports) and generated surnames, so a query finds some papers and not all.
STOCK = (
    "attendance register extract stock ledger issue voucher requisition store consumables "
    "vehicle log book fuel claim travel advance adjustment workshop attendance sheet audit "
    "memo witness statement investigation report findings hearing explanation notice charge "
    "absence leave duty station medical certificate tour approval daily allowance procurement "
    "tender evaluation committee minutes payment order cash book receipt bank statement"
).split()


def _paragraphs(rng: random.Random, count: int = 400) -> list[str]:
    out = []
    for i in range(count):
        words = rng.choices(STOCK, k=18)
        words.insert(rng.randrange(len(words)), f"ref{i:03d}")  # a word few papers share
        out.append(" ".join(words) + ".")
    return out


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
