"""The ``drukflow`` command: serve the app, migrate, demo data, timers, audit, users, calendar.

Every command that touches the database first brings it up to the newest schema
(``cases.core.db.upgrade``), so an empty or older database just works. The database is
chosen by DRUKFLOW_DATABASE_URL (default: sqlite:///drukflow.db). Case state changes
only through ``cases.core.service.fire`` (the timer sweep included); nothing here writes it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import audit, calendar_store, db, file_store, migration, timers
from cases.core.backup import BackupError
from cases.core.models import Agency, Case, CivilServant, Deadline, User
from cases.demo import seed
from cases.people import auth, register_import, security_log
from cases.review import case_file, replay
from web import cli_backup, cli_migrate, observability
from workflows import bounds
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ, bhutan_today
from workflows.engine import Refused
from workflows.record import EID_CITE, eid_problem

# Roles that act for an agency, so a user holding one needs --agency.
AGENCY_ROLES = R.AGENCY_STAFF | {R.APPELLATE, R.RCSC}


class CliError(Exception):
    """A problem to report in one line, exiting with status 1."""


# --------------------------------------------------------------------- helpers


def parse_now(text: str | None) -> datetime:
    """An ISO date or datetime; without a timezone it is Bhutan time (UTC+6)."""
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--now: '{text}' is not an ISO date or datetime") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BHUTAN_TZ)
    return value


def parse_day(text: str) -> date:
    """A date the rules count in (workflows.bounds), as the web's forms take it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CliError(f"'{text}' is not a date (YYYY-MM-DD)") from None
    try:
        return bounds.check_date(day)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def shown_url(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def database() -> tuple[str, Engine]:
    """The configured database, upgraded to the newest schema."""
    url = db.database_url()
    db.upgrade(url)
    return url, db.engine_for(url)


def say(text: str = "") -> None:
    print(text)


# -------------------------------------------------------------------- commands


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    database()
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_config=observability.log_config(),  # JSON lines, one per request
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    url, _engine = database()
    say(f"database is up to date: {shown_url(url)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    now = parse_now(args.now)
    _url, engine = database()
    summary = seed.build(engine, now)
    if not summary["created"]:
        say(
            "demo data already exists; nothing changed ("
            + ", ".join(summary["existing"][:3])
            + (", ..." if len(summary["existing"]) > 3 else "")
            + " found)"
        )
    else:
        today = bhutan_today(now)
        say(
            f"demo data created as of {today.isoformat()} (Bhutan): {summary['agencies']} "
            f"agencies, {summary['civil_servants']} civil servants, {len(summary['users'])} "
            f"users, {len(summary['cases'])} cases ("
            + ", ".join(
                f"{n} {k}" for k, n in Counter(c["process"] for c in summary["cases"]).items()
            )
            + ")"
        )
        say()
        for c in sorted(summary["cases"], key=lambda c: c["id"]):
            nxt = c["next_deadline"]
            due = ""
            if nxt:
                due = f"  next: {nxt['kind']} due {nxt['due_on']}"
                due += " (OVERDUE)" if nxt["overdue"] else ""
            say(
                f"  case {c['id']:>2}  {c['process']:<12} {c['state']:<22} {c['subject']} "
                f"({c['subject_eid']}): "
                f"{c['label']}{due}"
            )
    say()
    say(f"Sign in with any of these users; every password is {seed.PASSWORD!r}:")
    say()
    say(seed.format_credentials())
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    now = parse_now(args.now)
    _url, engine = database()
    report = timers.sweep(engine, now)
    today = bhutan_today(now)
    if not (report.missed or report.refused):
        say(f"{today.isoformat()}: no deadline due; nothing fired")
        return 0
    with db.transaction(engine) as s:
        rows = {
            d.id: d
            for d in s.exec(
                select(Deadline).where(Deadline.id.in_(report.missed))  # type: ignore[union-attr]
            ).all()
        }
        fired = dict(report.fired)
        for deadline_id in report.missed:
            d = rows[deadline_id]
            say(f"missed: case {d.case_id} {d.kind} (due {d.due_on.isoformat()}, BCSR {d.cite})")
            if deadline_id in fired:
                case = s.get(Case, d.case_id)
                state = case.state if case else "?"
                say(f"fired:  case {d.case_id} {fired[deadline_id]} -> {state}")
        for deadline_id, reason in report.refused:
            say(f"refused: deadline {deadline_id}: {reason}")
    say(f"{len(report.missed)} missed, {len(report.fired)} fired, {len(report.refused)} refused")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    url, engine = database()
    with db.transaction(engine) as s:
        result = audit.verify(s, args.head)
        checks = case_file.verify_files(s, file_store.store_for(url)) if args.files else []
    code = 0
    if result.ok:
        say(f"ok: {result.events} events, head {result.head}")
    elif result.broken_seq is not None:
        say(f"broken at event {result.broken_seq}: {result.problem}")
        code = 1
    else:
        say(f"broken after event {result.events}: {result.problem}")
        code = 1
    if args.files:
        bad = [c for c in checks if c.status != "ok"]
        for c in bad:
            say(f"file {c.status}: paper {c.paper_id} of case {c.case_id} ({c.name}), {c.sha256}")
        say(f"files: {len(checks) - len(bad)} of {len(checks)} match their audit events")
        code = code or (1 if bad else 0)
    return code


def cmd_audit_replay(args: argparse.Namespace) -> int:
    """Rebuild every case from its audit events (cases.review.replay) and the register's changed
    columns from its events, and list where the live cases and records differ: the trail
    is complete only if this and ``audit verify`` both pass."""
    _url, engine = database()
    with db.reading(engine) as s:
        cases = replay.replay(s)
        drifted = replay.drift(s)
        records = replay.rebuild_register(s)
        record_drift = replay.register_drift(s)
    for d in drifted:
        say(str(d))
    for r in record_drift:
        say(str(r))
    if drifted:
        say(f"drift: {len(drifted)} of {len(cases)} cases differ from their audit events")
    if record_drift:
        say(
            f"drift: {len({r.eid for r in record_drift})} of {len(records)} register records "
            "differ from their audit events"
        )
    if drifted or record_drift:
        return 1
    events = sum(r.events for r in cases.values())
    say(f"ok: {len(cases)} cases rebuilt from {events} events match the live cases")
    say(f"ok: {len(records)} register records' changed columns match their audit events")
    return 0


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise CliError(f"no user '{username}'")
    return user


def cmd_token(args: argparse.Namespace) -> int:
    _url, engine = database()
    with db.transaction(engine) as s:
        user = _user(s, args.username)
        if not user.active:
            raise CliError(f"user '{args.username}' is disabled")
        token = auth.issue_token(s, user, datetime.now(UTC))
    say(token)
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password:
        return args.password
    env = os.environ.get("DRUKFLOW_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise CliError("give --password, set DRUKFLOW_PASSWORD, or run in a terminal")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise CliError("the passwords do not match")
    return first


def _check_new_user(s: Session, args: argparse.Namespace) -> None:
    if len(args.username) > 64:  # the column's width (PostgreSQL refuses longer names)
        raise CliError("NAME: at most 64 characters")
    if s.exec(select(User).where(User.username == args.username)).first():
        raise CliError(f"user '{args.username}' already exists")
    if args.agency and s.get(Agency, args.agency) is None:
        raise CliError(f"no agency '{args.agency}'")
    if args.eid and (problem := eid_problem(args.eid)):
        raise CliError(f"--eid: {problem} (BCSR {EID_CITE})")
    if args.eid and s.get(CivilServant, args.eid) is None:
        raise CliError(f"no civil servant with employee ID '{args.eid}'")


def cmd_user_add(args: argparse.Namespace) -> int:
    roles = list(dict.fromkeys(args.role))
    unknown = sorted(set(roles) - R.ALL)
    if unknown:
        raise CliError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted(R.ALL))}")
    if set(roles) & AGENCY_ROLES and not args.agency:
        raise CliError(f"role(s) {', '.join(sorted(set(roles) & AGENCY_ROLES))} need --agency")
    if set(roles) & R.SELF and not args.eid:
        raise CliError("roles respondent and civil_servant need --eid (their own employee ID)")
    _url, engine = database()
    with db.transaction(engine) as s:
        _check_new_user(s, args)
    password = _password(args)  # asked outside any transaction: SQLite holds a write lock
    if not password:
        raise CliError("the password must not be empty")
    with db.transaction(engine) as s:
        _check_new_user(s, args)
        auth.create_user(
            s,
            args.username,
            password,
            roles,
            display_name=args.name or "",
            agency_code=args.agency,
            employee_eid=args.eid,
        )
    say(
        f"user {args.username} added ({', '.join(roles)}"
        + (f", {args.agency}" if args.agency else "")
        + ")"
    )
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    _url, engine = database()
    with db.transaction(engine) as s:
        user = _user(s, args.username)
        sessions, tokens = auth.disable_user(s, user, datetime.now(UTC), by="cli")
    say(
        f"user {args.username} disabled; {sessions} session(s) ended and {tokens} API "
        "token(s) revoked at once"
    )
    return 0


def cmd_security_log(args: argparse.Namespace) -> int:
    """The security log, newest first (the /security page, for a terminal)."""
    if args.limit < 1:
        raise CliError(f"--limit: must be 1 or more, not {args.limit}")
    _url, engine = database()
    try:
        with db.transaction(engine) as s:
            log = security_log.listing(
                s,
                kind=args.kind or "",
                username=args.username or "",
                from_day=args.from_day or "",
                to_day=args.to_day or "",
                page=args.page,
                per_page=args.limit,
            )
    except ValueError as exc:
        field, _, reason = str(exc).partition(":")
        raise CliError(f"--{field.replace('_', '-')}:{reason}") from None
    for e in log.events:
        say(security_log.line(e, lambda d: d.astimezone(BHUTAN_TZ).strftime("%Y-%m-%d %H:%M:%S")))
    shown = len(log.events)
    say(
        f"{shown} of {log.total} event(s)"
        + (f", page {log.page} of {log.pages} (newest first)" if shown else "")
    )
    return 0


AGENCY_KINDS = (
    "ministry",
    "autonomous",
    "constitutional",
    "department",
    "dzongkhag",
    "rcsc",
    "tribunal",
)


def cmd_agency_add(args: argparse.Namespace) -> int:
    """Agencies decide who is competent (19.3.7 turns on kind and parent ministry)."""
    _url, engine = database()
    if len(args.code) > 32:  # the column's width (PostgreSQL refuses longer codes)
        raise CliError("CODE: at most 32 characters")
    with db.transaction(engine) as s:
        if s.get(Agency, args.code) is not None:
            raise CliError(f"agency {args.code} already exists")
        if args.parent and s.get(Agency, args.parent) is None:
            raise CliError(f"--parent: no agency {args.parent}")
        if args.kind in ("department", "dzongkhag") and not args.parent:
            raise CliError(f"--parent: a {args.kind} needs its ministry (BCSR 19.3.7)")
        s.add(Agency(code=args.code, name=args.name, kind=args.kind, parent_code=args.parent))
    say(f"agency {args.code} ({args.kind}) added")
    return 0


def cmd_agency_list(args: argparse.Namespace) -> int:
    _url, engine = database()
    with db.transaction(engine) as s:
        for a in s.exec(select(Agency).order_by(Agency.code)).all():
            say(f"{a.code:10} {a.kind:14} {a.parent_code or '':10} {a.name}")
    return 0


def cmd_calendar_add(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    _url, engine = database()
    with db.transaction(engine) as s:
        change = calendar_store.set_override(s, day, "added", args.note, "cli", datetime.now(UTC))
    say(f"{day.isoformat()} is now a closure: {args.note}")
    say_moved(change)
    return 0


def cmd_calendar_remove(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    listed = calendar_store.listed_holiday(day)
    _url, engine = database()
    try:
        with db.transaction(engine) as s:
            change = calendar_store.set_override(
                s, day, "removed", args.note, "cli", datetime.now(UTC)
            )
    except calendar_store.CorrectionRefused as exc:
        raise CliError(exc.reason) from None
    say(f"{day.isoformat()} ({listed}) is now a working day: {args.note}")
    say_moved(change)
    return 0


def cmd_calendar_clear(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    _url, engine = database()
    with db.transaction(engine) as s:
        change = calendar_store.clear_override(s, day, by="cli", now=datetime.now(UTC))
        if change is None:
            raise CliError(f"no correction on {day.isoformat()}")
    say(f"correction on {day.isoformat()} cleared")
    say_moved(change)
    return 0


def say_moved(change: calendar_store.Change) -> None:
    """Every armed deadline the change moved (each also audited on its case)."""
    say(f"{len(change.moved)} armed deadline(s) moved")
    for m in change.moved:
        say(f"  case {m.case_id}: {m.label} (BCSR {m.cite}) {m.was} -> {m.due}")


def cmd_calendar_list(args: argparse.Namespace) -> int:
    year = args.year or bhutan_today(datetime.now(UTC)).year
    _url, engine = database()
    with db.transaction(engine) as s:
        cal = calendar_store.load(s)
        rows = calendar_store.overrides(s)
    say(f"Public holidays and closures in {year} (corrections applied):")
    for day, name in cal.holidays_in(year):
        say(f"  {day.isoformat()}  {day.strftime('%a')}  {name}")
    say("Corrections:")
    if not rows:
        say("  none")
    for r in rows:
        what = "closure" if r.kind == "added" else "not a holiday"
        say(f"  {r.day.isoformat()}  {what:<13}  {r.note}  (by {r.created_by})")
    return 0


def cmd_import_register(args: argparse.Namespace) -> int:
    """The CSV import with a named user's authority (``--as``), as on the register page: an
    agency's HR officer imports that agency's civil servants, the RCSC sensitive columns
    (16.3.3, 16.3.7); each created or changed record is audited under that user's name."""
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    _url, engine = database()
    with db.reading(engine) as s:
        user = _user(s, args.as_user)
    if not user.active:
        raise CliError(f"user '{args.as_user}' is disabled")
    result = register_import.import_csv(engine, data, auth.actor_of(user), datetime.now(UTC))
    if result.errors:
        for line in result.errors:
            print(f"{path.name}: {line}", file=sys.stderr)
        print(f"{path.name}: nothing imported ({len(result.errors)} problem(s))", file=sys.stderr)
        return 1
    say(
        f"{path.name}: {result.created} created, {result.updated} updated"
        + (f", {result.unchanged} unchanged" if result.unchanged else "")
    )
    return 0


def cmd_cases_migrate(args: argparse.Namespace) -> int:
    """Move open cases of a process to a later version by a plan (cases.core.migration),
    with a named user's authority (``--as``: the RCSC or an administrator)."""
    _url, engine = database()
    with db.reading(engine) as s:
        user = _user(s, args.as_user)
    if not user.active:
        raise CliError(f"user '{args.as_user}' is disabled")
    actor = auth.actor_of(user)
    plan = migration.Plan(
        process=args.process,
        to_version=args.to,
        from_version=args.from_version or "",
        states=cli_migrate.parse_map(args.map),
        case_ids=tuple(args.case or ()),
    )
    now = parse_now(args.now)
    if args.dry_run:
        with db.reading(engine) as s:
            outcomes = migration.dry_run(s, plan, actor, now)
    else:
        outcomes = migration.apply(engine, plan, actor, now)
    if args.csv:
        Path(args.csv).write_text(cli_migrate.csv_text(outcomes), encoding="utf-8")
    for line in cli_migrate.lines(outcomes):
        say(line)
    moved = sum(1 for o in outcomes if not o.refused)
    refused = len(outcomes) - moved
    verb = "would move" if args.dry_run else "moved"
    say(f"plan {plan.digest[:12]}: {verb} {moved} case(s), refused {refused}")
    return 0


# ----------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="drukflow",
        description="BCSR 2023 disciplinary enquiries as audited state machines. "
        "The database is DRUKFLOW_DATABASE_URL (default sqlite:///drukflow.db).",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str,
        fn: Callable[[argparse.Namespace], int] | None,
        help: str,
        parent: argparse._SubParsersAction = sub,
    ) -> argparse.ArgumentParser:  # type: ignore[type-arg]
        c = parent.add_parser(name, help=help, description=help)
        if fn is not None:
            c.set_defaults(func=fn)
        return c

    c = command("serve", cmd_serve, "run the web app (and its minute deadline sweeper)")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=8000)

    command("migrate", cmd_migrate, "bring the database up to the newest schema")

    cli_backup.arguments(
        command("backup", cli_backup.cmd_backup, "copy the live database, with its chain head"),
        command("restore", cli_backup.cmd_restore, "restore a backup and verify its chain"),
    )

    c = command("demo", cmd_demo, "create demo agencies, users and cases (once)")
    c.add_argument("--now", help="the demo's 'today' (ISO; no timezone = Bhutan time)")

    c = command("tick", cmd_tick, "run the deadline sweep once")
    c.add_argument("--now", help="sweep as of this time (ISO; no timezone = Bhutan time)")

    a = command("audit", None, "audit trail commands")
    asub = a.add_subparsers(dest="audit_command", required=True, metavar="SUBCOMMAND")
    c = command("verify", cmd_audit_verify, "verify the audit hash chain", asub)
    c.add_argument("--head", help="a head hash exported earlier; it must still be in the chain")
    c.add_argument(
        "--files",
        action="store_true",
        help="also check every case-file paper's stored bytes against its hash",
    )
    command("replay", cmd_audit_replay, "rebuild every case from its audit events", asub)

    c = command("token", cmd_token, "issue an API bearer token for a user")
    c.add_argument("username")

    u = command("user", None, "user commands")
    usub = u.add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND")
    c = command("add", cmd_user_add, "add a user", usub)
    c.add_argument("username")
    c.add_argument(
        "--role",
        action="append",
        required=True,
        help=f"repeatable; one of {', '.join(sorted(R.ALL))}",
    )
    c.add_argument("--agency", help="agency code (needed for agency roles)")
    c.add_argument("--eid", help="the user's employee ID (needed for the respondent role)")
    c.add_argument("--name", help="display name")
    c.add_argument("--password", help="else DRUKFLOW_PASSWORD, else prompted")
    c = command("disable", cmd_user_disable, "disable a user (sessions and tokens stop)", usub)
    c.add_argument("username")

    c = command("security-log", cmd_security_log, "list the security log, newest first")
    c.add_argument("--kind", help=f"one of {', '.join(security_log.KINDS)}")
    c.add_argument("--username", help="only this username")
    c.add_argument("--from-day", help="only events on or after this day (YYYY-MM-DD, Bhutan)")
    c.add_argument("--to-day", help="only events on or before this day (YYYY-MM-DD, Bhutan)")
    c.add_argument("--limit", type=int, default=50, help="how many events (default 50)")
    c.add_argument("--page", type=int, default=1, help="page of --limit events (default 1)")

    a = command("agency", None, "agency commands")
    asub = a.add_subparsers(dest="agency_command", required=True, metavar="SUBCOMMAND")
    c = command("add", cmd_agency_add, "add an agency", asub)
    c.add_argument("code")
    c.add_argument("--name", required=True)
    c.add_argument("--kind", required=True, choices=AGENCY_KINDS)
    c.add_argument("--parent", help="parent ministry (departments and dzongkhags)")
    command("list", cmd_agency_list, "list agencies", asub)

    k = command("calendar", None, "working-day calendar corrections")
    ksub = k.add_subparsers(dest="calendar_command", required=True, metavar="SUBCOMMAND")
    c = command("add", cmd_calendar_add, "declare a closure (not a working day)", ksub)
    c.add_argument("date")
    c.add_argument("--note", required=True)
    c = command("remove", cmd_calendar_remove, "a listed holiday that is not one", ksub)
    c.add_argument("date")
    c.add_argument("--note", required=True)
    c = command("clear", cmd_calendar_clear, "remove a correction", ksub)
    c.add_argument("date")
    c = command("list", cmd_calendar_list, "holidays of a year and the corrections", ksub)
    c.add_argument("--year", type=int)

    k = command("cases", None, "case commands")
    ksub = k.add_subparsers(dest="cases_command", required=True, metavar="SUBCOMMAND")
    c = command(
        "migrate",
        cmd_cases_migrate,
        "move open cases to a later version of their process (BCSR 1.7)",
        ksub,
    )
    c.add_argument("process")
    c.add_argument("--to", required=True, metavar="VERSION")
    c.add_argument("--from", dest="from_version", metavar="VERSION")
    c.add_argument("--case", type=int, action="append", help="repeatable; only these cases")
    c.add_argument("--map", action="append", metavar="OLD=NEW", help="repeatable state mapping")
    c.add_argument("--dry-run", action="store_true", help="list what would change; write nothing")
    c.add_argument("--csv", metavar="FILE", help="also write the plan's lines as CSV")
    c.add_argument("--now", help="as of this time (ISO; no timezone = Bhutan time)")
    c.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")

    c = command(
        "import-register", cmd_import_register, "import civil servants from CSV (all rows or none)"
    )
    c.add_argument("file")
    c.add_argument(
        "--as",
        dest="as_user",
        required=True,
        metavar="USERNAME",
        help="the user whose authority the import runs with (an HR officer or the RCSC)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage errors and --help
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        return int(args.func(args))
    except (CliError, BackupError) as exc:
        print(f"drukflow: {exc}", file=sys.stderr)
    except Refused as exc:
        print(f"drukflow: refused: {exc}", file=sys.stderr)
    except sa.exc.SQLAlchemyError as exc:
        first = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        print(f"drukflow: database error: {first}", file=sys.stderr)
    except (ValueError, OSError) as exc:
        print(f"drukflow: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
