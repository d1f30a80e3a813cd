from flask_babel import lazy_gettext
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db

# « ept » stands for an EPT or any intercommunalité (EPCI): the level a roadmap usually covers.
TERRITORY_KINDS = ("departement", "ept", "commune")
KIND_LABELS = {
    "departement": lazy_gettext("Département"),
    "ept": lazy_gettext("EPT / intercommunalité"),
    "commune": lazy_gettext("Commune"),
}


class Territory(db.Model):
    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("territories.id"))
    # The names of its communes, in order: what a roadmap's actions may name (app/services/roadmaps/fields.py).
    cities: Mapped[list] = mapped_column(default=list)
    # The INSEE code of a commune (5 characters, « 94028 », « 2A004 »); None for other kinds.
    insee: Mapped[str | None] = mapped_column(String(5), unique=True, index=True)

    parent: Mapped["Territory | None"] = relationship(remote_side=[id])

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "parent_id": self.parent_id,
            "cities": list(self.cities or []),
            "insee": self.insee,
        }
