"""days, day passes, restitutions, démarches (issue 21)

days, day_facilitators, day_passes, day_restitutions, demarches, demarche_sessions; workshops.day_id, day_role,
capacity; participants.day_pass_id; ideas.source_idea_id.

Revision ID: 0009_days
Revises: 0008_territories
Create Date: 2026-11-30 13:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_days"
down_revision = "0008_territories"
branch_labels = None
depends_on = None

UTC_DT = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> list:
    """A foreign key on PostgreSQL; none on SQLite, which cannot add one to an existing table without
    rebuilding it (see 0008: a rebuild deletes or refuses the rows that reference it)."""
    if op.get_bind().dialect.name == "sqlite":
        return []
    name = op.f(f"fk_{table}_{column}_{target}")
    return [sa.ForeignKey(f"{target}.id", name=name, ondelete=ondelete)]


def _pk(table: str):
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _ref(table: str, column: str, target: str, ondelete: str | None = None):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("programme", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        _ref("days", "territory_id", "territories"),
        _ref("days", "created_by_id", "users"),
        _pk("days"),
        sa.UniqueConstraint("code", name=op.f("uq_days_code")),
    )
    op.create_table(
        "day_facilitators",
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _ref("day_facilitators", "day_id", "days", "CASCADE"),
        _ref("day_facilitators", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("day_id", "user_id", name=op.f("pk_day_facilitators")),
    )
    op.create_table(
        "day_passes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("attendance", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("joined_at", UTC_DT, nullable=False),
        _ref("day_passes", "day_id", "days", "CASCADE"),
        _pk("day_passes"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_day_passes_token_hash")),
    )
    op.create_index(op.f("ix_day_passes_day_id"), "day_passes", ["day_id"])
    op.create_table(
        "day_restitutions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("sent_at", UTC_DT, nullable=False),
        _ref("day_restitutions", "day_id", "days", "CASCADE"),
        _ref("day_restitutions", "workshop_id", "workshops", "CASCADE"),
        _pk("day_restitutions"),
        sa.UniqueConstraint("workshop_id", name=op.f("uq_day_restitutions_workshop_id")),
    )
    op.create_index(op.f("ix_day_restitutions_day_id"), "day_restitutions", ["day_id"])
    op.create_table(
        "demarches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=True),
        sa.Column("roadmap_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DT, nullable=False),
        _ref("demarches", "territory_id", "territories"),
        _ref("demarches", "roadmap_id", "roadmaps", "SET NULL"),
        _ref("demarches", "created_by_id", "users"),
        _pk("demarches"),
    )
    op.create_table(
        "demarche_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demarche_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("day_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", UTC_DT, nullable=False),
        _ref("demarche_sessions", "demarche_id", "demarches", "CASCADE"),
        _ref("demarche_sessions", "workshop_id", "workshops", "CASCADE"),
        _ref("demarche_sessions", "day_id", "days", "CASCADE"),
        _pk("demarche_sessions"),
    )
    op.create_index(op.f("ix_demarche_sessions_demarche_id"), "demarche_sessions", ["demarche_id"])
    op.add_column("workshops", sa.Column("day_id", sa.Integer(), *_fk("workshops", "day_id", "days", "SET NULL")))
    op.add_column("workshops", sa.Column("day_role", sa.String(length=10), nullable=True))
    op.add_column("workshops", sa.Column("capacity", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_workshops_day_id"), "workshops", ["day_id"])
    fk = _fk("participants", "day_pass_id", "day_passes", "SET NULL")
    op.add_column("participants", sa.Column("day_pass_id", sa.Integer(), *fk))
    op.create_index(op.f("ix_participants_day_pass_id"), "participants", ["day_pass_id"])
    op.add_column(
        "ideas", sa.Column("source_idea_id", sa.Integer(), *_fk("ideas", "source_idea_id", "ideas", "SET NULL"))
    )


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35) rather than a batch rebuild: see 0008.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("ideas", recreate="never") as batch_op:
        if not sqlite:
            batch_op.drop_constraint(op.f("fk_ideas_source_idea_id_ideas"), type_="foreignkey")
        batch_op.drop_column("source_idea_id")
    op.drop_index(op.f("ix_participants_day_pass_id"), table_name="participants")
    with op.batch_alter_table("participants", recreate="never") as batch_op:
        if not sqlite:
            batch_op.drop_constraint(op.f("fk_participants_day_pass_id_day_passes"), type_="foreignkey")
        batch_op.drop_column("day_pass_id")
    op.drop_index(op.f("ix_workshops_day_id"), table_name="workshops")
    with op.batch_alter_table("workshops", recreate="never") as batch_op:
        if not sqlite:
            batch_op.drop_constraint(op.f("fk_workshops_day_id_days"), type_="foreignkey")
        batch_op.drop_column("capacity")
        batch_op.drop_column("day_role")
        batch_op.drop_column("day_id")
    op.drop_table("demarche_sessions")
    op.drop_table("demarches")
    op.drop_table("day_restitutions")
    op.drop_table("day_passes")
    op.drop_table("day_facilitators")
    op.drop_table("days")
