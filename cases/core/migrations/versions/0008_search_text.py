"""search_text: the words each case can be found by, with a full-text index (SQLite FTS5,
PostgreSQL GIN on to_tsvector('simple', body)); 0011 fills it for the cases already there

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# SQLite: an external-content FTS5 table kept in step with search_text by triggers.
SQLITE_UP = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_text', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS search_text_au",
    "DROP TRIGGER IF EXISTS search_text_ad",
    "DROP TRIGGER IF EXISTS search_text_ai",
    "DROP TABLE IF EXISTS search_fts",
)
PG_UP = ("CREATE INDEX ix_search_text_fts ON search_text USING GIN (to_tsvector('simple', body))",)


def upgrade() -> None:
    op.create_table(
        "search_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("readers", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_text_case_id", "search_text", ["case_id"])
    bind = op.get_bind()
    for statement in SQLITE_UP if bind.dialect.name == "sqlite" else PG_UP:
        op.execute(statement)
    # The cases already there become findable in migration 0011, which writes their words
    # with the keys it gives the table (search_index.rebuild writes those keys).


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_text_fts")
    op.drop_index("ix_search_text_case_id", table_name="search_text")
    op.drop_table("search_text")
