"""Keyboard only: join, post an idea, vote and raise a hand without the mouse; live changes are announced."""

from playwright.sync_api import expect

from tests.browser.a11y_helpers import tab_to


def test_keyboard_only_participant_joins_posts_votes_and_raises_a_hand(live_server, page):
    workshop = live_server.create_workshop(title="Atelier au clavier", settings={"private_brainstorm": False})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    try:
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]

        page.goto(f"{live_server.url}/join/{code}")
        tab_to(page, '[data-testid="join-name"]')
        page.keyboard.type("Karim Clavier")
        tab_to(page, '[data-testid="join-submit"]')
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/w/{code}")
        expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")

        tab_to(page, '[data-testid="idea-input"]')
        page.keyboard.type("Un repair café tous les samedis")
        tab_to(page, '[data-testid="idea-submit"]')
        page.keyboard.press("Enter")
        card = page.get_by_test_id("idea-card").filter(has_text="Un repair café tous les samedis")
        expect(card).to_be_visible()

        assert fac.call("phase.set", {"phase": "vote"})["ok"]
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
        expect(page.locator("#live")).to_contain_text("Vote")  # the phase change was announced politely
        tab_to(page, '[data-testid="vote-button"]')
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("votes-left")).to_have_text("4")
        page.keyboard.press("Space")  # focus stays on the button, a second dot goes on the same idea
        expect(page.get_by_test_id("votes-left")).to_have_text("3")

        tab_to(page, '[data-testid="hand-raise"]')
        page.keyboard.press("Enter")
        fac.wait_for(
            lambda e: e["type"] == "hands.changed" and [h["name"] for h in e["data"]["queue"]] == ["Karim Clavier"]
        )
        expect(page.get_by_test_id("hand-lower")).to_be_visible()
    finally:
        fac.close()


def test_votes_are_announced_with_the_remaining_budget(live_server, page):
    """A screen-reader user must hear what a vote did and how many dots are left."""
    workshop = live_server.create_workshop(title="Atelier annonces", settings={"private_brainstorm": False})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    try:
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        token = live_server.join(code, "Autre personne")
        author = live_server.client(code, token)
        assert author.call("idea.create", {"column_id": workshop["columns"][0]["id"], "text": "Une idée"})["ok"]
        author.close()
        assert fac.call("phase.set", {"phase": "vote"})["ok"]
        page.goto(f"{live_server.url}/join/{code}")
        page.get_by_test_id("join-name").fill("Sami Lecteur")
        page.get_by_test_id("join-submit").click()
        expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
        vote = page.get_by_test_id("vote-button").first
        vote.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("votes-left")).to_have_text("4")
        expect(page.locator("#live")).to_contain_text("4")
    finally:
        fac.close()


def test_focus_is_kept_when_the_hand_button_changes(live_server, page):
    """Raising a hand swaps the button for « Baisser la main »: the keyboard focus must follow, not fall to <body>."""
    workshop = live_server.create_workshop(title="Atelier focus")
    code = workshop["code"]
    page.goto(f"{live_server.url}/join/{code}")
    page.get_by_test_id("join-name").fill("Focus Gardé")
    page.get_by_test_id("join-submit").click()
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    page.get_by_test_id("hand-raise").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("hand-lower")).to_be_focused()


def test_server_log_holds_no_names_tokens_or_addresses(live_server):
    """Runs after the tests above: the server printed no access log, so no name, token or IP address."""
    token = live_server.join(live_server.create_workshop(title="Atelier journal")["code"], "Nom Dans Le Journal")
    text = "".join(p.read_text(errors="replace") for p in live_server.workdir.glob("server-*.log"))
    assert text.strip(), "the server log should exist"
    for secret in ("Karim Clavier", "Nom Dans Le Journal", token, "127.0.0.1 -", "Bearer"):
        assert secret not in text
