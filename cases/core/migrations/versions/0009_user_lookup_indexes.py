"""user_role: each role a user holds, by role and agency, so who may act next on a case is
found among its holders; app_user by employee ID for one's own application or case

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("user_id", "role"),
    )
    op.create_index("ix_user_role_role_agency", "user_role", ["role", "agency_code"])
    op.create_index("ix_app_user_employee_eid", "app_user", ["employee_eid"])
    conn = op.get_bind()
    users = conn.execute(sa.text("SELECT id, roles, agency_code FROM app_user")).all()
    rows = [
        {"user_id": uid, "role": role, "agency_code": agency}
        for uid, roles, agency in users
        for role in dict.fromkeys(r for r in roles.split(",") if r)
    ]
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO user_role (user_id, role, agency_code) "
                "VALUES (:user_id, :role, :agency_code)"
            ),
            rows,
        )


def downgrade() -> None:
    op.drop_index("ix_app_user_employee_eid", table_name="app_user")
    op.drop_index("ix_user_role_role_agency", table_name="user_role")
    op.drop_table("user_role")
