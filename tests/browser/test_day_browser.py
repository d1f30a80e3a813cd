"""Browser (issue 21): a phone joins the day from its QR code, picks an atelier, posts, then moves to the plenary
without joining again; the day's overview shows the ateliers; both pages pass axe-core."""

import base64
import io
import os

import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from pycrdt import Doc, Text

from tests.browser.a11y_helpers import axe_violations, describe
from tests.live.voting import close_all, ensure_pemb

PHONE = {"width": 360, "height": 740}
SHOTS = os.environ.get("FABRIQUE_SHOTS", "/tmp/shots-days")


def _api(live_server, path, body):
    r = requests.post(live_server.url + path, json=body, headers=live_server.auth(live_server.token()), timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_phone_joins_the_day_by_qr_posts_then_moves_to_the_plenary(live_server, new_page, login):
    s = live_server
    day = _api(
        s,
        "/api/v1/days",
        {
            "title": "Journée ESS à l'UPEC",
            "date": "2026-11-21",
            "location": "UPEC, Créteil",
            "programme": [{"time": "9 h 30", "title": "Ateliers en parallèle"}, {"time": "12 h", "title": "Plénière"}],
        },
    )
    ateliers = [
        _api(
            s,
            "/api/v1/workshops",
            {
                "title": title,
                "theme": theme,
                "day_id": day["id"],
                "role": "atelier",
                "capacity": 12,
                "settings": {"private_brainstorm": False},
            },
        )
        for title, theme in (("JO 2024 et ESS", "jo2024"), ("Coopératives éphémères", "cooperatives_ephemeres"))
    ]
    plenary = _api(
        s,
        "/api/v1/workshops",
        {"title": "Plénière tiers-lieux", "theme": "tiers_lieux", "day_id": day["id"], "role": "plenary"},
    )
    fac = s.client(ateliers[1]["code"], s.token())
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]

    desk = new_page()
    login(desk)
    desk.goto(f"{s.url}/days/{day['id']}")
    expect(desk.get_by_test_id("day-workshop")).to_have_count(3)
    qr = desk.get_by_test_id("join-qr").screenshot()
    urls = [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr)).convert("L"))]
    assert urls == [day["join_url"]] == [f"{s.url}/d/{day['code']}"]
    assert not (found := axe_violations(desk)), describe(found)
    _shot(desk, "day-overview")

    phone = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    phone.goto(urls[0])  # what the QR code opens
    expect(phone.get_by_role("heading", name="Journée ESS à l'UPEC")).to_be_visible()
    assert not (found := axe_violations(phone)), describe(found)
    _shot(phone, "day-join-phone")
    phone.get_by_test_id("join-name").fill("Zoé")
    phone.get_by_label("Coopératives éphémères").check()
    phone.get_by_test_id("join-submit").tap()
    phone.wait_for_url(f"**/w/{ateliers[1]['code']}")
    expect(phone.get_by_role("heading", name="Coopératives éphémères")).to_be_visible()
    expect(phone.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    phone.get_by_test_id("idea-input").fill("Une coopérative éphémère pour l'été")
    phone.get_by_test_id("idea-submit").tap()
    expect(phone.get_by_test_id("idea-card")).to_have_count(1)
    _shot(phone, "day-atelier-phone")

    # Back to the day: the plenary is one tap away, no name typed again.
    phone.get_by_test_id("day-link").tap()
    expect(phone.get_by_test_id("day-me")).to_contain_text("Zoé")
    assert not (found := axe_violations(phone)), describe(found)
    _shot(phone, "day-me-phone")
    phone.get_by_test_id("day-to-plenary").tap()
    phone.wait_for_url(f"**/w/{plenary['code']}")
    expect(phone.get_by_role("heading", name="Plénière tiers-lieux")).to_be_visible()
    expect(phone.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(phone.get_by_test_id("join-name")).to_have_count(0)
    _shot(phone, "day-plenary-phone")
    # One person, two rows behind one day pass: the overview counts them in their atelier and in the plenary.
    overview = requests.get(f"{s.url}/api/v1/days/{day['id']}", headers=s.auth(s.token()), timeout=10).json()
    assert [w["people"] for w in overview["workshops"]] == [0, 1, 1] and overview["people"] == 1
    # and the atelier's idea stayed in its atelier
    expect(phone.get_by_test_id("idea-card")).to_have_count(0)

    # The atelier closes: its card reaches the plenary's screen, and its idea the plenary's board.
    projector = new_page(viewport={"width": 1920, "height": 1080})
    login(projector)
    projector.goto(f"{s.url}/days/{day['id']}/plenary")
    expect(projector.get_by_test_id("restitution-card")).to_have_count(0)
    # Its facilitator leads the plenary: the page is a client of the plenary's socket, no polling, no reload.
    expect(projector.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    assert projector.get_by_test_id("restitution-cards").get_attribute("data-live") == "socket"
    projector.evaluate("window.__notReloaded = true")
    assert fac.call("phase.set", {"phase": "closed"})["ok"]
    expect(phone.get_by_test_id("idea-card")).to_have_count(1)  # live, on the plenary's board
    expect(projector.get_by_test_id("restitution-card")).to_have_count(1, timeout=3000)  # pushed, not polled
    assert projector.evaluate("window.__notReloaded === true")
    expect(projector.get_by_test_id("restitution-card")).to_contain_text("Une coopérative éphémère pour l'été")
    assert not (found := axe_violations(projector)), describe(found)
    _shot(projector, "day-restitution-1920")
    _shot(phone, "day-plenary-after-restitution-phone")
    fac.close()


def test_the_process_page_reads_well_and_passes_axe(live_server, new_page, login):
    s = live_server
    ensure_pemb(s)
    roadmap = _api(
        s,
        "/api/v1/roadmaps",
        {"title": "Feuille de route ESS 2022", "territory": "Paris Est Marne&Bois", "axes": ["Coopérer"]},
    )
    process = _api(
        s,
        "/api/v1/processes",
        {"title": "Feuille de route ESS 2022 — PEMB", "territory": "Paris Est Marne&Bois", "roadmap_id": roadmap["id"]},
    )
    first = s.create_workshop(title="Lancement à Vincennes", location="Mairie de Vincennes")
    requests.post(
        f"{s.url}/api/v1/workshops/{first['code']}/participants",
        json={"name": "Amina", "attendance": "room", "organisation": "Coopaname"},
        timeout=10,
    )
    day = _api(
        s, "/api/v1/days", {"title": "Journée à Nogent-sur-Marne", "date": "2026-11-21", "location": "Nogent-sur-Marne"}
    )
    _api(s, "/api/v1/workshops", {"title": "Tiers-lieux", "theme": "tiers_lieux", "day_id": day["id"]})
    requests.post(
        f"{s.url}/api/v1/days/{day['code']}/participants",
        json={"name": "Chloé", "attendance": "remote", "organisation": "CRESS"},
        timeout=10,
    )
    for body in ({"workshop_code": first["code"]}, {"day_id": day["id"]}):
        _api(s, f"/api/v1/processes/{process['id']}/sessions", body)
    _api(
        s,
        f"/api/v1/roadmaps/{roadmap['id']}/actions",
        {"title": "Un annuaire des tiers-lieux", "axis_id": roadmap["axes"][0]["id"]},
    )
    page = new_page()
    login(page)
    page.goto(f"{s.url}/processes/{process['id']}")
    expect(page.get_by_test_id("process-session")).to_have_count(2)
    expect(page.get_by_test_id("process-since-last")).to_contain_text("Un annuaire des tiers-lieux")
    expect(page.get_by_test_id("process-not-heard")).to_contain_text("Bry-sur-Marne")
    expect(page.get_by_test_id("process-organisations")).to_contain_text("Coopaname")
    assert not (found := axe_violations(page)), describe(found)
    _shot(page, "process")


def _minutes(client, text):
    """Write the atelier's minutes as a Yjs client of its socket (decisions and actions for its card)."""
    doc = Doc()
    doc["minutes"] = minutes = Text()
    doc.apply_update(base64.b64decode(client.call("minutes.sync")["state"]))
    before = doc.get_state()
    minutes.insert(len(minutes), text)
    assert client.call("minutes.update", {"update": base64.b64encode(doc.get_update(before)).decode()})["ok"]


def test_the_plenary_projector_and_board_show_the_four_cards_live(live_server, new_page, login):
    """Four ateliers close one after the other: the plenary's projector (/w/CODE/present) and a participant's
    plenary board receive the cards live, in closing order; at 1920×1080 every card is inside the viewport and
    holds all it says (nothing scrolls); a reload draws them from the snapshot."""
    s = live_server
    day = _api(s, "/api/v1/days", {"title": "Journée ESS à l'UPEC", "date": "2026-11-21", "location": "UPEC"})
    titles = (
        ("JO 2024 avec ESS2024", "jo2024"),
        ("Coopératives éphémères avec Coopaname", "cooperatives_ephemeres"),
        ("Mécénat de compétences avec Probonolab", "mecenat_competences"),
        ("Entreprendre avec BGE ADIL", "custom"),
    )
    ateliers = [
        _api(
            s,
            "/api/v1/workshops",
            {"title": t, "theme": th, "day_id": day["id"], "role": "atelier", "settings": {"private_brainstorm": False}},
        )
        for t, th in titles
    ]
    plenary = _api(
        s,
        "/api/v1/workshops",
        {"title": "Plénière tiers-lieux", "theme": "tiers_lieux", "day_id": day["id"], "role": "plenary"},
    )
    facs = [s.client(a["code"], s.token()) for a in ateliers]
    voters = []
    for a, fac in zip(ateliers, facs, strict=True):
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        ideas = []
        for n in range(5):
            text = f"{a['title'].split(' avec')[0]} : une proposition concrète numéro {n + 1} pour le territoire"
            ack = fac.call("idea.create", {"column_id": a["columns"][0]["id"], "text": text})
            assert ack["ok"], ack
            ideas.append(ack["idea"]["id"])
        _minutes(
            fac,
            "/décision Un groupe de travail se réunit en janvier\n/décision La CRESS coordonne le suivi\n"
            "- /action Recenser les lieux disponibles @amina due:2026-12-15\n",
        )
        joined = requests.post(
            f"{s.url}/api/v1/days/{day['code']}/participants",
            json={"name": f"Votant {a['code']}", "attendance": "remote", "workshop": a["code"]},
            timeout=10,
        ).json()
        voter = s.client(a["code"], joined["token"])
        voters.append(voter)
        assert fac.call("phase.set", {"phase": "vote"})["ok"]
        for idea in (ideas[0], ideas[0], ideas[1]):
            assert voter.call("vote.cast", {"idea_id": idea})["ok"]

    # A participant joins atelier 1 by the day's code, then moves to the plenary (no new join).
    phone = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    phone.goto(f"{s.url}/d/{day['code']}")
    phone.get_by_test_id("join-name").fill("Zoé")
    phone.get_by_label(titles[0][0]).check()
    phone.get_by_test_id("join-submit").tap()
    phone.wait_for_url(f"**/w/{ateliers[0]['code']}")
    phone.get_by_test_id("day-link").tap()
    phone.get_by_test_id("day-to-plenary").tap()
    phone.wait_for_url(f"**/w/{plenary['code']}")
    expect(phone.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(phone.get_by_test_id("restitution-panel")).to_be_hidden()

    projector = new_page(viewport={"width": 1920, "height": 1080})
    login(projector)
    projector.goto(f"{s.url}/w/{plenary['code']}/present")
    expect(projector.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(projector.get_by_test_id("present-restitution")).to_be_hidden()
    cards = projector.get_by_test_id("restitution-card")
    order = [ateliers[i]["code"] for i in (2, 0, 3, 1)]
    for n, code in enumerate(order):
        assert facs[[a["code"] for a in ateliers].index(code)].call("phase.set", {"phase": "closed"})["ok"]
        expect(cards).to_have_count(n + 1)  # live, one per closing
        expect(phone.get_by_test_id("restitution-card")).to_have_count(n + 1)
    codes = [cards.nth(i).get_attribute("data-code") for i in range(4)]
    assert codes == order
    first = cards.nth(0)
    expect(first).to_contain_text("Mécénat de compétences avec Probonolab")
    expect(first).to_contain_text("Animation :")
    expect(first.locator(".rank").first).to_have_text("1")
    expect(first.locator(".figure").first).to_have_text("(2 gommettes)")
    expect(first).to_contain_text("La CRESS coordonne le suivi")
    expect(first).to_contain_text("Recenser les lieux disponibles")

    def fits(page):
        return page.evaluate(
            """() => {
              const out = [];
              const root = document.scrollingElement;
              if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1) out.push('page scrolls');
              for (const c of document.querySelectorAll('[data-testid=restitution-card]')) {
                const r = c.getBoundingClientRect();
                if (r.left < 0 || r.top < 0 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1)
                  out.push(c.dataset.code + ' outside ' + JSON.stringify(r));
                if (c.scrollHeight > c.clientHeight + 1) out.push(c.dataset.code + ' clipped');
              }
              return out;
            }"""
        )

    assert fits(projector) == []
    font = int(projector.get_by_test_id("restitution-cards").get_attribute("data-font-px"))
    assert font >= 14, font  # still readable from the back of the room
    _shot(projector, "plenary-projector-4-cards-1920")
    assert not (found := axe_violations(projector)), describe(found)

    # A reload (or a projector opened late) draws them from the plenary's snapshot, in the same order.
    projector.reload()
    expect(cards).to_have_count(4)
    assert [cards.nth(i).get_attribute("data-code") for i in range(4)] == order
    assert fits(projector) == []
    # The plenary votes across the 20 copied ideas: the cards stay above the live results, still whole.
    hall = s.client(plenary["code"], s.token())
    voters.append(hall)
    assert hall.call("phase.set", {"phase": "vote"})["ok"]
    expect(projector.get_by_test_id("phase")).to_have_attribute("data-phase", "vote")
    expect(cards).to_have_count(4)
    projector.wait_for_timeout(300)  # the results' own fit
    assert fits(projector) == []
    _shot(projector, "plenary-projector-vote-1920")

    panel = phone.get_by_test_id("restitution-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("restitution-card").first).to_contain_text("Mécénat de compétences")
    assert [panel.get_by_test_id("restitution-card").nth(i).get_attribute("data-code") for i in range(4)] == order
    panel.scroll_into_view_if_needed()
    _shot(phone, "plenary-board-restitution-phone")
    assert not (found := axe_violations(phone)), describe(found)
    close_all(facs + voters)
