"""Helpers of the board's browser tests: a workshop at the size of a real room, cards and stacks,
real mouse and touch drags, screenshots."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

SHOTS = Path(os.environ.get("FABRIQUE_SHOTS", "/tmp/shots-board"))
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
IDEAS = [
    "Navette solidaire entre les communes",
    "Ressourcerie mobile sur les marchés",
    "Coopérative d'habitants pour l'énergie",
    "Atelier de réparation de vélos",
    "Cantine partagée entre tiers-lieux",
    "Monnaie locale pour les commerces",
    "Jardin partagé au pied des immeubles",
    "Prêt de matériel entre associations",
]


def room(live_server, phase="cluster", people=40, ideas=120, **settings):
    """A workshop with `people` participants joined through the API and `ideas` ideas spread over its
    columns (posted by the participants in brainstorm, a few requests at a time), then put in `phase`.
    Returns the workshop, the facilitator's socket client, the participants' tokens and the ideas."""
    workshop = live_server.create_workshop(settings={"private_brainstorm": False, **settings})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    http = requests.Session()
    http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=8))

    def join(i):
        body = {"name": f"Personne {i + 1:02d}", "attendance": "remote" if i % 3 == 0 else "room"}
        r = http.post(f"{live_server.url}/api/v1/workshops/{code}/participants", json=body, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["token"]

    columns = [c["id"] for c in workshop["columns"]]

    def post(i):
        body = {"column_id": columns[i % len(columns)], "text": f"{IDEAS[i % len(IDEAS)]} n°{i + 1}"}
        r = http.post(
            f"{live_server.url}/api/v1/workshops/{code}/ideas",
            headers=live_server.auth(tokens[i % people]),
            json=body,
            timeout=10,
        )
        assert r.status_code == 201, r.text
        return r.json()

    def post_column(k):  # one column's ideas in order: positions follow the ideas' indexes
        return [(i, post(i)) for i in range(k, ideas, len(columns))]

    with ThreadPoolExecutor(6) as pool:
        tokens = list(pool.map(join, range(people)))
        made = [idea for _, idea in sorted(p for col in pool.map(post_column, range(len(columns))) for p in col)]
    if phase != "brainstorm":
        assert fac.call("phase.set", {"phase": phase})["ok"]
    return workshop, fac, tokens, made


def card(page, text):
    return page.locator(f'li[data-testid="idea-card"]:has(> p.idea-text:text-is("{text}"))')


def stack(page, label):
    return page.get_by_test_id("board-stack").filter(has=page.locator(f'.stack-label:text-is("{label}")'))


def drag(page, source, target, where=0.5, steps=12):
    """A real mouse drag: press on the source, move over the target (at `where` of its height), release."""
    source.scroll_into_view_if_needed()
    a = source.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + 12)
    page.mouse.down()
    page.mouse.move(a["x"] + a["width"] / 2 + 8, a["y"] + 20, steps=3)
    b = target.bounding_box()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] * where, steps=steps)
    time.sleep(0.15)
    page.mouse.move(b["x"] + b["width"] / 2 + 2, b["y"] + b["height"] * where, steps=2)
    page.mouse.up()


def touch_drag(page, source, target):
    """A finger's long press and drag (CDP touch events: what a phone sends). The target's place is read
    once the card is held (the column chips come back on top of the screen then)."""
    cdp = page.context.new_cdp_session(page)
    source.scroll_into_view_if_needed()
    a = source.bounding_box()
    x0, y0 = a["x"] + a["width"] / 2, a["y"] + 14

    def touch(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x0, y0)
    time.sleep(0.45)  # the long press that picks a card up (a swipe scrolls)
    for k in range(1, 4):
        touch("touchMove", x0, y0 - 4 * k)
        time.sleep(0.03)
    b = target.bounding_box()
    x1, y1 = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
    for k in range(1, 16):
        touch("touchMove", x0 + (x1 - x0) * k / 15, y0 + (y1 - y0) * k / 15)
        time.sleep(0.03)
    time.sleep(0.15)
    touch("touchMove", x1 + 1, y1)
    touch("touchEnd", x1, y1)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
