from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, utcnow


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label}


class Idea(db.Model):
    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("columns.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    color: Mapped[str] = mapped_column(String(20), default="yellow")
    position: Mapped[float] = mapped_column(default=0.0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proxy: Mapped[bool] = mapped_column(default=False)
    # Moderation (issue 14): a hidden idea is seen by facilitators only; a pending one (setting
    # `moderation: "pre"`) by its author and facilitators until approved (app/services/core/visibility.py).
    hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A plenary's copy of an atelier's idea (issue 21, restitution): the roadmap trace goes back through it.
    source_idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))

    author = relationship("Participant", lazy="joined")
    author_user = relationship("User", lazy="joined")


class Vote(db.Model):
    """One participant's dots (count) or grade on one idea; never exposed per voter."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("participant_id", "idea_id", name="one_row_per_voter_idea"),
        CheckConstraint("count >= 0", name="count_positive"),
        CheckConstraint("grade IS NULL OR (grade >= 0 AND grade <= 6)", name="grade_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=0)
    grade: Mapped[int | None]


class BoardAction(db.Model):
    """A facilitator's board action that `board.undo` can revert: what to put back, not a copy of the log."""

    __tablename__ = "board_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    seq: Mapped[int]  # the event that recorded the action
    inverse: Mapped[dict]  # the state before the action (app/services/workshop/undo.py)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
