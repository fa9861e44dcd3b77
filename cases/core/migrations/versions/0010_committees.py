"""committees and meetings: committee, committee_member, meeting, meeting_item,
meeting_minutes (BCSR 2.10, 19.3.4, 19.8.2.2)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "committee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_code", S(), nullable=False),
        sa.Column("kind", S(length=32), nullable=False),
        sa.Column("code", S(length=64), nullable=False),
        sa.Column("name", S(length=200), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("min_present", sa.Integer(), nullable=False),
        sa.Column("exception_ref", S(length=200), nullable=False),
        sa.Column("exception_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_code"], ["agency.code"]),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_committee_agency_code", "committee", ["agency_code"])
    op.create_table(
        "committee_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seat", S(length=32), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_committee_member_committee_id", "committee_member", ["committee_id"])
    op.create_index("ix_committee_member_user_id", "committee_member", ["user_id"])
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("present", S(), nullable=False),
        sa.Column("note", S(), nullable=False),
        sa.Column("created_by", S(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("committee_id", "year", "number", name="uq_meeting_number"),
    )
    op.create_index("ix_meeting_committee_id", "meeting", ["committee_id"])
    op.create_table(
        "meeting_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.Column("trigger", S(length=64), nullable=False),
        sa.Column("present", S(), nullable=False),
        sa.Column("recused", S(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["audit_seq"], ["audit_event.seq"]),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meeting_item_meeting_id", "meeting_item", ["meeting_id"])
    op.create_index("ix_meeting_item_case_id", "meeting_item", ["case_id"])
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("html", S(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", S(length=64), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("issued_by", S(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["audit_seq"], ["audit_event.seq"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["supersedes_id"], ["meeting_minutes.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meeting_minutes_meeting_id", "meeting_minutes", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_minutes_meeting_id", table_name="meeting_minutes")
    op.drop_table("meeting_minutes")
    op.drop_index("ix_meeting_item_case_id", table_name="meeting_item")
    op.drop_index("ix_meeting_item_meeting_id", table_name="meeting_item")
    op.drop_table("meeting_item")
    op.drop_index("ix_meeting_committee_id", table_name="meeting")
    op.drop_table("meeting")
    op.drop_index("ix_committee_member_user_id", table_name="committee_member")
    op.drop_index("ix_committee_member_committee_id", table_name="committee_member")
    op.drop_table("committee_member")
    op.drop_index("ix_committee_agency_code", table_name="committee")
    op.drop_table("committee")
