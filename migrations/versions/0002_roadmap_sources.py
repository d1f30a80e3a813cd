"""roadmap sources: minutes line, tally snapshot, who added it; one source per idea and action

Revision ID: 0002_roadmap_sources
Revises: 0001
Create Date: 2026-11-21 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_roadmap_sources"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tally", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_action_sources_added_by_id_users"), "users", ["added_by_id"], ["id"]
        )
        batch_op.create_unique_constraint("one_source_per_idea", ["action_id", "idea_id"])


def downgrade():
    with op.batch_alter_table("action_sources", schema=None) as batch_op:
        batch_op.drop_constraint("one_source_per_idea", type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_action_sources_added_by_id_users"), type_="foreignkey")
        batch_op.drop_column("added_by_id")
        batch_op.drop_column("tally")
        batch_op.drop_column("line")
