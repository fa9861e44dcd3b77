"""case_waiting.soonest: each open case's first row in due order, and an index of those rows
alone (in place of 0013's index of every row). "Waiting for others" walks every case in
due order until the cases the user follows reach the count's cap; a case has about three
rows (one per role, agency and user it waits for), so walking every row checked each case
about three times (cases.inbox.work_queue). A database stepping up from before 0012 gets
its rows written here, by today's code, in their shape of now (0012 no longer fills them).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Each case's first row: the order cases.core.waiting.write marks.
_MARK = sa.text(
    "UPDATE case_waiting SET soonest = true WHERE id IN (SELECT id FROM (SELECT id, "
    "row_number() OVER (PARTITION BY case_id ORDER BY due_on, role, agency_code, username) "
    "AS place FROM case_waiting) AS ranked WHERE place = 1)"
)


def upgrade() -> None:
    op.add_column(
        "case_waiting",
        sa.Column("soonest", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM case_waiting LIMIT 1")).first() is None:
        # Stepping up from before 0012: the open cases' rows are written now, whole.
        from datetime import UTC, datetime

        from cases.core import contexts

        contexts.refill_waiting(bind, datetime.now(UTC))
    else:
        op.execute(_MARK)
    op.drop_index("ix_case_waiting_due", table_name="case_waiting")
    op.create_index(
        "ix_case_waiting_soonest",
        "case_waiting",
        ["due_on", "case_id"],
        sqlite_where=sa.text("soonest = 1"),
        postgresql_where=sa.text("soonest = true"),
    )


def downgrade() -> None:
    op.drop_index("ix_case_waiting_soonest", table_name="case_waiting")
    op.create_index("ix_case_waiting_due", "case_waiting", ["due_on", "case_id"])
    with op.batch_alter_table("case_waiting") as table:
        table.drop_column("soonest")
