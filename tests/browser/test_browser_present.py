"""Browser: the presenter (projector) view and joining from a phone."""

import io
import re

import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}


def _presenter(live_server, new_page, login, code):
    page = new_page()
    login(page)
    page.goto(f"{live_server.url}/w/{code}/present")
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    return page


def _decode(png: bytes) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


def test_presenter_qr_decodes_to_the_join_url_and_the_view_follows_the_phase(live_server, new_page, login):
    workshop = live_server.create_workshop(title="Atelier projeté", settings={"private_brainstorm": False})
    code = workshop["code"]
    page = _presenter(live_server, new_page, login, code)
    expect(page.get_by_test_id("join-code")).to_have_text(code)
    assert _decode(page.get_by_test_id("join-qr").screenshot()) == [f"{live_server.url}/join/{code}"]
    assert workshop["join_url"] == f"{live_server.url}/join/{code}"
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "setup")

    fac = live_server.client(code, live_server.token())
    alice = live_server.client(code, live_server.join(code, "Alice", "remote"))
    expect(page.get_by_test_id("count-remote")).to_have_text("1")  # online people, by side
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "brainstorm")
    expect(page.get_by_test_id("phase")).to_have_text("Remue-méninges")

    ack = alice.call("idea.create", {"column_id": workshop["columns"][0]["id"], "text": "Navettes vers les sites"})
    assert ack["ok"]
    expect(page.get_by_test_id("idea-card").filter(has_text="Navettes vers les sites")).to_have_count(1)

    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    assert alice.call("vote.cast", {"idea_id": ack["idea"]["id"]})["ok"]
    results = page.get_by_test_id("present-results")
    expect(results).to_be_visible()
    expect(results).to_contain_text("Navettes vers les sites")
    expect(results).to_contain_text(re.compile(r"\b1 (voix|gommette)"))

    assert fac.call("phase.set", {"phase": "closed"})["ok"]
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "closed")
    expect(page.get_by_test_id("join-qr")).to_be_hidden()
    alice.close()
    fac.close()


def test_private_brainstorm_shows_counts_not_texts_on_the_projector(live_server, new_page, login):
    workshop = live_server.create_workshop()  # private_brainstorm by default
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    page = _presenter(live_server, new_page, login, code)
    alice = live_server.client(code, live_server.join(code, "Alice"))
    assert alice.call("idea.create", {"column_id": workshop["columns"][0]["id"], "text": "Secret de brouillon"})["ok"]
    column = page.locator(f'.present-column[data-column-id="{workshop["columns"][0]["id"]}"]')
    expect(column.locator(".present-count")).to_have_text("1 idée déposée")
    expect(page.get_by_text("Secret de brouillon")).to_have_count(0)
    assert fac.call("phase.set", {"phase": "cluster"})["ok"]  # revealed for everyone
    expect(page.get_by_test_id("idea-card").filter(has_text="Secret de brouillon")).to_have_count(1)
    alice.close()
    fac.close()


def test_keyboard_shortcuts_drive_the_session_but_not_while_typing(live_server, new_page, login):
    workshop = live_server.create_workshop()
    code = workshop["code"]
    page = _presenter(live_server, new_page, login, code)
    expect(page.get_by_text("phase suivante")).to_be_visible()

    page.get_by_label("Durée du minuteur (minutes)").fill("2")
    page.get_by_label("Durée du minuteur (minutes)").press("n")  # typing: no phase change
    page.get_by_label("Durée du minuteur (minutes)").press("t")
    page.get_by_role("heading", level=1).click()  # leave the field
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "setup")
    expect(page.locator("#present-timer")).to_be_hidden()

    page.keyboard.press("n")
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "brainstorm")
    page.keyboard.press("n")
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "cluster")
    snapshot = requests.get(
        f"{live_server.url}/api/v1/workshops/{code}", headers=live_server.auth(live_server.token()), timeout=10
    ).json()
    assert snapshot["workshop"]["phase"] == "cluster"

    page.keyboard.press("t")
    timer = page.locator("#present-timer")
    expect(timer).to_be_visible()
    expect(timer).to_have_text("02:00")
    page.keyboard.press("t")
    expect(timer).to_be_hidden()

    alice = live_server.client(code, live_server.join(code, "Alice", "remote"))
    assert alice.call("hand.raise")["ok"]
    expect(page.get_by_test_id("queue")).to_contain_text("Alice")
    page.get_by_test_id("letter-keys").uncheck()  # WCAG 2.1.4: one-letter shortcuts can be switched off
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("s")
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("queue")).to_contain_text("Alice")
    page.get_by_test_id("letter-keys").check()
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("s")
    expect(page.locator("#speaking")).to_contain_text("Alice")
    expect(page.get_by_test_id("queue")).not_to_contain_text("Alice")
    alice.close()


def test_join_post_vote_and_raise_hand_from_a_phone(live_server, new_page):
    workshop = live_server.create_workshop(settings={"private_brainstorm": False})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)

    phone.goto(workshop["join_url"])  # what the QR code opens
    expect(phone.get_by_test_id("join-code")).to_have_value(code)
    phone.get_by_test_id("join-name").fill("Inès")
    phone.get_by_test_id("join-submit").click()
    expect(phone).to_have_url(f"{live_server.url}/w/{code}")
    expect(phone.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")

    phone.get_by_test_id("idea-input").fill("Covoiturage pour les bénévoles")
    phone.get_by_test_id("idea-submit").click()
    card = phone.get_by_test_id("idea-card").filter(has_text="Covoiturage pour les bénévoles")
    expect(card).to_have_count(1)

    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    expect(phone.get_by_test_id("votes-left")).to_have_text("5")
    card.get_by_test_id("vote-button").first.click()
    expect(phone.get_by_test_id("votes-left")).to_have_text("4")

    phone.get_by_role("button", name="Lever la main").click()
    fac.wait_for(lambda e: e["type"] == "hands.changed" and any(h["name"] == "Inès" for h in e["data"]["queue"]))
    # Small screen: the page fits the phone's width (no sideways scrolling).
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    fac.close()
