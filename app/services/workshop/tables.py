"""Device-less tables in the room: a facilitator speaks for a table of N people.

A table is a Participant row with `table_size` N, attendance `room` and no
token (nobody can sign in as it). Its ideas go through ideas.create_idea with
`on_behalf_of` (stored with proxy=True) and its votes through votes.cast_vote,
whose budget and per-idea cap are already scaled by table_size, so a table of
6 gets 6 × votes_per_participant dots and never more, enforced by the same
conditional UPDATE as everyone's.
"""

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.actors import Actor
from app.services.core.errors import NotFound
from app.services.core.guards import require_facilitator, require_open
from app.services.core.lookup import owned
from app.services.core.unit_of_work import presence_changed, run_command
from app.services.workshop import ideas, votes
from app.services.workshop.colleges import find_college
from models import Participant, Workshop, db

TABLE_MAX = 100
TABLE_MISSING = lazy_gettext("Table inconnue dans cet atelier.")
MANAGE = lazy_gettext("gérer les tables sans appareil")


def table_dict(table: Participant, workshop: Workshop | None = None) -> dict:
    out = {"id": table.id, "name": table.name, "size": table.table_size, "attendance": table.attendance}
    out["college"] = table.college
    out["joined_at"] = table.joined_at.isoformat()
    if workshop is not None:
        out.update(votes.ballot(workshop, table))
        out["budget"] = votes.budget(workshop, table)
    return out


def list_tables(actor: Actor) -> list[dict]:
    """The workshop's tables with their ballots. Raises Forbidden."""
    require_facilitator(actor, MANAGE)
    stmt = (
        select(Participant)
        .where(Participant.workshop_id == actor.workshop.id, Participant.table_size.is_not(None))
        .order_by(Participant.id)
    )
    return [table_dict(t, actor.workshop) for t in db.session.execute(stmt).scalars()]


def get_table(actor: Actor, table_id) -> Participant:
    """A table of the actor's workshop. Raises Forbidden, Invalid, NotFound."""
    require_facilitator(actor, MANAGE)
    if isinstance(table_id, str) and table_id.isascii() and table_id.isdigit():
        table_id = int(table_id)
    table = owned(Participant, table_id, actor.workshop.id, TABLE_MISSING, field="table_id")
    if not table.is_table:
        raise NotFound(TABLE_MISSING)
    return table


def create_table(actor: Actor, name, size, client_id=None, college=None) -> dict:
    """Register a table of `size` people without devices (in `college`, with colleges). Raises Forbidden, Invalid,
    PhaseError; notifies presence."""
    require_facilitator(actor, MANAGE)
    name = v.text(name, "name", max_len=80)
    size = v.integer(size, "size", lo=1, hi=TABLE_MAX)

    def apply(workshop: Workshop) -> dict:
        require_open(workshop)
        table = Participant(workshop_id=workshop.id, name=name, attendance="room", table_size=size, token_hash=None)
        table.college = find_college(workshop.settings, college)
        db.session.add(table)
        db.session.flush()
        # Room counts include table sizes: everyone's presence line must change.
        presence_changed(workshop.id)
        return {"table": table_dict(table, workshop)}

    return run_command(actor, client_id, apply)


def post_for_table(actor: Actor, table_id, column_id, text, color=None, client_id=None) -> dict:
    """Post a paper idea of a table (proxy). Raises Forbidden, Invalid, NotFound, PhaseError; emits idea.created."""
    table = get_table(actor, table_id)
    return ideas.create_idea(actor, column_id, text, color, client_id=client_id, on_behalf_of=table)


def vote_for_table(actor: Actor, table_id, idea_id, grade=None, client_id=None) -> dict:
    """Cast one of the table's dots (or its grade). Raises BudgetError, Conflict, Forbidden, NotFound, PhaseError."""
    table = get_table(actor, table_id)
    return votes.cast_vote(actor, idea_id, grade, client_id=client_id, on_behalf_of=table)


def retract_for_table(actor: Actor, table_id, idea_id, client_id=None) -> dict:
    """Take back one of the table's dots (or its grade). Raises Conflict, Forbidden, NotFound, PhaseError."""
    table = get_table(actor, table_id)
    return votes.retract_vote(actor, idea_id, client_id=client_id, on_behalf_of=table)
