from datetime import datetime

from sqlalchemy import Column as SAColumn
from sqlalchemy import ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db, utcnow

PHASES = ("setup", "brainstorm", "cluster", "vote", "discuss", "closed")
MODES = ("in_person", "remote", "hybrid")

workshop_facilitators = Table(
    "workshop_facilitators",
    db.metadata,
    SAColumn("workshop_id", ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    SAColumn("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Workshop(db.Model):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(Text, default="")
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"))
    starts_at: Mapped[datetime | None]
    location: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(20), default="hybrid")
    phase: Mapped[str] = mapped_column(String(20), default="setup")
    settings: Mapped[dict] = mapped_column(default=dict)
    # The event log's counter: bumping it locks the row, which serialises the
    # writers of one workshop and keeps seq gapless across processes.
    last_seq: Mapped[int] = mapped_column(default=0)
    timer_ends_at: Mapped[datetime | None]
    timer_seconds: Mapped[int | None]
    hands: Mapped[dict] = mapped_column(default=dict)
    retention_months: Mapped[int] = mapped_column(default=12)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]
    # The read-only presenter link (issue 15): SHA-256 of its token; a new link replaces it.
    presenter_token_hash: Mapped[str | None] = mapped_column(String(64))
    # What the projector zooms on: {"idea_id": N} or {"group_id": N}, or None for the whole board.
    present_focus: Mapped[dict | None]
    # A day's atelier or plenary (issue 21, models/day.py); capacity: places offered on the day's join page.
    day_id: Mapped[int | None] = mapped_column(ForeignKey("days.id", ondelete="SET NULL"), index=True)
    day_role: Mapped[str | None] = mapped_column(String(10))
    capacity: Mapped[int | None]

    territory = relationship("Territory")
    day = relationship("Day")  # issue 21
    # Loaded on demand: eager loading cost every participant command two extra queries
    # (the workshop is loaded, then reloaded under the row lock).
    facilitators = relationship("User", secondary=workshop_facilitators, lazy="select")
    columns: Mapped[list["Column"]] = relationship(
        back_populates="workshop", order_by="Column.position", cascade="all, delete-orphan"
    )

    def is_facilitator(self, user) -> bool:
        return user is not None and any(f.id == user.id for f in self.facilitators)


class Column(db.Model):
    __tablename__ = "columns"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="columns")

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "position": self.position}
