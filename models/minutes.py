from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db, utcnow


class MinutesUpdate(db.Model):
    """Append-only Yjs updates of a workshop's minutes; compaction folds old rows into one."""

    __tablename__ = "minutes_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    compacted: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class MinutesVersion(db.Model):
    """A saved text of the minutes (automatic, at a phase change, before a restore, or asked for with a label).

    The text is kept rather than a Yjs state: a restore is a new edit from the current document to this text,
    so every client receives it like any other edit and it can itself be undone or restored."""

    __tablename__ = "minutes_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="auto")  # auto, phase, restore, manual, close
    label: Mapped[str] = mapped_column(String(120), default="")
    author: Mapped[str] = mapped_column(String(80), default="")
    chars: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text, default="")
