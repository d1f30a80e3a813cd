"""Announcing tallies: `vote.tally` events, coalesced so a vote storm stays cheap for every client;
and the participation ("27 / 40 ont voté") in `vote.participation` events, coalesced the same way.

A vote's transaction only notes which idea's tally changed (`tally_changed`).
After its commit, the coalescer gathers those ideas per workshop and, at most
once per WINDOW, records one `vote.tally` with their exact totals in its own
transaction under the workshop lock, so a later event always carries later
totals. Each client thus gets at most one tally frame per window and
workshop, whatever the number of voters (docs/performance.md).

The coalescer needs somewhere to wait: the real-time layer installs it with
its background-task runner (`install`); without that (the CLI, unit tests
with live publishing off) votes are still counted and only their
announcement waits for the next `record_tallies`.
"""

import logging
import threading
from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy import select

from app.services.core.outbox import Outbox, subscribe
from app.services.core.unit_of_work import lock_workshop, record, transaction
from app.services.workshop.votes import empty_tally, participation, tallies
from models import Idea, Workshop, db

log = logging.getLogger("fabrique.tallies")
WINDOW = 0.1  # seconds between two vote.tally events of one workshop


def record_tallies(workshop: Workshop, idea_ids: Iterable[int]) -> dict | None:
    """Record one vote.tally with the current totals of these ideas (deleted ones skipped), in the
    current transaction; returns its envelope, or None when none of the ideas exists any more."""
    wanted = sorted(set(idea_ids))
    existing = set(db.session.execute(select(Idea.id).where(Idea.id.in_(wanted))).scalars()) if wanted else set()
    current = tallies(workshop, existing)
    rows = [{"idea_id": i, **current.get(i, empty_tally(workshop))} for i in wanted if i in existing]
    if not rows:
        return None
    data = {"tallies": rows}
    if len(rows) == 1:
        data.update(rows[0])
    return record(workshop, "vote.tally", data)


def record_participation(workshop: Workshop) -> dict:
    """Record one vote.participation with the current figures ("27 / 40 ont voté"), in the current
    transaction; counts only, never who. Returns its envelope."""
    return record(workshop, "vote.participation", participation(workshop))


def announce(workshop_id: int, idea_ids: Iterable[int], participation_too: bool = False) -> dict | None:
    """Announce these ideas' tallies now (and the participation when asked), in a transaction of its
    own. Emits vote.tally, vote.participation; returns the vote.tally envelope."""
    with transaction():
        workshop = lock_workshop(workshop_id)
        envelope = record_tallies(workshop, idea_ids)
        if participation_too:
            record_participation(workshop)
        return envelope


class Coalescer:
    """One waiting loop per workshop with pending tallies, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[int, set[int]] = {}
        self._participation: set[int] = set()  # workshops whose participation is to be announced
        self._running: set[int] = set()
        self._app: Flask | None = None
        self._spawn: Callable | None = None
        self._sleep: Callable[[float], None] | None = None

    def install(self, app: Flask, spawn: Callable, sleep: Callable[[float], None]) -> None:
        self._app, self._spawn, self._sleep = app, spawn, sleep
        subscribe(self.committed)

    def committed(self, outbox: Outbox) -> None:
        # The vote opening: its participation ("0 / 40 ont voté") is announced as well.
        opened = {o.workshop_id for o in outbox.events if o.envelope["type"] == "phase.changed" and o.phase == "vote"}
        for workshop_id in set(outbox.tallies) | outbox.participation | opened:
            with self._lock:
                self._dirty.setdefault(workshop_id, set()).update(outbox.tallies.get(workshop_id, ()))
                if workshop_id in outbox.participation or workshop_id in opened:
                    self._participation.add(workshop_id)
                start = workshop_id not in self._running
                self._running.add(workshop_id)
            if start:
                self._spawn(self._loop, workshop_id)

    def _loop(self, workshop_id: int) -> None:
        """A single loop per workshop: in a storm a flush may wait for the workshop lock longer than
        the window, and a timer per window would then stack flushes and burst frames."""
        try:
            while True:
                self._sleep(WINDOW)
                with self._lock:
                    ideas = self._dirty.pop(workshop_id, set())
                    counts = workshop_id in self._participation
                    self._participation.discard(workshop_id)
                    if not ideas and not counts:
                        self._running.discard(workshop_id)
                        return
                self._flush(workshop_id, ideas, counts)
        except BaseException:
            with self._lock:
                self._running.discard(workshop_id)
            raise

    def _flush(self, workshop_id: int, ideas: set[int], counts: bool = False) -> None:
        with self._app.app_context():
            try:
                announce(workshop_id, ideas, counts)
            except Exception:
                log.exception("tally announcement failed for workshop %s", workshop_id)
            finally:
                db.session.remove()

    def busy(self) -> bool:
        """True while an announcement is pending or running (tests wait for it before cleaning up)."""
        with self._lock:
            return bool(self._running)


coalescer = Coalescer()
