"""Issue 18: every page the public, a participant, a facilitator or an admin can reach speaks one language.

Every GET route is fetched by each of them, with `?lang=en` then with `?lang=fr`. In an HTML page (its
visible text and the attributes read aloud or shown, tests/unit/i18n_helpers.py), no distinctive word of
the other language's catalog may remain and `<html lang>` names the language asked; in a JSON error body,
the message follows the same rule. What people typed is neutral and taken out of the text checked.
"""

import pytest

from app.services.core.accounts import invite_facilitator
from app.services.core.actors import Actor
from app.services.days.days import create_day
from app.services.days.processes import add_session, create_process
from app.services.roadmaps.operations import create_action
from app.services.workshop import tables
from app.services.workshop.ideas import create_idea, group_idea
from app.services.workshop.presenter import create_presenter_link
from app.services.workshop.session import set_phase
from app.services.workshop.votes import cast_vote
from app.services.workshop.workshops import create_workshop
from models import db
from tests.unit.crawl_helpers import get_urls
from tests.unit.day_helpers import day_join
from tests.unit.i18n_helpers import Visible, distinctive, get, leftovers
from tests.unit.roadmap_helpers import make_roadmap, make_territory, write_minutes

ROLES = ("public", "participant", "facilitator", "admin")
NOT_PAGES = {"static", "auth.oidc_login", "auth.oidc_callback"}  # a file; the identity provider's redirects


@pytest.fixture
def site(app, make_user, join):
    """Seeded data whose typed content is neutral (Greek letters, short names), and a client per role."""
    app.config["RATE_LIMITS"] = False
    host = make_user(name="Sam Zed", email="sam@example.org")
    boss = make_user(name="Kim Ray", email="kim@example.org")
    boss.is_admin = True
    db.session.commit()
    workshop = create_workshop(host, {"title": "Zeta", "theme": "custom", "prompt": "Zeta?", "columns": ["Alpha", "Beta"]})
    fac = Actor(workshop, user=host)
    set_phase(fac, "brainstorm")
    alex, alex_token = join(workshop, "Alex", with_token=True)
    ideas = [create_idea(alex, workshop.columns[0].id, text)["idea"] for text in ("Lorem", "Ipsum")]
    set_phase(fac, "cluster")
    group_idea(fac, ideas[0]["id"], group_label="Gamma")
    set_phase(fac, "vote")
    for idea in (ideas[0], ideas[0], ideas[1]):
        cast_vote(alex, idea["id"])
    set_phase(fac, "discuss")
    write_minutes(workshop, "# Zeta\n\n/décision Lorem\n")
    tables.create_table(fac, "Mu", 4)
    presenter = create_presenter_link(fac)
    place = make_territory(name="Zorg", cities=["Xan", "Yor"])
    roadmap = make_roadmap(host, place, title="Omicron", axes=["Kappa", "Sigma"])
    action = create_action(host, roadmap.id, {"title": "Lambda", "axis_id": roadmap.axes[0].id})
    day = create_day(host, {"title": "Delta", "date": "2026-11-21", "location": "Xan"})
    atelier = create_workshop(
        host, {"title": "Epsilon", "theme": "custom", "columns": ["Rho"], "day_id": day.id, "role": "atelier"}
    )
    create_workshop(host, {"title": "Eta", "theme": "custom", "columns": ["Tau"], "day_id": day.id, "role": "plenary"})
    _noa, day_token, _entered = day_join(day, "Noa", workshop=atelier)
    process = create_process(host, {"title": "Theta", "territory": place.name, "roadmap_id": roadmap.id})
    add_session(host, process.id, {"workshop_code": workshop.code})
    add_session(host, process.id, {"day_id": day.id})
    invitation, _ = invite_facilitator(boss, "lee@example.org", "Lee")
    values = {
        "code": workshop.code,
        "roadmap_id": roadmap.id,
        "action_id": action["id"] if isinstance(action, dict) else action.id,
        "day_id": day.id,
        "process_id": process.id,
        "pid": alex.participant_id,
        "token": presenter,
        "vid": 1,
    }
    per_endpoint = {"main.day_page": {"code": day.code}, "api.my_day": {"code": day.code}, "auth.invitation": {"token": invitation}}
    urls = [(e, url) for e, url in get_urls(app, values, per_endpoint) if e not in NOT_PAGES]
    typed = {
        "Sam Zed", "Kim Ray", "Alex", "Noa", "Lee", "Zeta?", "Zeta", "Alpha", "Beta", "Lorem", "Ipsum", "Gamma",
        "/décision", "Mu", "Zorg", "Xan", "Yor", "Omicron", "Kappa", "Sigma", "Lambda", "Delta", "Epsilon", "Rho",
        "Eta", "Tau", "Theta", "sam@example.org", "kim@example.org", "lee@example.org",
        workshop.code, atelier.code, day.code,
    }
    clients = {role: app.test_client() for role in ROLES}
    with clients["participant"].session_transaction() as session:
        session["guests"] = {workshop.code: alex_token, atelier.code: day_token}
        session["days"] = {day.code: day_token}
    for role, user in (("facilitator", host), ("admin", boss)):
        r = clients[role].post("/login", data={"email": user.email, "password": "motdepasse-solide"})
        assert r.status_code == 302, r.get_data(as_text=True)
    return clients, urls, typed


def _crawl(site, lang: str) -> tuple[dict, dict]:
    """{"lang role GET url (status)": [(word, where, snippet)…]} and counts."""
    clients, urls, typed = site
    banned = distinctive("fr" if lang == "en" else "en")
    problems, counts = {}, {"pages": 0, "errors": 0}
    for role, client in clients.items():
        for endpoint, url in urls:
            try:
                response = get(client, url + ("&" if "?" in url else "?") + f"lang={lang}")
            except Exception as exc:  # noqa: BLE001 - reported with the leftovers (TESTING propagates errors)
                problems[f"{lang} {role} GET {url} (raised)"] = [("exception", f"{type(exc).__name__}", str(exc)[:200])]
                continue
            page = f"{lang} {role} GET {url} ({response.status_code})"
            kind = response.mimetype
            if 300 <= response.status_code < 400:  # Werkzeug's own "Redirecting…" body
                continue
            if kind == "text/html":
                html = Visible(response.get_data(as_text=True))
                counts["pages"] += 1
                if html.lang is not None and html.lang != lang:  # None: a fragment, no <html>
                    problems.setdefault(page, []).append(("<html lang>", repr(html.lang), ""))
                chunks = html.chunks
            elif kind == "application/json" and isinstance(response.json, dict) and "error" in response.json:
                counts["errors"] += 1
                chunks = [("JSON error.message", str(response.json["error"].get("message", "")))]
            else:
                continue
            found = leftovers(chunks, banned, typed)
            if found:
                problems.setdefault(page, []).extend(dict.fromkeys(found))
    return problems, counts


def _report(problems: dict) -> str:
    """Each page with its words, then each word with where it was and a snippet."""
    words = sorted({w for found in problems.values() for w, _where, _snippet in found}, key=str.lower)
    lines = [f"{len(problems)} page(s) with leftovers; words: {', '.join(words)}", ""]
    lines += [f"{page}: {', '.join(sorted({w for w, _, _ in found}))}" for page, found in problems.items()]
    lines.append("")
    for page, found in list(problems.items())[:40]:
        lines += [f"{page}: {word!r} in {where}: …{snippet}…" for word, where, snippet in found[:8]]
    return "\n".join(lines)


def test_english_pages_keep_no_french(site):
    problems, counts = _crawl(site, "en")
    assert counts["pages"] > 80 and counts["errors"] > 20, counts
    assert not problems, _report(problems)


def test_french_pages_keep_no_english(site):
    problems, counts = _crawl(site, "fr")
    assert counts["pages"] > 80 and counts["errors"] > 20, counts
    assert not problems, _report(problems)


def test_the_catalogs_give_words_to_look_for():
    """The check above cannot pass for want of words: both lists come out of the catalogs."""
    french, english = distinctive("fr"), distinctive("en")
    assert {"atelier", "animateur"} <= french or len(french) > 20, sorted(french)[:50]
    assert "workshop" in english or len(english) > 20, sorted(english)[:50]
    assert not french & english
