"""ideas hidden/pending, participants removed (issue 14)

Revision ID: 0006_moderation
Revises: 0005_minutes_history
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0006_moderation"
down_revision = "0005_minutes_history"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
