"""JSON API /api/v1 (docs/protocol.md §2). Routes are thin: parse, identify, call one service."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import errors, hybrid, minutes, privacy, roadmaps, workshops  # noqa: E402, F401
