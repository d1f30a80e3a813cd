"""participants.college: colleges weigh votes (issue 17)

Revision ID: 0004_colleges
Revises: 0003_user_active
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_colleges"
down_revision = "0003_user_active"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("college", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("college")
