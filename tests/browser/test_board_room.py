"""Browser: the board at the size of a real room (40 participants joined through the API, 120 ideas) —
clustering by drag and drop and by keyboard, live for everyone; a console that cannot misfire; the phone
board for thumbs; undo seen by another client; screenshots at 1366×768, 1920×1080 and 360×740."""

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe
from tests.browser.board_helpers import PHONE, card, drag, room, shot, stack, touch_drag
from tests.server import PASSWORD


@pytest.fixture(scope="module")
def cluster_room(live_server):
    """One room in the clustering phase shared by the tests that group, move and hide (each on its own
    ideas): building a room costs seconds."""
    workshop, fac, tokens, ideas = room(live_server, phase="cluster")
    yield workshop, fac, tokens, ideas
    fac.close()


def test_clustering_on_the_wall_is_live_for_everyone(cluster_room, open_board):
    workshop, fac, tokens, ideas = cluster_room
    code = workshop["code"]
    alice, bruno = open_board(code, "Alice"), open_board(code, "Bruno")
    for page in (alice, bruno):
        expect(page.get_by_test_id("idea-card")).to_have_count(120)
    first, second, third, fourth = (ideas[i]["text"] for i in (0, 4, 8, 12))  # all in the first column
    # Alice drops one card on the middle of another: a group of two, for her and for Bruno at once.
    drag(alice, card(alice, second), card(alice, first))
    expect(alice.get_by_test_id("board-stack")).to_have_count(1)
    pile = bruno.get_by_test_id("board-stack")
    expect(pile).to_have_count(1)
    expect(pile).to_have_attribute("data-count", "2")
    expect(pile.get_by_test_id("idea-card")).to_have_count(2)
    label = pile.locator(".stack-label").inner_text()
    # Bruno, without reloading, drags a third card onto the stack.
    drag(bruno, card(bruno, third), pile.locator(".stack-head"))
    expect(pile).to_have_attribute("data-count", "3")
    expect(stack(alice, label)).to_have_attribute("data-count", "3")
    # ... and a fourth with the keyboard only: the card's menu, "Regrouper avec…", the group.
    menu = card(bruno, fourth).get_by_test_id("card-menu")
    menu.focus()
    bruno.keyboard.press("Enter")
    expect(bruno.get_by_role("menuitem", name="Regrouper avec…")).to_be_focused()
    bruno.keyboard.press("ArrowDown")
    expect(bruno.get_by_role("menuitem", name="Sortir du groupe")).to_have_count(0)
    bruno.get_by_role("menuitem", name="Regrouper avec…").focus()
    # The room goes on meanwhile: someone else's move redraws the board, the menu stays open under the keys.
    third_column = workshop["columns"][2]["id"]
    assert fac.call("idea.move", {"idea_id": ideas[7]["id"], "column_id": third_column, "position": 0.5})["ok"]
    expect(
        bruno.locator(f'ul.cards[data-column-id="{third_column}"] > li[data-idea-id="{ideas[7]["id"]}"]')
    ).to_have_count(1)
    expect(bruno.get_by_role("menuitem", name="Regrouper avec…")).to_be_focused()
    bruno.keyboard.press("ArrowDown")
    expect(bruno.get_by_role("menuitem", name="Sortir du groupe")).to_have_count(0)
    bruno.get_by_role("menuitem", name="Regrouper avec…").focus()
    # The room goes on meanwhile: someone else's move redraws the board, the menu stays open under the keys.
    other, last = ideas[3], workshop["columns"][3]["id"]
    assert fac.call("idea.move", {"idea_id": ideas[7]["id"], "column_id": other["column_id"], "position": 0.5})["ok"]
    expect(bruno.locator(f'ul.cards[data-column-id="{last}"] > li[data-idea-id="{ideas[7]["id"]}"]')).to_have_count(1)
    expect(bruno.get_by_role("menuitem", name="Regrouper avec…")).to_be_focused()
    bruno.keyboard.press("Enter")
    dialog = bruno.get_by_test_id("choice-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=f"{label} (3)").focus()
    bruno.keyboard.press("Enter")
    expect(pile).to_have_attribute("data-count", "4")
    expect(stack(alice, label)).to_have_attribute("data-count", "4")
    expect(bruno.locator("#live")).to_contain_text(f"ajoutée au groupe « {label} »")
    shot(alice, "cluster-stack-1366x768")
    violations = axe_violations(bruno)
    assert not violations, describe(violations)
    expect(menu).to_be_focused()  # focus comes back to where the gesture started
    # Dragging a card out of the stack, between two lone cards, takes it out of the group.
    column = workshop["columns"][0]["id"]
    lone = alice.locator(f'ul.cards[data-column-id="{column}"] > li[data-testid="idea-card"]').nth(1)
    lone.scroll_into_view_if_needed()  # the stack's last card and the lone cards under it, on one screen
    drag(alice, card(alice, fourth), lone, where=0.1)
    expect(stack(bruno, label)).to_have_attribute("data-count", "3")
    expect(bruno.locator(f'li.stack li[data-idea-id="{ideas[12]["id"]}"]')).to_have_count(0)


def test_a_phone_moves_its_card_to_another_column_by_dragging(live_server, open_board):
    workshop, fac, tokens, ideas = room(live_server, phase="brainstorm")
    code, target = workshop["code"], workshop["columns"][1]
    phone = open_board(code, "Chloé", **PHONE)
    shot(phone, "phone-brainstorm-360x740")
    phone.get_by_test_id("idea-input").fill("Épicerie solidaire itinérante")
    phone.get_by_test_id("idea-submit").click()
    mine = card(phone, "Épicerie solidaire itinérante")
    expect(mine).to_have_count(1)
    chip = phone.locator(f'.chip[data-column-id="{target["id"]}"]')
    touch_drag(phone, mine, chip)
    moved_event = fac.wait_for(
        lambda e: e.get("type") == "idea.moved" and e["data"]["text"] == "Épicerie solidaire itinérante"
    )
    assert moved_event["data"]["column_id"] == target["id"]
    moved = phone.locator(f'ul.cards[data-column-id="{target["id"]}"]').locator(
        'li[data-testid="idea-card"]', has_text="Épicerie solidaire"
    )
    expect(moved).to_have_count(1)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scroll at 360px: {width}px"
    fac.close()


def test_the_phase_control_cannot_misfire(live_server, open_board):
    workshop, fac, tokens, ideas = room(live_server, phase="brainstorm", people=40, ideas=120, private_brainstorm=True)
    code = workshop["code"]
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Alice")
    expect(alice.get_by_test_id("idea-card")).to_have_count(0)  # private brainstorm: nobody else's ideas
    for page in (fac_page, alice):  # the idea form on top too: the columns still start high
        tops = page.evaluate(COLUMN_TOPS)
        assert tops and max(tops) <= 330, tops
    select = fac_page.get_by_test_id("phase-select")
    select.focus()
    for key in ("ArrowDown", "ArrowDown", "ArrowUp", "End", "Home", "PageDown", "c", "v"):
        fac_page.keyboard.press(key)
    fac_page.wait_for_timeout(500)
    expect(fac_page.get_by_test_id("confirm-dialog")).to_have_count(0)
    expect(select).to_have_value("brainstorm")
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "brainstorm")
    snap = requests.get(
        f"{live_server.url}/api/v1/workshops/{code}", headers=live_server.auth(live_server.token()), timeout=10
    ).json()
    assert snap["workshop"]["phase"] == "brainstorm"
    # The explicit button says where it goes, and asks before revealing the private ideas.
    nxt = fac_page.get_by_test_id("phase-next")
    expect(nxt).to_have_text("Phase suivante : Regroupement")
    nxt.click()
    dialog = fac_page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("visibles de tous")
    violations = axe_violations(fac_page)
    assert not violations, describe(violations)
    fac_page.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_have_count(0)
    expect(nxt).to_be_focused()
    fac_page.wait_for_timeout(300)
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "brainstorm")
    # Choosing in the list also asks; confirming reveals for everyone.
    select.select_option("cluster")
    expect(dialog).to_be_visible()
    fac_page.get_by_test_id("confirm-ok").click()
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "cluster")
    expect(alice.get_by_test_id("idea-card")).to_have_count(120)
    expect(nxt).to_have_text("Phase suivante : Vote")
    nxt.click()  # nothing hidden to reveal (votes shown live): no question
    expect(alice.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    expect(fac_page.get_by_test_id("join-code")).to_have_text(code)
    expect(fac_page.get_by_test_id("presenter-link")).to_be_visible()
    expect(fac_page.get_by_test_id("vote-progress")).to_have_text("0 / 41 ont voté")
    assert max(fac_page.evaluate(COLUMN_TOPS)) <= 330  # the vote's progress does not push the cards down
    shot(fac_page, "facilitator-vote-1366x768")
    fac.close()


TARGETS = """() => {
  const sel = 'a[href], button, select, input:not([type=hidden]), textarea, summary, [role=button], [role=menuitem], [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === 'hidden' || r.right <= 0 || el.closest('.visually-hidden')) continue;
    if (r.width < 44 || r.height < 44) out.push(`${el.tagName} ${el.className} «${(el.textContent || el.value || '').trim().slice(0, 30)}» ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return out;
}"""


def test_the_phone_board_for_thumbs(live_server, open_board):
    workshop, fac, tokens, ideas = room(live_server, phase="vote")
    code = workshop["code"]
    phone = open_board(code, "Chloé", **PHONE)
    expect(phone.get_by_test_id("idea-card")).to_have_count(120)
    header = phone.locator(".site-header")
    expect(header.get_by_role("link", name="Espace animateur")).to_have_count(0)
    expect(header.get_by_role("link", name="Feuilles de route")).to_have_count(0)
    small = phone.evaluate(TARGETS)
    assert not small, f"{len(small)} tap targets under 44×44 px: {small[:8]}"
    # The per-idea cap: the third dot on one idea disables that idea's button, with its reason.
    first = card(phone, ideas[0]["text"])
    for left in ("4", "3", "2"):
        first.get_by_test_id("vote-button").click()
        expect(phone.get_by_test_id("votes-left")).to_have_text(left)
    expect(first.get_by_test_id("vote-button")).to_have_attribute("aria-disabled", "true")
    expect(first.get_by_test_id("vote-reason")).to_have_text("Au plus 3 gommettes par idée.")
    first.get_by_test_id("vote-button").click(force=True)  # a tap on a disabled button says why, where it happened
    expect(first.get_by_test_id("card-error")).to_be_visible()
    expect(phone.get_by_test_id("votes-left")).to_have_text("2")
    second = card(phone, ideas[1]["text"])
    for left in ("1", "0"):
        second.get_by_test_id("vote-button").click()
        expect(phone.get_by_test_id("votes-left")).to_have_text(left)
    # Budget spent: every vote button is disabled, and the reason is on screen (bottom bar).
    disabled = phone.locator('[data-testid="vote-button"][aria-disabled="true"], [data-testid="vote-button"][disabled]')
    expect(disabled).to_have_count(120)
    note = phone.get_by_test_id("budget-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Toutes vos gommettes sont posées")
    box = note.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740, box
    shot(phone, "phone-vote-spent-360x740")
    assert "null" not in phone.locator("main").inner_text()  # no JavaScript null rendered as text
    violations = axe_violations(phone)
    assert not violations, describe(violations)
    bar = phone.get_by_test_id("votes-left").bounding_box()
    assert 0 <= bar["y"] <= 740 - bar["height"], bar
    # Filters: not yet voted hides the two ideas voted for.
    phone.get_by_test_id("filter-unvoted").click()
    expect(phone.locator('li[data-testid="idea-card"]:visible')).to_have_count(118)
    # The floor given: "c'est à vous" on screen.
    phone.get_by_test_id("hand-raise").click()
    assert fac.call("hand.next")["ok"]
    expect(phone.get_by_test_id("your-turn")).to_be_visible()
    fac.close()


def test_moderation_and_undo_seen_by_another_client(cluster_room, open_board):
    workshop, fac, tokens, ideas = cluster_room
    code, second, home = workshop["code"], workshop["columns"][1], workshop["columns"][2]
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Dalia")
    idea = ideas[2]  # in the third column, touched by no other test
    text = idea["text"]
    # Move through the card's menu; Alice sees it move, then the undo puts it back for her.
    card(fac_page, text).get_by_test_id("card-menu").click()
    fac_page.get_by_role("menuitem", name="Déplacer vers…").click()
    fac_page.get_by_test_id("choice-dialog").get_by_role("button", name=second["title"]).click()
    expect(fac_page.get_by_test_id("board-undo")).to_have_text("↶ Annuler le déplacement")
    in_second = alice.locator(f'ul.cards[data-column-id="{second["id"]}"] li[data-idea-id="{idea["id"]}"]')
    expect(in_second).to_have_count(1)
    fac_page.get_by_test_id("board-undo").click()
    expect(in_second).to_have_count(0)
    expect(alice.locator(f'ul.cards[data-column-id="{home["id"]}"] li[data-idea-id="{idea["id"]}"]')).to_have_count(1)
    # Hide: gone for Alice, marked for the facilitator; undo shows it again.
    card(fac_page, text).get_by_test_id("card-menu").click()
    fac_page.get_by_role("menuitem", name="Masquer aux participants").click()
    expect(card(alice, text)).to_have_count(0)
    expect(card(fac_page, text).get_by_test_id("idea-hidden")).to_be_visible()
    fac_page.get_by_test_id("board-undo").click()
    expect(card(alice, text)).to_have_count(1)
    expect(card(fac_page, text).get_by_test_id("idea-hidden")).to_have_count(0)
    # The menu of the lowest card on the board opens where it can be read, not cut off by the board's edge.
    lowest = fac_page.evaluate("""() => {
        const cards = [...document.querySelectorAll("ul.cards li[data-idea-id]")];
        const bottom = (el) => el.getBoundingClientRect().bottom;
        return cards.reduce((a, b) => (bottom(b) > bottom(a) ? b : a)).dataset.ideaId;
    }""")
    low = fac_page.locator(f'li[data-idea-id="{lowest}"]')
    low.scroll_into_view_if_needed()
    low.get_by_test_id("card-menu").first.click()
    menu = low.locator(".menu-list").first
    expect(menu).to_be_visible()
    box, board = menu.bounding_box(), fac_page.locator(".columns").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= min(board["y"] + board["height"], 768) + 1, (box, board)
    shot(fac_page, "board-lowest-card-menu-1366x768")
    fac_page.keyboard.press("Escape")
    # Participants panel: the 40 who joined, and Alice online.
    fac_page.get_by_role("button", name="Participants").click()
    people = fac_page.get_by_test_id("participant")
    expect(people.filter(has_text="Personne 40")).to_have_count(1)
    assert people.count() >= 41
    expect(people.filter(has_text="Dalia")).to_contain_text("en ligne")


def test_stacks_merge_move_rename_and_collapse(cluster_room, open_board):
    workshop, fac, tokens, ideas = cluster_room
    code, last = workshop["code"], workshop["columns"][3]
    for i, label in ((1, "Mobilité"), (5, "Mobilité"), (9, "Énergie"), (13, "Énergie")):  # second column
        payload = {"idea_id": ideas[i]["id"]}
        existing = [
            e for e in fac.events if e["type"] == "idea.grouped" and e["data"].get("group", {}).get("label") == label
        ]
        payload |= {"group_id": existing[0]["data"]["group_id"]} if existing else {"group_label": label}
        assert fac.call("idea.group", payload)["ok"]
        fac.wait_for(lambda e, i=i: e["type"] == "idea.grouped" and e["data"]["id"] == ideas[i]["id"])
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Claire")
    expect(stack(alice, "Énergie")).to_have_count(1)
    # A stack dropped on another: one stack of four, for Alice too.
    drag(
        fac_page, stack(fac_page, "Énergie").locator(".stack-head"), stack(fac_page, "Mobilité").locator(".stack-head")
    )
    expect(stack(alice, "Énergie")).to_have_count(0)
    expect(stack(alice, "Mobilité")).to_have_attribute("data-count", "4")
    # Moved as one, from its menu (the keyboard path).
    stack(fac_page, "Mobilité").get_by_test_id("stack-menu").click()
    fac_page.get_by_role("menuitem", name="Déplacer le groupe vers…").click()
    fac_page.get_by_test_id("choice-dialog").get_by_role("button", name=last["title"]).click()
    expect(alice.locator(f'section.column[data-column-id="{last["id"]}"]').get_by_test_id("board-stack")).to_have_count(
        1
    )
    # Renamed from its menu; collapsed to its label and count (a choice of this screen only).
    stack(fac_page, "Mobilité").get_by_test_id("stack-menu").click()
    fac_page.get_by_role("menuitem", name="Renommer le groupe").click()
    fac_page.get_by_label("Nom du groupe").fill("Se déplacer autrement")
    fac_page.get_by_label("Nom du groupe").press("Enter")
    expect(stack(alice, "Se déplacer autrement")).to_have_attribute("data-count", "4")
    toggle = stack(alice, "Se déplacer autrement").get_by_role("button", name="Replier le groupe Se déplacer autrement")
    toggle.click()
    folded = stack(alice, "Se déplacer autrement")
    expect(folded.get_by_role("button", name="Déplier le groupe Se déplacer autrement")).to_have_attribute(
        "aria-expanded", "false"
    )
    expect(folded.get_by_test_id("idea-card")).to_have_count(0)
    expect(folded.get_by_test_id("stack-count")).to_have_text("4 idées")
    fac_page.evaluate("() => window.scrollTo(0, 0)")
    shot(fac_page, "facilitator-1366x768")
    fac_page.set_viewport_size({"width": 1920, "height": 1080})
    shot(fac_page, "facilitator-1920x1080")
    # At 1366×768 as at 1920×1080, every column starts high on the first screen, for the facilitator (console
    # and idea form above) as for a participant: the controls take at most 330 px, the rest is cards.
    for size in ({"width": 1366, "height": 768}, {"width": 1920, "height": 1080}):
        for page in (fac_page, alice):
            page.set_viewport_size(size)
            page.evaluate("() => window.scrollTo(0, 0)")
            tops = page.evaluate(COLUMN_TOPS)
            assert len(tops) == 4 and max(tops) <= 330, (size, page is fac_page, tops)
        shot(alice, f"participant-{size['width']}x{size['height']}")
    for hook in ("phase-next", "phase-select", "join-code", "presenter-link", "board-undo", "results-link"):
        box = fac_page.get_by_test_id(hook).bounding_box()
        assert box and box["y"] + box["height"] <= 330, (hook, box)


COLUMN_TOPS = (
    "() => [...document.querySelectorAll('section.column')].map((c) => Math.round(c.getBoundingClientRect().top))"
)


def test_pre_moderation_projection_focus_and_removing_a_participant(live_server, open_board):
    workshop, fac, tokens, ideas = room(live_server, phase="brainstorm", people=3, ideas=0, moderation="pre")
    code = workshop["code"]
    fac_page = open_board(code, facilitator=True)
    alice, bruno = open_board(code, "Alice"), open_board(code, "Bruno")
    alice.get_by_test_id("idea-input").fill("Une recyclerie dans chaque quartier")
    alice.get_by_test_id("idea-input").press("Enter")
    mine = card(alice, "Une recyclerie dans chaque quartier")
    expect(mine.get_by_test_id("idea-pending")).to_have_text("En attente de validation")
    expect(alice.locator("#live")).to_contain_text("en attente de validation")
    pending = card(fac_page, "Une recyclerie dans chaque quartier")
    expect(pending.get_by_test_id("idea-pending")).to_be_visible()
    expect(card(bruno, "Une recyclerie dans chaque quartier")).to_have_count(0)
    pending.get_by_test_id("card-menu").click()
    fac_page.get_by_role("menuitem", name="Valider l'idée").click()
    expect(card(bruno, "Une recyclerie dans chaque quartier")).to_have_count(1)
    expect(mine.get_by_test_id("idea-pending")).to_have_count(0)
    expect(card(fac_page, "Une recyclerie dans chaque quartier").get_by_test_id("idea-pending")).to_have_count(0)
    # The projector follows the facilitator's choice on the board.
    card(fac_page, "Une recyclerie dans chaque quartier").get_by_test_id("card-menu").click()
    fac_page.get_by_role("menuitem", name="Projeter cette idée").click()
    focused = fac.wait_for(lambda e: e["type"] == "present.focused")
    assert focused["data"]["focus"]["idea_id"] == int(mine.get_attribute("data-idea-id"))
    expect(card(fac_page, "Une recyclerie dans chaque quartier").get_by_test_id("on-screen")).to_be_visible()
    fac_page.get_by_test_id("present-unfocus").click()
    expect(card(fac_page, "Une recyclerie dans chaque quartier").get_by_test_id("on-screen")).to_have_count(0)
    # Removing Bruno from the participants panel cuts his connection at once.
    fac_page.get_by_role("button", name="Participants").click()
    violations = axe_violations(fac_page)
    assert not violations, describe(violations)
    fac_page.get_by_role("button", name="Retirer Bruno").click()
    fac_page.get_by_test_id("confirm-ok").click()
    expect(bruno.get_by_test_id("connection-status")).not_to_have_attribute("data-state", "connected")
    expect(fac_page.get_by_test_id("participant").filter(has_text="Bruno")).to_have_count(0)
    fac_page.get_by_role("button", name="Renommer Alice").click()
    fac_page.get_by_label("Nouveau nom de Alice").fill("Alice Martin")
    fac_page.get_by_label("Nouveau nom de Alice").press("Enter")
    expect(mine).to_contain_text("Alice Martin")
    fac.close()


def test_promoting_an_idea_and_a_group_from_the_board(live_server, open_board):
    """Discussion at room size: the picker offers the facilitator's own roadmaps only; a promoted card links to
    its action; promoting it again says why not, on the card; a whole group becomes one action with its ideas
    as sources (docs/protocol.md §9)."""
    workshop, fac, tokens, ideas = room(live_server, phase="cluster")
    code = workshop["code"]
    grouped = [ideas[i] for i in (3, 7, 11)]  # the fourth column
    first = fac.call("idea.group", {"idea_id": grouped[0]["id"], "group_label": "Mécénat"})
    for idea in grouped[1:]:
        assert fac.call("idea.group", {"idea_id": idea["id"], "group_id": first["idea"]["group_id"]})["ok"]
    assert fac.call("phase.set", {"phase": "discuss"})["ok"]
    territory = f"Territoire {code}"
    # A colleague (an administrator: the territory they name is created, and we reuse it) with a published roadmap.
    live_server.flask("facilitator", "create", "collegue@fabrique.test", "--name", "Collègue", "--admin")
    colleague = requests.post(
        f"{live_server.url}/api/v1/auth/token",
        json={"email": "collegue@fabrique.test", "password": PASSWORD},
        timeout=10,
    ).json()["token"]
    roadmaps = {}
    for who, title in ((colleague, f"Feuille d'une collègue {code}"), (live_server.token(), f"Notre feuille {code}")):
        body = {"title": title, "territory": territory, "year": 2026, "axes": ["Mutualisation"], "published": True}
        r = requests.post(f"{live_server.url}/api/v1/roadmaps", json=body, headers=live_server.auth(who), timeout=10)
        assert r.status_code == 201, r.text
        roadmaps[who] = r.json()
    fac_page = open_board(code, facilitator=True)
    alice = open_board(code, "Alice")
    # One idea: only our roadmap in the picker; then the card links to its action, for Alice too.
    text = ideas[2]["text"]
    card(fac_page, text).get_by_test_id("promote-button").click()
    picker = card(fac_page, text).get_by_test_id("promote-roadmap")
    # Our roadmap, chosen first; the colleague's published one never offered (other tests of this
    # server may have given the same facilitator more roadmaps).
    expect(picker.locator("option", has_text=f"Notre feuille {code}")).to_have_count(1)
    expect(picker.locator("option", has_text=f"Feuille d'une collègue {code}")).to_have_count(0)
    picker.select_option(label=f"Notre feuille {code}")
    expect(card(fac_page, text).get_by_test_id("promote-axis")).to_have_value(
        str(roadmaps[live_server.token()]["axes"][0]["id"])
    )
    card(fac_page, text).get_by_label("Intitulé de l'action").fill("Guichet unique du mécénat")
    card(fac_page, text).get_by_test_id("promote-submit").click()
    for page in (fac_page, alice):
        link = card(page, text).get_by_test_id("idea-action")
        expect(link).to_have_text("→ Action : Guichet unique du mécénat (nouvel onglet)")
        expect(link).to_have_attribute(
            "href", f"/roadmaps/{roadmaps[live_server.token()]['id']}/actions/{link.get_attribute('data-action-id')}"
        )
    # Again: the server's refusal, on the card.
    card(fac_page, text).get_by_test_id("promote-button").click()
    card(fac_page, text).get_by_test_id("promote-submit").click()
    expect(card(fac_page, text).get_by_test_id("card-error")).to_contain_text(
        "déjà à l'origine de l'action « Guichet unique du mécénat »"
    )
    # The whole group, from its menu: one action, its three ideas as sources.
    stack(fac_page, "Mécénat").get_by_test_id("stack-menu").click()
    fac_page.get_by_role("menuitem", name="Promouvoir le groupe").click()
    dialog = fac_page.get_by_test_id("choice-dialog")
    expect(dialog).to_contain_text("Ses 3 idées deviennent les sources")
    expect(dialog.get_by_label("Intitulé de l'action")).to_have_value("Mécénat")
    dialog.get_by_label("Intitulé de l'action").fill("Fonds commun du mécénat")
    shot(fac_page, "promote-group-1366x768")
    violations = axe_violations(fac_page)
    assert not violations, describe(violations)
    dialog.get_by_test_id("promote-submit").click()
    expect(dialog).to_have_count(0)
    links = stack(alice, "Mécénat").get_by_test_id("idea-action")
    expect(links).to_have_count(3)
    expect(links).to_have_text(["→ Action : Fonds commun du mécénat (nouvel onglet)"] * 3)
    shot(fac_page, "promoted-cards-1366x768")
    fac_page.goto(live_server.url + links.first.get_attribute("href"))
    sources = fac_page.get_by_test_id("action-source")
    expect(sources).to_have_count(3)
    for idea in grouped:
        expect(sources.filter(has_text=idea["text"])).to_have_count(1)
    fac.close()
