"""A day (journée) of parallel ateliers closing in a plenary, and a process (démarche) over many sessions (issue 21)."""

from datetime import datetime

from sqlalchemy import Column as SAColumn
from sqlalchemy import ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, utcnow

DAY_ROLES = ("atelier", "plenary")

day_facilitators = Table(
    "day_facilitators",
    db.metadata,
    SAColumn("day_id", ForeignKey("days.id", ondelete="CASCADE"), primary_key=True),
    SAColumn("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Day(db.Model):
    __tablename__ = "days"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The day's join code: same alphabet and length as a workshop's, never equal to one.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[str] = mapped_column(String(10))  # ISO date "2026-11-21", the day's own calendar
    location: Mapped[str] = mapped_column(String(200), default="")
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"))
    # [{time, title}] in order: what the report and the join page show.
    programme: Mapped[list] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    territory = relationship("Territory")
    facilitators = relationship("User", secondary=day_facilitators, lazy="select")

    def is_facilitator(self, user) -> bool:
        return user is not None and any(f.id == user.id for f in self.facilitators)


class DayPass(db.Model):
    """One person at a day: the name typed once and the day token (only its SHA-256). Each workshop they
    enter gets its own Participant row pointing here, whose token hash is derived from the day token."""

    __tablename__ = "day_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("days.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    attendance: Mapped[str] = mapped_column(String(10), default="room")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Restitution(db.Model):
    """An atelier's card in the plenary: sent once, at its closing (or when a facilitator asks); the
    position is the order of arrival."""

    __tablename__ = "day_restitutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("days.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    card: Mapped[dict] = mapped_column(default=dict)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class Demarche(db.Model):
    """A co-construction process: workshops and days over months feeding one roadmap. (The table
    `processes` already holds the server processes of a cluster.)"""

    __tablename__ = "demarches"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"))
    roadmap_id: Mapped[int | None] = mapped_column(ForeignKey("roadmaps.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    territory = relationship("Territory")
    sessions: Mapped[list["DemarcheSession"]] = relationship(
        back_populates="demarche", order_by="DemarcheSession.position", cascade="all, delete-orphan"
    )


class DemarcheSession(db.Model):
    __tablename__ = "demarche_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    demarche_id: Mapped[int] = mapped_column(ForeignKey("demarches.id", ondelete="CASCADE"), index=True)
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    day_id: Mapped[int | None] = mapped_column(ForeignKey("days.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    demarche: Mapped[Demarche] = relationship(back_populates="sessions")
