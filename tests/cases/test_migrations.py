"""The Alembic migrations build exactly the tables the models declare, and step down and up."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import cases.models  # noqa: F401 - registers the tables on SQLModel.metadata
from cases.db import alembic_config, engine_for


def _differences(url: str) -> list:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
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
