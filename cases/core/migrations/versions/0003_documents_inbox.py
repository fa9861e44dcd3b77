"""documents, inbox and calendar-change history: issued letters with their hash, per-user
notifications, a deadline's original date, a user's e-mail address

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_due_on", sa.Date(), nullable=True))
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email", _TEXT(length=254), nullable=False, server_default=sa.text("''"))
        )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=64), nullable=False),
        sa.Column("title", _TEXT(), nullable=False),
        sa.Column("reference", _TEXT(length=64), nullable=False),
        sa.Column("cite", _TEXT(length=32), nullable=False),
        sa.Column("html", _TEXT(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", _TEXT(length=64), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("issued_by", _TEXT(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["audit_seq"], ["audit_event.seq"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_document_case_id", "document", ["case_id"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", _TEXT(length=32), nullable=False),
        sa.Column("text", _TEXT(), nullable=False),
        sa.Column("cite", _TEXT(length=32), nullable=False),
        sa.Column("key", _TEXT(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", _TEXT(length=16), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
    )
    op.create_index("ix_notification_user_read", "notification", ["user_id", "read_at"])
    op.create_index("ix_notification_email_status", "notification", ["email_status"])
    op.create_index("ix_notification_key", "notification", ["key"])


def downgrade() -> None:
    op.drop_index("ix_notification_key", table_name="notification")
    op.drop_index("ix_notification_email_status", table_name="notification")
    op.drop_index("ix_notification_user_read", table_name="notification")
    op.drop_table("notification")
    op.drop_index("ix_document_case_id", table_name="document")
    op.drop_table("document")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("original_due_on")
