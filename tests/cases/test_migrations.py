"""The Alembic migrations build exactly the tables the models declare, and step down and up."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import cases.core.models  # noqa: F401 - registers the tables on SQLModel.metadata
from cases.core import queries
from cases.core.db import alembic_config, engine_for
from tests.applications import eol_application


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """The full-text index is the database's own (SQLite's FTS5 table and its shadow
    tables, PostgreSQL's expression index, migration 0008), not a model's."""
    return not (name or "").startswith(("search_fts", "ix_search_text_fts"))


def _differences(url: str) -> list:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _ours})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(db_url) -> None:
    assert _differences(db_url) == []


def test_the_newest_migration_steps_down_and_up_again(fresh_db_url) -> None:
    db_url = fresh_db_url  # a schema no other test shares: this one drops tables
    engine = engine_for(db_url)
    cfg = alembic_config(db_url)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
        command.upgrade(cfg, "head")
        conn.commit()
    engine.dispose()
    assert _differences(db_url) == []


def test_every_migration_steps_down_to_nothing_and_up_again(fresh_db_url) -> None:
    engine = engine_for(fresh_db_url)
    cfg = alembic_config(fresh_db_url)
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
        conn.commit()
    engine.dispose()
    assert _differences(fresh_db_url) == []


EOL = eol_application()


@pytest.fixture
def engine(fresh_db_url):
    """The world's cases in a database of this test's own: the test below changes its schema."""
    eng = engine_for(fresh_db_url)
    yield eng
    eng.dispose()


def test_stepping_up_to_0005_gives_every_deadline_its_cases_process(world, fresh_db_url):
    enquiry = world.walk_to("investigating")
    leave = world.open_case("eol", "E100", "hr", EOL)
    world.fire(leave, "approve", "chair", decided_on=world.today(), hrc_meeting_no="HRC/1")
    world.engine.dispose()
    cfg = alembic_config(fresh_db_url)
    with world.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")  # deadlines as an older drukflow left them
        assert "process" not in {c["name"] for c in sa.inspect(conn).get_columns("deadline")}
        command.upgrade(cfg, "head")
        conn.commit()
    world.engine.dispose()
    assert {d.process for d in world.deadlines(enquiry)} == {"disciplinary"}
    assert {d.process for d in world.deadlines(leave)} == {"eol"}
    with world.session() as s:
        listed = queries.list_cases(s, world.actors["chair"], process="eol")
    assert [(r.case.id, r.next_kind) for r in listed] == [(leave, "leave_commences")]
