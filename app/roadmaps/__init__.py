"""Roadmap pages: public read-only views of published roadmaps, facilitator editing."""

from flask import Blueprint

bp = Blueprint("roadmaps", __name__, url_prefix="/roadmaps")

from app.roadmaps import housekeeping, routes  # noqa: E402, F401
