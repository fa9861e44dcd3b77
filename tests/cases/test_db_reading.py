"""SQLite: a read does not queue behind a transition holding the write lock; a write does."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from cases.core.db import reading, transaction


def _count_agencies(make_session, engine, out: list[int]) -> None:
    with make_session(engine) as s:
        out.append(s.execute(sa.text("SELECT count(*) FROM agency")).scalar_one())


def test_a_read_does_not_wait_for_the_writer_but_a_write_does(engine, world):
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL readers never wait for writers")
    read: list[int] = []
    written: list[int] = []
    with transaction(engine) as writer:
        writer.execute(sa.text("UPDATE agency SET name = name"))  # BEGIN IMMEDIATE: the lock
        reader = threading.Thread(target=_count_agencies, args=(reading, engine, read))
        queued = threading.Thread(target=_count_agencies, args=(transaction, engine, written))
        reader.start()
        queued.start()
        reader.join(timeout=10)
        assert not reader.is_alive() and read == [6]  # answered from the WAL snapshot
        queued.join(timeout=0.3)
        assert queued.is_alive() and written == []  # BEGIN IMMEDIATE waits its turn
    queued.join(timeout=10)
    assert written == [6]
