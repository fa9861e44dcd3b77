"""``drukflow`` commands on people: API tokens, adding and disabling users, the security
log, and importing the register with a named user's authority."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from cases.core import db
from cases.core.models import Agency, CivilServant, User
from cases.people import auth, register_import, security_log
from web.cli_helpers import CliError, database, say, user_named
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ
from workflows.record import EID_CITE, eid_problem

# Roles that act for an agency, so a user holding one needs --agency.
AGENCY_ROLES = R.AGENCY_STAFF | {R.APPELLATE, R.RCSC}


def cmd_token(args: argparse.Namespace) -> int:
    _url, engine = database()
    with db.transaction(engine) as s:
        user = user_named(s, args.username)
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
        user = user_named(s, args.username)
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
        user = user_named(s, args.as_user)
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
