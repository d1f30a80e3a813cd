"""The projector's command: the facilitator's focus (services/workshop/presenter.py).

A replaced presenter link's sockets are closed like a removed participant's (realtime/board.py
`refuse_sockets`), in whichever process holds them."""

from app.services.workshop import presenter
from realtime.state import command


@command("present.focus")
def on_present_focus(actor, p, cid):
    return presenter.set_focus(actor, {k: p.get(k) for k in ("idea_id", "group_id")}, client_id=cid)
