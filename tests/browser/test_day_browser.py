"""Browser (issue 21): a phone joins the day from its QR code, picks an atelier, posts, then moves to the plenary
without joining again; the day's overview shows the ateliers; both pages pass axe-core."""

import io
import os

import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.a11y_helpers import axe_violations, describe

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
    assert fac.call("phase.set", {"phase": "closed"})["ok"]
    expect(phone.get_by_test_id("idea-card")).to_have_count(1)  # live, on the plenary's board
    expect(projector.get_by_test_id("restitution-card")).to_have_count(1)  # the screen redraws itself
    expect(projector.get_by_test_id("restitution-card")).to_contain_text("Une coopérative éphémère pour l'été")
    assert not (found := axe_violations(projector)), describe(found)
    _shot(projector, "day-restitution-1920")
    _shot(phone, "day-plenary-after-restitution-phone")
    fac.close()


def test_the_process_page_reads_well_and_passes_axe(live_server, new_page, login):
    s = live_server
    s.flask(
        "territory",
        "create",
        "Paris Est Marne&Bois",
        "--kind",
        "ept",
        "--cities",
        "Nogent-sur-Marne,Vincennes,Bry-sur-Marne",
    )
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
