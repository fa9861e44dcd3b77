"""deadline indexes for the dashboard walk, appealed cases, the security log, idempotency records

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_OUTSTANDING = "status = 'armed' OR (status = 'missed' AND settled_at IS NULL AND fired_at IS NULL)"


def upgrade() -> None:
    op.drop_index("ix_deadline_status_due", table_name="deadline")
    op.create_index("ix_deadline_case_status_due", "deadline", ["case_id", "status", "due_on"])
    op.create_index(
        "ix_deadline_outstanding_due",
        "deadline",
        ["due_on", "case_id"],
        sqlite_where=sa.text(_OUTSTANDING),
        postgresql_where=sa.text(_OUTSTANDING),
    )
    op.create_index("ix_audit_event_trigger_case", "audit_event", ["trigger", "case_id"])
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", _TEXT(length=32), nullable=False),
        sa.Column("username", _TEXT(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("ip", _TEXT(length=64), nullable=False),
        sa.Column("method", _TEXT(length=8), nullable=False),
        sa.Column("path", _TEXT(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("detail", _TEXT(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_security_event_at", "security_event", ["at"])
    op.create_index(
        "ix_security_event_kind_username_at", "security_event", ["kind", "username", "at"]
    )
    op.create_index("ix_security_event_kind_ip_at", "security_event", ["kind", "ip", "at"])
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", _TEXT(length=128), nullable=False),
        sa.Column("request_hash", _TEXT(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", _TEXT(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),
    )
    op.create_index("ix_idempotency_record_created_at", "idempotency_record", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_record_created_at", table_name="idempotency_record")
    op.drop_table("idempotency_record")
    op.drop_index("ix_security_event_kind_ip_at", table_name="security_event")
    op.drop_index("ix_security_event_kind_username_at", table_name="security_event")
    op.drop_index("ix_security_event_at", table_name="security_event")
    op.drop_table("security_event")
    op.drop_index("ix_audit_event_trigger_case", table_name="audit_event")
    op.drop_index("ix_deadline_outstanding_due", table_name="deadline")
    op.drop_index("ix_deadline_case_status_due", table_name="deadline")
    op.create_index("ix_deadline_status_due", "deadline", ["status", "due_on"])
