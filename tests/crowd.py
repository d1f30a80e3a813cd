"""A room-size workshop for live and browser tests (issue 14): 40 people joined through the API, 120 ideas.

Use the `room_workshop` fixture (tests/conftest.py): `room = room_workshop(phase="cluster", **settings)`.
The people and ideas are those of `flask --app wsgi demo crowd` (app/demo_crowd.py): French names, ESS
organisations, two thirds in the room, ideas in French spread over the columns.
"""

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from app.demo_crowd import idea_texts, people
from tests.server import Client, LiveServer


@dataclass
class Room:
    workshop: dict  # POST /api/v1/workshops's answer (code, columns…)
    facilitator: Client  # a socket client of the facilitator, connected
    participants: list[dict] = field(default_factory=list)  # [{id, name, organisation, attendance, token}]
    ideas: list[dict] = field(default_factory=list)  # the ideas as posted (POST …/ideas answers)

    @property
    def code(self) -> str:
        return self.workshop["code"]


def build_room(
    server: LiveServer,
    people_count: int = 40,
    ideas_count: int = 120,
    phase: str = "cluster",
    seed: int = 14,
    **settings,
) -> Room:
    """Create a workshop, join `people_count` participants through the API, post `ideas_count` ideas as
    them (brainstorm, round-robin over participants and columns, a few requests at a time), then set `phase`.
    The ideas are returned in posting order; their ids rise with it only if posted one at a time."""
    rng = random.Random(seed)
    workshop = server.create_workshop(
        title="Répétition à taille réelle", settings={"private_brainstorm": False, **settings}
    )
    room = Room(workshop, server.client(workshop["code"], server.token()))
    assert room.facilitator.call("phase.set", {"phase": "brainstorm"})["ok"]
    base = f"{server.url}/api/v1/workshops/{room.code}"
    columns = [c["id"] for c in workshop["columns"]]
    bodies = people(people_count, rng)
    texts = idea_texts(ideas_count, rng) if bodies else []

    def join(body: dict) -> dict:
        r = requests.post(base + "/participants", json=body, timeout=10)
        assert r.status_code == 201, r.text
        return {**r.json()["participant"], "token": r.json()["token"]}

    def post(i: int) -> dict:
        body = {"column_id": columns[i % len(columns)], "text": texts[i]}
        token = room.participants[i % len(room.participants)]["token"]
        r = requests.post(base + "/ideas", json=body, headers=server.auth(token), timeout=10)
        assert r.status_code == 201, r.text
        return r.json()

    # A few requests at once, as a room does: the server serialises the writes, the waits overlap.
    with ThreadPoolExecutor(max_workers=6) as pool:
        room.participants = list(pool.map(join, bodies))
        room.ideas = list(pool.map(post, range(len(texts))))
    if phase != "brainstorm":
        assert room.facilitator.call("phase.set", {"phase": phase})["ok"]
    return room
