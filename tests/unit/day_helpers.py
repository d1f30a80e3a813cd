"""Shared setup for the day tests (issue 21): a day with ateliers and a plenary, people joined by its code."""

from app.services.core.actors import Actor
from app.services.days.days import create_day, join_day
from app.services.workshop.workshops import create_workshop

ATELIERS = (
    ("JO 2024 et ESS", "jo2024"),
    ("Coopératives éphémères", "cooperatives_ephemeres"),
    ("Mécénat de compétences", "mecenat_competences"),
)


def make_day(user, ateliers=ATELIERS, capacity=None, plenary=True, **settings):
    """(day, [atelier…], plenary or None), all led by `user`."""
    day = create_day(user, {"title": "Journée ESS à l'UPEC", "date": "2026-11-21", "location": "UPEC, Créteil"})
    made = []
    for title, theme in ateliers:
        data = {"title": title, "theme": theme, "day_id": day.id, "role": "atelier", "settings": settings}
        if capacity:
            data["capacity"] = capacity
        made.append(create_workshop(user, data))
    hall = None
    if plenary:
        hall = create_workshop(
            user, {"title": "Plénière tiers-lieux", "theme": "tiers_lieux", "day_id": day.id, "role": "plenary"}
        )
    return day, made, hall


def day_join(day, name="Alice", workshop=None, **extra):
    """(Actor in the workshop entered, day token, workshop)."""
    body = {"name": name, "attendance": "room", **extra}
    if workshop is not None:
        body["workshop"] = workshop.code
    participant, token, entered = join_day(day.code, body)
    return Actor(entered, participant=participant), token, entered
