from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, utcnow


class Participant(db.Model):
    """A guest of one workshop (no account), or a device-less table registered by a facilitator."""

    __tablename__ = "participants"
    __table_args__ = (CheckConstraint("votes_used >= 0", name="votes_used_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    attendance: Mapped[str] = mapped_column(String(10), default="remote")
    # Only a SHA-256 of the bearer token is stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    table_size: Mapped[int | None]
    votes_used: Mapped[int] = mapped_column(default=0)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    anonymised: Mapped[bool] = mapped_column(default=False)
    # The id of one of the workshop's colleges (setting `colleges`), chosen on joining or
    # assigned by a facilitator; None without colleges. Weighs the votes (docs/votes.md).
    college: Mapped[str | None] = mapped_column(String(40))
    # Removed by a facilitator (issue 14): the token is revoked (token_hash None), the ideas stay.
    removed_at: Mapped[datetime | None]
    # Named by a facilitator to write the minutes when only facilitators may (setting minutes_editors).
    scribe: Mapped[bool] = mapped_column(default=False)
    # Joined through a day's code (issue 21): one row per workshop entered, one person behind them.
    day_pass_id: Mapped[int | None] = mapped_column(ForeignKey("day_passes.id", ondelete="SET NULL"), index=True)

    @property
    def is_table(self) -> bool:
        return self.table_size is not None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "organisation": self.organisation,
            "attendance": self.attendance,
            "table_size": self.table_size,
            "college": self.college,
            "joined_at": self.joined_at.isoformat(),
        }
