"""The two rules most commands check first: who may act, and whether the workshop still changes."""

from app.services.core.actors import Actor
from app.services.core.errors import Forbidden, PhaseError
from models import Workshop

CLOSED = "L'atelier est clos : il reste en lecture seule tant qu'un animateur ne le rouvre pas."


def require_facilitator(actor: Actor, what: str) -> None:
    """`what` completes « Seuls les animateurs peuvent … ». Raises Forbidden."""
    if not actor.is_facilitator:
        raise Forbidden(f"Seuls les animateurs peuvent {what}.")


def require_open(workshop: Workshop) -> None:
    """A closed workshop's board, minutes, tables and participants are frozen. Raises PhaseError."""
    if workshop.phase == "closed":
        raise PhaseError(CLOSED)
