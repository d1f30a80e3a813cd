"""Minutes: who may write (minutes_editors, scribes, lock), history and restore, remote cursors (issue 16)."""

import base64
import json

import pytest
from pycrdt import Doc, Text
from sqlalchemy import func, select

from app.extensions import socketio
from app.lib import awareness as aw
from app.services.core.errors import Forbidden, NotFound, PhaseError
from app.services.minutes import history
from app.services.minutes import operations as minutes
from app.services.workshop.session import set_phase
from app.services.workshop.workshops import update_workshop
from models import MinutesUpdate, MinutesVersion, db
from tests.conftest import api_headers


class Editor:
    """A pycrdt replica editing like a browser."""

    def __init__(self, state_b64: str):
        self.doc = Doc()
        self.doc["minutes"] = self.text = Text()
        self.doc.apply_update(base64.b64decode(state_b64))

    def edit(self, fn) -> str:
        before = self.doc.get_state()
        fn(self.text)
        return base64.b64encode(self.doc.get_update(before)).decode()

    def receive(self, update_b64: str) -> None:
        self.doc.apply_update(base64.b64decode(update_b64))

    def __str__(self) -> str:
        return str(self.text)


def select_all_delete(t: Text) -> None:
    del t[0 : len(t)]


def rows(workshop) -> int:
    return db.session.scalar(select(func.count(MinutesUpdate.id)).filter_by(workshop_id=workshop.id))


def versions(workshop) -> list[MinutesVersion]:
    return list(db.session.scalars(select(MinutesVersion).filter_by(workshop_id=workshop.id)))


def test_facilitators_only_refuses_a_participant_and_stores_nothing(workshop, fac, join, published):
    alice = join(workshop)
    update_workshop(fac, {"settings": {"minutes_editors": "facilitators"}})
    state = minutes.sync_minutes(alice)
    assert state["editable"] is False and state["editors"] == "facilitators"
    before, count, outboxes = minutes.current_text(workshop), rows(workshop), len(published)
    with pytest.raises(Forbidden) as refused:
        minutes.apply_update(alice, Editor(state["state"]).edit(select_all_delete))
    assert "secrétaires" in refused.value.message
    assert minutes.current_text(workshop) == before and rows(workshop) == count and len(before) > 400
    assert len(published) == outboxes  # nothing committed, nothing relayed
    ed = Editor(minutes.sync_minutes(fac)["state"])
    minutes.apply_update(fac, ed.edit(lambda t: t.insert(len(t), "\nNote de l'animation.")))
    assert minutes.current_text(workshop).endswith("Note de l'animation.")


def test_scribe_named_by_patch_may_write_and_lock_stops_everyone_but_facilitators(
    client, workshop, fac, join, fac_headers, published
):
    alice = join(workshop)
    url = f"/api/v1/workshops/{workshop.code}/participants/{alice.participant_id}"
    update_workshop(fac, {"settings": {"minutes_editors": "facilitators"}})
    r = client.patch(url, json={"scribe": True}, headers=fac_headers)
    assert r.status_code == 200 and r.json["participant"]["scribe"] is True
    types = [e.envelope["type"] for box in published for e in box.events]
    assert "participant.updated" in types and "minutes.permissions" in types
    permissions = next(
        e.envelope["data"] for box in published for e in box.events if e.envelope["type"] == "minutes.permissions"
    )
    assert permissions == {"editors": "facilitators", "locked": False, "scribes": [alice.participant_id]}
    db.session.refresh(alice.participant)
    ed = Editor(minutes.sync_minutes(alice)["state"])
    assert minutes.apply_update(alice, ed.edit(lambda t: t.insert(0, "Scribe. "))) == {}
    update_workshop(fac, {"settings": {"minutes_locked": True}})
    with pytest.raises(Forbidden) as refused:
        minutes.apply_update(alice, ed.edit(lambda t: t.insert(0, "Encore. ")))
    assert "verrouillé" in refused.value.message
    assert minutes.sync_minutes(alice)["editable"] is False and minutes.sync_minutes(fac)["editable"] is True
    ed2 = Editor(minutes.sync_minutes(fac)["state"])
    assert minutes.apply_update(fac, ed2.edit(lambda t: t.insert(0, "Animation. "))) == {}


def test_patch_participant_refusals(client, workshop, make_workshop, join, fac_headers):
    alice, token = join(workshop, with_token=True)
    url = f"/api/v1/workshops/{workshop.code}/participants/{alice.participant_id}"
    assert client.patch(url, json={"scribe": True}, headers=api_headers(token)).status_code == 403
    r = client.patch(url, json={"scribe": "oui"}, headers=fac_headers)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid"
    assert client.patch(url, json={"role": "x"}, headers=fac_headers).status_code == 400
    other = join(make_workshop(), "Bob")
    foreign = f"/api/v1/workshops/{workshop.code}/participants/{other.participant_id}"
    assert client.patch(foreign, json={"scribe": True}, headers=fac_headers).status_code == 404
    db.session.refresh(other.participant)
    assert other.participant.scribe is False


def test_select_all_delete_is_undone_by_restoring_through_the_api(client, workshop, fac, join, fac_headers, published):
    alice = join(workshop)
    ed = Editor(minutes.sync_minutes(alice)["state"])
    original = str(ed)
    minutes.apply_update(alice, ed.edit(select_all_delete))
    assert minutes.current_text(workshop) == ""
    listed = client.get(f"/api/v1/workshops/{workshop.code}/minutes/versions", headers=fac_headers).json["versions"]
    assert listed[0]["chars"] == len(original) and set(listed[0]) >= {"id", "at", "label", "chars"}
    assert listed[0]["author"] is None and listed[0]["kind"] == "erase"  # no participant's name is kept
    assert listed[0]["at"].endswith(("+01:00", "+02:00"))  # the workshop's clock, with its offset
    vid = listed[0]["id"]
    shown = client.get(f"/api/v1/workshops/{workshop.code}/minutes/versions/{vid}", headers=fac_headers).json
    assert shown["text"] == original
    restore = f"/api/v1/workshops/{workshop.code}/minutes/versions/{vid}/restore"
    _, token = join(workshop, "Bob", with_token=True)
    assert client.post(restore, headers=api_headers(token)).status_code == 403
    r = client.post(restore, headers=fac_headers)
    assert r.status_code == 200 and r.json["changed"] is True
    assert minutes.current_text(workshop) == original
    relayed = [update for box in published for _wid, update in box.minutes]
    ed.receive(relayed[-1])  # the restore is a new edit every editor receives
    assert str(ed) == original
    # The restore can itself be undone: the text it replaced was kept just before it.
    saved = r.json["saved"]
    assert saved["chars"] == 0 and saved["label"].startswith("Avant la restauration")
    history.restore_version(fac, saved["id"])
    assert minutes.current_text(workshop) == ""


def test_versions_on_demand_at_phase_changes_and_automatically(client, workshop, fac, join, fac_headers, monkeypatch):
    alice = join(workshop)
    ed = Editor(minutes.sync_minutes(alice)["state"])
    minutes.apply_update(alice, ed.edit(lambda t: t.insert(len(t), "Premier point.")))
    assert [v.kind for v in versions(workshop)] == ["auto"]  # the first edit keeps the text as it was
    minutes.apply_update(alice, ed.edit(lambda t: t.insert(len(t), " Suite.")))
    assert len(versions(workshop)) == 1  # not again within five minutes
    monkeypatch.setattr(history, "AUTO_EVERY", history.AUTO_EVERY * 0)
    minutes.apply_update(alice, ed.edit(lambda t: t.insert(len(t), " Encore.")))
    assert len(versions(workshop)) == 2
    set_phase(fac, "brainstorm")
    assert versions(workshop)[-1].kind == "phase" and "Idées" in versions(workshop)[-1].label
    r = client.post(
        f"/api/v1/workshops/{workshop.code}/minutes/versions", json={"label": "Avant la pause"}, headers=fac_headers
    )
    assert r.status_code == 201 and r.json["version"]["label"] == "Avant la pause"
    listed = client.get(f"/api/v1/workshops/{workshop.code}/minutes/versions", headers=fac_headers).json["versions"]
    assert [v["id"] for v in listed] == sorted((v["id"] for v in listed), reverse=True)
    assert listed[0]["label"] == "Avant la pause"
    update_workshop(fac, {"settings": {"minutes_editors": "facilitators"}})
    with pytest.raises(Forbidden):
        history.save_version(alice, {"label": "x"})
    with pytest.raises(NotFound):
        history.get_version(alice, 10**6)


def test_closing_fills_the_real_attendance_and_relays_it(workshop, fac, join, published):
    join(workshop, "Alice", "room")
    ed = Editor(minutes.sync_minutes(fac)["state"])
    assert "1 en salle, 0 à distance" in str(ed)
    join(workshop, "Bob", "remote")
    join(workshop, "Chloé", "room")
    set_phase(fac, "closed")
    assert "2 en salle, 1 à distance" in minutes.current_text(workshop)
    ed.receive(next(update for box in published for _wid, update in box.minutes))
    assert str(ed) == minutes.current_text(workshop)
    assert versions(workshop)[-1].kind == "close"
    with pytest.raises(PhaseError):
        history.restore_version(fac, versions(workshop)[0].id)


def test_export_counts_who_came(workshop, fac, join):
    minutes.sync_minutes(fac)
    for name in ("A", "B", "C"):
        join(workshop, name, "remote")
    body, _, _ = minutes.export_minutes(fac, "md")
    assert "0 en salle, 3 à distance" in body


def _awareness(name: str, client_id: int = 7) -> str:
    state = {"user": {"name": name, "color": "#123456"}, "cursor": {"anchor": 1, "head": 3}}
    return base64.b64encode(aw.encode([(client_id, 1, state)])).decode()


@pytest.mark.live_publishing
def test_awareness_is_relayed_with_the_senders_name_never_stored(app, workshop, fac, join):
    _alice, token_a = join(workshop, "Alice", with_token=True)
    _bob, token_b = join(workshop, "Bob", with_token=True)
    update_workshop(fac, {"settings": {"minutes_editors": "facilitators"}})  # readers' cursors still show
    a = socketio.test_client(app, auth={"token": token_a, "workshop": workshop.code})
    b = socketio.test_client(app, auth={"token": token_b, "workshop": workshop.code})
    try:
        b.get_received()
        events_before = db.session.scalar(select(func.count()).select_from(MinutesUpdate))
        ack = a.emit("minutes.awareness", {"update": _awareness("Animation")}, callback=True)
        assert ack == {"ok": True}
        got = [m["args"][0] for m in b.get_received() if m["name"] == "minutes.awareness"]
        [(client_id, clock, state)] = aw.decode(base64.b64decode(got[0]["update"]))
        assert (client_id, clock, state["user"]["name"], state["cursor"]) == (7, 1, "Alice", {"anchor": 1, "head": 3})
        assert not [m for m in a.get_received() if m["name"] == "minutes.awareness"]
        assert db.session.scalar(select(func.count()).select_from(MinutesUpdate)) == events_before
        big = base64.b64encode(b"\x01\x01\x01" + b"x" * 9000).decode()
        assert a.emit("minutes.awareness", {"update": big}, callback=True)["error"]["code"] == "too_large"
        bad = a.emit("minutes.awareness", {"update": base64.b64encode(b"\x05\x01").decode()}, callback=True)
        assert bad["error"]["code"] == "invalid"
        assert a.emit("minutes.awareness", {"update": "pas du base64"}, callback=True)["error"]["code"] == "invalid"
    finally:
        a.disconnect()
        b.disconnect()


@pytest.mark.live_publishing
def test_forbidden_socket_update_is_not_relayed(app, workshop, fac, join):
    _alice, token_a = join(workshop, "Alice", with_token=True)
    _bob, token_b = join(workshop, "Bob", with_token=True)
    update_workshop(fac, {"settings": {"minutes_editors": "facilitators"}})
    a = socketio.test_client(app, auth={"token": token_a, "workshop": workshop.code})
    b = socketio.test_client(app, auth={"token": token_b, "workshop": workshop.code})
    try:
        state = a.emit("minutes.sync", {}, callback=True)
        assert state["editable"] is False
        ack = a.emit("minutes.update", {"update": Editor(state["state"]).edit(select_all_delete)}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
        assert not [m for m in b.get_received() if m["name"] == "minutes.update"]
        assert len(minutes.current_text(workshop)) > 400
    finally:
        a.disconnect()
        b.disconnect()


def test_awareness_codec_round_trip_and_malformed():
    entries = [(1, 2, {"user": {"name": "é"}}), (300, 70000, None)]
    assert aw.decode(aw.encode(entries)) == entries
    for data in (b"", b"\x01", b"\x01\x01\x01\x05ab", b"\x01\x01\x01\x02{}x", bytes([0x80] * 12)):
        with pytest.raises(aw.Malformed):
            aw.decode(data)
    assert json.loads(aw.encode([(1, 1, {"a": 1})])[4:]) == {"a": 1}


def test_automatic_versions_stay_bounded(workshop, fac, join, monkeypatch):
    monkeypatch.setattr(history, "KEEP", 5)
    alice = join(workshop)
    ed = Editor(minutes.sync_minutes(alice)["state"])
    history.save_version(fac, {"label": "À garder"})
    for n in range(8):  # paste, erase, paste…: each erase keeps a version first
        minutes.apply_update(alice, ed.edit(lambda t, n=n: t.insert(len(t), f" collé {n} " + "x" * 300)))
        minutes.apply_update(alice, ed.edit(select_all_delete))
    kept = versions(workshop)
    assert len(kept) == 5 and "À garder" in [v.label for v in kept]
