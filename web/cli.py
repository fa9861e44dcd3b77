"""The ``drukflow`` command: serve the app, migrate, demo data, timers, audit, users, calendar.

Every command that touches the database first brings it up to the newest schema
(``cases.core.db.upgrade``), so an empty or older database just works. The database is
chosen by DRUKFLOW_DATABASE_URL (default: sqlite:///drukflow.db). Case state changes
only through ``cases.core.service.fire`` (the timer sweep included); nothing here writes it.

The commands are in the modules named for what they act on: web.cli_database (serve,
migrate, demo, tick, audit, cases migrate), web.cli_backup (backup, restore),
web.cli_people (tokens, users, the security log, the register import), web.cli_meetings
(meetings from recorded meeting numbers), web.cli_agencies,
web.cli_calendar; what they share is web.cli_helpers. This module builds the parser and
runs one command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from cases.core.backup import BackupError
from cases.people import security_log
from web import cli_agencies, cli_backup, cli_calendar, cli_database, cli_meetings, cli_people
from web.cli_helpers import CliError
from workflows import roles as R
from workflows.context import Refused


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

    c = command(
        "serve", cli_database.cmd_serve, "run the web app (and its minute deadline sweeper)"
    )
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=8000)

    command("migrate", cli_database.cmd_migrate, "bring the database up to the newest schema")

    cli_backup.arguments(
        command("backup", cli_backup.cmd_backup, "copy the live database, with its chain head"),
        command("restore", cli_backup.cmd_restore, "restore a backup and verify its chain"),
    )

    c = command("demo", cli_database.cmd_demo, "create demo agencies, users and cases (once)")
    c.add_argument("--now", help="the demo's 'today' (ISO; no timezone = Bhutan time)")

    c = command("tick", cli_database.cmd_tick, "run the deadline sweep once")
    c.add_argument("--now", help="sweep as of this time (ISO; no timezone = Bhutan time)")

    q = command("queue", None, "work queue commands")
    qsub = q.add_subparsers(dest="queue_command", required=True, metavar="SUBCOMMAND")
    c = command(
        "rebuild",
        cli_database.cmd_queue_rebuild,
        "write again who every open case waits for (after a change made outside drukflow)",
        qsub,
    )
    c.add_argument("--now", help="as of this time (ISO; no timezone = Bhutan time)")

    a = command("audit", None, "audit trail commands")
    asub = a.add_subparsers(dest="audit_command", required=True, metavar="SUBCOMMAND")
    c = command("verify", cli_database.cmd_audit_verify, "verify the audit hash chain", asub)
    c.add_argument("--head", help="a head hash exported earlier; it must still be in the chain")
    c.add_argument(
        "--files",
        action="store_true",
        help="also check every case-file paper's stored bytes against its hash",
    )
    command(
        "replay", cli_database.cmd_audit_replay, "rebuild every case from its audit events", asub
    )

    c = command("token", cli_people.cmd_token, "issue an API bearer token for a user")
    c.add_argument("username")

    u = command("user", None, "user commands")
    usub = u.add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND")
    c = command("add", cli_people.cmd_user_add, "add a user", usub)
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
    c = command(
        "disable", cli_people.cmd_user_disable, "disable a user (sessions and tokens stop)", usub
    )
    c.add_argument("username")

    c = command("security-log", cli_people.cmd_security_log, "list the security log, newest first")
    c.add_argument("--kind", help=f"one of {', '.join(security_log.KINDS)}")
    c.add_argument("--username", help="only this username")
    c.add_argument("--from-day", help="only events on or after this day (YYYY-MM-DD, Bhutan)")
    c.add_argument("--to-day", help="only events on or before this day (YYYY-MM-DD, Bhutan)")
    c.add_argument("--limit", type=int, default=50, help="how many events (default 50)")
    c.add_argument("--page", type=int, default=1, help="page of --limit events (default 1)")

    a = command("agency", None, "agency commands")
    asub = a.add_subparsers(dest="agency_command", required=True, metavar="SUBCOMMAND")
    c = command("add", cli_agencies.cmd_agency_add, "add an agency", asub)
    c.add_argument("code")
    c.add_argument("--name", required=True)
    c.add_argument("--kind", required=True, choices=cli_agencies.AGENCY_KINDS)
    c.add_argument("--parent", help="parent ministry (departments and dzongkhags)")
    command("list", cli_agencies.cmd_agency_list, "list agencies", asub)

    k = command("calendar", None, "working-day calendar corrections")
    ksub = k.add_subparsers(dest="calendar_command", required=True, metavar="SUBCOMMAND")
    c = command("add", cli_calendar.cmd_calendar_add, "declare a closure (not a working day)", ksub)
    c.add_argument("date")
    c.add_argument("--note", required=True)
    c = command(
        "remove", cli_calendar.cmd_calendar_remove, "a listed holiday that is not one", ksub
    )
    c.add_argument("date")
    c.add_argument("--note", required=True)
    c = command("clear", cli_calendar.cmd_calendar_clear, "remove a correction", ksub)
    c.add_argument("date")
    c = command(
        "list", cli_calendar.cmd_calendar_list, "holidays of a year and the corrections", ksub
    )
    c.add_argument("--year", type=int)

    k = command("cases", None, "case commands")
    ksub = k.add_subparsers(dest="cases_command", required=True, metavar="SUBCOMMAND")
    c = command(
        "migrate",
        cli_database.cmd_cases_migrate,
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

    k = command("meetings", None, "committee meeting commands")
    ksub = k.add_subparsers(dest="meetings_command", required=True, metavar="SUBCOMMAND")
    cli_meetings.arguments(
        command(
            "migrate",
            cli_meetings.cmd_meetings_migrate,
            "make meetings of recorded HRC meeting numbers where number and date agree",
            ksub,
        )
    )

    c = command(
        "import-register",
        cli_people.cmd_import_register,
        "import civil servants from CSV (all rows or none)",
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
