"""app_user by agency and employee ID: who may act next is found among the competent
agency's officers and the case's subject

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_app_user_agency_code", "app_user", ["agency_code"])
    op.create_index("ix_app_user_employee_eid", "app_user", ["employee_eid"])


def downgrade() -> None:
    op.drop_index("ix_app_user_employee_eid", table_name="app_user")
    op.drop_index("ix_app_user_agency_code", table_name="app_user")
