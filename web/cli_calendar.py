"""``drukflow calendar`` commands: closures and holidays that are not one, each listing the
armed deadlines it moved (cases.core.calendar_store), and a year's holidays."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from cases.core import calendar_store, db
from web.cli_helpers import CliError, database, parse_day, say
from workflows.calendar import bhutan_today


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
