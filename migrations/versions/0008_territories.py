"""territories hierarchy, admin role, invitations (issue 19)

territories.insee; users.oidc_subject; invitations; oidc_nonces; roadmap_facilitators (filled from roadmaps.created_by_id);
actions.deleted_at and actions.merged_into_id.

Revision ID: 0008_territories
Revises: 0007_presenter_link
Create Date: 2026-11-30 12:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_territories"
down_revision = "0007_presenter_link"
branch_labels = None
depends_on = None


def upgrade():
    # No table is rebuilt (SQLite's batch mode would copy and drop it, and with foreign keys on, dropping a
    # table that others reference deletes or refuses their rows): columns are added, uniqueness is an index.
    op.add_column("territories", sa.Column("insee", sa.String(length=5), nullable=True))
    op.create_index(op.f("ix_territories_insee"), "territories", ["insee"], unique=True)
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index(op.f("ix_users_oidc_subject"), "users", ["oidc_subject"], unique=True)
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_invitations_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_table(
        "oidc_nonces",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce_hash", name=op.f("pk_oidc_nonces")),
    )
    op.create_table(
        "roadmap_facilitators",
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["roadmap_id"],
            ["roadmaps.id"],
            name=op.f("fk_roadmap_facilitators_roadmap_id_roadmaps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_roadmap_facilitators_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("roadmap_id", "user_id", name=op.f("pk_roadmap_facilitators")),
    )
    # Until now any facilitator edited any roadmap: its creator becomes its first facilitator.
    op.execute(
        "INSERT INTO roadmap_facilitators (roadmap_id, user_id) "
        "SELECT id, created_by_id FROM roadmaps WHERE created_by_id IS NOT NULL"
    )
    op.add_column("actions", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("actions", sa.Column("merged_into_id", sa.Integer(), nullable=True))


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35) rather than a batch rebuild: see upgrade.
    with op.batch_alter_table("actions", recreate="never") as batch_op:
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("deleted_at")
    op.drop_table("roadmap_facilitators")
    op.drop_table("oidc_nonces")
    op.drop_table("invitations")
    op.drop_index(op.f("ix_users_oidc_subject"), table_name="users")
    with op.batch_alter_table("users", recreate="never") as batch_op:
        batch_op.drop_column("oidc_subject")
    op.drop_index(op.f("ix_territories_insee"), table_name="territories")
    with op.batch_alter_table("territories", recreate="never") as batch_op:
        batch_op.drop_column("insee")
