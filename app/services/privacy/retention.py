"""Retention: past a workshop's retention period, its participants' personal data is erased.

The period (Workshop.retention_months, set by the facilitator) counts from
the END of the workshop: the latest of its creation, its scheduled start and
its closure. A workshop planned months ahead is therefore not purged before
it has even taken place, and reopening a closed workshop restarts the clock.

What goes: names (-> ANON_NAME), organisations, token hashes (the old links
stop working), live connection rows, stored command answers. What stays,
anonymised: ideas, votes and tallies, minutes, groups, the event log (names
scrubbed), roadmap provenance (it keeps idea texts, never names).
"""

import calendar
from datetime import UTC, datetime

from sqlalchemy import delete, or_, select

from app.services.core.actors import Actor
from app.services.core.unit_of_work import record, run_command
from app.services.privacy.scrub import anonymise_record, rewrite_json, scrub
from models import CommandResult, Connection, DayPass, Participant, Workshop, db, utcnow


def add_months(moment: datetime, months: int) -> datetime:
    """Same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def retention_start(workshop: Workshop) -> datetime:
    dates = (workshop.created_at, workshop.starts_at, workshop.closed_at)
    return max(_aware(d) for d in dates if d is not None)


def retention_ends(workshop: Workshop) -> datetime:
    return add_months(retention_start(workshop), workshop.retention_months or 12)


def due_workshops(now: datetime | None = None) -> list[Workshop]:
    """Workshops past retention that still hold personal data (never purged, or joined since)."""
    now = _aware(now) if now else utcnow()
    identified = select(Participant.workshop_id).where(
        or_(Participant.anonymised.is_(False), Participant.token_hash.is_not(None))
    )
    stmt = select(Workshop).where(or_(Workshop.purged_at.is_(None), Workshop.id.in_(identified)))
    return [w for w in db.session.execute(stmt.order_by(Workshop.id)).scalars() if retention_ends(w) <= now]


def purge_workshop(workshop: Workshop) -> int:
    """Erase the personal data of every participant of `workshop`; returns how many. Emits privacy.purged."""

    def apply(locked: Workshop) -> dict:
        people = list(db.session.execute(select(Participant).filter_by(workshop_id=locked.id)).scalars())
        for participant in people:
            anonymise_record(participant)
            participant.token_hash = None
        _forget_day_passes(people)
        rewrite_json(locked.id, lambda doc: scrub(doc, None))
        locked.hands = scrub(locked.hands or {}, None)
        # Answers kept only to replay a retried command: useless months later.
        db.session.execute(delete(CommandResult).where(CommandResult.workshop_id == locked.id))
        db.session.execute(delete(Connection).where(Connection.workshop_id == locked.id))
        locked.purged_at = utcnow()
        record(locked, "privacy.purged", {"participants": len(people)})
        return {"participants": len(people)}

    return run_command(Actor(workshop), None, apply)["participants"]


def _forget_day_passes(people: list[Participant]) -> None:
    """A day's pass (issue 21) keeps the name typed once: it goes when the last of its workshop rows is purged."""
    for pass_id in {p.day_pass_id for p in people if p.day_pass_id is not None}:
        rows = db.session.execute(select(Participant).filter_by(day_pass_id=pass_id)).scalars().all()
        if all(r.anonymised for r in rows):
            person = db.session.get(DayPass, pass_id)
            person.name, person.organisation, person.token_hash = rows[0].name, "", None


def purge_due(now: datetime | None = None, dry_run: bool = False) -> list[tuple[Workshop, int]]:
    """Purge every workshop past retention; returns (workshop, participants) pairs."""
    done = []
    for workshop in due_workshops(now):
        if dry_run:
            count = db.session.execute(select(Participant.id).filter_by(workshop_id=workshop.id)).all()
            done.append((workshop, len(count)))
        else:
            done.append((workshop, purge_workshop(workshop)))
    return done
