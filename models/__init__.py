"""Persistent state. No Flask request, no Socket.IO here; methods never commit."""

from models.base import db, utcnow
from models.event import CommandResult, Connection, Event, Process
from models.idea import Group, Idea, Vote
from models.minutes import MinutesUpdate
from models.participant import Participant
from models.roadmap import Action, ActionChange, ActionSource, Axis, Roadmap
from models.territory import Territory
from models.user import User
from models.workshop import MODES, PHASES, Column, Workshop, workshop_facilitators

__all__ = [
    "MODES",
    "PHASES",
    "Action",
    "ActionChange",
    "ActionSource",
    "Axis",
    "Column",
    "CommandResult",
    "Connection",
    "Event",
    "Group",
    "Idea",
    "MinutesUpdate",
    "Participant",
    "Process",
    "Roadmap",
    "Territory",
    "User",
    "Vote",
    "Workshop",
    "db",
    "utcnow",
    "workshop_facilitators",
]
