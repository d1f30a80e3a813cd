"""Browser, at the size of a real room (issue 15): the projector fits 120 ideas on 1920×1080 and 1280×720
and follows the facilitator's focus; the presenter link opens it with no login and no control, and dies
with the next link; a phone joins from the QR code in two fields and one tap; results fit 360 px."""

import os
import time
from pathlib import Path

import requests
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe

SHOTS = Path(os.environ.get("FABRIQUE_SHOTS", "/tmp/shots-projector"))
HD = {"width": 1920, "height": 1080}
SMALL = {"width": 1280, "height": 720}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SHOWN = '[data-testid="idea-card"], [data-testid="idea-stack"]'

# Every card or stack shown, with its box and its smallest text; the board's layout mode.
_MEASURE = """(sel) => {
  const board = document.getElementById('view-board');
  const items = [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null);
  return {
    mode: board.dataset.mode,
    pages: document.getElementById('present-pages').hidden ? 1 : Number(/\\/ (\\d+)/.exec(document.getElementById('present-pages').textContent)[1]),
    outside: items.filter((e) => { const r = e.getBoundingClientRect();
      return r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth || r.height === 0; }).length,
    clipped: items.filter((e) => { const ul = e.closest('.present-cards'); if (!ul) return false;
      const a = e.getBoundingClientRect(), b = ul.getBoundingClientRect(); return a.bottom > b.bottom + 1; }).length,
    smallest: Math.min(...items.flatMap((e) => [e, ...e.querySelectorAll('*')])
      .filter((e) => [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
      .map((e) => parseFloat(getComputedStyle(e).fontSize))),
    ideas: items.filter((e) => e.dataset.testid === 'idea-card').map((e) => Number(e.dataset.ideaId)),
    stacks: items.filter((e) => e.dataset.testid === 'idea-stack').map((e) => [Number(e.dataset.groupId), Number(e.dataset.count)]),
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
  };
}"""


def _call(client, name: str, payload: dict) -> dict:
    """A command, waited for past the socket's rate limit (a facilitator grouping 50 ideas in a row)."""
    for _ in range(50):
        ack = client.call(name, payload)
        if ack["ok"] or ack["error"]["code"] != "rate_limited":
            return ack
        time.sleep(0.3)
    return ack


def _link(live_server, code: str) -> str:
    r = requests.post(
        f"{live_server.url}/api/v1/workshops/{code}/presenter-link",
        headers=live_server.auth(live_server.token()),
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return r.json()["url"]


def _open(new_page, url: str, viewport: dict):
    page = new_page(viewport=viewport)
    page.goto(url)
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    return page


def _every_page(page, viewport: dict) -> tuple[set[int], dict[int, int]]:
    """Walk the pages (Page ↓) once round; check each lies on screen. The ideas and stacks seen."""
    ideas, stacks = set(), {}
    first = page.evaluate(_MEASURE, SHOWN)
    for turn in range(first["pages"]):
        m = page.evaluate(_MEASURE, SHOWN)
        assert m["outside"] == 0 and m["clipped"] == 0, (viewport, turn, m)
        assert m["scroll"] == [viewport["width"], viewport["height"]], m  # the page never scrolls
        if viewport["height"] == 1080:
            assert m["smallest"] >= 18, m
        ideas.update(m["ideas"])
        stacks.update(dict(m["stacks"]))
        page.keyboard.press("PageDown")
    return ideas, stacks


def test_projector_fits_120_ideas_at_1080p_and_720p_and_follows_the_focus(live_server, room_workshop, new_page):
    room = room_workshop(phase="cluster")
    fac, ideas = room.facilitator, room.ideas
    # Six groups of four: the projector may show them open or as stacks.
    for g in range(6):
        first = _call(fac, "idea.group", {"idea_id": ideas[g * 4]["id"], "group_label": f"Thème {g + 1}"})
        gid = first["idea"]["group_id"]
        for k in range(1, 4):
            assert _call(fac, "idea.group", {"idea_id": ideas[g * 4 + k]["id"], "group_id": gid})["ok"]
    page = _open(new_page, _link(live_server, room.code), HD)
    expect(page.locator("#view-board[data-mode]")).to_have_count(1)
    expect(page.get_by_test_id("idea-card").first).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "projector-1080.png")

    for viewport in (HD, SMALL):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)  # the layout follows a resize after 100 ms
        shown, stacks = _every_page(page, viewport)
        grouped = {i["id"] for i in ideas[:24]}
        # Every idea is on some page: as a card, or counted in its group's stack.
        assert shown | (grouped if stacks else set()) >= {i["id"] for i in ideas}, viewport
        assert all(n == 4 for n in stacks.values()), stacks
    page.screenshot(path=SHOTS / "projector-720.png")

    # The facilitator zooms on one idea, then one group, from anywhere: the projector follows.
    page.set_viewport_size(HD)
    target = ideas[100]
    assert fac.call("present.focus", {"idea_id": target["id"]})["ok"]
    focus = page.get_by_test_id("present-focus")
    expect(focus).to_be_visible()
    expect(focus.get_by_test_id("focus-idea")).to_contain_text(target["text"])
    page.screenshot(path=SHOTS / "projector-focus.png")
    assert fac.call("present.focus", {"group_id": gid})["ok"]
    expect(focus.get_by_test_id("focus-group")).to_contain_text("Thème 6")
    expect(focus.locator(".present-card")).to_have_count(4)
    assert fac.call("present.focus", {})["ok"]
    expect(focus).to_be_hidden()

    # On the projector's own keyboard: arrows choose, Enter zooms, Esc returns (this screen only).
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    selected = page.locator("#view-board .is-selected")
    expect(selected).to_have_count(1)
    page.keyboard.press("Enter")
    expect(focus).to_be_visible()
    page.keyboard.press("Escape")
    expect(focus).to_be_hidden()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # In the discussion the ranking is on screen; the arrows go through its rows the same way.
    assert fac.call("phase.set", {"phase": "discuss"})["ok"]
    expect(page.get_by_test_id("present-results").locator("[data-idea-id]").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(focus.get_by_test_id("focus-idea")).to_be_visible()
    page.screenshot(path=SHOTS / "projector-discuss-focus.png")
    page.keyboard.press("Escape")
    expect(focus).to_be_hidden()


def test_presenter_link_needs_no_login_shows_no_control_and_dies_with_the_next(live_server, new_page):
    workshop = live_server.create_workshop(title="Atelier projeté", settings={"reveal_votes": "end"})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    alice = live_server.client(code, live_server.join(code, "Alice"))
    try:
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        column = workshop["columns"][0]["id"]
        assert alice.call("idea.create", {"column_id": column, "text": "Brouillon d'Alice"})["ok"]
        url = _link(live_server, code)
        page = _open(new_page, url, SMALL)
        assert page.context.cookies() == []  # nothing to log in with, nothing remembered
        expect(page.get_by_test_id("join-qr")).to_be_visible()
        expect(page.get_by_test_id("join-code")).to_have_text(code)
        # No control at all on screen: not a button, field or link to act with.
        assert (
            page.locator("button, input, select, textarea, [contenteditable], a[href]").filter(visible=True).count()
            == 0
        )
        # What a participant would see: nothing of a private idea, not even how many there are.
        expect(page.get_by_test_id("present-private")).to_be_visible()
        expect(page.locator(".present-count")).to_have_count(0)
        expect(page.get_by_text("Brouillon d'Alice")).to_have_count(0)
        page.keyboard.press("n")  # a facilitator's key: nothing happens here
        assert fac.call("phase.set", {"phase": "cluster"})["ok"]
        expect(page.get_by_test_id("idea-card").filter(has_text="Brouillon d'Alice")).to_have_count(1)
        idea_id = page.get_by_test_id("idea-card").first.get_attribute("data-idea-id")
        assert fac.call("phase.set", {"phase": "vote"})["ok"]
        assert alice.call("vote.cast", {"idea_id": int(idea_id)})["ok"]
        expect(page.get_by_test_id("vote-progress")).to_have_text("1 / 1 ont voté")
        expect(page.get_by_test_id("present-results")).to_contain_text("dévoilés à la fin du vote")  # reveal_votes: end
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
        violations = axe_violations(page)
        assert not violations, describe(violations)

        newer = _link(live_server, code)
        expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "offline")
        expect(page.get_by_test_id("connection-status")).to_contain_text("remplacé")
        page.reload()
        expect(page.get_by_test_id("presenter-refused")).to_contain_text("remplacé")
        expect(page.get_by_test_id("join-qr")).to_have_count(0)
        fresh = _open(new_page, newer, SMALL)
        expect(fresh.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    finally:
        alice.close()
        fac.close()


def test_presenter_link_letter_keys_can_be_switched_off(live_server, new_page):
    """WCAG 2.1.4 on the read-only projector: ?raccourcis=non starts without Q and B, Alt+Maj+R toggles."""
    code = live_server.create_workshop()["code"]
    page = _open(new_page, _link(live_server, code) + "?raccourcis=non", SMALL)
    root = page.locator("#present")
    expect(root).to_have_attribute("data-qr", "big")  # setup: the QR code is big
    expect(page.get_by_test_id("letter-keys-toggle")).to_contain_text("Alt+Maj+R")
    expect(page.get_by_test_id("letter-keys-toggle")).to_contain_text("coupés")
    page.keyboard.press("q")
    page.keyboard.press("b")
    expect(root).to_have_attribute("data-qr", "big")
    expect(root).to_have_attribute("data-sound", "off")
    page.keyboard.press("Alt+Shift+R")
    expect(page.get_by_test_id("letter-keys-toggle")).to_contain_text("actifs")
    page.keyboard.press("q")
    expect(root).to_have_attribute("data-qr", "corner")
    page.keyboard.press("Alt+Shift+R")
    page.reload()  # the choice is kept in this browser
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(page.get_by_test_id("letter-keys-toggle")).to_contain_text("coupés")
    page.keyboard.press("q")
    expect(root).to_have_attribute("data-qr", "big")
    assert not axe_violations(page), describe(axe_violations(page))


def test_projector_timer_matches_the_facilitators_and_clears_with_the_phase(live_server, new_page, login):
    workshop = live_server.create_workshop()
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    try:
        page = new_page(viewport=SMALL)
        login(page)
        page.goto(f"{live_server.url}/w/{code}/present")
        expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
        assert fac.call("timer.start", {"seconds": 180})["ok"]  # 3 minutes, set from the board
        expect(page.get_by_test_id("timer")).to_have_text("03:00")
        expect(page.get_by_test_id("timer-minutes")).to_have_value("3")
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        expect(page.get_by_test_id("timer")).to_be_hidden()
        # The optional sound: B switches it on; the end of a countdown then beeps once.
        page.keyboard.press("b")
        expect(page.locator("#present")).to_have_attribute("data-sound", "on")
        assert fac.call("timer.start", {"seconds": 1})["ok"]
        expect(page.get_by_test_id("timer")).to_have_text("Temps écoulé")
        expect(page.locator("#present")).to_have_attribute("data-beeped", "1")
        # Q puts the QR code back in the middle, and back in its corner.
        expect(page.locator("#present")).to_have_attribute("data-qr", "corner")
        page.keyboard.press("q")
        expect(page.locator("#present")).to_have_attribute("data-qr", "big")
    finally:
        fac.close()


def test_a_phone_joins_from_the_qr_code_with_two_fields_and_one_tap(live_server, new_page):
    workshop = live_server.create_workshop(title="Atelier téléphone", settings={"private_brainstorm": False})
    code = workshop["code"]
    phone = new_page(**PHONE)
    phone.goto(workshop["join_url"])  # what the QR code opens
    expect(phone.get_by_test_id("join-code")).to_have_value(code)
    # Without scrolling: the name, the room/remote choice and the button are on the first screen.
    for hook in ("join-name", "join-attendance", "join-submit"):
        box = phone.get_by_test_id(hook).bounding_box()
        assert box and box["y"] + box["height"] <= 740, (hook, box)
    # Above the button, two fields: the name, and the choice (one radio group, already on « Dans la salle »);
    # the code, filled in from the link, stays below it.
    above = phone.evaluate(
        """() => { const limit = document.querySelector('[data-testid=join-submit]').getBoundingClientRect().top;
           return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter((e) => e.offsetParent && e.getBoundingClientRect().top < limit)
             .map((e) => e.type === 'radio' ? 'radio:' + e.name : e.name); }"""
    )
    assert sorted(set(above)) == ["name", "radio:attendance"], above
    violations = axe_violations(phone)
    assert not violations, describe(violations)
    phone.get_by_test_id("join-name").fill("Inès")
    phone.get_by_label("À distance").tap()
    phone.get_by_test_id("join-submit").tap()
    expect(phone).to_have_url(f"{live_server.url}/w/{code}")
    expect(phone.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")

    # Typed by hand: a wrong code is reported before the name is typed.
    other = new_page(**PHONE)
    other.goto(f"{live_server.url}/join")
    other.get_by_test_id("join-code").fill("ZZZZ-ZZZZ")
    expect(other.get_by_test_id("join-code-status")).to_contain_text("Aucun atelier")
    expect(other.get_by_test_id("join-code")).to_have_attribute("aria-invalid", "true")
    expect(other.get_by_test_id("join-name")).to_have_value("")
    other.get_by_test_id("join-code").fill(code.lower())
    expect(other.get_by_test_id("join-code-status")).to_contain_text("Atelier téléphone")


def test_results_fit_a_360_px_phone_and_its_header_links_are_44_px(live_server, new_page):
    long = "Une navette solidaire entre les gares et les sites des épreuves, avec des bénévoles formés"
    for settings in ({"vote_method": "majority_judgment"},):  # the widest table: mention and merit profile
        workshop = live_server.create_workshop(settings={"private_brainstorm": False, **settings})
        code = workshop["code"]
        fac = live_server.client(code, live_server.token())
        try:
            assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
            ideas = [
                fac.call("idea.create", {"column_id": c["id"], "text": f"{long} ({c['title']})"})["idea"]
                for c in workshop["columns"]
            ]
            phone = new_page(**PHONE)
            phone.goto(workshop["join_url"])
            phone.get_by_test_id("join-name").fill("Inès")
            phone.get_by_test_id("join-submit").tap()
            expect(phone).to_have_url(f"{live_server.url}/w/{code}")
            voter = live_server.client(code, live_server.join(code, "Bob"))
            assert fac.call("phase.set", {"phase": "vote"})["ok"]
            for idea in ideas:
                assert voter.call("vote.cast", {"idea_id": idea["id"], **({"grade": 5} if settings else {})})["ok"]
            voter.close()
            assert fac.call("phase.set", {"phase": "discuss"})["ok"]
            phone.goto(f"{live_server.url}/w/{code}/results")
            expect(phone.locator(".results-table").first).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360
            heights = phone.locator(".site-header a, .site-header button").evaluate_all(
                "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
            )
            assert heights and min(heights) >= 44, heights
            phone.screenshot(path=SHOTS / f"results-360-{settings.get('vote_method', 'dots')}.png", full_page=True)
            violations = axe_violations(phone)
            assert not violations, describe(violations)
        finally:
            fac.close()
