from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy import Column as SAColumn
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, utcnow

ACTION_STATUSES = ("proposed", "planned", "in_progress", "done", "dropped")

roadmap_facilitators = Table(
    "roadmap_facilitators",
    db.metadata,
    SAColumn("roadmap_id", ForeignKey("roadmaps.id", ondelete="CASCADE"), primary_key=True),
    SAColumn("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Roadmap(db.Model):
    __tablename__ = "roadmaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id"))
    year: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    territory = relationship("Territory", lazy="joined")
    axes: Mapped[list["Axis"]] = relationship(order_by="Axis.position", cascade="all, delete-orphan")
    # The roadmap's actions; deleted and merged ones stay in `all_actions` only, with their history.
    actions: Mapped[list["Action"]] = relationship(
        primaryjoin="and_(Roadmap.id == Action.roadmap_id, Action.deleted_at.is_(None))",
        order_by="Action.id",
        cascade="all, delete-orphan",
        overlaps="all_actions",
    )
    all_actions: Mapped[list["Action"]] = relationship(order_by="Action.id", viewonly=True)
    facilitators = relationship("User", secondary=roadmap_facilitators, lazy="select")

    def is_facilitator(self, user) -> bool:
        return user is not None and any(f.id == user.id for f in self.facilitators)


class Axis(db.Model):
    __tablename__ = "axes"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)


class Action(db.Model):
    __tablename__ = "actions"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(ForeignKey("roadmaps.id", ondelete="CASCADE"), index=True)
    axis_id: Mapped[int] = mapped_column(ForeignKey("axes.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    lead: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[list] = mapped_column(default=list)
    cities: Mapped[list] = mapped_column(default=list)
    due: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    progress: Mapped[int] = mapped_column(default=0)
    milestones: Mapped[list] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A deleted action leaves the roadmap, its pages and exports, but keeps its row and history; a merged one
    # also names the action that took its sources.
    deleted_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None]  # an action id; no foreign key: actions are never really deleted

    axis = relationship("Axis", lazy="joined")
    sources: Mapped[list["ActionSource"]] = relationship(
        order_by="ActionSource.id", cascade="all, delete-orphan", lazy="selectin"
    )
    changes: Mapped[list["ActionChange"]] = relationship(order_by="ActionChange.id", cascade="all, delete-orphan")


class ActionSource(db.Model):
    """Provenance: an idea (or a minutes action line) an action came from."""

    __tablename__ = "action_sources"
    # One source row per idea and action; NULLs (deleted ideas, minutes lines) never collide.
    __table_args__ = (UniqueConstraint("action_id", "idea_id", name="one_source_per_idea"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20), default="idea")  # "idea" or "minutes"
    # Kept so provenance survives the idea's later edits or deletion.
    text: Mapped[str] = mapped_column(Text, default="")
    # The 1-based line of the minutes register, for kind "minutes".
    line: Mapped[int | None]
    # The idea's tally when promoted ({votes} or {votes, profile, grade}): votes vanish with a deleted idea.
    tally: Mapped[dict | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    workshop = relationship("Workshop", lazy="joined")


class ActionChange(db.Model):
    __tablename__ = "action_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str] = mapped_column(String(200), default="")
    new: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")
