"""workshops.presenter token (issue 15)

Revision ID: 0007_presenter_link
Revises: 0006_moderation
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007_presenter_link"
down_revision = "0006_moderation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
