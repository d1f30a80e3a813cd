"""What a committed transaction hands over, and who receives it.

Plain data and a registry, no database: the broadcaster depends on this
module, not on the unit of work that fills it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Outgoing:
    """A committed event plus what the broadcaster needs without touching the database."""

    workshop_id: int
    envelope: dict
    phase: str
    settings: dict
    author_id: int | None = None  # the participant who wrote the idea this event carries


@dataclass
class Outbox:
    """What one transaction hands over after its commit."""

    events: list[Outgoing] = field(default_factory=list)
    tallies: dict[int, set[int]] = field(default_factory=dict)  # workshop -> ideas whose tally changed
    participation: set[int] = field(default_factory=set)  # workshops whose "N / M ont voté" changed
    presence: set[int] = field(default_factory=set)  # workshops whose room counts changed
    refused: set[str] = field(default_factory=set)  # sockets to disconnect now (a removed participant's)
    # Server-made edits of the minutes (a restore, the attendance filled at closing): (workshop, base64 Yjs update)
    minutes: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.events or self.tallies or self.participation or self.presence or self.refused or self.minutes)


_subscribers: list[Callable[[Outbox], None]] = []


def subscribe(fn: Callable[[Outbox], None]) -> None:
    """Have `fn` called with every committed, non-empty Outbox (the broadcaster, the tally coalescer)."""
    if fn not in _subscribers:
        _subscribers.append(fn)


def subscribers() -> list[Callable[[Outbox], None]]:
    return list(_subscribers)
