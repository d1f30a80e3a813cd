"""Browser: the board, the projector and the minutes in English, including messages from the server (a refused
vote, a phase error).

A participant joins with English (`?lang=en` on the join page, an en-GB browser) and the facilitator switches to
English (`?lang=en`): every word they see comes from the English catalogs. "No French left" is checked against
the catalogs themselves: the distinctive French words are those of the msgids (translations/fr) that appear in no
English msgstr (translations/en); none may be visible (`inner_text("body")`), once what people typed is left out.
"""

import re
from functools import cache
from pathlib import Path

import requests
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.browser.board_helpers import shot

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]{3,}")
# Placeholders and markup in msgids are no words of either language.
CODE = re.compile(r"%\(\w+\)[sdif]|\{\w+\}|<[^>]*>|&\w+;")

TITLE = "Getting around the valley"
PROMPT = "How could we travel without a car?"
COLUMNS = ["Ideas", "Questions"]
IDEAS = ["Shared bikes at the station", "Evening bus on Fridays", "Car pool board"]
LATE = "Arrived after the brainstorm"


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(CODE.sub(" ", text))}


def _catalog(lang: str, domain: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@cache
def french_words() -> frozenset[str]:
    """Words of the French msgids that no English msgstr uses ("idée", "gommette", "atelier"…)."""
    french, english = set(), set()
    for domain in ("messages", "js"):
        for message in _catalog("fr", domain):
            if message.id:
                for text in message.id if isinstance(message.id, tuple) else (message.id,):
                    french |= _words(text)
        for message in _catalog("en", domain):
            for text in message.string if isinstance(message.string, tuple) else (message.string,):
                english |= _words(text or "")
    return frozenset(french - english)


def english(msgid: str, domain: str = "messages") -> str:
    """The English catalog's translation of a French message (the server's words), checked present."""
    message = _catalog("en", domain).get(msgid)
    assert message is not None and message.string, f"no English for {msgid!r} in en/{domain}.po"
    return message.string


def french_left(page, typed=()) -> list[str]:
    """The distinctive French words visible on `page`, leaving out what people typed (`typed`)."""
    text = page.inner_text("body")
    for part in sorted(typed, key=len, reverse=True):
        text = text.replace(part, " ")
    return sorted(_words(text) & french_words())


def assert_english(page, where: str, typed=()) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    left = french_left(page, typed)
    assert not left, f"French words on the {where}: {left}"


def create_workshop_in_english(server, **fields) -> dict:
    """A workshop created by a facilitator working in English: the minutes' opening text the server writes
    is in the creator's language (app/services/minutes/template.py)."""
    headers = {**server.auth(server.token()), "Accept-Language": "en-GB,en;q=0.9"}
    r = requests.post(f"{server.url}/api/v1/workshops", json={"theme": "jo2024", **fields}, headers=headers, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def join_in_english(browser, server, code: str, name: str):
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/join/{code}?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("join-name").fill(name)
    page.get_by_test_id("join-submit").click()
    expect(page).to_have_url(f"{server.url}/w/{code}")
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    return context, page


def connected(page):
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")


def post(page, text):
    page.get_by_test_id("idea-input").fill(text)
    page.get_by_test_id("idea-submit").click()


def card(page, text):
    return page.get_by_test_id("idea-card").filter(has_text=text)


def test_board_projector_and_minutes_speak_english_with_the_servers_messages(live_server, browser, new_page, login):
    workshop = create_workshop_in_english(
        live_server,
        title=TITLE,
        prompt=PROMPT,
        columns=COLUMNS,
        settings={"private_brainstorm": False, "votes_per_participant": 1, "max_votes_per_idea": 1},
    )
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    typed = [TITLE, PROMPT, *COLUMNS, *IDEAS, LATE, "Alice", "Animatrice Live", code]

    # The participant, in English from the join page on.
    context, alice = join_in_english(browser, live_server, code, "Alice")
    for text in IDEAS:
        post(alice, text)
        expect(card(alice, text)).to_have_count(1)

    # The facilitator switches to English; the projector (a second tab, full HD) follows the session.
    facilitator = login(new_page())
    facilitator.goto(f"{live_server.url}/w/{code}")
    connected(facilitator)
    assert {"atelier", "idée"} & set(french_left(facilitator, typed))  # the check sees French when it is there
    facilitator.goto(f"{live_server.url}/w/{code}?lang=en")
    connected(facilitator)
    expect(card(facilitator, IDEAS[0])).to_have_count(1)
    projector = facilitator.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{live_server.url}/w/{code}/present")
    connected(projector)
    expect(projector.get_by_test_id("idea-card")).to_have_count(len(IDEAS))
    expect(projector.get_by_test_id("phase")).to_have_text(english("Remue-méninges"))

    shot(alice, "english-board-brainstorm-1366x768")
    shot(facilitator, "english-board-facilitator-1366x768")
    shot(projector, "english-projector-brainstorm-1920x1080")
    assert_english(alice, "participant's board", typed)
    assert_english(facilitator, "facilitator's board", typed)
    assert_english(projector, "projector", typed)

    # A phase error from the server: an idea sent while offline arrives after the brainstorm.
    alice.evaluate("() => window.fabriqueBoard.socket.disconnect()")
    post(alice, LATE)
    assert fac.call("phase.set", {"phase": "cluster"})["ok"]
    alice.evaluate("() => window.fabriqueBoard.socket.connect()")
    pending = alice.get_by_test_id("pending-idea")
    expect(pending).to_contain_text(english("On ne peut proposer des idées que pendant la phase de remue-méninges."))
    shot(alice, "english-board-phase-error-1366x768")
    assert_english(alice, "participant's board with a phase error", typed)

    # A refused vote: the last dot spent in another tab, this one does not know it yet.
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    other = context.new_page()
    other.goto(f"{live_server.url}/w/{code}")
    connected(other)
    expect(other.locator("html")).to_have_attribute("lang", "en")
    card(other, IDEAS[0]).get_by_test_id("vote-button").click()
    expect(other.get_by_test_id("votes-left")).to_have_text("0")
    refused = card(alice, IDEAS[1])
    refused.get_by_test_id("vote-button").click()
    expect(refused.get_by_test_id("card-error")).to_have_text(english("Vous n'avez plus de gommettes."))
    expect(alice.get_by_test_id("votes-left")).to_have_text("0")  # the refusal brought the ballot as it is
    shot(alice, "english-board-refused-vote-1366x768")
    assert_english(alice, "participant's board with a refused vote", typed)

    # The projector during the vote: progress and results.
    expect(projector.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    expect(projector.get_by_test_id("vote-progress")).to_be_visible()
    expect(projector.get_by_test_id("present-results")).to_contain_text(IDEAS[0])
    shot(projector, "english-projector-vote-1920x1080")
    assert_english(projector, "projector during the vote", typed)

    # The minutes panel on the participant's board: status, history, the register's completions.
    alice.locator("#minutes-panel > summary").click()
    expect(alice.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
    expect(alice.get_by_test_id("minutes-sync")).to_have_text(english("Enregistré", "js"))
    alice.locator("#minutes-panel").get_by_text(english("Historique des versions")).click()
    editor = alice.get_by_test_id("minutes-editor")
    editor.click()
    alice.keyboard.press("Control+End")
    alice.keyboard.type("\n/")
    tooltip = alice.locator(".cm-tooltip-autocomplete")
    expect(tooltip).to_contain_text("/decision")
    expect(tooltip).to_contain_text(english("une décision du relevé", "js"))
    alice.keyboard.type("action Book the hall due:")
    expect(tooltip).to_contain_text(english("Choisir dans le calendrier…", "js"))
    expect(tooltip).to_contain_text(english("demain", "js"))
    shot(alice, "english-minutes-completion-1366x768")
    assert_english(alice, "minutes panel (completion open)", [*typed, "Book the hall"])
    alice.keyboard.press("Escape")
    expect(alice.get_by_test_id("minutes-sync")).to_have_attribute("data-state", "saved")
    shot(alice, "english-minutes-1366x768")
    assert_english(alice, "minutes panel", [*typed, "Book the hall"])

    fac.close()
    context.close()
