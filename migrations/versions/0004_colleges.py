"""participants.college: colleges weigh votes (issue 17)

Revision ID: 0004_colleges
Revises: 0003_user_active
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0004_colleges"
down_revision = "0003_user_active"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
