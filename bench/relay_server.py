"""The floor: a bare Flask-SocketIO relay (gevent, one room, no database).

Every connected client joins one room; a `post` is emitted back to the whole
room as `relay`. Fabrique's fan-out figures are reported as ratios to this
server's, measured in the same run on the same machine.
Run: `python -m bench.relay_server PORT`.
"""

import sys

from gevent import monkey

monkey.patch_all()

from flask import Flask  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", ping_interval=20, ping_timeout=20, cors_allowed_origins=[])


@app.get("/")
def index():
    return "relay"


@socketio.on("connect")
def on_connect(auth=None):
    join_room("all")


@socketio.on("post")
def on_post(payload):
    # Same shape as Fabrique's envelope so both servers serialise comparable frames.
    emit("relay", payload, to="all")
    return {"ok": True}


if __name__ == "__main__":
    # Served exactly as wsgi.py serves Fabrique (gevent WSGIServer, TCP_NODELAY listener).
    from gevent import pywsgi, socket

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind(("127.0.0.1", int(sys.argv[1])))
    listener.listen(1024)
    pywsgi.WSGIServer(listener, app, log=None).serve_forever()
