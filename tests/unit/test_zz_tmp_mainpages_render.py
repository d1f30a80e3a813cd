"""TEMPORARY (mainpages helper): dump the slice's pages in fr and en as text to /tmp/mp/render. Deleted after use."""
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import flask_babel
import pytest

from app.services.core.actors import Actor
from app.services.roadmaps.operations import create_action
from app.services.workshop.session import set_phase
from app.services.workshop.workshops import create_workshop
from app.services.workshop import ideas as idea_service
from models import Action, db, utcnow
from tests.unit.day_helpers import day_join, make_day
from tests.unit.roadmap_helpers import CITIES, make_roadmap, make_territory

OUT = Path("/tmp/mp/render")


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for k, v in attrs:
            if k in ("aria-label", "title", "placeholder", "alt", "value") and v and not v.isdigit():
                self.out.append(f"[{k}={v}]")
        if tag in ("p", "li", "h1", "h2", "h3", "tr", "div", "option", "label", "dt", "button", "summary", "legend", "title"):
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.out.append(" ".join(data.split()) + " ")


def dump(name, html):
    p = Text()
    p.feed(html)
    text = re.sub(r"\n\s*\n+", "\n", "".join(p.out))
    lang = re.search(r'<html lang="(\w+)"', html)
    OUT.joinpath(name + ".txt").write_text(f"lang={lang and lang.group(1)}\n" + text)
    OUT.joinpath(name + ".html").write_text(html)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_render(app, client, auth, facilitator, fac_headers, join):
    app.before_request_funcs.setdefault(None, []).append(flask_babel.refresh)
    territory = make_territory()
    roadmap = make_roadmap(facilitator, territory)
    w = create_workshop(facilitator, {"title": "Atelier JO", "theme": "jo2024", "starts_at": "2026-05-01T09:00:00+02:00",
                                      "location": "Salle 1", "retention_months": 1})
    mj = create_workshop(facilitator, {"title": "Atelier MJ", "theme": "custom", "settings": {"vote_method": "majority_judgment", "anonymous": True}})
    fac = Actor(w, user=facilitator)
    alice = join(w, "Alice", organisation="Coop")
    join(w, "Bob", attendance="remote")
    set_phase(fac, "brainstorm")
    idea_service.create_idea(alice, w.columns[0].id, "Idea 1")
    idea_service.create_idea(alice, w.columns[0].id, "Idea 2")
    set_phase(fac, "vote")
    set_phase(Actor(mj, user=facilitator), "brainstorm")
    set_phase(Actor(mj, user=facilitator), "vote")
    r = client.post("/api/v1/processes", json={"title": "Process X", "territory": territory.name, "roadmap_id": roadmap.id}, headers=fac_headers)
    pid = r.json["id"]
    first = create_workshop(facilitator, {"title": "Kickoff", "theme": "custom", "location": f"Mairie de {CITIES[0]}"})
    join(first, "Amina", organisation="Coopaname")
    set_phase(Actor(first, user=facilitator), "closed")
    first.closed_at = utcnow() - timedelta(days=30)
    db.session.commit()
    action = create_action(facilitator, roadmap.id, {"title": "Directory", "axis_id": roadmap.axes[0].id})
    action_id = action["id"] if isinstance(action, dict) else action.id
    for change in db.session.get(Action, action_id).changes:
        change.at = utcnow() - timedelta(days=10)
    db.session.commit()
    day, ateliers, hall = make_day(facilitator, capacity=8)
    day_join(day, "Chloé", workshop=ateliers[1], organisation="Probonolab")
    for body in ({"workshop_code": first.code}, {"day_id": day.id}):
        client.post(f"/api/v1/processes/{pid}/sessions", json=body, headers=fac_headers)
    create_action(facilitator, roadmap.id, {"title": "Local money", "axis_id": roadmap.axes[0].id})

    for lang in ("fr", "en"):
        def get(name, url):
            r = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
            assert r.status_code in (200, 404), (url, r.status_code, r.get_data(as_text=True)[:500])
            dump(f"{lang}-{name}", r.get_data(as_text=True))

        auth.logout()
        get("home", "/")
        get("join", "/join")
        get("join-code", f"/join/{w.code}")
        get("join-mj", f"/join/{mj.code}")
        get("privacy", "/donnees-personnelles")
        get("accessibility", "/accessibilite")
        get("day", f"/d/{day.code}")
        get("error404", "/nope")
        auth.login()
        client.post(f"/w/{w.code}/tables", data={"name": "Table 1", "size": "4"})
        client.post(f"/w/{mj.code}/tables", data={"name": "Table 2", "size": "1"})
        get("dashboard", "/dashboard")
        get("new", "/workshops/new")
        get("edit", f"/workshops/{w.code}/edit")
        get("workshop", f"/workshops/{w.code}")
        get("tables", f"/w/{w.code}/tables")
        get("tables-mj", f"/w/{mj.code}/tables")
        get("equity", f"/w/{w.code}/equity")
        get("mydata-fac", f"/w/{w.code}/my-data")
        get("day-new", "/days/new")
        get("day-overview", f"/days/{day.id}")
        get("day-plenary", f"/days/{day.id}/plenary")
        get("process", f"/processes/{pid}")
        r = client.post("/workshops/new?lang=" + lang, data={"title": "", "theme": "jo2024"})
        dump(f"{lang}-new-invalid", r.get_data(as_text=True))
        auth.logout()
        client.post(f"/join?lang={lang}", data={"code": w.code, "name": f"Zed{lang}", "attendance": "room", "lang": lang})
        get("mydata-participant", f"/w/{w.code}/my-data")
        r = client.post(f"/w/{w.code}/my-data/anonymise?lang={lang}", data={}, follow_redirects=True)
        dump(f"{lang}-mydata-flash", r.get_data(as_text=True))
        day_join_r = client.post(f"/d/{day.code}?lang={lang}", data={"name": "Yann", "attendance": "room", "workshop": "", "lang": lang})
        get("day-me", f"/d/{day.code}")
