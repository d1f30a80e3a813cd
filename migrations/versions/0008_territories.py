"""territories hierarchy, admin role, invitations (issue 19)

Revision ID: 0008_territories
Revises: 0007_presenter_link
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_territories"
down_revision = "0007_presenter_link"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
