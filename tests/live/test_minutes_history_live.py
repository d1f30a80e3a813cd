"""Nobody wrecks the minutes, through a real server and real Socket.IO clients (issue 16).

Under `minutes_editors: facilitators` a participant's select-all + delete is refused and changes nothing for
anyone; under `everyone` the same wipe is undone by restoring the previous version through the API, and every
connected editor receives the restore live."""

import requests

from tests.live.test_minutes_live import LiveEditor, server_text, wait_until


def _wipe(t) -> None:
    del t[0 : len(t)]


def _api(server, method: str, path: str, **kwargs) -> requests.Response:
    headers = server.auth(server.token())
    return requests.request(method, f"{server.url}/api/v1{path}", headers=headers, timeout=15, **kwargs)


def test_a_participant_cannot_wipe_the_minutes_of_facilitators_and_scribes(live_server):
    code = live_server.create_workshop(settings={"minutes_editors": "facilitators"})["code"]
    alice, bruno = (live_server.join(code, name) for name in ("Alice", "Bruno"))
    wiper, reader = LiveEditor(live_server, code, alice), LiveEditor(live_server, code, bruno)
    facilitator = LiveEditor(live_server, code, live_server.token())
    try:
        before = server_text(live_server, code, alice)
        assert len(before) > 400 and wiper.value() == before
        received = []
        reader.client.sio.on("minutes.update", lambda data: (received.append(data), reader._relayed(data)))
        ack = wiper.send(wiper.local(_wipe))
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
        # The facilitator's edit goes through and reaches the reader: had the wipe been relayed, it would be first.
        assert facilitator.send(facilitator.local(lambda t: t.insert(len(t), "\nNote."))) == {"ok": True}
        wait_until(lambda: reader.value() == before + "\nNote.")
        assert len(received) == 1 and server_text(live_server, code, bruno) == before + "\nNote."
        assert facilitator.value() == before + "\nNote."
    finally:
        for editor in (wiper, reader, facilitator):
            editor.close()


def test_a_wipe_is_undone_live_by_restoring_the_previous_version(live_server):
    code = live_server.create_workshop()["code"]
    alice, bruno = (live_server.join(code, name) for name in ("Alice", "Bruno"))
    wiper, reader = LiveEditor(live_server, code, alice), LiveEditor(live_server, code, bruno)
    try:
        before = server_text(live_server, code, alice)
        assert wiper.send(wiper.local(_wipe)) == {"ok": True}
        wait_until(lambda: reader.value() == "")
        versions = _api(live_server, "GET", f"/workshops/{code}/minutes/versions").json()["versions"]
        previous = next(v for v in versions if v["chars"] == len(before))
        r = _api(live_server, "POST", f"/workshops/{code}/minutes/versions/{previous['id']}/restore")
        assert r.status_code == 200 and r.json()["changed"] is True
        wait_until(lambda: reader.value() == before and wiper.value() == before)
        assert server_text(live_server, code, bruno) == before
        # Refused to a participant, with the contract's code.
        r = requests.post(
            f"{live_server.url}/api/v1/workshops/{code}/minutes/versions/{previous['id']}/restore",
            headers=live_server.auth(alice),
            timeout=15,
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    finally:
        wiper.close()
        reader.close()
