"""``drukflow meetings migrate``: make meetings of the free-text HRC meeting numbers that
decisions recorded before committees were records (cases.review.meeting_records), where
the number and the date agree; list the rest with the reason."""

from __future__ import annotations

import argparse

from cases.core import db
from cases.people import auth
from cases.review import meeting_records
from web.cli_helpers import CliError, database, parse_now, say, user_named


def cmd_meetings_migrate(args: argparse.Namespace) -> int:
    _url, engine = database()
    now = parse_now(args.now)
    with db.reading(engine) as s:
        user = user_named(s, args.as_user)
    if not user.active:
        raise CliError(f"user '{args.as_user}' is disabled")
    with db.transaction(engine) as s:
        plan = meeting_records.migrate(s, auth.actor_of(user), now=now, dry_run=args.dry_run)
        if args.dry_run:
            s.rollback()
    verb = "would create" if args.dry_run else "created"
    say(f"{verb} {len(plan.created)} meeting(s): {', '.join(plan.created) or 'none'}")
    for seq, label in plan.linked:
        say(f"  event {seq}: decided in {label}")
    say(f"left as recorded: {len(plan.left)}")
    for seq, case_id, text, why in plan.left:
        say(f"  case {case_id}, event {seq}: '{text}': {why}")
    return 0


def arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("--dry-run", action="store_true", help="list what would change; write nothing")
    c.add_argument("--now", help="as of this time (ISO; no timezone = Bhutan time)")
    c.add_argument("--as", dest="as_user", required=True, metavar="USERNAME")
