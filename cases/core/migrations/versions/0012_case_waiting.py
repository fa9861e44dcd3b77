"""case_waiting: who each open case waits for, by role, competent agency and named user,
so the work queue walks the cases waiting for a user through an index instead of working
out every case they may see (cases.core.waiting), filled for the cases already open by 0014;
and audit_event indexed by actor (the cases a user acted on)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "case_waiting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", S(length=32), nullable=False),
        sa.Column("agency_code", S(length=32), nullable=False),
        sa.Column("username", S(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_waiting_case_id", "case_waiting", ["case_id"])
    op.create_index(
        "ix_case_waiting_walk",
        "case_waiting",
        ["role", "agency_code", "username", "due_on", "case_id"],
    )
    # "Waiting for others" starts from the cases a user acted on.
    op.create_index("ix_audit_event_actor_case", "audit_event", ["actor", "case_id"])
    # The rows are filled by 0014, in their shape of then: they are written by today's
    # code (cases.core.waiting), which writes every column the rows have at the head.


def downgrade() -> None:
    op.drop_index("ix_audit_event_actor_case", table_name="audit_event")
    op.drop_index("ix_case_waiting_walk", table_name="case_waiting")
    op.drop_index("ix_case_waiting_case_id", table_name="case_waiting")
    op.drop_table("case_waiting")
