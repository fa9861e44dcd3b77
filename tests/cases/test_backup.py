"""Backups an appellate body can trust (cases.core.backup, ``drukflow backup`` / ``restore``):
taken while the app works, restored only when complete and unaltered, and proven on the
way back by the audit chain. On SQLite and on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from cases.core import backup
from cases.core.db import engine_for, reading
from cases.core.models import AuditEvent, Case
from web import cli


def _opened_cases(url: str) -> set[int]:
    with reading(engine_for(url)) as s:
        return set(s.exec(select(Case.id)).all())


def _chain(url: str) -> dict[int, str]:
    with reading(engine_for(url)) as s:
        return dict(s.exec(select(AuditEvent.seq, AuditEvent.hash)).all())


def test_a_backup_taken_while_steps_are_taken_restores_and_verifies(
    world: Any, db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    """Steps keep being answered during the backup: the restored copy verifies, ends at a
    head the live chain passed through, and holds every step answered before it began."""
    answered: list[int] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def take_steps() -> None:
        try:
            while not stop.is_set():
                answered.append(world.open())
        except BaseException as e:  # reported below, not lost in the thread
            failures.append(e)

    for _ in range(3):
        world.open()
    workers = [threading.Thread(target=take_steps) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        while len(answered) < 5 and not failures:
            threading.Event().wait(0.01)  # wait for steps to be under way, not for a time
        before = set(answered)
        copy, manifest = backup.backup(db_url, tmp_path / "copy", world.clock())
    finally:
        stop.set()
        for w in workers:
            w.join()
    assert not failures
    assert copy.is_file() and backup.manifest_path(copy).is_file()

    live = _chain(db_url)
    assert live[manifest.events] == manifest.head  # a head the live chain passed through

    result = backup.restore(copy, empty_db_url)
    assert result.ok, result.problem
    assert (result.events, result.head) == (manifest.events, manifest.head)
    restored = _opened_cases(empty_db_url)
    assert before <= restored  # no step answered before the backup began is missing
    engine_for(empty_db_url).dispose()


@pytest.mark.parametrize("stage", ["copying", "copied"])
def test_a_backup_killed_midway_leaves_nothing_that_passes_for_one(
    world: Any, db_url: str, empty_db_url: str, tmp_path: Path, stage: str
) -> None:
    """The process dies (SIGKILL) while copying, or with every byte copied but before the
    backup is marked complete: no backup file, no manifest; what is left is refused and
    pruned."""
    world.open()
    dest = tmp_path / "copy.db"
    script = (
        "import os, signal, sys\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from cases.core import backup\n"
        "def die(s):\n"
        "    if s == sys.argv[3]:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "backup.backup(sys.argv[1], Path(sys.argv[2]), datetime.now(UTC), progress=die)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, db_url, str(dest), stage],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert done.returncode == -9, done.stderr
    assert not dest.exists() and not backup.manifest_path(dest).exists()
    with pytest.raises(backup.BackupError, match="no such backup"):
        backup.restore(dest, empty_db_url)
    partial = dest.with_name(dest.name + backup.PARTIAL_SUFFIX)
    if partial.exists():
        with pytest.raises(backup.BackupError, match="manifest .* is missing"):
            backup.restore(partial, empty_db_url)
    assert backup.in_use(empty_db_url) == []  # nothing was loaded


def test_restore_refuses_a_database_that_holds_data_unless_forced(
    world: Any, db_url: str, tmp_path: Path
) -> None:
    """Restoring over live records would lose them: refused unless asked for in so many
    words, and then the chain is verified as for an empty target."""
    world.open()
    copy, manifest = backup.backup(db_url, tmp_path / "copy", world.clock())
    world.open()  # the live database moves on
    with pytest.raises(backup.BackupError, match="holds data .*--force"):
        backup.restore(copy, db_url)
    assert len(_opened_cases(db_url)) == 2  # untouched
    result = backup.restore(copy, db_url, force=True)
    assert result.ok and result.events == manifest.events
    assert len(_opened_cases(db_url)) == 1


def test_restore_refuses_a_copy_whose_bytes_changed(
    world: Any, db_url: str, empty_db_url: str, tmp_path: Path
) -> None:
    world.open()
    copy, _ = backup.backup(db_url, tmp_path / "copy", world.clock())
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="bytes differ"):
        backup.restore(copy, empty_db_url)


def test_cli_restore_exits_non_zero_when_the_chain_does_not_end_at_the_manifests_head(
    world: Any,
    db_url: str,
    empty_db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A manifest naming another head (a backup swapped for an older one, say) is reported
    with both heads, and the command fails."""
    world.open()
    copy, m = backup.backup(db_url, tmp_path / "copy", world.clock())
    mpath = backup.manifest_path(copy)
    mpath.write_text(mpath.read_text().replace(m.head, "f" * 64))
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", empty_db_url)
    assert cli.main(["restore", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "NOT VERIFIED" in out and f"event {m.events}" in out and "ffffffffffff" in out
    engine_for(empty_db_url).dispose()


def test_cli_backup_into_a_directory_names_each_copy_and_keeps_the_newest(
    world: Any,
    db_url: str,
    empty_db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The scheduled backup: ``drukflow backup DIR --keep 2`` prints the chain's head and
    leaves the two newest complete backups; ``drukflow restore`` of the newest verifies."""
    world.open()
    shelf = tmp_path / "backups"
    shelf.mkdir()
    (shelf / "drukflow-20000101T000000Z.db.partial").write_bytes(b"interrupted")
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    stamps = iter(["20261201T010000Z", "20261202T010000Z", "20261203T010000Z"])
    real = backup.destination
    monkeypatch.setattr(
        backup,
        "destination",
        lambda dest, kind, now: real(dest, kind, now).with_name(
            f"drukflow-{next(stamps)}.{'db' if kind == 'sqlite' else 'dump'}"
        ),
    )
    for _ in range(3):
        world.open()
        assert cli.main(["backup", str(shelf), "--keep", "2"]) == 0
    out = capsys.readouterr().out
    heads = _chain(db_url)
    assert f"head {heads[max(heads)]}" in out
    kept = sorted(p.name for p in shelf.iterdir() if p.suffix in (".db", ".dump"))
    assert len([p for p in shelf.iterdir() if p.name.endswith(".files")]) == 2  # pruned too
    assert [k.split(".")[0] for k in kept] == [
        "drukflow-20261202T010000Z",
        "drukflow-20261203T010000Z",
    ]
    assert not any(p.name.endswith(".partial") for p in shelf.iterdir())
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", empty_db_url)
    assert cli.main(["restore", str(shelf / kept[-1])]) == 0
    assert "the audit chain verifies" in capsys.readouterr().out
    assert len(_opened_cases(empty_db_url)) == 4
    engine_for(empty_db_url).dispose()


def test_the_case_files_papers_travel_with_the_backup_and_are_checked_on_restore(
    world: Any, db_url: str, empty_db_url: str, tmp_path: Path, files_dir: Path
) -> None:
    """A paper on a case's file is in the backup beside the database (issue: "the copy
    includes ... its files"); restored into another store it matches its hash. A paper the
    store had lost is named in the manifest, and the restore says NOT VERIFIED."""
    from cases.core import file_store
    from cases.core.db import transaction
    from cases.review import case_file

    live = file_store.LocalStore(files_dir)
    case_id = world.open()
    with transaction(world.engine) as s:
        kept = case_file.add(
            s,
            live,
            case_id,
            world.actors["dc"],
            name="a.txt",
            data=b"kept\n",
            kind="other",
            now=world.clock.now,
        )
        lost = case_file.add(
            s,
            live,
            case_id,
            world.actors["dc"],
            name="b.txt",
            data=b"lost\n",
            kind="other",
            now=world.clock.now,
        )
    copy, manifest = backup.backup(db_url, tmp_path / "whole", world.clock(), store=live)
    assert manifest.papers == 2 and not manifest.papers_missing
    elsewhere = file_store.LocalStore(tmp_path / "restored-files")
    result = backup.restore(copy, empty_db_url, store=elsewhere)
    assert result.ok and result.papers == 2, result.problem
    assert elsewhere.read(kept.paper.sha256) == b"kept\n"
    engine_for(empty_db_url).dispose()

    live.path(lost.paper.sha256).unlink()
    copy2, manifest2 = backup.backup(db_url, tmp_path / "partial", world.clock(), store=live)
    assert manifest2.papers == 1 and manifest2.papers_missing == (lost.paper.sha256,)
    again = backup.restore(
        copy2, empty_db_url, force=True, store=file_store.LocalStore(tmp_path / "third")
    )
    assert not again.ok and "1 of the 2 papers" in again.problem
    engine_for(empty_db_url).dispose()
