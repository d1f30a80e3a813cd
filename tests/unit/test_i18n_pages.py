"""Issue 18: every page the public, a participant, a facilitator or an admin can reach speaks one language.

Every GET route is fetched by each of them, with `?lang=en` then with `?lang=fr`. In an HTML page (its
visible text and the attributes read aloud or shown, tests/unit/i18n_helpers.py), no distinctive word of
the other language's catalog may remain and `<html lang>` names the language asked; a JSON error body's
message and the Markdown and CSV exports follow the same rule. What people typed is neutral and taken out
of the text checked.
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
from tests.unit.i18n_helpers import Visible, alone, distinctive, get, leftovers
from tests.unit.roadmap_helpers import make_roadmap, make_territory, write_minutes

ROLES = ("public", "participant", "facilitator", "admin")
NOT_PAGES = {"static"}  # files


@pytest.fixture
def site(app, make_user, join):
    """Seeded data whose typed content is neutral (Greek letters, short names), and a client per role."""
    app.config["RATE_LIMITS"] = False
    host = make_user(name="Sam Zed", email="sam@example.org")
    boss = make_user(name="Kim Ray", email="kim@example.org")
    boss.is_admin = True
    db.session.commit()
    workshop = create_workshop(
        host, {"title": "Zeta", "theme": "custom", "prompt": "Zeta?", "columns": ["Alpha", "Beta"]}
    )
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
    per_endpoint = {
        "main.day_page": {"code": day.code},
        "api.my_day": {"code": day.code},
        "auth.invitation": {"token": invitation},
    }
    urls = [(e, url) for e, url in get_urls(app, values, per_endpoint) if e not in NOT_PAGES]
    urls += [(e, url + f"?format={f}") for e, url in urls if url.endswith("/export") for f in ("md", "csv")]
    code, atelier_code, day_code = workshop.code, atelier.code, day.code
    typed = {
        "Sam Zed",
        "Kim Ray",
        "Alex",
        "Noa",
        "Lee",
        "Zeta?",
        "Zeta",
        "Alpha",
        "Beta",
        "Lorem",
        "Ipsum",
        "Gamma",
        "/décision",
        "Mu",
        "Zorg",
        "Xan",
        "Yor",
        "Omicron",
        "Kappa",
        "Sigma",
        "Lambda",
        "Delta",
        "Epsilon",
        "Rho",
        "Eta",
        "Tau",
        "Theta",
        "sam@example.org",
        "kim@example.org",
        "lee@example.org",
        code,
        atelier_code,
        day_code,
    }
    db.session.commit()
    db.session.close()  # on SQLite a transaction holds the write lock: the requests below open their own
    clients = {role: app.test_client() for role in ROLES}
    logins = {"facilitator": "sam@example.org", "admin": "kim@example.org"}
    with clients["participant"].session_transaction() as session:
        session["guests"] = {code: alex_token, atelier_code: day_token}
        session["days"] = {day_code: day_token}
    for role, email in logins.items():
        with app.app_context():
            r = clients[role].post("/login", data={"email": email, "password": "motdepasse-solide"})
        assert r.status_code == 302, r.get_data(as_text=True)
    return clients, urls, typed


def _with_lang(url: str, lang: str) -> str:
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def _leftovers(response, lang: str, typed) -> list | None:
    """What `response` says in the other language ([(word, where, snippet)…], `<html lang>` included),
    or None when it is neither an HTML page nor a JSON error (a redirect, a file, data)."""
    if 300 <= response.status_code < 400:  # Werkzeug's own "Redirecting…" body
        return None
    if response.mimetype == "text/html":
        html = Visible(response.get_data(as_text=True))
        wrong = [("<html lang>", repr(html.lang), "")] if html.lang is not None and html.lang != lang else []
        chunks = html.chunks  # html.lang None: a fragment, no <html>
    elif response.mimetype == "application/json" and isinstance(response.json, dict) and "error" in response.json:
        wrong, chunks = [], [("JSON error.message", str(response.json["error"].get("message", "")))]
    elif response.mimetype in ("text/markdown", "text/csv"):  # exports: their headings, headers, labels
        wrong, chunks = [], [(response.mimetype, line) for line in response.get_data(as_text=True).splitlines()]
    else:
        return None
    return wrong + list(dict.fromkeys(leftovers(chunks, distinctive("fr" if lang == "en" else "en"), typed)))


def _crawl(site, lang: str) -> tuple[dict, dict]:
    """{"lang role GET url (status)": [(word, where, snippet)…]}, the counts, and each (role, endpoint)'s status."""
    clients, urls, typed = site
    problems, counts = {}, {"pages": 0, "errors": 0, "exports": 0, "status": {}}
    for role, client in clients.items():
        for endpoint, url in urls:
            try:
                response = get(client, _with_lang(url, lang))
            except Exception as exc:  # noqa: BLE001 - reported with the leftovers (TESTING propagates errors)
                problems[f"{lang} {role} GET {url} (raised)"] = [("exception", type(exc).__name__, str(exc)[:200])]
                continue
            counts["status"][role, endpoint] = response.status_code
            found = _leftovers(response, lang, typed)
            if found is not None:
                counts[{"text/html": "pages", "application/json": "errors"}.get(response.mimetype, "exports")] += 1
            if found:
                problems[f"{lang} {role} GET {url} ({response.status_code})"] = found
    return problems, counts


# Pages each role must reach (200), so that the crawl cannot pass by seeing only refusals.
REACHED = {
    ("public", "main.home"),
    ("public", "auth.login"),
    ("public", "main.join_code"),
    ("public", "main.day_page"),
    ("public", "main.presenter_view"),
    ("public", "auth.invitation"),
    ("public", "main.accessibility"),
    ("participant", "main.board_page"),
    ("participant", "main.results_page"),
    ("participant", "main.my_data"),
    ("participant", "main.minutes_page"),
    ("facilitator", "main.board_page"),
    ("facilitator", "main.present_page"),
    ("facilitator", "main.workshop_page"),
    ("facilitator", "main.edit_workshop"),
    ("facilitator", "main.dashboard"),
    ("facilitator", "main.tables_page"),
    ("facilitator", "main.equity_page"),
    ("facilitator", "main.day_overview_page"),
    ("facilitator", "main.restitution_page"),
    ("facilitator", "main.process_page"),
    ("facilitator", "roadmaps.show"),
    ("facilitator", "roadmaps.manage"),
    ("facilitator", "roadmaps.action"),
    ("facilitator", "roadmaps.edit_action"),
    ("facilitator", "main.new_day"),
    ("admin", "admin.index"),
    ("admin", "roadmaps.index"),
}


def _report(problems: dict) -> str:
    """Each page with its words, then each word with where it was and a snippet."""
    words = sorted({w for found in problems.values() for w, _where, _snippet in found}, key=str.lower)
    lines = [f"{len(problems)} page(s) with leftovers; words: {', '.join(words)}", ""]
    lines += [f"{page}: {', '.join(sorted({w for w, _, _ in found}))}" for page, found in problems.items()]
    lines.append("")
    for page, found in list(problems.items())[:40]:
        lines += [f"{page}: {word!r} in {where}: …{snippet}…" for word, where, snippet in found[:8]]
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_speaks_the_language_asked(site, lang):
    problems, counts = _crawl(site, lang)
    unreached = sorted(key for key in REACHED if counts["status"].get(key) != 200)
    assert not unreached, [(role, endpoint, counts["status"].get((role, endpoint))) for role, endpoint in unreached]
    assert counts["pages"] > 80 and counts["errors"] > 40 and counts["exports"] >= 6, counts
    assert not problems, _report(problems)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_refused_forms_speak_the_language_asked(site, lang):
    """Validation messages (WTForms' and ours) and flashed refusals, in the page that shows them."""
    clients, urls, typed = site
    url = dict(urls)
    forms = [
        ("public", url["auth.login"], {"email": "nobody@example.org", "password": "not-the-password"}),
        ("public", url["main.join_code"], {"code": url["main.join_code"].rsplit("/", 1)[1], "name": ""}),
        ("public", url["main.join"], {"code": "ZZZZZZZZ", "name": "Alex"}),
        ("public", url["main.day_page"], {"name": ""}),
        ("public", url["auth.invitation"], {"name": "", "password": "short", "confirm": "other"}),
        ("facilitator", url["main.new_workshop"], {"title": "", "votes_per_participant": "-1"}),
        ("facilitator", url["main.edit_workshop"], {"title": "", "columns": "Alpha\nBeta"}),
        ("facilitator", url["main.new_day"], {"title": "", "date": "soon"}),
        ("facilitator", url["main.tables_page"], {"name": ""}),
        ("facilitator", url["roadmaps.index"], {"title": "", "axes": ""}),
        ("facilitator", url["roadmaps.new_action"], {"title": ""}),
        ("facilitator", url["roadmaps.edit_action"], {"title": ""}),
        ("admin", "/admin/invite", {"invite-email": "not-an-address"}),
        ("admin", "/admin/territories", {}),
    ]
    problems, shown = {}, 0
    for role, path, data in forms:
        response = alone(clients[role], "POST", _with_lang(path, lang), data=data, follow_redirects=True)
        assert response.status_code < 500, (role, path, response.status_code)
        found = _leftovers(response, lang, typed)
        shown += found is not None
        if found:
            problems[f"{lang} {role} POST {path} ({response.status_code})"] = found
    assert shown == len(forms)
    assert not problems, _report(problems)


def test_the_catalogs_give_words_to_look_for():
    """The checks above cannot pass for want of words: both lists come out of the catalogs."""
    french, english = distinctive("fr"), distinctive("en")
    assert {"atelier", "animateur", "gommettes", "méninges"} <= french, sorted(french)[:50]
    assert {"facilitator", "roadmap", "brainstorm", "dots"} <= english, sorted(english)[:50]
    assert not french & english
