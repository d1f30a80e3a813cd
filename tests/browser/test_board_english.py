"""Browser: the board in English (`?lang=en`). A facilitator at 1366×768 and a participant on a 360×740 phone
go through brainstorm, grouping and vote; nothing French from the interface is left on the board: phase
names, buttons, menus, dialogs, the status line, the vote budget, what the live region announces."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.board_helpers import PHONE, shot

# French words and letters an English board must not show (the workshop's own content is English here).
FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœ«»]|\b(le|la|les|des|du|une|est|et|ou|au|aux|pour|dans|avec|sur|vous|votre|vos|mes|idées?|"
    r"gommettes?|suivante|connexion|ligne|annuler|regrouper|déplacer|parole|lever|baisser|colonnes?|groupe|toutes|"
    r"enregistrer|supprimer|modifier|masquer|projeter|salle|restantes?|aucune?|personne|atelier|tableau|mention|"
    r"remue|regroupement|préparation|clos|minuteur|lancer|arrêter|publier|couleur|jaune|secrétaire|retirer|renommer)\b",
    re.IGNORECASE,
)

TITLE = "Mobility workshop"
PROMPT = "How could we get around better?"
COLUMNS = ["Ideas", "Obstacles"]
IDEAS = ["Car sharing between firms", "Safe bike lanes to school", "Night buses on Fridays"]

# The board's words as a reader gets them: rendered text (screen-reader-only text included) and the
# accessible names, titles and placeholders of visible elements.
UI_TEXT = """(data) => {
  const board = document.getElementById("board");
  const parts = [board.innerText];
  for (const el of board.querySelectorAll("[aria-label], [title], [placeholder]")) {
    if (!el.getClientRects().length) continue;
    for (const name of ["aria-label", "title", "placeholder"]) if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
  }
  let text = parts.join("\\n");
  for (const d of data) text = text.split(d).join(" ");
  return text;
}"""


@pytest.fixture
def english_phone(browser):
    """A phone whose browser asks for English (Accept-Language: en-GB), 360×740, touch."""
    context = browser.new_context(locale="en-GB", **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def french_left(page, data):
    text = page.evaluate(UI_TEXT, data)
    return [line.strip() for line in text.splitlines() if FRENCH.search(line)]


def assert_english(page, data):
    left = french_left(page, data)
    assert not left, f"French left on the English board: {left}"


def test_the_board_speaks_english_to_a_facilitator_and_a_participant(live_server, new_page, login, english_phone):
    workshop = live_server.create_workshop(
        title=TITLE,
        prompt=PROMPT,
        columns=COLUMNS,
        settings={"private_brainstorm": True, "votes_per_participant": 2, "max_votes_per_idea": 1},
    )
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    bruno = live_server.join(code, "Bruno", attendance="remote")
    for text in IDEAS[1:]:
        r = requests.post(
            f"{live_server.url}/api/v1/workshops/{code}/ideas",
            headers=live_server.auth(bruno),
            json={"column_id": workshop["columns"][0]["id"], "text": text},
            timeout=10,
        )
        assert r.status_code == 201, r.text
    data = [TITLE, PROMPT, *COLUMNS, *IDEAS, "Alice", "Bruno", "Transport", code]

    # The participant: an English phone (Accept-Language) that also asks for ?lang=en.
    phone = english_phone
    phone.goto(f"{live_server.url}/join/{code}?lang=en")
    phone.get_by_test_id("join-name").fill("Alice")
    phone.get_by_test_id("join-submit").click()
    expect(phone).to_have_url(re.compile(rf"/w/{code}"))
    expect(phone.get_by_test_id("connection-status")).to_have_text("Connected")
    expect(phone.get_by_test_id("phase")).to_have_text("Brainstorm")
    expect(phone.locator("#phase-help")).to_contain_text("only you and the facilitators")
    phone.get_by_test_id("idea-input").fill(IDEAS[0])
    phone.get_by_test_id("idea-submit").click()
    expect(phone.get_by_test_id("idea-card")).to_have_count(1)
    expect(phone.get_by_test_id("idea-card")).to_contain_text("Alice (you)")
    data.append(workshop["columns"][0]["title"])

    # The facilitator: a French browser switched to English by ?lang=en (kept in the session).
    page = new_page(viewport={"width": 1366, "height": 768})
    login(page)
    page.goto(f"{live_server.url}/w/{code}")
    expect(page.get_by_test_id("connection-status")).to_have_text("Connecté")
    assert french_left(page, data)  # the check sees French when there is some
    page.goto(f"{live_server.url}/w/{code}?lang=en")
    expect(page.get_by_test_id("connection-status")).to_have_text("Connected")
    expect(page.get_by_test_id("idea-card")).to_have_count(3)
    nxt = page.get_by_test_id("phase-next")
    expect(nxt).to_have_text("Next phase: Grouping")
    shot(page, "en-facilitator-brainstorm-1366x768")
    assert_english(page, data)
    assert_english(phone, data)

    # Leaving a private brainstorm asks first: the dialog is English too.
    nxt.click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Move to the “Grouping” phase?")
    expect(dialog).to_contain_text("visible to all participants")
    shot(page, "en-facilitator-confirm-1366x768")
    assert_english(page, data)
    page.get_by_test_id("confirm-ok").click()
    expect(phone.get_by_test_id("phase")).to_have_text("Grouping")
    expect(phone.get_by_test_id("idea-card")).to_have_count(3)

    # Grouping: a group made on the server, the card menus of both.
    ideas = {
        i["text"]: i["id"]
        for i in requests.get(
            f"{live_server.url}/api/v1/workshops/{code}", headers=live_server.auth(live_server.token()), timeout=10
        ).json()["ideas"]
    }
    made = fac.call("idea.group", {"idea_id": ideas[IDEAS[1]], "group_label": "Transport"})
    assert made["ok"], made
    assert fac.call("idea.group", {"idea_id": ideas[IDEAS[2]], "group_id": made["idea"]["group_id"]})["ok"]
    expect(page.get_by_test_id("board-stack")).to_contain_text("2 ideas")
    page.get_by_test_id("idea-card").filter(has_text=IDEAS[0]).get_by_test_id("card-menu").click()
    expect(page.get_by_role("menuitem", name="Group with…")).to_be_visible()
    shot(page, "en-facilitator-menu-1366x768")
    assert_english(page, data)
    page.keyboard.press("Escape")
    phone.get_by_test_id("idea-card").filter(has_text=IDEAS[0]).get_by_test_id("card-menu").click()
    expect(phone.get_by_role("menuitem", name="Group with…")).to_be_visible()
    shot(phone, "en-participant-menu-360x740")
    assert_english(phone, data)
    phone.keyboard.press("Escape")

    # The vote: dots, the budget, the facilitator's count of voters, the speaking queue.
    expect(nxt).to_have_text("Next phase: Vote")
    nxt.click()
    expect(phone.get_by_test_id("phase")).to_have_text("Vote")
    expect(phone.locator("#votes-left-label")).to_have_text("Dots left:")
    expect(phone.get_by_test_id("votes-left")).to_have_text("2")
    expect(phone.locator("#phase-help")).to_have_text("Vote: 2 dots in all, at most 1 per idea.")
    for text in IDEAS[:2]:
        card = phone.get_by_test_id("idea-card").filter(has_text=text)
        card.get_by_test_id("vote-button").click()
        expect(card.get_by_test_id("vote-reason")).to_have_text("At most 1 dot per idea.")
    expect(phone.get_by_test_id("votes-left")).to_have_text("0")
    expect(phone.get_by_test_id("budget-note")).to_have_text(
        "All your dots are placed: remove one (−1) to vote elsewhere."
    )
    expect(phone.locator("#live")).to_contain_text("You have 0 dots left.")
    phone.get_by_test_id("hand-raise").click()
    expect(phone.get_by_test_id("hand-lower")).to_have_text("Lower hand")
    expect(page.get_by_test_id("vote-progress")).to_have_text(re.compile(r"^1 / \d+ voted$"))
    expect(page.get_by_test_id("hand-next")).to_have_text("Give the floor")
    page.locator("#participants-toggle").click()
    expect(page.get_by_test_id("participant")).to_have_count(2)
    expect(page.get_by_test_id("participant").filter(has_text="Alice")).to_contain_text("online · in the room")
    shot(page, "en-facilitator-vote-1366x768")
    shot(phone, "en-participant-vote-360x740")
    assert_english(page, data)
    assert_english(phone, data)
    page.get_by_test_id("hand-next").click()
    expect(phone.get_by_test_id("speaking")).to_have_text("Alice has the floor.")
    expect(phone.locator("#live")).to_contain_text("Your turn: you have the floor.")
    assert_english(phone, data)
    fac.close()


def test_majority_judgment_in_english_on_a_phone(live_server, english_phone):
    workshop = live_server.create_workshop(
        title=TITLE,
        prompt=PROMPT,
        columns=COLUMNS,
        settings={"private_brainstorm": False, "vote_method": "majority_judgment"},
    )
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    for text in IDEAS[:2]:
        assert fac.call("idea.create", {"column_id": workshop["columns"][0]["id"], "text": text})["ok"]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    phone = english_phone
    phone.goto(f"{live_server.url}/join/{code}?lang=en")
    phone.get_by_test_id("join-name").fill("Alice")
    phone.get_by_test_id("join-submit").click()
    expect(phone.get_by_test_id("connection-status")).to_have_text("Connected")
    expect(phone.locator("#votes-left-label")).to_have_text("Ideas to grade:")
    expect(phone.locator("#phase-help")).to_have_text("Give each idea a grade (from “Reject” to “Excellent”).")
    card = phone.get_by_test_id("idea-card").first
    card.get_by_role("button", name="Very good").click()
    expect(card.get_by_role("button", name="Very good")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#live")).to_contain_text("Grade saved: Very good.")
    shot(phone, "en-participant-grades-360x740")
    assert_english(phone, [TITLE, PROMPT, *COLUMNS, *IDEAS, "Alice", code])
    fac.close()


def test_the_join_page_checks_a_code_in_english(live_server, english_phone):
    code = live_server.create_workshop(title=TITLE, prompt=PROMPT, columns=COLUMNS)["code"]
    page = english_phone
    page.goto(f"{live_server.url}/join?lang=en")
    status = page.get_by_test_id("join-code-status")
    page.get_by_test_id("join-code").fill("ZZZZ2222")
    expect(status).to_have_text(re.compile(r"^No workshop matches this code"))
    page.get_by_test_id("join-code").fill(code)
    expect(status).to_have_text(f"Workshop found: {TITLE}")
    assert not FRENCH.search(status.inner_text())
