"""deadline.process: the dashboard's most-urgent-first walk for one process

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_OUTSTANDING = "status = 'armed' OR (status = 'missed' AND settled_at IS NULL AND fired_at IS NULL)"


def upgrade() -> None:
    # A server default lets SQLite add the column NOT NULL in place (no table rebuild).
    op.add_column(
        "deadline",
        sa.Column("process", _TEXT(length=32), nullable=False, server_default=sa.text("''")),
    )
    op.execute(
        "UPDATE deadline SET process ="
        ' (SELECT process FROM "case" WHERE "case".id = deadline.case_id)'
    )
    op.create_index(
        "ix_deadline_outstanding_process_due",
        "deadline",
        ["process", "due_on", "case_id"],
        sqlite_where=sa.text(_OUTSTANDING),
        postgresql_where=sa.text(_OUTSTANDING),
    )


def downgrade() -> None:
    op.drop_index("ix_deadline_outstanding_process_due", table_name="deadline")
    # Dropped in place (SQLite 3.35+ and PostgreSQL): a batch rebuild of the table would
    # recreate its other indexes from reflection, which may not keep a partial index's WHERE.
    op.drop_column("deadline", "process")
