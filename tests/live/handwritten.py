"""A Socket.IO client whose command packets are written by hand, for the tests of what a hostile
client may send and python-socketio or a browser never would (`1e999`, `NaN`, deep nesting)."""

import json

import websocket


class HandWritten:
    """One Socket.IO connection whose command packets are written by hand, as a hostile client
    writes them (`1e999`, `NaN`): python-socketio, like browsers, never would."""

    def __init__(self, url: str, auth: dict):
        self.ws = websocket.create_connection(url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket")
        self.ws.settimeout(10)
        assert self.ws.recv().startswith("0")
        self.ws.send("40" + json.dumps(auth))
        while not self._next().startswith("40"):
            pass
        self.ack_id = 0

    def _next(self) -> str:
        while True:
            message = self.ws.recv()
            if message == "2":
                self.ws.send("3")  # pong
            elif not message.startswith("42"):  # events are not what these tests read
                return message

    def call(self, name: str, body: str) -> dict:
        self.ack_id += 1
        self.ws.send(f'42{self.ack_id}["{name}",{body}]')
        while True:
            message = self._next()
            if message.startswith(f"43{self.ack_id}["):
                return json.loads(message[len(f"43{self.ack_id}") :])[0]

    def close(self) -> None:
        self.ws.shutdown()  # no close handshake: the server may take seconds to answer it
