"""``drukflow agency`` commands: adding and listing the agencies whose kind and parent
ministry decide who is competent (19.3.7)."""

from __future__ import annotations

import argparse

from sqlmodel import select

from cases.core import db
from cases.core.models import Agency
from web.cli_helpers import CliError, database, say

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
