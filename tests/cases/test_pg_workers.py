"""Several web workers start at once (uvicorn --workers N): each runs create_app, which
brings the database up to date first. On an empty database they must not trip over each
other's migration: one migrates, the others find the schema done."""

from __future__ import annotations

import multiprocessing

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from cases.core.db import alembic_config, engine_for, make_engine, upgrade

WORKERS = 3


def _start_a_worker(url: str, start: object, results: object) -> None:
    start.wait(timeout=120)  # type: ignore[attr-defined]
    try:
        upgrade(url)
        results.put("ok")  # type: ignore[attr-defined]
    except Exception as exc:  # reported to the test, which names it
        results.put(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
    finally:
        make_engine(url).dispose()


def test_workers_starting_at_once_on_an_empty_database_migrate_it_once(empty_db_url) -> None:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(WORKERS), ctx.Queue()
    workers = [
        ctx.Process(target=_start_a_worker, args=(empty_db_url, start, results))
        for _ in range(WORKERS)
    ]
    for w in workers:
        w.start()
    answers = [results.get(timeout=180) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    assert answers == ["ok"] * WORKERS
    head = ScriptDirectory.from_config(alembic_config(empty_db_url)).get_current_head()
    engine = engine_for(empty_db_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(head,)]
        assert {"case", "deadline", "audit_event"} <= set(sa.inspect(conn).get_table_names())
    engine.dispose()
