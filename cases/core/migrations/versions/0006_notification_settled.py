"""notification.settled_at: a notice whose step was taken, or whose deadline was met, leaves
the unread count and stays in the inbox's history

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notification", sa.Column("settled_at", sa.DateTime(timezone=True)))
    # The settling after each step finds a case's open notices by case.
    op.create_index("ix_notification_case", "notification", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_notification_case", table_name="notification")
    op.drop_column("notification", "settled_at")
