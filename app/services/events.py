"""The workshop event log: one transaction per change, gapless seq, broadcast after commit.

Services call `lock_workshop` first, change state, then `record` the event.
Events are queued on the session and handed to the registered publisher only
after the commit succeeds, so nothing uncommitted is ever broadcast.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event as sa_event
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import CommandResult, Event, Workshop, db, utcnow


@dataclass
class Outgoing:
    """A committed event plus what the broadcaster needs without touching the database."""

    workshop_id: int
    code: str
    envelope: dict
    phase: str
    settings: dict
    extra: dict = field(default_factory=dict)


_publishers: list[Callable[[list], None]] = []


def add_publisher(fn: Callable[[list], None]) -> None:
    if fn not in _publishers:
        _publishers.append(fn)


@sa_event.listens_for(Session, "after_flush")
def _mark_written(session: Session, _context) -> None:
    session.info["flushed"] = True


@sa_event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    session.info.pop("flushed", None)
    outbox = session.info.pop("outbox", None)
    if outbox:
        for fn in _publishers:
            fn(outbox)


@sa_event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("flushed", None)
    session.info.pop("outbox", None)


def _has_writes(session) -> bool:
    return bool(
        session.new or session.dirty or session.deleted or "flushed" in session.info or "outbox" in session.info
    )


def lock_workshop(workshop_id: int) -> Workshop:
    """Start a write: lock the workshop row (PostgreSQL) and reload its current state.

    Nothing written before the lock may leak into the command, so pending writes
    are rolled back. A read-only transaction (the actor just loaded) is kept and
    only expired: every object reloads after the lock as after a rollback, two
    round trips (ROLLBACK, BEGIN) cheaper. On SQLite that transaction already
    holds the write lock (BEGIN IMMEDIATE); on PostgreSQL, READ COMMITTED reads
    after the lock see the latest commits either way.
    """
    if _has_writes(db.session):
        db.session.rollback()
    else:
        db.session.expire_all()
    stmt = select(Workshop).where(Workshop.id == workshop_id).with_for_update()
    return db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def record(workshop: Workshop, type_: str, data: dict, **extra) -> Event:
    """Append an event with the workshop's next seq, in the current transaction."""
    seq = db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(last_seq=Workshop.last_seq + 1)
        .returning(Workshop.last_seq)
    ).scalar_one()
    workshop.last_seq = seq
    ev = Event(workshop_id=workshop.id, seq=seq, type=type_, data=data, at=utcnow())
    db.session.add(ev)
    out = Outgoing(workshop.id, workshop.code, ev.envelope(), workshop.phase, dict(workshop.settings), extra)
    db.session.info.setdefault("outbox", []).append(out)
    return ev


def notify(kind: str, workshop: Workshop, **data) -> None:
    """Queue a signal (not a log event) for after commit, e.g. a tally to coalesce."""
    db.session.info.setdefault("outbox", []).append({"kind": kind, "workshop_id": workshop.id, **data})


def events_since(workshop_id: int, since: int, limit: int = 1000) -> list[Event]:
    stmt = select(Event).where(Event.workshop_id == workshop_id, Event.seq > since).order_by(Event.seq).limit(limit)
    return list(db.session.execute(stmt).scalars())


def prior_result(workshop_id: int, actor_key: str, client_id: str | None) -> dict | None:
    if not client_id:
        return None
    stmt = select(CommandResult.response).filter_by(workshop_id=workshop_id, actor=actor_key, client_id=client_id)
    return db.session.execute(stmt).scalar_one_or_none()


def run_command(actor, client_id: str | None, apply: Callable[[Workshop], dict]) -> dict:
    """Run one write command in one transaction, once per client_id.

    `apply` gets the locked workshop, changes state, records events and returns
    the answer. A repeated client_id (also a concurrent twin) gets the first answer.
    Raises what `apply` raises, with nothing written.
    """
    workshop_id = actor.workshop.id
    try:
        workshop = lock_workshop(workshop_id)
        previous = prior_result(workshop_id, actor.key, client_id)
        if previous is not None:
            db.session.rollback()
            return previous
        result = apply(workshop)
        if client_id:
            db.session.add(
                CommandResult(workshop_id=workshop_id, actor=actor.key, client_id=client_id, response=result)
            )
        db.session.commit()
        return result
    except IntegrityError:
        db.session.rollback()
        previous = prior_result(workshop_id, actor.key, client_id)
        if previous is None:
            raise
        return previous
    except BaseException:
        db.session.rollback()
        raise
