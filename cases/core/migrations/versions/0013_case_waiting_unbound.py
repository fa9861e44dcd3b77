"""case_waiting without its foreign key to case: on PostgreSQL the key made every row a
commit writes take a share lock on its case, so a register import (which holds the audit
chain's head for its whole write and rewrites its servants' cases' rows at the commit) and
a step on one of those cases (which holds the case and waits for the head) each waited for
the other. The rows are derived from the case and rewritten with it (cases.core.waiting;
`drukflow queue rebuild` writes them again), and cases are never deleted. And an index of
the rows in due order: "Waiting for others" walks it until it has a page of the cases the
user follows (cases.inbox.work_queue).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
PG_KEY = "case_waiting_case_id_fkey"  # PostgreSQL's name for 0012's unnamed key


def _table(bound: bool) -> sa.Table:
    """case_waiting as 0012 made it (``bound``) or without the key, for SQLite's copy."""
    case_id = (
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id"), nullable=False)
        if bound
        else sa.Column("case_id", sa.Integer(), nullable=False)
    )
    return sa.Table(
        "case_waiting",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), primary_key=True),
        case_id,
        sa.Column("role", S(length=32), nullable=False),
        sa.Column("agency_code", S(length=32), nullable=False),
        sa.Column("username", S(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Index("ix_case_waiting_case_id", "case_id"),
        sa.Index("ix_case_waiting_walk", "role", "agency_code", "username", "due_on", "case_id"),
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(PG_KEY, "case_waiting", type_="foreignkey")
    else:
        with op.batch_alter_table("case_waiting", copy_from=_table(False), recreate="always"):
            pass
    op.create_index("ix_case_waiting_due", "case_waiting", ["due_on", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_waiting_due", table_name="case_waiting")
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(PG_KEY, "case_waiting", "case", ["case_id"], ["id"])
        return
    with op.batch_alter_table("case_waiting", copy_from=_table(True), recreate="always"):
        pass
