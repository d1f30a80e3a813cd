"""Issue 19 in Chromium: an admin creates a territory and invites a colleague from /admin, the roadmap's
public page folds empty communes and lists dropped actions apart, the action page's housekeeping tools;
each page looked at (screenshots in /tmp/shots-territory) and axe-clean."""

from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe
from tests.server import EMAIL

SHOTS = Path("/tmp/shots-territory")
GOSB = "Grand Orly Seine Bièvre"
CITIES = ["Ivry-sur-Seine", "Vitry-sur-Seine", "Orly", "Choisy-le-Roi", "Villejuif", "Cachan"]


@pytest.fixture(scope="module")
def admin_login(live_server, login):
    live_server.flask("facilitator", "create", EMAIL, "--name", "Animatrice Live", "--admin")  # same password
    return login


def _look(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def _api(live_server, method, path, **kwargs):
    r = requests.request(
        method, live_server.url + "/api/v1" + path, headers=live_server.auth(live_server.token()), timeout=10, **kwargs
    )
    assert r.status_code < 400, (path, r.status_code, r.text[:300])
    return r.json()


def test_admin_creates_a_territory_and_invites(live_server, admin_login, new_page):
    page = admin_login(new_page())
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Nom", exact=True).fill(GOSB)
    page.get_by_label("Communes (une par ligne ou séparées par des virgules)").fill("\n".join(CITIES))
    page.get_by_test_id("territory-submit").click()
    expect(page.locator(".flash-success")).to_contain_text(f"« {GOSB} » créé (6 communes)")
    page.get_by_label("Adresse e-mail").fill("karim@gosb.fr")
    page.get_by_test_id("invite-submit").click()
    expect(page.locator(".flash-success")).to_contain_text("/invitation/")
    _look(page, "admin")
    link = page.locator(".flash-success").inner_text().split(" : ")[-1].strip()
    guest = new_page(viewport={"width": 360, "height": 740})
    guest.goto(link)
    expect(guest.get_by_role("heading", name="Bienvenue dans Fabrique")).to_be_visible()
    _look(guest, "invitation-phone")


def test_public_roadmap_and_action_housekeeping(live_server, admin_login, new_page):
    body = {"title": "Programme ESS 2027", "territory": GOSB, "year": 2027, "axes": ["Emploi", "Transition"]}
    roadmap = _api(live_server, "POST", "/roadmaps", json=body)
    axis = roadmap["axes"][0]["id"]
    rid = roadmap["id"]
    kept = _api(
        live_server,
        "POST",
        f"/roadmaps/{rid}/actions",
        json={"title": "Recyclerie", "axis_id": axis, "progress": 30, "cities": ["Orly"]},
    )
    dropped = _api(
        live_server,
        "POST",
        f"/roadmaps/{rid}/actions",
        json={"title": "Navette fluviale", "axis_id": axis, "progress": 90},
    )
    _api(live_server, "PATCH", f"/roadmaps/{rid}/actions/{dropped['id']}", json={"status": "dropped"})
    _api(live_server, "PATCH", f"/roadmaps/{rid}", json={"published": True})
    visitor = new_page()
    visitor.goto(f"{live_server.url}/roadmaps/{rid}?view=cities")
    expect(visitor.get_by_test_id("city-section")).to_have_count(1)
    expect(visitor.get_by_test_id("cities-without-actions")).to_contain_text("5 communes sans action")
    expect(visitor.get_by_test_id("dropped-actions")).to_contain_text("Navette fluviale")
    expect(visitor.get_by_test_id("roadmap-totals")).to_contain_text("avancement moyen")
    _look(visitor, "roadmap-cities")
    page = admin_login(new_page())
    page.goto(f"{live_server.url}/roadmaps/{rid}/actions/{kept['id']}")
    expect(page.get_by_test_id("action-housekeeping")).to_be_visible()
    _look(page, "action-housekeeping")
    page.get_by_test_id("delete-action").click()
    expect(page.locator(".flash-success")).to_contain_text("supprimée")
    expect(page.get_by_test_id("retired-actions")).to_contain_text("1 action supprimée")
    _look(page, "manage-after-delete")


def test_the_promote_form_fits_its_card(live_server, admin_login, new_page):
    title = "Feuille de route de l'économie sociale et solidaire du territoire Grand Orly Seine Bièvre 2027-2030"
    body = {"title": title, "territory": GOSB, "axes": ["Un axe au titre lui aussi très long pour voir ce qui déborde"]}
    _api(live_server, "POST", "/roadmaps", json=body)
    workshop = live_server.create_workshop(title="Atelier promotion", settings={"private_brainstorm": False})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    text = "Une recyclerie solidaire intercommunale " * 10
    assert fac.call("idea.create", {"column_id": workshop["columns"][0]["id"], "text": text.strip()})["ok"]
    assert fac.call("phase.set", {"phase": "discuss"})["ok"]
    fac.close()
    page = admin_login(new_page(viewport={"width": 1920, "height": 1080}))
    page.goto(f"{live_server.url}/w/{code}")
    card = page.get_by_test_id("idea-card").first
    card.get_by_test_id("promote-button").click()
    form = card.locator(".promote-form")
    expect(form).to_be_visible()
    box, inside = card.bounding_box(), form.bounding_box()
    for field in form.locator("select, input").all():
        edge = field.bounding_box()
        assert edge["x"] + edge["width"] <= box["x"] + box["width"] + 1, "a promote field overflows its card"
    assert inside["x"] + inside["width"] <= box["x"] + box["width"] + 1
    card.screenshot(path=str(SHOTS / "promote-form.png"))
