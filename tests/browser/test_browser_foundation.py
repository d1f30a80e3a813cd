"""Browser: a guest joins by code; a facilitator logs in and creates a workshop."""

from playwright.sync_api import expect


def test_guest_joins_by_code_and_lands_on_the_board(live_server, page):
    workshop = live_server.create_workshop(title="Atelier coopératives éphémères", theme="cooperatives_ephemeres")
    page.goto(live_server.url + "/join")
    page.get_by_test_id("join-code").fill(workshop["code"].lower())
    page.get_by_test_id("join-name").fill("Inès")
    page.get_by_label("À distance").check()
    page.get_by_test_id("join-submit").click()
    expect(page).to_have_url(f"{live_server.url}/w/{workshop['code']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier coopératives éphémères")
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")


def test_join_with_unknown_code_shows_an_error(live_server, page):
    page.goto(live_server.url + "/join/ZZZZZZZZ")
    page.get_by_test_id("join-name").fill("Inès")
    page.get_by_test_id("join-submit").click()
    expect(page.locator(".flash-error")).to_contain_text("Aucun atelier")


def test_facilitator_logs_in_and_creates_a_workshop(page, login):
    login(page)
    page.get_by_role("link", name="Créer un atelier").click()
    page.get_by_label("Titre", exact=True).fill("Mécénat de compétences à Créteil")
    page.get_by_label("Thème", exact=True).select_option("mecenat_competences")
    expect(page.get_by_label("Colonnes du tableau")).to_have_value(
        "Besoins des structures\nCompétences disponibles\nFormats de mise en relation\nActions"
    )
    page.get_by_role("button", name="Créer l’atelier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mécénat de compétences à Créteil")
    code = page.locator(".big-code").inner_text()
    assert len(code) == 8
    page.get_by_role("link", name="Ouvrir le tableau").click()
    expect(page.get_by_test_id("phase-select")).to_be_visible()
