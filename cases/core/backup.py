"""Backups an appellate body can trust: a consistent copy of the live database, and a
restore that proves the copy holds the same history.

Disciplinary records are evidence for years, so a backup is not just a file: beside each
copy lies a manifest with the audit chain's head and event count *as of the copy's own
snapshot*, and the copy's SHA-256. ``restore`` refuses a copy whose manifest is missing or
whose bytes changed, loads it, re-verifies the whole chain (cases.core.audit.verify) and
checks that it ends at the manifest's head.

- SQLite: SQLite's online backup API copies the database page by page from one read
  snapshot while the app keeps writing (WAL): never a file copy of a live database, which
  can catch the WAL half-merged.
- PostgreSQL: ``pg_dump`` in its custom format, run on a snapshot exported from the
  transaction that read the head, so the dump and its manifest describe the same moment.
  The PostgreSQL client tools (``pg_dump``, ``pg_restore``) must be installed.

Stored letters and every other document live in the database (cases.core.models.Document),
so the copy includes them.

Nothing half-written passes for a backup: the copy is written under a ``.partial`` name,
flushed to disk, and renamed only when complete; the manifest is written last, and a copy
without its manifest is refused on restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cases.core import audit, db, file_store

MANIFEST_SUFFIX = ".manifest.json"
PARTIAL_SUFFIX = ".partial"
# Tables whose rows make a database "in use": restore refuses to overwrite one unless told.
_IN_USE = ("audit_event", "case", "civil_servant", "app_user")

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that did not complete; the message says what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, stored beside it as JSON."""

    kind: str  # "sqlite" or "postgresql"
    made_at: str  # RFC 3339, UTC
    events: int  # audit events in the copy
    head: str  # hash of the copy's last audit event
    schema: str  # the Alembic revision of the copy
    sha256: str  # of the copy's bytes
    file: str  # the copy's file name, beside the manifest
    papers: int = 0  # case-file papers copied into NAME.files/ (cases.core.file_store)
    papers_missing: tuple[str, ...] = ()  # hashes the store lacked (or held altered)

    def write(self, path: Path) -> None:
        partial = path.with_name(path.name + PARTIAL_SUFFIX)
        partial.write_text(json.dumps(asdict(self), indent=2) + "\n")
        _flush(partial)
        partial.replace(path)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
            required = [k for k, f in cls.__dataclass_fields__.items() if f.default is MISSING]
            values = {k: data[k] for k in required}
            values["papers"] = int(data.get("papers", 0))
            values["papers_missing"] = tuple(data.get("papers_missing", ()))
            return cls(**values)
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise BackupError(f"{path}: not a drukflow backup manifest ({e})") from e


@dataclass(frozen=True)
class Restored:
    events: int
    head: str
    ok: bool
    problem: str = ""
    papers: int = 0


def manifest_path(copy: Path) -> Path:
    return copy.with_name(copy.name + MANIFEST_SUFFIX)


def _flush(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database")
    return name


def destination(dest: Path, kind: str, now: datetime) -> Path:
    """``dest`` itself, or in a directory a new file named for the moment (a scheduled
    backup's naming, which ``prune`` relies on)."""
    if dest.is_dir():
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return dest / f"drukflow-{stamp}.{'db' if kind == 'sqlite' else 'dump'}"
    return dest


def papers_dir(copy: Path) -> Path:
    """Where a backup keeps the case file's papers: ``NAME.files/``, laid out as the store."""
    return copy.with_name(copy.name + ".files")


def backup(
    url: str,
    dest: Path,
    now: datetime,
    *,
    store: file_store.LocalStore | None = None,
    progress: Progress | None = None,
) -> tuple[Path, Manifest]:
    """Copy the database at ``url`` to ``dest`` (a file, or a directory to name one in) while
    the app runs, and the case file's papers it names from ``store`` (the configured one by
    default). ``progress`` hears each stage ("copying", "copied"): the crash tests stop the
    process there."""
    kind = _kind(url)
    store = store or file_store.store_for(url)
    copy = destination(dest, kind, now)
    if copy.exists() or manifest_path(copy).exists() or papers_dir(copy).exists():
        raise BackupError(f"{copy} exists: choose a new name (a backup is never overwritten)")
    copy.parent.mkdir(parents=True, exist_ok=True)
    partial = copy.with_name(copy.name + PARTIAL_SUFFIX)
    partial_papers = papers_dir(copy).with_name(papers_dir(copy).name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    shutil.rmtree(partial_papers, ignore_errors=True)
    say = progress or (lambda _stage: None)
    try:
        if kind == "sqlite":
            events, head, schema, shas = _sqlite_copy(url, partial, say)
        else:
            events, head, schema, shas = _pg_dump(url, partial, say)
        _flush(partial)
        # Papers are written once and never change, so copying them after the snapshot
        # copies exactly the bytes the copied rows name.
        missing = _copy_papers(shas, store, partial_papers)
        say("copied")
        manifest = Manifest(
            kind=kind,
            made_at=audit.rfc3339(now),
            events=events,
            head=head,
            schema=schema,
            sha256=_sha256(partial),
            file=copy.name,
            papers=len(shas) - len(missing),
            papers_missing=tuple(missing),
        )
        partial.replace(copy)
        partial_papers.mkdir(exist_ok=True)
        partial_papers.replace(papers_dir(copy))
        manifest.write(manifest_path(copy))
    except BaseException:
        partial.unlink(missing_ok=True)
        shutil.rmtree(partial_papers, ignore_errors=True)
        raise
    return copy, manifest


def _copy_papers(shas: list[str], store: file_store.LocalStore, into: Path) -> list[str]:
    """Copy each paper, checking its bytes against its name; returns the hashes the store
    lacked or held altered (listed in the manifest, never copied wrong)."""
    out = file_store.LocalStore(into)
    missing = []
    for sha in shas:
        try:
            data = store.read(sha)
        except FileNotFoundError:
            missing.append(sha)
            continue
        if file_store.sha256_of(data) != sha:
            missing.append(sha)
            continue
        out.put(data)
    return missing


def _sqlite_file(url: str) -> str:
    name = make_url(url).database
    if not name or name == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return name


Facts = tuple[int, str, str, list[str]]  # events, head, schema, the papers' hashes

_PAPERS = "SELECT DISTINCT sha256 FROM case_file ORDER BY sha256"


def _chain_facts(conn: sqlite3.Connection) -> Facts:
    """Event count, head, schema revision and papers of a SQLite database, in one snapshot."""
    seq, head = conn.execute(
        "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"
    ).fetchone() or (0, audit.GENESIS)
    (schema,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or ("",)
    has_papers = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'case_file'"
    ).fetchone()
    shas = [r[0] for r in conn.execute(_PAPERS)] if has_papers else []
    return int(seq), str(head), str(schema), shas


def _sqlite_copy(url: str, partial: Path, say: Progress) -> Facts:
    source = sqlite3.connect(_sqlite_file(url), timeout=30)
    target = sqlite3.connect(partial)
    try:
        say("copying")
        # One step (pages=-1): the whole copy is read from one snapshot, and writers keep
        # going in the WAL meanwhile. Stepwise copying restarts whenever they write.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        # The manifest describes the copy as made, so it is read from the copy.
        return _chain_facts(target)
    finally:
        target.close()
        source.close()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for the client tools and the environment carrying its password (never on
    the command line, where ``ps`` would show it)."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)"
        )
    return found


def _pg_dump(url: str, partial: Path, say: Progress) -> Facts:
    dump = _tool("pg_dump")
    conn_url, env = _libpq(url)
    engine = db.engine_for(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        row = conn.exec_driver_sql(
            "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"
        ).first()
        schema = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() or ""
        has_papers = conn.exec_driver_sql("SELECT to_regclass('case_file')").scalar()
        shas = list(conn.exec_driver_sql(_PAPERS).scalars()) if has_papers else []
        say("copying")
        # The exported snapshot lives while this transaction does: pg_dump sees exactly
        # what the head above was read from.
        done = subprocess.run(
            [dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", conn_url],
            env=env,
            capture_output=True,
            text=True,
        )
        conn.exec_driver_sql("COMMIT")
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    events, head = (int(row[0]), str(row[1])) if row else (0, audit.GENESIS)
    return events, head, str(schema), shas


def check(copy: Path) -> Manifest:
    """The manifest of a complete, unaltered backup; anything else is refused."""
    mpath = manifest_path(copy)
    if not copy.is_file():
        raise BackupError(f"{copy}: no such backup")
    if not mpath.is_file():
        raise BackupError(
            f"{copy}: its manifest {mpath.name} is missing, so the backup did not complete "
            "(or is not drukflow's): refusing it"
        )
    manifest = Manifest.read(mpath)
    if _sha256(copy) != manifest.sha256:
        raise BackupError(f"{copy}: its bytes differ from those its manifest recorded")
    return manifest


def in_use(url: str) -> list[str]:
    """The tables of ``url`` that hold rows (none for a new or empty database)."""
    engine = db.engine_for(url)
    names = set(sa.inspect(engine).get_table_names())
    used = []
    with engine.connect() as conn:
        for table in _IN_USE:
            if table in names and conn.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first():
                used.append(table)
    return used


def restore(
    copy: Path, url: str, *, force: bool = False, store: file_store.LocalStore | None = None
) -> Restored:
    """Load the backup ``copy`` into the database at ``url`` and its papers into ``store``
    (the configured one by default), then verify the whole chain, compare its head with the
    manifest's, and check that every paper the database names is in the store, unaltered.
    Refuses a database that holds data unless ``force``; a failed load leaves the target
    database as it was."""
    store = store or file_store.store_for(url)
    manifest = check(copy)
    kind = _kind(url)
    if kind != manifest.kind:
        raise BackupError(f"{copy} is a {manifest.kind} backup; the target is {kind}")
    used = in_use(url)
    if used and not force:
        raise BackupError(
            f"the target database holds data ({', '.join(used)}): restore into an empty "
            "database, or pass --force to replace it"
        )
    engine = db.engine_for(url)
    engine.dispose()  # no pooled connection holds the old contents
    if kind == "sqlite":
        _sqlite_load(copy, url)
    else:
        _pg_restore(copy, url)
    engine.dispose()
    with db.reading(engine) as s:
        result = audit.verify(s)
    if not result.ok:
        where = f"event {result.broken_seq}" if result.broken_seq else f"after {result.events}"
        problem = f"chain broken at {where}: {result.problem}"
        return Restored(result.events, result.head, False, problem)
    if (result.events, result.head) != (manifest.events, manifest.head):
        return Restored(
            result.events,
            result.head,
            False,
            f"the restored chain ends at event {result.events} ({result.head[:12]}…), the "
            f"backup's manifest at event {manifest.events} ({manifest.head[:12]}…)",
        )
    wrong = _restore_papers(papers_dir(copy), store)
    shas: list[str] = []
    if "case_file" in sa.inspect(engine).get_table_names():
        with db.reading(engine) as s:
            shas = list(s.connection().exec_driver_sql(_PAPERS).scalars())
    absent = [sha for sha in shas if store.check(sha) != "ok"]
    if wrong or absent:
        listed = ", ".join(x[:12] + "…" for x in [*wrong, *absent][:5])
        return Restored(
            result.events,
            result.head,
            False,
            f"{len(absent)} of the {len(shas)} papers the database names are not in the store "
            f"unaltered, and {len(wrong)} backed-up papers do not match their names: {listed}",
        )
    db.upgrade(url)  # an older backup is brought to this version's schema
    return Restored(result.events, result.head, True, papers=len(shas))


def _restore_papers(source: Path, store: file_store.LocalStore) -> list[str]:
    """Put each backed-up paper in the store; returns the names whose bytes differ."""
    wrong = []
    for path in sorted(source.glob("*/*")) if source.is_dir() else []:
        data = path.read_bytes()
        if file_store.sha256_of(data) != path.name:
            wrong.append(path.name)
            continue
        store.put(data)
    return wrong


def _sqlite_load(copy: Path, url: str) -> None:
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(_sqlite_file(url), timeout=30)
    try:
        # The backup API replaces the target's pages in one transaction: a failure leaves
        # the target as it was.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _pg_restore(copy: Path, url: str) -> None:
    tool = _tool("pg_restore")
    conn_url, env = _libpq(url)
    done = subprocess.run(
        [
            tool,
            "--single-transaction",  # all or nothing
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--dbname={conn_url}",
            str(copy),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest complete backups named by ``destination`` in
    ``directory``, and any leftover ``.partial`` file of an interrupted one. Returns what
    was removed."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    removed: list[Path] = []
    for leftover in directory.glob(f"drukflow-*{PARTIAL_SUFFIX}"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    complete = sorted(
        p
        for p in directory.glob("drukflow-*")
        if p.suffix in (".db", ".dump") and manifest_path(p).is_file()
    )
    for old in complete[:-keep]:
        manifest_path(old).unlink(missing_ok=True)  # first: the rest no longer passes as one
        old.unlink(missing_ok=True)
        shutil.rmtree(papers_dir(old), ignore_errors=True)
        removed.append(old)
    return removed
