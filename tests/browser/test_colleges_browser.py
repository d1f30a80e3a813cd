"""Browser: the results page with the 13 cities of Paris Est Marne&Bois as colleges, and the join
page's college choice (issue 17) — ties labelled « = », each college's ranking, axe, CSP, a phone."""

import os

import requests
from playwright.sync_api import expect

from app.demo import PEMB_CITIES
from tests.browser.a11y_helpers import axe_violations, describe
from tests.live.voting import close_all

CITIES = PEMB_CITIES  # the 13 cities, as the demo loads them
SHOTS = os.environ.get("FABRIQUE_SHOTS", "/tmp/shots-votes")


def test_browser_results_with_thirteen_cities(live_server, page, login, new_page):
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    colleges = [{"id": f"v{i}", "name": name, "weight": 1} for i, name in enumerate(CITIES)]
    s = live_server
    workshop = s.create_workshop(settings={"colleges": colleges, "vote_method": "majority_judgment"})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = s.client(code, s.token())
    ids = [
        fac.call("idea.create", {"column_id": column, "text": t})["idea"]["id"]
        for t in ("Navette", "Tiers-lieux", "Fête")
    ]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    people = []
    for n, (college, grades) in enumerate(
        [("v12", (6, 2)), ("v12", (6, 2)), ("v12", (5, 2)), ("v0", (1, 5)), ("v3", (1, 5))]
    ):
        body = {"name": f"P{n}", "attendance": "room" if n % 2 else "remote", "college": college}
        token = requests.post(f"{s.url}/api/v1/workshops/{code}/participants", json=body, timeout=10).json()["token"]
        person = s.client(code, token)
        people.append(person)
        for idea, grade in zip(ids, grades, strict=False):
            assert person.call("vote.cast", {"idea_id": idea, "grade": grade})["ok"]
    login(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{s.url}/w/{code}/results")
    rows = page.get_by_test_id("results-ideas").get_by_test_id("result-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Tiers-lieux")  # weighted: 3 cities against Vincennes alone
    expect(page.get_by_test_id("mj-convention")).to_have_text("Une idée non évaluée compte comme « À rejeter ».")
    expect(page.get_by_test_id("college-row")).to_have_count(13)
    expect(page.get_by_test_id("participation")).to_contain_text("5 votant·es sur 5 participant·es")
    expect(rows.nth(0).locator(".college-ranks li")).to_have_count(3)  # the 3 cities that voted
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/results-13-cities.png", full_page=True)
    assert not axe_violations(page), describe(axe_violations(page))

    phone = new_page(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    phone.goto(f"{s.url}/join/{code}")
    select = phone.get_by_test_id("join-college")
    expect(select.locator("option")).to_have_count(14)
    phone.get_by_test_id("join-name").fill("Camille")
    select.select_option(label="Saint-Mandé")
    phone.screenshot(path=f"{SHOTS}/join-college-phone.png", full_page=True)
    assert not axe_violations(phone), describe(axe_violations(phone))
    phone.get_by_test_id("join-submit").click()
    phone.wait_for_url(f"**/w/{code}")
    snap = requests.get(f"{s.url}/api/v1/workshops/{code}", headers=s.auth(s.token()), timeout=10).json()
    assert [c["present"] for c in snap["participation"]["colleges"] if c["name"] == "Saint-Mandé"] == [1]
    assert csp_errors == []
    close_all([fac, *people])


def test_browser_facilitator_assigns_colleges_from_the_participants_panel(live_server, page, login):
    s = live_server
    colleges = [{"id": f"v{i}", "name": name, "weight": 1} for i, name in enumerate(CITIES[:3])]
    workshop = s.create_workshop(settings={"colleges": colleges, "vote_method": "majority_judgment"})
    code, column = workshop["code"], workshop["columns"][0]["id"]
    fac = s.client(code, s.token())
    idea = fac.call("idea.create", {"column_id": column, "text": "Navette"})["idea"]["id"]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    joined = {}
    for name, college in (("Camille", None), ("Dominique", "v0")):
        body = {"name": name, "attendance": "room", **({"college": college} if college else {})}
        joined[name] = requests.post(f"{s.url}/api/v1/workshops/{code}/participants", json=body, timeout=10).json()
    voter = s.client(code, joined["Dominique"]["token"])
    assert voter.call("vote.cast", {"idea_id": idea, "grade": 5})["ok"]
    login(page)
    page.goto(f"{s.url}/w/{code}")
    page.get_by_role("button", name="Participants").click()
    camille = page.get_by_label("Collège de Camille")
    expect(camille.locator("option")).to_have_count(4)  # « Sans collège » and the 3 colleges
    expect(camille).to_have_value("")
    camille.select_option(label="Charenton-le-Pont")
    expect(page.get_by_label("Collège de Camille")).to_have_value("v2")

    def college_of(name):
        listed = requests.get(f"{s.url}/api/v1/workshops/{code}/participants", headers=s.auth(s.token()), timeout=10)
        return next(p["college"] for p in listed.json()["participants"] if p["name"] == name)

    assert college_of("Camille") == "v2"
    page.get_by_label("Collège de Dominique").select_option("v1")  # has voted: refused, shown in the panel
    row = page.get_by_test_id("participant").filter(has_text="Dominique")
    expect(row.get_by_test_id("participant-error")).to_contain_text("a déjà voté")
    expect(page.get_by_label("Collège de Dominique")).to_have_value("v0")
    assert college_of("Dominique") == "v0"
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/participants-colleges.png")
    assert not axe_violations(page), describe(axe_violations(page))
    close_all([fac, voter])
