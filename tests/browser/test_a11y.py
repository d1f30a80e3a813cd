"""axe-core on every page (no serious or critical violation), visible focus, and no third-party request.

axe-core comes from node_modules and is evaluated in the page by Playwright,
so nothing is fetched from outside and the pages keep their strict CSP.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.a11y_helpers import RequestLog, add_territory, api, axe_violations, describe

TERRITORY = "Établissement public territorial Grand-Orly Seine Bièvre"

PUBLIC = [
    "/",
    "/join",
    "/join/{code}",
    "/login",
    "/accessibilite",
    "/donnees-personnelles",
    "/roadmaps/",
    "/roadmaps/{roadmap}",
    "/roadmaps/{roadmap}/actions/{action}",
]
PARTICIPANT = ["/w/{code}", "/w/{code}/minutes", "/w/{code}/my-data"]
FACILITATOR = [
    "/dashboard",
    "/workshops/new",
    "/workshops/{code}",
    "/workshops/{code}/edit",
    "/w/{code}",
    "/w/{code}/present",
    "/w/{code}/minutes",
    "/w/{code}/my-data",
    "/w/{code}/equity",
    "/w/{code}/tables",
    "/roadmaps/{roadmap}/manage",
]


@pytest.fixture(scope="module")
def site(live_server):
    """A workshop in brainstorm with ideas from a participant, and a published roadmap sourced from one."""
    fac_token = live_server.token()
    workshop = live_server.create_workshop(
        title="Atelier tiers-lieux à Ivry",
        theme="tiers_lieux",
        organiser="EPT Grand-Orly Seine Bièvre",
        settings={"private_brainstorm": False},
    )
    code = workshop["code"]
    fac = live_server.client(code, fac_token)
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    fac.close()
    token = live_server.join(code, "Nadia Participante")
    column = workshop["columns"][0]["id"]
    idea = api(
        live_server,
        "post",
        f"/api/v1/workshops/{code}/ideas",
        token,
        json={"column_id": column, "text": "Un atelier de réparation de vélos"},
    )
    api(
        live_server,
        "post",
        f"/api/v1/workshops/{code}/ideas",
        token,
        json={"column_id": column, "text": "Une cantine solidaire le midi"},
    )
    add_territory(live_server, TERRITORY)
    roadmap = api(
        live_server,
        "post",
        "/api/v1/roadmaps",
        fac_token,
        json={"title": "Feuille de route ESS 2026", "territory": TERRITORY, "axes": ["Lieux partagés"]},
    )
    action = api(
        live_server,
        "post",
        f"/api/v1/roadmaps/{roadmap['id']}/actions",
        fac_token,
        json={"title": "Ouvrir un atelier vélo", "axis_id": roadmap["axes"][0]["id"], "source_ideas": [idea["id"]]},
    )
    api(live_server, "patch", f"/api/v1/roadmaps/{roadmap['id']}", fac_token, json={"published": True})
    return {"code": code, "roadmap": roadmap["id"], "action": action["id"]}


@pytest.fixture(scope="module")
def participant_context(browser, live_server, site):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/join/{site['code']}")
    page.get_by_test_id("join-name").fill("Léa Clavier")
    page.get_by_test_id("join-submit").click()
    page.wait_for_url(f"**/w/{site['code']}")
    page.close()
    yield context
    context.close()


@pytest.fixture(scope="module")
def facilitator_context(browser, login, site):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    login(page)
    page.close()
    yield context
    context.close()


@pytest.fixture(scope="module")
def anonymous_context(browser):
    context = browser.new_context(locale="fr-FR")
    yield context
    context.close()


def _check(context, live_server, path: str, site: dict) -> None:
    page = context.new_page()
    page.set_default_timeout(10_000)
    log = RequestLog(page, live_server.url)
    try:
        response = page.goto(live_server.url + path.format(**site))
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        status = page.get_by_test_id("connection-status")
        if status.count():
            expect(status.first).to_have_attribute("data-state", "connected")
        if path == "/w/{code}":
            expect(page.get_by_test_id("idea-card").first).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{describe(violations)}"
        assert log.foreign() == [], f"{path} asked another origin: {log.foreign()}"
        assert not [u for u in log.urls if "token" in u.lower()], "a token travelled in a URL"
    finally:
        page.close()


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_are_axe_clean_and_self_contained(anonymous_context, live_server, site, path):
    _check(anonymous_context, live_server, path, site)


@pytest.mark.parametrize("path", PARTICIPANT)
def test_participant_pages_are_axe_clean_and_self_contained(participant_context, live_server, site, path):
    _check(participant_context, live_server, path, site)


@pytest.mark.parametrize("path", FACILITATOR)
def test_facilitator_pages_are_axe_clean_and_self_contained(facilitator_context, live_server, site, path):
    _check(facilitator_context, live_server, path, site)


def test_focus_is_visible_on_every_stop_of_the_join_page(anonymous_context, live_server, site):
    page = anonymous_context.new_page()
    page.goto(f"{live_server.url}/join/{site['code']}")
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const a = document.activeElement; const s = getComputedStyle(a);
                 return {tag: a.tagName, id: a.id || a.textContent.trim().slice(0, 30),
                         outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
                         shadow: s.boxShadow !== 'none'}; }"""
        )
        if info["tag"] == "BODY":
            break
        assert info["outline"] or info["shadow"], f"no visible focus on {info}"
        seen.add(info["id"])
    assert {"code", "name", "Rejoindre"} <= seen
    page.close()


def test_skip_link_is_first_and_moves_focus_to_the_content(anonymous_context, live_server):
    page = anonymous_context.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    page.close()


def test_the_axe_check_does_catch_violations(anonymous_context, live_server):
    """Guard against a silently broken checker: a nameless button and a text too pale must be reported."""
    page = anonymous_context.new_page()
    page.goto(live_server.url + "/accessibilite")
    page.evaluate(
        """() => { const b = document.createElement('button'); document.querySelector('main').append(b);
                  const p = document.createElement('p'); p.textContent = 'pâle'; p.className = 'visually-pale';
                  p.setAttribute('hidden', ''); document.querySelector('main').append(p); }"""
    )
    found = {v["id"] for v in axe_violations(page)}
    assert "button-name" in found
    page.close()
