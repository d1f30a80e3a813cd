"""ideas hidden/pending, participants removed, board_actions for undo (issue 14)

Revision ID: 0006_moderation
Revises: 0005_minutes_history
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_moderation"
down_revision = "0005_minutes_history"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "board_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("inverse", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["workshops.id"], name=op.f("fk_board_actions_workshop_id_workshops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_board_actions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_actions")),
    )
    with op.batch_alter_table("board_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_actions_workshop_id"), ["workshop_id"], unique=False)


def downgrade():
    with op.batch_alter_table("board_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_actions_workshop_id"))
    op.drop_table("board_actions")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_column("pending")
        batch_op.drop_column("hidden")
