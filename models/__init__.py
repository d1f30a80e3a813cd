"""Persistent state. No Flask request, no Socket.IO here; methods never commit."""

from models.base import db, utcnow
from models.day import DAY_ROLES, Day, DayPass, Demarche, DemarcheSession, Restitution, day_facilitators
from models.event import CommandResult, Connection, Event, Process
from models.idea import BoardAction, Group, Idea, Vote
from models.minutes import MinutesUpdate, MinutesVersion
from models.participant import Participant
from models.roadmap import Action, ActionChange, ActionSource, Axis, Roadmap, roadmap_facilitators
from models.territory import Territory
from models.user import Invitation, UsedNonce, User
from models.workshop import MODES, PHASES, Column, Workshop, workshop_facilitators

__all__ = [
    "DAY_ROLES",
    "Day",
    "DayPass",
    "Demarche",
    "DemarcheSession",
    "Restitution",
    "day_facilitators",
    "MODES",
    "PHASES",
    "Action",
    "ActionChange",
    "ActionSource",
    "Axis",
    "BoardAction",
    "Column",
    "CommandResult",
    "Connection",
    "Event",
    "Group",
    "Idea",
    "Invitation",
    "MinutesUpdate",
    "MinutesVersion",
    "Participant",
    "Process",
    "Roadmap",
    "Territory",
    "UsedNonce",
    "User",
    "Vote",
    "Workshop",
    "db",
    "roadmap_facilitators",
    "utcnow",
    "workshop_facilitators",
]
