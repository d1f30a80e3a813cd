"""users.active, users.credentials_version: a deactivated facilitator loses every token and session

Revision ID: 0003_user_active
Revises: 0002_roadmap_sources
Create Date: 2026-11-28 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_user_active"
down_revision = "0002_roadmap_sources"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("credentials_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("credentials_version")
        batch_op.drop_column("active")
