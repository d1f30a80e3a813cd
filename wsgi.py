"""Entry point: `python wsgi.py` serves; `gunicorn -k gevent -w 1 wsgi:app` in production."""

import os

ASYNC_MODE = os.environ.get("FABRIQUE_ASYNC_MODE", "gevent")
if ASYNC_MODE == "gevent" and os.environ.get("FABRIQUE_NO_MONKEY") != "1":
    from gevent import monkey

    monkey.patch_all()
elif ASYNC_MODE == "eventlet" and os.environ.get("FABRIQUE_NO_MONKEY") != "1":
    import eventlet

    eventlet.monkey_patch()

import gc  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import socketio  # noqa: E402

app = create_app()

# What start-up built (modules, mappers, templates) lives as long as the process: freeze it out
# of the cyclic collector's sight, and collect young objects less often. With 500 sockets open,
# the default settings stalled the process 90-150 ms per full collection (docs/performance.md).
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 20, 20)


def serve_gevent(host: str, port: int) -> None:
    """What socketio.run does for gevent, plus TCP_NODELAY on every connection (gunicorn sets
    it too): without it, an ack that follows event frames on the same socket waits for the
    client's delayed ACK, ~40 ms (Nagle's algorithm)."""
    from gevent import pywsgi, socket

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted sockets
    listener.bind((host, port))
    listener.listen(1024)
    socketio.wsgi_server = pywsgi.WSGIServer(listener, app, log=None)
    socketio.wsgi_server.serve_forever()


if __name__ == "__main__":
    host, port = app.config["HOST"], app.config["PORT"]
    print(f"Fabrique : http://{host}:{port}/  (async_mode={socketio.async_mode})", flush=True)
    if socketio.async_mode == "gevent":
        serve_gevent(host, port)
    else:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
