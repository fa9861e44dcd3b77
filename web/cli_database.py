"""``drukflow`` commands on the database and its cases: serve, migrate (the schema), demo,
tick (the deadline sweep), audit verify and replay, and cases migrate (to a later version
of their process)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from sqlmodel import select

from cases.core import audit, contexts, db, file_store, migration, timers
from cases.core.models import Case, Deadline
from cases.demo import seed
from cases.people import auth
from cases.review import case_file, replay
from web import cli_migrate, observability
from web.cli_helpers import CliError, database, parse_now, say, shown_url, user_named
from workflows.calendar import bhutan_today


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


def cmd_queue_rebuild(args: argparse.Namespace) -> int:
    """Who every open case waits for, written again from the cases as they stand (the work
    queue's rows, cases.core.waiting): each step keeps them, so this is for a database
    changed around the application (a row corrected by hand in SQL)."""
    now = parse_now(args.now)
    _url, engine = database()
    with engine.begin() as conn:
        done = contexts.refill_waiting(conn, now)
    say(f"{done} open cases: who each waits for written again")
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


def cmd_cases_migrate(args: argparse.Namespace) -> int:
    """Move open cases of a process to a later version by a plan (cases.core.migration),
    with a named user's authority (``--as``: the RCSC or an administrator)."""
    _url, engine = database()
    with db.reading(engine) as s:
        user = user_named(s, args.as_user)
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
