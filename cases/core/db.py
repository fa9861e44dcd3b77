"""Database engine and sessions: DRUKFLOW_DATABASE_URL chooses it (SQLite file by default).

SQLite gets WAL and foreign keys, and every transaction starts with BEGIN IMMEDIATE so
two writers queue on the lock instead of failing with "database is locked" halfway
through a read-then-write transition. Within one process writers also queue on a Python
lock first (``transaction``), so the next one starts the moment the last commits instead
of after SQLite's busy-wait sleep. PostgreSQL (``postgresql://...``, driver psycopg,
the ``postgres`` extra) runs at READ COMMITTED: a transition locks its case row
(``service.load(for_update=True)``) and the audit chain's head (an advisory lock).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

try:
    import fcntl
except ImportError:  # Windows: SQLite's own lock is all there is
    fcntl = None  # type: ignore[assignment]

DEFAULT_URL = "sqlite:///drukflow.db"


def database_url() -> str:
    return os.environ.get("DRUKFLOW_DATABASE_URL", DEFAULT_URL)


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_setup(engine)
        return engine
    if url.startswith(("postgresql://", "postgres://")):  # SQLAlchemy would want psycopg2
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # pre_ping: a connection the server dropped (a restart) is replaced before a request
    # uses it. The session speaks UTC whatever the server's TimeZone, so a timestamptz comes
    # back as UTC, as from SQLite.
    connect_args = {"options": "-c TimeZone=UTC"} if url.startswith("postgresql") else {}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


# One write gate per SQLite engine. SQLite's busy handler polls a locked database with
# sleeps of up to 100 ms, so under load the write lock would sit idle between a commit and
# the next writer's wake-up; threads of one process instead wait on this lock, handed over
# at once. Re-entrant, so a nested transaction still meets SQLite's own lock and its error.
_WRITE_GATES: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def _sqlite_setup(engine: Engine) -> None:
    _WRITE_GATES[engine] = threading.RLock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # 64 MiB of page cache per connection (the default is 2 MiB): a large database's
        # indexes stay in memory between requests instead of being re-read from the file.
        cur.execute("PRAGMA cache_size=-65536")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # A read (``reading``) takes WAL's snapshot and never the write lock, and is held to
        # it: a write slipped into one fails at once ("attempt to write a readonly
        # database") instead of only when another writer happens to have moved on.
        read = bool(conn.get_execution_options().get(READ_ONLY))
        pooled = conn.connection  # its info lasts as long as the SQLite connection
        if pooled.info.get("query_only", False) != read:
            pooled.dbapi_connection.execute(f"PRAGMA query_only={int(read)}")  # type: ignore[union-attr]
            pooled.info["query_only"] = read
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    gate = _WRITE_GATES.get(engine)
    with gate or nullcontext(), Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


READ_ONLY = "drukflow_read_only"


def bulk_insert(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows at once in the session's transaction: PostgreSQL's COPY (several
    times faster than an INSERT per row, even pipelined), SQLite's executemany (its
    inserts are in-process already). Column names are quoted ("trigger" is a keyword);
    values go as they are, so dates as the column takes them."""
    if not rows:
        return
    conn = session.connection()
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(rows))


def _read_only(engine: Engine) -> Engine:
    """The engine with reads' option set, made once per engine and kept on it (every
    request that reads its session or token comes here; the option engine shares the
    pool)."""
    found = getattr(engine, "_drukflow_read_only", None)
    if found is None:
        found = engine.execution_options(**{READ_ONLY: True})
        engine._drukflow_read_only = found  # type: ignore[attr-defined]
    return found


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A unit of work that only reads. On SQLite it begins DEFERRED, so it does not queue
    for the write lock behind every transition: WAL gives it a consistent snapshot. A write
    inside it would fail with "database is locked" whenever another writer had moved on, so
    nothing that writes may use it."""
    with Session(_read_only(engine), expire_on_commit=False) as s:
        try:
            yield s
            s.commit()  # ends the snapshot; unlike a rollback it leaves what was read loaded
        except BaseException:
            s.rollback()
            raise


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """``reading`` without a session, for a read of plain rows (each API call's token):
    the same snapshot and read-only guard, without the session's bookkeeping."""
    with _read_only(engine).connect() as conn:
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


def alembic_config(url: str) -> Config:
    here = Path(__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(here))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring an empty or older database up to the newest schema. Every web worker runs it as
    it starts: one migrates at a time, the rest then find the schema done."""
    url = url or database_url()
    engine = engine_for(url)
    cfg = alembic_config(url)
    with _migration_lock(engine), engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Held until the commit (Alembic runs in this transaction).
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7232)")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """SQLite: an exclusive lock on a file beside the database while migrating. BEGIN
    IMMEDIATE alone let two workers that created a new database's file at the same moment
    both run its migrations (the second failed on an index the first had dropped)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{path}-migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
