from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db

TERRITORY_KINDS = ("ept", "departement", "commune")


class Territory(db.Model):
    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"))
    cities: Mapped[list] = mapped_column(default=list)

    parent: Mapped["Territory | None"] = relationship(remote_side=[id])

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "cities": self.cities}
