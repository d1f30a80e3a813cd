"""The server runs with either async mode the contract names (gevent default, eventlet)."""

import pytest

from tests.server import LiveServer


@pytest.mark.parametrize("mode", ["eventlet"])
def test_server_relays_ideas_in_mode(mode, tmp_path):
    server = LiveServer(tmp_path, env={"FABRIQUE_ASYNC_MODE": mode})
    server.start()
    try:
        assert f"async_mode={mode}" in (tmp_path / f"server-{server.port}.log").read_text()
        workshop = server.create_workshop()
        fac = server.client(workshop["code"], server.token())
        assert fac.call("phase.set", {"phase": "brainstorm"})["ok"]
        alice = server.client(workshop["code"], server.join(workshop["code"], "Alice"))
        column = workshop["columns"][0]["id"]
        ack = alice.call("idea.create", {"column_id": column, "text": "Une recyclerie éphémère"})
        assert ack["ok"], ack
        event = fac.wait_for(lambda e: e["type"] == "idea.created")
        assert event["data"]["text"] == "Une recyclerie éphémère"
        alice.close()
        fac.close()
    finally:
        server.stop()
