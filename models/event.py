from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, utcnow


class Event(db.Model):
    """The workshop's ordered log: one row per change, seq gapless per workshop."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("workshop_id", "seq", name="seq_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    def envelope(self) -> dict:
        return {"seq": self.seq, "type": self.type, "data": self.data, "at": self.at.isoformat()}


class CommandResult(db.Model):
    """The first answer to a client_id, replayed when the same command comes again."""

    __tablename__ = "command_results"
    __table_args__ = (UniqueConstraint("workshop_id", "actor", "client_id", name="client_id_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Connection(db.Model):
    """A live socket, for presence shared across processes; rows of dead processes expire."""

    __tablename__ = "connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    process: Mapped[str] = mapped_column(String(40), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Process(db.Model):
    __tablename__ = "processes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
