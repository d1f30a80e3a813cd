"""Real server: `idea.promote` over Socket.IO, then the public roadmap and the CSV round trip in Chromium."""

import csv
import io

import pytest
import requests
from playwright.sync_api import expect

TERRITORY = "Grand Paris Sud Est Avenir"


@pytest.fixture(scope="module")
def territory(live_server):
    """The demo brings the real territories (GPSEA and its 16 cities); loading it is idempotent."""
    live_server.flask("demo", "load")
    return TERRITORY


def api(live_server, method, path, **kwargs):
    headers = live_server.auth(live_server.token())
    r = requests.request(method, live_server.url + "/api/v1" + path, headers=headers, timeout=10, **kwargs)
    return r


def new_roadmap(live_server, title):
    body = {"title": title, "territory": TERRITORY, "year": 2026, "axes": ["Mutualisation", "Financement"]}
    r = api(live_server, "POST", "/roadmaps", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def voted_board(live_server):
    """A workshop in `discuss` with one idea carrying two dots; returns (workshop, facilitator, participant, idea)."""
    workshop = live_server.create_workshop(title="Atelier mécénat live", settings={"private_brainstorm": False})
    code = workshop["code"]
    fac = live_server.client(code, live_server.token())
    alice = live_server.client(code, live_server.join(code, "Alice"))
    assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
    text = "Un guichet unique du mécénat de compétences"
    idea = alice.call("idea.create", {"column_id": workshop["columns"][0]["id"], "text": text})["idea"]
    assert fac.call("phase.set", {"phase": "vote"})["ok"]
    for _ in range(2):
        assert alice.call("vote.cast", {"idea_id": idea["id"]})["ok"]
    return workshop, fac, alice, idea


def test_promote_over_socket_reaches_the_board_and_the_public_page(live_server, territory, page):
    roadmap = new_roadmap(live_server, "Feuille de route live")
    workshop, fac, alice, idea = voted_board(live_server)
    payload = {"idea_id": idea["id"], "roadmap_id": roadmap["id"], "axis_id": roadmap["axes"][0]["id"]}
    early = fac.call("idea.promote", payload)
    assert early["ok"] is False and early["error"]["code"] == "phase"
    assert fac.call("phase.set", {"phase": "discuss"})["ok"]
    refused = alice.call("idea.promote", payload)
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    ack = fac.call("idea.promote", {**payload, "title": "Guichet du mécénat", "client_id": "promote-1"})
    assert ack["ok"], ack
    action = ack["action"]
    assert action["sources"][0]["votes"] == 2
    again = fac.call("idea.promote", {**payload, "title": "Guichet du mécénat", "client_id": "promote-1"})
    assert again["action"]["id"] == action["id"]  # a repeated client_id has its effect once
    event = alice.wait_for(lambda e: e["type"] == "idea.promoted")
    assert event["data"]["id"] == idea["id"]
    url = f"/roadmaps/{roadmap['id']}/actions/{action['id']}"
    mark = {"id": action["id"], "roadmap_id": roadmap["id"], "title": "Guichet du mécénat", "url": url}
    assert event["data"]["action"] == mark
    fac.close()
    alice.close()

    assert page.request.get(f"{live_server.url}/roadmaps/{roadmap['id']}").status == 404  # private until published
    assert api(live_server, "PATCH", f"/roadmaps/{roadmap['id']}", json={"published": True}).status_code == 200
    page.goto(f"{live_server.url}/roadmaps/{roadmap['id']}")
    card = page.get_by_test_id("roadmap-action").filter(has_text="Guichet du mécénat")
    expect(card).to_contain_text("Atelier mécénat live")
    card.get_by_role("link", name="Pourquoi cette action ?").click()
    source = page.get_by_test_id("action-source")
    expect(source).to_contain_text(idea["text"])
    expect(source.get_by_test_id("source-votes")).to_contain_text("2 gommettes")
    expect(page.get_by_test_id("trace-workshop")).to_contain_text(workshop["title"])
    expect(page.get_by_test_id("trace-workshop")).not_to_contain_text(workshop["code"])  # no join code in public


def test_import_the_exported_csv_and_see_the_history(live_server, territory, page, login, tmp_path):
    roadmap = new_roadmap(live_server, "Feuille de route import")
    body = {"title": "Fonds d'amorçage ESS", "axis_id": roadmap["axes"][1]["id"], "lead": "France Active"}
    action = api(live_server, "POST", f"/roadmaps/{roadmap['id']}/actions", json=body).json()
    exported = api(live_server, "GET", f"/roadmaps/{roadmap['id']}/export?format=csv&sep=comma").text
    rows = list(csv.reader(io.StringIO(exported)))
    header = rows[0]
    rows[1][header.index("Avancement")] = "80"
    rows[1][header.index("Statut")] = "in_progress"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "feuille.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    login(page)
    page.goto(f"{live_server.url}/roadmaps/{roadmap['id']}/manage")
    page.get_by_label("Fichier CSV").set_input_files(str(path))
    page.get_by_role("button", name="Importer").click()
    expect(page.locator(".flash-success")).to_contain_text("1 action modifiée")
    page.get_by_role("link", name="Fonds d'amorçage ESS", exact=True).click()
    expect(page.get_by_test_id("action-status")).to_have_text("En cours")
    progress_row = page.get_by_test_id("history-row").and_(page.locator("[data-field='progress']"))
    expect(progress_row).to_contain_text("0 %")
    expect(progress_row).to_contain_text("80 %")
    expect(progress_row).to_contain_text("Animatrice Live")
    assert page.url.endswith(f"/roadmaps/{roadmap['id']}/actions/{action['id']}")
