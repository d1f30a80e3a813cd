"""Restitution: an atelier's top results arrive in the plenary as one card, live, in the order the ateliers
closed; its best ideas are copied onto the plenary's board (linked to the originals), where the plenary votes
across ateliers and promotes them to a roadmap (the action's trace then names both workshops).

The card is the public view of the atelier at that moment (`Actor(workshop)`: no author, no participant), so a
private brainstorm idea, a hidden or pending one, or a tally still hidden (`reveal_votes: end`) never reaches it;
the copies carry no author, so anonymity follows the ideas.
"""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import i18n
from app.services.core.actors import Actor
from app.services.core.errors import Conflict, Forbidden
from app.services.core.guards import leads
from app.services.core.unit_of_work import locked_row, record, transaction
from app.services.days.membership import day_by_id, leads_day, plenary_of
from app.services.minutes.operations import register
from app.services.workshop import session as phases
from app.services.workshop.ideas import idea_dict
from app.services.workshop.results import ranking
from app.services.workshop.workshops import get_workshop
from models import Day, Idea, Restitution, User, Workshop, db

TOP = 5  # ideas per atelier on its card and copied onto the plenary's board


def card_of(workshop: Workshop) -> dict:
    """The atelier's card: its best ideas as the public sees them, its decisions and actions (minutes register).

    Stored, and sent to everyone in the plenary: its `grade_label` is always French (the source language), the
    same whoever closed the atelier; readers word the grade from `grade` (app/i18n.py `grade_label`)."""
    with force_locale(i18n.DEFAULT):
        rows = ranking(Actor(workshop))[:TOP]
    results = []
    for row in rows:
        item = {"idea_id": row["idea_id"], "text": row["text"], "rank": row["rank"], "rank_label": row["rank_label"]}
        item["votes"] = row.get("votes")
        if "grade" in row:
            item.update(grade=row["grade"], grade_label=row.get("grade_label"))
        results.append(item)
    minutes = register(workshop)
    return {
        "code": workshop.code,
        "title": workshop.title,
        "facilitators": [f.name for f in workshop.facilitators],
        "results": results,
        "decisions": [d["text"] for d in minutes.get("decisions", [])],
        "actions": [{k: a.get(k) for k in ("text", "owner", "due")} for a in minutes.get("actions", [])],
    }


def send(workshop: Workshop) -> dict | None:
    """In the current transaction: (re)send the atelier's card to its day's plenary and copy its best ideas
    there. Emits restitution.card (and idea.created per copy) in the plenary's log."""
    if workshop.day_id is None or workshop.day_role != "atelier":
        return None
    day = db.session.get(Day, workshop.day_id)
    plenary = plenary_of(day)
    if plenary is not None:  # locks the plenary row: cards arrive one at a time, positions in closing order
        plenary = locked_row(plenary.id)
    card = card_of(workshop)
    row = db.session.execute(select(Restitution).filter_by(workshop_id=workshop.id)).scalar_one_or_none()
    if row is None:
        count = select(func.count()).select_from(Restitution).filter_by(day_id=day.id)
        row = Restitution(day_id=day.id, workshop_id=workshop.id, position=db.session.execute(count).scalar_one() + 1)
        db.session.add(row)
    row.card = card
    db.session.flush()
    card = dict(card, position=row.position, sent_at=row.sent_at.isoformat())
    if plenary is not None:
        _copy_ideas(workshop, plenary, card)
        record(plenary, "restitution.card", card)
    return card


def _copy_ideas(atelier: Workshop, plenary: Workshop, card: dict) -> None:
    if plenary.phase == "closed" or not plenary.columns:
        return
    originals = [r["idea_id"] for r in card["results"]]
    done = set(
        db.session.scalars(
            select(Idea.source_idea_id).where(Idea.workshop_id == plenary.id, Idea.source_idea_id.in_(originals))
        )
    )
    column = plenary.columns[0]
    for position, result in enumerate(card["results"]):
        if result["idea_id"] in done:
            continue
        copy = Idea(workshop_id=plenary.id, column_id=column.id, text=result["text"], source_idea_id=result["idea_id"])
        copy.position = float(position)
        db.session.add(copy)
        db.session.flush()
        record(
            plenary,
            "idea.created",
            dict(idea_dict(copy), source_workshop={"code": atelier.code, "title": atelier.title}),
        )


def _on_phase(workshop: Workshop, previous: str, phase: str) -> None:
    if phase == "closed" and workshop.day_role == "atelier":
        send(workshop)


phases.PHASE_HOOKS.append(_on_phase)


def request_restitution(user: User, code: str, day: Day) -> dict:
    """A facilitator of the atelier (or of its day) sends its card now. Raises NotFound, Forbidden, Conflict."""
    workshop = get_workshop(code)
    if workshop.day_id != day.id or workshop.day_role != "atelier":
        raise Conflict(_("Cet atelier n'est pas un atelier de cette journée : rien à restituer."), field="workshop")
    if not (leads(user, workshop) or leads_day(user, db.session.get(Day, workshop.day_id))):
        raise Forbidden(_("Seuls les animateurs de cet atelier ou de la journée peuvent en faire la restitution."))
    with transaction():
        workshop = locked_row(workshop.id)
        card = send(workshop)
    return card


def sent_workshops(day: Day) -> set[int]:
    return set(db.session.scalars(select(Restitution.workshop_id).filter_by(day_id=day.id)))


def restitution(day_id) -> tuple[Day, dict]:
    """{ateliers:[card…]} in the order they arrived. Who may read it is the caller's check (api/days.py)."""
    day = day_by_id(day_id)
    return day, {"ateliers": cards_of_day(day.id)}


def cards_of_day(day_id: int) -> list[dict]:
    rows = db.session.execute(select(Restitution).filter_by(day_id=day_id).order_by(Restitution.position)).scalars()
    return [dict(r.card, position=r.position, sent_at=r.sent_at.isoformat()) for r in rows]


def plenary_restitution(workshop: Workshop) -> list[dict] | None:
    """The cards already received, for the plenary's snapshot (everyone in the plenary sees them: a card is
    the ateliers' public view); None for any other workshop."""
    if workshop.day_id is None or workshop.day_role != "plenary":
        return None
    return cards_of_day(workshop.day_id)


def require_reader(user: User | None, day: Day) -> None:
    """A facilitator of the day or of its plenary. Raises Forbidden."""
    plenary = plenary_of(day)
    if not (leads_day(user, day) or (plenary is not None and leads(user, plenary))):
        raise Forbidden(_("Seuls les animateurs de la journée et de la plénière voient la restitution."))
