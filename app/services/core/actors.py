"""Who is acting: a facilitator (user account) or a participant of one workshop."""

from dataclasses import dataclass

from app.services.core.guards import leads
from models import Participant, User, Workshop


@dataclass(frozen=True)
class Actor:
    workshop: Workshop
    user: User | None = None
    participant: Participant | None = None

    @property
    def is_facilitator(self) -> bool:
        return leads(self.user, self.workshop)

    @property
    def role(self) -> str:
        return "facilitator" if self.is_facilitator else "participant"

    @property
    def participant_id(self) -> int | None:
        return self.participant.id if self.participant else None

    @property
    def key(self) -> str:
        """Stable identity for idempotency records."""
        return f"u{self.user.id}" if self.is_facilitator else f"p{self.participant_id}"

    @property
    def name(self) -> str:
        if self.is_facilitator:
            return self.user.name
        return self.participant.name if self.participant else ""

    def viewer(self) -> "Viewer":
        return Viewer(self.is_facilitator, self.participant_id)


@dataclass(frozen=True)
class Viewer:
    """The minimum the visibility rules need to know about who is looking."""

    facilitator: bool
    participant_id: int | None = None
