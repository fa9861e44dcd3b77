"""service record: what chapters 7, 8, 13 and 15 test, and the history the processes write

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString

NEW_COLUMNS = (
    ("position_category", _TEXT(length=8), "''"),
    ("super_structure", _TEXT(), "''"),
    ("occupational_group", _TEXT(), "''"),
    ("employment_type", _TEXT(length=16), "'regular'"),
    ("probation_end", sa.Date(), None),
    ("position_since", sa.Date(), None),
    ("place_of_posting", _TEXT(), "''"),
    ("nationality", _TEXT(), "'Bhutanese'"),
    ("performance_rating", _TEXT(length=32), "''"),
    ("drug_test", _TEXT(length=16), "''"),
    ("qualification", _TEXT(length=32), "''"),
    ("bcse_selected", sa.Boolean(), sa.false()),
    ("status", _TEXT(length=32), "'in_service'"),
    ("separated_on", sa.Date(), None),
    ("separation_reason", _TEXT(), "''"),
)


def upgrade() -> None:
    with op.batch_alter_table("civil_servant", schema=None) as batch_op:
        for name, type_, default in NEW_COLUMNS:
            batch_op.add_column(
                sa.Column(
                    name,
                    type_,
                    nullable=default is None,
                    server_default=sa.text(default) if isinstance(default, str) else default,
                )
            )
    op.create_table(
        "service_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eid", _TEXT(), nullable=False),
        sa.Column("kind", _TEXT(length=32), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("status", _TEXT(length=32), nullable=False),
        sa.Column("details", _TEXT(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["eid"], ["civil_servant.eid"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_service_entry_eid", "service_entry", ["eid"])
    op.create_index("ix_service_entry_case_id", "service_entry", ["case_id"])
    op.create_table(
        "case_agency",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", _TEXT(), nullable=False),
        sa.Column("part", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["agency_code"], ["agency.code"]),
        sa.PrimaryKeyConstraint("case_id", "agency_code"),
    )
    op.create_index("ix_case_agency_agency_code", "case_agency", ["agency_code"])


def downgrade() -> None:
    op.drop_index("ix_case_agency_agency_code", table_name="case_agency")
    op.drop_table("case_agency")
    op.drop_index("ix_service_entry_case_id", table_name="service_entry")
    op.drop_index("ix_service_entry_eid", table_name="service_entry")
    op.drop_table("service_entry")
    with op.batch_alter_table("civil_servant", schema=None) as batch_op:
        for name, _type, _default in reversed(NEW_COLUMNS):
            batch_op.drop_column(name)
