"""Live-server helpers shared by the tally tests and the results page in a browser."""

import threading

import requests


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


def ensure_pemb(server) -> None:
    """Paris Est Marne&Bois with three of its cities, made once per server (the live and browser tests of
    days share the session's server, in any order)."""
    listed = requests.get(f"{server.url}/api/v1/territories", timeout=10).json()["territories"]
    if not any(t["name"] == "Paris Est Marne&Bois" for t in listed):
        server.flask(
            "territory", "create", "Paris Est Marne&Bois", "--kind", "ept",
            "--cities", "Nogent-sur-Marne,Vincennes,Bry-sur-Marne",
        )
