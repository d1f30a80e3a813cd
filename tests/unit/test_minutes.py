"""Shared minutes service: CRDT persistence, limits, template, results, compaction, exports, routes."""

import base64
from datetime import datetime

import pytest
from pycrdt import Doc, Text
from sqlalchemy import func, select

from app.api.minutes import minutes_file
from app.extensions import socketio
from app.lib.escape import md_escape
from app.services.core.errors import Forbidden, Invalid, NotFound, PhaseError, TooLarge
from app.services.minutes import document
from app.services.minutes import operations as minutes
from app.services.minutes.template import opening_template, results_markdown
from app.services.workshop.session import set_phase
from app.services.workshop.votes import cast_vote
from models import MinutesUpdate, db
from tests.conftest import api_headers


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Editor:
    """A pycrdt replica editing like a browser: local changes become base64 updates."""

    def __init__(self, state_b64: str | None = None):
        self.doc = Doc()
        self.doc["minutes"] = self.text = Text()
        if state_b64:
            self.doc.apply_update(base64.b64decode(state_b64))

    def edit(self, fn) -> str:
        before = self.doc.get_state()
        fn(self.text)
        return b64(self.doc.get_update(before))

    def append(self, s: str) -> str:
        return self.edit(lambda t: t.insert(len(t), s))

    def receive(self, update_b64: str) -> None:
        self.doc.apply_update(base64.b64decode(update_b64))

    def __str__(self) -> str:
        return str(self.text)


def rows(workshop) -> int:
    return db.session.scalar(select(func.count(MinutesUpdate.id)).filter_by(workshop_id=workshop.id))


def test_first_sync_writes_the_template_once(workshop, fac, join):
    alice = join(workshop, "Alice", "room")
    join(workshop, "Bob", "remote")
    first = minutes.sync_minutes(alice)
    again = minutes.sync_minutes(fac)
    assert rows(workshop) == 1
    text = str(Editor(again["state"]))
    assert str(Editor(first["state"])) == text
    assert text.startswith("# Compte rendu — Atelier JO 2024")
    assert "1 en salle, 1 à distance" in text
    assert "Camille Animatrice" in text
    assert "1. Tour de table" in text and "4. Priorisation" in text
    assert first["editable"] is True and first["phase"] == "setup"


def test_template_is_not_rewritten_after_the_text_is_emptied(workshop, fac):
    ed = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(fac, ed.edit(lambda t: t.clear()))
    state = minutes.sync_minutes(fac)["state"]
    assert str(Editor(state)) == ""
    assert rows(workshop) == 2


def test_template_escapes_user_text(make_workshop):
    w = make_workshop(title="<script>x</script> *gras* /action pirate", location="[lien](javascript:alert(1))")
    text = opening_template(w)
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\[lien\\]" in text
    assert minutes.extract_register(text) == {"decisions": [], "actions": []}
    assert md_escape("a\nb  c") == "a b c"


def test_template_date_is_french_and_local(make_workshop):
    w = make_workshop(starts_at="2025-03-12T13:30:00+00:00", location="Mairie de Montreuil")
    text = opening_template(w)
    assert "12 mars 2025, 14 h 30" in text
    assert "Mairie de Montreuil" in text


def test_concurrent_updates_converge(workshop, fac, join):
    alice = join(workshop)
    state = minutes.sync_minutes(alice)["state"]
    a, b = Editor(state), Editor(state)
    ua, ub = a.edit(lambda t: t.insert(0, "AAA ")), b.edit(lambda t: t.insert(0, "BBB "))
    minutes.apply_update(alice, ua)
    minutes.apply_update(fac, ub)
    a.receive(ub)
    b.receive(ua)
    server = minutes.current_text(workshop)
    assert str(a) == str(b) == server
    assert "AAA " in server and "BBB " in server


def test_repeated_update_is_idempotent(workshop, fac):
    ed = Editor(minutes.sync_minutes(fac)["state"])
    update = ed.append("\nUne ligne.")
    minutes.apply_update(fac, update)
    minutes.apply_update(fac, update)
    minutes.apply_update(fac, update, client_id="c1")
    assert minutes.apply_update(fac, update, client_id="c1") == {"unchanged": True}  # neither stored nor relayed
    assert minutes.current_text(workshop).count("Une ligne.") == 1


@pytest.mark.parametrize("value", [None, "", 12, "pas du base64 !", "AAA", "////", b64(b"\x05\xff\xff\xff")])
def test_garbage_is_invalid_and_nothing_is_written(workshop, fac, value):
    minutes.sync_minutes(fac)
    with pytest.raises(Invalid):
        minutes.apply_update(fac, value)
    assert rows(workshop) == 1


def test_other_roots_are_refused(workshop, fac):
    minutes.sync_minutes(fac)
    doc = Doc()
    doc["autre"] = Text("intrus")
    with pytest.raises(Invalid):
        minutes.apply_update(fac, b64(doc.get_update()))
    assert rows(workshop) == 1


def test_update_size_cap(workshop, fac):
    ed = Editor(minutes.sync_minutes(fac)["state"])
    with pytest.raises(TooLarge):
        minutes.apply_update(fac, ed.append("x" * (minutes.MAX_UPDATE_BYTES + 10)))


def test_document_size_cap_allows_deleting(workshop, fac, monkeypatch):
    monkeypatch.setattr(minutes, "MAX_CHARS", 1000)
    ed = Editor(minutes.sync_minutes(fac)["state"])
    base = len(str(ed))
    minutes.apply_update(fac, ed.append("y" * (1000 - base)))
    big = Editor(minutes.sync_minutes(fac)["state"])
    with pytest.raises(TooLarge):
        minutes.apply_update(fac, big.append("z"))
    ed2 = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(fac, ed2.edit(lambda t: t.__delitem__(slice(0, 10))))
    assert len(minutes.current_text(workshop)) == 990


def test_no_edits_once_closed_but_reading_works(workshop, fac, join):
    alice = join(workshop)
    ed = Editor(minutes.sync_minutes(alice)["state"])
    set_phase(fac, "closed")
    with pytest.raises(PhaseError):
        minutes.apply_update(alice, ed.append("trop tard"))
    with pytest.raises(PhaseError):
        minutes.insert_results(fac)
    synced = minutes.sync_minutes(alice)
    assert synced["editable"] is False and "Compte rendu" in str(Editor(synced["state"]))


def test_closed_workshop_gets_no_template(workshop, fac):
    set_phase(fac, "closed")
    assert str(Editor(minutes.sync_minutes(fac)["state"])) == ""
    assert rows(workshop) == 0


def test_insert_results_appends_the_ranking(workshop, fac, join, monkeypatch):
    alice = join(workshop)
    ideas = []
    set_phase(fac, "brainstorm")
    from app.services.workshop.ideas import create_idea

    for text in ("Une cantine *solidaire*", "/action piège @x", "Vélos partagés"):
        ideas.append(create_idea(alice, workshop.columns[0].id, text)["idea"]["id"])
    set_phase(fac, "vote")
    cast_vote(alice, ideas[2])
    cast_vote(alice, ideas[2])
    cast_vote(alice, ideas[0])
    set_phase(fac, "discuss")
    ed = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(fac, ed.append("\nNotes du jour."))
    answer = minutes.insert_results(fac)
    ed.receive(answer["update"])
    text = minutes.current_text(workshop)
    assert str(ed) == text
    assert text.index("Notes du jour.") < text.index("## Résultats du vote")
    assert "| 1 | Vélos partagés | 2 gommettes |" in text
    assert "| 2 | Une cantine \\*solidaire\\* | 1 gommette |" in text
    assert "voix" not in text
    assert minutes.register(workshop)["actions"] == []
    with pytest.raises(Forbidden):
        minutes.insert_results(alice)


def test_results_markdown_without_votes():
    assert "Aucune idée" in results_markdown([], datetime(2025, 1, 1))


def test_compaction_keeps_text_and_old_history_merges_without_duplicates(workshop, fac):
    old = Editor(minutes.sync_minutes(fac)["state"])
    for i in range(30):
        update = old.append(f"\nligne {i}")
        minutes.apply_update(fac, update)
    minutes.apply_update(fac, old.edit(lambda t: t.__delitem__(slice(0, 5))))
    before = minutes.current_text(workshop)
    assert rows(workshop) == 32
    assert minutes.compact_minutes(workshop) == 32
    assert rows(workshop) == 1
    assert minutes.current_text(workshop) == before
    compacted = minutes.sync_minutes(fac)["state"]
    old.receive(compacted)
    assert str(old) == before
    fresh = Editor(compacted)
    fresh.receive(b64(old.doc.get_update()))
    assert str(fresh) == before


def test_automatic_compaction(workshop, fac, monkeypatch):
    monkeypatch.setattr(document, "COMPACT_AFTER", 5)
    ed = Editor(minutes.sync_minutes(fac)["state"])
    for i in range(12):
        minutes.apply_update(fac, ed.append(f" {i}"))
    assert rows(workshop) < 5
    assert minutes.current_text(workshop) == str(ed)
    compacted = db.session.scalars(select(MinutesUpdate.compacted).filter_by(workshop_id=workshop.id)).all()
    assert any(compacted)


def test_register_and_action_at(workshop, fac):
    ed = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(
        fac, ed.append("\n/décision On ouvre un tiers-lieu\n- /action Trouver un local @amina due:2025-06-30\n")
    )
    reg = minutes.register(workshop)
    assert reg["decisions"][0]["text"] == "On ouvre un tiers-lieu"
    action = reg["actions"][0]
    assert action == {"line": action["line"], "text": "Trouver un local", "owner": "amina", "due": "2025-06-30"}
    assert minutes.current_text(workshop).split("\n")[action["line"] - 1].startswith("- /action")
    assert minutes.action_at(workshop, action["line"])["owner"] == "amina"
    with pytest.raises(NotFound):
        minutes.action_at(workshop, 1)


def test_exports_include_the_register(workshop, fac):
    ed = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(fac, ed.append("\n/action Écrire la charte @lea due:2025-05-01\n"))
    body, mimetype, filename = minutes.export_minutes(fac, "md")
    assert mimetype.startswith("text/markdown") and filename == f"compte-rendu-{workshop.code}.md"
    assert "## Relevé des décisions et des actions" in body
    assert "| Écrire la charte | lea | 1 mai 2025 |" in body
    assert "Ligne" not in body and "(ligne" not in body
    html, mimetype, _ = minutes_file(fac, "html")
    assert mimetype.startswith("text/html") and "<table>" in html and "@media print" in html
    odt, mimetype, filename = minutes.export_minutes(fac, "odt")
    assert odt[:2] == b"PK" and filename.endswith(".odt")
    with pytest.raises(Invalid):
        minutes.export_minutes(fac, "pdf")


# --- HTTP and socket wiring ------------------------------------------------------------


def test_api_minutes_and_exports(client, workshop, join):
    _actor, token = join(workshop, with_token=True)
    r = client.get(f"/api/v1/workshops/{workshop.code}/minutes", headers=api_headers(token))
    assert r.status_code == 200 and set(r.get_json()) >= {"markdown", "html", "decisions", "actions"}
    for fmt, kind in (("md", "text/markdown"), ("html", "text/html"), ("odt", "application/vnd.oasis")):
        r = client.get(f"/api/v1/workshops/{workshop.code}/minutes/export?format={fmt}", headers=api_headers(token))
        assert r.status_code == 200 and r.mimetype.startswith(kind)
        assert r.headers["Content-Disposition"].startswith("attachment;")
    r = client.get(
        f"/api/v1/workshops/{workshop.code}/minutes/export?format=html&disposition=inline", headers=api_headers(token)
    )
    assert r.headers["Content-Disposition"].startswith("inline;")
    assert "script-src" not in r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    r = client.get(f"/api/v1/workshops/{workshop.code}/minutes/export?format=exe", headers=api_headers(token))
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid"
    r = client.get(f"/api/v1/workshops/{workshop.code}/minutes/export?format=md")
    assert r.status_code == 401


def test_minutes_page(client, workshop, join):
    _actor, token = join(workshop, with_token=True)
    assert client.get(f"/w/{workshop.code}/minutes").status_code == 302
    with client.session_transaction() as sess:
        sess["guests"] = {workshop.code: token}
    page = client.get(f"/w/{workshop.code}/minutes").get_data(as_text=True)
    assert 'data-testid="minutes-editor"' in page and 'data-testid="minutes-preview"' in page
    assert "dist/minutes.js" in page and "Compte rendu — Atelier JO 2024" in page
    board = client.get(f"/w/{workshop.code}").get_data(as_text=True)
    assert board.count("dist/minutes.js") == 1 and 'data-testid="minutes-editor"' in board


@pytest.mark.live_publishing
def test_socket_commands(app, workshop, join):
    _actor, token = join(workshop, with_token=True)
    _bob, token_b = join(workshop, "Bob", with_token=True)
    a = socketio.test_client(app, auth={"workshop": workshop.code, "token": token})
    b = socketio.test_client(app, auth={"workshop": workshop.code, "token": token_b})
    synced = a.emit("minutes.sync", {}, callback=True)
    assert synced["ok"] and synced["editable"]
    ed = Editor(synced["state"])
    update = ed.append("\nBonjour")
    b.get_received()
    a.get_received()
    assert a.emit("minutes.update", {"update": update, "client_id": "x1"}, callback=True) == {"ok": True}
    relayed = [m for m in b.get_received() if m["name"] == "minutes.update"]
    assert relayed and relayed[0]["args"][0] == {"update": update}
    assert not [m for m in a.get_received() if m["name"] == "minutes.update"]
    bad = a.emit("minutes.update", {"update": "%%%"}, callback=True)
    assert bad["ok"] is False and bad["error"]["code"] == "invalid"
    huge = a.emit("minutes.update", {"update": "A" * 200_000}, callback=True)
    assert huge["error"]["code"] == "too_large"
    denied = a.emit("minutes.results", {}, callback=True)
    assert denied["error"]["code"] == "forbidden"
    a.disconnect()
    b.disconnect()


def test_results_markdown_shows_ties_and_the_boards_words():
    rows = [
        {"rank": 1, "text": "A", "votes": 3},
        {"rank": 2, "text": "B", "votes": 1},
        {"rank": 2, "text": "C", "votes": 1},
    ]
    text = results_markdown(rows, datetime(2026, 1, 15, 14, 30), "Europe/Paris")
    assert "## Résultats du vote — 15 janvier 2026, 15 h 30 (heure de Paris)" in text
    assert (
        "| 1 | A | 3 gommettes |" in text and "| 2 = | B | 1 gommette |" in text and "| 2 = | C | 1 gommette |" in text
    )
    mj = [{"rank": 1, "text": "A", "grade_label": "Très bien"}, {"rank": 2, "text": "B", "grade_label": None}]
    text = results_markdown(mj, datetime(2026, 7, 15, 13, 30), majority=True)
    assert "| Rang | Idée | Mention |" in text and "| 1 | A | Très bien |" in text and "15 h 30" in text
    assert "voix" not in text
