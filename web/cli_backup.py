"""``drukflow backup`` and ``drukflow restore``: a copy of the database an appellate body can
trust, and its proof on the way back (cases.core.backup).

The backup runs beside a live app; the restore is for a stopped one (or a new machine),
into an empty database unless ``--force`` says to replace what is there. Both print the
audit chain's head and event count, so an operator can note them in the agency's log.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from cases.core import backup, db


def cmd_backup(args: argparse.Namespace) -> int:
    url = db.database_url()
    db.upgrade(url)
    now = datetime.now(UTC)
    copy, m = backup.backup(url, Path(args.dest), now)
    print(f"backup: {copy} ({m.kind}, schema {m.schema})")
    print(f"audit chain: {m.events} events, head {m.head}")
    print(f"case file: {m.papers} papers in {backup.papers_dir(copy)}")
    if m.papers_missing:
        print(
            f"WARNING: {len(m.papers_missing)} papers the database names were missing or "
            "altered in the store and are not in this backup: run drukflow audit verify --files"
        )
    print(f"manifest: {backup.manifest_path(copy)}")
    if args.keep is not None:
        if not Path(args.dest).is_dir():
            raise backup.BackupError("--keep needs DEST to be a directory of backups")
        for old in backup.prune(Path(args.dest), args.keep):
            print(f"removed: {old}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    url = db.database_url()
    result = backup.restore(Path(args.src), url, force=args.force)
    if not result.ok:
        print(f"restore: NOT VERIFIED: {result.problem}")
        return 1
    print(f"restored {args.src}: the audit chain verifies, {result.events} events")
    print(f"case file: {result.papers} papers in the store, each matching its hash")
    print(f"head {result.head} (as the backup's manifest recorded)")
    return 0


def arguments(backup_cmd: argparse.ArgumentParser, restore_cmd: argparse.ArgumentParser) -> None:
    backup_cmd.add_argument(
        "dest", help="file to write, or a directory to name a timestamped backup in"
    )
    backup_cmd.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="with a directory: afterwards keep only the N newest backups in it",
    )
    restore_cmd.add_argument("src", help="a backup file (its .manifest.json beside it)")
    restore_cmd.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
