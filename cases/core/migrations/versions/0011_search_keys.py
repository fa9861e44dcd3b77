"""search_text keyed in the search's order (search_index.doc_key: a case's names first, open
cases first, newest first), so a search walks the full-text index from the top and stops at
its page; each case gets its names document (number, title, subject's name and employee
ID), which the search box finds first instead of scanning every case's names

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TRIGGERS = (
    "CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END",
)
_DROP = (
    "DROP TRIGGER IF EXISTS search_text_au",
    "DROP TRIGGER IF EXISTS search_text_ad",
    "DROP TRIGGER IF EXISTS search_text_ai",
    "DROP TABLE IF EXISTS search_fts",
)
_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_text', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2'{options})"
)
# SQLite: the FTS5 table again, with prefix indexes for words of 2 to 8 letters: a word's
# start is then looked up like a whole word, its matches read in key order from the top
# (without them FTS5 gathers every match of a prefix before giving the first).
PREFIXES = ", prefix='2 3 4 5 6 7 8'"
_FILL = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"


def _rekey(conn: sa.Connection, rows: list[tuple[int, int]]) -> None:
    """(old id, new id): no new id is an old one (keys are at least 2**30, the old ids a
    count of rows; the other way round, the same), so the order of updates does not matter."""
    if rows:
        conn.execute(
            sa.text("UPDATE search_text SET id = :new WHERE id = :old"),
            [{"old": old, "new": new} for old, new in rows],
        )


def upgrade() -> None:
    from cases.core import search_index

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for statement in _DROP:
            op.execute(statement)
    else:
        op.alter_column("search_text", "id", type_=sa.BigInteger(), existing_type=sa.Integer())
    # A case's own documents are written again (with its names); its papers' words keep
    # their text (extracted once, from the file) and take their keys.
    bind.execute(sa.text("DELETE FROM search_text WHERE source NOT LIKE 'paper:%'"))
    papers = bind.execute(
        sa.text(
            "SELECT t.id, t.case_id, t.source, c.closed_at FROM search_text t "
            'JOIN "case" c ON c.id = t.case_id'
        )
    ).all()
    _rekey(
        bind,
        [
            (
                old,
                search_index.doc_key(
                    case_id,
                    search_index.PAPER_SLOT + int(source.split(":", 1)[1]),
                    closed_at is None,
                ),
            )
            for old, case_id, source, closed_at in papers
        ],
    )
    search_index.rebuild(bind)
    if sqlite:
        op.execute(_FTS.format(options=PREFIXES))
        for statement in _TRIGGERS:
            op.execute(statement)
        op.execute(_FILL)


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for statement in _DROP:
            op.execute(statement)
    bind.execute(sa.text("DELETE FROM search_text WHERE source = 'names'"))
    ids = bind.execute(sa.text("SELECT id FROM search_text ORDER BY id")).scalars().all()
    _rekey(bind, [(old, n) for n, old in enumerate(ids, start=1)])
    if sqlite:
        op.execute(_FTS.format(options=""))
        for statement in _TRIGGERS:
            op.execute(statement)
        op.execute(_FILL)
    else:
        op.alter_column("search_text", "id", type_=sa.Integer(), existing_type=sa.BigInteger())
        op.execute(
            "SELECT setval(pg_get_serial_sequence('search_text', 'id'), "
            "COALESCE((SELECT MAX(id) FROM search_text), 0) + 1, false)"
        )
