"""workshops.presenter_token_hash, workshops.present_focus: the read-only presenter link and the
projector's focus (issue 15)

Revision ID: 0007_presenter_link
Revises: 0006_moderation
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_presenter_link"
down_revision = "0006_moderation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        # Only a SHA-256 of the link's token is kept: a copy of the database opens no projector.
        batch_op.add_column(sa.Column("presenter_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("present_focus", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("present_focus")
        batch_op.drop_column("presenter_token_hash")
