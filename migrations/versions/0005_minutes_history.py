"""minutes versions, participants.scribe (issue 16)

Revision ID: 0005_minutes_history
Revises: 0004_colleges
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005_minutes_history"
down_revision = "0004_colleges"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
