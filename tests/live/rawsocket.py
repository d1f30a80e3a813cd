"""A Socket.IO client written by hand over one WebSocket (Engine.IO 4), for the clients python-socketio
will not play: a phone that vanished (it never answers a ping and never closes), or a script that
opens dozens of sockets with one token. Each one is a single TCP connection and no thread."""

import itertools
import json
import re

import websocket

_ACK = re.compile(r"43(\d+)(\[.*)", re.S)


class RawSocket:
    def __init__(self, url: str, auth: dict, timeout: float = 10.0):
        """Open the WebSocket and join the default namespace; `refusal` holds the server's message if refused."""
        address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(address, timeout=timeout)
        self.events: list[dict] = []
        self.refusal: str | None = None
        self._ids = itertools.count()
        assert self.ws.recv().startswith("0"), "no Engine.IO open packet"
        self.ws.send("40" + json.dumps(auth))
        while True:
            message = self._next()
            if message.startswith("40"):
                return
            if message.startswith("44"):
                self.refusal = json.loads(message[2:]).get("message")
                return

    def _next(self) -> str:
        """The next packet that is not a ping (pings are answered); events are kept in `events`."""
        while True:
            message = self.ws.recv()
            if message == "2":
                self.ws.send("3")
            elif message.startswith('42["event",'):
                self.events.append(json.loads(message[2:])[1])
            else:
                return message

    def call(self, name: str, data: dict | None = None) -> dict:
        """Emit a command and wait for its ack (answering pings meanwhile)."""
        ack_id = str(next(self._ids))
        self.ws.send(f"42{ack_id}" + json.dumps([name, data or {}]))
        while True:
            match = _ACK.match(self._next())
            if match and match.group(1) == ack_id:
                return json.loads(match.group(2))[0]

    def close(self) -> None:
        try:
            self.ws.close(timeout=1)
        except (OSError, websocket.WebSocketException):
            pass
