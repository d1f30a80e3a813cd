"""Hybrid-meeting commands: a facilitator acts for a device-less table.

Each handler calls one service of app/services/workshop/tables.py; every rule (who may,
phase, budget scaled to the table's size) lives there.
"""

from app.services.workshop import tables
from realtime.state import command


@command("table.create")
def on_table_create(actor, p, cid):
    return tables.create_table(actor, p.get("name"), p.get("size"), client_id=cid, college=p.get("college"))


@command("table.idea")
def on_table_idea(actor, p, cid):
    return tables.post_for_table(
        actor, p.get("table_id"), p.get("column_id"), p.get("text"), p.get("color"), client_id=cid
    )


@command("table.vote")
def on_table_vote(actor, p, cid):
    return tables.vote_for_table(actor, p.get("table_id"), p.get("idea_id"), p.get("grade"), client_id=cid)


@command("table.retract")
def on_table_retract(actor, p, cid):
    return tables.retract_for_table(actor, p.get("table_id"), p.get("idea_id"), client_id=cid)


@command("table.list", writes=False)
def on_table_list(actor, _p, _cid):
    return {"tables": tables.list_tables(actor)}
