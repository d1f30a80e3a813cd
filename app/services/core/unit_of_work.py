"""The unit of work: the one place a transaction is committed (docs/architecture.md).

Operations lock, change state, `record` events and flush; they never commit.
Two entries commit: `run_command` for a workshop's write commands (the workshop
lock, the change, its events with the next gapless `seq`, the idempotent
`client_id` record, one commit) and `transaction()` for every other write
(accounts, roadmaps, presence, minutes upkeep). What a transaction queued in
its `Outbox` is handed to the subscribers once its commit has returned, so
nothing uncommitted is ever broadcast; a rollback discards it.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.services.core.errors import ServiceError
from app.services.core.outbox import Outbox, Outgoing, subscribers
from models import CommandResult, Event, Workshop, db, utcnow

log = logging.getLogger("fabrique.unit_of_work")
LOCKED = "locked_workshop"  # session.info: the workshop this transaction holds the lock of
OUTBOX = "outbox"


def _outbox() -> Outbox:
    return db.session.info.setdefault(OUTBOX, Outbox())


@sa_event.listens_for(Session, "after_flush")
def _mark_written(session: Session, _context) -> None:
    session.info["flushed"] = True


@sa_event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop("flushed", None)
    session.info.pop(LOCKED, None)
    session.info.pop(OUTBOX, None)


def _commit() -> None:
    """Commit, then hand the transaction's Outbox to the subscribers.

    Only once `commit()` has returned, never from inside its hooks: an emit may
    run another socket handler (a disconnect) in this very greenlet, and that
    handler must find the session idle, not half-way through a commit.
    """
    outbox = db.session.info.get(OUTBOX)
    db.session.commit()
    if outbox:
        for fn in subscribers():
            try:
                fn(outbox)
            except Exception:  # the change is committed: clients catch up with `sync`
                log.exception("publishing committed events failed")


@sa_event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop("flushed", None)
    session.info.pop(LOCKED, None)
    session.info.pop(OUTBOX, None)


def _has_writes(session) -> bool:
    return bool(session.new or session.dirty or session.deleted or "flushed" in session.info or OUTBOX in session.info)


def lock_workshop(workshop_id: int) -> Workshop:
    """Start a write: lock the workshop row (PostgreSQL) and reload its current state.

    Nothing written before the lock may leak into the command, so pending
    writes are rolled back. A read-only transaction (the actor just loaded) is
    kept and only expired: every object reloads after the lock as after a
    rollback, two round trips (ROLLBACK, BEGIN) cheaper. On SQLite that
    transaction already holds the write lock (BEGIN IMMEDIATE); on PostgreSQL,
    READ COMMITTED reads after the lock see the latest commits either way.
    When this transaction took the lock while loading the actor
    (`workshop_locked`) and wrote nothing since, that state is current: no query.
    """
    if _has_writes(db.session):
        db.session.rollback()
    elif db.session.info.get(LOCKED) == workshop_id:
        return db.session.get(Workshop, workshop_id)
    else:
        db.session.expire_all()
    workshop = locked_row(workshop_id)
    workshop_locked(workshop_id)
    return workshop


def locked_row(workshop_id: int) -> Workshop:
    """The workshop row locked within the current transaction, keeping what it has written so far, and
    reloaded (SELECT … FOR UPDATE on PostgreSQL; SQLite already serialises writers). For a lock taken in
    the middle of a write: a day's places, the plenary's cards in closing order."""
    stmt = select(Workshop).where(Workshop.id == workshop_id).with_for_update()
    return db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def workshop_locked(workshop_id: int) -> None:
    """Note that the current transaction has just locked this workshop's row (SELECT … FOR UPDATE)."""
    db.session.info[LOCKED] = workshop_id


def record(workshop: Workshop, type_: str, data: dict) -> dict:
    """Append an event with the workshop's next seq, in the current transaction; returns its envelope.

    The log is written with table-level statements, not ORM objects: this is the
    path every post, move and vote takes (docs/performance.md).
    """
    seq, at = _append(workshop.id, type_, data)
    set_committed_value(workshop, "last_seq", seq)
    envelope = {"seq": seq, "type": type_, "data": data, "at": at.isoformat()}
    author_id = (data.get("author") or {}).get("id") if type_.startswith("idea.") else None
    _outbox().events.append(Outgoing(workshop.id, envelope, workshop.phase, dict(workshop.settings), author_id))
    return envelope


def _log_statements() -> dict:
    """The statements of `_append`, built once (building them per event cost as much as running them)."""
    workshops, events = Workshop.__table__, Event.__table__
    bump = (
        update(workshops)
        .where(workshops.c.id == bindparam("workshop_id"))
        .values(last_seq=workshops.c.last_seq + 1)
        .returning(workshops.c.last_seq)
    )
    bumped = bump.cte("bumped")
    row = select(
        bindparam("workshop_id", type_=events.c.workshop_id.type),
        bumped.c.last_seq,
        bindparam("type", type_=events.c.type.type),
        bindparam("data", type_=events.c.data.type),
        bindparam("at", type_=events.c.at.type),
    )
    columns = ["workshop_id", "seq", "type", "data", "at"]
    return {
        "bump": bump,
        "insert": insert(events),
        "bump_and_insert": insert(events).from_select(columns, row).returning(events.c.seq),
        "command_result": insert(CommandResult.__table__),
    }


_LOG = _log_statements()


def _append(workshop_id: int, type_: str, data: dict) -> tuple[int, datetime]:
    """Bump the workshop's last_seq and insert the event row with it: one round trip on
    PostgreSQL (an UPDATE inside the INSERT's WITH clause), two on SQLite (which has no such clause)."""
    row = {"workshop_id": workshop_id, "type": type_, "data": data, "at": utcnow()}
    if db.session.get_bind().dialect.name == "postgresql":
        seq = db.session.execute(_LOG["bump_and_insert"], row).scalar_one()
    else:
        seq = db.session.execute(_LOG["bump"], row).scalar_one()
        db.session.execute(_LOG["insert"], {**row, "seq": seq})
    return seq, row["at"]


def tally_changed(workshop: Workshop, idea_id: int) -> None:
    """Note that an idea's tally changed: announced after commit by the tally coalescer (workshop/tallies.py)."""
    _outbox().tallies.setdefault(workshop.id, set()).add(idea_id)


def participation_changed(workshop_id: int) -> None:
    """Note that who has voted, or who is present, changed: the tally coalescer
    (workshop/tallies.py) records a `vote.participation` after commit."""
    _outbox().participation.add(workshop_id)


def presence_changed(workshop_id: int) -> None:
    """Note that who is in the room changed (a socket came or went, a table was added): the
    workshop's presence list is sent again after commit."""
    _outbox().presence.add(workshop_id)


def minutes_edited(workshop_id: int, update: str) -> None:
    """Note a Yjs update the server made to a workshop's minutes (base64): relayed to every editor after commit."""
    _outbox().minutes.append((workshop_id, update))


def sockets_refused(sids) -> None:
    """Note sockets that must be disconnected once the transaction is committed (a removed participant's,
    in any process: realtime/board.py)."""
    _outbox().refused.update(sids)


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
    the answer. A repeated client_id (also a concurrent twin) gets the first
    answer. The first run needs no lookup: a repeat is known when its record
    collides with the first one's (unique key), or when `apply` refuses what the
    first run already did (the idea is gone, the phase has moved on).
    Raises what `apply` raises, with nothing written.
    """
    workshop_id, actor_key = actor.workshop.id, actor.key
    try:
        workshop = lock_workshop(workshop_id)
        try:
            result = apply(workshop)
            if client_id:
                row = {"workshop_id": workshop_id, "actor": actor_key, "client_id": client_id, "response": result}
                db.session.execute(_LOG["command_result"], {**row, "at": utcnow()})
            _commit()
            return result
        except (ServiceError, IntegrityError):
            db.session.rollback()
            previous = prior_result(workshop_id, actor_key, client_id)
            if previous is None:
                raise
            return previous
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def transaction() -> Iterator[None]:
    """For writes outside a workshop command (accounts, roadmaps, presence, minutes upkeep):
    commit what the block wrote, or, if it raises, roll all of it back and re-raise."""
    try:
        yield
        _commit()
    except BaseException:
        db.session.rollback()
        raise
