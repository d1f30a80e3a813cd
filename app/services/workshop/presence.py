"""Who is online, shared across processes through the database.

Each process heartbeats; connections of a process that stopped heartbeating
are ignored, then purged, so a crash leaves no ghosts.
"""

import os
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.services.core.actors import Actor
from app.services.core.unit_of_work import presence_changed, transaction
from models import Connection, Participant, Process, User, db, utcnow

STALE_AFTER = timedelta(seconds=float(os.environ.get("FABRIQUE_STALE_SECONDS", "45")))
ONLINE_LIST_MAX = 300


def connect(sid: str, process_id: str, actor: Actor) -> None:
    heartbeat(process_id)
    with transaction():
        db.session.merge(
            Connection(
                sid=sid,
                workshop_id=actor.workshop.id,
                process=process_id,
                participant_id=actor.participant_id,
                user_id=actor.user.id if actor.user else None,
                seen_at=utcnow(),
            )
        )
        presence_changed(actor.workshop.id)


def disconnect(sid: str, workshop_id: int) -> None:
    with transaction():
        db.session.execute(delete(Connection).where(Connection.sid == sid))
        presence_changed(workshop_id)


def heartbeat(process_id: str) -> None:
    # An upsert, not merge(): a fresh process's first connections arrive together, and
    # merge's SELECT-then-INSERT lets two of them insert the same row.
    now = utcnow()
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Process).values(id=process_id, heartbeat_at=now)
    with transaction():
        db.session.execute(stmt.on_conflict_do_update(index_elements=[Process.id], set_={"heartbeat_at": now}))


def purge_dead() -> list[int]:
    """Forget connections of processes that stopped; returns the workshops touched."""
    cutoff = utcnow() - STALE_AFTER
    dead = select(Process.id).where(Process.heartbeat_at < cutoff)
    with transaction():
        touched = db.session.execute(select(Connection.workshop_id).where(Connection.process.in_(dead)).distinct())
        workshops = [w for (w,) in touched]
        db.session.execute(delete(Connection).where(Connection.process.in_(dead)))
        db.session.execute(delete(Process).where(Process.heartbeat_at < cutoff))
        for workshop_id in workshops:
            presence_changed(workshop_id)
    return workshops


def online(workshop_id: int) -> dict:
    """{online:[{id,name,role,attendance}], counts:{room, remote}} — one entry per person."""
    # Plain columns, not ORM entities: this runs on every connect and every presence
    # broadcast, over every connection of the room (a mass arrival made it the top cost).
    alive = select(Process.id).where(Process.heartbeat_at >= utcnow() - STALE_AFTER)
    rows = db.session.execute(
        select(Participant.id, Participant.name, Participant.attendance, Participant.organisation, User.id, User.name)
        .select_from(Connection)
        .outerjoin(Participant, Participant.id == Connection.participant_id)
        .outerjoin(User, User.id == Connection.user_id)
        .where(Connection.workshop_id == workshop_id, Connection.process.in_(alive))
    ).all()
    people: dict[str, dict] = {}
    for pid, name, attendance, organisation, uid, user_name in rows:
        if pid is not None:
            people[f"p{pid}"] = {
                "id": pid,
                "name": name,
                "role": "participant",
                "attendance": attendance,
                "organisation": organisation,
            }
        elif uid is not None:
            people[f"u{uid}"] = {"id": None, "name": user_name, "role": "facilitator", "attendance": None}
    return _summary(list(people.values()), _tables(workshop_id))


def _tables(workshop_id: int) -> list[Participant]:
    stmt = select(Participant).where(Participant.workshop_id == workshop_id, Participant.table_size.is_not(None))
    return list(db.session.execute(stmt).scalars())


def _summary(people: list[dict], tables: list[Participant]) -> dict:
    counts = {"room": 0, "remote": 0}
    for person in people:
        if person["attendance"] in counts:
            counts[person["attendance"]] += 1
    # Device-less tables sit in the room: their people count as present.
    counts["room"] += sum(t.table_size or 0 for t in tables)
    counts["tables"] = len(tables)
    return {"online": people[:ONLINE_LIST_MAX], "counts": counts, "total": len(people)}
