"""Live-server helpers shared by the tally tests and the results page in a browser."""

import threading


def live_vote(live_server, n_ideas, **settings):
    workshop = live_server.create_workshop(settings=settings)
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    column = workshop["columns"][0]["id"]
    ids = [fac.call("idea.create", {"column_id": column, "text": f"Idée {i}"})["idea"]["id"] for i in range(n_ideas)]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    return code, fac, ids


def close_all(clients) -> None:
    """Each python-socketio disconnect waits seconds for its read loop: close them side by side."""
    closing = [threading.Thread(target=c.close) for c in clients]
    for t in closing:
        t.start()
    for t in closing:
        t.join(30)
